// How the costs grow with the network: one step per process, on the demo (Chengdu centre,
// 5k edges), Malta (45k), or a network file (bench/make_prefecture: county 144k, prefecture
// 516k edges), so that each step's peak memory is its own.
//
//   build/bench/bench_scale NETWORK STEP [runs]
//     NETWORK: demo | malta | PATH (an OSM file, e.g. /tmp/prefecture.osm.pbf)
//     STEP:    build   network read + build
//              union30 6 sources x 30 min by car: search + pieces, then the union polygon
//                      (raster, 5 m) alone, then compute_isochrones end to end (unions only)
//              iso5    1 source, 5 min by car, compute_isochrones end to end (union only),
//                      with and without the city-wide figures (standard, beyond)
//              zones60 60 kiosks, zones with polygons (raster)
//              cells60 60 kiosks, zones without polygons, land still shared on the grid
//                      (the areas: `zones` without -o)
//              alloc60 60 kiosks, allocation only (`zones --no-polygons`: no grid)
//
// Sources and kiosks are nodes of the largest car component: the 6 sources at fixed ranks
// of the node order (spread over every copy of the synthetic networks), the 60 kiosks the
// nodes nearest the centres of a 10 x 6 grid over the component's box. Every line gives
// the best wall time of `runs`, the least CPU time (all threads) and the process's peak
// resident memory after the network build and after the step (getrusage).
#include <lugeo/isochrone.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/scene.hpp>
#include <lugeo/zones.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

using namespace lugeo;

namespace {

double cpu_now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double peak_mib() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

/// The process's resident memory now (/proc/self/statm), MiB.
double resident_mib() {
    long pages = 0, resident = 0;
    if (FILE *f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

struct Timing {
    double wall = 1e30, cpu = 1e30;
};

Timing best_of(int runs, const std::function<void()> &f) {
    Timing t;
    for (int i = 0; i < runs; ++i) {
        const auto w0 = std::chrono::steady_clock::now();
        const double c0 = cpu_now();
        f();
        t.cpu = std::min(t.cpu, cpu_now() - c0);
        t.wall = std::min(
            t.wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count());
    }
    return t;
}

Network load(const std::string &what, Timing &t) {
    LayerSpec spec;
    NetworkOptions opt;
    if (what == "demo") {
        const Scene s = load_scene(default_scene_path());
        spec = s.layer(LayerRole::roads);
        opt = s.settings.network;
    } else if (what == "malta") {
        spec = layer_spec_from_arg(
            std::string(LUGEO_TEST_FIXTURES) + "/osm/malta-2016-11-09.osm.pbf", "roads");
    } else {
        spec = layer_spec_from_arg(what, "roads");
    }
    Network net;
    t = best_of(1, [&] {
        LayerReadContext ctx;
        ctx.metric_crs = opt.metric_crs;
        net = build_network(read_roads(spec, ctx), opt);
    });
    return net;
}

std::vector<std::uint32_t> largest_nodes(const Network &net) {
    const auto &comp = net.node_components(Profile::car);
    std::vector<std::uint32_t> out;
    for (std::uint32_t n = 0; n < net.node_count(); ++n)
        if (comp[n] == net.largest_component(Profile::car)) out.push_back(n);
    return out;
}

std::vector<XY> ranked_sources(const Network &net, int n) {
    const auto nodes = largest_nodes(net);
    std::vector<XY> out;
    for (int k = 0; k < n; ++k)
        out.push_back(net.node(nodes[nodes.size() * static_cast<std::size_t>(2 * k + 1) /
                                     static_cast<std::size_t>(2 * n)]));
    return out;
}

std::vector<Unit> grid_kiosks(const Network &net, int nx, int ny) {
    const auto nodes = largest_nodes(net);
    Box b;
    for (auto n : nodes)
        b.extend(net.node(n));
    std::vector<Unit> out;
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const XY c{b.minx + (i + 0.5) / nx * (b.maxx - b.minx),
                       b.miny + (j + 0.5) / ny * (b.maxy - b.miny)};
            std::uint32_t best = nodes[0];
            double bd = 1e300;
            for (auto n : nodes)
                if (const double d = distance(net.node(n), c); d < bd) {
                    bd = d;
                    best = n;
                }
            Unit k;
            k.id = "K" + std::to_string(out.size() + 1);
            k.kind = "kiosk";
            k.position = net.node(best);
            out.push_back(std::move(k));
        }
    return out;
}

void line(const char *what, const Timing &t, const char *extra = "") {
    std::printf("  %-34s wall %8.1f ms  cpu %8.1f ms  peak RSS %7.1f MiB (now %5.1f)  %s\n", what,
                t.wall * 1e3, t.cpu * 1e3, peak_mib(), resident_mib(), extra);
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 3) {
        std::fprintf(
            stderr, "usage: bench_scale demo|malta|PATH build|union30|iso5|zones60|cells60|alloc60 "
                    "[runs]\n");
        return 2;
    }
    const std::string what = argv[1], step = argv[2];
    const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
    Timing tb;
    const Network net = load(what, tb);
    std::printf("%s: %zu nodes, %zu edges, step %s, best of %d (load %s)\n", what.c_str(),
                net.node_count(), net.edge_count(), step.c_str(), runs, [] {
                    static char buf[64];
                    FILE *f = std::fopen("/proc/loadavg", "r");
                    if (!f || !std::fgets(buf, sizeof buf, f)) return "?";
                    std::fclose(f);
                    buf[14] = 0;
                    return static_cast<const char *>(buf);
                }());
    line("network read + build (one run)", tb);
    char extra[200];
    if (step == "build") return 0;
    if (step == "union30" || step == "iso5") {
        const bool u = step == "union30";
        const auto src = ranked_sources(net, u ? 6 : 1);
        const double limit = u ? 1800 : 300;
        RoutingOptions ro;
        ro.profile = Profile::car;
        ro.limit_s = limit;
        std::vector<RoutingSource> rs;
        for (XY p : src)
            rs.push_back({*net.snap(p), 0.0});
        std::vector<EdgePiece> pieces;
        std::size_t settled = 0;
        const Timing ts = best_of(runs, [&] {
            const Reach r = shortest_times(net, rs, ro);
            settled = r.settled;
            pieces = reached_pieces(net, r, limit);
        });
        double len = 0;
        Box box;
        for (const auto &p : pieces) {
            len += p.length_m();
            for (XY q : net.sub_line(p))
                box.extend(q);
        }
        const PolygonOptions po;
        const double pad = po.trim_m + 2 * po.cell_m;
        const double cells = std::ceil((box.maxx - box.minx + 2 * pad) / po.cell_m + 1) *
                             std::ceil((box.maxy - box.miny + 2 * pad) / po.cell_m + 1);
        std::snprintf(extra, sizeof extra,
                      "%zu nodes settled, %zu pieces, %.0f km reached, box %.1f x %.1f km = %.0f M "
                      "cells of %.0f m",
                      settled, pieces.size(), len / 1e3, (box.maxx - box.minx) / 1e3,
                      (box.maxy - box.miny) / 1e3, cells / 1e6, po.cell_m);
        line("search + pieces", ts, extra);
        Reach reach;
        line("  search alone", best_of(runs, [&] { reach = shortest_times(net, rs, ro); }));
        line("  pieces alone", best_of(runs, [&] { pieces = reached_pieces(net, reach, limit); }));
        double a = 0;
        const Timing tp = best_of(runs, [&] { a = area(pieces_to_polygon(net, pieces, po)); });
        std::snprintf(extra, sizeof extra, "%.2f km2", a / 1e6);
        line("union polygon alone (raster)", tp, extra);
        // (what this program kept of the steps above is freed: the peak is the call's own)
        reach = Reach{};
        std::vector<EdgePiece>().swap(pieces);
        IsochroneOptions io;
        io.minutes = {limit / 60};
        io.profile = Profile::car;
        io.per_source = false;
        IsochroneResult res;
        auto call = [&] {
            res = IsochroneResult{}; // (the last run's result is not kept beside the next)
            res = compute_isochrones(net, src, io);
        };
        const Timing te = best_of(runs, call);
        std::snprintf(extra, sizeof extra, "search %.1f, polygons %.1f, figures %.1f ms (wall)",
                      res.search_seconds * 1e3, res.polygon_seconds * 1e3, res.stats_seconds * 1e3);
        line("compute_isochrones end to end", te, extra);
        io.city_figures = false; // what a map asks: the polygon and its own figures
        const Timing tm = best_of(runs, call);
        std::snprintf(extra, sizeof extra, "search %.1f, polygons %.1f, figures %.1f ms (wall)",
                      res.search_seconds * 1e3, res.polygon_seconds * 1e3, res.stats_seconds * 1e3);
        line("  without the city-wide figures", tm, extra);
        return 0;
    }
    if (step == "zones60" || step == "cells60" || step == "alloc60") {
        const auto kiosks = grid_kiosks(net, 10, 6);
        ZoneOptions o;
        o.polygons = step == "zones60";
        o.allocation_only = step == "alloc60";
        ZonePlan plan;
        const Timing t = best_of(runs, [&] { plan = build_zones(net, kiosks, ZoneContext{}, o); });
        std::snprintf(extra, sizeof extra,
                      "allocation %.1f ms, polygons/cells %.1f ms (wall), %zu sites, cell %.1f m "
                      "(%.0f m far from the roads)",
                      plan.seconds_allocation * 1e3, plan.seconds_polygons * 1e3, plan.sites,
                      plan.cell_m, plan.coarse_cell_m);
        line(o.polygons          ? "zones, 60 kiosks, polygons"
             : o.allocation_only ? "zones, 60 kiosks, allocation only"
                                 : "zones, 60 kiosks, cells, no polygons",
             t, extra);
        return 0;
    }
    std::fprintf(stderr, "bench_scale: unknown step '%s'\n", step.c_str());
    return 2;
}
