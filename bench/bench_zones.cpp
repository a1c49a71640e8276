// Patrol zones: end-to-end timings (allocation + polygons) for 6 kiosks on the demo scene
// and on Malta. A plain timed driver: each case runs `--repeat` times (default 5) and the
// median is printed, split into allocation (routing + pieces + balancing + figures) and
// polygons (cells, polygons, clip, point figures). The network build is not counted. The
// raster construction (default) and the Voronoi reference run in the same process, so
// their figures compare on the same machine load.
//
//   ./build/bench/bench_zones [--repeat N] [--cell M] [--spacing M] [--existing-only]
#include <lugeo/scene.hpp>
#include <lugeo/zones.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace lugeo;

namespace {

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

/// Six kiosks spread evenly over the largest car component: the node of that component
/// nearest to each cell centre of a 3 x 2 grid over the component's bounding box.
std::vector<Unit> spread_kiosks(const Network &net) {
    const auto &comp = net.node_components(Profile::car);
    const auto largest = net.largest_component(Profile::car);
    Box b;
    for (std::uint32_t n = 0; n < net.node_count(); ++n)
        if (comp[n] == largest) b.extend(net.node(n));
    std::vector<Unit> out;
    for (int j = 0; j < 2; ++j)
        for (int i = 0; i < 3; ++i) {
            const XY c{b.minx + (i + 0.5) / 3.0 * (b.maxx - b.minx),
                       b.miny + (j + 0.5) / 2.0 * (b.maxy - b.miny)};
            std::uint32_t best = 0;
            double bd = 1e300;
            for (std::uint32_t n = 0; n < net.node_count(); ++n)
                if (comp[n] == largest && distance(net.node(n), c) < bd) {
                    bd = distance(net.node(n), c);
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

void run(const char *name, const Network &net, const std::vector<Unit> &kiosks,
         const ZoneContext &ctx, ZoneOptions o, int repeat) {
    std::vector<double> total, alloc, poly;
    ZonePlan plan;
    for (int r = 0; r < repeat; ++r) {
        const double t0 = now_s();
        plan = build_zones(net, kiosks, ctx, o);
        total.push_back(now_s() - t0);
        alloc.push_back(plan.seconds_allocation);
        poly.push_back(plan.seconds_polygons);
    }
    double road = 0;
    for (const auto &z : plan.zones)
        road += z.road_length_m;
    std::printf("%-38s edges %6zu  sites %7zu  cell %5.2f m  total %7.3f s  allocation %7.3f s  "
                "polygons %7.3f s  "
                "imbalance %.2f",
                name, net.edge_count(), plan.sites, plan.cell_m, median(total), median(alloc),
                median(poly), plan.imbalance);
    if (o.balance != ZoneBalance::none)
        std::printf("  (%d iterations, %.2f -> %.2f, deviation %.1f%%)", plan.balance.iterations,
                    plan.balance.initial_imbalance, plan.balance.final_imbalance,
                    100 * plan.balance.final_max_deviation);
    std::printf("  road %.0f km\n", road / 1000.0);
}

/// An existing plan of 11 "municipal" polygons over the network's box: vertical strips with
/// wiggly borders of ~4,000 vertices each (municipal boundaries are detailed), one kiosk
/// per strip (the node of the largest component nearest the strip's centre).
void run_existing(const char *name, const Network &net, const ZoneContext &ctx, int repeat) {
    const auto &comp = net.node_components(Profile::car);
    const auto largest = net.largest_component(Profile::car);
    Box b;
    for (std::uint32_t n = 0; n < net.node_count(); ++n)
        if (comp[n] == largest) b.extend(net.node(n));
    const int nz = 11, nv = 2000;
    const double w = (b.maxx - b.minx) / nz;
    auto border = [&](int i, double y) { // x of the border between strips i-1 and i
        if (i == 0) return b.minx - 10;
        if (i == nz) return b.maxx + 10;
        return b.minx + i * w + 0.15 * w * std::sin(y / 300.0 + i) + 0.05 * w * std::sin(y / 37.0);
    };
    std::vector<MultiPolygon> zones;
    std::vector<Unit> kiosks;
    for (int i = 0; i < nz; ++i) {
        Polygon p;
        for (int k = 0; k <= nv; ++k) {
            const double y = b.miny - 10 + (b.maxy - b.miny + 20) * k / nv;
            p.outer.push_back({border(i + 1, y), y});
        }
        for (int k = nv; k >= 0; --k) {
            const double y = b.miny - 10 + (b.maxy - b.miny + 20) * k / nv;
            p.outer.push_back({border(i, y), y});
        }
        p.outer.push_back(p.outer.front());
        zones.push_back({p});
        const XY c{b.minx + (i + 0.5) * w, (b.miny + b.maxy) / 2};
        std::uint32_t best = 0;
        double bd = 1e300;
        for (std::uint32_t n = 0; n < net.node_count(); ++n)
            if (comp[n] == largest && distance(net.node(n), c) < bd) {
                bd = distance(net.node(n), c);
                best = n;
            }
        Unit u;
        u.id = "M" + std::to_string(i + 1);
        u.kind = "kiosk";
        u.position = net.node(best);
        kiosks.push_back(u);
    }
    std::vector<double> total;
    ZonePlan plan;
    for (int r = 0; r < repeat; ++r) {
        const double t0 = now_s();
        plan = evaluate_zones(net, kiosks, zones, ctx, ZoneOptions{});
        total.push_back(now_s() - t0);
    }
    double road = 0;
    for (const auto &z : plan.zones)
        road += z.road_length_m;
    std::printf("%-38s edges %6zu  zones %d x %d vertices  total %7.3f s  road %.0f km, "
                "misassigned %.0f km\n",
                name, net.edge_count(), nz, 2 * nv + 2, median(total), road / 1000.0,
                plan.misassigned_length_m / 1000.0);
}

} // namespace

int main(int argc, char **argv) {
    int repeat = 5;
    double spacing = ZoneOptions{}.site_spacing_m, cell = ZoneOptions{}.cell_m;
    bool existing_only = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--existing-only"))
            existing_only = true;
        else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--spacing") && i + 1 < argc)
            spacing = std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--cell") && i + 1 < argc)
            cell = std::atof(argv[++i]);
    }
    std::printf("bench_zones: median of %d runs, raster cell %.1f m, Voronoi site spacing %.0f m\n",
                repeat, cell, spacing);

    if (existing_only) {
        const SceneData malta =
            read_scene_data(scene_from_roads(LUGEO_TEST_FIXTURES "/osm/malta-2016-11-09.osm.pbf"));
        const Network mnet = build_network(malta.roads, malta.settings.network);
        run_existing("malta, existing plan of 11 polygons", mnet, ZoneContext{}, repeat);
        return 0;
    }
    const SceneData demo = read_scene_data(load_scene(LUGEO_DATA_DIR "/demo/scene.toml"));
    const Network dnet = build_network(demo.roads, demo.settings.network);
    const auto dk = units_of_kind(demo.units, "kiosk");
    const ZoneContext dctx = zone_context(demo);
    ZoneOptions o;
    o.site_spacing_m = spacing;
    o.cell_m = cell;
    ZoneOptions ov = o;
    ov.polygon_method = ZonePolygonMethod::voronoi;
    run("demo, 6 kiosks, polygons", dnet, dk, dctx, o, repeat);
    run("demo, 6 kiosks, polygons, voronoi", dnet, dk, dctx, ov, repeat);
    o.polygons = false;
    run("demo, 6 kiosks, figures, no polygons", dnet, dk, dctx, o, repeat);
    o.polygons = true;
    for (ZoneBalance m : {ZoneBalance::length, ZoneBalance::incidents, ZoneBalance::area}) {
        o.balance = m;
        run((std::string("demo, balanced by ") + zone_balance_name(m)).c_str(), dnet, dk, dctx, o,
            repeat);
    }
    ov.balance = ZoneBalance::area;
    run("demo, balanced by area, voronoi", dnet, dk, dctx, ov, repeat);
    ov.balance = ZoneBalance::none;
    o.balance = ZoneBalance::none;

    const SceneData malta =
        read_scene_data(scene_from_roads(LUGEO_TEST_FIXTURES "/osm/malta-2016-11-09.osm.pbf"));
    const Network mnet = build_network(malta.roads, malta.settings.network);
    const auto mk = spread_kiosks(mnet);
    run("malta, 6 kiosks, polygons", mnet, mk, ZoneContext{}, o, repeat);
    run("malta, 6 kiosks, polygons, voronoi", mnet, mk, ZoneContext{}, ov, repeat);
    o.polygons = false;
    run("malta, 6 kiosks, figures, no polygons", mnet, mk, ZoneContext{}, o, repeat);
    run_existing("malta, existing plan of 11 polygons", mnet, ZoneContext{}, repeat);
    return 0;
}
