#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "support/ascii_map.hpp"

#include <lugeo/error.hpp>
#include <lugeo/io.hpp>
#include <lugeo/isochrone.hpp>
#include <lugeo/scene.hpp>

#include <cmath>
#include <random>

using namespace lugeo;
using lugeo::test::AsciiMap;

namespace {

/// Least distance from p to any reached piece.
double distance_to_pieces(const Network& net, const std::vector<IsochronePiece>& pieces, std::size_t up_to, XY p) {
    double best = INFINITY;
    for (const auto& ip : pieces) {
        if (ip.threshold > up_to) continue;
        const LineString l = net.sub_line(ip.piece.edge, ip.piece.from_m, ip.piece.to_m);
        for (std::size_t i = 0; i + 1 < l.size(); ++i) {
            double t;
            best = std::min(best, distance(p, closest_on_segment(l[i], l[i + 1], p, t)));
        }
    }
    return best;
}

struct Demo {
    Scene scene;
    Network net;
    std::vector<XY> kiosks;
    Demo() {
        scene = load_scene(std::string(LUGEO_DATA_DIR) + "/demo/scene.toml");
        NetworkOptions no = scene.network;
        no.metric_crs = scene.crs;
        net = build_network(scene.layer("roads"), no);
        ReadOptions ro;
        ro.target_crs = scene.crs;
        ro.required_fields = {"kind"};
        const FeatureTable units = read_layer(scene.layer("units"), ro);
        for (const auto& f : units.features)
            if (f.values[0] && *f.values[0] == "kiosk" && !f.geometry.points.empty())
                kiosks.push_back(f.geometry.points[0]);
    }
};
const Demo& demo() {
    static const Demo d;
    return d;
}

} // namespace

TEST_CASE("demo kiosks: nesting, reached nodes inside, far points outside, figures") {
    const Demo& d = demo();
    REQUIRE(d.kiosks.size() == 6);
    IsochroneOptions o;
    o.minutes = {1, 3, 6};
    o.profiles = {Profile::ebike, Profile::car, Profile::car};
    o.per_source = true;
    const IsochroneResult r = compute_isochrones(d.net, d.kiosks, o);
    MESSAGE("search " << r.search_seconds << " s, polygons " << r.polygon_seconds << " s, figures " << r.stats_seconds << " s");
    REQUIRE(r.unions.size() == 3);
    REQUIRE(r.per_source.size() == 18);
    REQUIRE(r.bands.size() == 3);

    // nesting: areas and containment of grid points
    for (std::size_t k = 1; k < 3; ++k) CHECK(r.unions[k].area_m2 >= r.unions[k - 1].area_m2);
    Box box;
    for (const auto& p : r.unions[2].polygon)
        for (const XY& q : p.outer) box.extend(q);
    const unsigned seed = 4242;
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> ux(box.minx, box.maxx), uy(box.miny, box.maxy);
    int inside_1 = 0, far_checked = 0;
    for (int i = 0; i < 800; ++i) {
        const XY q{ux(rng), uy(rng)};
        const bool in1 = contains(r.unions[0].polygon, q), in3 = contains(r.unions[1].polygon, q),
                   in6 = contains(r.unions[2].polygon, q);
        if (in1) CHECK(in3);
        if (in3) CHECK(in6);
        inside_1 += in1;
        // farther than the trim distance from every reached piece: outside (holes < 2 ha are
        // filled, which can add at most the radius of a 2 ha disc)
        const double slack = std::sqrt(o.fill_holes_below_m2 / M_PI);
        const double dist = distance_to_pieces(d.net, r.pieces, 2, q);
        if (dist > o.trim_m + slack + 1.0) {
            ++far_checked;
            CHECK_FALSE(in6);
        }
        if (dist < o.trim_m - 1.0) CHECK(in6); // and near a reached piece: inside
    }
    CHECK(far_checked > 50);

    // every reached node is inside its polygon (union and per source)
    for (const auto& ip : r.pieces) {
        const auto& ed = d.net.edge(ip.piece.edge);
        for (auto [n, at] : {std::pair{ed.from, 0.0}, std::pair{ed.to, ed.length_m}})
            if (std::abs(ip.piece.from_m - at) < 1e-9 || std::abs(ip.piece.to_m - at) < 1e-9)
                for (std::size_t k = ip.threshold; k < 3; ++k) CHECK(contains(r.unions[k].polygon, d.net.node(n)));
    }
    // pieces: within their threshold, times agree with the routing core's
    for (const auto& ip : r.pieces) {
        CHECK(ip.piece.max_time_s() <= r.minutes[ip.threshold] * 60.0 + 1e-6);
        if (ip.threshold > 0 && r.profiles[ip.threshold] == r.profiles[ip.threshold - 1])
            CHECK(ip.piece.max_time_s() >= r.minutes[ip.threshold - 1] * 60.0 - 1e-6);
    }
    // per-source polygons lie inside the union
    for (const auto& p : r.per_source) {
        CHECK(p.area_m2 <= r.unions[p.threshold].area_m2 * (1 + 1e-9));
        CHECK(p.road_length_m <= r.unions[p.threshold].road_length_m + 1e-6);
        for (const auto& poly : p.polygon)
            for (std::size_t i = 0; i < poly.outer.size(); i += 7) {
                // outer vertices of a source's polygon are within the union (or on its boundary)
                const XY q = poly.outer[i];
                if (!contains(r.unions[p.threshold].polygon, q)) {
                    const double dd = distance_to_pieces(d.net, r.pieces, p.threshold, q);
                    CHECK(dd >= o.trim_m * std::cos(M_PI / (4.0 * o.quadrant_segments)) - 0.5); // chords of the arcs
                }
            }
    }
    // figures: recall 1 for a buffer, monotone standard, conservation of length
    for (const auto& u : r.unions) {
        CHECK(u.recall == doctest::Approx(1.0).epsilon(1e-6));
        CHECK(u.unreachable_inside_m >= 0.0);
    }
    for (std::size_t k = 1; k < r.standard.size(); ++k)
        if (r.standard[k].profile == r.standard[k - 1].profile)
            CHECK(r.standard[k].reached_km >= r.standard[k - 1].reached_km - 1e-9);
    CHECK(inside_1 >= 0);
}

TEST_CASE("the standard: beyond pieces and reached length add up to the usable length") {
    const Demo& d = demo();
    IsochroneOptions o;
    o.minutes = {1, 5};
    o.profile = Profile::car;
    o.per_source = false;
    o.beyond_minutes = 5;
    const IsochroneResult r = compute_isochrones(d.net, d.kiosks, o);
    double beyond = 0;
    for (std::size_t i = 0; i < r.beyond.size(); ++i) {
        beyond += r.beyond[i].length_m;
        if (i) CHECK(r.beyond[i].length_m <= r.beyond[i - 1].length_m);
        CHECK(r.beyond[i].time_s > 300.0 - 1e-6);
    }
    CHECK((beyond / 1000.0 + r.standard[1].reached_km) == doctest::Approx(r.standard[1].road_km).epsilon(1e-9));
    CHECK(r.standard[0].reached_km <= r.standard[1].reached_km);
}

TEST_CASE("one-way streets: obeyed by car, not on foot; an unreachable component is left out") {
    // A one-way loop A->B->C->A (clockwise), a two-way spur from A west to S (the source),
    // and a separate street far to the east.
    const AsciiMap map(R"(
S---------A--------------------B

                               C                      D---------E
)", 10.0);
    const Network net = map.build({{"SA", "residential"},
                                   {"AB", "residential", "-1"}, // drivable B -> A only
                                   {"BC", "residential"},
                                   {"DE", "residential"}});
    IsochroneOptions o;
    o.minutes = {1};
    o.trim_m = 20;
    o.fill_holes_below_m2 = 0;
    o.per_source = false;
    // S to A is 100 m: 24 s by car; A to B 200 m is against the one-way for cars
    o.profile = Profile::car;
    const auto car = compute_isochrones(net, {map.at('S')}, o);
    o.profile = Profile::walk;
    o.minutes = {4}; // 300 m on foot in 240 s
    const auto walk = compute_isochrones(net, {map.at('S')}, o);
    const XY mid_ab{(map.at('A').x + map.at('B').x) / 2, map.at('A').y};
    CHECK(contains(car.unions[0].polygon, map.at('A')));
    CHECK_FALSE(contains(car.unions[0].polygon, mid_ab));
    CHECK(contains(walk.unions[0].polygon, mid_ab));
    for (const auto* r : {&car, &walk}) {
        CHECK_FALSE(contains(r->unions[0].polygon, map.at('D')));
        CHECK_FALSE(contains(r->unions[0].polygon, map.at('E')));
    }
    // a source off the network beyond the limit is refused with a clear message
    o.max_snap_m = 30;
    try {
        compute_isochrones(net, {XY{map.at('S').x, map.at('S').y + 100}}, o);
        FAIL("expected an off-network error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::off_network);
        CHECK(std::string(e.what()).find("more than 30 m") != std::string::npos);
    }
    // within the limit it is snapped
    CHECK_NOTHROW(compute_isochrones(net, {XY{map.at('S').x + 5, map.at('S').y + 20}}, o));
    // bad thresholds
    o.minutes = {5, 1};
    CHECK_THROWS_AS(compute_isochrones(net, {map.at('S')}, o), Error);
}

TEST_CASE("holes below the area threshold are filled, larger ones kept") {
    // A 200 m x 220 m block: with a 20 m trim, the hole inside is 160 m x 180 m = 2.9 ha.
    const AsciiMap sq(R"(
A----------B
|          |
|          |
|          |
|          |
|          |
|          |
|          |
|          |
|          |
|          |
D----------C
)", 20.0);
    const Network net2 = sq.build({{"AB"}, {"BC"}, {"CD"}, {"DA"}});
    IsochroneOptions o;
    o.minutes = {30};
    o.profile = Profile::walk;
    o.trim_m = 20;
    o.per_source = false;
    o.fill_holes_below_m2 = 1000;
    const auto kept = compute_isochrones(net2, {sq.at('A')}, o);
    REQUIRE(kept.unions[0].polygon.size() == 1);
    CHECK(kept.unions[0].polygon[0].holes.size() == 1);
    const XY centre{(sq.at('A').x + sq.at('C').x) / 2, (sq.at('A').y + sq.at('C').y) / 2};
    CHECK_FALSE(contains(kept.unions[0].polygon, centre));
    o.fill_holes_below_m2 = 1e6;
    const auto filled = compute_isochrones(net2, {sq.at('A')}, o);
    CHECK(filled.unions[0].polygon[0].holes.empty());
    CHECK(contains(filled.unions[0].polygon, centre));
    CHECK(filled.unions[0].unreachable_inside_m == doctest::Approx(0.0));
}
