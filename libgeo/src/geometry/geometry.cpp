#include <lugeo/geometry.hpp>

#include <cmath>
#include <numbers>

namespace lugeo {

double length(const LineString &line) {
    double s = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i)
        s += distance(line[i - 1], line[i]);
    return s;
}

double bearing_deg(XY a, XY b) {
    double deg = std::atan2(b.x - a.x, b.y - a.y) * 180.0 / std::numbers::pi;
    if (deg < 0) deg += 360.0;
    if (deg >= 360.0) deg -= 360.0;
    return deg;
}

namespace {
double ring_signed_area(const Ring &r) {
    double s = 0.0;
    for (std::size_t i = 0, n = r.size(); i + 1 < n; ++i)
        s += r[i].x * r[i + 1].y - r[i + 1].x * r[i].y;
    if (!r.empty() && (r.front().x != r.back().x || r.front().y != r.back().y))
        s += r.back().x * r.front().y - r.front().x * r.back().y;
    return 0.5 * s;
}
bool ring_contains(const Ring &r, XY p) {
    bool in = false;
    const std::size_t n = r.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const XY a = r[i], b = r[j];
        if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x)
            in = !in;
    }
    return in;
}
} // namespace

double area(const Polygon &poly) {
    double a = std::abs(ring_signed_area(poly.outer));
    for (const auto &h : poly.holes)
        a -= std::abs(ring_signed_area(h));
    return a > 0 ? a : 0.0;
}

double area(const MultiPolygon &mp) {
    double a = 0.0;
    for (const auto &p : mp)
        a += area(p);
    return a;
}

std::optional<XY> first_point(const Geometry &g) {
    if (!g.points.empty()) return g.points.front();
    if (!g.lines.empty() && !g.lines.front().empty()) return g.lines.front().front();
    if (!g.polygons.empty() && !g.polygons.front().outer.empty())
        return g.polygons.front().outer.front();
    return std::nullopt;
}

bool contains(const Polygon &poly, XY p) {
    if (poly.outer.size() < 3 || !ring_contains(poly.outer, p)) return false;
    for (const auto &h : poly.holes)
        if (ring_contains(h, p)) return false;
    return true;
}

bool contains(const MultiPolygon &mp, XY p) {
    for (const auto &poly : mp)
        if (contains(poly, p)) return true;
    return false;
}

XY closest_on_segment(XY a, XY b, XY p, double &t) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double l2 = dx * dx + dy * dy;
    t = l2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2 : 0.0;
    t = std::fmax(0.0, std::fmin(1.0, t));
    return {a.x + t * dx, a.y + t * dy};
}

} // namespace lugeo
