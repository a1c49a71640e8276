// GCJ-02 and BD-09: the published formulas and their iterative inverses (docs/positions.md).
#include "crs/offsets.hpp"

#include <algorithm>
#include <cmath>

namespace lugeo::detail {

namespace {

constexpr double k_pi = 3.14159265358979323846;
// GCJ-02 works on the Krasovsky 1940 ellipsoid.
constexpr double k_kras_a = 6378245.0;
constexpr double k_kras_e2 = 0.00669342162296594323;
// BD-09's rotation constant: pi * 3000 / 180.
constexpr double k_bd_pi = k_pi * 3000.0 / 180.0;

/// The two offset polynomials, in metres, of x = lon - 105, y = lat - 35 (degrees).
double north_offset_m(double x, double y) {
    double r =
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::abs(x));
    r += (20.0 * std::sin(6.0 * x * k_pi) + 20.0 * std::sin(2.0 * x * k_pi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(y * k_pi) + 40.0 * std::sin(y / 3.0 * k_pi)) * 2.0 / 3.0;
    r += (160.0 * std::sin(y / 12.0 * k_pi) + 320.0 * std::sin(y / 30.0 * k_pi)) * 2.0 / 3.0;
    return r;
}
double east_offset_m(double x, double y) {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::abs(x));
    r += (20.0 * std::sin(6.0 * x * k_pi) + 20.0 * std::sin(2.0 * x * k_pi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(x * k_pi) + 40.0 * std::sin(x / 3.0 * k_pi)) * 2.0 / 3.0;
    r += (150.0 * std::sin(x / 12.0 * k_pi) + 300.0 * std::sin(x / 30.0 * k_pi)) * 2.0 / 3.0;
    return r;
}

template <class Forward> LonLat invert(Forward f, LonLat target, int *steps) {
    LonLat p = target;
    int n = 0;
    while (n < 30) {
        const LonLat q = f(p);
        const double dlon = q.lon - target.lon, dlat = q.lat - target.lat;
        p.lon -= dlon;
        p.lat -= dlat;
        ++n;
        if (std::max(std::abs(dlon), std::abs(dlat)) < 1e-12) break;
    }
    if (steps) *steps = n;
    return p;
}

} // namespace

LonLat gcj02_forward(LonLat p) noexcept {
    const double x = p.lon - 105.0, y = p.lat - 35.0;
    const double phi = p.lat / 180.0 * k_pi;
    const double w = 1.0 - k_kras_e2 * std::sin(phi) * std::sin(phi);
    // metres to degrees on the Krasovsky ellipsoid: meridian and parallel radii
    const double meridian = k_kras_a * (1.0 - k_kras_e2) / (w * std::sqrt(w));
    const double parallel = k_kras_a / std::sqrt(w) * std::cos(phi);
    return {p.lon + east_offset_m(x, y) * 180.0 / (parallel * k_pi),
            p.lat + north_offset_m(x, y) * 180.0 / (meridian * k_pi)};
}

LonLat bd09_forward(LonLat p) noexcept {
    const double z = std::hypot(p.lon, p.lat) + 0.00002 * std::sin(p.lat * k_bd_pi);
    const double theta = std::atan2(p.lat, p.lon) + 0.000003 * std::cos(p.lon * k_bd_pi);
    return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

LonLat gcj02_inverse(LonLat p, int *steps) noexcept {
    return invert(gcj02_forward, p, steps);
}
LonLat bd09_inverse(LonLat p, int *steps) noexcept {
    return invert(bd09_forward, p, steps);
}

double haversine_m(LonLat a, LonLat b) noexcept {
    constexpr double r = 6371008.8, d = k_pi / 180.0;
    const double s1 = std::sin((b.lat - a.lat) * d / 2.0), s2 = std::sin((b.lon - a.lon) * d / 2.0);
    const double h = s1 * s1 + std::cos(a.lat * d) * std::cos(b.lat * d) * s2 * s2;
    return 2.0 * r * std::asin(std::min(1.0, std::sqrt(h)));
}

} // namespace lugeo::detail
