#include "geometry/geos.hpp"

#include <lugeo/error.hpp>

#include <cstdarg>
#include <cstdio>
#include <string>

namespace lugeo::geos {

namespace {

thread_local std::string t_last_error;

void on_error(const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    t_last_error = buf;
}
void on_notice(const char *, ...) {}

struct Context {
    GEOSContextHandle_t h = nullptr;
    Context() {
        h = GEOS_init_r();
        GEOSContext_setErrorHandler_r(h, on_error);
        GEOSContext_setNoticeHandler_r(h, on_notice);
    }
    ~Context() { GEOS_finish_r(h); }
};

GEOSCoordSequence *seq(const std::vector<XY> &pts, bool close) {
    const bool add =
        close && !pts.empty() && (pts.front().x != pts.back().x || pts.front().y != pts.back().y);
    const auto n = static_cast<unsigned>(pts.size() + (add ? 1 : 0));
    GEOSCoordSequence *s = GEOSCoordSeq_create_r(ctx(), n, 2);
    for (unsigned i = 0; i < pts.size(); ++i)
        GEOSCoordSeq_setXY_r(ctx(), s, i, pts[i].x, pts[i].y);
    if (add) GEOSCoordSeq_setXY_r(ctx(), s, n - 1, pts.front().x, pts.front().y);
    return s;
}

std::vector<XY> read_seq(const GEOSCoordSequence *s) {
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx(), s, &n);
    std::vector<XY> out(n);
    for (unsigned i = 0; i < n; ++i)
        GEOSCoordSeq_getXY_r(ctx(), s, i, &out[i].x, &out[i].y);
    return out;
}

} // namespace

GEOSContextHandle_t ctx() {
    thread_local Context c;
    return c.h;
}

void GeomDeleter::operator()(GEOSGeometry *g) const noexcept {
    if (g) GEOSGeom_destroy_r(ctx(), g);
}
void PreparedDeleter::operator()(const GEOSPreparedGeometry *g) const noexcept {
    if (g) GEOSPreparedGeom_destroy_r(ctx(), g);
}

GeomPtr check(GEOSGeometry *g, const char *what) {
    if (!g)
        throw Error(ErrorCode::invalid_geometry,
                    std::string("GEOS ") + what + " failed: " + t_last_error);
    return GeomPtr(g);
}

GeomPtr point(XY p) {
    return check(GEOSGeom_createPointFromXY_r(ctx(), p.x, p.y), "point");
}

GeomPtr line(const LineString &l) {
    return check(GEOSGeom_createLineString_r(ctx(), seq(l, false)), "line");
}

GeomPtr multi_line(const std::vector<LineString> &lines) {
    std::vector<GeomPtr> parts;
    parts.reserve(lines.size());
    for (const auto &l : lines)
        if (l.size() >= 2) parts.push_back(line(l));
    return collect(std::move(parts), GEOS_MULTILINESTRING);
}

GeomPtr polygon(const Polygon &p) {
    GEOSGeometry *shell = GEOSGeom_createLinearRing_r(ctx(), seq(p.outer, true));
    if (!shell) throw Error(ErrorCode::invalid_geometry, "GEOS ring failed: " + t_last_error);
    std::vector<GEOSGeometry *> holes;
    for (const auto &h : p.holes) {
        if (h.size() < 3) continue;
        GEOSGeometry *r = GEOSGeom_createLinearRing_r(ctx(), seq(h, true));
        if (r) holes.push_back(r);
    }
    return check(
        GEOSGeom_createPolygon_r(ctx(), shell, holes.data(), static_cast<unsigned>(holes.size())),
        "polygon");
}

GeomPtr multi_polygon(const MultiPolygon &mp) {
    std::vector<GeomPtr> parts;
    parts.reserve(mp.size());
    for (const auto &p : mp)
        if (p.outer.size() >= 3) parts.push_back(polygon(p));
    return collect(std::move(parts), GEOS_MULTIPOLYGON);
}

GeomPtr empty_polygon() {
    return check(GEOSGeom_createEmptyPolygon_r(ctx()), "empty polygon");
}

GeomPtr collect(std::vector<GeomPtr> parts, int type) {
    std::vector<GEOSGeometry *> raw;
    raw.reserve(parts.size());
    for (auto &p : parts)
        raw.push_back(p.release());
    return check(
        GEOSGeom_createCollection_r(ctx(), type, raw.data(), static_cast<unsigned>(raw.size())),
        "collect");
}

MultiPolygon to_multi_polygon(const GEOSGeometry *g) {
    MultiPolygon out;
    if (!g) return out;
    const int t = GEOSGeomTypeId_r(ctx(), g);
    if (t == GEOS_POLYGON) {
        if (GEOSisEmpty_r(ctx(), g)) return out;
        Polygon p;
        p.outer = read_seq(GEOSGeom_getCoordSeq_r(ctx(), GEOSGetExteriorRing_r(ctx(), g)));
        const int nh = GEOSGetNumInteriorRings_r(ctx(), g);
        for (int i = 0; i < nh; ++i)
            p.holes.push_back(
                read_seq(GEOSGeom_getCoordSeq_r(ctx(), GEOSGetInteriorRingN_r(ctx(), g, i))));
        out.push_back(std::move(p));
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx(), g);
        for (int i = 0; i < n; ++i) {
            auto sub = to_multi_polygon(GEOSGetGeometryN_r(ctx(), g, i));
            for (auto &p : sub)
                out.push_back(std::move(p));
        }
    }
    return out;
}

std::vector<LineString> to_lines(const GEOSGeometry *g) {
    std::vector<LineString> out;
    if (!g) return out;
    const int t = GEOSGeomTypeId_r(ctx(), g);
    if (t == GEOS_LINESTRING || t == GEOS_LINEARRING) {
        if (!GEOSisEmpty_r(ctx(), g)) out.push_back(read_seq(GEOSGeom_getCoordSeq_r(ctx(), g)));
    } else if (t == GEOS_MULTILINESTRING || t == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx(), g);
        for (int i = 0; i < n; ++i)
            for (auto &l : to_lines(GEOSGetGeometryN_r(ctx(), g, i)))
                out.push_back(std::move(l));
    }
    return out;
}

GeomPtr buffer(const GEOSGeometry *g, double d, int quadsegs) {
    return check(GEOSBuffer_r(ctx(), g, d, quadsegs), "buffer");
}
GeomPtr unary_union(const GEOSGeometry *g) {
    return check(GEOSUnaryUnion_r(ctx(), g), "union");
}
GeomPtr intersection(const GEOSGeometry *a, const GEOSGeometry *b) {
    return check(GEOSIntersection_r(ctx(), a, b), "intersection");
}
GeomPtr difference(const GEOSGeometry *a, const GEOSGeometry *b) {
    return check(GEOSDifference_r(ctx(), a, b), "difference");
}
GeomPtr union2(const GEOSGeometry *a, const GEOSGeometry *b) {
    return check(GEOSUnion_r(ctx(), a, b), "union");
}
GeomPtr make_valid(const GEOSGeometry *g) {
    return check(GEOSMakeValid_r(ctx(), g), "make valid");
}
GeomPtr line_merge(const GEOSGeometry *g) {
    return check(GEOSLineMerge_r(ctx(), g), "line merge");
}
GeomPtr concave_hull(const GEOSGeometry *g, double ratio, bool allow_holes) {
#if GEOS_VERSION_MAJOR > 3 || (GEOS_VERSION_MAJOR == 3 && GEOS_VERSION_MINOR >= 11)
    return check(GEOSConcaveHull_r(ctx(), g, ratio, allow_holes ? 1u : 0u), "concave hull");
#else
    (void)ratio;
    (void)allow_holes;
    return check(GEOSConvexHull_r(ctx(), g), "convex hull (GEOS < 3.11 has no concave hull)");
#endif
}
GeomPtr clone(const GEOSGeometry *g) {
    return check(GEOSGeom_clone_r(ctx(), g), "clone");
}
double area(const GEOSGeometry *g) {
    double a = 0;
    GEOSArea_r(ctx(), g, &a);
    return a;
}
double length(const GEOSGeometry *g) {
    double l = 0;
    GEOSLength_r(ctx(), g, &l);
    return l;
}
bool is_empty(const GEOSGeometry *g) {
    return GEOSisEmpty_r(ctx(), g) == 1;
}
bool is_valid(const GEOSGeometry *g) {
    return GEOSisValid_r(ctx(), g) == 1;
}
PreparedPtr prepare(const GEOSGeometry *g) {
    const GEOSPreparedGeometry *p = GEOSPrepare_r(ctx(), g);
    if (!p) throw Error(ErrorCode::invalid_geometry, "GEOS prepare failed: " + t_last_error);
    return PreparedPtr(p);
}
bool prepared_contains(const GEOSPreparedGeometry *p, const GEOSGeometry *g) {
    return GEOSPreparedContains_r(ctx(), p, g) == 1;
}
bool prepared_intersects(const GEOSPreparedGeometry *p, const GEOSGeometry *g) {
    return GEOSPreparedIntersects_r(ctx(), p, g) == 1;
}
bool prepared_covers_xy(const GEOSPreparedGeometry *p, XY xy) {
    auto pt = point(xy);
    return GEOSPreparedCovers_r(ctx(), p, pt.get()) == 1;
}

GeomPtr multi_point(const std::vector<XY> &pts) {
    std::vector<GeomPtr> parts;
    parts.reserve(pts.size());
    for (XY p : pts)
        parts.push_back(point(p));
    return collect(std::move(parts), GEOS_MULTIPOINT);
}
GeomPtr voronoi(const GEOSGeometry *sites, const GEOSGeometry *envelope) {
    return check(GEOSVoronoiDiagram_r(ctx(), sites, envelope, 0.0, 0), "Voronoi diagram");
}
GeomPtr coverage_union(const GEOSGeometry *collection) {
    return check(GEOSCoverageUnion_r(ctx(), collection), "coverage union");
}
int part_count(const GEOSGeometry *g) {
    return GEOSGetNumGeometries_r(ctx(), g);
}
const GEOSGeometry *part(const GEOSGeometry *g, int i) {
    return GEOSGetGeometryN_r(ctx(), g, i);
}
XY centroid(const GEOSGeometry *g) {
    GeomPtr c = check(GEOSGetCentroid_r(ctx(), g), "centroid");
    XY xy;
    GEOSGeomGetX_r(ctx(), c.get(), &xy.x);
    GEOSGeomGetY_r(ctx(), c.get(), &xy.y);
    return xy;
}

} // namespace lugeo::geos
