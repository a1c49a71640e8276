// Private: the cells behind zone polygons — the land between roads, each part given to
// the nearest point of a reached drivable edge (a "site").
//
// Two constructions, one interface:
//  - raster (default): a lattice of square cells; every cell within 0.75 cell of a reached
//    edge is a seed and its site is the edge point nearest to the cell's centre; every
//    other cell takes the site of the nearest seed (Euclidean distance to the sites
//    themselves, propagated in two raster sweeps, 8SSEDT-style). Only the tiles of 64 x 64
//    cells near a reached edge are resolved at the cell; the land farther off takes the
//    sites of a coarse grid (blocks of k x k cells) propagated the same way over the whole
//    box. A plan labels each cell with its site's zone (one tiled raster on the fine
//    lattice), and the zones are traced with raster::polygonize_label, whose polygons
//    share their boundaries exactly.
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

/// Raster cells: a lattice of square cells stored in tiles of 64 x 64 (the tiles of
/// raster::TiledBandGrid). A tile within `near_m` of an edge is *near*: each of its cells
/// has its own site (seeds and propagation at this cell). Every other tile is *far*: its
/// cells take the site of their coarse cell, a block of k x k cells (k a power of two
/// dividing 64) of a coarse grid propagated over the whole box. The outer frame of cells
/// has no site.
struct RasterCells {
    static constexpr int shift = raster::TiledBandGrid::shift, side = raster::TiledBandGrid::side;
    double x0 = 0, y0 = 0, cell = 5;
    int w = 0, h = 0, tx = 0, ty = 0;
    int kshift = 3;                    ///< k = 1 << kshift
    std::vector<std::uint32_t> tile;   ///< per tile: its near storage tile (npos: far)
    std::vector<std::uint32_t> fine;   ///< per near tile, side * side sites (npos: frame)
    int cw = 0, ch = 0;                ///< coarse cell (I, J): cells [k (I - 1), k I) x ...
    std::vector<std::uint32_t> coarse; ///< per coarse cell: its site

    bool empty() const { return tile.empty(); }
    int k() const { return 1 << kshift; }
    double coarse_cell() const { return cell * k(); }
    std::uint32_t tile_of(int i, int j) const {
        return tile[static_cast<std::size_t>(j >> shift) * static_cast<std::size_t>(tx) +
                    static_cast<std::size_t>(i >> shift)];
    }
    std::size_t coarse_index(int i, int j) const {
        return static_cast<std::size_t>((j >> kshift) + 1) * static_cast<std::size_t>(cw) +
               static_cast<std::size_t>((i >> kshift) + 1);
    }
    static std::size_t in_tile(int i, int j) {
        return static_cast<std::size_t>((j & (side - 1)) * side + (i & (side - 1)));
    }
    /// The site of cell (i, j) (npos: outside the interior).
    std::uint32_t site(int i, int j) const {
        if (i < 1 || j < 1 || i >= w - 1 || j >= h - 1) return npos;
        const std::uint32_t t = tile_of(i, j);
        return t == npos ? coarse[coarse_index(i, j)]
                         : fine[static_cast<std::size_t>(t) * side * side + in_tile(i, j)];
    }
    std::size_t near_tiles() const { return fine.size() / (side * side); }
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
    RasterCells grid;
    // allocation only (no land): per point set, per point, its site (npos: outside the
    // boundary, or no edge); empty otherwise
    std::vector<std::vector<std::uint32_t>> point_sites;

    /// The site whose cell holds p (npos when there are no sites).
    std::uint32_t site_at(XY p) const;
};

/// Voronoi cells of the given sites (boundary non-empty). Sites must be distinct.
Cells build_voronoi_cells(std::vector<Site> sites, const MultiPolygon &boundary,
                          double site_spacing_m);

/// Raster cells of the given edges (whole geometries) over the boundary and the edges:
/// cells of `cell_m` in the tiles within `near_m` of an edge, coarse cells elsewhere; the
/// cell is made larger when the near cells and the coarse grid would exceed `max_cells`.
/// `threads`: the near cells' distance transform on two threads when the machine has them
/// (see sweep_near; false: one thread, the sweeps down then up).
Cells build_raster_cells(const Network &net, const std::vector<std::uint32_t> &edges,
                         const MultiPolygon &boundary, double cell_m, std::size_t max_cells,
                         double near_m = 150.0, bool threads = true);

/// Allocation only, no land: one site per point of each set inside the boundary, the
/// nearest point of the edges (whole geometries) to it — the rule the raster cells apply
/// to the land — with an unknown area (NaN); no grid. The sites are not distinct.
Cells build_point_sites(const Network &net, const std::vector<std::uint32_t> &edges,
                        const MultiPolygon &boundary,
                        const std::vector<const std::vector<XY> *> &sets);

/// Raster: the zone of each cell (raster::BandGrid::none where no zone), from the zone of
/// each site; zone_count must be below none. A far tile whose cells are all one zone, like
/// its four neighbours, shares one stored tile of that zone (no memory).
raster::TiledBandGrid label_cells(const Cells &cells, const std::vector<std::uint32_t> &site_zone,
                                  std::size_t zone_count);

/// Raster: the zone whose polygon (traced from `labels`) holds p (npos: none).
std::uint32_t zone_at(const raster::BandGrid &labels, XY p);
std::uint32_t zone_at(const raster::TiledBandGrid &labels, XY p);

/// Per zone, its cells as polygons clipped to the boundary, from the zone of each site.
/// The zones tile the boundary: the last non-empty zone is the boundary minus the others.
/// Raster: `labels` is label_cells(cells, site_zone, zone_count) when the caller has it
/// (made here otherwise); the zones are traced and clipped on two threads.
std::vector<MultiPolygon> dissolve(const Cells &cells, const std::vector<std::uint32_t> &site_zone,
                                   std::size_t zone_count,
                                   const raster::TiledBandGrid *labels = nullptr);

} // namespace lugeo::zones_detail
