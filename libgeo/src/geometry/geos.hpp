// Private RAII layer over the GEOS C API (thread-safe _r functions).
//
// Every module that needs GEOS (isochrone, zones, coverage, report) goes through this file:
// one GEOS context per thread, geometries owned by GeomPtr, conversions to and from lugeo's
// plain geometry structs, and the few operations lugeo uses. GEOS errors become
// lugeo::Error(invalid_geometry) at this one boundary.
#pragma once

#include <lugeo/geometry.hpp>

#include <geos_c.h>

#include <memory>
#include <vector>

namespace lugeo::geos {

/// This thread's GEOS context (created on first use, destroyed with the thread).
GEOSContextHandle_t ctx();

struct GeomDeleter {
    void operator()(GEOSGeometry *g) const noexcept;
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
    void operator()(const GEOSPreparedGeometry *g) const noexcept;
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

/// Throws Error(invalid_geometry) with GEOS's last message if g is null.
GeomPtr check(GEOSGeometry *g, const char *what);

// ---- conversions ----
GeomPtr point(XY p);
GeomPtr line(const LineString &l); ///< needs >= 2 points
GeomPtr multi_line(const std::vector<LineString> &lines);
GeomPtr polygon(const Polygon &p);
GeomPtr multi_polygon(const MultiPolygon &mp);
GeomPtr empty_polygon();
/// Polygonal parts of any geometry (collections are flattened; non-polygons ignored).
MultiPolygon to_multi_polygon(const GEOSGeometry *g);
/// Linear parts of any geometry.
std::vector<LineString> to_lines(const GEOSGeometry *g);
/// Takes ownership of each and returns a GeometryCollection / Multi* as GEOS picks.
GeomPtr collect(std::vector<GeomPtr> parts, int type = GEOS_GEOMETRYCOLLECTION);

// ---- operations ----
GeomPtr buffer(const GEOSGeometry *g, double distance, int quadsegs = 8);
/// Buffer of lines with flat ends is not used: round caps keep nodes inside.
GeomPtr unary_union(const GEOSGeometry *g);
GeomPtr intersection(const GEOSGeometry *a, const GEOSGeometry *b);
GeomPtr difference(const GEOSGeometry *a, const GEOSGeometry *b);
GeomPtr union2(const GEOSGeometry *a, const GEOSGeometry *b);
GeomPtr make_valid(const GEOSGeometry *g);
/// Lines merged into maximal chains (GEOSLineMerge).
GeomPtr line_merge(const GEOSGeometry *g);
/// Concave hull of g's vertices (GEOS >= 3.11): ratio 0 tightest, 1 convex.
GeomPtr concave_hull(const GEOSGeometry *g, double ratio, bool allow_holes);
GeomPtr clone(const GEOSGeometry *g);
double area(const GEOSGeometry *g);
double length(const GEOSGeometry *g);
bool is_empty(const GEOSGeometry *g);
bool is_valid(const GEOSGeometry *g);
PreparedPtr prepare(const GEOSGeometry *g);
bool prepared_contains(const GEOSPreparedGeometry *p, const GEOSGeometry *g);
bool prepared_intersects(const GEOSPreparedGeometry *p, const GEOSGeometry *g);
bool prepared_covers_xy(const GEOSPreparedGeometry *p, XY xy);

// ---- Voronoi and coverages (zones) ----
/// A MultiPoint of the given points (duplicates are kept).
GeomPtr multi_point(const std::vector<XY> &pts);
/// Voronoi cells (a GeometryCollection of polygons, in no particular order) of the points
/// of `sites`, covering at least the envelope of `envelope` (may be null).
GeomPtr voronoi(const GEOSGeometry *sites, const GEOSGeometry *envelope);
/// Union of polygons that form an exact coverage (shared edges with identical vertices, as
/// Voronoi cells do): much faster than unary_union.
GeomPtr coverage_union(const GEOSGeometry *collection);
/// Number of parts of a collection, and part i (owned by the collection).
int part_count(const GEOSGeometry *g);
const GEOSGeometry *part(const GEOSGeometry *g, int i);
/// Centroid of g (an interior point for a convex polygon).
XY centroid(const GEOSGeometry *g);

} // namespace lugeo::geos
