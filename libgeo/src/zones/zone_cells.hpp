// Private: the Voronoi cells behind zone polygons, and a nearest-site index.
//
// Sites are placed once along the reached drivable edges (they do not depend on the
// kiosks' weights), so the diagram, each cell's area within the boundary and the cell that
// holds each incident / camera / key site are computed once and reused by every balancing
// iteration: a plan only decides which zone each site (hence each cell) belongs to.
#pragma once

#include "geometry/geos.hpp"

#include <lugeo/geometry.hpp>

#include <cstdint>
#include <limits>
#include <vector>

namespace lugeo::zones_detail {

inline constexpr std::uint32_t npos = std::numeric_limits<std::uint32_t>::max();

struct Site {
    std::uint32_t edge = 0;
    double offset_m = 0;
    XY p;
};

/// Nearest site to a point: a uniform grid searched ring by ring.
class SiteIndex {
public:
    SiteIndex() = default;
    SiteIndex(const std::vector<Site>& sites, double cell_m);
    /// Index of the nearest site (npos when there are no sites). Ties: the lower index.
    std::uint32_t nearest(XY p) const;

private:
    const std::vector<Site>* m_sites = nullptr;
    double m_cell = 1, m_minx = 0, m_miny = 0;
    long m_nx = 0, m_ny = 0;
    std::vector<std::uint32_t> m_offsets, m_items;
};

/// The diagram of a fixed set of sites, clipped to a boundary.
struct Cells {
    std::vector<Site> sites;
    SiteIndex index;
    geos::GeomPtr boundary;            ///< the polygon(s) the zones tile
    geos::GeomPtr diagram;             ///< a collection of cells (unclipped)
    std::vector<std::uint32_t> cell_site; ///< per cell of `diagram`: its site (npos: outside the boundary)
    std::vector<double> site_area;     ///< per site: its cell's area within the boundary
};

/// Builds the diagram (boundary non-empty). Sites must be distinct.
Cells build_cells(std::vector<Site> sites, const MultiPolygon& boundary, double site_spacing_m);

/// Per zone, the union of its cells clipped to the boundary, from the zone of each site.
/// The zones tile the boundary: the last non-empty zone is the boundary minus the others.
std::vector<MultiPolygon> dissolve(const Cells& cells, const std::vector<std::uint32_t>& site_zone,
                                   std::size_t zone_count);

} // namespace lugeo::zones_detail
