// The GCJ-02 and BD-09 formulas themselves, without the inside-China test (private: position.hpp
// is the public door). Positions are lon/lat degrees.
#pragma once

#include <lugeo/geometry.hpp>
#include <lugeo/types.hpp>

namespace lugeo::detail {

/// WGS84 -> GCJ-02: the published forward formula (Krasovsky-ellipsoid offsets of the
/// "wgtochina_lb" polynomials, without its random term; docs/positions.md).
LonLat gcj02_forward(LonLat wgs84) noexcept;
/// GCJ-02 -> BD-09: Baidu's published forward formula (bd_encrypt).
LonLat bd09_forward(LonLat gcj02) noexcept;

/// The inverses, by fixed-point iteration on the forward formula until a step is below
/// 1e-12 degrees (about 1e-7 m) or 30 steps; `steps` (when given) receives the count.
LonLat gcj02_inverse(LonLat gcj02, int *steps = nullptr) noexcept;
LonLat bd09_inverse(LonLat bd09, int *steps = nullptr) noexcept;

/// The lon/lat box of the outlines china_area() tests against (china.cpp).
Box china_outline_box() noexcept;

/// Great-circle distance in metres on a sphere of the WGS84 mean radius (6371008.8 m).
double haversine_m(LonLat a, LonLat b) noexcept;

} // namespace lugeo::detail
