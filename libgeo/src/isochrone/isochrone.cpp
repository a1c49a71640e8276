// Isochrones: reached edge pieces per threshold, buffered into polygons, with figures.
#include <lugeo/error.hpp>
#include <lugeo/isochrone.hpp>
#include <lugeo/limits.hpp>

#include "geometry/geos.hpp"
#include "geometry/intervals.hpp"
#include "isochrone/isochrone_reference.hpp"
#include "raster/raster.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <span>
#include <thread>
#include <string>
#include <unordered_map>

namespace lugeo {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Interval {
    double from, to;
};

/// The parts of [a, b] not covered by the sorted intervals v.
std::vector<Interval> subtract(Interval x, std::span<const Interval> v) {
    std::vector<Interval> out;
    double cur = x.from;
    for (const Interval &i : v) {
        if (i.to <= cur) continue;
        if (i.from >= x.to) break;
        if (i.from > cur) out.push_back({cur, std::min(i.from, x.to)});
        cur = std::max(cur, i.to);
        if (cur >= x.to) break;
    }
    if (cur < x.to) out.push_back({cur, x.to});
    std::erase_if(out, [](const Interval &i) { return i.to - i.from <= 1e-9; });
    return out;
}

/// Per edge: sorted, disjoint reached intervals, edges ascending. Flat (the edges, where
/// each edge's intervals start, the intervals): built at once from its parts, in
/// O(n log n) and three allocations, not one tree node and one vector per edge.
class IntervalMap {
public:
    struct Part {
        std::uint32_t edge;
        Interval iv;
    };
    IntervalMap() = default;
    /// The union of the parts, per edge (overlapping or touching parts merged).
    explicit IntervalMap(std::vector<Part> parts) {
        std::sort(parts.begin(), parts.end(),
                  [](const Part &a, const Part &b) { return a.edge < b.edge; });
        ivs_.reserve(parts.size());
        for (std::size_t b = 0, e = 0; b < parts.size(); b = e) {
            const std::size_t first = ivs_.size();
            for (e = b; e < parts.size() && parts[e].edge == parts[b].edge; ++e)
                ivs_.push_back(parts[e].iv);
            ivs_.erase(merge_interval_range(ivs_.begin() + static_cast<std::ptrdiff_t>(first),
                                            ivs_.end(), 1e-9),
                       ivs_.end());
            if (ivs_.size() == first) continue; // only empty parts
            edges_.push_back(parts[b].edge);
            start_.push_back(static_cast<std::uint32_t>(first));
        }
        start_.push_back(static_cast<std::uint32_t>(ivs_.size()));
    }
    /// Every (edge, interval), edges ascending.
    std::vector<Part> parts() const {
        std::vector<Part> out;
        out.reserve(ivs_.size());
        for (std::size_t k = 0; k < edges_.size(); ++k)
            for (std::uint32_t q = start_[k]; q < start_[k + 1]; ++q)
                out.push_back({edges_[k], ivs_[q]});
        return out;
    }
    /// Edge e's intervals (empty when it has none).
    std::span<const Interval> of(std::uint32_t e) const {
        const auto it = std::lower_bound(edges_.begin(), edges_.end(), e);
        if (it == edges_.end() || *it != e) return {};
        const auto k = static_cast<std::size_t>(it - edges_.begin());
        return at(k);
    }
    bool contains(std::uint32_t e) const {
        return std::binary_search(edges_.begin(), edges_.end(), e);
    }
    std::span<const Interval> at(std::size_t k) const {
        return {ivs_.data() + start_[k], ivs_.data() + start_[k + 1]};
    }
    /// Iteration as (edge, intervals) pairs.
    struct Iter {
        const IntervalMap *m;
        std::size_t k;
        std::pair<std::uint32_t, std::span<const Interval>> operator*() const {
            return {m->edges_[k], m->at(k)};
        }
        Iter &operator++() {
            ++k;
            return *this;
        }
        bool operator!=(const Iter &o) const { return k != o.k; }
    };
    Iter begin() const { return {this, 0}; }
    Iter end() const { return {this, edges_.size()}; }

private:
    std::vector<std::uint32_t> edges_, start_;
    std::vector<Interval> ivs_;
};

double total_length(const IntervalMap &m) {
    double s = 0;
    for (const auto &[e, v] : m)
        for (const Interval &i : v)
            s += i.to - i.from;
    return s;
}

std::vector<LineString> interval_lines(const Network &net, const IntervalMap &m) {
    std::vector<LineString> lines;
    for (const auto &[e, v] : m)
        for (const Interval &i : v)
            lines.push_back(net.sub_line(e, i.from, i.to));
    return lines;
}

void fill_small_holes(MultiPolygon &mp, double below_m2) {
    if (below_m2 <= 0) return;
    for (Polygon &p : mp)
        std::erase_if(p.holes, [&](const Ring &h) { return area(Polygon{h, {}}) < below_m2; });
}

/// The union of the buffers of lines. One GEOSBuffer over the whole multilinestring is
/// slow (13 s for the 30-minute demo network: GEOS nodes every offset curve at once); so
/// the lines are merged into maximal chains, each chain buffered on its own, and the
/// buffers dissolved by GEOS's cascaded (STRtree) unary union: about 0.5 s for the same
/// input (bench/bench_isochrone.cpp).
geos::GeomPtr buffer_lines(const std::vector<LineString> &lines, double trim_m, int quadsegs) {
    if (lines.empty()) return geos::empty_polygon();
    const geos::GeomPtr ml = geos::multi_line(lines);
    const geos::GeomPtr merged = geos::line_merge(ml.get());
    const GEOSGeometry *src = merged ? merged.get() : ml.get();
    const int n = GEOSGetNumGeometries_r(geos::ctx(), src);
    std::vector<geos::GeomPtr> parts;
    parts.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        parts.push_back(geos::buffer(GEOSGetGeometryN_r(geos::ctx(), src, i), trim_m, quadsegs));
    const geos::GeomPtr all = geos::collect(std::move(parts));
    return geos::unary_union(all.get());
}

void check_polygon_options(const PolygonOptions &o) {
    if (!(o.trim_m > 0 && o.trim_m <= limits::max_trim_m))
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("trim_m"),
                    "isochrones: the trim distance must be in (0, " +
                        std::to_string(static_cast<int>(limits::max_trim_m)) + "] m, got " +
                        printable_value(std::to_string(o.trim_m)));
    if (!(o.fill_holes_below_m2 >= 0))
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("fill_holes_m2"),
                    "isochrones: the hole size to fill must be >= 0 m2");
    if (o.method == PolygonMethod::raster && !(o.cell_m > 0 && o.cell_m <= o.trim_m / 2))
        throw Error(ErrorCode::invalid_argument,
                    "isochrones: the raster cell size must be in (0, trim / 2] = (0, " +
                        std::to_string(o.trim_m / 2) + "] m, got " + std::to_string(o.cell_m) +
                        " m");
    if (o.method == PolygonMethod::buffer && o.quadrant_segments < 1)
        throw Error(ErrorCode::invalid_argument, "isochrones: quadrant segments must be >= 1");
}

/// Threads that burn one grid: two when the machine has them (more gain little: the
/// burn is one part of the work and memory bound).
unsigned burn_threads() {
    return std::thread::hardware_concurrency() >= 2 ? 2u : 1u;
}

/// Work buffers of the raster construction, reused from one set of pieces to the next.
struct RasterWork {
    std::vector<std::uint8_t> band;
    raster::Scratch scratch;
    bool reused = true; ///< false: one set of pieces only (the scratch is freed once traced)
};

/// Raster polygons of nested thresholds: each line burnt with its band (the first
/// threshold reaching it), small holes filled in the grid, polygon k = the cells with band
/// <= k (polygonize_nested); band k = the cells with band == k (polygonize_label), so that
/// bands tile the polygons exactly; band 0 is polygon 0 (for the lowest label the label
/// tracer's rules and the nested one's agree: test_raster), left empty here for the caller
/// to copy once the grid's memory is free. `origin` aligns the grid; `threads` burn the lines.
/// `visit` sees the grid and the polygons before the grid's memory goes back to `work`.
/// With `within` (a grid on the same lattice, e.g. the union's), polygon k is traced from
/// the cells with band <= k labelled as in `within` (raster::relabel_within), so that it
/// lies inside `within`'s polygon k, also where several labels meet, and polygon k lies
/// inside polygon k + 1 (no band polygons then).
/// The grid is tiled: only the tiles within the trim distance of a piece are allocated, so
/// memory and time follow the road reached, not its bounding box.
template <class Visit>
std::vector<MultiPolygon>
raster_polygons(std::vector<std::pair<LineString, std::uint8_t>> &&lines, std::size_t bands,
                const PolygonOptions &o, XY origin, RasterWork &work,
                std::vector<MultiPolygon> *band_polygons, unsigned threads, Visit &&visit,
                const raster::TiledBandGrid *within = nullptr) {
    Box box;
    for (const auto &[l, b] : lines)
        for (const XY &p : l)
            box.extend(p);
    std::vector<MultiPolygon> out(bands);
    if (band_polygons) band_polygons->assign(bands, {});
    if (!box.valid()) {
        visit(raster::TiledBandGrid{}, out);
        return out;
    }
    raster::TiledBandGrid g =
        raster::make_tiled_grid(box, o.trim_m, o.cell_m, origin, std::move(work.band));
    raster::burn_lines(g, lines, o.trim_m, threads);
    std::vector<std::pair<LineString, std::uint8_t>>().swap(lines); // (burnt: not needed again)
    auto traced = raster::fill_holes(g, bands, o.fill_holes_below_m2, work.scratch);
    if (within)
        for (std::size_t k = 0; k < bands; ++k)
            traced[k] = raster::polygonize_nested(
                raster::relabel_within(g, *within, static_cast<std::uint8_t>(k)),
                static_cast<std::uint8_t>(k), work.scratch);
    for (std::size_t k = 0; k < bands; ++k) {
        out[k] = traced[k]
                     ? std::move(*traced[k])
                     : raster::polygonize_nested(g, static_cast<std::uint8_t>(k), work.scratch);
        if (band_polygons && k > 0)
            (*band_polygons)[k] =
                raster::polygonize_label(g, static_cast<std::uint8_t>(k), work.scratch);
    }
    if (!work.reused) raster::Scratch().swap(work.scratch);
    visit(static_cast<const raster::TiledBandGrid &>(g), out);
    work.band = std::move(g.band);
    return out;
}

/// Measure of the union of sorted disjoint intervals v intersected with [a, b].
double overlap(std::span<const Interval> v, double a, double b) {
    double s = 0;
    for (const Interval &i : v) {
        if (i.from >= b) break;
        if (i.to <= a) continue;
        s += std::min(b, i.to) - std::max(a, i.from);
    }
    return s;
}

/// The figures of the nested polygons of one band grid (threshold k: band <= k), read
/// from the grid: a point is inside polygon k iff raster::label_at(p) <= k, which is
/// exactly the traced polygon's membership. Road length inside: every edge in the grid is
/// cut into steps of at most `step_m` (half a cell), each step inside or outside as its
/// midpoint (error: at most half a step where the road crosses the polygon's boundary).
void grid_figures(const Network &net, const raster::TiledBandGrid &g,
                  const std::vector<IntervalMap> &reached, const IsochronePoints &pts,
                  IsochronePolygon *polys, std::size_t nk, bool checks) {
    const double step_m = g.cell / 2;
    const Box gb{g.x0, g.y0, g.x0 + g.w * g.cell, g.y0 + g.h * g.cell};
    for (std::size_t k = 0; k < nk; ++k) {
        IsochronePolygon &p = polys[k];
        p.area_m2 = area(p.polygon);
        p.road_length_m = total_length(reached[k]);
        p.key_sites = p.cameras = 0;
    }
    for (const XY &q : pts.key_sites) {
        const std::uint8_t l = raster::label_at(g, q);
        for (std::size_t k = l; k < nk; ++k)
            ++polys[k].key_sites;
    }
    for (const XY &q : pts.cameras) {
        const std::uint8_t l = raster::label_at(g, q);
        for (std::size_t k = l; k < nk; ++k)
            ++polys[k].cameras;
    }
    if (!checks) {
        for (std::size_t k = 0; k < nk; ++k)
            polys[k].recall = polys[k].unreachable_inside_m = std::nan("");
        return;
    }
    std::vector<double> reached_in(nk, 0.0), unreached_in(nk, 0.0);
    struct Run {
        double a, b;
        std::uint8_t label;
    };
    std::vector<Run> runs;
    // the edges that can have a point in the grid (by the network's own index: the cost
    // follows the grid, not the network; ascending ids, as a loop over every edge)
    for (const std::uint32_t e : net.edges_in(gb)) {
        bool any = false;
        for (std::size_t k = 0; k < nk && !any; ++k)
            any = net.is_usable(polys[k].profile, e) || reached[k].contains(e);
        if (!any) continue;
        // labels along the edge, per step
        runs.clear();
        const auto geom = net.edge_geometry(e);
        double at = 0;
        std::uint8_t lowest = raster::BandGrid::none;
        for (std::size_t i = 0; i + 1 < geom.size(); ++i) {
            const XY a = geom[i], b = geom[i + 1];
            const double len = distance(a, b);
            const int n = std::max(1, static_cast<int>(std::ceil(len / step_m)));
            for (int t = 0; t < n; ++t) {
                const double f = (t + 0.5) / n;
                const std::uint8_t l =
                    raster::label_at(g, {a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f});
                lowest = std::min(lowest, l);
                const double s0 = at + len * t / n, s1 = at + len * (t + 1) / n;
                if (!runs.empty() && runs.back().label == l)
                    runs.back().b = s1;
                else
                    runs.push_back({s0, s1, l});
            }
            at += len;
        }
        if (lowest >= nk) continue;
        for (std::size_t k = lowest; k < nk; ++k) {
            const std::span<const Interval> mine = reached[k].of(e);
            double in_all = 0, in_reached = 0;
            for (const Run &r : runs) {
                if (r.label > k) continue;
                in_all += r.b - r.a;
                in_reached += overlap(mine, r.a, r.b);
            }
            reached_in[k] += in_reached;
            if (net.is_usable(polys[k].profile, e)) unreached_in[k] += in_all - in_reached;
        }
    }
    for (std::size_t k = 0; k < nk; ++k) {
        IsochronePolygon &p = polys[k];
        p.recall = p.road_length_m > 0 ? std::min(1.0, reached_in[k] / p.road_length_m) : 1.0;
        p.unreachable_inside_m = unreached_in[k];
    }
}

/// Cumulative reach of one set of sources at every threshold.
struct CumulativeReach {
    std::vector<IntervalMap> reached;   ///< per threshold, cumulative
    std::vector<IsochronePiece> pieces; ///< each piece once, first threshold reaching it
    std::map<Profile, Reach> searches;  ///< one search per profile, to its largest threshold
};

CumulativeReach reach_all(const Network &net,
                          const std::map<Profile, std::vector<RoutingSource>> &sources,
                          const std::vector<double> &minutes, const std::vector<Profile> &profiles,
                          Direction dir) {
    CumulativeReach c;
    std::map<Profile, double> limit;
    for (std::size_t k = 0; k < minutes.size(); ++k)
        limit[profiles[k]] = std::max(limit[profiles[k]], minutes[k] * 60.0);
    for (const auto &[p, lim] : limit) {
        RoutingOptions ro;
        ro.profile = p;
        ro.direction = dir;
        ro.limit_s = lim;
        c.searches.emplace(p, shortest_times(net, sources.at(p), ro));
    }
    for (std::size_t k = 0; k < minutes.size(); ++k) {
        const Reach &r = c.searches.at(profiles[k]);
        const auto pieces = reached_pieces(net, r, minutes[k] * 60.0);
        // the parts of this threshold's pieces that no earlier threshold reached
        std::vector<IntervalMap::Part> parts =
            k ? c.reached.back().parts() : std::vector<IntervalMap::Part>{};
        parts.reserve(parts.size() + pieces.size());
        c.pieces.reserve(c.pieces.size() + pieces.size()); // (exact for one threshold)
        for (const EdgePiece &pc : pieces) {
            const auto add = [&](Interval part) {
                IsochronePiece sub{pc, k, profiles[k]};
                sub.cut_to(part.from, part.to);
                c.pieces.push_back(sub);
                parts.push_back({pc.edge, part});
            };
            if (k == 0) { // nothing reached before: each piece as it is
                if (pc.to_m - pc.from_m > 1e-9) add({pc.from_m, pc.to_m});
                continue;
            }
            for (const Interval &part :
                 subtract({pc.from_m, pc.to_m}, c.reached.back().of(pc.edge)))
                add(part);
        }
        c.reached.emplace_back(std::move(parts));
    }
    return c;
}

/// The city-wide figures of `all` (the union's reach): the 1/5/30 standard (road, key sites
/// and incidents within each threshold) and the road beyond `beyond_minutes`.
void city_figures(const Network &net, const CumulativeReach &all, const IsochroneOptions &o,
                  const IsochronePoints &pts, IsochroneResult &res) {
    // the city-wide standard: a point is within threshold k if some threshold j <= k
    // reaches its snap on the network (by j's profile) in time
    std::map<Profile, std::vector<double>> ks_time, inc_time; // per profile, per point
    auto time_points = [&](const std::vector<XY> &points, Profile p) {
        std::vector<double> t(points.size(), inf);
        Network::SnapOptions so;
        so.profile = p;
        so.max_distance_m = pts.max_snap_m;
        const Reach &r = all.searches.at(p);
        for (std::size_t i = 0; i < points.size(); ++i)
            if (const auto s = net.snap(points[i], so))
                t[i] = time_at(net, r, s->edge, s->offset_m);
        return t;
    };
    for (const auto &[p, r] : all.searches) {
        ks_time[p] = time_points(pts.key_sites, p);
        inc_time[p] = time_points(pts.incidents, p);
    }
    auto count_within = [&](std::map<Profile, std::vector<double>> &times, std::size_t n,
                            std::size_t k) {
        std::size_t c = 0;
        for (std::size_t i = 0; i < n; ++i) {
            bool ok = false;
            for (std::size_t j = 0; j <= k && !ok; ++j)
                ok = times[res.profiles[j]][i] <= o.minutes[j] * 60.0;
            c += ok;
        }
        return c;
    };
    for (std::size_t k = 0; k < o.minutes.size(); ++k) {
        StandardFigure f;
        f.minutes = o.minutes[k];
        f.profile = res.profiles[k];
        double reached = 0; // (the usable road is the network's: Network::usable_length_m)
        for (const auto &[e, intervals] : all.reached[k]) {
            if (!net.is_usable(f.profile, e)) continue;
            for (const Interval &i : intervals)
                reached += i.to - i.from;
        }
        f.road_km = net.usable_length_m(f.profile) / 1000.0;
        f.reached_km = reached / 1000.0;
        f.key_sites = pts.key_sites.size();
        f.key_sites_within = count_within(ks_time, pts.key_sites.size(), k);
        f.incidents = pts.incidents.size();
        f.incidents_within = count_within(inc_time, pts.incidents.size(), k);
        res.standard.push_back(f);
    }

    // the road beyond `beyond_minutes`, longest first
    for (std::size_t k = 0; k < o.minutes.size(); ++k) {
        if (std::abs(o.minutes[k] - o.beyond_minutes) > 1e-9) continue;
        const Profile p = res.profiles[k];
        const Reach &last = all.searches.at(res.profiles.back());
        for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
            if (!net.is_usable(p, e)) continue;
            for (const Interval &part :
                 subtract({0.0, net.edge(e).length_m}, all.reached[k].of(e))) {
                BeyondPiece b{{e, part.from, part.to}};
                b.time_s =
                    std::min({time_at(net, last, e, part.from), time_at(net, last, e, part.to),
                              time_at(net, last, e, b.mid_m())});
                res.beyond.push_back(b);
            }
        }
        std::stable_sort(
            res.beyond.begin(), res.beyond.end(),
            [](const BeyondPiece &a, const BeyondPiece &b) { return a.length_m() > b.length_m(); });
    }
}

struct PreparedPolygon {
    geos::GeomPtr geom;
    geos::PreparedPtr prepared;
    Box box;
};

PreparedPolygon prepare(const MultiPolygon &mp) {
    PreparedPolygon p;
    p.geom = mp.empty() ? geos::empty_polygon() : geos::multi_polygon(mp);
    p.prepared = geos::prepare(p.geom.get());
    for (const Polygon &poly : mp)
        for (const XY &q : poly.outer)
            p.box.extend(q);
    return p;
}

bool inside(const PreparedPolygon &p, XY q) {
    if (!p.box.valid() || q.x < p.box.minx || q.x > p.box.maxx || q.y < p.box.miny ||
        q.y > p.box.maxy)
        return false;
    return geos::prepared_covers_xy(p.prepared.get(), q);
}

/// Length of a line inside the polygon.
double length_inside(const PreparedPolygon &p, const LineString &l) {
    Box b;
    for (const XY &q : l)
        b.extend(q);
    if (!p.box.valid() || b.maxx < p.box.minx || b.minx > p.box.maxx || b.maxy < p.box.miny ||
        b.miny > p.box.maxy)
        return 0.0;
    const geos::GeomPtr g = geos::line(l);
    if (geos::prepared_contains(p.prepared.get(), g.get())) return length(l);
    if (!geos::prepared_intersects(p.prepared.get(), g.get())) return 0.0;
    const geos::GeomPtr x = geos::intersection(p.geom.get(), g.get());
    return geos::length(x.get());
}

void polygon_figures(const Network &net, IsochronePolygon &out, const IntervalMap &reached,
                     const IsochronePoints &pts, Profile profile) {
    const PreparedPolygon pp = prepare(out.polygon);
    out.area_m2 = area(out.polygon);
    out.road_length_m = total_length(reached);
    for (const XY &q : pts.key_sites)
        out.key_sites += inside(pp, q);
    for (const XY &q : pts.cameras)
        out.cameras += inside(pp, q);
    double reached_inside = 0;
    for (const auto &[e, v] : reached)
        for (const Interval &i : v)
            reached_inside += length_inside(pp, net.sub_line(e, i.from, i.to));
    out.recall = out.road_length_m > 0 ? std::min(1.0, reached_inside / out.road_length_m) : 1.0;
    // road the profile may use that lies inside but was not reached
    double unreached_inside = 0;
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        if (!net.is_usable(profile, e)) continue;
        const double len = net.edge(e).length_m;
        for (const Interval &part : subtract({0.0, len}, reached.of(e)))
            unreached_inside += length_inside(pp, net.sub_line(e, part.from, part.to));
    }
    out.unreachable_inside_m = unreached_inside;
}

} // namespace

namespace isochrone_detail {

void polygon_figures_geos(const Network &net, IsochronePolygon &poly,
                          const std::vector<EdgePiece> &reached, const IsochronePoints &points) {
    std::vector<IntervalMap::Part> parts;
    for (const EdgePiece &p : reached)
        parts.push_back({p.edge, {p.from_m, p.to_m}});
    polygon_figures(net, poly, IntervalMap(std::move(parts)), points, poly.profile);
}

} // namespace isochrone_detail

double polygon_tolerance_m(const PolygonOptions &o) {
    if (o.method == PolygonMethod::raster) return raster::tolerance_cells * o.cell_m;
    return o.trim_m * (1 - std::cos(M_PI / (4.0 * std::max(1, o.quadrant_segments))));
}

MultiPolygon pieces_to_polygon(const Network &net, const std::vector<EdgePiece> &pieces,
                               const PolygonOptions &o) {
    check_polygon_options(o);
    if (o.method == PolygonMethod::raster) {
        std::vector<std::pair<LineString, std::uint8_t>> lines;
        lines.reserve(pieces.size());
        for (const EdgePiece &p : pieces)
            lines.emplace_back(net.sub_line(p), 0);
        RasterWork work;
        work.reused = false;
        return raster_polygons(
            std::move(lines), 1, o, {0, 0}, work, nullptr, burn_threads(),
            [](const raster::TiledBandGrid &, std::vector<MultiPolygon> &) {})[0];
    }
    std::vector<LineString> lines;
    lines.reserve(pieces.size());
    for (const EdgePiece &p : pieces)
        lines.push_back(net.sub_line(p));
    const geos::GeomPtr b = buffer_lines(lines, o.trim_m, o.quadrant_segments);
    MultiPolygon mp = geos::to_multi_polygon(b.get());
    fill_small_holes(mp, o.fill_holes_below_m2);
    return mp;
}

IsochroneResult compute_isochrones(const Network &net, const std::vector<XY> &sources,
                                   const IsochroneOptions &o, const IsochronePoints &pts) {
    IsochroneResult res;
    if (o.minutes.empty())
        throw Error(ErrorCode::invalid_argument, "isochrones: no threshold given");
    for (std::size_t k = 0; k < o.minutes.size(); ++k) {
        const double m = o.minutes[k];
        if (!std::isfinite(m) || m <= 0 || (k > 0 && m <= o.minutes[k - 1]))
            throw Error(ErrorCode::invalid_argument,
                        "isochrones: thresholds must be positive and increasing, got " +
                            std::to_string(m) + " minutes at position " + std::to_string(k + 1));
    }
    const PolygonOptions po = o.polygon_options();
    check_polygon_options(po);
    for (const double lim : {o.max_snap_m, pts.max_snap_m})
        if (!(lim >= 0))
            throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("max_snap_m"),
                        "isochrones: the snap limit must be a number of metres >= 0, got " +
                            std::to_string(lim));
    if (o.minutes.size() >= raster::BandGrid::none)
        throw Error(ErrorCode::invalid_argument, "isochrones: at most 254 thresholds");
    if (o.profiles.size() > 1 && o.profiles.size() != o.minutes.size())
        throw Error(ErrorCode::invalid_argument,
                    "isochrones: " + std::to_string(o.profiles.size()) + " profiles for " +
                        std::to_string(o.minutes.size()) +
                        " thresholds (give one, or one per threshold)");
    res.minutes = o.minutes;
    for (std::size_t k = 0; k < o.minutes.size(); ++k)
        res.profiles.push_back(o.profiles.empty()       ? o.profile
                               : o.profiles.size() == 1 ? o.profiles[0]
                                                        : o.profiles[k]);

    // snap every source for every profile used
    const auto t0 = Clock::now();
    if (!(o.max_snap_m > 0 && o.max_snap_m <= limits::max_snap_m))
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("max_snap_m"),
                    "isochrones: the snapping limit must be in (0, " +
                        std::to_string(static_cast<long>(limits::max_snap_m)) + "] m");
    std::map<Profile, std::vector<RoutingSource>> snapped;
    for (Profile p : res.profiles) {
        if (snapped.count(p)) continue;
        auto &v = snapped[p];
        for (std::size_t i = 0; i < sources.size(); ++i) {
            Network::SnapOptions so;
            so.profile = p;
            so.max_distance_m = o.max_snap_m;
            const auto s = net.snap(sources[i], so);
            if (!s) {
                const std::string why = net.snap_failure(sources[i], so);
                throw Error(ErrorCode::off_network,
                            (i < o.source_origins.size() ? o.source_origins[i] : ErrorContext{})
                                .with_parameter("max_snap_m"),
                            "isochrone source " + std::to_string(i + 1) + " at (" +
                                std::to_string(sources[i].x) + ", " + std::to_string(sources[i].y) +
                                ") lies " + why +
                                (why.find("; the nearest") == std::string::npos
                                     ? " (raise the snap limit or move the source)"
                                     : ""));
            }
            v.push_back({*s, 0.0});
        }
    }
    for (const auto &s : snapped.at(res.profiles[0]))
        res.sources.push_back(s.at);

    // the union over all sources: one multi-source search per profile
    CumulativeReach all = reach_all(net, snapped, o.minutes, res.profiles, o.direction);
    res.pieces = std::move(all.pieces);
    std::vector<CumulativeReach> each;
    if (o.per_source)
        for (std::size_t i = 0; i < sources.size(); ++i) {
            std::map<Profile, std::vector<RoutingSource>> one;
            for (const auto &[p, v] : snapped)
                one[p] = {v[i]};
            each.push_back(reach_all(net, one, o.minutes, res.profiles, o.direction));
        }
    for (auto &c : each) // (only the union's searches are read again: city_figures)
        c.searches.clear();
    res.search_seconds = seconds_since(t0);

    // the city-wide figures first: they read the searches, the polygons only what was
    // reached, so the searches' memory is free before the grids are made
    const auto t2 = Clock::now();
    if (o.city_figures) city_figures(net, all, o, pts, res);
    all.searches.clear();
    res.stats_seconds = seconds_since(t2);

    // polygons
    const auto t1 = Clock::now();
    const std::size_t nk = o.minutes.size();
    auto shell = [&](long source, std::size_t k) {
        IsochronePolygon poly;
        poly.source = source;
        poly.threshold = k;
        poly.minutes = o.minutes[k];
        poly.profile = res.profiles[k];
        return poly;
    };
    // every threshold of one set of pieces at once: one band grid (raster; the figures are
    // read from it), or one buffer union per threshold of the cumulative reach (buffer; the
    // figures by GEOS intersections, below)
    const XY origin{0, 0};
    auto make_all = [&](const std::vector<IsochronePiece> &pieces,
                        const std::vector<IntervalMap> &reached, long source,
                        std::vector<IsochronePolygon> &out, RasterWork &work,
                        std::vector<MultiPolygon> *bands, unsigned threads,
                        raster::TiledBandGrid *keep, const raster::TiledBandGrid *within) {
        const std::size_t first = out.size();
        for (std::size_t k = 0; k < nk; ++k)
            out.push_back(shell(source, k));
        if (po.method == PolygonMethod::raster) {
            std::vector<std::pair<LineString, std::uint8_t>> lines;
            lines.reserve(pieces.size());
            for (const IsochronePiece &ip : pieces)
                lines.emplace_back(net.sub_line(ip), static_cast<std::uint8_t>(ip.threshold));
            raster_polygons(
                std::move(lines), nk, po, origin, work, bands, threads,
                [&](const raster::TiledBandGrid &g, std::vector<MultiPolygon> &polys) {
                    for (std::size_t k = 0; k < nk; ++k)
                        out[first + k].polygon = std::move(polys[k]);
                    grid_figures(net, g, reached, pts, &out[first], nk, o.polygon_checks);
                    if (keep) *keep = g;
                },
                within);
            return;
        }
        for (std::size_t k = 0; k < nk; ++k) {
            const geos::GeomPtr b =
                buffer_lines(interval_lines(net, reached[k]), o.trim_m, o.quadrant_segments);
            out[first + k].polygon = geos::to_multi_polygon(b.get());
            fill_small_holes(out[first + k].polygon, o.fill_holes_below_m2);
        }
    };
    // (the union's grid is kept for the sources' grids to be clamped to: each source's
    // polygon then lies inside the union's, but for slivers where labels meet, which the
    // GEOS clip below removes)
    raster::TiledBandGrid union_grid;
    {
        RasterWork work;
        work.reused = false;
        make_all(res.pieces, all.reached, -1, res.unions, work,
                 po.method == PolygonMethod::raster ? &res.bands : nullptr, burn_threads(),
                 o.per_source ? &union_grid : nullptr, nullptr);
    }
    if (po.method == PolygonMethod::raster && !res.bands.empty())
        res.bands[0] = res.unions[0].polygon; // (raster_polygons: band 0 is polygon 0)
    // (all grids share the lattice through the origin; each source's polygons are traced
    // from its cells with the union's labels, so they lie inside the union's)
    // sources are independent: a few threads, each with its own work buffers (and GEOS
    // context, for the buffer method)
    {
        std::vector<std::vector<IsochronePolygon>> per(each.size());
        const std::size_t nt = std::min<std::size_t>(
            {each.size(), std::max(1u, std::thread::hardware_concurrency()), std::size_t{4}});
        std::vector<std::thread> threads;
        std::vector<std::exception_ptr> errors(nt);
        for (std::size_t t = 0; t < nt; ++t)
            threads.emplace_back([&, t] {
                try {
                    RasterWork work;
                    for (std::size_t i = t; i < each.size(); i += nt)
                        make_all(each[i].pieces, each[i].reached, static_cast<long>(i), per[i],
                                 work, nullptr, 1, nullptr, &union_grid);
                } catch (...) {
                    errors[t] = std::current_exception();
                }
            });
        for (auto &th : threads)
            th.join();
        for (const auto &e : errors)
            if (e) std::rethrow_exception(e);
        for (auto &v : per)
            for (auto &p : v)
                res.per_source.push_back(std::move(p));
    }
    // Each source's polygon lies inside the union. Raster: by construction (its cells are
    // the union's cells with the union's labels, only fewer: raster::relabel_within; a test
    // checks it against GEOS), with no GEOS work here — a GEOS check was most of the time of
    // `isochrones` (polygons sharing most of their boundary make prepared contains fall back
    // to a full relate: 10 s on the demo). Buffer: clipped to it (GEOS's two buffer unions
    // need not nest to the last bit).
    if (!res.per_source.empty() && po.method == PolygonMethod::buffer) {
        std::vector<geos::GeomPtr> ug;
        std::vector<geos::PreparedPtr> up;
        for (const auto &u : res.unions) {
            ug.push_back(geos::multi_polygon(u.polygon));
            up.push_back(geos::prepare(ug.back().get()));
        }
        for (auto &p : res.per_source) {
            if (p.polygon.empty()) continue;
            const geos::GeomPtr g = geos::multi_polygon(p.polygon);
            if (geos::prepared_contains(up[p.threshold].get(), g.get())) continue;
            const geos::GeomPtr c = geos::intersection(g.get(), ug[p.threshold].get());
            p.polygon = geos::to_multi_polygon(c.get());
            p.area_m2 = area(p.polygon);
        }
    }
    if (po.method == PolygonMethod::buffer) // bands: differences of the nested unions
        for (std::size_t k = 0; k < res.unions.size(); ++k) {
            if (k == 0) {
                res.bands.push_back(res.unions[0].polygon);
                continue;
            }
            const geos::GeomPtr cur = geos::multi_polygon(res.unions[k].polygon);
            const geos::GeomPtr prev = geos::multi_polygon(res.unions[k - 1].polygon);
            const geos::GeomPtr d = geos::difference(cur.get(), prev.get());
            res.bands.push_back(geos::to_multi_polygon(d.get()));
        }
    if (o.concave_hull)
        for (const auto &u : res.unions) {
            if (u.polygon.empty()) {
                res.concave.emplace_back();
                continue;
            }
            const geos::GeomPtr g = geos::multi_polygon(u.polygon);
            const geos::GeomPtr h = geos::concave_hull(g.get(), o.concave_ratio, true);
            res.concave.push_back(geos::to_multi_polygon(h.get()));
        }
    res.polygon_seconds = seconds_since(t1);

    // figures per polygon (raster: read from the grids, above)
    const auto t3 = Clock::now();
    if (po.method == PolygonMethod::buffer) {
        for (auto &u : res.unions)
            polygon_figures(net, u, all.reached[u.threshold], pts, u.profile);
        for (auto &p : res.per_source)
            polygon_figures(net, p, each[static_cast<std::size_t>(p.source)].reached[p.threshold],
                            pts, p.profile);
    }

    res.stats_seconds += seconds_since(t3);
    return res;
}

double IsochroneResult::band_area_km2(std::size_t k) const {
    return area(bands[k]) / 1e6;
}

double IsochroneResult::beyond_km() const {
    double km = 0;
    for (const auto &b : beyond)
        km += b.length_m() / 1000.0;
    return km;
}

} // namespace lugeo
