// Road network: noding, one-way rules per profile, CSR, components, snapping, real extracts.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/scene.hpp>

#include "support/ascii_map.hpp"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <queue>
#include <random>
#include <set>
#include <string>

using namespace lugeo;
using lugeo::test::AsciiMap;

namespace {

const std::string fixtures = LUGEO_TEST_FIXTURES;

bool can_go(const Network &net, Profile p, std::uint32_t e, bool along) {
    return std::isfinite(net.travel_time(p, e, along));
}

/// Node reachable from `from` over profile p (plain BFS on the out-arcs).
std::vector<bool> reachable(const Network &net, Profile p, std::uint32_t from) {
    std::vector<bool> seen(net.node_count(), false);
    std::queue<std::uint32_t> q;
    q.push(from);
    seen[from] = true;
    while (!q.empty()) {
        const auto n = q.front();
        q.pop();
        for (const auto &a : net.out_arcs(p, n))
            if (!seen[a.node]) {
                seen[a.node] = true;
                q.push(a.node);
            }
    }
    return seen;
}

std::uint32_t node_at(const Network &net, XY p) {
    for (std::uint32_t n = 0; n < net.node_count(); ++n)
        if (distance(net.node(n), p) < 1e-6) return n;
    FAIL("no node at (" << p.x << ", " << p.y << ")");
    return 0;
}

/// km per highway class, measured with GDAL itself (independent of lugeo's reader and builder):
/// the `lines` layer, plus the outer rings of highways in `multipolygons` (closed ways tagged
/// area=yes, which lugeo routes along).
struct GdalKm {
    std::map<std::string, double> lines, areas; ///< km per class: line ways, area outlines
};
GdalKm gdal_km_by_class(const std::string &path, const std::string &metric_crs) {
    GDALAllRegister();
    OGRSpatialReferenceH dst = OSRNewSpatialReference(nullptr);
    OSRSetFromUserInput(dst, metric_crs.c_str());
    OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
    GdalKm out;
    for (const char *name : {"lines", "multipolygons"}) {
        auto &km = std::string(name) == "lines" ? out.lines : out.areas;
        GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
        REQUIRE(ds);
        OGRLayerH layer = GDALDatasetGetLayerByName(ds, name);
        REQUIRE(layer);
        OGRSpatialReferenceH src = OSRClone(OGR_L_GetSpatialRef(layer));
        OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
        OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(src, dst);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
        const int hi = OGR_FD_GetFieldIndex(defn, "highway");
        const int ti = OGR_FD_GetFieldIndex(defn, "other_tags");
        while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
            std::string cls;
            if (hi >= 0 && OGR_F_IsFieldSetAndNotNull(f, hi)) {
                cls = OGR_F_GetFieldAsString(f, hi);
            } else if (hi < 0 && ti >= 0 && OGR_F_IsFieldSetAndNotNull(f, ti)) {
                const std::string tags = OGR_F_GetFieldAsString(f, ti);
                const auto k = tags.find("\"highway\"=>\"");
                if (k != std::string::npos) {
                    const auto b = k + 12;
                    cls = tags.substr(b, tags.find('"', b) - b);
                }
            }
            OGRGeometryH g = cls.empty() ? nullptr : OGR_F_GetGeometryRef(f);
            if (g) {
                g = OGR_G_Clone(g);
                if (OGR_G_Transform(g, ct) == OGRERR_NONE) {
                    if (hi >= 0) {
                        km[cls] += OGR_G_Length(g) / 1000.0;
                    } else { // each polygon's outer ring
                        for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i) {
                            OGRGeometryH poly = OGR_G_GetGeometryRef(g, i);
                            km[cls] += OGR_G_Length(OGR_G_GetGeometryRef(poly, 0)) / 1000.0;
                        }
                    }
                }
                OGR_G_DestroyGeometry(g);
            }
            OGR_F_Destroy(f);
        }
        OCTDestroyCoordinateTransformation(ct);
        OSRDestroySpatialReference(src);
        GDALClose(ds);
    }
    OSRDestroySpatialReference(dst);
    return out;
}

void check_against_gdal(const std::string &path, double tolerance) {
    CAPTURE(path);
    LayerSpec spec = layer_spec_from_arg(path, "roads");
    const Network net = build_network(read_roads(spec, {}), NetworkOptions{});
    const NetworkSummary s = summarize(net);
    const GdalKm ref = gdal_km_by_class(path, net.crs());
    auto at = [](const std::map<std::string, double> &m, const std::string &c) {
        auto it = m.find(c);
        return it == m.end() ? 0.0 : it->second;
    };
    double lines_total = 0.0, all_total = 0.0;
    for (const auto &[cls, km] : s.km_by_class) {
        CAPTURE(cls);
        const double lines = at(ref.lines, cls), all = lines + at(ref.areas, cls);
        REQUIRE(all > 0);
        lines_total += lines;
        all_total += all;
        // the line ways, less duplicates merged, plus the outlines of area highways (less the
        // stretches they share with a line or a neighbouring area)
        if (lines > 5.0) CHECK(km >= lines * (1 - tolerance));
        // lugeo never invents road: at most what GDAL sees
        CHECK(km <= all * 1.000001 + 1e-9);
    }
    CHECK(s.total_km >= lines_total * (1 - tolerance));
    CHECK(s.total_km <= all_total * 1.000001);
}

} // namespace

TEST_CASE("ways that share a node join; a crossing without a shared node does not") {
    const AsciiMap map(R"(
        N   B
        |   |
    W---X---+---E
        |   |
        S   C
    )");
    // W X E is one way, N X S another sharing X; B C crosses W-E at '+' without a shared vertex.
    const Network net = map.build({{"WXE", "primary"}, {"NXS", "secondary"}, {"BC", "tertiary"}});
    CHECK(net.edge_count() == 5); // WX, XE, NX, XS, BC
    const auto x = node_at(net, map.at('X'));
    CHECK(net.out_arcs(Profile::walk, x).size() == 4);
    const auto w = node_at(net, map.at('W'));
    const auto b = node_at(net, map.at('B'));
    const auto seen = reachable(net, Profile::walk, w);
    CHECK(seen[node_at(net, map.at('S'))]);
    CHECK_FALSE(seen[b]);
    CHECK(net.component_count(Profile::walk) == 2);
    CHECK(net.node_components(Profile::walk)[w] != net.node_components(Profile::walk)[b]);
}

TEST_CASE("OSM file: noding at shared nodes, a bridge stays apart, non-roads left out") {
    LayerSpec spec = layer_spec_from_arg(fixtures + "/network/noding.osm", "roads");
    const Network net = build_network(read_roads(spec, {}), NetworkOptions{});
    // ways 10 and 11 split at X into 4 edges; bridge 12, one-way 13 and footway 14 one edge each
    CHECK(net.edge_count() == 7);
    CHECK(net.report().features_no_class == 1); // the river
    std::map<std::string, int> by_class;
    for (std::uint32_t e = 0; e < net.edge_count(); ++e)
        ++by_class[net.class_of(e)];
    CHECK(by_class["primary"] == 2);
    CHECK(by_class["secondary"] == 2);
    CHECK(by_class["tertiary"] == 1);
    // the bridge's component differs from the junction's
    std::uint32_t bridge = 0, primary = 0;
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        if (net.class_of(e) == "tertiary") bridge = e;
        if (net.class_of(e) == "primary") primary = e;
    }
    CHECK(net.edge_component(Profile::walk, bridge) != net.edge_component(Profile::walk, primary));
    CHECK(net.name_of(primary) == "人民路");
    // one-way from the OSM other_tags; maxspeed 10 caps the car's residential speed (15)
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        if (net.class_of(e) != "residential") continue;
        CHECK(net.edge(e).oneway == 1);
        CHECK(can_go(net, Profile::car, e, true));
        CHECK_FALSE(can_go(net, Profile::car, e, false));
        CHECK(can_go(net, Profile::walk, e, false));
        CHECK(net.travel_time(Profile::car, e, true) ==
              doctest::Approx(net.edge(e).length_m / (10.0 / 3.6)));
    }
    // the footway is walkable, not drivable
    for (std::uint32_t e = 0; e < net.edge_count(); ++e)
        if (net.class_of(e) == "footway") {
            CHECK(net.is_usable(Profile::walk, e));
            CHECK_FALSE(net.is_usable(Profile::car, e));
        }
    // lengths in metres: X is 0.002 deg of longitude (~191 m at 30.66N) from W1
    CHECK(net.edge(primary).length_m == doctest::Approx(191.6).epsilon(0.01));
}

TEST_CASE("one-way rules per profile: yes, -1, roundabout, reversible, motorway") {
    const AsciiMap map(R"(
    A---B---C---D---E---F
    )");
    const Network net = map.build({{"AB", "residential", "yes"},
                                   {"BC", "residential", "-1"},
                                   {"CD", "residential", "", "", "roundabout"},
                                   {"DE", "residential", "reversible"},
                                   {"EF", "motorway"}});
    REQUIRE(net.edge_count() == 5);
    struct Want {
        bool car_along, car_against, ebike_against, walk_against;
    };
    const Want want[] = {{true, false, false, true},
                         {false, true, true, true},
                         {true, false, false, true},
                         {false, false, false, true},
                         {true, false, false, false}};
    for (std::uint32_t e = 0; e < 5; ++e) {
        CAPTURE(e);
        CHECK(can_go(net, Profile::car, e, true) == want[e].car_along);
        CHECK(can_go(net, Profile::car, e, false) == want[e].car_against);
        if (e != 4) CHECK(can_go(net, Profile::ebike, e, false) == want[e].ebike_against);
        CHECK(can_go(net, Profile::walk, e, false) == want[e].walk_against);
    }
    // walking ignores one-way everywhere it may go
    for (std::uint32_t e = 0; e < 4; ++e)
        CHECK(can_go(net, Profile::walk, e, true));
}

TEST_CASE("CSR: every finite direction is exactly one out-arc and one in-arc") {
    LayerSpec spec =
        layer_spec_from_arg(fixtures + "/osm/tw-taipei-zhongshan-2024-03.osm", "roads");
    const Network net = build_network(read_roads(spec, {}), NetworkOptions{});
    REQUIRE(net.edge_count() > 20);
    for (Profile p : all_profiles) {
        std::size_t finite = 0, out = 0, in = 0;
        for (std::uint32_t e = 0; e < net.edge_count(); ++e)
            finite += can_go(net, p, e, true) + can_go(net, p, e, false);
        for (std::uint32_t n = 0; n < net.node_count(); ++n) {
            for (const auto &a : net.out_arcs(p, n)) {
                ++out;
                const auto &ed = net.edge(a.edge);
                CHECK(a.node == (a.along ? ed.to : ed.from));
                CHECK(a.time_s == net.travel_time(p, a.edge, a.along));
            }
            for (const auto &a : net.in_arcs(p, n)) {
                ++in;
                const auto &ed = net.edge(a.edge);
                CHECK(n == (a.along ? ed.to : ed.from));
            }
        }
        CHECK(out == finite);
        CHECK(in == finite);
    }
}

TEST_CASE("strongly connected components agree with reachability both ways") {
    const LayerSpec spec =
        layer_spec_from_arg(fixtures + "/osm/tw-taipei-zhongshan-2024-03.osm", "roads");
    const Network net = build_network(read_roads(spec, {}), NetworkOptions{});
    std::mt19937 rng(20261128);
    const auto &comp = net.node_components(Profile::car);
    std::vector<std::vector<bool>> reach(net.node_count());
    for (std::uint32_t n = 0; n < net.node_count(); ++n)
        reach[n] = reachable(net, Profile::car, n);
    for (int k = 0; k < 400; ++k) {
        const auto a = static_cast<std::uint32_t>(rng() % net.node_count());
        const auto b = static_cast<std::uint32_t>(rng() % net.node_count());
        if (comp[a] == Network::npos || comp[b] == Network::npos) continue;
        CAPTURE(a);
        CAPTURE(b);
        CHECK((comp[a] == comp[b]) == (reach[a][b] && reach[b][a]));
    }
}

TEST_CASE("duplicate directed copies of one segment become one two-way edge") {
    const AsciiMap map(R"(
    A-------B---C
    )");
    // (half the length has a reversed copy: read as undirected, as the test means)
    NetworkOptions und;
    und.layout = RoadLayout::undirected;
    const Network net = map.build(
        {{"AB", "primary", "yes"}, {"BA", "primary", "yes"}, {"BC", "primary"}, {"BC", "primary"}},
        und);
    CHECK(net.edge_count() == 2);
    CHECK(net.report().duplicate_edges_merged == 2);
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        CHECK(can_go(net, Profile::car, e, true));
        CHECK(can_go(net, Profile::car, e, false));
    }
    CHECK(summarize(net).total_km == doctest::Approx(0.12)); // 80 m + 40 m, not twice
}

TEST_CASE("snapping: nearest usable edge, offset along it, distance, limit") {
    const AsciiMap map(R"(
    A-----------B
                |
    F---G       C
    )");
    const Network net =
        map.build({{"AB", "residential"}, {"BC", "residential"}, {"FG", "footway"}});
    // 3 m south of the middle of AB
    const XY p{map.at('A').x + 55.0, map.at('A').y - 3.0};
    auto s = net.snap(p);
    REQUIRE(s);
    CHECK(net.name_of(s->edge) == "AB");
    CHECK(s->distance_m == doctest::Approx(3.0));
    const bool forward = net.edge_geometry(s->edge).front().x == map.at('A').x;
    CHECK(s->offset_m == doctest::Approx(forward ? 55.0 : 65.0));
    CHECK(distance(s->point, net.point_along(s->edge, s->offset_m)) < 1e-9);
    // the footway is nearer but a car may not use it
    const XY q{map.at('F').x + 5.0, map.at('F').y + 1.0};
    auto sc = net.snap(q, {Profile::car, 500.0, true});
    REQUIRE(sc);
    CHECK(net.name_of(sc->edge) != "FG");
    auto sw = net.snap(q, {Profile::walk, 500.0, false});
    REQUIRE(sw);
    CHECK(net.name_of(sw->edge) == "FG");
    // beyond the limit: nothing
    CHECK_FALSE(net.snap(XY{p.x, p.y - 1000.0}, {Profile::car, 100.0, true}));
}

TEST_CASE("a failed snap says why: the limit, and a nearby road outside the largest component") {
    const AsciiMap map(R"(
    A-----------B-----------C

                            G

    E-------F
    )");
    // E-F (80 m) is cut off; B-G (30 m) is one way out of the main roads
    const Network net = map.build(
        {{"ABC", "residential"}, {"EF", "residential"}, {"BG", "residential", "yes"}});
    const Network::SnapOptions near{Profile::car, 30.0, true};
    // 4 m north of E-F, 50 m from A-B-C: the cut-off part is named with its length
    const XY p{map.at('E').x + 40.0, map.at('E').y + 4.0};
    REQUIRE_FALSE(net.snap(p, near));
    const std::string why = net.snap_failure(p, near);
    CHECK(why.find("more than 30 m from every road usable by car in the network's largest "
                   "component") == 0);
    CHECK(why.find("the nearest, 4 m away, is in a part of 80 m of road") != std::string::npos);
    // beside G: the one-way spur is the nearest, between parts of the network
    const XY q{map.at('G').x + 3.0, map.at('G').y};
    REQUIRE_FALSE(net.snap(q, Network::SnapOptions{Profile::car, 10.0, true}));
    CHECK(net.snap_failure(q, {Profile::car, 10.0, true}).find("the nearest, 3 m away, is a one-way "
                                                               "road between parts") !=
          std::string::npos);
    // nothing at all within the limit: the limit alone
    const XY far{map.at('C').x + 500.0, map.at('C').y};
    CHECK(net.snap_failure(far, near) ==
          "more than 30 m from every road usable by car in the network's largest component");
}

TEST_CASE("snapping agrees with brute force on a real network") {
    const LayerSpec spec =
        layer_spec_from_arg(fixtures + "/osm/tw-taipei-zhongshan-2024-03.osm", "roads");
    const Network net = build_network(read_roads(spec, {}), NetworkOptions{});
    Box b;
    for (XY p : net.nodes())
        b.extend(p);
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> ux(b.minx - 100, b.maxx + 100),
        uy(b.miny - 100, b.maxy + 100);
    for (int k = 0; k < 300; ++k) {
        const XY p{ux(rng), uy(rng)};
        double best = 1e300;
        for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
            if (!net.is_usable(Profile::walk, e)) continue;
            auto g = net.edge_geometry(e);
            for (std::size_t i = 0; i + 1 < g.size(); ++i) {
                double t;
                best = std::min(best, distance(p, closest_on_segment(g[i], g[i + 1], p, t)));
            }
        }
        auto s = net.snap(p, {Profile::walk, 1e6, false});
        REQUIRE(s);
        CHECK(s->distance_m == doctest::Approx(best).epsilon(1e-9));
    }
}

TEST_CASE("snapping within a limit agrees with brute force, near and far from the network") {
    // issue 18: the search is bounded by the limit; beyond it there is no snap
    const LayerSpec spec =
        layer_spec_from_arg(fixtures + "/osm/tw-taipei-zhongshan-2024-03.osm", "roads");
    const Network net = build_network(read_roads(spec, {}), NetworkOptions{});
    Box b;
    for (XY p : net.nodes())
        b.extend(p);
    std::mt19937 rng(11);
    // points up to 20 km outside the network's box, limits from 20 m to none
    std::uniform_real_distribution<double> ux(b.minx - 20000, b.maxx + 20000),
        uy(b.miny - 20000, b.maxy + 20000), near_x(b.minx - 300, b.maxx + 300),
        near_y(b.miny - 300, b.maxy + 300);
    const double limits[] = {20.0, 150.0, 1000.0, 5000.0, std::numeric_limits<double>::infinity()};
    int snapped = 0, refused = 0;
    for (int k = 0; k < 400; ++k) {
        const XY p = k % 2 ? XY{ux(rng), uy(rng)} : XY{near_x(rng), near_y(rng)};
        double best = 1e300;
        for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
            if (!net.is_usable(Profile::car, e)) continue;
            auto g = net.edge_geometry(e);
            for (std::size_t i = 0; i + 1 < g.size(); ++i) {
                double t;
                best = std::min(best, distance(p, closest_on_segment(g[i], g[i + 1], p, t)));
            }
        }
        const double limit = limits[static_cast<std::size_t>(k) % std::size(limits)];
        CAPTURE(p.x);
        CAPTURE(p.y);
        CAPTURE(limit);
        auto s = net.snap(p, {Profile::car, limit, false});
        if (best <= limit * (1 - 1e-12)) {
            REQUIRE(s);
            CHECK(s->distance_m == doctest::Approx(best).epsilon(1e-9));
            ++snapped;
        } else if (best > limit * (1 + 1e-12)) {
            CHECK_FALSE(s);
            ++refused;
        }
    }
    CHECK(snapped > 100);
    CHECK(refused > 100);
}

TEST_CASE("snapping: a NaN or negative limit is an error, not a cast") {
    const AsciiMap map(R"(
A-----B
)");
    const Network net = map.build({{"AB"}});
    CHECK_THROWS_AS(net.snap(map.at('A'), {Profile::car, std::nan(""), false}), Error);
    CHECK_THROWS_AS(net.snap(map.at('A'), {Profile::car, -1.0, false}), Error);
    CHECK(net.snap(map.at('A'), {Profile::car, 0.0, false}));
}

TEST_CASE("sub_line conserves length; an edge span draws as its sub_line; its distance to an "
          "offset is 0 only inside it") {
    const LayerSpec spec =
        layer_spec_from_arg(fixtures + "/osm/tw-taipei-zhongshan-2024-03.osm", "roads");
    const Network net = build_network(read_roads(spec, {}), NetworkOptions{});
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        const double L = net.edge(e).length_m;
        const double a = 0.3 * L, b = 0.8 * L;
        const double sum = length(net.sub_line(e, 0, a)) + length(net.sub_line(e, a, b)) +
                           length(net.sub_line(e, b, L));
        CHECK(sum == doctest::Approx(L).epsilon(1e-9));
        const EdgeSpan s{e, 0.25 * L, 0.75 * L};
        CHECK(length(net.sub_line(s)) == doctest::Approx(s.length_m()).epsilon(1e-9));
        const LineString drawn = net.sub_line(s), cut = net.sub_line(e, s.from_m, s.to_m);
        REQUIRE(drawn.size() == cut.size());
        CHECK(drawn.front().x == cut.front().x);
        CHECK(drawn.back().y == cut.back().y);
        CHECK(s.distance_to(s.mid_m()) == 0.0);
        CHECK(s.distance_to(0.0) == doctest::Approx(0.25 * L));
        CHECK(s.distance_to(L) == doctest::Approx(0.25 * L));
    }
}

TEST_CASE("a timed span: times linear along it, cut without changing them, length within t") {
    std::mt19937 rng(17);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int i = 0; i < 200; ++i) {
        CAPTURE(i);
        TimedSpan s;
        s.from_m = 100 * u(rng);
        s.to_m = s.from_m + 1 + 100 * u(rng);
        s.time_from_s = 60 * u(rng);
        s.time_to_s = 60 * u(rng);
        CHECK(s.time_at(s.from_m) == doctest::Approx(s.time_from_s));
        CHECK(s.time_at(s.to_m) == doctest::Approx(s.time_to_s));
        // the cut keeps the time at every offset within it
        const double lo = s.from_m + 0.2 * s.length_m(), hi = s.from_m + 0.7 * s.length_m();
        TimedSpan c = s;
        c.cut_to(lo, hi);
        CHECK(c.length_m() == doctest::Approx(hi - lo));
        for (double f : {0.0, 0.3, 1.0}) {
            const double x = lo + f * (hi - lo);
            CHECK(c.time_at(x) == doctest::Approx(s.time_at(x)));
        }
        // the length reached within t, against a count of 1000 samples
        const double t = s.min_time_s() + u(rng) * (s.max_time_s() - s.min_time_s());
        int within = 0;
        for (int k = 0; k < 1000; ++k)
            within += s.time_at(s.from_m + (k + 0.5) / 1000.0 * s.length_m()) <= t;
        CHECK(std::abs(s.length_within_m(t) - within / 1000.0 * s.length_m()) <=
              s.length_m() / 1000.0 + 1e-9);
        CHECK(s.length_within_m(s.max_time_s()) == s.length_m());
        CHECK(s.length_within_m(s.min_time_s() - 1) == 0.0);
    }
}

TEST_CASE("bbox-cut extracts load and report what was cut") {
    for (const char *f :
         {"helsinki-centre-2019-04.osm.pbf", "lauf-an-der-pegnitz-2020-01-15.osm.pbf"}) {
        CAPTURE(f);
        const Network net = build_network(
            read_roads(layer_spec_from_arg(fixtures + "/osm/" + f, "roads"), {}), NetworkOptions{});
        CHECK(net.edge_count() > 1000);
        CHECK(net.report().ways_missing_nodes > 0);
        bool said = false;
        for (const auto &w : net.report().warnings)
            said |= w.find("missing from the extract") != std::string::npos;
        CHECK(said);
    }
}

TEST_CASE("km per class agree with GDAL's own measure of the same ways") {
    check_against_gdal(fixtures + "/osm/malta-2016-11-09.osm.pbf", 0.02);
    check_against_gdal(fixtures + "/osm/helsinki-centre-2019-04.osm.pbf", 0.02);
    check_against_gdal(fixtures + "/osm/lauf-an-der-pegnitz-2020-01-15.osm.pbf", 0.02);
    check_against_gdal(std::string(LUGEO_DATA_DIR) + "/chengdu-centre-2018.osm", 0.02);
}

TEST_CASE("the demo scene's network: one big drivable component, metric CRS of the scene") {
    const Scene scene = load_scene(default_scene_path());
    const SceneData data = read_scene_data(scene, {LayerRole::roads});
    const Network net = build_network(data.roads, data.settings.network);
    CHECK(net.crs() == "EPSG:32648");
    const NetworkSummary s = summarize(net);
    CHECK(s.total_km > 800);
    CHECK(s.km_by_profile[static_cast<std::size_t>(Profile::car)] > 700);
    CHECK(s.largest_share[static_cast<std::size_t>(Profile::walk)] > 0.95);
}

TEST_CASE("bad road input: no usable road, missing class field") {
    const AsciiMap map(R"(
    A---B
    )");
    CHECK_THROWS_AS(map.build({{"AB", "proposed"}}), Error);
    try {
        map.build({{"AB", "proposed"}});
    } catch (const Error &e) {
        CHECK(e.code() == ErrorCode::invalid_geometry);
        CHECK(std::string(e.what()).find("no usable road") != std::string::npos);
    }
}

// ---- issue 11: directed road layers -------------------------------------------------------

namespace {

std::string lower_copy(std::string s) {
    for (auto &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// The ways of an OSM layer redrawn as a survey office draws a directed network: one feature
/// per direction a car may drive (a two-way street twice, reversed), no one-way field.
std::vector<RoadInput> directed_copy(const std::vector<RoadInput> &ways, const NetworkOptions &o) {
    auto in = [](const std::string &v, const std::vector<std::string> &l) {
        return std::find(l.begin(), l.end(), v) != l.end();
    };
    std::vector<RoadInput> out;
    for (const RoadInput &r : ways) {
        const std::string ow = lower_copy(r.oneway), j = lower_copy(r.junction);
        RoadInput c = r;
        c.oneway.clear();
        c.junction.clear();
        if (in(ow, o.oneway_closed)) {
            c.oneway = r.oneway; // closed stays closed
            out.push_back(c);
        } else if (in(ow, o.oneway_forward) ||
                   (ow.empty() &&
                    (j == "roundabout" || j == "circular" || r.road_class == "motorway"))) {
            out.push_back(c);
        } else if (in(ow, o.oneway_backward)) {
            std::reverse(c.line.begin(), c.line.end());
            out.push_back(c);
        } else {
            out.push_back(c);
            std::reverse(c.line.begin(), c.line.end());
            out.push_back(c);
        }
    }
    return out;
}

double reached_km(const Network &net, const Reach &r, double threshold) {
    double m = 0;
    for (const auto &pc : reached_pieces(net, r, threshold))
        m += pc.length_m();
    return m / 1000.0;
}

} // namespace

TEST_CASE("directed road layers: single features one-way, the layout detected, 5-minute reach "
          "as in the directed truth") {
    const LayerSpec spec =
        layer_spec_from_arg(fixtures + "/osm/lauf-an-der-pegnitz-2020-01-15.osm.pbf", "roads");
    const Roads osm = read_roads(spec, {});
    NetworkOptions und;
    und.layout = RoadLayout::undirected;
    const Network truth = build_network(osm, und);
    // an OSM extract is one feature per road
    const RoadLayoutReport osm_layout = detect_road_layout(osm.ways);
    CHECK(osm_layout.layout == RoadLayout::undirected);
    CHECK(build_network(osm, NetworkOptions{}).report().layout_used == RoadLayout::undirected);

    Roads dir = osm;
    dir.ways = directed_copy(osm.ways, und);
    REQUIRE(dir.ways.size() > osm.ways.size());
    const RoadLayoutReport dl = detect_road_layout(dir.ways);
    INFO("twinned share " << dl.twinned_share());
    CHECK(dl.layout == RoadLayout::directed);
    const Network net = build_network(dir, NetworkOptions{}); // detect
    CHECK(net.report().layout_used == RoadLayout::directed);
    CHECK_FALSE(net.report().layout_from_settings);

    const NetworkSummary st = summarize(truth), sd = summarize(net);
    INFO("one-way share: truth " << st.oneway_share << ", directed layer " << sd.oneway_share);
    REQUIRE(st.oneway_share > 0.01);
    CHECK(sd.oneway_share == doctest::Approx(st.oneway_share).epsilon(1e-6));
    const std::size_t car = static_cast<std::size_t>(Profile::car);
    CHECK(sd.km_by_profile[car] == doctest::Approx(st.km_by_profile[car]).epsilon(1e-9));

    // read as undirected (the old behaviour) the single features come out two-way
    const Network wrong = build_network(dir, und);
    CHECK(summarize(wrong).oneway_share < 0.5 * st.oneway_share);
    // the setting forces the layout either way
    NetworkOptions forced;
    forced.layout = RoadLayout::directed;
    const Network forced_net = build_network(dir, forced);
    CHECK(forced_net.report().layout_from_settings);
    CHECK(summarize(forced_net).oneway_share == doctest::Approx(st.oneway_share).epsilon(1e-6));

    // 5-minute car reach from nodes of the truth: the same road, out and in
    std::mt19937 rng(3);
    const auto &comp = truth.node_components(Profile::car);
    double sum_truth = 0, sum_wrong = 0;
    int sources = 0;
    for (int tries = 0; sources < 25 && tries < 10000; ++tries) {
        const auto n = static_cast<std::uint32_t>(rng() % truth.node_count());
        if (comp[n] != truth.largest_component(Profile::car)) continue;
        const XY p = truth.node(n);
        for (const Direction d : {Direction::outbound, Direction::inbound}) {
            RoutingOptions o;
            o.profile = Profile::car;
            o.direction = d;
            o.limit_s = 300;
            auto one = [&](const Network &g) {
                const auto s = g.snap(p, {Profile::car, 1.0, true});
                REQUIRE(s);
                return reached_km(g, shortest_times(g, {RoutingSource{*s}}, o), 300);
            };
            const double t = one(truth), got = one(net);
            CAPTURE(n);
            CHECK(got == doctest::Approx(t).epsilon(1e-6));
            sum_truth += t;
            sum_wrong += one(wrong);
        }
        ++sources;
    }
    CHECK(sources == 25);
    INFO("5-minute reach, read as undirected / truth: " << sum_wrong / sum_truth);
    CHECK(sum_wrong > 1.02 * sum_truth);
}

TEST_CASE("road layout detection: undirected, mixed, directed by the reversed-copy share") {
    const AsciiMap map(R"(
    A-------B-------C-------D-------E
    )");
    // AB twice (reversed), the rest once: 1 of 4 roads twinned -> 2 of 5 copies' length
    auto ways = map.roads({{"AB"}, {"BA"}, {"BC"}, {"CD"}, {"DE"}});
    RoadLayoutReport r = detect_road_layout(ways);
    CHECK(r.twinned_share() == doctest::Approx(0.4));
    CHECK(r.layout == RoadLayout::directed);
    CHECK(r.features_twinned == 2);
    // a long road split differently in each direction still counts
    ways = map.roads({{"ABCDE"}, {"ED"}, {"DCB"}, {"BA"}});
    CHECK(detect_road_layout(ways).twinned_share() == doctest::Approx(1.0));
    // nothing reversed
    ways = map.roads({{"ABC"}, {"CDE"}});
    CHECK(detect_road_layout(ways).layout == RoadLayout::undirected);
    // a way doubling back on itself is not a second direction
    ways = map.roads({{"ABA"}});
    CHECK(detect_road_layout(ways).twinned_share() == 0.0);
    // a little reversed among much single road: mixed, read undirected with a warning
    std::vector<lugeo::test::AsciiWay> many;
    for (int k = 0; k < 30; ++k)
        many.push_back({"BC"}); // 30 same-direction copies of BC (not twins)
    many.push_back({"AB"});
    many.push_back({"BA"});
    ways = map.roads(many);
    r = detect_road_layout(ways);
    CHECK(r.layout == RoadLayout::mixed);
    const Network net = build_network(ways, "EPSG:32648", NetworkOptions{});
    CHECK(net.report().layout_used == RoadLayout::undirected);
    bool warned = false;
    for (const auto &w : net.report().warnings)
        warned |= w.find("directed = true") != std::string::npos;
    CHECK(warned);
}

TEST_CASE("edges in a box: the snapping index gives what a pass over every edge gives; the "
          "usable length is the sum over the usable edges") {
    const Scene scene = load_scene(default_scene_path());
    const SceneData data = read_scene_data(scene, {LayerRole::roads});
    const Network net = build_network(data.roads, data.settings.network);
    Box all;
    for (const XY &p : net.nodes())
        all.extend(p);
    std::mt19937 rng(20261202);
    std::uniform_real_distribution<double> ux(all.minx - 500, all.maxx + 500),
        uy(all.miny - 500, all.maxy + 500), size(0, 3000),
        large(3000, std::max(all.maxx - all.minx, all.maxy - all.miny));
    for (int n = 0; n < 40; ++n) {
        // small boxes (a few hits, sorted) and large ones (much of the network: a bit per edge)
        auto &sz = n % 2 ? large : size;
        Box b;
        b.extend({ux(rng), uy(rng)});
        b.extend({b.minx + sz(rng), b.miny + sz(rng)});
        std::vector<std::uint32_t> brute;
        for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
            const auto g = net.edge_geometry(e);
            for (std::size_t i = 1; i < g.size(); ++i)
                if (std::max(g[i - 1].x, g[i].x) >= b.minx &&
                    std::min(g[i - 1].x, g[i].x) <= b.maxx &&
                    std::max(g[i - 1].y, g[i].y) >= b.miny &&
                    std::min(g[i - 1].y, g[i].y) <= b.maxy) {
                    brute.push_back(e);
                    break;
                }
        }
        CHECK(net.edges_in(b) == brute);
    }
    CHECK(net.edges_in(Box{}).empty()); // an empty box
    for (Profile p : {Profile::walk, Profile::ebike, Profile::car}) {
        double m = 0;
        for (std::uint32_t e = 0; e < net.edge_count(); ++e)
            if (net.is_usable(p, e)) m += net.edge(e).length_m;
        CHECK(net.usable_length_m(p) == m);
        CHECK(m > 0);
    }
}
