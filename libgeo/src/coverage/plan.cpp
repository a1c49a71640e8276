// Placement of new cameras by lazy greedy maximisation of newly covered weighted road length.
//
// f(S) = weighted length of the union of the road intervals seen by the existing cameras
// and by S. f is monotone and submodular (a weighted measure of a union), so the greedy
// choice — each step the candidate with the largest gain — reaches at least (1 − 1/e) of
// the best possible f(S) − f(∅) over all sets of the same size (Nemhauser, Wolsey and
// Fisher 1978). Lazy greedy (Minoux 1978) gives the same picks: a gain computed in an
// earlier round is an upper bound of the current one, so a candidate whose fresh gain still
// tops every bound in the queue is the greedy choice, and most candidates are never re-evaluated.
#include "coverage/internal.hpp"

#include <lugeo/limits.hpp>
#include <lugeo/error.hpp>

#include <algorithm>
#include <cmath>
#include <queue>
#include <unordered_map>

namespace lugeo {

namespace {

using coverage_detail::RoadIndex;

struct Weights {
    std::vector<std::size_t> offset; // per slot: first unit
    std::vector<double> unit_len;    // per slot
    std::vector<double> w;           // per unit: weight per metre
};

/// Weighted (and plain) length of [a, b] minus the covered intervals (sorted, disjoint).
void gain_on(const std::vector<Interval> &cov, double a, double b, const Weights &W,
             std::size_t slot, double &wsum, double &msum) {
    auto weighted = [&](double x, double y) {
        const double ul = W.unit_len[slot];
        const std::size_t base = W.offset[slot], n = W.offset[slot + 1] - base;
        std::size_t k = std::min(n - 1, static_cast<std::size_t>(x / ul));
        double s = 0.0;
        while (x < y) {
            const double end = k + 1 >= n ? y : std::min(y, (k + 1) * ul);
            s += (end - x) * W.w[base + k];
            x = end;
            ++k;
        }
        return s;
    };
    auto it = std::lower_bound(cov.begin(), cov.end(), a,
                               [](const Interval &iv, double v) { return iv.to < v; });
    double cur = a;
    for (; it != cov.end() && it->from < b; ++it) {
        if (it->from > cur) {
            wsum += weighted(cur, it->from);
            msum += it->from - cur;
        }
        cur = std::max(cur, it->to);
        if (cur >= b) return;
    }
    if (cur < b) {
        wsum += weighted(cur, b);
        msum += b - cur;
    }
}

} // namespace

PlanResult plan_cameras(const Network &net, const CoverageInput &in, const PlanOptions &o) {
    if (o.phases == 0)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("phases"),
                    "coverage plan: the number of phases must be at least 1");
    if (!(o.range_m > 0 && o.range_m <= limits::max_camera_range_m))
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("range_m"),
                    "coverage plan: the range must be in (0, " +
                        std::to_string(static_cast<int>(limits::max_camera_range_m)) +
                        "] m (work grows with its square)");
    if (o.headings < 0 || o.headings > limits::max_headings)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("headings"),
                    "coverage plan: the headings per mounting point must be in [0, " +
                        std::to_string(limits::max_headings) + "]");
    if (!(o.hfov_deg > 0 && o.hfov_deg <= 360))
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("hfov_deg"),
                    "coverage plan: the horizontal angle must be in (0, 360] degrees");
    PlanResult res;
    const RoadIndex ri(net, o.profile, in.boundary);
    const auto &edges = ri.edges();
    const std::size_t ns = edges.size();

    // ---- weights per piece ----
    Weights W;
    W.offset.assign(ns + 1, 0);
    W.unit_len.assign(ns, 0.0);
    std::vector<XY> mids;
    for (std::size_t s = 0; s < ns; ++s) {
        const double len = ri.length(edges[s]);
        const std::size_t n = std::max<std::size_t>(
            1, static_cast<std::size_t>(std::ceil(len / std::max(1.0, o.piece_m))));
        W.offset[s + 1] = W.offset[s] + n;
        W.unit_len[s] = len / double(n);
        for (std::size_t k = 0; k < n; ++k)
            mids.push_back(net.point_along(edges[s], (double(k) + 0.5) * W.unit_len[s]));
    }
    std::vector<double> counts(mids.size(), 0.0);
    if (o.incident_weight > 0 && !in.incidents.empty()) {
        // grid of incidents with cells of the radius
        const double cell = std::max(1.0, o.incident_radius_m);
        std::unordered_map<std::int64_t, std::vector<XY>> grid;
        auto key = [&](std::int64_t x, std::int64_t y) { return (x << 32) ^ (y & 0xffffffff); };
        for (XY p : in.incidents)
            grid[key(std::int64_t(std::floor(p.x / cell)), std::int64_t(std::floor(p.y / cell)))]
                .push_back(p);
        for (std::size_t u = 0; u < mids.size(); ++u) {
            const auto cx = std::int64_t(std::floor(mids[u].x / cell)),
                       cy = std::int64_t(std::floor(mids[u].y / cell));
            for (std::int64_t dy = -1; dy <= 1; ++dy)
                for (std::int64_t dx = -1; dx <= 1; ++dx) {
                    auto it = grid.find(key(cx + dx, cy + dy));
                    if (it == grid.end()) continue;
                    for (XY p : it->second)
                        if (distance(p, mids[u]) <= o.incident_radius_m) counts[u] += 1.0;
                }
        }
    }
    double mean = 0.0;
    for (double c : counts)
        mean += c;
    mean = counts.empty() ? 0.0 : mean / double(counts.size());
    W.w.resize(mids.size());
    for (std::size_t s = 0; s < ns; ++s) {
        auto cw = o.class_weights.find(net.class_of(edges[s]));
        const double base = cw == o.class_weights.end() ? o.other_weight : cw->second;
        for (std::size_t u = W.offset[s]; u < W.offset[s + 1]; ++u)
            W.w[u] = base * (1.0 + (mean > 0 ? o.incident_weight * counts[u] / mean : 0.0));
    }

    // ---- what the existing cameras cover ----
    std::vector<std::vector<Interval>> cov(ns);
    std::vector<EdgeSpan> ivs;
    for (Camera cam : in.cameras) {
        bool blind = false;
        coverage_detail::relocate(cam, in.occluders, o.relocate_max_m, blind);
        if (blind) continue;
        ri.camera_intervals(cam, in.occluders, ivs);
        for (const auto &iv : ivs) {
            cov[ri.slot(iv.edge)].push_back({iv.from_m, iv.to_m});
        }
    }
    for (auto &v : cov)
        merge_intervals(v);
    double covered_m = 0.0, weighted = 0.0;
    for (std::size_t s = 0; s < ns; ++s) {
        double wall = 0.0, mall = 0.0, wun = 0.0, mun = 0.0;
        static const std::vector<Interval> none;
        gain_on(none, 0.0, ri.length(edges[s]), W, s, wall, mall);
        gain_on(cov[s], 0.0, ri.length(edges[s]), W, s, wun, mun);
        res.total_m += mall;
        res.weighted_total += wall;
        covered_m += mall - mun;
        weighted += wall - wun;
    }
    res.covered_before_m = covered_m;
    res.weighted_before = weighted;

    // ---- candidates ----
    if (!o.candidates.empty()) {
        res.candidates = o.candidates;
        res.candidate_plates.assign(res.candidates.size(), "");
    } else {
        const bool around = o.hfov_deg >= 360.0 || o.type == "dome" || o.type == "ptz";
        Network::SnapOptions so;
        so.profile = o.profile;
        so.max_distance_m = 60.0;
        so.largest_component_only = false;
        std::vector<std::pair<std::string, XY>> mounts = o.mounts;
        if (mounts.empty())
            for (const Plate &pl : in.plates)
                mounts.emplace_back(pl.id, pl.position);
        for (const auto &[mount_id, mount_at] : mounts) {
            struct {
                const std::string &id;
            } pl{mount_id};
            Camera c;
            c.position = mount_at;
            c.type = o.type;
            c.range_m = o.range_m;
            c.hfov_deg = around ? 360.0 : o.hfov_deg;
            c.phase = 0;
            c.owner = "planned";
            bool blind = false;
            coverage_detail::relocate(c, in.occluders, o.relocate_max_m, blind);
            if (blind) continue;
            std::vector<double> heads;
            if (around) {
                heads.push_back(0.0);
            } else {
                if (o.road_headings)
                    if (auto sn = net.snap(c.position, so)) {
                        const double len = net.edge(sn->edge).length_m;
                        const XY p0 = net.point_along(sn->edge, std::max(0.0, sn->offset_m - 1.0));
                        const XY p1 = net.point_along(sn->edge, std::min(len, sn->offset_m + 1.0));
                        if (distance(p0, p1) > 0) {
                            const double b = bearing_deg(p0, p1);
                            heads.push_back(std::round(b * 10.0) / 10.0);
                            heads.push_back(std::round(std::fmod(b + 180.0, 360.0) * 10.0) / 10.0);
                        }
                    }
                for (int i = 0; i < o.headings; ++i)
                    heads.push_back(360.0 * i / o.headings);
            }
            for (double h : heads) {
                c.heading_deg = h;
                c.id =
                    pl.id + (around ? "" : "@" + std::to_string(static_cast<int>(std::lround(h))));
                res.candidates.push_back(c);
                res.candidate_plates.push_back(pl.id);
            }
        }
    }

    if (res.candidates.empty())
        throw Error(ErrorCode::invalid_argument,
                    "no candidate mounting point for new cameras: no plates, no mounts given, "
                    "or every one lies inside a building");
    // ---- intervals per candidate ----
    const std::size_t nk = res.candidates.size();
    std::vector<std::size_t> coff(nk + 1, 0);
    struct SlotIv {
        std::uint32_t slot;
        double from, to;
    };
    std::vector<SlotIv> civ;
    for (std::size_t k = 0; k < nk; ++k) {
        ri.camera_intervals(res.candidates[k], in.occluders, ivs);
        for (const auto &iv : ivs) {
            civ.push_back({ri.slot(iv.edge), iv.from_m, iv.to_m});
        }
        coff[k + 1] = civ.size();
        if (o.progress && k % 1024 == 0) o.progress(0.8 * double(k) / double(nk), "candidates");
    }
    auto gain = [&](std::size_t k, double &gm) {
        double gw = 0.0;
        gm = 0.0;
        for (std::size_t i = coff[k]; i < coff[k + 1]; ++i)
            gain_on(cov[civ[i].slot], civ[i].from, civ[i].to, W, civ[i].slot, gw, gm);
        ++res.gain_evaluations;
        return gw;
    };

    // ---- lazy greedy ----
    struct Entry {
        double gain;
        std::uint32_t k;
        std::uint32_t round;
    };
    auto less = [](const Entry &a, const Entry &b) {
        return a.gain < b.gain || (a.gain == b.gain && a.k > b.k);
    };
    std::priority_queue<Entry, std::vector<Entry>, decltype(less)> heap(less);
    for (std::size_t k = 0; k < nk; ++k) {
        double gm;
        heap.push({gain(k, gm), static_cast<std::uint32_t>(k), 0});
    }
    const std::size_t want = std::min(o.add, nk);
    for (std::uint32_t round = 0; round < want && !heap.empty();) {
        Entry top = heap.top();
        heap.pop();
        double gm = 0.0;
        if (top.round != round) {
            top.gain = gain(top.k, gm);
            top.round = round;
            heap.push(top);
            continue;
        }
        gain(top.k, gm); // plain length of the same gain (for the curve)
        --res.gain_evaluations;
        if (!(top.gain > 0.0)) break; // nothing left to gain
        Pick p;
        p.camera = res.candidates[top.k];
        p.plate = res.candidate_plates[top.k];
        p.candidate = top.k;
        p.gain = top.gain;
        p.gain_m = gm;
        covered_m += gm;
        weighted += top.gain;
        p.covered_m = covered_m;
        p.weighted = weighted;
        for (std::size_t i = coff[top.k]; i < coff[top.k + 1]; ++i) {
            auto &v = cov[civ[i].slot];
            v.push_back({civ[i].from, civ[i].to});
            merge_intervals(v);
        }
        res.picks.push_back(std::move(p));
        ++round;
        if (o.progress) o.progress(0.8 + 0.2 * double(round) / double(want), "picks");
    }
    const std::size_t n = res.picks.size();
    for (std::size_t i = 0; i < n; ++i)
        res.picks[i].phase = 1 + static_cast<int>(i * o.phases / std::max<std::size_t>(n, 1));
    return res;
}

} // namespace lugeo

namespace lugeo {

std::vector<std::pair<std::string, XY>> road_mounts(const Network &net, double every_m) {
    if (!(every_m > 0))
        throw Error(ErrorCode::invalid_argument, "road mounts: the spacing must be > 0 m");
    std::vector<std::pair<std::string, XY>> out;
    for (std::size_t e = 0; e < net.edge_count(); ++e) {
        const double len = net.edge(static_cast<std::uint32_t>(e)).length_m;
        const int n = std::max(1, static_cast<int>(std::floor(len / every_m)));
        for (int k = 0; k < n; ++k) {
            const double at = std::min(len, (k + 0.5) * len / n);
            out.emplace_back("road:" + std::to_string(e) + ":" + std::to_string(k),
                             net.point_along(static_cast<std::uint32_t>(e), at));
        }
    }
    return out;
}

} // namespace lugeo
