// Private: the raster kernel — burning reached pieces into a band grid and tracing the grid's
// polygons. Used by isochrone/ (union and per-source polygons) and zones/ (labels).
//
// The exact polygon is the union of the reached pieces buffered by a distance r. Here it
// is built on a grid of square cells of size c instead of by a geometric union:
//
//  1. burn: a cell is marked when its centre lies within r of a reached piece (each segment
//     of each piece is a capsule; each grid row crosses it in one interval, computed
//     exactly). A "band" grid keeps, per cell, the smallest threshold index that marks it, so
//     the masks of nested thresholds (band <= k) are nested by construction.
//  2. polygonize: the boundary of the mask is traced between marked and unmarked cell
//     centres (marching squares with the contour through the midpoints of cell edges;
//     diagonally touching marked cells are joined), collinear vertices dropped. The
//     polygon of a mask is a monotone function of the mask, so nested masks give nested
//     polygons. Rings are grouped into polygons with holes by ray casting on the grid (no
//     point-in-polygon tests); holes smaller than an area are filled with whatever islands
//     they contain.
//
// Tolerance: every point inside the polygon lies within r + 0.7906 c of a reached piece and
// every point outside lies farther than r - 0.7906 c (0.7906 c = √10/4 c is the largest
// distance from a point of a marching-squares cell region to its nearest marked corner).
// With c = 5 m that is 4 m against a 50 m trim.
#pragma once

#include <lugeo/geometry.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace lugeo::raster {

/// The tracers' work buffer: two bits per stored cell (inside; an edge on its south side
/// traced), kept by the caller from one trace to the next to reuse its memory.
using Scratch = std::vector<std::uint64_t>;

/// Largest distance, in cells, between the raster polygon's boundary and the exact buffer's.
constexpr double tolerance_cells = 0.7906;

struct BandGrid {
    static constexpr std::uint8_t none = 255;
    double x0 = 0, y0 = 0; ///< lower-left corner of cell (0, 0)
    double cell = 5;
    int w = 0, h = 0;
    std::vector<std::uint8_t> band; ///< row-major from the bottom row; `none`: not marked
    /// Optional, per band value v: the columns and rows {i0, j0, i1, j1} outside which no
    /// cell has band v (burn_lines keeps it); the tracers then work on the window of the
    /// values they trace only. Empty: unknown (the whole grid).
    std::vector<std::array<int, 4>> extent;
};

/// A grid over `box` grown by `margin` and two cells, all cells `none` (the vector's
/// memory is reused when `reuse` is given); its cell corners
/// lie on the lattice through `origin` (so grids for subsets of the same pieces share
/// cell centres, and their masks nest exactly).
BandGrid make_grid(const Box &box, double margin, double cell, XY origin = {0, 0},
                   std::vector<std::uint8_t> reuse = {});

/// Lowers to `value` the band of every cell whose centre lies within r of the line (the
/// union of a disc at every vertex and a rectangle along every segment).
void burn_line(BandGrid &g, const LineString &line, double r, std::uint8_t value);

/// burn_line for every (line, value), by `threads` threads (each burns every line into its
/// own slice of rows); keeps the grid's extent per value (burn_line clears it).
void burn_lines(BandGrid &g, const std::vector<std::pair<LineString, std::uint8_t>> &lines,
                double r, unsigned threads = 1);

/// The polygons of the cells with band <= k (outer rings counter-clockwise, holes
/// clockwise, closed); holes with an area below `fill_holes_below_m2` are filled.
/// `scratch` is a work buffer (Scratch), kept by the caller to reuse its memory.
MultiPolygon polygonize(const BandGrid &g, std::uint8_t k, double fill_holes_below_m2,
                        Scratch &scratch);

/// The polygons of the cells whose band (read as a label) equals `label`, traced like
/// polygonize but so that the polygons of all labels tile the grid's interior exactly:
/// neighbouring labels share every boundary vertex. In each marching-squares cell (four
/// cell centres): two labels split it as polygonize does; at a saddle (one label on a
/// diagonal, the other cells not) the diagonal label joins, unless the other two cells hold
/// one lower label, which joins instead; where three or four labels meet, each takes its
/// quarter (boundaries through the shared cell corner). Every ring is simple and rings
/// never touch. The cells of the grid's outer frame must hold a label nobody traces (e.g.
/// `none`). Holes are never filled.
MultiPolygon polygonize_label(const BandGrid &g, std::uint8_t label, Scratch &scratch);

/// The union of the polygonize_label polygons of the labels <= k, traced at once, so that
/// the polygons of nested thresholds (k = 0, 1, ...) nest exactly and the label polygons
/// (the bands) tile each of them: where the labels <= k are one label, this is polygonize's
/// polygon; where several meet, each keeps the share polygonize_label gives it (a corner
/// of a marching-squares cell whose two neighbours differ keeps a quarter, not a triangle;
/// two different labels on a diagonal do not join). Where two such quarters touch at a
/// cell centre, the ring is split there, so that every ring is simple. Holes are never
/// filled (fill them in the grid first: fill_holes).
MultiPolygon polygonize_nested(const BandGrid &g, std::uint8_t k, Scratch &scratch);

/// For k = 0 .. bands - 1 in turn: the holes of polygonize_nested(g, k) with an area below
/// `below_m2` are filled in the grid: every cell whose centre lies inside such a hole
/// (islands and their holes included) gets band min(band, k). Afterwards
/// polygonize_nested(g, k) has no hole below the area (up to the changes of ring shape
/// that later fills make where labels meet: a quarter of a cell at most). Returns, per k,
/// polygonize_nested(g, k) of the filled grid when the fill already traced it (always for
/// the last; for the others unless a later fill changed a cell next to theirs).
std::vector<std::optional<MultiPolygon>> fill_holes(BandGrid &g, std::size_t bands, double below_m2,
                                                    Scratch &scratch);

/// The label (band) whose polygonize_label polygon holds p; `none` outside the grid's
/// interior. p lies inside polygonize_nested(g, k) iff label_at(g, p) <= k (boundaries
/// aside).
std::uint8_t label_at(const BandGrid &g, XY p);

// ---- sparse: the same grid in tiles, allocated only where a line's r-neighbourhood reaches ----

/// A band grid stored in tiles of 64 x 64 cells: only the tiles that some burnt line's
/// r-neighbourhood reaches are allocated (memory and time follow the road length reached,
/// not the bounding box); every other cell reads `none`. Cells, lattice, frame and band
/// semantics are BandGrid's, and the tracers give the same polygons (up to the last bits of
/// the coordinates: a dense grid's tracer may work on a cropped window). Index of cell
/// (i, j): tile (j >> 6) * tx + (i >> 6), its storage tile[...] * 4096 + (j & 63) * 64 +
/// (i & 63); storage tile 0 is a shared tile of `none` (never written). Another storage
/// tile may back several tiles only when its cells all hold one value and every tile it
/// backs has its four neighbours backed by it too (the inside of a region of one value, as
/// zone labels far from the roads): such a tile holds no boundary and the tracers skip it.
struct TiledBandGrid {
    static constexpr int shift = 6, side = 64, tile_cells = side * side;
    double x0 = 0, y0 = 0, cell = 5;
    int w = 0, h = 0;                ///< cells, as BandGrid's
    int tx = 0, ty = 0;              ///< tiles per row, per column
    std::vector<std::uint32_t> tile; ///< per tile: its storage tile (0: not allocated)
    std::vector<std::uint8_t> band;  ///< tile_cells per storage tile

    std::size_t storage(int i, int j) const {
        return static_cast<std::size_t>(
                   tile[static_cast<std::size_t>(j >> shift) * static_cast<std::size_t>(tx) +
                        static_cast<std::size_t>(i >> shift)]) *
                   tile_cells +
               static_cast<std::size_t>((j & (side - 1)) * side + (i & (side - 1)));
    }
    std::uint8_t at(int i, int j) const { return band[storage(i, j)]; }
    bool allocated(int ti, int tj) const {
        return tile[static_cast<std::size_t>(tj) * static_cast<std::size_t>(tx) +
                    static_cast<std::size_t>(ti)] != 0;
    }
    /// Allocates tile (ti, tj) (all `none`) if it is not; throws Error(invalid_argument)
    /// when the allocated cells would exceed limits::max_raster_cells.
    void allocate(int ti, int tj);
    /// A `tile` entry to be allocated by allocate_wanted.
    static constexpr std::uint32_t wanted = 0xffffffffu;
    /// Allocates every tile whose entry is `wanted`, at once (storage in row-major order of
    /// the tiles), with allocate's limit.
    void allocate_wanted();
    /// Throws allocate's Error when `tiles` more tiles would exceed the limit.
    void make_room(std::size_t tiles) const;
    std::size_t allocated_cells() const { return band.size() - tile_cells; }
    /// The same lattice with no tile allocated (storage tile 0, all `none`, only).
    TiledBandGrid frame() const {
        TiledBandGrid f;
        f.x0 = x0;
        f.y0 = y0;
        f.cell = cell;
        f.w = w;
        f.h = h;
        f.tx = tx;
        f.ty = ty;
        f.tile.assign(tile.size(), 0);
        f.band.assign(tile_cells, BandGrid::none);
        return f;
    }
};

/// make_grid's lattice and size over `box`, no tile allocated (the vector's memory is reused
/// when `reuse` is given).
TiledBandGrid make_tiled_grid(const Box &box, double margin, double cell, XY origin = {0, 0},
                              std::vector<std::uint8_t> reuse = {});

/// burn_lines on the tiled grid: first allocates the tiles within r of every line (one
/// thread), then burns as burn_lines does.
void burn_lines(TiledBandGrid &g, const std::vector<std::pair<LineString, std::uint8_t>> &lines,
                double r, unsigned threads = 1);

/// polygonize_nested, polygonize_label, fill_holes and label_at on the tiled grid.
MultiPolygon polygonize_nested(const TiledBandGrid &g, std::uint8_t k, Scratch &scratch);
MultiPolygon polygonize_label(const TiledBandGrid &g, std::uint8_t label, Scratch &scratch);
MultiPolygon polygonize(const TiledBandGrid &g, std::uint8_t k, double fill_holes_below_m2,
                        Scratch &scratch);
std::vector<std::optional<MultiPolygon>> fill_holes(TiledBandGrid &g, std::size_t bands,
                                                    double below_m2, Scratch &scratch);
std::uint8_t label_at(const TiledBandGrid &g, XY p);

/// The cells of g with band <= k, each labelled with the band of the same cell in `over` (the
/// same lattice: both grids made with one origin and cell); every other cell `none`. When
/// {band <= k} of g lies inside {band <= k} of `over`, polygonize_nested(result, k) lies
/// inside polygonize_nested(over, k): the result is `over` with cells cleared, and a cleared
/// cell never gives its neighbours a share of the marching-squares cells `over` leaves
/// outside (each share a label gains through the saddle and join rules was held by a label
/// <= k there). (g has no storage tile backing several tiles: a burnt grid.)
TiledBandGrid relabel_within(const TiledBandGrid &g, const TiledBandGrid &over, std::uint8_t k);

} // namespace lugeo::raster
