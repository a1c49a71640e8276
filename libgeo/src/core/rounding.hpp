// Private: the rounding of the figures the analyses present (zone_summary, coverage_summary,
// site_summary): one rule, made once, read by the CLI's text, JSON and layers and by the
// report's tables and layers alike.
#pragma once

#include <cmath>

namespace lugeo::detail {

/// `v` rounded to `decimals` places; non-finite values (an empty zone's imbalance, an area
/// not computed) are left as they are.
inline double round_to(double v, int decimals) {
    if (!std::isfinite(v)) return v;
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
}

/// The figures' precision: 0.01 of the unit shown (km, km², s, m, incident weight).
inline double round2(double v) {
    return round_to(v, 2);
}

} // namespace lugeo::detail
