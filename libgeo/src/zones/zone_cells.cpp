#include "zones/zone_cells.hpp"
#include "core/huge_pages.hpp"

#include "geometry/segment_index.hpp"

#include <lugeo/error.hpp>

#include <algorithm>
#include <atomic>
#include <bitset>
#include <cmath>
#include <cstring>
#include <future>
#include <thread>

namespace lugeo::zones_detail {

SiteIndex::SiteIndex(const std::vector<Site> &sites, double cell_m) {
    if (sites.empty()) return;
    m_points.reserve(sites.size());
    Box b;
    for (const auto &s : sites) {
        m_points.push_back(s.p);
        b.extend(s.p);
    }
    m_grid = detail::BucketGrid<>(b, cell_m);
    m_grid.fill_points(m_points);
}

std::uint32_t SiteIndex::nearest(XY p) const {
    std::uint32_t best = npos;
    double best_d2 = INFINITY;
    m_grid.rings(p, [&](std::span<const std::uint32_t> items) {
        for (const std::uint32_t i : items) {
            const double dx = m_points[i].x - p.x, dy = m_points[i].y - p.y, d2 = dx * dx + dy * dy;
            if (d2 < best_d2 || (d2 == best_d2 && i < best)) {
                best_d2 = d2;
                best = i;
            }
        }
        return std::sqrt(best_d2);
    });
    return best;
}

std::uint32_t Cells::site_at(XY p) const {
    if (!raster) return index.nearest(p);
    if (grid.empty()) return npos;
    const double fi = std::floor((p.x - grid.x0) / grid.cell),
                 fj = std::floor((p.y - grid.y0) / grid.cell);
    if (!(fi >= 0 && fj >= 0 && fi < grid.w && fj < grid.h)) return npos;
    return grid.site(static_cast<int>(fi), static_cast<int>(fj));
}

Cells build_voronoi_cells(std::vector<Site> sites, const MultiPolygon &boundary,
                          double site_spacing_m) {
    Cells c;
    c.raster = false;
    c.sites = std::move(sites);
    c.index = SiteIndex(c.sites, std::max(4.0 * site_spacing_m, 20.0));
    c.boundary = geos::make_valid(geos::multi_polygon(boundary).get());
    c.site_area.assign(c.sites.size(), 0.0);
    if (c.sites.empty()) return c;
    std::vector<XY> pts;
    pts.reserve(c.sites.size());
    for (const auto &s : c.sites)
        pts.push_back(s.p);
    // The diagram must reach past the boundary: give it the boundary's envelope with the sites'.
    Box b;
    for (const auto &p : boundary)
        for (XY q : p.outer)
            b.extend(q);
    for (XY q : pts)
        b.extend(q);
    const double pad = 0.05 * std::max(b.maxx - b.minx, b.maxy - b.miny) + 100.0;
    const Polygon env = b.to_polygon(pad);
    auto env_g = geos::polygon(env);
    auto mp = geos::multi_point(pts);
    c.diagram = geos::voronoi(mp.get(), env_g.get());
    const int n = geos::part_count(c.diagram.get());
    c.cell_site.assign(static_cast<std::size_t>(n), npos);
    auto prepared = geos::prepare(c.boundary.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry *cell = geos::part(c.diagram.get(), i);
        const std::uint32_t s = c.index.nearest(geos::centroid(cell));
        c.cell_site[static_cast<std::size_t>(i)] = s;
        if (s == npos) continue;
        double a = 0;
        if (geos::prepared_contains(prepared.get(), cell))
            a = geos::area(cell);
        else if (geos::prepared_intersects(prepared.get(), cell))
            a = geos::area(geos::intersection(cell, c.boundary.get()).get());
        else
            c.cell_site[static_cast<std::size_t>(i)] = npos; // outside the boundary: in no zone
        c.site_area[s] += a;
    }
    return c;
}

namespace {

/// Square cells of `cell` over a lattice whose cell (0, 0) has its lower-left corner at
/// (x0, y0); `ox`, `oy`: that corner relative to the fine lattice's (float centres).
struct Lattice {
    double x0 = 0, y0 = 0, cell = 5;
    int w = 0, h = 0;
    float ox = 0, oy = 0;
};

/// Rows of cell centres inside the polygons (even-odd over every ring): per row, sorted
/// crossings; a centre x is inside when an odd number of crossings lie left of it.
std::vector<std::vector<double>> row_crossings(const MultiPolygon &mp, const Lattice &g) {
    std::vector<std::vector<double>> rows(static_cast<std::size_t>(g.h));
    auto ring = [&](const Ring &r) {
        for (std::size_t i = 0; i + 1 < r.size(); ++i) {
            XY a = r[i], b = r[i + 1];
            if (a.y == b.y) continue;
            if (a.y > b.y) std::swap(a, b);
            // rows whose centre y lies in [a.y, b.y)
            const int j0 = std::max(0, static_cast<int>(std::ceil((a.y - g.y0) / g.cell - 0.5)));
            const int j1 =
                std::min(g.h - 1, static_cast<int>(std::ceil((b.y - g.y0) / g.cell - 0.5)) - 1);
            for (int j = j0; j <= j1; ++j) {
                const double yc = g.y0 + (j + 0.5) * g.cell;
                rows[static_cast<std::size_t>(j)].push_back(a.x +
                                                            (yc - a.y) / (b.y - a.y) * (b.x - a.x));
            }
        }
    };
    for (const auto &p : mp) {
        ring(p.outer);
        for (const auto &h : p.holes)
            ring(h);
    }
    for (auto &r : rows)
        std::sort(r.begin(), r.end());
    return rows;
}

/// Seeds: every interior cell of `g` whose centre lies within 0.75 cell of an edge and that
/// `slot(i, j)` stores (nullptr: not stored) gets the edge point nearest to its centre as
/// its site (over all edges; the first edge wins a tie), appended to `sites`.
template <class Slot>
void seed_cells(std::vector<Site> &sites, const Network &net,
                const std::vector<std::uint32_t> &edges, const Lattice &g, Slot &&slot) {
    const double cell = g.cell, r = 0.75 * cell, r2 = r * r;
    for (std::uint32_t e : edges) {
        const auto geom = net.edge_geometry(e);
        double glen = 0;
        for (std::size_t i = 0; i + 1 < geom.size(); ++i)
            glen += distance(geom[i], geom[i + 1]);
        const double scale = glen > 0 ? net.edge(e).length_m / glen : 0.0;
        double cum = 0;
        for (std::size_t k = 0; k + 1 < geom.size(); ++k) {
            const XY a = geom[k], q = geom[k + 1];
            const double dx = q.x - a.x, dy = q.y - a.y, len2 = dx * dx + dy * dy,
                         len = std::sqrt(len2);
            const int j0 = std::max(
                1, static_cast<int>(std::ceil((std::min(a.y, q.y) - r - g.y0) / cell - 0.5)));
            const int j1 = std::min(g.h - 2, static_cast<int>(std::floor(
                                                 (std::max(a.y, q.y) + r - g.y0) / cell - 0.5)));
            for (int j = j0; j <= j1; ++j) {
                const double yc = g.y0 + (j + 0.5) * cell;
                double xl = std::min(a.x, q.x), xr = std::max(a.x, q.x);
                if (std::fabs(dy) > 1e-9) { // the part of the segment within r of the row
                    double t1 = std::clamp((yc - r - a.y) / dy, 0.0, 1.0),
                           t2 = std::clamp((yc + r - a.y) / dy, 0.0, 1.0);
                    xl = std::min(a.x + t1 * dx, a.x + t2 * dx);
                    xr = std::max(a.x + t1 * dx, a.x + t2 * dx);
                }
                const int i0 =
                    std::max(1, static_cast<int>(std::ceil((xl - r - g.x0) / cell - 0.5)));
                const int i1 =
                    std::min(g.w - 2, static_cast<int>(std::floor((xr + r - g.x0) / cell - 0.5)));
                for (int i = i0; i <= i1; ++i) {
                    std::uint32_t *s = slot(i, j);
                    if (!s) continue;
                    const double xc = g.x0 + (i + 0.5) * cell;
                    const double t =
                        len2 > 0 ? std::clamp(((xc - a.x) * dx + (yc - a.y) * dy) / len2, 0.0, 1.0)
                                 : 0.0;
                    const XY p{a.x + t * dx, a.y + t * dy};
                    const double dd = (p.x - xc) * (p.x - xc) + (p.y - yc) * (p.y - yc);
                    if (dd > r2) continue;
                    if (*s != npos) {
                        const XY o = sites[*s].p;
                        if (!(dd < (o.x - xc) * (o.x - xc) + (o.y - yc) * (o.y - yc))) continue;
                    }
                    const Site site{e, std::min(net.edge(e).length_m, (cum + t * len) * scale), p};
                    if (*s == npos) {
                        *s = static_cast<std::uint32_t>(sites.size());
                        sites.push_back(site);
                    } else {
                        sites[*s] = site;
                    }
                }
            }
            cum += len;
        }
    }
}

/// The sweeps of the distance transform (8SSEDT-style propagation of the sites themselves):
/// a cell takes the site nearest to its centre among its own and its neighbours'. (No
/// distance array: a cell's distance to its own site is recomputed when it is visited,
/// which touches half the memory.)
struct Sweeper {
    const std::vector<float> &sxy; ///< the sites, relative to the fine lattice's corner
    const Lattice &g;

    /// Cells x[i] of row j (x[0] in column col0), i from `from` to `to` by Step (±1):
    /// each takes the nearest of its own site, x[i - Step]'s (`before` for the first) and,
    /// when p (the row before in the sweep, p[i] next to x[i]) is given, p[i - Step]'s,
    /// p[i]'s and p[i + Step]'s.
    template <int Step, bool Row>
    void run(std::uint32_t *x, std::uint32_t before, const std::uint32_t *p, int from, int to,
             int col0, int j) const {
        const float fc = static_cast<float>(g.cell), ox = g.ox;
        const float yc = g.oy + (static_cast<float>(j) + 0.5f) * fc;
        const float *const xy = sxy.data();
        auto dist = [xy](std::uint32_t s, float xc, float yc) {
            const float dx = xy[2 * s] - xc, dy = xy[2 * s + 1] - yc;
            return dx * dx + dy * dy;
        };
        std::uint32_t prev = before;
        for (int i = from; i != to + Step; i += Step) {
            const float xc = ox + (static_cast<float>(col0 + i) + 0.5f) * fc;
            std::uint32_t best = x[i];
            float bd = best == npos ? INFINITY : dist(best, xc, yc);
            auto consider = [&](std::uint32_t s) {
                if (s == npos || s == best) return;
                const float d = dist(s, xc, yc);
                if (d < bd || (d == bd && s < best)) {
                    bd = d;
                    best = s;
                }
            };
            consider(prev);
            if constexpr (Row) {
                consider(p[i - Step]);
                consider(p[i]);
                consider(p[i + Step]);
            }
            x[i] = prev = best;
        }
    }
};

/// The coarse grid's sweeps, over the whole grid (its frame keeps no site).
void sweep_coarse(RasterCells &g, const Sweeper &sw) {
    const std::size_t cw = static_cast<std::size_t>(g.cw);
    const int last = g.cw - 2;
    for (int J = 1; J + 1 < g.ch; ++J) {
        std::uint32_t *row = g.coarse.data() + static_cast<std::size_t>(J) * cw;
        sw.run<1, true>(row, row[0], row - cw, 1, last, 0, J);
        sw.run<-1, false>(row, row[last + 1], nullptr, last, 1, 0, J);
    }
    for (int J = g.ch - 2; J >= 1; --J) {
        std::uint32_t *row = g.coarse.data() + static_cast<std::size_t>(J) * cw;
        sw.run<-1, true>(row, row[last + 1], row + cw, last, 1, 0, J);
        sw.run<1, false>(row, row[0], nullptr, 1, last, 0, J);
    }
}

/// The near tiles' sweeps at the cell over one copy of their sites (`fine`: g.fine's
/// layout), row by row across the near tiles (a far neighbour offers its coarse cell's
/// site). Each tile's row is swept in place, the row before it (in the sweep's direction)
/// copied with a cell either side.
struct NearSweep {
    const RasterCells &g;
    std::uint32_t *fine;
    const Sweeper &sw;
    const std::vector<std::vector<std::pair<int, int>>> &runs;
    static constexpr int side = RasterCells::side;
    static constexpr std::size_t tc = side * side;
    std::uint32_t near[side + 2] = {};
    std::vector<int> tiles = {};

    std::uint32_t any(int i, int j) const {
        if (i < 0 || j < 0 || i >= g.tx * side || j >= g.ty * side) return npos;
        const std::uint32_t t = g.tile_of(i, j);
        return t == npos ? g.coarse[g.coarse_index(i, j)]
                         : fine[t * tc + RasterCells::in_tile(i, j)];
    }
    /// The sites of cells i0 - 1 .. i0 + side of row j into dst[0 .. side + 1].
    void load(std::uint32_t *dst, int i0, int j) const {
        dst[0] = any(i0 - 1, j);
        dst[side + 1] = any(i0 + side, j);
        const std::uint32_t t = g.tile_of(i0, j);
        if (t != npos)
            std::memcpy(dst + 1, &fine[t * tc + RasterCells::in_tile(i0, j)],
                        side * sizeof(std::uint32_t));
        else
            for (int q = 0; q < side; ++q)
                dst[1 + q] = g.coarse[g.coarse_index(i0 + q, j)];
    }
    /// Row j's tiles swept by Step (with the row j - Step's sites when Row), in place.
    template <int Step, bool Row> void row(int j) {
        tiles.clear();
        for (const auto &[i0, i1] : runs[static_cast<std::size_t>(j >> RasterCells::shift)])
            for (int ti = i0 >> RasterCells::shift; ti <= i1 >> RasterCells::shift; ++ti)
                tiles.push_back(ti);
        if (Step < 0) std::reverse(tiles.begin(), tiles.end());
        for (const int ti : tiles) {
            const int i0 = ti * side;
            const int a = std::max(1, i0) - i0, b = std::min(g.w - 2, i0 + side - 1) - i0;
            std::uint32_t *x = &fine[g.tile_of(i0, j) * tc + RasterCells::in_tile(i0, j)];
            if constexpr (Row) load(near, i0, j - Step);
            if constexpr (Step > 0)
                sw.run<1, Row>(x, a > 0 ? x[a - 1] : any(i0 - 1, j), near + 1, a, b, i0, j);
            else
                sw.run<-1, Row>(x, b < side - 1 ? x[b + 1] : any(i0 + side, j), near + 1, b, a, i0,
                                j);
        }
    }
    /// The sweeps down the rows (each row left to right with the row below, then back).
    void down() {
        for (int j = 1; j + 1 < g.h; ++j) {
            row<1, true>(j);
            row<-1, false>(j);
        }
    }
    /// The sweeps up the rows (each row right to left with the row above, then back).
    void up() {
        for (int j = g.h - 2; j >= 1; --j) {
            row<-1, true>(j);
            row<1, false>(j);
        }
    }
};

/// The near tiles' distance transform. On one thread: the sweeps down, then up over their
/// result. On two: down and up each over its own copy of the seeds at once, and each cell
/// takes the nearer of the two sites (the lower index at a tie), so that a site reaches a
/// cell along rows that only go down or only go up from it (its cell is convex, so a
/// straight path does); the sites differ from one thread's in a few cells, by a fraction
/// of a cell in distance (tests/test_zones.cpp measures both against brute force).
void sweep_near(RasterCells &g, const Sweeper &sw,
                const std::vector<std::vector<std::pair<int, int>>> &runs, bool two_threads) {
    if (!two_threads) {
        NearSweep one{g, g.fine.data(), sw, runs};
        one.down();
        one.up();
        return;
    }
    std::vector<std::uint32_t> upward = detail::copy_huge(g.fine);
    auto other = std::async(std::launch::async, [&] {
        NearSweep u{g, upward.data(), sw, runs};
        u.up();
    });
    {
        NearSweep d{g, g.fine.data(), sw, runs};
        d.down();
    }
    other.get();
    constexpr int side = RasterCells::side;
    const float fc = static_cast<float>(g.cell);
    const float *const xy = sw.sxy.data();
    for (std::size_t p = 0; p < g.tile.size(); ++p) {
        const std::uint32_t t = g.tile[p];
        if (t == npos) continue;
        const int i0 = static_cast<int>(p % static_cast<std::size_t>(g.tx)) * side;
        const int j0 = static_cast<int>(p / static_cast<std::size_t>(g.tx)) * side;
        std::uint32_t *a = &g.fine[std::size_t{t} * side * side];
        const std::uint32_t *b = &upward[std::size_t{t} * side * side];
        for (int q = 0; q < side * side; ++q) {
            const std::uint32_t sa = a[q], sb = b[q];
            if (sa == sb || sb == npos) continue;
            if (sa == npos) {
                a[q] = sb;
                continue;
            }
            const float xc = sw.g.ox + (static_cast<float>(i0 + (q & (side - 1))) + 0.5f) * fc;
            const float yc =
                sw.g.oy + (static_cast<float>(j0 + (q >> RasterCells::shift)) + 0.5f) * fc;
            const float dax = xy[2 * sa] - xc, day = xy[2 * sa + 1] - yc;
            const float dbx = xy[2 * sb] - xc, dby = xy[2 * sb + 1] - yc;
            const float da = dax * dax + day * day, db = dbx * dbx + dby * dby;
            if (db < da || (db == da && sb < sa)) a[q] = sb;
        }
    }
}

/// The fine lattice over `b` (grown by two frame cells) with its tiles and coarse grid
/// dimensions (k = 2^kshift), no site yet.
RasterCells make_lattice(const Box &b, double cell, int kshift) {
    RasterCells g;
    g.cell = cell;
    g.kshift = kshift;
    g.x0 = std::floor((b.minx - 2 * cell) / cell) * cell;
    g.y0 = std::floor((b.miny - 2 * cell) / cell) * cell;
    g.w = static_cast<int>(std::ceil((b.maxx + 2 * cell - g.x0) / cell)) + 1;
    g.h = static_cast<int>(std::ceil((b.maxy + 2 * cell - g.y0) / cell)) + 1;
    g.tx = (g.w + RasterCells::side - 1) / RasterCells::side;
    g.ty = (g.h + RasterCells::side - 1) / RasterCells::side;
    g.cw = ((g.w + g.k() - 1) >> kshift) + 2;
    g.ch = ((g.h + g.k() - 1) >> kshift) + 2;
    return g;
}

/// Per tile of g: whether some edge lies within `near_m` of it (each segment cut into steps
/// of at most a tile, each step's box grown by near_m).
std::vector<char> near_mask(const RasterCells &g, const Network &net,
                            const std::vector<std::uint32_t> &edges, double near_m) {
    std::vector<char> near(static_cast<std::size_t>(g.tx) * static_cast<std::size_t>(g.ty), 0);
    const double span = RasterCells::side * g.cell;
    auto cover = [&](XY a, XY q) {
        const int i0 =
            std::max(0, static_cast<int>(std::floor((std::min(a.x, q.x) - near_m - g.x0) / span)));
        const int i1 = std::min(
            g.tx - 1, static_cast<int>(std::floor((std::max(a.x, q.x) + near_m - g.x0) / span)));
        const int j0 =
            std::max(0, static_cast<int>(std::floor((std::min(a.y, q.y) - near_m - g.y0) / span)));
        const int j1 = std::min(
            g.ty - 1, static_cast<int>(std::floor((std::max(a.y, q.y) + near_m - g.y0) / span)));
        for (int tj = j0; tj <= j1; ++tj)
            for (int ti = i0; ti <= i1; ++ti)
                near[static_cast<std::size_t>(tj) * static_cast<std::size_t>(g.tx) +
                     static_cast<std::size_t>(ti)] = 1;
    };
    for (std::uint32_t e : edges) {
        const auto geom = net.edge_geometry(e);
        if (geom.size() == 1) cover(geom[0], geom[0]);
        for (std::size_t i = 0; i + 1 < geom.size(); ++i) {
            const XY a = geom[i], q = geom[i + 1];
            const int n = std::max(1, static_cast<int>(std::ceil(distance(a, q) / span)));
            for (int s = 0; s < n; ++s) {
                const double f0 = static_cast<double>(s) / n, f1 = static_cast<double>(s + 1) / n;
                cover({a.x + (q.x - a.x) * f0, a.y + (q.y - a.y) * f0},
                      {a.x + (q.x - a.x) * f1, a.y + (q.y - a.y) * f1});
            }
        }
    }
    return near;
}

/// The lattice for `cell_m` over b, its cell made larger (and the coarse factor grown)
/// until the near cells and the coarse grid hold at most `max_cells`; its near tiles
/// numbered (the others npos), their cells without a site yet.
RasterCells plan_lattice(const Box &b, const Network &net, const std::vector<std::uint32_t> &edges,
                         double cell_m, std::size_t max_cells, double near_m) {
    // (at least 16 near tiles' worth: a near tile alone is 4,096 cells)
    const double most = static_cast<double>(std::max<std::size_t>(max_cells, 1 << 16));
    double cell = cell_m;
    for (int attempt = 0;; ++attempt) {
        // the coarse grid takes at most a quarter of the cells (k = 8 unless larger is needed)
        int kshift = 3;
        RasterCells g = make_lattice(b, cell, kshift);
        while (kshift<RasterCells::shift &&static_cast<double>(g.cw) * g.ch> most /
               4) // NOLINT(bugprone-*)
            g = make_lattice(b, cell, ++kshift);
        const auto near = near_mask(g, net, edges, near_m);
        const double n_near = static_cast<double>(std::count(near.begin(), near.end(), 1));
        const double total =
            n_near * RasterCells::side * RasterCells::side + static_cast<double>(g.cw) * g.ch;
        if (total <= most || attempt == 12) {
            g.tile.assign(near.size(), npos);
            std::uint32_t n = 0;
            for (std::size_t t = 0; t < near.size(); ++t)
                if (near[t]) g.tile[t] = n++;
            detail::assign_huge(g.fine, std::size_t{n} * RasterCells::side * RasterCells::side,
                                npos);
            return g;
        }
        cell *= std::max(1.05, std::sqrt(total / most) * 1.01);
    }
}

/// Per row of tiles: the runs {i0, i1} of interior cells in near tiles, left to right.
std::vector<std::vector<std::pair<int, int>>> near_runs(const RasterCells &g) {
    std::vector<std::vector<std::pair<int, int>>> out(static_cast<std::size_t>(g.ty));
    for (int tj = 0; tj < g.ty; ++tj)
        for (int ti = 0; ti < g.tx; ++ti) {
            if (g.tile[static_cast<std::size_t>(tj) * static_cast<std::size_t>(g.tx) +
                       static_cast<std::size_t>(ti)] == npos)
                continue;
            const int i0 = std::max(1, ti * RasterCells::side),
                      i1 = std::min(g.w - 2, ti * RasterCells::side + RasterCells::side - 1);
            if (i0 > i1) continue;
            auto &rs = out[static_cast<std::size_t>(tj)];
            if (!rs.empty() && rs.back().second + 1 == i0)
                rs.back().second = i1;
            else
                rs.emplace_back(i0, i1);
        }
    return out;
}

/// Each site's area within the boundary: the near cells and the coarse cells of far tiles
/// whose centre lies inside. Returns the largest distance from such a centre to its site
/// when `far` is asked for (0 otherwise: it costs a look at every cell's site).
double site_areas(Cells &c, const MultiPolygon &boundary, const Lattice &fl, const Lattice &cl,
                  const std::vector<std::vector<std::pair<int, int>>> &runs, bool far) {
    const RasterCells &g = c.grid;
    detail::assign_huge(c.site_area, c.sites.size(), 0.0);
    double max_d2 = 0;
    auto add = [&](const Lattice &l, int i, int j, std::uint32_t s) {
        if (s == npos) return;
        c.site_area[s] += l.cell * l.cell;
        if (!far) return;
        const XY p = c.sites[s].p;
        const double dx = l.x0 + (i + 0.5) * l.cell - p.x, dy = l.y0 + (j + 0.5) * l.cell - p.y;
        max_d2 = std::max(max_d2, dx * dx + dy * dy);
    };
    // per lattice row, the runs [i0, i1] of interior cells whose centre lies inside
    auto inside_runs = [&](const Lattice &l, auto &&f) {
        const auto rows = row_crossings(boundary, l);
        for (int j = 1; j + 1 < l.h; ++j) {
            const auto &xs = rows[static_cast<std::size_t>(j)];
            for (std::size_t k = 0; k + 1 < xs.size(); k += 2) {
                const int i0 =
                    std::max(1, static_cast<int>(std::ceil((xs[k] - l.x0) / l.cell - 0.5)));
                const int i1 = std::min(
                    l.w - 2, static_cast<int>(std::ceil((xs[k + 1] - l.x0) / l.cell - 0.5)) - 1);
                if (i0 <= i1) f(j, i0, i1);
            }
        }
    };
    constexpr std::size_t tc = RasterCells::side * RasterCells::side;
    inside_runs(fl, [&](int j, int i0, int i1) {
        for (const auto &[n0, n1] : runs[static_cast<std::size_t>(j >> RasterCells::shift)])
            for (int i = std::max(i0, n0); i <= std::min(i1, n1); ++i)
                add(fl, i, j, g.fine[g.tile_of(i, j) * tc + RasterCells::in_tile(i, j)]);
    });
    const int k = g.k();
    inside_runs(cl, [&](int J, int I0, int I1) {
        const int j = k * (J - 1);
        if (j < 0 || j >= g.h) return;
        for (int I = I0; I <= I1; ++I) {
            const int i = k * (I - 1);
            if (i < 0 || i >= g.w || g.tile_of(i, j) != npos) continue;
            add(cl, I, J,
                g.coarse[static_cast<std::size_t>(J) * static_cast<std::size_t>(g.cw) +
                         static_cast<std::size_t>(I)]);
        }
    });
    return std::sqrt(max_d2);
}

/// Fills the raster cells over `b` (grown by two frame cells); returns the largest distance
/// from the centre of a cell inside the boundary to its site when `far` (0 otherwise).
double fill_raster(Cells &c, const Network &net, const std::vector<std::uint32_t> &edges,
                   const MultiPolygon &boundary, const Box &b, double cell, std::size_t max_cells,
                   double near_m, bool far, bool threads) {
    c.sites.clear();
    RasterCells &g = c.grid;
    g = plan_lattice(b, net, edges, cell, max_cells, near_m);
    constexpr std::size_t tc = RasterCells::side * RasterCells::side;
    g.coarse.assign(static_cast<std::size_t>(g.cw) * static_cast<std::size_t>(g.ch), npos);
    const double kc = g.coarse_cell();
    const Lattice fl{g.x0, g.y0, g.cell, g.w, g.h, 0.f, 0.f};
    const Lattice cl{
        g.x0 - kc, g.y0 - kc, kc, g.cw, g.ch, static_cast<float>(-kc), static_cast<float>(-kc)};
    auto fine_slot = [&](int i, int j) -> std::uint32_t * {
        const std::uint32_t t = g.tile_of(i, j);
        return t == npos ? nullptr : &g.fine[t * tc + RasterCells::in_tile(i, j)];
    };
    auto coarse_at = [&](int I, int J) -> std::uint32_t & {
        return g.coarse[static_cast<std::size_t>(J) * static_cast<std::size_t>(g.cw) +
                        static_cast<std::size_t>(I)];
    };
    // (a seeded cell lies within 0.75 cell of an edge: at most about 1.5 length / cell of
    // them per lattice, ends and bends aside)
    double length = 0;
    for (std::uint32_t e : edges)
        length += net.edge(e).length_m;
    detail::reserve_huge(c.sites,
                         static_cast<std::size_t>(3 * length / g.cell + 3 * length / kc) + 1024);
    seed_cells(c.sites, net, edges, cl, [&](int I, int J) { return &coarse_at(I, J); });
    seed_cells(c.sites, net, edges, fl, fine_slot);
    std::vector<float> sxy;
    detail::assign_huge(sxy, 2 * c.sites.size(), 0.0f);
    for (std::size_t i = 0; i < c.sites.size(); ++i) {
        sxy[2 * i] = static_cast<float>(c.sites[i].p.x - g.x0);
        sxy[2 * i + 1] = static_cast<float>(c.sites[i].p.y - g.y0);
    }
    // the coarse grid over the whole box
    sweep_coarse(g, Sweeper{sxy, cl});
    // the near tiles at the cell (the far cells next to them offer their coarse sites, so
    // that a cell whose nearest site lies beyond the near tiles finds it)
    const auto runs = near_runs(g);
    sweep_near(g, Sweeper{sxy, fl}, runs,
               threads && g.near_tiles() >= 16 && std::thread::hardware_concurrency() > 1);
    return site_areas(c, boundary, fl, cl, runs, far);
}

} // namespace

Cells build_raster_cells(const Network &net, const std::vector<std::uint32_t> &edges,
                         const MultiPolygon &boundary, double cell_m, std::size_t max_cells,
                         double near_m, bool threads) {
    Cells c;
    c.raster = true;
    c.boundary = geos::make_valid(geos::multi_polygon(boundary).get());
    Box bb;
    for (const auto &p : boundary)
        for (XY q : p.outer)
            bb.extend(q);
    if (edges.empty() || !bb.valid()) return c;
    // The grid covers the boundary and a margin: roads beyond it cannot be nearer to any
    // place inside the boundary than the margin. The margin is the largest distance from a
    // place inside to its nearest road, estimated on a coarse grid when some roads lie
    // outside the boundary's box, and checked after the fine grid (grown once if short).
    Box eb = bb;
    for (std::uint32_t e : edges)
        for (XY q : net.edge_geometry(e))
            eb.extend(q);
    auto grown = [&](double m) {
        return Box{std::max(bb.minx - m, eb.minx), std::max(bb.miny - m, eb.miny),
                   std::min(bb.maxx + m, eb.maxx), std::min(bb.maxy + m, eb.maxy)};
    };
    double margin = 200.0;
    const bool roads_outside = eb.minx < bb.minx - margin || eb.miny < bb.miny - margin ||
                               eb.maxx > bb.maxx + margin || eb.maxy > bb.maxy + margin;
    if (roads_outside) {
        // (far from the roads the distance is measured at the coarse cells' centres)
        const double far = fill_raster(c, net, edges, boundary, grown(5000.0), 4 * cell_m,
                                       max_cells / 16, 0.0, true, threads);
        margin = std::max(margin, far + 2 * c.grid.coarse_cell());
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
        const double far = fill_raster(c, net, edges, boundary, grown(margin), cell_m, max_cells,
                                       near_m, roads_outside, threads);
        const double kc = c.grid.coarse_cell();
        if (!roads_outside || far <= margin - 3 * kc) break;
        margin = far + 4 * kc;
    }
    return c;
}

Cells build_point_sites(const Network &net, const std::vector<std::uint32_t> &edges,
                        const MultiPolygon &boundary,
                        const std::vector<const std::vector<XY> *> &sets) {
    Cells c;
    c.raster = false;
    c.boundary = geos::make_valid(geos::multi_polygon(boundary).get());
    c.point_sites.resize(sets.size());
    std::vector<LineString> lines;
    lines.reserve(edges.size());
    std::vector<double> scale; // geometry metres to the edge's length_m
    for (std::uint32_t e : edges) {
        const auto geom = net.edge_geometry(e);
        lines.emplace_back(geom.begin(), geom.end());
        double glen = 0;
        for (std::size_t i = 0; i + 1 < lines.back().size(); ++i)
            glen += distance(lines.back()[i], lines.back()[i + 1]);
        scale.push_back(glen > 0 ? net.edge(e).length_m / glen : 0.0);
    }
    const SegmentIndex index(lines, 200.0);
    auto prepared = geos::prepare(c.boundary.get());
    for (std::size_t k = 0; k < sets.size(); ++k) {
        c.point_sites[k].assign(sets[k]->size(), npos);
        for (std::size_t i = 0; i < sets[k]->size(); ++i) {
            const XY p = (*sets[k])[i];
            if (!geos::prepared_covers_xy(prepared.get(), p)) continue;
            const auto hit = index.nearest(p);
            if (hit.line == SegmentIndex::npos) continue;
            const std::uint32_t e = edges[hit.line];
            c.point_sites[k][i] = static_cast<std::uint32_t>(c.sites.size());
            c.sites.push_back(
                {e, std::min(net.edge(e).length_m, hit.offset_m * scale[hit.line]), hit.point});
        }
    }
    c.site_area.assign(c.sites.size(), std::numeric_limits<double>::quiet_NaN());
    return c;
}

namespace {

/// Runs `work` on this thread and, when `both` and the machine has two cores, on a second
/// one at once (work shares itself out, e.g. by an atomic counter); what either threw is
/// rethrown here, once both have stopped.
template <class Work> void on_two_threads(Work &work, bool both) {
    std::future<void> other;
    if (both && std::thread::hardware_concurrency() > 1)
        other = std::async(std::launch::async, [&] { work(); });
    std::exception_ptr mine;
    try {
        work();
    } catch (...) {
        mine = std::current_exception();
    }
    if (other.valid()) other.wait();
    if (mine) std::rethrow_exception(mine);
    if (other.valid()) other.get();
}

/// The zones of the cells of a plan, tile by tile.
struct TileLabeller {
    const RasterCells &g;
    std::vector<std::uint8_t> zone_of; ///< per site: its zone, `none` when it has none

    TileLabeller(const RasterCells &grid, const std::vector<std::uint32_t> &site_zone,
                 std::size_t zone_count)
        : g(grid), zone_of(site_zone.size(), raster::BandGrid::none) {
        for (std::size_t s = 0; s < site_zone.size(); ++s)
            if (site_zone[s] < zone_count) zone_of[s] = static_cast<std::uint8_t>(site_zone[s]);
    }
    std::uint8_t zone(std::uint32_t s) const {
        return s != npos ? zone_of[s] : raster::BandGrid::none;
    }
    /// Calls f(q, n, zone) for runs of cells of tile (ti, tj): n cells from cell q of the
    /// tile (row-major), all of one zone; a later run overrides an earlier one. A near
    /// tile's cells, one zone each, go to f.cells(zones) instead (side * side of them).
    template <class F> void runs(int ti, int tj, F &&f) const {
        constexpr int side = RasterCells::side;
        const int i0 = ti * side, j0 = tj * side;
        const std::uint32_t t =
            g.tile[static_cast<std::size_t>(tj) * static_cast<std::size_t>(g.tx) +
                   static_cast<std::size_t>(ti)];
        if (t != npos) { // near: the frame's cells (and those beyond) hold npos
            const std::uint32_t *s = &g.fine[std::size_t{t} * side * side];
            std::uint8_t z[side * side];
            for (int q = 0; q < side * side; ++q)
                z[q] = zone(s[q]);
            f.cells(z);
            return;
        }
        // far: whole blocks of coarse cells, then the frame and beyond `none`
        const int k = g.k();
        for (int bj = 0; bj < side; bj += k)
            for (int bi = 0; bi < side; bi += k) {
                const bool in = i0 + bi < g.w - 1 && j0 + bj < g.h - 1;
                const std::uint8_t z =
                    in ? zone(g.coarse[g.coarse_index(i0 + bi, j0 + bj)]) : raster::BandGrid::none;
                for (int r = 0; r < k; ++r)
                    f((bj + r) * side + bi, k, z);
            }
        if (i0 > 0 && j0 > 0 && i0 + side < g.w - 1 && j0 + side < g.h - 1) return;
        const int right = std::max(0, g.w - 1 - i0); // the first column of the frame, or beyond
        for (int jj = 0; jj < side; ++jj) {
            if (j0 + jj < 1 || j0 + jj >= g.h - 1) {
                f(jj * side, side, raster::BandGrid::none);
                continue;
            }
            if (i0 == 0) f(jj * side, 1, raster::BandGrid::none);
            if (right < side) f(jj * side + right, side - right, raster::BandGrid::none);
        }
    }
    /// The one zone of a far tile's cells; -1 when they are not one, or the tile is near
    /// (always stored: it holds sites per cell anyway).
    int uniform(int ti, int tj) const {
        if (g.tile[static_cast<std::size_t>(tj) * static_cast<std::size_t>(g.tx) +
                   static_cast<std::size_t>(ti)] != npos)
            return -1;
        struct One {
            int u = -2;
            void operator()(int, int, std::uint8_t z) {
                if (u == -2)
                    u = z;
                else if (u != z)
                    u = -1;
            }
            void cells(const std::uint8_t *) { u = -1; } // (never: a far tile)
        } one;
        runs(ti, tj, one);
        return one.u;
    }
};

} // namespace

raster::TiledBandGrid label_cells(const Cells &cells, const std::vector<std::uint32_t> &site_zone,
                                  std::size_t zone_count) {
    const RasterCells &g = cells.grid;
    raster::TiledBandGrid out;
    out.x0 = g.x0;
    out.y0 = g.y0;
    out.cell = g.cell;
    out.w = g.w;
    out.h = g.h;
    out.tx = g.tx;
    out.ty = g.ty;
    out.tile.assign(g.tile.size(), 0);
    out.band.assign(raster::TiledBandGrid::tile_cells, raster::BandGrid::none);
    if (g.empty()) return out;
    const TileLabeller tl{g, site_zone, zone_count};
    std::vector<int> uni(g.tile.size());
    for (int tj = 0; tj < g.ty; ++tj)
        for (int ti = 0; ti < g.tx; ++ti)
            uni[static_cast<std::size_t>(tj * g.tx + ti)] = tl.uniform(ti, tj);
    auto same = [&](int ti, int tj, int u) {
        return ti >= 0 && tj >= 0 && ti < g.tx && tj < g.ty &&
               uni[static_cast<std::size_t>(tj * g.tx + ti)] == u;
    };
    constexpr std::size_t tc = raster::TiledBandGrid::tile_cells;
    // the storage of every tile first (in the order of the tiles, as one pass would give
    // it), then the tiles filled, on two threads
    std::vector<std::uint32_t> shared(raster::BandGrid::none, 0); // per zone: its uniform tile
    std::vector<int> shared_zone;                                 // per shared storage tile
    std::vector<std::pair<int, int>> own;                         // the tiles with their own
    std::uint32_t stored = 1;
    for (int tj = 0; tj < g.ty; ++tj)
        for (int ti = 0; ti < g.tx; ++ti) {
            const int u = uni[static_cast<std::size_t>(tj * g.tx + ti)];
            std::uint32_t &t = out.tile[static_cast<std::size_t>(tj * g.tx + ti)];
            if (u == raster::BandGrid::none) continue; // the shared tile of `none`
            // a tile inside a region of one zone (its four neighbours too) holds no border:
            // it shares that zone's tile, which the tracers skip
            if (u >= 0 && same(ti - 1, tj, u) && same(ti + 1, tj, u) && same(ti, tj - 1, u) &&
                same(ti, tj + 1, u)) {
                auto &s = shared[static_cast<std::size_t>(u)];
                if (s == 0) {
                    s = stored++;
                    shared_zone.push_back(u);
                    own.emplace_back(-1, u); // (filled with its zone)
                }
                t = s;
                continue;
            }
            t = stored++;
            own.emplace_back(ti, tj);
        }
    detail::resize_huge(out.band, std::size_t{stored} * tc, std::uint8_t{0});
    std::atomic<std::size_t> next{0};
    auto fill = [&] {
        constexpr std::size_t chunk = 16;
        for (std::size_t a; (a = next.fetch_add(chunk)) < own.size();)
            for (std::size_t q = a; q < std::min(own.size(), a + chunk); ++q) {
                std::uint8_t *dst = out.band.data() + (q + 1) * tc;
                const auto [ti, tj] = own[q];
                if (ti < 0) {
                    std::fill_n(dst, tc, static_cast<std::uint8_t>(tj));
                    continue;
                }
                struct Into {
                    std::uint8_t *dst;
                    void operator()(int q0, int n, std::uint8_t z) { std::fill_n(dst + q0, n, z); }
                    void cells(const std::uint8_t *z) { std::copy_n(z, tc, dst); }
                } into{dst};
                tl.runs(ti, tj, into);
            }
    };
    on_two_threads(fill, own.size() > 64);
    return out;
}

std::uint32_t zone_at(const raster::BandGrid &g, XY p) {
    // the region of the traced label polygons holding p (the tracer's own saddle rule)
    const std::uint8_t z = raster::label_at(g, p);
    return z == raster::BandGrid::none ? npos : z;
}

std::uint32_t zone_at(const raster::TiledBandGrid &g, XY p) {
    const std::uint8_t z = raster::label_at(g, p);
    return z == raster::BandGrid::none ? npos : z;
}

namespace {

/// Per stored tile of `labels`: the labels its cells hold.
std::vector<std::bitset<256>> labels_per_tile(const raster::TiledBandGrid &labels) {
    constexpr std::size_t tc = raster::TiledBandGrid::tile_cells;
    std::vector<std::bitset<256>> out(labels.band.size() / tc);
    std::atomic<std::size_t> next{0};
    auto scan = [&] {
        for (std::size_t t; (t = next.fetch_add(1)) < out.size();) {
            const std::uint8_t *p = labels.band.data() + t * tc;
            bool seen[256] = {};
            for (std::size_t c = 0; c < tc; ++c)
                seen[p[c]] = true;
            for (int v = 0; v < 256; ++v)
                if (seen[v]) out[t].set(static_cast<std::size_t>(v));
        }
    };
    on_two_threads(scan, out.size() > 64);
    return out;
}

/// The tiles of `labels` within one tile of a cell of `label` (all that tracing it reads:
/// the cells next to its own), the others `none`: tracing this grid gives the same
/// polygons, but its work follows the label's tiles, not the grid's.
raster::TiledBandGrid label_window(const raster::TiledBandGrid &labels,
                                   const std::vector<std::bitset<256>> &held, std::uint8_t label) {
    constexpr std::size_t tc = raster::TiledBandGrid::tile_cells;
    raster::TiledBandGrid w = labels.frame();
    std::vector<char> keep(labels.tile.size(), 0);
    const int tx = labels.tx, ty = labels.ty;
    for (int tj = 0; tj < ty; ++tj)
        for (int ti = 0; ti < tx; ++ti) {
            if (!held[labels.tile[static_cast<std::size_t>(tj * tx + ti)]].test(label)) continue;
            for (int j = std::max(0, tj - 1); j <= std::min(ty - 1, tj + 1); ++j)
                for (int i = std::max(0, ti - 1); i <= std::min(tx - 1, ti + 1); ++i)
                    keep[static_cast<std::size_t>(j * tx + i)] = 1;
        }
    std::vector<std::uint32_t> moved(held.size(), 0); // per stored tile: its copy in w
    {
        std::vector<char> used(held.size(), 0);
        std::size_t n = 1;
        for (std::size_t t = 0; t < keep.size(); ++t)
            if (keep[t] && labels.tile[t] != 0 && !used[labels.tile[t]]) {
                used[labels.tile[t]] = 1;
                ++n;
            }
        w.band.reserve(n * tc);
    }
    for (std::size_t t = 0; t < keep.size(); ++t) {
        const std::uint32_t s = labels.tile[t];
        if (!keep[t] || s == 0) continue;
        if (moved[s] == 0) {
            moved[s] = static_cast<std::uint32_t>(w.band.size() / tc);
            w.band.insert(w.band.end(), labels.band.begin() + static_cast<std::ptrdiff_t>(s * tc),
                          labels.band.begin() + static_cast<std::ptrdiff_t>((s + 1) * tc));
        }
        w.tile[t] = moved[s]; // a shared tile stays shared (and enclosed where it was)
    }
    return w;
}

} // namespace

std::vector<MultiPolygon> dissolve(const Cells &cells, const std::vector<std::uint32_t> &site_zone,
                                   std::size_t zone_count, const raster::TiledBandGrid *labels) {
    std::vector<geos::GeomPtr> zones(zone_count);
    std::size_t last = zone_count;
    if (cells.raster) {
        if (!cells.grid.empty()) {
            raster::TiledBandGrid own;
            if (!labels) labels = &(own = label_cells(cells, site_zone, zone_count));
            const auto held = labels_per_tile(*labels);
            std::bitset<256> used;
            for (const auto &h : held)
                used |= h;
            // each zone on its own (its window of the labels, traced, clipped): two threads
            // take the zones in turn, each with its own work buffer (and GEOS context)
            std::atomic<std::size_t> next{0};
            auto work = [&] {
                raster::Scratch scratch;
                // (its own copy of the boundary: a GEOS geometry may cache on first use)
                const geos::GeomPtr boundary = geos::clone(cells.boundary.get());
                for (std::size_t z; (z = next.fetch_add(1)) < zone_count;) {
                    if (!used.test(z)) continue;
                    const auto label = static_cast<std::uint8_t>(z);
                    const MultiPolygon mp = raster::polygonize_label(
                        label_window(*labels, held, label), label, scratch);
                    zones[z] = geos::intersection(geos::multi_polygon(mp).get(), boundary.get());
                }
            };
            on_two_threads(work, zone_count > 1);
            for (std::size_t z = 0; z < zone_count; ++z)
                if (zones[z] && !geos::is_empty(zones[z].get())) last = z;
        }
    } else {
        std::vector<std::vector<geos::GeomPtr>> parts(zone_count);
        for (std::size_t i = 0; i < cells.cell_site.size(); ++i) {
            const std::uint32_t s = cells.cell_site[i];
            if (s == npos) continue;
            const std::uint32_t z = site_zone[s];
            if (z >= zone_count) continue;
            parts[z].push_back(geos::clone(geos::part(cells.diagram.get(), static_cast<int>(i))));
        }
        for (std::size_t z = 0; z < zone_count; ++z) {
            if (parts[z].empty()) continue;
            auto u = geos::coverage_union(geos::collect(std::move(parts[z])).get());
            zones[z] = geos::intersection(u.get(), cells.boundary.get());
            if (!geos::is_empty(zones[z].get())) last = z;
        }
    }
    // The last non-empty zone takes exactly what the others leave of the boundary, so
    // rounding in the overlay never leaves a sliver gap or overlap along the outer edge.
    // Raster zones share every vertex, so their clipped parts already add up to the
    // boundary; the (costly) difference is only taken when their areas do not.
    bool exact = false;
    if (cells.raster && last < zone_count) {
        double sum = 0;
        for (const auto &z : zones)
            if (z) sum += geos::area(z.get());
        const double b = geos::area(cells.boundary.get());
        exact = std::fabs(sum - b) <= 1e-9 * b;
    }
    if (last < zone_count && !exact) {
        std::vector<geos::GeomPtr> others;
        for (std::size_t z = 0; z < zone_count; ++z)
            if (z != last && zones[z] && !geos::is_empty(zones[z].get()))
                others.push_back(geos::clone(zones[z].get()));
        if (!others.empty()) {
            auto u = geos::unary_union(geos::collect(std::move(others)).get());
            zones[last] = geos::difference(cells.boundary.get(), u.get());
        } else {
            zones[last] = geos::clone(cells.boundary.get());
        }
    }
    std::vector<MultiPolygon> out(zone_count);
    for (std::size_t z = 0; z < zone_count; ++z)
        if (zones[z]) out[z] = geos::to_multi_polygon(zones[z].get());
    return out;
}

} // namespace lugeo::zones_detail
