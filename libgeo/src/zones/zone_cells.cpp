#include "zones/zone_cells.hpp"

#include <lugeo/error.hpp>

#include <algorithm>
#include <cmath>

namespace lugeo::zones_detail {

SiteIndex::SiteIndex(const std::vector<Site>& sites, double cell_m) : m_sites(&sites), m_cell(cell_m) {
    if (sites.empty()) return;
    Box b;
    for (const auto& s : sites) b.extend(s.p);
    m_minx = b.minx;
    m_miny = b.miny;
    m_nx = std::max(1L, static_cast<long>(std::ceil((b.maxx - b.minx) / m_cell)) + 1);
    m_ny = std::max(1L, static_cast<long>(std::ceil((b.maxy - b.miny) / m_cell)) + 1);
    std::vector<std::uint32_t> count(static_cast<std::size_t>(m_nx * m_ny) + 1, 0);
    auto cell_of = [&](XY p) {
        const long cx = std::clamp(static_cast<long>((p.x - m_minx) / m_cell), 0L, m_nx - 1);
        const long cy = std::clamp(static_cast<long>((p.y - m_miny) / m_cell), 0L, m_ny - 1);
        return static_cast<std::size_t>(cy * m_nx + cx);
    };
    for (const auto& s : sites) ++count[cell_of(s.p) + 1];
    for (std::size_t i = 1; i < count.size(); ++i) count[i] += count[i - 1];
    m_offsets = count;
    m_items.resize(sites.size());
    for (std::uint32_t i = 0; i < sites.size(); ++i) m_items[count[cell_of(sites[i].p)]++] = i;
}

std::uint32_t SiteIndex::nearest(XY p) const {
    if (!m_sites || m_sites->empty()) return npos;
    const auto& sites = *m_sites;
    const long cx = static_cast<long>(std::floor((p.x - m_minx) / m_cell));
    const long cy = static_cast<long>(std::floor((p.y - m_miny) / m_cell));
    std::uint32_t best = npos;
    double best_d2 = INFINITY;
    auto scan = [&](long x, long y) {
        if (x < 0 || y < 0 || x >= m_nx || y >= m_ny) return;
        const auto c = static_cast<std::size_t>(y * m_nx + x);
        for (std::uint32_t k = m_offsets[c]; k < m_offsets[c + 1]; ++k) {
            const std::uint32_t i = m_items[k];
            const double dx = sites[i].p.x - p.x, dy = sites[i].p.y - p.y, d2 = dx * dx + dy * dy;
            if (d2 < best_d2 || (d2 == best_d2 && i < best)) {
                best_d2 = d2;
                best = i;
            }
        }
    };
    const long max_ring = std::max({m_nx, m_ny, std::labs(cx) + m_nx, std::labs(cy) + m_ny});
    for (long r = 0; r <= max_ring; ++r) {
        // Everything in ring r is at least (r - 1) cells away from p's cell boundary.
        if (best != npos) {
            const double reach = (static_cast<double>(r) - 1.0) * m_cell;
            if (reach > 0 && reach * reach > best_d2) break;
        }
        if (r == 0) {
            scan(cx, cy);
            continue;
        }
        for (long x = cx - r; x <= cx + r; ++x) {
            scan(x, cy - r);
            scan(x, cy + r);
        }
        for (long y = cy - r + 1; y <= cy + r - 1; ++y) {
            scan(cx - r, y);
            scan(cx + r, y);
        }
    }
    return best;
}

Cells build_cells(std::vector<Site> sites, const MultiPolygon& boundary, double site_spacing_m) {
    Cells c;
    c.sites = std::move(sites);
    c.index = SiteIndex(c.sites, std::max(4.0 * site_spacing_m, 20.0));
    c.boundary = geos::make_valid(geos::multi_polygon(boundary).get());
    c.site_area.assign(c.sites.size(), 0.0);
    if (c.sites.empty()) return c;
    std::vector<XY> pts;
    pts.reserve(c.sites.size());
    for (const auto& s : c.sites) pts.push_back(s.p);
    // The diagram must reach past the boundary: give it the boundary's envelope with the sites'.
    Box b;
    for (const auto& p : boundary)
        for (XY q : p.outer) b.extend(q);
    for (XY q : pts) b.extend(q);
    const double pad = 0.05 * std::max(b.maxx - b.minx, b.maxy - b.miny) + 100.0;
    Polygon env;
    env.outer = {{b.minx - pad, b.miny - pad}, {b.maxx + pad, b.miny - pad}, {b.maxx + pad, b.maxy + pad},
                 {b.minx - pad, b.maxy + pad}, {b.minx - pad, b.miny - pad}};
    auto env_g = geos::polygon(env);
    auto mp = geos::multi_point(pts);
    c.diagram = geos::voronoi(mp.get(), env_g.get());
    const int n = geos::part_count(c.diagram.get());
    c.cell_site.assign(static_cast<std::size_t>(n), npos);
    auto prepared = geos::prepare(c.boundary.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* cell = geos::part(c.diagram.get(), i);
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

std::vector<MultiPolygon> dissolve(const Cells& cells, const std::vector<std::uint32_t>& site_zone,
                                   std::size_t zone_count) {
    std::vector<std::vector<geos::GeomPtr>> parts(zone_count);
    for (std::size_t i = 0; i < cells.cell_site.size(); ++i) {
        const std::uint32_t s = cells.cell_site[i];
        if (s == npos) continue;
        const std::uint32_t z = site_zone[s];
        if (z >= zone_count) continue;
        parts[z].push_back(geos::clone(geos::part(cells.diagram.get(), static_cast<int>(i))));
    }
    std::vector<geos::GeomPtr> zones(zone_count);
    std::size_t last = zone_count;
    for (std::size_t z = 0; z < zone_count; ++z) {
        if (parts[z].empty()) continue;
        auto u = geos::coverage_union(geos::collect(std::move(parts[z])).get());
        zones[z] = geos::intersection(u.get(), cells.boundary.get());
        if (!geos::is_empty(zones[z].get())) last = z;
    }
    // The last non-empty zone takes exactly what the others leave of the boundary, so
    // rounding in the overlay never leaves a sliver gap or overlap along the outer edge.
    if (last < zone_count) {
        std::vector<geos::GeomPtr> others;
        for (std::size_t z = 0; z < zone_count; ++z)
            if (z != last && zones[z] && !geos::is_empty(zones[z].get())) others.push_back(geos::clone(zones[z].get()));
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
