// Road network: noding, one-way rules per profile, CSR, components, snapping, real extracts.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/scene.hpp>

#include "support/ascii_map.hpp"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

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
    const Network net = map.build(
        {{"AB", "primary", "yes"}, {"BA", "primary", "yes"}, {"BC", "primary"}, {"BC", "primary"}});
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
    const double limits[] = {20.0, 150.0, 1000.0, 5000.0,
                             std::numeric_limits<double>::infinity()};
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

TEST_CASE("sub_line conserves length") {
    const LayerSpec spec =
        layer_spec_from_arg(fixtures + "/osm/tw-taipei-zhongshan-2024-03.osm", "roads");
    const Network net = build_network(read_roads(spec, {}), NetworkOptions{});
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        const double L = net.edge(e).length_m;
        const double a = 0.3 * L, b = 0.8 * L;
        const double sum = length(net.sub_line(e, 0, a)) + length(net.sub_line(e, a, b)) +
                           length(net.sub_line(e, b, L));
        CHECK(sum == doctest::Approx(L).epsilon(1e-9));
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
