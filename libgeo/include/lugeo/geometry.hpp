// lugeo: plain geometry values used across the public API.
//
// These are simple structs (no GEOS in public headers). Coordinates are in the scene's
// metric CRS unless a function says otherwise.
#pragma once

#include <lugeo/types.hpp>

#include <cmath>
#include <optional>
#include <utility>
#include <vector>

namespace lugeo {

using LineString = std::vector<XY>;
using Ring = std::vector<XY>; ///< closed: first point == last point

struct Polygon {
    Ring outer;
    std::vector<Ring> holes;
};
using MultiPolygon = std::vector<Polygon>;

/// A feature's geometry as read from a layer: one of points, lines or polygons (multi-part).
struct Geometry {
    enum class Type { none, point, line, polygon };
    Type type = Type::none;
    std::vector<XY> points;        ///< type == point (MultiPoint gives several)
    std::vector<LineString> lines; ///< type == line
    MultiPolygon polygons;         ///< type == polygon
    bool empty() const { return points.empty() && lines.empty() && polygons.empty(); }

    static Geometry of_point(XY p) {
        Geometry g;
        g.type = Type::point;
        g.points.push_back(p);
        return g;
    }
    static Geometry of_line(LineString l) {
        Geometry g;
        g.type = Type::line;
        g.lines.push_back(std::move(l));
        return g;
    }
    static Geometry of_lines(std::vector<LineString> ls) {
        Geometry g;
        g.type = Type::line;
        g.lines = std::move(ls);
        return g;
    }
    static Geometry of_polygons(MultiPolygon mp) {
        Geometry g;
        g.type = Type::polygon;
        g.polygons = std::move(mp);
        return g;
    }
};

/// Euclidean distance. (Not std::hypot: glibc's is exact to the last bit but several times
/// slower, and it was an eighth of the time of `lugeo serve`'s incident answer in snapping;
/// map coordinates are far from where the plain square root over- or underflows.)
inline double distance(XY a, XY b) {
    const double dx = a.x - b.x, dy = a.y - b.y;
    return std::sqrt(dx * dx + dy * dy);
}

/// Length of a polyline in its CRS units.
double length(const LineString &line);

/// Bearing from a to b in degrees clockwise from grid north, in [0, 360).
double bearing_deg(XY a, XY b);

/// Area of a polygon with holes (shoelace), always >= 0.
double area(const Polygon &poly);
double area(const MultiPolygon &mp);

/// Point in polygon (even-odd over outer ring and holes).
bool contains(const Polygon &poly, XY p);

/// The first vertex of a geometry (its point, the start of its first line, or the first vertex
/// of its first polygon's outer ring): the position of a feature read as a point. Empty when
/// the geometry has no vertex.
std::optional<XY> first_point(const Geometry &g);
bool contains(const MultiPolygon &mp, XY p);

/// Closest point on segment ab to p; `t` receives the parameter in [0, 1].
XY closest_on_segment(XY a, XY b, XY p, double &t);

/// Axis-aligned box.
struct Box {
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    void extend(XY p) {
        minx = std::fmin(minx, p.x);
        miny = std::fmin(miny, p.y);
        maxx = std::fmax(maxx, p.x);
        maxy = std::fmax(maxy, p.y);
    }
    bool valid() const { return minx <= maxx && miny <= maxy; }
    /// The box grown by `pad` on every side, as a polygon (counter-clockwise closed ring).
    Polygon to_polygon(double pad = 0.0) const {
        Polygon p;
        p.outer = {{minx - pad, miny - pad},
                   {maxx + pad, miny - pad},
                   {maxx + pad, maxy + pad},
                   {minx - pad, maxy + pad},
                   {minx - pad, miny - pad}};
        return p;
    }
};

} // namespace lugeo
