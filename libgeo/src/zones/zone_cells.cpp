#include "zones/zone_cells.hpp"

#include "geometry/segment_index.hpp"

#include <lugeo/error.hpp>

#include <algorithm>
#include <cmath>

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
    if (cell_seed.empty()) return npos;
    const double fi = std::floor((p.x - grid.x0) / grid.cell),
                 fj = std::floor((p.y - grid.y0) / grid.cell);
    if (!(fi >= 0 && fj >= 0 && fi < grid.w && fj < grid.h)) return npos;
    return cell_seed[static_cast<std::size_t>(fj) * static_cast<std::size_t>(grid.w) +
                     static_cast<std::size_t>(fi)];
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

/// Rows of cell centres inside the polygons (even-odd over every ring): per row, sorted
/// crossings; a centre x is inside when an odd number of crossings lie left of it.
std::vector<std::vector<double>> row_crossings(const MultiPolygon &mp, const raster::BandGrid &g) {
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

} // namespace

namespace {

/// Fills the raster cells over `b` (grown by two frame cells); returns the largest distance
/// from the centre of a cell inside the boundary to its site.
double fill_raster(Cells &c, const Network &net, const std::vector<std::uint32_t> &edges,
                   const MultiPolygon &boundary, const Box &b, double cell) {
    c.sites.clear();
    raster::BandGrid &g = c.grid;
    g.cell = cell;
    g.x0 = std::floor((b.minx - 2 * cell) / cell) * cell;
    g.y0 = std::floor((b.miny - 2 * cell) / cell) * cell;
    g.w = static_cast<int>(std::ceil((b.maxx + 2 * cell - g.x0) / cell)) + 1;
    g.h = static_cast<int>(std::ceil((b.maxy + 2 * cell - g.y0) / cell)) + 1;
    const std::size_t w = static_cast<std::size_t>(g.w), h = static_cast<std::size_t>(g.h),
                      n = w * h;
    c.cell_seed.assign(n, npos);

    // Seeds: every cell whose centre lies within r of an edge; its site is the nearest edge
    // point (over all edges; the first edge wins a tie).
    const double r = 0.75 * cell, r2 = r * r;
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
                    const double xc = g.x0 + (i + 0.5) * cell;
                    const double t =
                        len2 > 0 ? std::clamp(((xc - a.x) * dx + (yc - a.y) * dy) / len2, 0.0, 1.0)
                                 : 0.0;
                    const XY p{a.x + t * dx, a.y + t * dy};
                    const double dd = (p.x - xc) * (p.x - xc) + (p.y - yc) * (p.y - yc);
                    const std::size_t cc =
                        static_cast<std::size_t>(j) * w + static_cast<std::size_t>(i);
                    if (dd > r2) continue;
                    if (c.cell_seed[cc] != npos) {
                        const XY o = c.sites[c.cell_seed[cc]].p;
                        if (!(dd < (o.x - xc) * (o.x - xc) + (o.y - yc) * (o.y - yc))) continue;
                    }
                    const Site site{e, std::min(net.edge(e).length_m, (cum + t * len) * scale), p};
                    if (c.cell_seed[cc] == npos) {
                        c.cell_seed[cc] = static_cast<std::uint32_t>(c.sites.size());
                        c.sites.push_back(site);
                    } else {
                        c.sites[c.cell_seed[cc]] = site;
                    }
                }
            }
            cum += len;
        }
    }
    // Every other interior cell: the site nearest to its centre among its neighbours'
    // sites, in a forward and a backward sweep (the frame stays without a site).
    std::vector<float> sxy(2 * c.sites.size());
    for (std::size_t i = 0; i < c.sites.size(); ++i) {
        sxy[2 * i] = static_cast<float>(c.sites[i].p.x - g.x0);
        sxy[2 * i + 1] = static_cast<float>(c.sites[i].p.y - g.y0);
    }
    // (No distance array: a cell's distance to its own site is recomputed when it is
    // visited, which touches half the memory of a grid of distances.)
    std::uint32_t *seed = c.cell_seed.data();
    const float fc = static_cast<float>(cell);
    auto dist_to = [&](std::uint32_t s, float xc, float yc) {
        const float dx = sxy[2 * s] - xc, dy = sxy[2 * s + 1] - yc;
        return dx * dx + dy * dy;
    };
    auto update = [&](std::size_t cc, float xc, float yc, auto... nbs) {
        std::uint32_t best = seed[cc];
        float bd = best == npos ? INFINITY : dist_to(best, xc, yc);
        auto consider = [&](std::size_t nb) {
            const std::uint32_t s = seed[nb];
            if (s == npos || s == best) return;
            const float d = dist_to(s, xc, yc);
            if (d < bd || (d == bd && s < best)) {
                bd = d;
                best = s;
            }
        };
        (consider(nbs), ...);
        seed[cc] = best;
    };
    for (std::size_t j = 1; j + 1 < h; ++j) {
        const float yc = (static_cast<float>(j) + 0.5f) * fc;
        for (std::size_t i = 1; i + 1 < w; ++i) {
            const std::size_t cc = j * w + i;
            update(cc, (static_cast<float>(i) + 0.5f) * fc, yc, cc - 1, cc - w - 1, cc - w,
                   cc - w + 1);
        }
        for (std::size_t i = w - 2; i >= 1; --i) {
            const std::size_t cc = j * w + i;
            update(cc, (static_cast<float>(i) + 0.5f) * fc, yc, cc + 1);
        }
    }
    for (std::size_t j = h - 2; j >= 1; --j) {
        const float yc = (static_cast<float>(j) + 0.5f) * fc;
        for (std::size_t i = w - 2; i >= 1; --i) {
            const std::size_t cc = j * w + i;
            update(cc, (static_cast<float>(i) + 0.5f) * fc, yc, cc + 1, cc + w + 1, cc + w,
                   cc + w - 1);
        }
        for (std::size_t i = 1; i + 1 < w; ++i) {
            const std::size_t cc = j * w + i;
            update(cc, (static_cast<float>(i) + 0.5f) * fc, yc, cc - 1);
        }
    }
    // Each site's area within the boundary: the cells whose centre lies inside.
    float max_d2 = 0;
    c.site_area.assign(c.sites.size(), 0.0);
    const auto rows = row_crossings(boundary, g);
    const double a = cell * cell;
    for (std::size_t j = 1; j + 1 < h; ++j) {
        const auto &xs = rows[j];
        for (std::size_t k = 0; k + 1 < xs.size(); k += 2) {
            const long i0 = std::max(1L, static_cast<long>(std::ceil((xs[k] - g.x0) / cell - 0.5)));
            const long i1 =
                std::min(static_cast<long>(w) - 2,
                         static_cast<long>(std::ceil((xs[k + 1] - g.x0) / cell - 0.5)) - 1);
            for (long i = i0; i <= i1; ++i) {
                const std::uint32_t s = seed[j * w + static_cast<std::size_t>(i)];
                if (s != npos) c.site_area[s] += a;
                if (s != npos)
                    max_d2 = std::max(max_d2, dist_to(s, (static_cast<float>(i) + 0.5f) * fc,
                                                      (static_cast<float>(j) + 0.5f) * fc));
            }
        }
    }
    return std::sqrt(static_cast<double>(max_d2));
}

} // namespace

Cells build_raster_cells(const Network &net, const std::vector<std::uint32_t> &edges,
                         const MultiPolygon &boundary, double cell_m, std::size_t max_cells) {
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
    auto cell_for = [&](const Box &b, double cell, std::size_t most) {
        const double sx = b.maxx - b.minx + 6 * cell, sy = b.maxy - b.miny + 6 * cell;
        if (sx / cell * (sy / cell) > static_cast<double>(most))
            cell = std::sqrt(sx * sy / static_cast<double>(most)) * 1.01;
        return cell;
    };
    double margin = 200.0;
    const bool roads_outside = eb.minx < bb.minx - margin || eb.miny < bb.miny - margin ||
                               eb.maxx > bb.maxx + margin || eb.maxy > bb.maxy + margin;
    if (roads_outside) {
        const Box b = grown(5000.0);
        const double coarse = cell_for(b, 4 * cell_m, max_cells / 16);
        margin = std::max(margin, fill_raster(c, net, edges, boundary, b, coarse) + 2 * coarse);
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
        const Box b = grown(margin);
        const double cell = cell_for(b, cell_m, max_cells);
        const double far = fill_raster(c, net, edges, boundary, b, cell);
        if (!roads_outside || far <= margin - 3 * cell) break;
        margin = far + 4 * cell;
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

raster::BandGrid label_cells(const Cells &cells, const std::vector<std::uint32_t> &site_zone,
                             std::size_t zone_count) {
    raster::BandGrid g = cells.grid;
    g.band.assign(cells.cell_seed.size(), raster::BandGrid::none);
    for (std::size_t i = 0; i < cells.cell_seed.size(); ++i) {
        const std::uint32_t s = cells.cell_seed[i];
        if (s != npos && site_zone[s] < zone_count)
            g.band[i] = static_cast<std::uint8_t>(site_zone[s]);
    }
    return g;
}

std::uint32_t zone_at(const raster::BandGrid &g, XY p) {
    // the region of the traced label polygons holding p (the tracer's own saddle rule)
    const std::uint8_t z = raster::label_at(g, p);
    return z == raster::BandGrid::none ? npos : z;
}

std::vector<MultiPolygon> dissolve(const Cells &cells, const std::vector<std::uint32_t> &site_zone,
                                   std::size_t zone_count) {
    std::vector<geos::GeomPtr> zones(zone_count);
    std::size_t last = zone_count;
    if (cells.raster) {
        if (!cells.cell_seed.empty()) {
            const raster::BandGrid labels = label_cells(cells, site_zone, zone_count);
            std::vector<char> used(zone_count, 0);
            for (auto l : labels.band)
                if (l < zone_count) used[l] = 1;
            std::vector<std::uint8_t> scratch;
            for (std::size_t z = 0; z < zone_count; ++z) {
                if (!used[z]) continue;
                const MultiPolygon mp =
                    raster::polygonize_label(labels, static_cast<std::uint8_t>(z), scratch);
                zones[z] = geos::intersection(geos::multi_polygon(mp).get(), cells.boundary.get());
                if (!geos::is_empty(zones[z].get())) last = z;
            }
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
