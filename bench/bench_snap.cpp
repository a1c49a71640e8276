// Snapping cost near and far from the network (issue 18: the search is bounded by the limit).
//   build/bench/bench_snap [malta|PATH] [queries]
// Snaps `queries` random points (car, 500 m limit, largest component) in three sets: inside the
// network's box, 1-5 km outside it, 20-100 km outside it; prints microseconds per query and
// how many snapped.
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

int main(int argc, char **argv) {
    const std::string what = argc > 1 ? argv[1] : "malta";
    const int queries = argc > 2 ? std::atoi(argv[2]) : 2000;
    const std::string path =
        what == "malta" ? std::string(LUGEO_TEST_FIXTURES) + "/osm/malta-2016-11-09.osm.pbf" : what;
    const lugeo::Network net = lugeo::build_network(
        lugeo::read_roads(lugeo::layer_spec_from_arg(path, "roads"), {}), lugeo::NetworkOptions{});
    lugeo::Box b;
    for (lugeo::XY p : net.nodes())
        b.extend(p);
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    auto outside = [&](double lo, double hi) {
        const double a = u(rng) * 2 * M_PI, d = lo + u(rng) * (hi - lo);
        const double cx = (b.minx + b.maxx) / 2, cy = (b.miny + b.maxy) / 2;
        const double r = std::hypot(b.maxx - b.minx, b.maxy - b.miny) / 2;
        return lugeo::XY{cx + (r + d) * std::cos(a), cy + (r + d) * std::sin(a)};
    };
    struct Set {
        const char *name;
        std::vector<lugeo::XY> pts;
    };
    std::vector<Set> sets = {
        {"inside the box", {}}, {"1-5 km outside", {}}, {"20-100 km outside", {}}};
    for (int i = 0; i < queries; ++i) {
        sets[0].pts.push_back(
            {b.minx + u(rng) * (b.maxx - b.minx), b.miny + u(rng) * (b.maxy - b.miny)});
        sets[1].pts.push_back(outside(1000, 5000));
        sets[2].pts.push_back(outside(20000, 100000));
    }
    std::printf("%s: %zu edges\n", what.c_str(), net.edge_count());
    for (const auto &s : sets) {
        lugeo::Network::SnapOptions so;
        so.max_distance_m = 500;
        std::size_t hits = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (const auto &p : s.pts)
            hits += net.snap(p, so).has_value();
        const double us =
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                .count() /
            static_cast<double>(s.pts.size());
        std::printf("  %-18s %8.2f us/query  (%zu of %zu snapped)\n", s.name, us, hits,
                    s.pts.size());
    }
    return 0;
}
