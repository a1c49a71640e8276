// Inside China? Point-in-outline tests against the generated outlines (china_outline.inc).
#include <lugeo/crs.hpp>

#include "crs/offsets.hpp"

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

namespace lugeo {

namespace {

#include "china_outline.inc"

/// One outline ring with its edges bucketed by 1-degree latitude band, so that a test looks at
/// the few edges that cross the point's parallel (about 40 of 700 for the mainland ring).
struct OutlineRing {
    std::span<const double> xy; ///< lon, lat pairs, closed
    double west = 180, south = 90, east = -180, north = -90;
    std::vector<std::vector<unsigned>> bands; ///< edge i = points i, i+1; band b = [south+b, +1)
};

OutlineRing ring_of(std::span<const double> xy) {
    OutlineRing ring;
    ring.xy = xy;
    for (std::size_t i = 0; i < xy.size(); i += 2) {
        ring.west = std::min(ring.west, xy[i]);
        ring.east = std::max(ring.east, xy[i]);
        ring.south = std::min(ring.south, xy[i + 1]);
        ring.north = std::max(ring.north, xy[i + 1]);
    }
    ring.bands.resize(static_cast<std::size_t>(ring.north - ring.south) + 1);
    for (std::size_t i = 0; i + 3 < xy.size(); i += 2) {
        const double lo = std::min(xy[i + 1], xy[i + 3]), hi = std::max(xy[i + 1], xy[i + 3]);
        for (auto b = static_cast<std::size_t>(lo - ring.south);
             b <= static_cast<std::size_t>(hi - ring.south); ++b)
            ring.bands[b].push_back(static_cast<unsigned>(i / 2));
    }
    return ring;
}

std::vector<OutlineRing> rings_of(std::span<const double> points,
                                  std::span<const unsigned> starts) {
    std::vector<OutlineRing> rings;
    for (std::size_t r = 0; r + 1 < starts.size(); ++r)
        rings.push_back(ring_of(points.subspan(2 * starts[r], 2 * (starts[r + 1] - starts[r]))));
    return rings;
}

/// Even-odd ray casting along the parallel through p.
bool inside(const OutlineRing &ring, LonLat p) {
    if (!(p.lon >= ring.west && p.lon <= ring.east && p.lat >= ring.south && p.lat <= ring.north))
        return false;
    bool in = false;
    for (const unsigned e : ring.bands[static_cast<std::size_t>(p.lat - ring.south)]) {
        const double xi = ring.xy[2 * e], yi = ring.xy[2 * e + 1];
        const double xj = ring.xy[2 * e + 2], yj = ring.xy[2 * e + 3];
        if ((yi > p.lat) != (yj > p.lat) && p.lon < (xj - xi) * (p.lat - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

bool inside_any(const std::vector<OutlineRing> &rings, LonLat p) {
    for (const OutlineRing &r : rings)
        if (inside(r, p)) return true;
    return false;
}

} // namespace

ChinaArea china_area(LonLat p) noexcept {
    static const std::vector<OutlineRing> mainland =
        rings_of(k_mainland_points, k_mainland_ring_starts);
    static const std::vector<OutlineRing> taiwan = rings_of(k_taiwan_points, k_taiwan_ring_starts);
    if (inside_any(mainland, p)) return ChinaArea::mainland;
    if (inside_any(taiwan, p)) return ChinaArea::taiwan;
    return ChinaArea::outside;
}

Box detail::china_outline_box() noexcept {
    Box b;
    for (const std::span<const double> pts :
         {std::span<const double>(k_mainland_points), std::span<const double>(k_taiwan_points)})
        for (std::size_t i = 0; i < pts.size(); i += 2)
            b.extend(XY{pts[i], pts[i + 1]});
    return b;
}

const char *china_area_name(ChinaArea area) noexcept {
    switch (area) {
    case ChinaArea::mainland:
        return "mainland";
    case ChinaArea::taiwan:
        return "taiwan";
    case ChinaArea::outside:
        break;
    }
    return "outside";
}

} // namespace lugeo
