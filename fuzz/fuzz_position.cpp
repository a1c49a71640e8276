// libFuzzer: position parsing (LON,LAT[,R], geo: URIs) and the GCJ-02 / BD-09 conversions.
// Properties: every parsed position is finite and in range; WGS84 -> GCJ-02/BD-09 -> WGS84
// comes back within 1 m (the inverses are iterative) for any position the parser accepts,
// except along China's outline where the position there has two WGS84 readings (then p is
// the other one); and what comes back always maps forward to the same position again.
#include <lugeo/error.hpp>
#include <lugeo/position.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

using namespace lugeo;

namespace {

double metres(LonLat a, LonLat b) {
    const double k = M_PI / 180.0, lat = (a.lat + b.lat) / 2 * k;
    const double dx = (a.lon - b.lon) * k * std::cos(lat) * 6371000.0;
    const double dy = (a.lat - b.lat) * k * 6371000.0;
    return std::hypot(dx, dy);
}

void round_trips(LonLat p) {
    for (PositionCrs crs : {PositionCrs::gcj02, PositionCrs::bd09, PositionCrs::cgcs2000}) {
        const LonLat there = from_wgs84(p, crs);
        if (!std::isfinite(there.lon) || !std::isfinite(there.lat)) std::abort();
        const LonLat back = to_wgs84(there, crs);
        // consistent with the forward everywhere: what comes back maps to `there` again
        if (!(metres(from_wgs84(back, crs), there) < 1.0)) std::abort();
        // and it is p, unless `there` has two readings (along China's outline, where an
        // outside p is not shifted and an inside point is shifted onto it): then p is the other
        if (metres(back, p) < 1.0) continue;
        const PositionReadings r = position_readings(there, crs);
        if (!r.ambiguous() || !(metres(*r.unshifted, p) < 1.0)) std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    try {
        const ParsedPosition p = parse_position(text);
        if (!(std::abs(p.wgs84.lon) <= 180 && std::abs(p.wgs84.lat) <= 90)) std::abort();
        round_trips(p.wgs84);
    } catch (const Error &) {
    }
    // the raw bytes as two doubles: any finite position in range (China's box mostly)
    if (size >= 16) {
        double v[2];
        std::memcpy(v, data, 16);
        if (std::isfinite(v[0]) && std::isfinite(v[1])) {
            const LonLat p{73.0 + std::fmod(std::abs(v[0]), 62.0),
                           3.0 + std::fmod(std::abs(v[1]), 51.0)};
            try {
                round_trips(p);
            } catch (const Error &) {
            }
        }
    }
    return 0;
}
