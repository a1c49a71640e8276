// Private: the cells behind zone polygons — the land between roads, each part given to
// the nearest point of a reached drivable edge (a "site").
//
// Two constructions, one interface:
//  - raster (default): a grid of square cells; every cell within 0.75 cell of a reached
//    edge is a seed and its site is the edge point nearest to the cell's centre; every
//    other cell takes the site of the nearest seed (Euclidean distance to the sites
//    themselves, propagated in two raster sweeps, 8SSEDT-style). A plan labels each cell
//    with its site's zone, and the zones are traced with raster::polygonize_label, whose
//    polygons share their boundaries exactly.
//  - voronoi: sites every `site_spacing_m` along the reached edges, a GEOS Voronoi diagram
//    dissolved per zone with a coverage union (kept as the reference construction).
//
// Sites do not depend on the kiosks' weights, so the cells, each site's area within the
// boundary and the site of each incident / camera / key site are computed once and reused
// by every balancing iteration: a plan only decides which zone each site belongs to.
#pragma once

#include "geometry/geos.hpp"
#include "raster/raster.hpp"

#include <lugeo/detail/bucket_grid.hpp>
#include <lugeo/geometry.hpp>
#include <lugeo/network.hpp>

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

/// Nearest site to a point: a uniform grid (BucketGrid) searched ring by ring.
class SiteIndex {
public:
    SiteIndex() = default;
    SiteIndex(const std::vector<Site> &sites, double cell_m);
    /// Index of the nearest site (npos when there are no sites). Ties: the lower index.
    std::uint32_t nearest(XY p) const;

private:
    std::vector<XY> m_points; ///< a copy: the index stays valid when its Cells is moved
    detail::BucketGrid<> m_grid;
};

/// The cells of a fixed set of sites, clipped to a boundary.
struct Cells {
    bool raster = true;
    std::vector<Site> sites;
    geos::GeomPtr boundary;        ///< the polygon(s) the zones tile
    std::vector<double> site_area; ///< per site: its cells' area within the boundary
    // voronoi
    SiteIndex index;
    geos::GeomPtr diagram; ///< a collection of cells (unclipped)
    std::vector<std::uint32_t>
        cell_site; ///< per cell of `diagram`: its site (npos: outside the boundary)
    // raster
    raster::BandGrid grid;                ///< geometry of the grid (band empty)
    std::vector<std::uint32_t> cell_seed; ///< per grid cell: its site (npos: the outer frame)
    // allocation only (no land): per point set, per point, its site (npos: outside the
    // boundary, or no edge); empty otherwise
    std::vector<std::vector<std::uint32_t>> point_sites;

    /// The site whose cell holds p (npos when there are no sites).
    std::uint32_t site_at(XY p) const;
};

/// Voronoi cells of the given sites (boundary non-empty). Sites must be distinct.
Cells build_voronoi_cells(std::vector<Site> sites, const MultiPolygon &boundary,
                          double site_spacing_m);

/// Raster cells of the given edges (whole geometries) over the boundary and the edges,
/// cells of `cell_m`, coarsened when the grid would exceed `max_cells`.
Cells build_raster_cells(const Network &net, const std::vector<std::uint32_t> &edges,
                         const MultiPolygon &boundary, double cell_m, std::size_t max_cells);

/// Allocation only, no land: one site per point of each set inside the boundary, the
/// nearest point of the edges (whole geometries) to it — the rule the raster cells apply
/// to the land — with an unknown area (NaN); no grid. The sites are not distinct.
Cells build_point_sites(const Network &net, const std::vector<std::uint32_t> &edges,
                        const MultiPolygon &boundary,
                        const std::vector<const std::vector<XY> *> &sets);

/// Raster: the zone of each grid cell (raster::BandGrid::none where no zone), from the zone
/// of each site; zone_count must be below none.
raster::BandGrid label_cells(const Cells &cells, const std::vector<std::uint32_t> &site_zone,
                             std::size_t zone_count);

/// Raster: the zone whose polygon (traced from `labels`) holds p (npos: none).
std::uint32_t zone_at(const raster::BandGrid &labels, XY p);

/// Per zone, its cells as polygons clipped to the boundary, from the zone of each site.
/// The zones tile the boundary: the last non-empty zone is the boundary minus the others.
std::vector<MultiPolygon> dissolve(const Cells &cells, const std::vector<std::uint32_t> &site_zone,
                                   std::size_t zone_count);

} // namespace lugeo::zones_detail
