// Seal-off timings: the demo (Chengdu centre, its 25 units, study boundary, 343 grid cells) and
// Malta (25 units at fixed ranks of the car network, outside = the outer tenth of the extent).
// A plain timed driver (best of N runs for single figures).
//
//   build/bench/bench_seal [runs]
//
// Lines: the context (25 unit searches + per-node arrival lists), one incident (sealed and not
// sealed, the latter with the head-start search), and every grid cell as `lugeo seal --all`
// runs it (no head-start search, one open route).
#include <lugeo/crs.hpp>
#include <lugeo/scene.hpp>
#include <lugeo/seal.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>

using namespace lugeo;
using Clock = std::chrono::steady_clock;

/// CPU time of the process, seconds (on the shared machine the wall time stretches with the
/// load; the CPU time much less).
static double cpu_now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
static double last_cpu = 0; ///< least CPU time of the last best_of / all_of

static double best_of(int runs, const std::function<void()> &f) {
    double best = 1e30;
    last_cpu = 1e30;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        const double c0 = cpu_now();
        f();
        last_cpu = std::min(last_cpu, cpu_now() - c0);
        best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
    }
    return best;
}

static double seconds(const std::function<void()> &f) {
    const auto t0 = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct AllFigures {
    std::size_t n = 0, sealed = 0;
    double secs = 0, worst_ms = 0;
};

static AllFigures all_of(const SealContext &ctx, const std::vector<XY> &points, SealOptions o) {
    o.find_head_start = false;
    o.open_routes = 1;
    AllFigures f;
    const double c0 = cpu_now();
    f.secs = seconds([&] {
        for (const XY &p : points) {
            SealPlan plan;
            const double s = seconds([&] { plan = seal_incident(ctx, p, o); });
            f.worst_ms = std::max(f.worst_ms, s * 1e3);
            ++f.n;
            f.sealed += plan.snapped && plan.sealed;
        }
    });
    last_cpu = cpu_now() - c0;
    return f;
}

int main(int argc, char **argv) {
    const int runs = argc > 1 ? std::atoi(argv[1]) : 3;
    if (runs < 1) {
        std::fprintf(stderr, "usage: bench_seal [runs >= 1]\n");
        return 2;
    }
    {
        const SceneData data = read_scene_data(
            load_scene(std::string(LUGEO_DATA_DIR) + "/demo/scene.toml"),
            {LayerRole::roads, LayerRole::units, LayerRole::boundary, LayerRole::grids});
        const Network net = build_network(data.roads, data.settings.network);
        std::printf("demo (Chengdu centre): %zu nodes, %zu edges, %zu units, %zu grid cells\n",
                    net.node_count(), net.edge_count(), data.units.size(), data.grids.size());
        SealArea area;
        area.boundary = data.boundary;
        const SealUnitOptions uo = seal_unit_options(data.settings.seal, data.settings.units);
        std::unique_ptr<SealContext> ctx;
        const double t_ctx =
            best_of(runs, [&] { ctx = std::make_unique<SealContext>(net, data.units, area, uo); });
        std::printf("  context (25 unit searches to 30 min + arrival lists): %8.2f ms (cpu %.2f)\n",
                    t_ctx * 1e3, last_cpu * 1e3);
        const MetricFrame frame(data.crs);
        const XY sealed_at = frame.to_metric({104.08231, 30.71008});
        const XY open_at = frame.to_metric({104.08231, 30.70106});
        SealOptions o = seal_options(data.settings.seal);
        SealOptions h0 = o;
        h0.head_start_s = 0;
        SealPlan p;
        const double t1 = best_of(runs, [&] { p = seal_incident(*ctx, sealed_at, h0); });
        std::printf("  one incident, sealed (104.08231,30.71008, head start 0): %8.2f ms  "
                    "(cpu %.2f; %zu blocks, ring %.0f s, %zu max flows)\n",
                    t1 * 1e3, last_cpu * 1e3, p.blocks.size(), p.ring_complete_s, p.flow_runs);
        const double t2 = best_of(runs, [&] { p = seal_incident(*ctx, open_at, o); });
        std::printf("  one incident, not sealed + head-start search (104.08231,30.70106): "
                    "%8.2f ms  (cpu %.2f; %s; seals at %.0f s)\n",
                    t2 * 1e3, last_cpu * 1e3, p.reason_code.c_str(),
                    p.seal_head_start_s ? *p.seal_head_start_s : -1.0);
        SealOptions nohs = o;
        nohs.find_head_start = false;
        const double t3 = best_of(runs, [&] { p = seal_incident(*ctx, open_at, nohs); });
        std::printf("  the same without the head-start search: %8.2f ms (cpu %.2f)\n", t3 * 1e3,
                    last_cpu * 1e3);
        std::vector<XY> cells;
        for (const auto &lp : points_of(data, LayerRole::grids))
            cells.push_back(lp.position);
        for (const char *suspect : {"car", "walk"}) {
            SealOptions so = o;
            so.suspect = data.settings.seal.suspects.at(suspect);
            const AllFigures f = all_of(*ctx, cells, so);
            std::printf("  --all over %zu grid cells, suspect %s: %8.2f s  (%.1f ms each, worst "
                        "%.0f ms; cpu %.2f s; %zu sealed)\n",
                        f.n, suspect, f.secs, f.secs * 1e3 / double(f.n), f.worst_ms, last_cpu,
                        f.sealed);
        }
    }
    {
        const SceneData data = read_scene_data(
            scene_from_roads(std::string(LUGEO_TEST_FIXTURES) + "/osm/malta-2016-11-09.osm.pbf"));
        const Network net = build_network(data.roads, data.settings.network);
        const auto &comp = net.node_components(Profile::car);
        std::vector<std::uint32_t> in_largest;
        for (std::uint32_t n = 0; n < net.node_count(); ++n)
            if (comp[n] == net.largest_component(Profile::car)) in_largest.push_back(n);
        std::vector<Unit> units;
        for (int k = 0; k < 25; ++k) {
            Unit u;
            u.id = "U" + std::to_string(k + 1);
            u.kind = "kiosk";
            u.position = net.node(in_largest[in_largest.size() * (2 * k + 1) / 50]);
            units.push_back(u);
        }
        Box b;
        for (const XY &p : net.nodes())
            b.extend(p);
        const double dx = 0.1 * (b.maxx - b.minx), dy = 0.1 * (b.maxy - b.miny);
        Polygon poly;
        poly.outer = {{b.minx + dx, b.miny + dy},
                      {b.maxx - dx, b.miny + dy},
                      {b.maxx - dx, b.maxy - dy},
                      {b.minx + dx, b.maxy - dy},
                      {b.minx + dx, b.miny + dy}};
        SealArea area;
        area.boundary = {poly};
        std::printf("Malta: %zu nodes, %zu edges, 25 units\n", net.node_count(), net.edge_count());
        std::unique_ptr<SealContext> ctx;
        const double t_ctx = best_of(runs, [&] {
            ctx = std::make_unique<SealContext>(net, units, area, SealUnitOptions{});
        });
        std::printf("  context (25 unit searches to 30 min + arrival lists): %8.2f ms (cpu %.2f)\n",
                    t_ctx * 1e3, last_cpu * 1e3);
        std::vector<XY> inc;
        for (int k = 0; k < 30; ++k)
            inc.push_back(net.node(in_largest[in_largest.size() * (2 * k + 1) / 60]));
        for (const char *suspect : {"car", "walk"}) {
            SealOptions so;
            so.suspect = SealSettings{}.suspects.at(suspect);
            const AllFigures f = all_of(*ctx, inc, so);
            std::printf("  30 incidents, suspect %s: %8.2f s  (%.1f ms each, worst %.0f ms; %zu "
                        "sealed; cpu %.2f s)\n",
                        suspect, f.secs, f.secs * 1e3 / double(f.n), f.worst_ms, f.sealed,
                        last_cpu);
        }
    }
}
