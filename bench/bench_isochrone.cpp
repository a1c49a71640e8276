// Isochrone timings: demo (Chengdu centre, 6 kiosks) and Malta (6 sources spread over the
// network), 6 sources x {1, 5, 30} minutes by car: search alone, polygons (union + per
// source), and the 30-minute union polygon alone. A plain timed driver (best of N runs).
//
//   build/bench/bench_isochrone [runs] [--buffer]
//
// Default polygons: the raster construction (5 m cells; with each polygon's figures read from
// its grid: "polygons" includes them, "figures" is the standard and the road beyond). Each
// line also gives the least CPU time of the process over the runs (see best_of). --buffer also
// times the GEOS buffer-union construction (the "before") in the same run, for the same inputs.
#include <lugeo/io.hpp>
#include <lugeo/isochrone.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/scene.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>

using namespace lugeo;
using Clock = std::chrono::steady_clock;

/// CPU time of the process (all threads), seconds.
static double cpu_now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

static double last_cpu = 0; ///< the least CPU time of the last best_of's runs

/// Best wall time of `runs` runs; the least CPU time (all threads) in last_cpu. On a loaded
/// machine the wall time stretches with the load; the CPU time much less (for the parts
/// that run in one thread it is close to the idle wall time; parts in two threads count
/// twice).
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

static bool with_buffer = false;

static void run(const char *name, const Network &net, const std::vector<XY> &sources, int runs) {
    std::printf("%s: %zu nodes, %zu edges, %zu sources\n", name, net.node_count(), net.edge_count(),
                sources.size());
    std::vector<RoutingSource> src;
    for (const XY &p : sources)
        src.push_back({*net.snap(p), 0.0});
    RoutingOptions ro;
    ro.profile = Profile::car;
    ro.limit_s = 1800;
    std::size_t settled = 0, pieces = 0;
    const double t_search = best_of(runs, [&] {
        const Reach r = shortest_times(net, src, ro);
        settled = r.settled;
        pieces = reached_pieces(net, r, 1800).size();
    });
    std::printf("  search 30 min, 6 sources, + pieces: %8.2f ms  (%zu nodes settled, %zu pieces)\n",
                t_search * 1e3, settled, pieces);
    const Reach r = shortest_times(net, src, ro);
    const auto p30 = reached_pieces(net, r, 1800);
    double area30 = 0;
    PolygonOptions po; // raster, 5 m cells, trim 50 m, holes < 2 ha filled
    const double t_union = best_of(runs, [&] { area30 = area(pieces_to_polygon(net, p30, po)); });
    std::printf("  30-min union polygon alone (raster): %8.2f ms  (%.2f km2; cpu %.2f ms)\n",
                t_union * 1e3, area30 / 1e6, last_cpu * 1e3);
    if (with_buffer) {
        po.method = PolygonMethod::buffer;
        double area_b = 0;
        const double t_b = best_of(runs, [&] { area_b = area(pieces_to_polygon(net, p30, po)); });
        std::printf("  30-min union polygon alone (buffer): %8.2f ms  (%.2f km2)\n", t_b * 1e3,
                    area_b / 1e6);
    }
    IsochroneOptions io;
    io.minutes = {1, 5, 30};
    io.profile = Profile::car;
    io.per_source = false;
    IsochroneResult res;
    const double t_unions = best_of(runs, [&] { res = compute_isochrones(net, sources, io); });
    std::printf("  1/5/30 unions end to end:            %8.2f ms  (search %.2f, polygons %.2f, "
                "figures %.2f ms; cpu %.2f ms)\n",
                t_unions * 1e3, res.search_seconds * 1e3, res.polygon_seconds * 1e3,
                res.stats_seconds * 1e3, last_cpu * 1e3);
    io.per_source = true;
    const double t_all = best_of(runs, [&] { res = compute_isochrones(net, sources, io); });
    std::printf("  + per source (6 x 3 polygons):       %8.2f ms  (search %.2f, polygons %.2f, "
                "figures %.2f ms; cpu %.2f ms)\n",
                t_all * 1e3, res.search_seconds * 1e3, res.polygon_seconds * 1e3,
                res.stats_seconds * 1e3, last_cpu * 1e3);
    if (with_buffer) { // the same pipeline with the GEOS buffer union (before), same run
        io.method = PolygonMethod::buffer;
        io.per_source = false;
        const double tb = best_of(runs, [&] { res = compute_isochrones(net, sources, io); });
        std::printf("  buffer: 1/5/30 unions end to end:    %8.2f ms  (search %.2f, polygons %.2f, "
                    "figures %.2f ms)\n",
                    tb * 1e3, res.search_seconds * 1e3, res.polygon_seconds * 1e3,
                    res.stats_seconds * 1e3);
        io.per_source = true;
        const double tba = best_of(runs, [&] { res = compute_isochrones(net, sources, io); });
        std::printf("  buffer: + per source (6 x 3):        %8.2f ms  (search %.2f, polygons %.2f, "
                    "figures %.2f ms)\n",
                    tba * 1e3, res.search_seconds * 1e3, res.polygon_seconds * 1e3,
                    res.stats_seconds * 1e3);
    }
}

int main(int argc, char **argv) {
    const int runs = argc > 1 ? std::atoi(argv[1]) : 3;
    if (runs < 1) {
        std::fprintf(stderr, "usage: bench_isochrone [runs >= 1] [--buffer]\n");
        return 2;
    }
    with_buffer = argc > 2 && std::string(argv[2]) == "--buffer";
    {
        const SceneData data =
            read_scene_data(load_scene(std::string(LUGEO_DATA_DIR) + "/demo/scene.toml"),
                            {LayerRole::roads, LayerRole::units});
        const Network net = build_network(data.roads, data.settings.network);
        std::vector<XY> kiosks;
        for (const auto &u : units_of_kind(data.units, "kiosk"))
            kiosks.push_back(u.position);
        run("demo (Chengdu centre)", net, kiosks, runs);
    }
    {
        const SceneData data = read_scene_data(
            scene_from_roads(std::string(LUGEO_TEST_FIXTURES) + "/osm/malta-2016-11-09.osm.pbf"));
        const Network net = build_network(data.roads, data.settings.network);
        // 6 sources: nodes of the car network's largest component at fixed ranks
        std::vector<XY> src;
        const auto &comp = net.node_components(Profile::car);
        std::vector<std::uint32_t> in_largest;
        for (std::uint32_t n = 0; n < net.node_count(); ++n)
            if (comp[n] == net.largest_component(Profile::car)) in_largest.push_back(n);
        for (int k = 0; k < 6; ++k)
            src.push_back(net.node(in_largest[in_largest.size() * (2 * k + 1) / 12]));
        run("Malta", net, src, runs);
    }
}
