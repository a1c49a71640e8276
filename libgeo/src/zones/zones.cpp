// Patrol zones: network Voronoi from kiosks over the routing core, balancing by additive
// weights, per-zone figures, and the evaluation of an existing (hand-drawn) plan.
#include "geometry/intervals.hpp"
#include "core/huge_pages.hpp"
#include "zones/zone_cells.hpp"

#include <lugeo/error.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/zones.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace lugeo {

using zones_detail::Cells;
using zones_detail::Site;

namespace {

constexpr std::uint32_t npos = zones_detail::npos;

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool report(const ZoneOptions &o, double f, const char *msg) {
    return !o.progress || o.progress(f, msg);
}

// ---- kiosks on the network ----

std::vector<Network::Snap> snap_kiosks(const Network &net, const std::vector<Unit> &kiosks,
                                       const ZoneOptions &o) {
    if (kiosks.empty()) throw Error(ErrorCode::invalid_argument, "zones: no kiosks given");
    std::vector<Network::Snap> snaps;
    for (const auto &k : kiosks) {
        Network::SnapOptions so;
        so.profile = o.profile;
        so.max_distance_m = o.snap_max_m;
        so.largest_component_only = true;
        auto s = net.snap(k.position, so);
        if (!s)
            throw Error(ErrorCode::off_network, k.origin.with_parameter("max_snap_m"),
                        "kiosk '" + k.id + "' is " + net.snap_failure(k.position, so));
        snaps.push_back(*s);
    }
    return snaps;
}

Reach search(const Network &net, const std::vector<Network::Snap> &snaps,
             const std::vector<double> &weights, Profile profile) {
    std::vector<RoutingSource> src;
    src.reserve(snaps.size());
    for (std::size_t k = 0; k < snaps.size(); ++k)
        src.push_back(RoutingSource{snaps[k], weights[k]});
    RoutingOptions ro;
    ro.profile = profile;
    ro.direction = Direction::outbound;
    return shortest_times(net, src, ro);
}

// ---- allocation ----

/// Pieces of the weighted Voronoi, times made relative to each piece's own kiosk.
std::vector<ZonePiece> allocate(const Network &net, const std::vector<Network::Snap> &snaps,
                                const std::vector<double> &weights, Profile profile) {
    const Reach r = search(net, snaps, weights, profile);
    const auto rp = reached_pieces(net, r, std::numeric_limits<double>::infinity());
    std::vector<ZonePiece> out;
    out.reserve(rp.size());
    for (const auto &p : rp) {
        if (!(p.to_m > p.from_m)) continue;
        ZonePiece z{p};
        z.zone = z.fastest = p.source;
        z.time_from_s = std::max(0.0, p.time_from_s - weights[p.source]);
        z.time_to_s = std::max(0.0, p.time_to_s - weights[p.source]);
        out.push_back(z);
    }
    return out;
}

/// First piece of each edge (pieces sorted by edge), edge_count + 1 offsets.
std::vector<std::uint32_t> piece_offsets(const std::vector<ZonePiece> &pieces,
                                         std::size_t edge_count) {
    std::vector<std::uint32_t> off(edge_count + 1, 0);
    for (const auto &p : pieces)
        ++off[p.edge + 1];
    for (std::size_t i = 1; i < off.size(); ++i)
        off[i] += off[i - 1];
    return off;
}

/// The piece of `edge` holding `offset` (the nearest one when it falls between pieces).
std::uint32_t piece_at(const std::vector<ZonePiece> &pieces, const std::vector<std::uint32_t> &off,
                       std::uint32_t edge, double offset) {
    std::uint32_t best = npos;
    double best_d = INFINITY;
    for (std::uint32_t i = off[edge]; i < off[edge + 1]; ++i) {
        const auto &p = pieces[i];
        const double d = p.distance_to(offset);
        if (d < best_d) {
            best_d = d;
            best = i;
        }
        if (d == 0) break;
    }
    return best;
}

std::vector<std::uint32_t> site_zones(const Cells &cells, const std::vector<ZonePiece> &pieces,
                                      const std::vector<std::uint32_t> &off) {
    std::vector<std::uint32_t> z(cells.sites.size(), npos);
    for (std::size_t s = 0; s < cells.sites.size(); ++s) {
        const auto i = piece_at(pieces, off, cells.sites[s].edge, cells.sites[s].offset_m);
        if (i != npos) z[s] = pieces[i].zone;
    }
    return z;
}

// ---- connectivity ----

struct UnionFind {
    std::vector<std::uint32_t> parent;
    explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
    std::uint32_t find(std::uint32_t a) {
        while (parent[a] != a)
            a = parent[a] = parent[parent[a]];
        return a;
    }
    void unite(std::uint32_t a, std::uint32_t b) {
        a = find(a);
        b = find(b);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
};

/// Connected parts of each zone's pieces: pieces touch at shared nodes and at shared cut points.
std::vector<std::size_t> zone_parts(const Network &net, const std::vector<ZonePiece> &pieces,
                                    std::size_t zones) {
    constexpr double eps = 1e-6;
    const std::size_t n = pieces.size();
    std::unordered_map<std::uint64_t, std::uint32_t> node_zone; // (node, zone) -> element id
    std::vector<std::pair<std::uint32_t, std::uint64_t>> touches;
    auto key = [&](std::uint32_t node, std::uint32_t z) {
        return std::uint64_t(node) * (zones + 1) + z;
    };
    for (std::uint32_t i = 0; i < n; ++i) {
        const auto &p = pieces[i];
        const auto &e = net.edge(p.edge);
        if (p.from_m <= eps) touches.push_back({i, key(e.from, p.zone)});
        if (p.to_m >= e.length_m - eps) touches.push_back({i, key(e.to, p.zone)});
    }
    for (const auto &t : touches)
        node_zone.emplace(t.second, 0);
    std::uint32_t next = static_cast<std::uint32_t>(n);
    for (auto &kv : node_zone)
        kv.second = next++;
    UnionFind uf(next);
    for (const auto &t : touches)
        uf.unite(t.first, node_zone[t.second]);
    for (std::uint32_t i = 0; i + 1 < n; ++i)
        if (pieces[i].edge == pieces[i + 1].edge && pieces[i].zone == pieces[i + 1].zone &&
            std::fabs(pieces[i].to_m - pieces[i + 1].from_m) <= eps)
            uf.unite(i, i + 1);
    std::vector<std::unordered_set<std::uint32_t>> roots(zones);
    for (std::uint32_t i = 0; i < n; ++i)
        if (pieces[i].zone < zones) roots[pieces[i].zone].insert(uf.find(i));
    std::vector<std::size_t> out(zones);
    for (std::size_t z = 0; z < zones; ++z)
        out[z] = roots[z].size();
    return out;
}

// ---- workloads ----

struct SiteWeights {
    std::vector<double> incident_weight; ///< per site
    std::vector<std::array<std::size_t, incident_grade_count>> incidents;
    std::vector<std::size_t> key_sites, cameras;
};

/// Which site's cell holds each point inside the boundary.
std::vector<std::uint32_t> cells_of(const Cells &cells, const std::vector<XY> &pts) {
    std::vector<std::uint32_t> out(pts.size(), npos);
    if (cells.sites.empty()) return out;
    auto prepared = geos::prepare(cells.boundary.get());
    for (std::size_t i = 0; i < pts.size(); ++i)
        if (geos::prepared_covers_xy(prepared.get(), pts[i])) out[i] = cells.site_at(pts[i]);
    return out;
}

SiteWeights site_weights(const Cells &cells, const ZoneContext &ctx) {
    const std::size_t n = cells.sites.size();
    SiteWeights w;
    detail::assign_huge(w.incident_weight, n, 0.0);
    detail::assign_huge(w.incidents, n, {});
    detail::assign_huge(w.key_sites, n, std::size_t{0});
    detail::assign_huge(w.cameras, n, std::size_t{0});
    const auto inc =
        cells.point_sites.empty() ? cells_of(cells, ctx.incidents) : cells.point_sites[0];
    for (std::size_t i = 0; i < inc.size(); ++i) {
        if (inc[i] == npos) continue;
        const IncidentGrade g =
            i < ctx.incident_grades.size() ? ctx.incident_grades[i] : IncidentGrade::green;
        w.incident_weight[inc[i]] += incident_grade_weight(g);
        ++w.incidents[inc[i]][static_cast<std::size_t>(g)];
    }
    for (auto s : cells.point_sites.empty() ? cells_of(cells, ctx.key_sites) : cells.point_sites[1])
        if (s != npos) ++w.key_sites[s];
    for (auto s : cells.point_sites.empty() ? cells_of(cells, ctx.cameras) : cells.point_sites[2])
        if (s != npos) ++w.cameras[s];
    return w;
}

// ---- the boundary: which parts of each edge lie inside ----

/// Per edge, the offset intervals inside the boundary (sorted, disjoint); `all` when there
/// is no boundary (every edge wholly inside). Exact: GEOS intersection of each edge that
/// crosses the boundary, its parts projected back onto the edge.
struct InsideParts {
    bool all = true;
    struct Part {
        double from, to; ///< metres along the edge
    };
    std::vector<std::vector<Part>> parts; ///< per edge: sorted, disjoint
};

InsideParts inside_parts(const Network &net, const MultiPolygon &boundary, Profile profile) {
    InsideParts in;
    if (boundary.empty()) return in;
    in.all = false;
    in.parts.resize(net.edge_count());
    const geos::GeomPtr b = geos::multi_polygon(
        geos::to_multi_polygon(geos::make_valid(geos::multi_polygon(boundary).get()).get()));
    const geos::PreparedPtr pb = geos::prepare(b.get());
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        if (!net.is_usable(profile, e)) continue;
        const auto g = net.edge_geometry(e);
        const double len = net.edge(e).length_m;
        const geos::GeomPtr line = geos::line(LineString(g.begin(), g.end()));
        if (geos::prepared_contains(pb.get(), line.get())) {
            in.parts[e].push_back({0.0, len});
            continue;
        }
        if (!geos::prepared_intersects(pb.get(), line.get())) continue;
        // segment by segment (an edge may be a loop, so offsets are found on each straight
        // segment, where a point's projection is unique)
        auto &v = in.parts[e];
        double c0 = 0;
        for (std::size_t i = 0; i + 1 < g.size(); ++i) {
            const XY p = g[i], q = g[i + 1];
            const double sl = distance(p, q);
            const double c1 = c0 + sl;
            if (sl > 0) {
                const geos::GeomPtr seg = geos::line({p, q});
                if (geos::prepared_contains(pb.get(), seg.get())) {
                    v.push_back({c0, c1});
                } else if (geos::prepared_intersects(pb.get(), seg.get())) {
                    const geos::GeomPtr x = geos::intersection(seg.get(), b.get());
                    for (const LineString &l : geos::to_lines(x.get())) {
                        if (l.size() < 2) continue;
                        auto t = [&](XY r) {
                            return std::clamp(
                                ((r.x - p.x) * (q.x - p.x) + (r.y - p.y) * (q.y - p.y)) / (sl * sl),
                                0.0, 1.0);
                        };
                        const double ta = t(l.front()), tb = t(l.back());
                        const double lo = c0 + sl * std::min(ta, tb),
                                     hi = c0 + sl * std::max(ta, tb);
                        if (hi > lo) v.push_back({lo, std::min(hi, len)});
                    }
                }
            }
            c0 = c1;
        }
        merge_intervals(v, 1e-9);
    }
    return in;
}

/// The parts of the pieces inside the boundary (times interpolated linearly along each).
std::vector<ZonePiece> pieces_inside(const std::vector<ZonePiece> &pieces, const InsideParts &in) {
    if (in.all) return pieces;
    std::vector<ZonePiece> out;
    out.reserve(pieces.size());
    for (const auto &p : pieces) {
        for (const auto &[a, b] : in.parts[p.edge]) {
            const double lo = std::max(a, p.from_m), hi = std::min(b, p.to_m);
            if (!(hi > lo)) continue;
            ZonePiece q = p;
            q.cut_to(lo, hi);
            out.push_back(q);
        }
    }
    return out;
}

std::vector<double> workloads(ZoneBalance m, std::size_t zones,
                              const std::vector<ZonePiece> &pieces,
                              const std::vector<std::uint32_t> &site_zone, const Cells &cells,
                              const SiteWeights &sw, const InsideParts &inside) {
    std::vector<double> w(zones, 0.0);
    if (m == ZoneBalance::none || m == ZoneBalance::length) {
        for (const auto &p : pieces_inside(pieces, inside))
            w[p.zone] += p.length_m();
    } else {
        for (std::size_t s = 0; s < site_zone.size(); ++s) {
            if (site_zone[s] >= zones) continue;
            w[site_zone[s]] += m == ZoneBalance::area ? cells.site_area[s] : sw.incident_weight[s];
        }
    }
    return w;
}

double imbalance_of(const std::vector<double> &w) {
    const auto [lo, hi] = std::minmax_element(w.begin(), w.end());
    if (*lo <= 0) return *hi > 0 ? INFINITY : 1.0;
    return *hi / *lo;
}

double max_deviation(const std::vector<double> &w) {
    const double mean = std::accumulate(w.begin(), w.end(), 0.0) / static_cast<double>(w.size());
    if (mean <= 0) return 0;
    double d = 0;
    for (double x : w)
        d = std::max(d, std::fabs(x / mean - 1.0));
    return d;
}

// ---- sites ----

std::vector<Site> make_sites(const Network &net, const std::vector<ZonePiece> &pieces,
                             const std::vector<std::uint32_t> &off, double spacing) {
    std::vector<Site> sites;
    std::unordered_set<std::uint64_t> seen;
    auto hash = [](XY p) {
        std::uint64_t a, b;
        std::memcpy(&a, &p.x, 8);
        std::memcpy(&b, &p.y, 8);
        return a * 0x9E3779B97F4A7C15ull ^ (b + 0x7F4A7C159E3779B9ull + (a << 6) + (a >> 2));
    };
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        if (off[e] == off[e + 1]) continue;
        if (net.edge(e).level != 0) continue; // bridges and tunnels own no land
        const double len = net.edge(e).length_m;
        const auto n = static_cast<std::size_t>(std::max(1.0, std::ceil(len / spacing)));
        for (std::size_t i = 0; i < n; ++i) {
            const double x = (static_cast<double>(i) + 0.5) * len / static_cast<double>(n);
            const auto pi = piece_at(pieces, off, e, x);
            if (pi == npos || x < pieces[pi].from_m - 1e-9 || x > pieces[pi].to_m + 1e-9) continue;
            const XY p = net.point_along(e, x);
            if (!seen.insert(hash(p)).second) continue;
            sites.push_back(Site{e, x, p});
        }
    }
    return sites;
}

MultiPolygon boundary_or_envelope(const Network &net, const std::vector<ZonePiece> &pieces,
                                  const ZoneContext &ctx) {
    if (!ctx.boundary.empty()) return ctx.boundary;
    Box b;
    for (const auto &p : pieces) {
        const auto &e = net.edge(p.edge);
        b.extend(net.node(e.from));
        b.extend(net.node(e.to));
        for (XY q : net.edge_geometry(p.edge))
            b.extend(q);
    }
    if (!b.valid()) return {};
    const double pad = 100.0;
    const Polygon env = b.to_polygon(pad);
    return {env};
}

// ---- figures ----

/// The zones' road figures (length, times) count the road inside the boundary only; the
/// reached road outside it is plan.outside_boundary_length_m.
void fill_figures(const Network &net, ZonePlan &plan, const std::vector<double> &weights,
                  const InsideParts &inside) {
    const std::size_t k = plan.kiosks.size();
    plan.zones.resize(k);
    const std::vector<ZonePiece> in_pieces = pieces_inside(plan.pieces, inside);
    double all_len = 0, in_len = 0;
    for (const auto &p : plan.pieces)
        all_len += p.length_m();
    for (const auto &p : in_pieces)
        in_len += p.length_m();
    plan.outside_boundary_length_m = std::max(0.0, all_len - in_len);
    plan.inside_pieces = in_pieces;
    std::vector<std::vector<ZonePiece>> by_zone(k);
    for (const auto &p : in_pieces)
        if (p.zone < k) by_zone[p.zone].push_back(p);
    const auto parts = zone_parts(net, plan.pieces, k);
    for (std::size_t z = 0; z < k; ++z) {
        auto &f = plan.zones[z];
        f.kiosk_id = plan.kiosks[z].id;
        f.kiosk_name = plan.kiosks[z].name;
        f.weight_s = weights.empty() ? 0.0 : weights[z];
        f.road_length_m = 0;
        f.worst_time_s = 0;
        for (const auto &p : by_zone[z]) {
            f.road_length_m += p.length_m();
            f.worst_time_s = std::max(f.worst_time_s, p.max_time_s());
        }
        f.mean_time_s = pieces_mean_time(by_zone[z]);
        f.p95_time_s = pieces_time_quantile(by_zone[z], 0.95);
        f.network_parts = parts[z];
    }
    plan.mean_time_s = pieces_mean_time(in_pieces);
    plan.p95_time_s = pieces_time_quantile(in_pieces, 0.95);
    plan.worst_time_s = 0;
    for (const auto &p : in_pieces)
        plan.worst_time_s = std::max(plan.worst_time_s, p.max_time_s());
    double total = 0;
    for (const auto &p : plan.pieces)
        total += p.length_m();
    plan.unreached_length_m = std::max(0.0, plan.drivable_length_m - total - plan.outside_length_m);
}

double drivable_length(const Network &net, Profile p) {
    double s = 0;
    for (std::uint32_t e = 0; e < net.edge_count(); ++e)
        if (net.is_usable(p, e)) s += net.edge(e).length_m;
    return s;
}

void check_options(const ZoneOptions &o) {
    if (!(o.tolerance > 0) || !(o.tolerance < 10))
        throw Error(ErrorCode::invalid_argument,
                    "zones: tolerance must be a fraction in (0, 10), got " +
                        std::to_string(o.tolerance));
    if (!(o.site_spacing_m >= 0.5))
        throw Error(ErrorCode::invalid_argument, "zones: site spacing must be at least 0.5 m");
    if (!(o.cell_m >= 0.5))
        throw Error(ErrorCode::invalid_argument, "zones: cell size must be at least 0.5 m");
    if (o.max_cells < 10'000)
        throw Error(ErrorCode::invalid_argument, "zones: max_cells must be at least 10000");
    if (o.allocation_only && o.polygons)
        throw Error(ErrorCode::invalid_argument,
                    "zones: allocation only (no land shared out) cannot draw zone polygons");
    if (o.allocation_only && o.balance == ZoneBalance::area)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("balance"),
                    "zones: balancing by area needs the land shared out between the zones; "
                    "allocation only has no areas (balance by length or incidents, or build "
                    "the zones with polygons)");
}

} // namespace

// ---- public helpers ----

double pieces_mean_time(const std::vector<ZonePiece> &pieces) {
    double s = 0, l = 0;
    for (const auto &p : pieces) {
        s += p.length_m() * 0.5 * (p.time_from_s + p.time_to_s);
        l += p.length_m();
    }
    return l > 0 ? s / l : 0.0;
}

double pieces_time_quantile(const std::vector<ZonePiece> &pieces, double q) {
    double total = 0, lo = INFINITY, hi = 0;
    for (const auto &p : pieces) {
        total += p.length_m();
        lo = std::min(lo, p.min_time_s());
        hi = std::max(hi, p.max_time_s());
    }
    if (total <= 0) return 0.0;
    // Length with time <= t: each piece's time is linear, so its share is a clamped ratio.
    auto below = [&](double t) {
        double s = 0;
        for (const auto &p : pieces)
            s += p.length_within_m(t);
        return s;
    };
    const double target = std::clamp(q, 0.0, 1.0) * total;
    for (int i = 0; i < 60 && hi - lo > 1e-6; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (below(mid) >= target)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

// ---- build ----

ZonePlan build_zones(const Network &net, const std::vector<Unit> &kiosks, const ZoneContext &ctx,
                     const ZoneOptions &o) {
    check_options(o);
    if (o.balance == ZoneBalance::incidents && ctx.incidents.empty())
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("balance"),
                    "balancing by incidents needs incidents, and there are none (the scene "
                    "has no incidents layer, or it holds no incident); balance by length or "
                    "area, or add an incidents layer");
    const auto t0 = std::chrono::steady_clock::now();
    ZonePlan plan;
    plan.kiosks = kiosks;
    plan.kiosk_snaps = snap_kiosks(net, kiosks, o);
    plan.measure = o.balance;
    plan.drivable_length_m = drivable_length(net, o.profile);
    const std::size_t k = kiosks.size();
    report(o, 0.0, "allocating");
    const InsideParts inside = inside_parts(net, ctx.boundary, o.profile);

    std::vector<double> weights(k, 0.0);
    std::vector<ZonePiece> pieces = allocate(net, plan.kiosk_snaps, weights, o.profile);
    auto off = piece_offsets(pieces, net.edge_count());

    // The sites and their cells do not depend on the weights: build them once.
    const auto tc = std::chrono::steady_clock::now();
    const MultiPolygon boundary = boundary_or_envelope(net, pieces, ctx);
    const bool raster = o.polygon_method == ZonePolygonMethod::raster && k < raster::BandGrid::none;
    Cells cells;
    if (raster || o.allocation_only) {
        // land goes to the ground-level network: bridges, overpasses (level > 0) and
        // tunnels (level < 0) are routed over but own no land; when every reached edge is
        // off the ground (a network without level 0), all of them do
        std::vector<std::uint32_t> reached, ground;
        for (std::uint32_t e = 0; e < net.edge_count(); ++e)
            if (off[e] != off[e + 1]) {
                reached.push_back(e);
                if (net.edge(e).level == 0) ground.push_back(e);
            }
        if (!ground.empty()) reached = std::move(ground);
        if (o.allocation_only)
            cells = zones_detail::build_point_sites(net, reached, boundary,
                                                    {&ctx.incidents, &ctx.key_sites, &ctx.cameras});
        else
            cells = zones_detail::build_raster_cells(net, reached, boundary, o.cell_m, o.max_cells);
    } else {
        cells = zones_detail::build_voronoi_cells(make_sites(net, pieces, off, o.site_spacing_m),
                                                  boundary, o.site_spacing_m);
    }
    const SiteWeights sw = site_weights(cells, ctx);
    double cell_seconds = seconds_since(tc);
    plan.sites = cells.sites.size();
    plan.cell_m = cells.raster ? cells.grid.cell : 0.0;
    plan.coarse_cell_m = cells.raster && !cells.grid.empty() ? cells.grid.coarse_cell() : 0.0;
    report(o, 0.3, "balancing");

    auto sz = site_zones(cells, pieces, off);
    const ZoneBalance m = o.balance;
    auto load = workloads(m, k, pieces, sz, cells, sw, inside);
    if (m != ZoneBalance::none) {
        auto &b = plan.balance;
        b.initial_imbalance = imbalance_of(load);
        b.initial_max_deviation = max_deviation(load);
        b.mean_time_before_s = pieces_mean_time(pieces);
        b.p95_time_before_s = pieces_time_quantile(pieces, 0.95);
        // Proportional updates of the weights, in units of the mean response time: an
        // overloaded zone gets a handicap and shrinks. A step that does not lower the largest
        // deviation is undone and halved; a good one is accepted and lengthened a little.
        const double scale = std::max(30.0, b.mean_time_before_s);
        double best_dev = b.initial_max_deviation;
        std::vector<double> best_w = weights;
        int it = 0;
        // Per-zone step sizes (as in Rprop): every iteration moves each weight by
        // step_k · T · (W_k / mean − 1) from the current plan; a zone whose deviation
        // changes sign (it overshot) halves its step, one that keeps its sign lengthens it by
        // 20 % (at most 2). The move is taken whether or not the largest deviation falls, so
        // one zone stuck on a jump of its workload (a whole block of area changing hands)
        // does not freeze the others; the best connected plan seen is kept. A move that
        // disconnects a zone is undone and every step halved.
        std::vector<double> cur_w = weights, cur_load = load, zstep(k, 0.5);
        while (it < o.max_iterations && best_dev > o.tolerance &&
               *std::max_element(zstep.begin(), zstep.end()) * scale > 1e-3) {
            ++it;
            const double mean = std::max(std::accumulate(cur_load.begin(), cur_load.end(), 0.0) /
                                             static_cast<double>(k),
                                         1e-12);
            std::vector<double> w = cur_w;
            for (std::size_t z = 0; z < k; ++z)
                w[z] += zstep[z] * scale * (cur_load[z] / mean - 1.0);
            const double mn = *std::min_element(w.begin(), w.end());
            for (double &x : w)
                x -= mn;
            auto p2 = allocate(net, plan.kiosk_snaps, w, o.profile);
            bool connected = true;
            for (auto parts : zone_parts(net, p2, k))
                if (parts != 1) connected = false;
            if (!connected) {
                for (double &st : zstep)
                    st *= 0.5;
                continue;
            }
            auto off2 = piece_offsets(p2, net.edge_count());
            auto sz2 = site_zones(cells, p2, off2);
            auto load2 = workloads(m, k, p2, sz2, cells, sw, inside);
            const double mean2 = std::max(
                std::accumulate(load2.begin(), load2.end(), 0.0) / static_cast<double>(k), 1e-12);
            for (std::size_t z = 0; z < k; ++z) {
                const bool over_before = cur_load[z] > mean, over_after = load2[z] > mean2;
                zstep[z] =
                    over_before != over_after ? zstep[z] * 0.5 : std::min(zstep[z] * 1.2, 2.0);
            }
            cur_w = w;
            cur_load = load2;
            const double dev = max_deviation(load2);
            if (dev < best_dev) {
                best_dev = dev;
                best_w = std::move(w);
                pieces = std::move(p2);
                off = std::move(off2);
                sz = std::move(sz2);
                load = std::move(load2);
            }
            report(o, 0.3 + 0.4 * static_cast<double>(it) / std::max(1, o.max_iterations),
                   "balancing");
        }
        weights = best_w;
        b.iterations = it;
        b.final_imbalance = imbalance_of(load);
        b.final_max_deviation = best_dev;
        b.converged = best_dev <= o.tolerance;
        b.mean_time_after_s = pieces_mean_time(pieces);
        b.p95_time_after_s = pieces_time_quantile(pieces, 0.95);
    }
    plan.pieces = std::move(pieces);
    plan.imbalance = imbalance_of(load);
    fill_figures(net, plan, weights, inside);
    for (std::size_t z = 0; z < k; ++z) {
        auto &f = plan.zones[z];
        f.workload = load[z];
        f.area_m2 = 0;
        f.incident_workload = 0;
        f.incidents = {};
        f.key_sites = f.cameras = 0;
    }
    for (std::size_t s = 0; s < sz.size(); ++s) {
        if (sz[s] >= k) continue;
        auto &f = plan.zones[sz[s]];
        f.area_m2 += cells.site_area[s];
        f.incident_workload += sw.incident_weight[s];
        for (std::size_t g = 0; g < incident_grade_count; ++g)
            f.incidents[g] += sw.incidents[s][g];
        f.key_sites += sw.key_sites[s];
        f.cameras += sw.cameras[s];
    }
    if (o.allocation_only)
        for (auto &f : plan.zones)
            f.area_m2 = std::numeric_limits<double>::quiet_NaN();
    plan.seconds_allocation = seconds_since(t0) - cell_seconds;
    // (raster: the cells' zones, traced into the polygons and read for the points below)
    const auto tp = std::chrono::steady_clock::now();
    const bool labelled = cells.raster && !cells.grid.empty();
    const raster::TiledBandGrid labels =
        labelled ? zones_detail::label_cells(cells, sz, k) : raster::TiledBandGrid{};
    if (o.polygons) {
        report(o, 0.7, "polygons");
        auto polys = zones_detail::dissolve(cells, sz, k, labelled ? &labels : nullptr);
        for (std::size_t z = 0; z < k; ++z)
            plan.zones[z].polygon = std::move(polys[z]);
    }
    cell_seconds += seconds_since(tp);
    const auto tf = std::chrono::steady_clock::now();
    if (labelled) {
        // Points in the zone whose traced polygon holds them (a point near a border may lie
        // in a neighbour's corner of its grid cell).
        auto prepared = geos::prepare(cells.boundary.get());
        auto zone_of = [&](XY p) {
            return geos::prepared_covers_xy(prepared.get(), p) ? zones_detail::zone_at(labels, p)
                                                               : npos;
        };
        for (auto &f : plan.zones) {
            f.incident_workload = 0;
            f.incidents = {};
            f.key_sites = f.cameras = 0;
        }
        for (std::size_t i = 0; i < ctx.incidents.size(); ++i) {
            const auto z = zone_of(ctx.incidents[i]);
            if (z >= k) continue;
            const IncidentGrade g =
                i < ctx.incident_grades.size() ? ctx.incident_grades[i] : IncidentGrade::green;
            ++plan.zones[z].incidents[static_cast<std::size_t>(g)];
            plan.zones[z].incident_workload += incident_grade_weight(g);
        }
        for (XY p : ctx.key_sites)
            if (const auto z = zone_of(p); z < k) ++plan.zones[z].key_sites;
        for (XY p : ctx.cameras)
            if (const auto z = zone_of(p); z < k) ++plan.zones[z].cameras;
    }
    // With polygons, areas are the polygons' own (the cells' areas are an estimate).
    if (o.polygons)
        for (auto &f : plan.zones)
            f.area_m2 = area(f.polygon);
    if (m == ZoneBalance::area || m == ZoneBalance::incidents) {
        for (std::size_t z = 0; z < k; ++z)
            load[z] =
                m == ZoneBalance::area ? plan.zones[z].area_m2 : plan.zones[z].incident_workload;
        for (std::size_t z = 0; z < k; ++z)
            plan.zones[z].workload = load[z];
        plan.imbalance = imbalance_of(load);
        plan.balance.final_imbalance = plan.imbalance;
        plan.balance.final_max_deviation = max_deviation(load);
        plan.balance.converged = plan.balance.final_max_deviation <= o.tolerance;
    }
    cell_seconds += seconds_since(tf);
    plan.seconds_polygons = cell_seconds;
    report(o, 1.0, "done");
    return plan;
}

// ---- evaluate an existing plan ----

namespace {

// ---- which drawn zone holds a point: a raster lookup ----

/// The drawn zone polygons on a grid: a cell no ring crosses holds one answer (the zone
/// whose polygon holds its centre, by scanline parity, or none); a cell a ring crosses is
/// left to the exact prepared-geometry test. Many GEOS point tests per metre of road were
/// the cost of `zones --existing` (88 s for 11 municipal polygons).
class ZoneLookup {
public:
    static constexpr std::uint32_t mixed = npos - 1;
    ZoneLookup(const std::vector<MultiPolygon> &zones, const std::vector<geos::PreparedPtr> &zp,
               const std::vector<Box> &zb, double cell_hint)
        : m_zp(&zp), m_zb(&zb) {
        Box all;
        for (const Box &b : zb)
            if (b.valid()) {
                all.extend({b.minx, b.miny});
                all.extend({b.maxx, b.maxy});
            }
        if (!all.valid()) return;
        const double w = all.maxx - all.minx, h = all.maxy - all.miny;
        // cells: the hint, coarsened to at most ~4 M cells
        m_cell = std::max({cell_hint, std::sqrt(std::max(w * h, 1.0) / 4e6), 0.5});
        m_x0 = all.minx - m_cell;
        m_y0 = all.miny - m_cell;
        m_nx = static_cast<long>(w / m_cell) + 3;
        m_ny = static_cast<long>(h / m_cell) + 3;
        m_label.assign(static_cast<std::size_t>(m_nx * m_ny), npos);
        std::vector<std::uint8_t> crossed(m_label.size(), 0);
        std::vector<std::vector<double>> xs(static_cast<std::size_t>(m_ny));
        for (std::uint32_t z = 0; z < zones.size(); ++z) {
            auto ring = [&](const std::vector<XY> &r) {
                const std::size_t n = r.size();
                if (n < 3) return;
                const bool closed = r.front().x == r.back().x && r.front().y == r.back().y;
                for (std::size_t i = 0; i + 1 < n + (closed ? 0 : 1); ++i) {
                    const XY a = r[i], b = r[(i + 1) % n];
                    mark_segment(a, b, crossed);
                    // crossings of the row centres (half-open rule)
                    const double ylo = std::min(a.y, b.y), yhi = std::max(a.y, b.y);
                    long j0 = static_cast<long>(std::ceil((ylo - m_y0) / m_cell - 0.5));
                    long j1 = static_cast<long>(std::ceil((yhi - m_y0) / m_cell - 0.5)) - 1;
                    j0 = std::max(j0, 0L);
                    j1 = std::min(j1, m_ny - 1);
                    for (long j = j0; j <= j1; ++j) {
                        const double yc = m_y0 + (static_cast<double>(j) + 0.5) * m_cell;
                        const double t = (yc - a.y) / (b.y - a.y);
                        xs[static_cast<std::size_t>(j)].push_back(a.x + t * (b.x - a.x));
                    }
                }
            };
            // each polygon by its own parity (the polygons of one zone may overlap)
            for (const Polygon &poly : zones[z]) {
                for (auto &v : xs)
                    v.clear();
                ring(poly.outer);
                for (const auto &hole : poly.holes)
                    ring(hole);
                fill(xs, z);
            }
        }
        for (std::size_t c = 0; c < m_label.size(); ++c)
            if (crossed[c]) m_label[c] = mixed;
    }
    void fill(std::vector<std::vector<double>> &xs, std::uint32_t z) {
        for (long j = 0; j < m_ny; ++j) {
            auto &v = xs[static_cast<std::size_t>(j)];
            std::sort(v.begin(), v.end());
            for (std::size_t q = 0; q + 1 < v.size(); q += 2) {
                const long i0 =
                    std::max(0L, static_cast<long>(std::ceil((v[q] - m_x0) / m_cell - 0.5)));
                const long i1 = std::min(
                    m_nx - 1, static_cast<long>(std::ceil((v[q + 1] - m_x0) / m_cell - 0.5)) - 1);
                for (long i = i0; i <= i1; ++i) {
                    auto &l = m_label[static_cast<std::size_t>(j * m_nx + i)];
                    l = l == npos || l == z ? z : mixed; // overlapping zones: ask GEOS
                }
            }
        }
    }
    std::uint32_t at(XY p) const {
        if (m_nx > 0) {
            const long i = static_cast<long>(std::floor((p.x - m_x0) / m_cell));
            const long j = static_cast<long>(std::floor((p.y - m_y0) / m_cell));
            if (i < 0 || j < 0 || i >= m_nx || j >= m_ny) return npos;
            const std::uint32_t l = m_label[static_cast<std::size_t>(j * m_nx + i)];
            if (l != mixed) return l;
        }
        for (std::size_t z = 0; z < m_zp->size(); ++z) {
            const Box &b = (*m_zb)[z];
            if (b.valid() && p.x >= b.minx && p.x <= b.maxx && p.y >= b.miny && p.y <= b.maxy &&
                geos::prepared_covers_xy((*m_zp)[z].get(), p))
                return static_cast<std::uint32_t>(z);
        }
        return npos;
    }

private:
    /// Marks every cell the segment passes through (and its 8 neighbours, for rounding).
    void mark_segment(XY a, XY b, std::vector<std::uint8_t> &crossed) const {
        const double len = distance(a, b);
        const auto n = static_cast<long>(std::ceil(len / (0.5 * m_cell))) + 1;
        long pi = -1, pj = -1;
        for (long s = 0; s <= n; ++s) {
            const double t = static_cast<double>(s) / static_cast<double>(n);
            const long i = static_cast<long>(std::floor((a.x + t * (b.x - a.x) - m_x0) / m_cell));
            const long j = static_cast<long>(std::floor((a.y + t * (b.y - a.y) - m_y0) / m_cell));
            if (i == pi && j == pj) continue;
            pi = i;
            pj = j;
            for (long dj = -1; dj <= 1; ++dj)
                for (long di = -1; di <= 1; ++di) {
                    const long x = i + di, y = j + dj;
                    if (x >= 0 && y >= 0 && x < m_nx && y < m_ny)
                        crossed[static_cast<std::size_t>(y * m_nx + x)] = 1;
                }
        }
    }
    const std::vector<geos::PreparedPtr> *m_zp;
    const std::vector<Box> *m_zb;
    double m_cell = 1, m_x0 = 0, m_y0 = 0;
    long m_nx = 0, m_ny = 0;
    std::vector<std::uint32_t> m_label;
};

} // namespace

ZonePlan evaluate_zones(const Network &net, const std::vector<Unit> &kiosks,
                        const std::vector<MultiPolygon> &zones, const ZoneContext &ctx,
                        const ZoneOptions &o) {
    check_options(o);
    if (zones.size() != kiosks.size())
        throw Error(ErrorCode::invalid_argument, "zones: " + std::to_string(zones.size()) +
                                                     " zone polygons for " +
                                                     std::to_string(kiosks.size()) + " kiosks");
    const auto t0 = std::chrono::steady_clock::now();
    ZonePlan plan;
    plan.kiosks = kiosks;
    plan.kiosk_snaps = snap_kiosks(net, kiosks, o);
    plan.measure = o.balance == ZoneBalance::none ? ZoneBalance::length : o.balance;
    plan.drivable_length_m = drivable_length(net, o.profile);
    const std::size_t k = kiosks.size();
    report(o, 0.0, "routing");

    // The fastest kiosk everywhere, and each kiosk's own times.
    const std::vector<double> zero(k, 0.0);
    const Reach all = search(net, plan.kiosk_snaps, zero, o.profile);
    std::vector<Reach> own;
    own.reserve(k);
    for (std::size_t z = 0; z < k; ++z)
        own.push_back(search(net, {plan.kiosk_snaps[z]}, {0.0}, o.profile));
    const auto best = reached_pieces(net, all, std::numeric_limits<double>::infinity());

    std::vector<geos::GeomPtr> zg;
    std::vector<geos::PreparedPtr> zp;
    std::vector<Box> zb(k);
    std::vector<MultiPolygon> valid(k);
    for (std::size_t z = 0; z < k; ++z) {
        // the polygons of the valid geometry only: MakeValid turns a ring with a spike into a
        // collection (polygon + line), and GEOS's prepared predicates on a collection are
        // not indexed (seconds per thousand points on a municipal polygon)
        valid[z] =
            geos::to_multi_polygon(geos::make_valid(geos::multi_polygon(zones[z]).get()).get());
        zg.push_back(geos::multi_polygon(valid[z]));
        zp.push_back(geos::prepare(zg.back().get()));
        for (const auto &p : zones[z])
            for (XY q : p.outer)
                zb[z].extend(q);
    }
    for (std::size_t z = 0; z < k; ++z)
        for (const auto &p : valid[z]) {
            for (XY q : p.outer)
                zb[z].extend(q);
            for (const auto &h : p.holes)
                for (XY q : h)
                    zb[z].extend(q);
        }
    const ZoneLookup lookup(valid, zp, zb, std::max(2.0, o.site_spacing_m / 2));
    auto zone_at = [&](XY p) -> std::uint32_t { return lookup.at(p); };
    report(o, 0.3, "cutting edges");

    // Cut every reached piece of the fastest plan into short steps, classify each step by
    // the polygon holding its middle, and merge runs of one zone.
    const double step = std::max(0.5, o.site_spacing_m / 4.0);
    for (const auto &bp : best) {
        const double len = bp.length_m();
        if (!(len > 0)) continue;
        const auto n = static_cast<std::size_t>(std::max(1.0, std::ceil(len / step)));
        ZonePiece cur;
        bool open = false;
        for (std::size_t i = 0; i < n; ++i) {
            const double a = bp.from_m + len * static_cast<double>(i) / static_cast<double>(n);
            const double b =
                i + 1 == n ? bp.to_m
                           : bp.from_m + len * static_cast<double>(i + 1) / static_cast<double>(n);
            const std::uint32_t z = zone_at(net.point_along(bp.edge, 0.5 * (a + b)));
            if (z == npos) {
                plan.outside_length_m += b - a;
                if (open) plan.pieces.push_back(cur);
                open = false;
                continue;
            }
            if (open && z == cur.zone) {
                cur.to_m = b;
                continue;
            }
            if (open) plan.pieces.push_back(cur);
            cur = ZonePiece{};
            cur.edge = bp.edge;
            cur.from_m = a;
            cur.to_m = b;
            cur.zone = z;
            cur.fastest = bp.source;
            open = true;
        }
        if (open) plan.pieces.push_back(cur);
    }
    // Own-kiosk times at the ends of each piece (split at the fastest-plan boundaries above,
    // so within a piece the own time is close to linear), and the extra over the fastest.
    for (auto &p : plan.pieces) {
        p.time_from_s = time_at(net, own[p.zone], p.edge, p.from_m);
        p.time_to_s = time_at(net, own[p.zone], p.edge, p.to_m);
        const double mid = time_at(net, own[p.zone], p.edge, p.mid_m());
        const double fa = time_at(net, all, p.edge, p.from_m),
                     fb = time_at(net, all, p.edge, p.to_m);
        const double fm = time_at(net, all, p.edge, p.mid_m());
        if (!std::isfinite(p.time_from_s) || !std::isfinite(p.time_to_s)) {
            // The own kiosk cannot reach this piece at all (one-way dead end): count it as
            // misassigned and keep the fastest time so the figures stay finite.
            p.time_from_s = fa;
            p.time_to_s = fb;
            p.extra_s = INFINITY;
        } else {
            p.extra_s = std::max({0.0, p.time_from_s - fa, p.time_to_s - fb, mid - fm});
        }
        if (p.fastest != p.zone) {
            plan.misassigned_length_m += p.length_m();
            plan.worst_extra_s = std::max(plan.worst_extra_s, p.extra_s);
        }
    }
    fill_figures(net, plan, {}, inside_parts(net, ctx.boundary, o.profile));
    plan.seconds_allocation = seconds_since(t0);

    // Areas and points from the polygons as drawn, within the boundary.
    report(o, 0.8, "figures");
    const auto tp = std::chrono::steady_clock::now();
    const MultiPolygon boundary = boundary_or_envelope(net, plan.pieces, ctx);
    auto bg = geos::multi_polygon(
        geos::to_multi_polygon(geos::make_valid(geos::multi_polygon(boundary).get()).get()));
    std::vector<geos::GeomPtr> clipped;
    double sum_area = 0;
    for (std::size_t z = 0; z < k; ++z) {
        auto c = geos::intersection(zg[z].get(), bg.get());
        plan.zones[z].area_m2 = geos::area(c.get());
        plan.zones[z].polygon = zones[z];
        sum_area += plan.zones[z].area_m2;
        clipped.push_back(std::move(c));
    }
    auto u = geos::unary_union(geos::collect(std::move(clipped)).get());
    const double union_area = geos::area(u.get());
    plan.overlap_area_m2 = std::max(0.0, sum_area - union_area);
    plan.gap_area_m2 = std::max(0.0, geos::area(bg.get()) - union_area);
    auto bprep = geos::prepare(bg.get());
    auto count = [&](const std::vector<XY> &pts, auto &&add) {
        for (std::size_t i = 0; i < pts.size(); ++i) {
            if (!geos::prepared_covers_xy(bprep.get(), pts[i])) continue;
            const auto z = zone_at(pts[i]);
            if (z != npos) add(z, i);
        }
    };
    count(ctx.incidents, [&](std::uint32_t z, std::size_t i) {
        const IncidentGrade g =
            i < ctx.incident_grades.size() ? ctx.incident_grades[i] : IncidentGrade::green;
        ++plan.zones[z].incidents[static_cast<std::size_t>(g)];
        plan.zones[z].incident_workload += incident_grade_weight(g);
    });
    count(ctx.key_sites, [&](std::uint32_t z, std::size_t) { ++plan.zones[z].key_sites; });
    count(ctx.cameras, [&](std::uint32_t z, std::size_t) { ++plan.zones[z].cameras; });
    std::vector<double> load(k);
    for (std::size_t z = 0; z < k; ++z) {
        auto &f = plan.zones[z];
        f.workload = plan.measure == ZoneBalance::incidents ? f.incident_workload
                     : plan.measure == ZoneBalance::area    ? f.area_m2
                                                            : f.road_length_m;
        load[z] = f.workload;
    }
    plan.imbalance = imbalance_of(load);
    plan.seconds_polygons = seconds_since(tp);
    report(o, 1.0, "done");
    return plan;
}

} // namespace lugeo
