// Siting: end-to-end timings of plan_sites (distance table + search + figures; the network
// build and the scene read are not counted) for K = 5 new sites and each objective, on the
// demo scene (its 6 kiosks stay; junction candidates and the 7,300 plates as candidates) and
// on Malta (6 kiosks spread over the island, demand = road length; cover from every junction,
// median and center from a 1 km grid: every junction would need a table of more than 10^8
// entries). A plain timed driver: each case runs `--repeat` times (default 3) and the median
// wall time is printed, with the median CPU time of the process (on a shared machine the wall
// time includes waiting for a core).
//
//   ./build/bench/bench_site [--repeat N] [--add K]
#include <lugeo/scene.hpp>
#include <lugeo/site.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
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

/// Six kiosks spread over the largest car component (as bench_zones): the node nearest to
/// each cell centre of a 3 x 2 grid over the component's bounding box.
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
            out.push_back(
                Unit{"K" + std::to_string(out.size() + 1), "kiosk", "", 0, net.node(best)});
        }
    return out;
}

void run(const char *name, const Network &net, const SiteInput &in, SiteOptions o, int repeat) {
    std::vector<double> total, cpu, table, search;
    SiteResult r;
    for (int i = 0; i < repeat; ++i) {
        const double t0 = now_s();
        const std::clock_t c0 = std::clock();
        r = plan_sites(net, in, o);
        cpu.push_back(double(std::clock() - c0) / CLOCKS_PER_SEC);
        total.push_back(now_s() - t0);
        table.push_back(r.seconds_table);
        search.push_back(r.seconds_search);
    }
    std::printf("%-42s cand %6zu  demand %6zu  entries %9zu  %-13s wall %6.2f s (table %5.2f, "
                "search %5.2f)  cpu %6.2f s  objective %.1f -> %.1f",
                name, r.candidates_used, r.before.points, r.table_entries,
                site_method_name(r.method), median(total), median(table), median(search),
                median(cpu), r.objective_before, r.objective_after);
    if (r.method == SiteMethod::radius_search) std::printf(" (lower bound %.1f)", r.lower_bound);
    std::printf("\n");
}

} // namespace

int main(int argc, char **argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    int repeat = 3;
    std::size_t add = 5;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--add") && i + 1 < argc)
            add = static_cast<std::size_t>(std::atoi(argv[++i]));
    }
    std::printf("bench_site: median of %d runs, K = %zu new sites, standard 5 min, response = "
                "turnout (the scene's, by kind) + car travel\n",
                repeat, add);

    const SceneData demo = read_scene_data(load_scene(LUGEO_DATA_DIR "/demo/scene.toml"));
    const Network dnet = build_network(demo.roads, demo.settings.network);
    SiteInput din;
    din.fixed = units_of_kind(demo.units, "kiosk");
    din.incidents = demo.incidents;
    din.key_sites = demo.key_sites;
    SiteInput dplates = din;
    din.candidates = junction_candidates(dnet, Profile::car);
    for (const auto &p : demo.plates.plates)
        dplates.candidates.push_back({p.id, "", p.position});
    SiteOptions o; // as `lugeo site`: the scene's turnout by unit kind
    o.add = add;
    o.turnout_s = demo.settings.units.turnout_s;
    o.default_turnout_s = demo.settings.units.default_turnout_s;
    o.new_kind = demo.settings.site.new_kind;
    for (auto obj : {SiteObjective::cover, SiteObjective::median, SiteObjective::center}) {
        o.objective = obj;
        o.demand = SiteDemand::incidents;
        run((std::string("demo, junctions, incidents, ") + site_objective_name(obj)).c_str(), dnet,
            din, o, repeat);
        run((std::string("demo, plates, incidents, ") + site_objective_name(obj)).c_str(), dnet,
            dplates, o, repeat);
        o.demand = SiteDemand::roads;
        run((std::string("demo, plates, roads, ") + site_objective_name(obj)).c_str(), dnet,
            dplates, o, repeat);
    }
    o.demand = SiteDemand::incidents;
    o.objective = SiteObjective::cover;
    o.add = 0;
    o.relocate = 2;
    run("demo, junctions, incidents, cover, move 2", dnet, din, o, repeat);
    o.add = add;
    o.relocate = 0;

    const SceneData malta =
        read_scene_data(scene_from_roads(LUGEO_TEST_FIXTURES "/osm/malta-2016-11-09.osm.pbf"));
    const Network mnet = build_network(malta.roads, malta.settings.network);
    o.turnout_s = malta.settings.units.turnout_s;
    o.default_turnout_s = malta.settings.units.default_turnout_s;
    SiteInput min;
    min.fixed = spread_kiosks(mnet);
    min.candidates = junction_candidates(mnet, Profile::car);
    o.demand = SiteDemand::roads;
    o.objective = SiteObjective::cover;
    run("malta, junctions, roads, cover", mnet, min, o, repeat);
    min.candidates = grid_candidates(mnet, Profile::car, 1000);
    for (auto obj : {SiteObjective::cover, SiteObjective::median, SiteObjective::center}) {
        o.objective = obj;
        run((std::string("malta, grid 1 km, roads, ") + site_objective_name(obj)).c_str(), mnet,
            min, o, repeat);
    }
    return 0;
}
