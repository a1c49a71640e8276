// Reading an OSM file's roads: GDAL's OSM driver against libosmium (docs/benchmarks.md).
//
// For each reader, a child process (so that peak memory is the reader's own) reads the roads
// layer `reps` times with read_roads (LUGEO_OSM_READER=gdal | libosmium) and prints the
// median and fastest wall time, the peak RSS and what was read; the two children alternate,
// `rounds` times each. A third child times libosmium reading everything `scene init` asks
// for (roads, lamps, poles, cameras, key sites, buildings, boundaries).
//
//   build/bench/bench_osm_read [file=tests/fixtures/osm/malta-2016-11-09.osm.pbf] [reps=5] [rounds=2]
#include "osm/osm_read.hpp"

#include <lugeo/layers.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace lugeo;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double peak_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void child(const std::string &reader, const std::string &file, int reps) {
    std::vector<double> times;
    std::size_t ways = 0;
    double km = 0;
    if (reader == "scene") {
        osm::ReadWhat what;
        what.features = what.buildings = what.boundaries = true;
        std::size_t features = 0;
        for (int i = 0; i < reps; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            const osm::Extract x = osm::read(file, what);
            times.push_back(seconds_since(t0));
            ways = x.roads.size();
            features = x.lamps.size() + x.poles.size() + x.cameras.size() + x.key_sites.size() +
                       x.buildings.size() + x.boundaries.size();
        }
        std::sort(times.begin(), times.end());
        std::printf("  %-28s median %7.3f s  fastest %7.3f s  peak %6.0f MiB  %zu road ways, "
                    "%zu other features\n",
                    "libosmium, all scene layers", times[times.size() / 2], times.front(),
                    peak_mib(), ways, features);
        return;
    }
    ::setenv("LUGEO_OSM_READER", reader.c_str(), 1);
    LayerSpec spec;
    spec.role = "roads";
    spec.source = file;
    LayerReadContext ctx;
    for (int i = 0; i < reps; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const Roads r = read_roads(spec, ctx);
        times.push_back(seconds_since(t0));
        ways = 0;
        km = 0;
        for (const auto &w : r.ways) {
            if (w.road_class.empty()) continue;
            ++ways;
            for (std::size_t k = 1; k < w.line.size(); ++k)
                km += std::hypot(w.line[k].x - w.line[k - 1].x, w.line[k].y - w.line[k - 1].y);
        }
    }
    std::sort(times.begin(), times.end());
    std::printf("  %-28s median %7.3f s  fastest %7.3f s  peak %6.0f MiB  %zu road ways, "
                "%.1f km\n",
                ("roads, " + reader).c_str(), times[times.size() / 2], times.front(), peak_mib(),
                ways, km / 1000);
}

void run_child(const std::string &reader, const std::string &file, int reps) {
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
        try {
            child(reader, file, reps);
        } catch (const std::exception &e) {
            std::printf("  %s: %s\n", reader.c_str(), e.what());
        }
        std::fflush(stdout);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
}

} // namespace

int main(int argc, char **argv) {
    const std::string file = argc > 1 ? argv[1]
                                      : std::string(LUGEO_TEST_FIXTURES) +
                                            "/osm/malta-2016-11-09.osm.pbf";
    const int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
    const int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 2;
    std::printf("OSM roads read: %s (%d reads per child, %d rounds, %ld cores online)\n",
                file.c_str(), reps, rounds, sysconf(_SC_NPROCESSORS_ONLN));
    for (int r = 0; r < rounds; ++r) {
        std::printf("round %d\n", r + 1);
        run_child("gdal", file, reps);
        run_child("libosmium", file, reps);
    }
    run_child("scene", file, reps);
    return 0;
}
