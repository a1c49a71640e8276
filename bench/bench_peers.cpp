// lugeo's side of the peer comparison (bench/peers/run_peers.py), in process: the network is
// built once (as pgRouting's edges are already in the database), then each step once, on the
// driver's sources (metric x y per line, the scene's CRS). Prints one JSON object: the wall
// seconds of each step and its answer, for the driver to set beside the peers'.
//
//   build/bench/bench_peers SCENE.toml|demo SOURCES.txt [minutes=30]
//
// reach:  6 sources x 30 min by car, search + reached pieces (pgr_drivingDistance)
// union:  the same + the union polygon, trim 50 m, no hole filled, no city-wide figures and no
//         polygon checks (PostGIS ST_Union(ST_Buffer) over pgr_drivingDistance)
// zones:  build_zones with polygons (GRASS v.net.alloc has none)
// alloc:  build_zones allocation only (`zones --no-polygons`; pgr_drivingDistance equicost)
#include <lugeo/isochrone.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/scene.hpp>
#include <lugeo/zones.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace lugeo;

namespace {

double seconds(const std::function<void()> &f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<XY> read_sources(const char *path) {
    std::ifstream in(path);
    std::vector<XY> out;
    for (double x, y; in >> x >> y;)
        out.push_back({x, y});
    return out;
}

std::vector<Unit> as_kiosks(const std::vector<XY> &pts) {
    std::vector<Unit> out;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        Unit k;
        k.id = "K" + std::to_string(i + 1);
        k.kind = "kiosk";
        k.position = pts[i];
        out.push_back(std::move(k));
    }
    return out;
}

void print_lengths(const char *name, const ZonePlan &plan) {
    std::map<std::uint32_t, double> by;
    for (const auto &p : plan.pieces)
        by[p.zone] += p.length_m();
    std::printf(", \"%s\": [", name);
    for (std::size_t z = 0; z < plan.zones.size(); ++z)
        std::printf("%s%.2f", z ? ", " : "", by[static_cast<std::uint32_t>(z)]);
    std::printf("]");
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_peers SCENE.toml|demo SOURCES.txt [minutes]\n");
        return 2;
    }
    const std::string what = argv[1];
    const double minutes = argc > 3 ? std::atof(argv[3]) : 30.0;
    const Scene scene = load_scene(what == "demo" ? default_scene_path() : what);
    LayerReadContext ctx;
    ctx.metric_crs = scene.settings.network.metric_crs;
    Network net;
    const double t_build = seconds([&] {
        net = build_network(read_roads(scene.layer(LayerRole::roads), ctx), scene.settings.network);
    });
    const auto src = read_sources(argv[2]);

    RoutingOptions ro;
    ro.profile = Profile::car;
    ro.limit_s = minutes * 60.0;
    std::vector<RoutingSource> rs;
    for (XY p : src)
        rs.push_back({*net.snap(p), 0.0});
    double reached = 0;
    const double t_reach = seconds([&] {
        const Reach r = shortest_times(net, rs, ro);
        for (const auto &p : reached_pieces(net, r, ro.limit_s))
            reached += p.length_m();
    });

    IsochroneOptions io;
    io.minutes = {minutes};
    io.profile = Profile::car;
    io.per_source = false;
    io.fill_holes_below_m2 = 0;
    io.city_figures = false;
    io.polygon_checks = false;
    IsochroneResult iso;
    const double t_union = seconds([&] { iso = compute_isochrones(net, src, io); });

    const auto kiosks = as_kiosks(src);
    ZonePlan zones, alloc;
    const double t_zones = seconds([&] { zones = build_zones(net, kiosks, ZoneContext{}, {}); });
    ZoneOptions ao;
    ao.polygons = false;
    ao.allocation_only = true;
    const double t_alloc = seconds([&] { alloc = build_zones(net, kiosks, ZoneContext{}, ao); });

    std::printf("{\"edges\": %zu, \"build_s\": %.6f, \"reach_s\": %.6f, \"reach_m\": %.2f, "
                "\"union_s\": %.6f, \"union_area_m2\": %.1f, \"zones_s\": %.6f, "
                "\"alloc_s\": %.6f",
                net.edge_count(), t_build, t_reach, reached, t_union, iso.unions.at(0).area_m2,
                t_zones, t_alloc);
    print_lengths("zones_m", zones);
    print_lengths("alloc_m", alloc);
    std::printf("}\n");
    return 0;
}
