// Incident surroundings: cameras that see the point come first; units in straight-line rings;
// nearest units by road agree with a brute force (one outbound search per unit); zone and
// grid by point in polygon; the nearest junction.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "support/ascii_map.hpp"

#include <lugeo/incident.hpp>
#include <lugeo/registry.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/scene.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace lugeo;
using lugeo::test::AsciiMap;

namespace {

Camera camera(const std::string &id, XY at, double heading, double hfov, double range) {
    Camera c;
    c.id = id;
    c.position = at;
    c.heading_deg = heading;
    c.hfov_deg = hfov;
    c.range_m = range;
    c.type = hfov >= 360 ? "dome" : "bullet";
    return c;
}

Polygon square(double x0, double y0, double x1, double y1) {
    Polygon p;
    p.outer = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
    return p;
}

} // namespace

TEST_CASE("a camera whose sector holds the point comes first, before nearer ones that do not") {
    IncidentContext ctx;
    const XY p{0, 0};
    ctx.cameras = {
        camera("near-away", {0, 10}, 0.0, 60, 80),      // 10 m north, looks north: not at p
        camera("far-facing", {0, 60}, 180.0, 60, 80),   // 60 m north, looks south: sees p
        camera("blocked", {60, 0}, 270.0, 60, 80),      // 60 m east, looks west, a building between
        camera("dome", {-40, 0}, 0.0, 360, 50),         // all around, 40 m
        camera("out-of-range", {0, -90}, 0.0, 60, 80)}; // faces p but 90 m > 80 m
    ctx.occluders = Occluders({square(20, -10, 40, 10)});
    const IncidentResult r = describe_incident(ctx, p);
    REQUIRE(r.cameras.size() == 5);
    CHECK(r.cameras_seeing == 2);
    CHECK(ctx.cameras[r.cameras[0].camera].id == "dome");       // sees, 40 m
    CHECK(ctx.cameras[r.cameras[1].camera].id == "far-facing"); // sees, 60 m
    CHECK(r.cameras[0].sees);
    CHECK(r.cameras[1].sees);
    CHECK(ctx.cameras[r.cameras[2].camera].id == "near-away"); // the rest by distance
    CHECK_FALSE(r.cameras[2].sees);
    CHECK(ctx.cameras[r.cameras[3].camera].id == "blocked");
    CHECK(r.cameras[3].in_sector);
    CHECK_FALSE(r.cameras[3].sees);
    CHECK(ctx.cameras[r.cameras[4].camera].id == "out-of-range");
    CHECK_FALSE(r.cameras[4].in_sector);
    CHECK(r.cameras[1].bearing_deg == doctest::Approx(180.0)); // from the camera to the point
    // seeing cameras are never cut by the count limit
    IncidentOptions o;
    o.cameras = 1;
    CHECK(describe_incident(ctx, p, o).cameras.size() == 2);
}

TEST_CASE("units in rings: nested, cumulative, by straight-line distance") {
    IncidentContext ctx;
    std::mt19937_64 rng(4242);
    std::uniform_real_distribution<double> U(-700, 700);
    for (int i = 0; i < 60; ++i)
        ctx.units.push_back({"U" + std::to_string(i), "kiosk", "", 2, {U(rng), U(rng)}});
    const XY p{U(rng) / 4, U(rng) / 4};
    const IncidentResult r = describe_incident(ctx, p);
    REQUIRE(r.rings.size() == 3);
    for (std::size_t k = 0; k < 3; ++k) {
        std::size_t brute = 0;
        for (const auto &u : ctx.units)
            brute += distance(u.position, p) <= r.rings[k].radius_m;
        INFO("seed 4242, ring " << r.rings[k].radius_m);
        CHECK(r.rings[k].units.size() == brute);
        for (std::size_t i = 1; i < r.rings[k].units.size(); ++i)
            CHECK(r.rings[k].units[i - 1].distance_m <= r.rings[k].units[i].distance_m);
        if (k > 0) CHECK(r.rings[k - 1].units.size() <= r.rings[k].units.size());
    }
    CHECK(r.rings[2].units.size() > r.rings[0].units.size());
}

TEST_CASE(
    "nearest units by road on an ASCII map with one-way streets agree with per-unit searches") {
    const AsciiMap map(R"(
A-----B-----C
|     |     |
D-----E-----F
)",
                       20.0);
    // B->C->F one way clockwise; E-F one way F->E
    const Network net = map.build({{"AB", "primary", "", "North"},
                                   {"BC", "primary", "yes", "North"},
                                   {"CF", "primary", "yes", "East"},
                                   {"FE", "primary", "yes", "South"},
                                   {"ED", "primary", "", "South"},
                                   {"AD", "primary", "", "West"},
                                   {"BE", "primary", "", "Middle"}});
    IncidentContext ctx;
    ctx.units = {{"K1", "kiosk", "", 2, {map.at('C').x + 3, map.at('C').y + 4}},
                 {"K2", "station", "", 5, {map.at('D').x - 2, map.at('D').y}},
                 {"K3", "community_room", "", 1, {map.at('F').x, map.at('F').y - 5}}};
    const XY p{map.at('E').x + 30, map.at('E').y + 2}; // on E-F, where cars run F -> E
    IncidentOptions o;
    o.road_units = 10;
    const JunctionIndex junctions(net);
    const IncidentResult r = describe_incident(ctx, p, o, &net, &junctions);
    REQUIRE(r.snap);
    REQUIRE(r.by_road.size() == 3);
    for (const auto &u : r.by_road) {
        const auto us = net.snap(ctx.units[u.unit].position);
        REQUIRE(us);
        RoutingOptions ro;
        ro.profile = Profile::car;
        ro.direction = Direction::outbound;
        const Reach reach = shortest_times(net, {RoutingSource{*us, 0.0}}, ro);
        const double brute = time_at(net, reach, r.snap->edge, r.snap->offset_m);
        INFO("unit " << ctx.units[u.unit].id);
        CHECK(u.time_s == doctest::Approx(brute).epsilon(1e-9));
    }
    for (std::size_t i = 1; i < r.by_road.size(); ++i)
        CHECK(r.by_road[i - 1].time_s <= r.by_road[i].time_s);
    // the junction nearest to the point is E (degree 3), where Middle and South meet
    REQUIRE(r.junction);
    CHECK(distance(r.junction->position, map.at('E')) < 1e-6);
    CHECK(r.junction->roads == std::vector<std::string>{"Middle", "South"});
}

TEST_CASE("zone and grid: the polygon that holds the point") {
    IncidentContext ctx;
    ctx.zones = {{"Z1", "west", "", {square(-100, -100, 0, 100)}, {}},
                 {"Z2", "east", "", {square(0, -100, 100, 100)}, {}}};
    ctx.grids = {{"G7", "", "Z2", {square(40, 40, 60, 60)}, {}}};
    const IncidentResult a = describe_incident(ctx, {50, 50});
    REQUIRE(a.zone);
    CHECK(ctx.zones[*a.zone].id == "Z2");
    REQUIRE(a.grid);
    CHECK(ctx.grids[*a.grid].id == "G7");
    const IncidentResult b = describe_incident(ctx, {-50, 0});
    CHECK(ctx.zones[*b.zone].id == "Z1");
    CHECK_FALSE(b.grid);
    CHECK_FALSE(describe_incident(ctx, {500, 0}).zone);
}

TEST_CASE("the demo scene: inbound search from the incident equals one outbound search per unit") {
    const Scene scene = load_scene(std::string(LUGEO_DATA_DIR) + "/demo/scene.toml");
    SceneData data = read_scene_data(scene);
    const Network net = build_network(data.roads, data.settings.network);
    const IncidentContext ctx = incident_context(data);
    CHECK(ctx.units.size() == 25);
    CHECK(ctx.cameras.size() == 1265);
    const Registry reg(std::move(data.plates.plates));
    const JunctionIndex junctions(net);
    IncidentOptions o;
    o.road_units = 25;
    o.limit_s = 1e9;
    // per-unit outbound searches once: time to every node
    std::vector<Reach> from_unit;
    std::vector<std::optional<Network::Snap>> unit_snap;
    Network::SnapOptions so;
    for (const auto &u : ctx.units) {
        unit_snap.push_back(net.snap(u.position, so));
        RoutingOptions ro;
        ro.direction = Direction::outbound;
        from_unit.push_back(unit_snap.back()
                                ? shortest_times(net, {RoutingSource{*unit_snap.back(), 0.0}}, ro)
                                : Reach{});
    }
    for (const char *id : {"L104-0001", "G101-0001", "L407-0003"}) {
        const auto i = reg.find(id);
        REQUIRE(i);
        const IncidentResult r =
            describe_incident(ctx, reg.plates()[*i].position, o, &net, &junctions);
        REQUIRE(r.snap);
        CHECK(r.junction);
        std::size_t reachable = 0;
        for (std::size_t k = 0; k < ctx.units.size(); ++k) {
            if (!unit_snap[k]) continue;
            const double brute = time_at(net, from_unit[k], r.snap->edge, r.snap->offset_m);
            if (!std::isfinite(brute)) continue;
            ++reachable;
            bool found = false;
            for (const auto &u : r.by_road)
                if (u.unit == k) {
                    found = true;
                    INFO(id << " unit " << ctx.units[k].id);
                    CHECK(u.time_s == doctest::Approx(brute).epsilon(1e-6));
                }
            CHECK(found);
        }
        CHECK(r.by_road.size() == reachable);
    }
}

TEST_CASE("units by road: the growing search finds the same nearest units as one search to "
          "the limit") {
    const Scene scene = load_scene(std::string(LUGEO_DATA_DIR) + "/demo/scene.toml");
    SceneData data = read_scene_data(scene);
    const Network net = build_network(data.roads, data.settings.network);
    const IncidentContext ctx = incident_context(data);
    const Registry reg(std::move(data.plates.plates));
    std::mt19937 rng(20261202);
    std::uniform_int_distribution<std::size_t> pick(0, reg.plates().size() - 1);
    Network::SnapOptions so;
    so.largest_component_only = true;
    for (const double limit : {1800.0, 420.0}) {
        IncidentOptions o; // 5 units within the limit
        o.limit_s = limit;
        for (int n = 0; n < 60; ++n) {
            const XY at = reg.plates()[pick(rng)].position;
            const IncidentResult r = describe_incident(ctx, at, o, &net, nullptr);
            if (!r.snap) continue;
            RoutingOptions ro;
            ro.direction = Direction::inbound;
            ro.limit_s = o.limit_s;
            const Reach whole = shortest_times(net, {RoutingSource{*r.snap, 0.0}}, ro);
            std::vector<std::pair<double, std::size_t>> brute;
            for (std::size_t k = 0; k < ctx.units.size(); ++k) {
                const auto us = net.snap(ctx.units[k].position, so);
                if (!us) continue;
                const double t = time_at(net, whole, us->edge, us->offset_m);
                if (std::isfinite(t) && t <= o.limit_s) brute.emplace_back(t, k);
            }
            std::sort(brute.begin(), brute.end());
            if (brute.size() > o.road_units) brute.resize(o.road_units);
            INFO("plate at " << at.x << "," << at.y << ", limit " << limit);
            REQUIRE(r.by_road.size() == brute.size());
            for (std::size_t i = 0; i < brute.size(); ++i) {
                CHECK(r.by_road[i].unit == brute[i].second);
                CHECK(r.by_road[i].time_s == doctest::Approx(brute[i].first).epsilon(1e-9));
            }
        }
    }
    // the cut flag that stops the growing search: set by a limit, never by the whole city
    const auto s = net.snap(reg.plates()[0].position, so);
    REQUIRE(s);
    RoutingOptions ro;
    ro.limit_s = 60;
    CHECK(shortest_times(net, {RoutingSource{*s, 0.0}}, ro).cut);
    ro.limit_s = std::numeric_limits<double>::infinity();
    CHECK_FALSE(shortest_times(net, {RoutingSource{*s, 0.0}}, ro).cut);
}
