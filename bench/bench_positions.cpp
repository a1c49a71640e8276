// Accuracy and speed of lugeo's GCJ-02 / BD-09 conversions (docs/positions.md).
//
// Over a grid covering China (every `step` degrees of 73E-136E, 17N-54N, the points inside
// china_area()), measures the round trip of each inverse through its forward formula —
// |forward(inverse(q)) - q| and |inverse(forward(p)) - p| — in metres, for lugeo's iterative
// inverses and, for comparison, the one-step inverses found in many copies of the formulas
// (GCJ-02: subtract the offset at the GCJ-02 point; BD-09: the "bd_decrypt" formula). Then
// times each conversion.
//
//   build/bench/bench_positions [step_deg=0.05]
#include "crs/offsets.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/position.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace lugeo;

namespace {

constexpr double k_bd_pi = 3.14159265358979323846 * 3000.0 / 180.0;

LonLat gcj02_one_step(LonLat g) {
    const LonLat f = detail::gcj02_forward(g);
    return {g.lon - (f.lon - g.lon), g.lat - (f.lat - g.lat)};
}
LonLat bd_decrypt(LonLat b) {
    const double x = b.lon - 0.0065, y = b.lat - 0.006;
    const double z = std::hypot(x, y) - 0.00002 * std::sin(y * k_bd_pi);
    const double t = std::atan2(y, x) - 0.000003 * std::cos(x * k_bd_pi);
    return {z * std::cos(t), z * std::sin(t)};
}

struct Worst {
    double m = 0.0;
    LonLat at;
    void take(double d, LonLat p) {
        if (d > m) {
            m = d;
            at = p;
        }
    }
};

void row(const char *what, const Worst &w) {
    std::printf("  %-44s %12.3g m   at %.2fE %.2fN\n", what, w.m, w.at.lon, w.at.lat);
}

template <class F> double ns_per_call(const std::vector<LonLat> &pts, F f) {
    const auto t0 = std::chrono::steady_clock::now();
    double sink = 0.0;
    for (int rep = 0; rep < 3; ++rep)
        for (const LonLat &p : pts) {
            const LonLat q = f(p);
            sink += q.lon;
        }
    const auto t1 = std::chrono::steady_clock::now();
    if (sink == 42.0) std::puts("");
    return std::chrono::duration<double, std::nano>(t1 - t0).count() / (3.0 * pts.size());
}

} // namespace

int main(int argc, char **argv) {
    const double step = argc > 1 ? std::atof(argv[1]) : 0.05;
    std::vector<LonLat> pts;
    for (double lat = 17.0; lat <= 54.0 + 1e-9; lat += step)
        for (double lon = 73.0; lon <= 136.0 + 1e-9; lon += step)
            if (china_area({lon, lat}) != ChinaArea::outside) pts.push_back({lon, lat});
    std::printf("grid: every %.3g degrees over 73E-136E, 17N-54N: %zu points inside China\n", step,
                pts.size());

    Worst gcj_fwd_inv, gcj_inv_fwd, gcj_naive, bd_fwd_inv, bd_inv_fwd, bd_naive, chain;
    Worst gcj_offset_max, bd_offset_max;
    double gcj_offset_min = 1e9, bd_offset_min = 1e9;
    int max_steps_gcj = 0, max_steps_bd = 0;
    for (const LonLat &p : pts) {
        int s = 0;
        // p read as a GCJ-02 / BD-09 position
        const LonLat w = detail::gcj02_inverse(p, &s);
        max_steps_gcj = std::max(max_steps_gcj, s);
        gcj_fwd_inv.take(detail::haversine_m(detail::gcj02_forward(w), p), p);
        gcj_naive.take(detail::haversine_m(detail::gcj02_forward(gcj02_one_step(p)), p), p);
        const LonLat g = detail::bd09_inverse(p, &s);
        max_steps_bd = std::max(max_steps_bd, s);
        bd_fwd_inv.take(detail::haversine_m(detail::bd09_forward(g), p), p);
        bd_naive.take(detail::haversine_m(detail::bd09_forward(bd_decrypt(p)), p), p);
        // p read as WGS84
        const LonLat pg = detail::gcj02_forward(p), pb = detail::bd09_forward(pg);
        gcj_inv_fwd.take(detail::haversine_m(detail::gcj02_inverse(pg), p), p);
        bd_inv_fwd.take(detail::haversine_m(detail::bd09_inverse(pb), pg), p);
        chain.take(
            detail::haversine_m(to_wgs84(from_wgs84(p, PositionCrs::bd09), PositionCrs::bd09), p),
            p);
        const double og = detail::haversine_m(p, pg), ob = detail::haversine_m(p, pb);
        gcj_offset_max.take(og, p);
        bd_offset_max.take(ob, p);
        gcj_offset_min = std::min(gcj_offset_min, og);
        bd_offset_min = std::min(bd_offset_min, ob);
    }
    std::printf("worst round-trip error (metres):\n");
    row("GCJ-02 forward(inverse(q)) - q, lugeo", gcj_fwd_inv);
    row("GCJ-02 inverse(forward(p)) - p, lugeo", gcj_inv_fwd);
    row("GCJ-02 forward(one-step inverse(q)) - q", gcj_naive);
    row("BD-09 forward(inverse(q)) - q, lugeo", bd_fwd_inv);
    row("BD-09 inverse(forward(p)) - p, lugeo", bd_inv_fwd);
    row("BD-09 forward(bd_decrypt(q)) - q", bd_naive);
    row("WGS84 -> BD-09 -> WGS84 (to_wgs84/from_wgs84)", chain);
    std::printf("iterations: GCJ-02 inverse at most %d, BD-09 inverse at most %d\n", max_steps_gcj,
                max_steps_bd);
    std::printf("offsets from WGS84: GCJ-02 %.0f-%.0f m (max at %.2fE %.2fN), BD-09 %.0f-%.0f m "
                "(max at %.2fE %.2fN)\n",
                gcj_offset_min, gcj_offset_max.m, gcj_offset_max.at.lon, gcj_offset_max.at.lat,
                bd_offset_min, bd_offset_max.m, bd_offset_max.at.lon, bd_offset_max.at.lat);

    std::printf("time per conversion (ns, mean over the grid):\n");
    std::printf("  from_wgs84 gcj02 %.0f   to_wgs84 gcj02 %.0f   from_wgs84 bd09 %.0f   "
                "to_wgs84 bd09 %.0f   china_area %.0f\n",
                ns_per_call(pts, [](LonLat p) { return from_wgs84(p, PositionCrs::gcj02); }),
                ns_per_call(pts, [](LonLat p) { return to_wgs84(p, PositionCrs::gcj02); }),
                ns_per_call(pts, [](LonLat p) { return from_wgs84(p, PositionCrs::bd09); }),
                ns_per_call(pts, [](LonLat p) { return to_wgs84(p, PositionCrs::bd09); }),
                ns_per_call(pts, [](LonLat p) {
                    return LonLat{static_cast<double>(china_area(p)), 0.0};
                }));
    return 0;
}
