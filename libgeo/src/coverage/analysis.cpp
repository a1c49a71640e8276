// Coverage of roads: per-camera intervals on the network's edges, swept into pieces with a
// camera count; totals by class, phase, owner and zone; gaps merged along the road with
// the nearest plates at their ends; key sites not seen; cameras that see no road.
#include "coverage/internal.hpp"

#include <lugeo/error.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <cmath>
#include <set>
#include <unordered_map>

namespace lugeo {

namespace coverage_detail {

RoadIndex::RoadIndex(const Network &net, Profile profile, const MultiPolygon &area, double cell_m)
    : m_net(&net) {
    m_slot.assign(net.edge_count(), npos);
    m_len.assign(net.edge_count(), 0.0);
    std::size_t npts = 0;
    for (const auto &e : net.edges())
        npts = std::max<std::size_t>(npts, e.geom_end);
    m_cum.assign(npts, 0.0);
    Box all;
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        if (!net.is_usable(profile, e)) continue;
        if (!area.empty() && !contains(area, net.point_along(e, 0.5 * net.edge(e).length_m)))
            continue;
        m_slot[e] = static_cast<std::uint32_t>(m_edges.size());
        m_edges.push_back(e);
        const auto g = net.edge_geometry(e);
        const std::size_t b = net.edge(e).geom_begin;
        for (std::size_t k = 1; k < g.size(); ++k)
            m_cum[b + k] = m_cum[b + k - 1] + distance(g[k - 1], g[k]);
        m_len[e] = g.size() > 1 ? m_cum[b + g.size() - 1] : 0.0;
        m_total += m_len[e];
        for (XY p : g)
            all.extend(p);
    }
    if (!all.valid()) return;
    m_grid = detail::BucketGrid<std::uint64_t>(all, cell_m);
    m_grid.fill([&](auto &&put) {
        for (std::uint32_t e : m_edges) {
            const auto g = net.edge_geometry(e);
            for (std::size_t k = 0; k + 1 < g.size(); ++k)
                put(Box{std::min(g[k].x, g[k + 1].x), std::min(g[k].y, g[k + 1].y),
                        std::max(g[k].x, g[k + 1].x), std::max(g[k].y, g[k + 1].y)},
                    (std::uint64_t(e) << 32) | k);
        }
    });
}

void RoadIndex::segments_near(const Box &box, std::vector<std::uint64_t> &out) const {
    out.clear();
    m_grid.cells_meeting(box, [&](std::span<const std::uint64_t> items) {
        out.insert(out.end(), items.begin(), items.end());
    });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

void RoadIndex::camera_intervals(const Camera &cam, const Occluders &occ,
                                 std::vector<EdgeSpan> &out) const {
    out.clear();
    const CameraFrame f = make_frame(cam, occ);
    if (f.r <= 0) return;
    Box box;
    box.extend({f.c.x - f.r, f.c.y - f.r});
    box.extend({f.c.x + f.r, f.c.y + f.r});
    thread_local std::vector<std::uint64_t> segs;
    thread_local std::vector<TInterval> ts, scratch;
    segments_near(box, segs);
    for (std::uint64_t ref : segs) {
        const auto e = static_cast<std::uint32_t>(ref >> 32);
        const auto k = static_cast<std::size_t>(ref & 0xffffffffu);
        const auto g = m_net->edge_geometry(e);
        ts.clear();
        segment_visible(f, g[k], g[k + 1], ts, scratch);
        const double c0 = cum(e, k), c1 = cum(e, k + 1);
        for (const auto &[t0, t1] : ts) {
            const double a = t0 <= 0.0 ? c0 : std::min(c1, c0 + t0 * (c1 - c0));
            const double b = t1 >= 1.0 ? c1 : std::min(c1, c0 + t1 * (c1 - c0));
            if (!(a < b)) continue;
            if (!out.empty() && out.back().edge == e && a <= out.back().to_m)
                out.back().to_m = std::max(out.back().to_m, b);
            else
                out.push_back({e, a, b});
        }
    }
}

} // namespace coverage_detail

namespace {

using coverage_detail::RoadIndex;

struct Tagged {
    double from, to;
    std::uint32_t cam;
};

/// Pieces of [0, len] with the number of intervals over each (only those passing `use`).
template <class Use>
void sweep(const std::vector<Tagged> &ivs, double len, Use use, std::vector<RoadPiece> &out,
           std::uint32_t edge) {
    std::vector<std::pair<double, int>> ev;
    for (const Tagged &t : ivs)
        if (use(t.cam)) ev.emplace_back(t.from, +1), ev.emplace_back(t.to, -1);
    std::sort(ev.begin(), ev.end());
    double pos = 0.0;
    int count = 0;
    auto emit = [&](double to) {
        if (!(to > pos)) return;
        if (!out.empty() && out.back().edge == edge && out.back().cameras == std::uint32_t(count) &&
            out.back().to_m == pos)
            out.back().to_m = to;
        else
            out.push_back({edge, pos, to, std::uint32_t(count)});
        pos = to;
    };
    for (const auto &[x, d] : ev) {
        emit(std::min(x, len));
        count += d;
    }
    emit(len);
}

void add_pieces(LengthSplit &s, const std::vector<RoadPiece> &pieces, std::size_t begin) {
    for (std::size_t i = begin; i < pieces.size(); ++i) {
        const double l = pieces[i].length_m();
        s.total_m += l;
        if (pieces[i].cameras >= 1) s.covered_m += l;
        if (pieces[i].cameras >= 2) s.backup_m += l;
    }
}

double point_polygon_distance(const MultiPolygon &mp, XY p) {
    if (contains(mp, p)) return 0.0;
    double best = INFINITY;
    auto ring = [&](const Ring &r) {
        for (std::size_t k = 0; k + 1 < r.size(); ++k) {
            double t;
            best = std::min(best, distance(p, closest_on_segment(r[k], r[k + 1], p, t)));
        }
    };
    for (const Polygon &poly : mp) {
        ring(poly.outer);
        for (const Ring &h : poly.holes)
            ring(h);
    }
    return best;
}

std::optional<PlateRef> nearest_plate(const std::vector<Plate> &plates, XY p,
                                      const std::string &road, double same_road_m) {
    std::optional<PlateRef> any, same;
    for (std::size_t i = 0; i < plates.size(); ++i) {
        const double d = distance(plates[i].position, p);
        if (!any || d < any->distance_m) any = PlateRef{i, d};
        if (!road.empty() && plates[i].road == road && d <= same_road_m &&
            (!same || d < same->distance_m))
            same = PlateRef{i, d};
    }
    return same ? same : any;
}

} // namespace

CoverageResult analyze_coverage(const Network &net, const CoverageInput &in,
                                const CoverageOptions &o) {
    CoverageResult r;
    r.profile = o.profile;
    const RoadIndex ri(net, o.profile, in.boundary);
    r.road_edges = ri.edges().size();
    const std::size_t nc = in.cameras.size();
    r.cameras = in.cameras;
    r.camera_road_m.assign(nc, 0.0);
    if (o.view_polygons) r.views.resize(nc);

    // ---- per camera ----
    std::vector<std::vector<Tagged>> by_edge(net.edge_count());
    std::vector<EdgeSpan> ivs;
    std::vector<char> blind_cam(nc, 0);
    for (std::size_t c = 0; c < nc; ++c) {
        Camera &cam = r.cameras[c];
        bool blind = false;
        if (auto issue = coverage_detail::relocate(cam, in.occluders, o.relocate_max_m, blind)) {
            issue->camera = c;
            r.camera_issues.push_back(*issue);
        }
        if (blind) {
            blind_cam[c] = 1;
            continue;
        }
        ri.camera_intervals(cam, in.occluders, ivs);
        for (const auto &iv : ivs) {
            by_edge[iv.edge].push_back({iv.from_m, iv.to_m, static_cast<std::uint32_t>(c)});
            r.camera_road_m[c] += iv.length_m();
        }
        if (o.view_polygons) r.views[c] = view_polygon(cam, in.occluders, o.arc_step_deg);
        if (o.progress && c % 64 == 0)
            o.progress(0.8 * double(c) / double(std::max<std::size_t>(nc, 1)), "cameras");
    }

    // ---- sweep each edge ----
    std::set<int> phases;
    std::set<std::string> owners;
    for (const Camera &cam : r.cameras)
        phases.insert(cam.phase), owners.insert(cam.owner);
    std::vector<RoadPiece> scratch;
    for (std::uint32_t e : ri.edges()) {
        const double len = ri.length(e);
        auto &list = by_edge[e];
        const std::size_t begin = r.pieces.size();
        sweep(
            list, len, [](std::uint32_t) { return true; }, r.pieces, e);
        add_pieces(r.total, r.pieces, begin);
        add_pieces(r.by_class[net.class_of(e)], r.pieces, begin);
        if (!in.zones.empty()) {
            for (std::size_t i = begin; i < r.pieces.size(); ++i) {
                const XY mid = net.point_along(e, r.pieces[i].mid_m());
                std::string zone = CoverageResult::outside_zones;
                for (const NamedArea &z : in.zones)
                    if (contains(z.area, mid)) {
                        zone = z.id;
                        break;
                    }
                std::vector<RoadPiece> one(r.pieces.begin() + static_cast<std::ptrdiff_t>(i),
                                           r.pieces.begin() + static_cast<std::ptrdiff_t>(i) + 1);
                add_pieces(r.by_zone[zone], one, 0);
            }
        }
        for (int p : phases) {
            scratch.clear();
            sweep(
                list, len, [&](std::uint32_t c) { return r.cameras[c].phase == p; }, scratch, e);
            add_pieces(r.by_phase[p], scratch, 0);
            scratch.clear();
            sweep(
                list, len, [&](std::uint32_t c) { return r.cameras[c].phase <= p; }, scratch, e);
            add_pieces(r.by_phase_cumulative[p], scratch, 0);
        }
        for (const std::string &ow : owners) {
            scratch.clear();
            sweep(
                list, len, [&](std::uint32_t c) { return r.cameras[c].owner == ow; }, scratch, e);
            add_pieces(r.by_owner[ow], scratch, 0);
        }
    }

    // ---- gaps: uncovered pieces joined where the same road continues through a node ----
    std::vector<std::size_t> un; // indices into r.pieces
    for (std::size_t i = 0; i < r.pieces.size(); ++i)
        if (r.pieces[i].cameras == 0) un.push_back(i);
    struct End {
        std::size_t piece; // index into un
        int side;          // 0 = start, 1 = end
    };
    std::unordered_map<std::uint32_t, std::vector<End>> at_node;
    for (std::size_t u = 0; u < un.size(); ++u) {
        const RoadPiece &p = r.pieces[un[u]];
        const auto &ed = net.edge(p.edge);
        if (p.from_m == 0.0) at_node[ed.from].push_back({u, 0});
        if (p.to_m == ri.length(p.edge)) at_node[ed.to].push_back({u, 1});
    }
    std::vector<std::array<std::optional<End>, 2>> link(un.size());
    for (auto &[node, ends] : at_node) {
        std::map<std::uint32_t, std::vector<End>> by_name;
        for (const End &en : ends)
            by_name[net.edge(r.pieces[un[en.piece]].edge).name].push_back(en);
        for (auto &[name, v] : by_name)
            if (v.size() == 2 && v[0].piece != v[1].piece) {
                link[v[0].piece][v[0].side] = v[1];
                link[v[1].piece][v[1].side] = v[0];
            }
    }
    std::vector<char> seen(un.size(), 0);
    auto walk = [&](std::size_t start, int entry) {
        Gap g;
        std::size_t cur = start;
        int s = entry;
        double longest = -1;
        while (!seen[cur]) {
            seen[cur] = 1;
            const RoadPiece &p = r.pieces[un[cur]];
            g.pieces.push_back(p);
            const double l = p.length_m();
            g.length_m += l;
            if (l > longest)
                longest = l, g.road_class = net.class_of(p.edge), g.road = net.name_of(p.edge);
            LineString part = net.sub_line(p);
            if (s == 1) std::reverse(part.begin(), part.end());
            for (std::size_t k = 0; k < part.size(); ++k)
                if (k > 0 || g.line.empty() || distance(g.line.back(), part[k]) > 1e-9)
                    g.line.push_back(part[k]);
            const auto &nx = link[cur][1 - s];
            if (!nx) break;
            cur = nx->piece;
            s = nx->side;
        }
        if (g.length_m >= o.min_gap_m && g.line.size() >= 2) {
            g.from_plate = nearest_plate(in.plates, g.line.front(), g.road, o.plate_same_road_m);
            g.to_plate = nearest_plate(in.plates, g.line.back(), g.road, o.plate_same_road_m);
            r.gaps.push_back(std::move(g));
        }
    };
    for (std::size_t u = 0; u < un.size(); ++u) {
        if (seen[u]) continue;
        if (!link[u][0])
            walk(u, 0);
        else if (!link[u][1])
            walk(u, 1);
    }
    for (std::size_t u = 0; u < un.size(); ++u)
        if (!seen[u]) walk(u, 0); // closed loops
    std::stable_sort(r.gaps.begin(), r.gaps.end(),
                     [](const Gap &a, const Gap &b) { return a.length_m > b.length_m; });

    // ---- key sites and cameras ----
    for (std::size_t s = 0; s < in.key_sites.size(); ++s) {
        const XY p = in.key_sites[s].position;
        bool ok = false;
        for (std::size_t c = 0; c < nc && !ok; ++c) {
            const Camera &cam = r.cameras[c];
            if (blind_cam[c] || distance(cam.position, p) > cam.range_m + o.key_site_radius_m)
                continue;
            if (camera_sees(cam, in.occluders, p))
                ok = true;
            else if (o.view_polygons && !r.views[c].empty())
                ok = point_polygon_distance(r.views[c], p) <= o.key_site_radius_m;
        }
        if (!ok) r.key_sites_unseen.push_back(s);
    }
    for (std::size_t c = 0; c < nc; ++c)
        if (r.camera_road_m[c] < o.no_road_below_m) r.cameras_no_road.push_back(c);
    if (o.progress) o.progress(1.0, "done");
    return r;
}

std::string gap_plate_id(const CoverageInput &input, const std::optional<PlateRef> &end) {
    return end ? input.plates[end->plate].id : std::string();
}

} // namespace lugeo
