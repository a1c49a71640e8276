// The raster kernel alone, dense against tiled grid, on the 30-minute reach of 6 sources:
// CPU time of grid set-up, burn, hole fill + trace, and the cells each holds.
//   build/bench/bench_raster [OSM file, default Malta] [d|t]
#include "raster/raster.hpp"
#include <lugeo/routing.hpp>
#include <lugeo/scene.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
using namespace lugeo;
static double cpu() {
    timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}
int main(int argc, char **argv) {
    const SceneData data = read_scene_data(
        scene_from_roads(argc > 1 ? argv[1] : LUGEO_TEST_FIXTURES "/osm/malta-2016-11-09.osm.pbf"));
    const Network net = build_network(data.roads, data.settings.network);
    const auto &comp = net.node_components(Profile::car);
    std::vector<std::uint32_t> in;
    for (std::uint32_t n = 0; n < net.node_count(); ++n)
        if (comp[n] == net.largest_component(Profile::car)) in.push_back(n);
    std::vector<RoutingSource> src;
    for (int k = 0; k < 6; ++k)
        src.push_back({*net.snap(net.node(in[in.size() * (2 * k + 1) / 12])), 0.0});
    RoutingOptions ro;
    ro.profile = Profile::car;
    ro.limit_s = 1800;
    const Reach r = shortest_times(net, src, ro);
    std::vector<std::pair<LineString, std::uint8_t>> lines;
    for (const auto &p : reached_pieces(net, r, 1800))
        lines.emplace_back(net.sub_line(p), 0);
    Box box;
    for (auto &[l, v] : lines)
        for (XY q : l)
            box.extend(q);
    raster::Scratch sc;
    for (int rep = 0; rep < 3; ++rep) {
        if (argc < 3 || argv[2][0] == 'd') {
            double c0 = cpu();
            auto g = raster::make_grid(box, 50, 5);
            double c1 = cpu();
            raster::burn_lines(g, lines, 50, 1);
            double c2 = cpu();
            auto f = raster::fill_holes(g, 1, 20000, sc);
            double c3 = cpu();
            std::printf("dense: make %.1f burn %.1f fill+trace %.1f ms, %zu polys\n",
                        (c1 - c0) * 1e3, (c2 - c1) * 1e3, (c3 - c2) * 1e3, f[0]->size());
        }
        if (argc < 3 || argv[2][0] == 't') {
            double c0 = cpu();
            auto g = raster::make_tiled_grid(box, 50, 5);
            double c1 = cpu();
            raster::burn_lines(g, lines, 50, 1);
            double c2 = cpu();
            auto f = raster::fill_holes(g, 1, 20000, sc);
            double c3 = cpu();
            raster::Scratch s2;
            double c4 = cpu();
            auto p = raster::polygonize_nested(g, 0, s2);
            double c5 = cpu();
            std::printf("tiled: make %.1f burn %.1f fill+trace %.1f ms (trace alone %.1f), %zu "
                        "polys, %zu cells\n",
                        (c1 - c0) * 1e3, (c2 - c1) * 1e3, (c3 - c2) * 1e3, (c5 - c4) * 1e3,
                        f[0]->size(), g.allocated_cells());
        }
    }
}
