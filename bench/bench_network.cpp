// Network build time and peak memory.
//   build/bench/bench_network [demo|malta|PATH] [repeats]
// Prints the median of `repeats` builds (read + build separately) and the process's peak
// resident memory. Run one dataset per process so the peak belongs to it.
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/scene.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/resource.h>
#include <vector>

int main(int argc, char **argv) {
    const std::string what = argc > 1 ? argv[1] : "demo";
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
    lugeo::LayerSpec spec;
    lugeo::NetworkOptions opt;
    if (what == "demo") {
        const lugeo::Scene s = lugeo::load_scene(lugeo::default_scene_path());
        spec = s.layer(lugeo::LayerRole::roads);
        opt = s.settings.network;
    } else if (what == "malta") {
        spec = lugeo::layer_spec_from_arg(
            std::string(LUGEO_TEST_FIXTURES) + "/osm/malta-2016-11-09.osm.pbf", "roads");
    } else {
        spec = lugeo::layer_spec_from_arg(what, "roads");
    }
    std::vector<double> total, read, build;
    std::size_t edges = 0;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        lugeo::LayerReadContext ctx;
        ctx.metric_crs = opt.metric_crs;
        const lugeo::Network net = lugeo::build_network(lugeo::read_roads(spec, ctx), opt);
        const double t =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        total.push_back(t);
        read.push_back(net.report().read_seconds);
        build.push_back(net.report().build_seconds);
        edges = net.edge_count();
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("%s: %zu edges; median of %d: total %.3f s (GDAL read %.3f s, graph build %.3f s); "
                "peak RSS %.1f MiB\n",
                what.c_str(), edges, repeats, median(total), median(read), median(build),
                ru.ru_maxrss / 1024.0);
    return 0;
}
