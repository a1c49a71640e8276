#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "support/ascii_map.hpp"

#include <lugeo/coverage.hpp>
#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>

#include <algorithm>
#include <cmath>
#include <random>

using namespace lugeo;
using lugeo::test::AsciiMap;

namespace {

Camera cam(XY p, double heading, double hfov, double range, int phase = 1) {
    Camera c;
    c.id = "c";
    c.position = p;
    c.heading_deg = heading;
    c.hfov_deg = hfov;
    c.range_m = range;
    c.phase = phase;
    c.owner = "ps";
    return c;
}

Polygon box(double x0, double y0, double x1, double y1) {
    return Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, {}};
}

CoverageInput input(std::vector<Camera> cams, std::vector<Polygon> buildings = {}) {
    CoverageInput in;
    in.cameras = std::move(cams);
    in.occluders = Occluders(std::move(buildings));
    return in;
}

double piece_sum(const CoverageResult &r, bool covered) {
    double s = 0;
    for (const auto &p : r.pieces)
        if ((p.cameras > 0) == covered) s += p.length_m();
    return s;
}

/// A random grid network (n × n blocks of `block` m) with random cameras and buildings.
struct RandomCity {
    Network net;
    CoverageInput in;
    RandomCity(unsigned seed, int n, double block, int cameras, int buildings) {
        std::mt19937 rng(seed);
        std::uniform_real_distribution<double> u(0.0, 1.0);
        std::vector<RoadInput> roads;
        for (int i = 0; i <= n; ++i) {
            RoadInput h, v;
            for (int j = 0; j <= n; ++j) {
                h.line.push_back({j * block, i * block});
                v.line.push_back({i * block, j * block});
            }
            h.road_class = i % 2 ? "primary" : "residential";
            v.road_class = "tertiary";
            h.name = "H" + std::to_string(i);
            v.name = "V" + std::to_string(i);
            roads.push_back(h);
            roads.push_back(v);
        }
        net = build_network(roads, "EPSG:32648", NetworkOptions{});
        const double size = n * block;
        std::vector<Polygon> polys;
        for (int b = 0; b < buildings; ++b) { // inside blocks, clear of the roads
            const int bx = int(u(rng) * n), by = int(u(rng) * n);
            const double x0 = bx * block + 5 + u(rng) * (block / 2 - 5),
                         y0 = by * block + 5 + u(rng) * (block / 2 - 5);
            polys.push_back(box(x0, y0, x0 + 5 + u(rng) * (block / 2 - 10),
                                y0 + 5 + u(rng) * (block / 2 - 10)));
        }
        std::vector<Camera> cams;
        for (int c = 0; c < cameras; ++c) {
            Camera k =
                cam({u(rng) * size, u(rng) * size}, u(rng) * 360,
                    u(rng) < 0.2 ? 360 : 30 + u(rng) * 200, 20 + u(rng) * 80, 1 + int(u(rng) * 3));
            k.id = "r" + std::to_string(c);
            cams.push_back(k);
        }
        in = input(cams, polys);
    }
};

} // namespace

TEST_CASE("DORI range: hres / (2 tan(hfov/2) ppm)") {
    CHECK(dori_pixels_per_metre(DoriLevel::detection) == 25.0);
    CHECK(dori_pixels_per_metre(DoriLevel::observation) == 62.5);
    CHECK(dori_pixels_per_metre(DoriLevel::recognition) == 125.0);
    CHECK(dori_pixels_per_metre(DoriLevel::identification) == 250.0);
    CHECK(dori_range_m(1920, 90, DoriLevel::observation) == doctest::Approx(15.36));
    CHECK(dori_range_m(1920, 90, DoriLevel::detection) == doctest::Approx(38.4));
    CHECK(dori_range_m(2560, 30, DoriLevel::recognition) ==
          doctest::Approx(2560 / (2 * std::tan(M_PI / 12) * 125)));
    // a narrower lens sees farther at the same pixel density
    CHECK(dori_range_m(1920, 30, DoriLevel::identification) >
          dori_range_m(1920, 60, DoriLevel::identification));
    CHECK_THROWS_AS(dori_range_m(1920, 180, DoriLevel::observation), Error);
    CHECK_THROWS_AS(dori_range_m(0, 60, DoriLevel::observation), Error);
    CHECK(dori_level_from_name("Recognition") == DoriLevel::recognition);
    CHECK(!dori_level_from_name("blurry"));
}

TEST_CASE("a camera over a road covers it; facing away it does not") {
    const AsciiMap map("A-----B", 10.0); // 60 m along x
    const Network net = map.build({{"AB", "primary"}});
    SUBCASE("looking along the road") {
        const auto r = analyze_coverage(net, input({cam({30, 0}, 90, 60, 20)}), {});
        CHECK(r.total.total_m == doctest::Approx(60.0));
        CHECK(r.total.covered_m == doctest::Approx(20.0));
        CHECK(r.cameras_no_road.empty());
    }
    SUBCASE("10 m north, facing south, covers; facing north, nothing") {
        const auto south = analyze_coverage(net, input({cam({30, 10}, 180, 90, 50)}), {});
        CHECK(south.total.covered_m == doctest::Approx(20.0)); // ±45° at 10 m: x in [20, 40]
        const auto north = analyze_coverage(net, input({cam({30, 10}, 0, 90, 50)}), {});
        CHECK(north.total.covered_m == 0.0);
        REQUIRE(north.cameras_no_road.size() == 1);
    }
}

TEST_CASE("a 360° camera covers all around") {
    const AsciiMap map(R"(
    C
    |
A---X---B
    |
    D)",
                       10.0);
    const Network net = map.build({{"AXB", "primary"}, {"CXD", "primary"}});
    const XY x = map.at('X');
    const auto r = analyze_coverage(net, input({cam(x, 0, 360, 15)}), {});
    // 15 m along each of the four arms
    CHECK(r.total.covered_m == doctest::Approx(60.0));
    CHECK(r.total.total_m == doctest::Approx(40.0 + 40.0 + 20.0 + 20.0));
    // 180° facing north-east: the north and east arms
    const auto half = analyze_coverage(net, input({cam(x, 45, 180, 15)}), {});
    CHECK(half.total.covered_m == doctest::Approx(30.0));
    // 270° facing east (blind wedge of 90° towards the west): all but the west arm
    const auto three_quarters = analyze_coverage(net, input({cam(x, 90, 270, 15)}), {});
    CHECK(three_quarters.total.covered_m == doctest::Approx(45.0));
}

TEST_CASE("a building between the camera and the road blocks the view") {
    const AsciiMap map("A" + std::string(99, '-') + "B", 1.0); // 100 m along x at y = 0
    const Network net = map.build({{"AB", "primary"}});
    const Camera c = cam({50, 40}, 180, 120, 100);
    const auto open = analyze_coverage(net, input({c}), {});
    CHECK(open.total.covered_m == doctest::Approx(100.0));
    // a 20 × 10 m building at x 40..60, y 15..25: its top corners cast the shadow to x = 50 ±
    // 10·40/15
    const auto blocked = analyze_coverage(net, input({c}, {box(40, 15, 60, 25)}), {});
    CHECK(blocked.total.covered_m == doctest::Approx(100.0 - 2 * 10.0 * 40.0 / 15.0));
    Occluders occ({box(40, 15, 60, 25)});
    CHECK_FALSE(camera_sees(c, occ, {50, 0}));
    CHECK(camera_sees(c, occ, {10, 0}));
    CHECK(camera_sees(c, Occluders{}, {50, 0}));
    // the view polygon leaves out the shadow, too
    const MultiPolygon v = view_polygon(c, occ);
    CHECK_FALSE(contains(v, {50, 5}));
    CHECK(contains(v, {10, 5}));
    // a camera inside a building is moved out to the nearest wall, and reported
    const auto inside =
        analyze_coverage(net, input({cam({50, 24}, 0, 90, 30)}, {box(40, 15, 60, 25)}), {});
    REQUIRE(inside.camera_issues.size() == 1);
    CHECK(inside.camera_issues[0].kind == CameraIssue::Kind::moved_out_of_building);
    CHECK(inside.cameras[0].position.y > 25.0);
}

TEST_CASE("covered + uncovered = total, and pieces agree with an independent point test") {
    for (unsigned seed : {1u, 2u, 3u}) {
        CAPTURE(seed);
        RandomCity city(seed, 6, 80.0, 25, 30);
        const auto r = analyze_coverage(city.net, city.in, {});
        double network_total = 0;
        for (std::uint32_t e = 0; e < city.net.edge_count(); ++e)
            if (city.net.is_usable(Profile::car, e)) network_total += city.net.edge(e).length_m;
        CHECK(piece_sum(r, true) + piece_sum(r, false) ==
              doctest::Approx(network_total).epsilon(1e-9));
        CHECK(piece_sum(r, true) == doctest::Approx(r.total.covered_m).epsilon(1e-9));
        CHECK(r.total.total_m == doctest::Approx(network_total).epsilon(1e-9));
        double by_class = 0;
        for (const auto &[k, v] : r.by_class)
            by_class += v.covered_m;
        CHECK(by_class == doctest::Approx(r.total.covered_m));
        CHECK(r.by_phase_cumulative.rbegin()->second.covered_m ==
              doctest::Approx(r.total.covered_m));
        // every piece's middle: seen by exactly `cameras` cameras (segment-crossing test)
        int checked = 0;
        for (const auto &p : r.pieces) {
            if (p.length_m() < 0.05) continue;
            const XY mid = city.net.point_along(p.edge, p.mid_m());
            std::uint32_t n = 0;
            for (const Camera &c : r.cameras)
                n += camera_sees(c, city.in.occluders, mid);
            CHECK(n == p.cameras);
            ++checked;
        }
        CHECK(checked > 50);
    }
}

TEST_CASE("gaps are merged along the same road and name the plates at their ends") {
    const AsciiMap map(R"(
A-----B-----C
      |
      D)",
                       10.0);
    const Network net =
        map.build({{"ABC", "primary", "", "Main"}, {"BD", "residential", "", "Side"}});
    CoverageInput in = input({});
    auto plate = [](const char *id, XY at, const char *road) {
        Plate p;
        p.id = id;
        p.position = at;
        p.road = road;
        return p;
    };
    in.plates = {plate("G1-0001", {0, 5}, "Main"), plate("G1-0009", {120, 5}, "Main"),
                 plate("L9-0001", {119, 1}, "Other")};
    CoverageOptions o;
    o.min_gap_m = 50.0;
    auto r = analyze_coverage(net, in, o);
    // Main: one gap of 120 m across the junction at B; Side is 20 m: too short
    REQUIRE(r.gaps.size() == 1);
    CHECK(r.gaps[0].road == "Main");
    CHECK(r.gaps[0].length_m == doctest::Approx(120.0));
    CHECK(r.gaps[0].pieces.size() == 2);
    REQUIRE(r.gaps[0].from_plate);
    REQUIRE(r.gaps[0].to_plate);
    std::vector<std::string> ends = {in.plates[r.gaps[0].from_plate->plate].id,
                                     in.plates[r.gaps[0].to_plate->plate].id};
    std::sort(ends.begin(), ends.end());
    CHECK(ends == std::vector<std::string>{
                      "G1-0001", "G1-0009"}); // same road preferred over the nearer L9-0001
    // a camera at B covering 20 m each way splits Main into two gaps of 50 m
    in.cameras = {cam(map.at('B'), 0, 360, 10)};
    r = analyze_coverage(net, in, o);
    REQUIRE(r.gaps.size() == 2);
    CHECK(r.gaps[0].length_m == doctest::Approx(50.0));
    CHECK(r.gaps[1].length_m == doctest::Approx(50.0));
    o.min_gap_m = 51.0;
    CHECK(analyze_coverage(net, in, o).gaps.empty());
}

TEST_CASE("lazy greedy: gains never increase, the first pick is the best single camera") {
    const unsigned seed = 7;
    CAPTURE(seed);
    RandomCity city(seed, 5, 80.0, 6, 20);
    PlanOptions po;
    po.add = 12;
    po.class_weights.clear(); // unit weights: the gain is plain newly covered length
    po.incident_weight = 0.0;
    std::mt19937 rng(seed + 100);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int k = 0; k < 80; ++k) {
        Camera c =
            cam({u(rng) * 400, u(rng) * 400}, 45.0 * int(u(rng) * 8), u(rng) < 0.3 ? 360 : 60, 60);
        c.id = "k" + std::to_string(k);
        po.candidates.push_back(c);
    }
    const PlanResult plan = plan_cameras(city.net, city.in, po);
    REQUIRE(plan.picks.size() == 12);
    for (std::size_t i = 1; i < plan.picks.size(); ++i)
        CHECK(plan.picks[i].gain <= plan.picks[i - 1].gain + 1e-9);
    // brute force: each candidate's single gain from a whole new analysis
    const double base = analyze_coverage(city.net, city.in, {}).total.covered_m;
    CHECK(plan.covered_before_m == doctest::Approx(base));
    double best = 0.0;
    for (const Camera &c : po.candidates) {
        CoverageInput in2 = input(city.in.cameras);
        in2.occluders = std::move(city.in.occluders);
        in2.cameras.push_back(c);
        CoverageOptions co;
        co.view_polygons = false;
        best = std::max(best, analyze_coverage(city.net, in2, co).total.covered_m - base);
        city.in.occluders = std::move(in2.occluders);
    }
    CHECK(plan.picks[0].gain == doctest::Approx(best));
    CHECK(plan.picks[0].gain_m == doctest::Approx(best));
    // the curve: covered after the last pick = a fresh analysis with all picks added
    CoverageInput all = input(city.in.cameras);
    all.occluders = std::move(city.in.occluders);
    for (const Pick &p : plan.picks)
        all.cameras.push_back(p.camera);
    CHECK(analyze_coverage(city.net, all, {}).total.covered_m ==
          doctest::Approx(plan.picks.back().covered_m));
    // phases split the picks in order
    po.phases = 3;
    all.cameras.resize(city.in.cameras.size());
    const PlanResult phased = plan_cameras(city.net, all, po);
    CHECK(phased.picks.front().phase == 1);
    CHECK(phased.picks.back().phase == 3);
    for (std::size_t i = 1; i < phased.picks.size(); ++i)
        CHECK(phased.picks[i].phase >= phased.picks[i - 1].phase);
}

TEST_CASE("OSM surveillance cameras (Munich)") {
    LayerReadContext o;
    o.metric_crs = "EPSG:32632";
    const std::vector<Camera> cameras =
        read_osm_cameras(LUGEO_TEST_FIXTURES "/osm/muenchen-2020-07.osm.pbf", o);
    REQUIRE(cameras.size() > 50);
    std::size_t directed = 0;
    for (const Camera &c : cameras) {
        CHECK(c.id.rfind("osm:n", 0) == 0);
        CHECK(c.position.x > 600000); // UTM 32N, Munich
        if (!c.all_around()) ++directed;
    }
    CHECK(directed > 0);
}

TEST_CASE("coverage_summary: road classes the longest first (ties by name), figures rounded once") {
    CoverageResult r;
    r.by_class["residential"] = {1200.004, 300.0, 0.0};
    r.by_class["primary"] = {5000.126, 2500.0, 1000.0};
    r.by_class["living_street"] = {1200.004, 0.0, 0.0}; // as long as residential
    r.by_class["trunk"] = {2500.0, 1250.0, 10.0};
    r.by_phase[2] = {8900.134, 4050.0, 0.0};
    r.total = {8900.134, 4050.0, 1010.0};
    r.pieces = {{0, 0.0, 4850.131, 0}, {1, 0.0, 4050.0, 1}}; // uncovered: 4850.131 m
    const CoverageSummary s = coverage_summary(r);
    std::vector<std::string> order;
    for (const CoverageRow &c : s.by_class)
        order.push_back(c.key);
    CHECK(order == std::vector<std::string>{"primary", "trunk", "living_street", "residential"});
    CHECK(s.by_class[0].total_m == 5000.13);
    CHECK(s.by_class[0].share == 0.5);
    CHECK(s.by_class[3].share == 0.25);
    CHECK(s.by_phase.at(0).key == "2");
    CHECK(s.total.uncovered_m == 4850.13); // summed from the uncovered pieces
    CHECK(s.total.covered_m + s.total.uncovered_m == doctest::Approx(s.total.total_m));
    CHECK(s.gaps == 0);
}
