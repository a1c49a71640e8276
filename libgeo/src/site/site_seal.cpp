// Siting for the seal objective: a seeded sample of the demand, a proxy pre-rank of the
// candidates by the open escape routes they get ahead of, and an exact seal-off evaluation of
// a shortlist at each greedy pick (site.hpp, docs/site.md#the-seal-objective).
#include "site/site_detail.hpp"

#include <lugeo/error.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/seal.hpp>
#include <lugeo/site.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace lugeo {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

/// What one unsealed sample point needs, kept between picks.
struct PointState {
    bool sealed = false;
    bool hopeless = false; ///< already out at the report, or off the suspect's network
    std::vector<float> ts; ///< the suspect's earliest time per node, no blocks (units-free)
    std::vector<std::uint32_t> open_nodes; ///< where the last plan needed a block
};

std::vector<std::uint32_t> open_nodes_of(const SealPlan &p) {
    std::vector<std::uint32_t> v;
    for (const auto &r : p.open_routes)
        if (std::find(v.begin(), v.end(), r.open_node) == v.end()) v.push_back(r.open_node);
    return v;
}

/// A routing source on node v (any edge of the profile touching it).
std::optional<RoutingSource> source_at(const Network &net, Profile p, std::uint32_t v) {
    for (const auto &a : net.in_arcs(p, v)) {
        const auto &e = net.edge(a.edge);
        Network::Snap s;
        s.edge = a.edge;
        s.offset_m = e.from == v ? 0.0 : e.length_m;
        return RoutingSource{s, 0.0};
    }
    for (const auto &a : net.out_arcs(p, v)) {
        const auto &e = net.edge(a.edge);
        Network::Snap s;
        s.edge = a.edge;
        s.offset_m = e.from == v ? 0.0 : e.length_m;
        return RoutingSource{s, 0.0};
    }
    return std::nullopt;
}

double turnout_for(const SealUnitOptions &u, const std::string &kind) {
    if (u.turnout_all_s) return *u.turnout_all_s;
    const auto it = u.turnout_s.find(kind);
    return it == u.turnout_s.end() ? u.default_turnout_s : it->second;
}

} // namespace

SealSiteResult plan_seal_sites(const Network &net, const SiteInput &in, const SiteOptions &o,
                               const SiteSealOptions &so) {
    const auto t_start = std::chrono::steady_clock::now();
    if (o.relocate > 0)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("relocate"),
                    "moving existing units is not supported with the seal objective (cover, "
                    "median and center take --relocate)");
    if (so.sample == 0)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("sample"),
                    "the seal objective needs a sample of at least one demand point");
    if (so.shortlist == 0)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("shortlist"),
                    "the seal objective needs a shortlist of at least one candidate");
    auto report = [&](double f, const char *msg) {
        if (o.progress && !o.progress(f, msg))
            throw Error(ErrorCode::invalid_argument, "siting cancelled");
    };
    SealSiteResult res;
    res.seed = so.seed;
    const site_detail::CandidateSnaps cs = site_detail::snap_candidates(net, in, o);
    res.candidates_used = cs.index.size();
    res.candidates_off_network = cs.off_network;
    site_detail::DemandSet ds = site_detail::demand_points(net, in, o);
    res.demand_off_network = ds.off_network;
    res.population = ds.points.size();

    // ---- the sample: the first `sample` of a seeded Fisher-Yates shuffle, in input order ----
    std::vector<std::size_t> pick(res.population);
    std::iota(pick.begin(), pick.end(), 0);
    if (res.population > so.sample) {
        std::mt19937_64 rng(so.seed);
        for (std::size_t i = 0; i < so.sample; ++i)
            std::swap(pick[i], pick[i + rng() % (res.population - i)]);
        pick.resize(so.sample);
        std::sort(pick.begin(), pick.end());
    }
    res.sample = pick.size();
    for (auto i : pick) {
        const auto &d = ds.points[i];
        SealSitePoint p;
        p.position = d.position;
        p.weight = d.weight;
        p.id = d.id;
        res.weight += d.weight;
        res.points.push_back(std::move(p));
    }
    const std::size_t n = res.points.size();

    // ---- before: every sample point with the existing units ----
    SealUnitOptions uo = so.units;
    uo.limit_s = std::min(uo.limit_s, so.seal.within_s); // later arrivals are never in time
    SealOptions eo = so.seal;
    eo.find_head_start = false;
    eo.open_routes = std::max<std::size_t>(1, so.open_routes);
    std::vector<Unit> units = in.fixed;
    std::vector<PointState> st(n);
    {
        const SealContext ctx(net, units, so.area, uo);
        for (std::size_t i = 0; i < n; ++i) {
            if ((i & 15) == 0) report(0.3 * double(i) / double(n), "seal-off before");
            const SealPlan plan = seal_incident(ctx, res.points[i].position, eo);
            ++res.seal_runs;
            auto &p = res.points[i];
            if (!plan.snapped) {
                p.reason_before = "off_network";
                st[i].hopeless = true;
            } else if (plan.sealed) {
                p.sealed_before = st[i].sealed = true;
                res.sealed_before += p.weight;
                ++res.sealed_points_before;
            } else {
                p.reason_before = plan.reason_code;
                st[i].hopeless = plan.reason_code == "already_out";
                if (!st[i].hopeless) {
                    st[i].ts.assign(plan.suspect_s.begin(), plan.suspect_s.end());
                    st[i].open_nodes = open_nodes_of(plan);
                }
            }
            if (!p.sealed_before) ++res.reasons_before[p.reason_before];
        }
    }

    // ---- greedy picks over a shortlist ----
    const double t_new = turnout_for(uo, o.new_kind);
    const std::size_t nc = cs.index.size();
    std::vector<bool> used(nc, false);
    double sealed_w = res.sealed_before;
    std::size_t sealed_n = res.sealed_points_before;
    res.shortlist = std::min(so.shortlist, nc);
    for (std::size_t k = 1; k <= o.add; ++k) {
        report(0.3 + 0.7 * double(k - 1) / double(o.add), "seal objective");
        // the proxy: sample weight of the open escape routes a candidate gets ahead of
        std::vector<double> score(nc, 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            const auto &s = st[i];
            if (s.sealed || s.hopeless || s.open_nodes.empty()) continue;
            const double share = res.points[i].weight / double(s.open_nodes.size());
            for (std::uint32_t v : s.open_nodes) {
                const double deadline =
                    std::min(eo.within_s, double(s.ts[v]) - eo.margin_s) - t_new;
                if (!(deadline >= 0)) continue;
                const auto src = source_at(net, uo.unit_profile, v);
                if (!src) continue;
                const Reach r = shortest_times(net, {*src},
                                               {.profile = uo.unit_profile,
                                                .direction = Direction::inbound,
                                                .limit_s = deadline});
                for (std::size_t c = 0; c < nc; ++c)
                    if (!used[c] &&
                        time_at(net, r, cs.snaps[c].edge, cs.snaps[c].offset_m) <= deadline)
                        score[c] += share;
            }
        }
        std::vector<std::size_t> order;
        for (std::size_t c = 0; c < nc; ++c)
            if (!used[c]) order.push_back(c);
        const std::size_t m = std::min(res.shortlist, order.size());
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(m),
                          order.end(), [&](std::size_t a, std::size_t b) {
                              return score[a] != score[b] ? score[a] > score[b] : a < b;
                          });
        order.resize(m);
        // exact: seal-off with the candidate added, on the points where it is in time somewhere
        double best_gain = -1;
        std::size_t best_c = nc, best_evaluated = 0;
        std::vector<std::size_t> best_sealed;
        std::vector<std::pair<std::size_t, std::vector<std::uint32_t>>> best_open;
        for (std::size_t c : order) {
            const auto &cand = in.candidates[cs.index[c]];
            std::vector<Unit> with = units;
            with.push_back(Unit{cand.id, o.new_kind, cand.name, 0, cand.position});
            const SealContext cc(net, with, so.area, uo);
            const std::size_t ui = with.size() - 1;
            if (!cc.unit_on_network(ui)) continue;
            std::vector<std::pair<std::uint32_t, double>> reach;
            for (std::uint32_t v = 0; v < net.node_count(); ++v) {
                const double a = cc.arrival_s(ui, v);
                if (a <= eo.within_s) reach.push_back({v, a});
            }
            double gain = 0;
            std::size_t evaluated = 0;
            std::vector<std::size_t> sealed;
            std::vector<std::pair<std::size_t, std::vector<std::uint32_t>>> open;
            for (std::size_t i = 0; i < n; ++i) {
                const auto &s = st[i];
                if (s.sealed || s.hopeless) continue;
                const bool in_time = std::any_of(reach.begin(), reach.end(), [&](const auto &va) {
                    return va.second + eo.margin_s <= double(s.ts[va.first]);
                });
                if (!in_time) continue; // its candidate blocks, and so its plan, are unchanged
                ++evaluated;
                const SealPlan plan = seal_incident(cc, res.points[i].position, eo);
                ++res.seal_runs;
                if (plan.sealed) {
                    gain += res.points[i].weight;
                    sealed.push_back(i);
                } else {
                    open.push_back({i, open_nodes_of(plan)});
                }
            }
            if (gain > best_gain) {
                best_gain = gain;
                best_c = c;
                best_evaluated = evaluated;
                best_sealed = std::move(sealed);
                best_open = std::move(open);
            }
        }
        if (best_c == nc)
            throw Error(ErrorCode::off_network, ErrorContext::of_parameter("candidates"),
                        "no shortlisted candidate site lies within " +
                            std::to_string(static_cast<int>(uo.snap_max_m)) +
                            " m of a road the units can use");
        used[best_c] = true;
        const auto &cand = in.candidates[cs.index[best_c]];
        units.push_back(Unit{cand.id, o.new_kind, cand.name, 0, cand.position});
        for (auto i : best_sealed) {
            st[i].sealed = true;
            st[i].ts = {};
            res.points[i].sealed_by = k;
        }
        for (auto &[i, nodes] : best_open)
            st[i].open_nodes = std::move(nodes);
        sealed_w += best_gain;
        sealed_n += best_sealed.size();
        SealSitePick p;
        p.candidate = cs.index[best_c];
        p.id = cand.id;
        p.name = cand.name;
        p.position = cand.position;
        p.gain = best_gain;
        p.sealed_weight = sealed_w;
        p.sealed_points = sealed_n;
        p.proxy = score[best_c];
        p.evaluated = best_evaluated;
        res.sites.push_back(std::move(p));
    }
    // the sampled share's 95 % margin: effective sample size of the weights, finite population
    if (res.sample < res.population && res.weight > 0) {
        double w2 = 0;
        for (const auto &p : res.points)
            w2 += p.weight * p.weight;
        const double n_eff = res.weight * res.weight / w2;
        const double share = sealed_w / res.weight;
        const double fpc = 1.0 - double(res.sample) / double(res.population);
        res.margin95 = 1.96 * std::sqrt(std::max(0.0, share * (1 - share)) / n_eff * fpc);
    }
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    report(1.0, "done");
    return res;
}

} // namespace lugeo
