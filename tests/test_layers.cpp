// The layers module's input side: layers that do not overlap the roads, repeated unit ids,
// points from CSV columns, compressed sources, counts after `where`, and the metric CRS chosen
// for roads given alone.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/io.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/scene.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace lugeo;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        static int counter = 0;
        path = fs::temp_directory_path() / ("lugeo-test-layers-" + std::to_string(::getpid()) +
                                            "-" + std::to_string(counter++));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string write(const std::string &name, const std::string &text) const {
        std::ofstream(path / name) << text;
        return (path / name).string();
    }
};

template <class F> Error error_of(F &&f) {
    try {
        f();
    } catch (const Error &e) {
        return e;
    }
    FAIL("no lugeo::Error thrown");
    return Error(ErrorCode::internal, "");
}

bool has(const std::string &s, const std::string &part) {
    return s.find(part) != std::string::npos;
}

// A small road grid near (lon0, lat0): `n` x `n` streets `step` degrees apart, as GeoJSON.
std::string road_grid(double lon0, double lat0, int n = 5, double step = 0.005) {
    std::ostringstream o;
    o.precision(10);
    o << "{\"type\":\"FeatureCollection\",\"features\":[";
    bool first = true;
    for (int i = 0; i < n; ++i) {
        for (int dir = 0; dir < 2; ++dir) {
            const double a0 = dir == 0 ? lon0 : lon0 + i * step;
            const double b0 = dir == 0 ? lat0 + i * step : lat0;
            const double a1 = dir == 0 ? lon0 + (n - 1) * step : a0;
            const double b1 = dir == 0 ? b0 : lat0 + (n - 1) * step;
            o << (first ? "" : ",")
              << "{\"type\":\"Feature\",\"properties\":{\"highway\":\"residential\"},"
                 "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[["
              << a0 << "," << b0 << "],[" << a1 << "," << b1 << "]]}}";
            first = false;
        }
    }
    o << "]}";
    return o.str();
}

// Points as GeoJSON with an id and a kind ("crs" member when not WGS84).
std::string points_geojson(const std::vector<XY> &pts, const std::vector<std::string> &ids,
                           const std::string &crs_urn = {}) {
    std::ostringstream o;
    o.precision(12);
    o << "{\"type\":\"FeatureCollection\",";
    if (!crs_urn.empty())
        o << "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"" << crs_urn << "\"}},";
    o << "\"features\":[";
    for (std::size_t i = 0; i < pts.size(); ++i)
        o << (i ? "," : "") << "{\"type\":\"Feature\",\"properties\":{\"id\":\"" << ids[i]
          << "\",\"kind\":\"kiosk\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" << pts[i].x
          << "," << pts[i].y << "]}}";
    o << "]}";
    return o.str();
}

// A square polygon layer (boundary) with corners (x0, y0) - (x1, y1) in its own CRS.
std::string square_geojson(double x0, double y0, double x1, double y1,
                           const std::string &crs_urn = {}) {
    std::ostringstream o;
    o.precision(12);
    o << "{\"type\":\"FeatureCollection\",";
    if (!crs_urn.empty())
        o << "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"" << crs_urn << "\"}},";
    o << "\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"b\"},\"geometry\":{"
         "\"type\":\"Polygon\",\"coordinates\":[[["
      << x0 << "," << y0 << "],[" << x1 << "," << y0 << "],[" << x1 << "," << y1 << "],[" << x0
      << "," << y1 << "],[" << x0 << "," << y0 << "]]]}}]}";
    return o.str();
}

// Malta: swapping lon/lat still gives a valid position (35.9E 14.5N), so only the extent
// check can tell.
constexpr double lon0 = 14.50, lat0 = 35.88;
const std::string metric = "EPSG:32633";

std::string scene_toml(const std::string &extra) {
    return "[scene]\nname = \"t\"\ncrs = \"" + metric +
           "\"\n[layers.roads]\nsource = \"roads.geojson\"\n" + extra;
}

LayerReport box_report(LayerRole role, Box b) {
    LayerReport r;
    role == LayerRole::roads ? (r.kept = 10) : (r.kept = 1);
    r.role = role;
    r.extent = b;
    r.source_crs = metric;
    r.path = std::string(layer_role_name(role)) + ".gpkg";
    return r;
}

} // namespace

TEST_CASE("check_overlaps_roads: an error exactly when the layer lies beyond the margin") {
    const MetricFrame frame(metric);
    const XY c = frame.to_metric({lon0, lat0});
    Box roads;
    roads.extend({c.x, c.y});
    roads.extend({c.x + 4000, c.y + 3000});
    const LayerReport rr = box_report(LayerRole::roads, roads);
    const double margin = std::max(1000.0, 0.1 * 4000.0);
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> gap(1.0, 30000.0), ang(0.0, 2 * M_PI);
    for (int i = 0; i < 200; ++i) {
        // a small layer whose nearest point lies `d` metres outside the roads' box, along x or y
        const double d = gap(rng);
        const bool along_x = i % 2 == 0;
        const double sign = (i / 2) % 2 ? 1.0 : -1.0;
        Box l;
        const XY at = along_x ? XY{sign > 0 ? roads.maxx + d : roads.minx - d - 50, c.y + 1000}
                              : XY{c.x + 1000, sign > 0 ? roads.maxy + d : roads.miny - d - 50};
        l.extend(at);
        l.extend({at.x + 50, at.y + 50});
        const LayerReport lr = box_report(LayerRole::units, l);
        CAPTURE(d);
        if (d <= margin - 1e-6) {
            CHECK_NOTHROW(check_overlaps_roads(lr, rr, metric));
        } else {
            const Error e = error_of([&] { check_overlaps_roads(lr, rr, metric); });
            CHECK(e.code() == ErrorCode::invalid_geometry);
            CHECK(has(e.what(), "units layer lies away from the roads"));
            CHECK(has(e.what(), "units.gpkg")); // the file
            CHECK(e.context().parameter == "layers.units");
            // both extents, in lon/lat
            CHECK(has(e.message(), "its extent is lon "));
            CHECK(has(e.message(), "the roads' is lon "));
        }
    }
    // an empty layer or roads extent is not this check's business
    CHECK_NOTHROW(check_overlaps_roads(box_report(LayerRole::units, Box{}), rr, metric));
}

TEST_CASE("a boundary with lon/lat swapped is an error that says so, for every reader path") {
    TempDir d;
    d.write("roads.geojson", road_grid(lon0, lat0));
    const double s = 0.02; // the grid spans 0.02 degrees
    SUBCASE("geographic: lon/lat swapped, still in range") {
        d.write("b.geojson", square_geojson(lat0, lon0, lat0 + s, lon0 + s));
        const Scene scene = load_scene(
            d.write("s.toml", scene_toml("[layers.boundary]\nsource = \"b.geojson\"\n")));
        const Error e = error_of([&] { read_scene_data(scene); });
        CHECK(has(e.what(), "b.geojson"));
        CHECK(has(e.message(), "boundary layer lies away from the roads"));
        CHECK(has(e.message(), "longitude and latitude look swapped"));
        // the same layer read on its own and checked as the CLI does for extra layers
        LayerReport rep, roads_rep;
        read_roads(scene.layer(LayerRole::roads), layer_read_context(scene), &roads_rep);
        read_boundary(scene.layer(LayerRole::boundary), layer_read_context(scene), &rep);
        CHECK_THROWS_AS(check_overlaps_roads(rep, roads_rep, scene.crs), Error);
    }
    SUBCASE("projected: easting and northing swapped") {
        const Transformer tr("EPSG:4326", metric);
        const XY a = tr.forward(XY{lon0, lat0}), b = tr.forward(XY{lon0 + s, lat0 + s});
        d.write("b.geojson", square_geojson(a.y, a.x, b.y, b.x, "urn:ogc:def:crs:EPSG::32633"));
        const Scene scene = load_scene(
            d.write("s.toml", scene_toml("[layers.boundary]\nsource = \"b.geojson\"\n")));
        const Error e = error_of([&] { read_scene_data(scene); });
        CHECK(has(e.message(), "x and y look swapped"));
    }
    SUBCASE("a wrong CRS: named, with the one the source declares") {
        const Transformer tr("EPSG:4326", "EPSG:32650"); // two zones east
        const XY a = tr.forward(XY{lon0, lat0}), b = tr.forward(XY{lon0 + s, lat0 + s});
        d.write("b.geojson", square_geojson(a.x, a.y, b.x, b.y, "urn:ogc:def:crs:EPSG::32633"));
        const Scene scene = load_scene(
            d.write("s.toml", scene_toml("[layers.boundary]\nsource = \"b.geojson\"\n")));
        const Error e = error_of([&] { read_scene_data(scene); });
        CHECK(has(e.message(), "is its CRS right? The source declares EPSG:32633"));
    }
    SUBCASE("the right layer passes") {
        d.write("b.geojson", square_geojson(lon0, lat0, lon0 + s, lat0 + s));
        const Scene scene = load_scene(
            d.write("s.toml", scene_toml("[layers.boundary]\nsource = \"b.geojson\"\n")));
        const SceneData data = read_scene_data(scene);
        CHECK_FALSE(data.boundary.empty());
    }
}

TEST_CASE("a command that does not read the roads still checks its layers against them") {
    TempDir d;
    // roads as a GeoPackage: its header knows the extent without the features being read
    const std::string gj = d.write("roads.geojson", road_grid(lon0, lat0));
    const std::string gpkg = (d.path / "roads.gpkg").string();
    REQUIRE(std::system(("ogr2ogr -f GPKG '" + gpkg + "' '" + gj + "' 2>/dev/null").c_str()) == 0);
    REQUIRE(declared_extent(layer_spec_from_arg(gpkg, "roads"), metric));
    d.write("far.geojson", points_geojson({{lat0, lon0}, {lat0 + 0.01, lon0}}, {"A", "B"}));
    d.write("near.geojson", points_geojson({{lon0, lat0}, {lon0 + 0.01, lat0}}, {"A", "B"}));
    const std::string head = "[scene]\nname = \"t\"\ncrs = \"" + metric +
                             "\"\n[layers.roads]\nsource = \"roads.gpkg\"\n";
    const Scene far =
        load_scene(d.write("far.toml", head + "[layers.units]\nsource = \"far.geojson\"\n"));
    const Error e = error_of([&] { read_scene_data(far, {LayerRole::units}); });
    CHECK(has(e.message(), "units layer lies away from the roads"));
    // the declared extent disagreed, so the roads were read before the units were blamed:
    // the message gives the extent the roads hold, not the one their header declares
    CHECK(has(e.message(), "the roads' is"));
    CHECK_FALSE(has(e.message(), "as the roads' source declares it"));
    const Scene near =
        load_scene(d.write("near.toml", head + "[layers.units]\nsource = \"near.geojson\"\n"));
    const SceneData data = read_scene_data(near, {LayerRole::units});
    CHECK(data.units.size() == 2);
    CHECK_FALSE(data.has(LayerRole::roads));
}

TEST_CASE("a repeated unit id is an error naming both features; lenient leaves it out") {
    TempDir d;
    d.write("roads.geojson", road_grid(lon0, lat0));
    std::vector<XY> pts;
    std::vector<std::string> ids;
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> pick(0, 9);
    for (int i = 0; i < 10; ++i) {
        pts.push_back({lon0 + 0.001 * i, lat0 + 0.001 * i});
        ids.push_back("U" + std::to_string(i));
    }
    const int a = pick(rng), b = (a + 1 + pick(rng) % 9) % 10; // two different features
    ids[static_cast<std::size_t>(std::max(a, b))] = ids[static_cast<std::size_t>(std::min(a, b))];
    d.write("units.geojson", points_geojson(pts, ids));
    const Scene scene =
        load_scene(d.write("s.toml", scene_toml("[layers.units]\nsource = \"units.geojson\"\n")));
    const Error e = error_of([&] { read_scene_data(scene, {LayerRole::units}); });
    CHECK(e.code() == ErrorCode::duplicate_id);
    CHECK(e.context().feature == std::max(a, b));
    CHECK(has(e.message(), "also feature " + std::to_string(std::min(a, b))));
    CHECK(has(e.message(), ids[static_cast<std::size_t>(std::min(a, b))]));
    SceneReadOptions lenient;
    lenient.lenient = true;
    const SceneData data = read_scene_data(scene, {LayerRole::units}, lenient);
    CHECK(data.units.size() == 9);
    REQUIRE(data.report(LayerRole::units));
    CHECK(data.report(LayerRole::units)->duplicates == 1);
}

TEST_CASE("points from CSV columns: lon/lat by name, x/y named in the scene, or a clear error") {
    TempDir d;
    d.write("roads.geojson", road_grid(lon0, lat0));
    const MetricFrame frame(metric);
    std::vector<LonLat> at;
    for (int i = 0; i < 6; ++i)
        at.push_back({lon0 + 0.003 * i, lat0 + 0.002 * i});
    auto check_positions = [&](const std::vector<Unit> &units) {
        REQUIRE(units.size() == at.size());
        for (std::size_t i = 0; i < at.size(); ++i) {
            const XY want = frame.to_metric(at[i]);
            CHECK(std::hypot(units[i].position.x - want.x, units[i].position.y - want.y) < 0.01);
        }
    };
    auto csv = [&](const std::string &name, const std::string &xcol, const std::string &ycol,
                   bool projected) {
        std::ostringstream o;
        o.precision(12);
        o << "id,kind," << xcol << "," << ycol << "\n";
        for (std::size_t i = 0; i < at.size(); ++i) {
            const XY p = projected ? frame.to_metric(at[i]) : XY{at[i].lon, at[i].lat};
            o << "K" << i << ",kiosk," << p.x << "," << p.y << "\n";
        }
        d.write(name, o.str());
    };
    SUBCASE("lon/lat columns, no CRS declared: WGS84") {
        for (const auto &[x, y] : std::vector<std::pair<std::string, std::string>>{
                 {"lon", "lat"}, {"longitude", "latitude"}, {"Lng", "Lat"}, {"经度", "纬度"}}) {
            CAPTURE(x);
            csv("u.csv", x, y, false);
            const Scene scene =
                load_scene(d.write("s.toml", scene_toml("[layers.units]\nsource = \"u.csv\"\n")));
            const SceneData data = read_scene_data(scene, {LayerRole::units});
            check_positions(data.units);
            CHECK(data.units[0].kind == "kiosk");
        }
    }
    SUBCASE("x/y fields named in the scene, projected, with the layer's crs") {
        csv("u.csv", "east_m", "north_m", true);
        const Scene scene = load_scene(d.write(
            "s.toml", scene_toml("[layers.units]\nsource = \"u.csv\"\ncrs = \"" + metric +
                                 "\"\n[layers.units.fields]\nx = \"east_m\"\ny = \"north_m\"\n")));
        check_positions(read_scene_data(scene, {LayerRole::units}).units);
    }
    SUBCASE("a CSV without coordinate columns: its columns and the options, not the filter") {
        csv("u.csv", "pos_a", "pos_b", false);
        const Scene scene = load_scene(d.write(
            "s.toml",
            scene_toml("[layers.units]\nsource = \"u.csv\"\nwhere = \"kind = 'kiosk'\"\n")));
        const Error e = error_of([&] { read_scene_data(scene, {LayerRole::units}); });
        CHECK(e.code() == ErrorCode::invalid_geometry);
        CHECK(has(e.what(), "u.csv"));
        CHECK(has(e.message(), "no coordinate columns"));
        CHECK(has(e.message(), "its columns are: id, kind, pos_a, pos_b"));
        CHECK(has(e.message(), "x = \""));
        CHECK_FALSE(has(e.message(), "where"));
        CHECK_FALSE(has(e.message(), "coordinate reference system"));
    }
}

TEST_CASE("compressed sources open without /vsigzip/ or /vsizip/") {
    TempDir d;
    const std::string gj = d.write("roads.geojson", road_grid(lon0, lat0));
    const LayerSpec plain = layer_spec_from_arg(gj, "roads");
    LayerReadContext ctx;
    ctx.metric_crs = metric;
    LayerReport want;
    const Roads r0 = read_roads(plain, ctx, &want);
    REQUIRE(std::system(("gzip -k '" + gj + "'").c_str()) == 0);
    REQUIRE(std::system(
                ("cd '" + d.path.string() + "' && zip -q roads.zip roads.geojson").c_str()) == 0);
    for (const std::string name : {"roads.geojson.gz", "roads.zip"}) {
        CAPTURE(name);
        LayerReport got;
        const Roads r =
            read_roads(layer_spec_from_arg((d.path / name).string(), "roads"), ctx, &got);
        CHECK(r.ways.size() == r0.ways.size());
        CHECK(got.kept == want.kept);
        CHECK(got.extent.minx == doctest::Approx(want.extent.minx));
        CHECK(got.extent.maxy == doctest::Approx(want.extent.maxy));
    }
    // a /vsi path given by hand is not refused as missing
    const LayerSpec vsi =
        layer_spec_from_arg("/vsigzip/" + (d.path / "roads.geojson.gz").string(), "roads");
    CHECK(vsi.layer.empty());
    CHECK(read_roads(vsi, ctx).ways.size() == r0.ways.size());
}

TEST_CASE("counts follow `where`: in the source, read, kept") {
    TempDir d;
    d.write("roads.geojson", road_grid(lon0, lat0));
    std::vector<XY> pts;
    std::vector<std::string> ids;
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> coin(0, 2);
    std::size_t kiosks = 0;
    std::ostringstream o;
    o << "id,kind,lon,lat\n";
    for (int i = 0; i < 40; ++i) {
        const bool k = coin(rng) == 0;
        kiosks += k;
        o << "U" << i << "," << (k ? "kiosk" : "station") << "," << lon0 + 0.0004 * i << ","
          << lat0 + 0.0003 * i << "\n";
    }
    REQUIRE(kiosks > 0);
    d.write("u.csv", o.str());
    const Scene scene = load_scene(d.write(
        "s.toml", scene_toml("[layers.units]\nsource = \"u.csv\"\nwhere = \"kind = 'kiosk'\"\n")));
    const SceneData data = read_scene_data(scene, {LayerRole::units});
    const LayerReport *r = data.report(LayerRole::units);
    REQUIRE(r);
    CHECK(r->in_source == 40);
    CHECK(r->read == kiosks);
    CHECK(r->kept == kiosks);
    CHECK(data.units.size() == kiosks);
}

TEST_CASE("roads given alone get the metric CRS chosen for their area, and say why") {
    TempDir d;
    struct Case {
        double lon, lat;
        std::string crs;
    };
    // Chuxiong (CGCS2000 GK CM 102E), Chengdu (CM 105E), Malta (UTM 33N)
    for (const Case &c : {Case{101.54, 25.04, "EPSG:4543"}, Case{104.06, 30.66, "EPSG:4544"},
                          Case{lon0, lat0, "EPSG:32633"}}) {
        CAPTURE(c.crs);
        const std::string gj = d.write("roads.geojson", road_grid(c.lon, c.lat));
        const Scene scene = scene_from_roads(gj);
        const SceneData data = read_scene_data(scene, {LayerRole::roads});
        Box ll;
        ll.extend({c.lon, c.lat});
        ll.extend({c.lon + 0.02, c.lat + 0.02});
        CHECK(data.crs == choose_metric_crs(ll).crs);
        CHECK(data.crs == c.crs);
        const LayerReport *r = data.report(LayerRole::roads);
        REQUIRE(r);
        bool said = false;
        for (const auto &n : r->notes)
            said |= has(n, data.crs) && has(n, "metric CRS");
        CHECK(said);
    }
}

TEST_CASE("the layers read beside the roads: the same data, reports and errors in role order") {
    // A scene with its CRS reads its other layers each on a thread of its own while the
    // roads are read: the reports keep the role order, and of two broken layers the roads'
    // error wins, then the first broken layer in role order (cameras before units).
    TempDir d;
    d.write("roads.geojson", road_grid(lon0, lat0));
    std::vector<XY> pts;
    std::vector<std::string> ids;
    for (int i = 0; i < 4; ++i) {
        pts.push_back({lon0 + 0.002 * i, lat0 + 0.003 * i});
        ids.push_back("U" + std::to_string(i));
    }
    d.write("units.geojson", points_geojson(pts, ids));
    d.write("boundary.geojson",
            square_geojson(lon0 - 0.001, lat0 - 0.001, lon0 + 0.03, lat0 + 0.03));
    for (const char *name :
         {"broken_roads.geojson", "broken_cameras.geojson", "broken_units.geojson"})
        d.write(name, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":");
    const std::string layers = "[layers.units]\nsource = \"units.geojson\"\n"
                               "[layers.boundary]\nsource = \"boundary.geojson\"\n";
    const Scene scene = load_scene(d.write("s.toml", scene_toml(layers)));
    const SceneData data = read_scene_data(scene);
    REQUIRE(data.reports.size() == 3);
    CHECK(data.reports[0].role == LayerRole::roads);
    CHECK(data.reports[1].role == LayerRole::units);
    CHECK(data.reports[2].role == LayerRole::boundary);
    CHECK(data.units.size() == 4);
    CHECK(data.roads.ways.size() == 10);
    CHECK(data.boundary.size() == 1);
    // the same as the layers read one at a time, after the roads
    SceneData alone = read_scene_data(scene, {LayerRole::units, LayerRole::boundary});
    REQUIRE(alone.units.size() == data.units.size());
    for (std::size_t i = 0; i < data.units.size(); ++i) {
        CHECK(alone.units[i].id == data.units[i].id);
        CHECK(alone.units[i].position.x == data.units[i].position.x);
        CHECK(alone.units[i].position.y == data.units[i].position.y);
    }
    const std::string broken_cameras = "[layers.cameras]\nsource = \"broken_cameras.geojson\"\n";
    const std::string broken_units = "[layers.units]\nsource = \"broken_units.geojson\"\n";
    // the roads broken as well: their error
    const std::string roads_broken = "[scene]\nname = \"t\"\ncrs = \"" + metric +
                                     "\"\n[layers.roads]\nsource = \"broken_roads.geojson\"\n";
    for (int run = 0; run < 5; ++run) {
        const Error e1 = error_of(
            [&] { read_scene_data(load_scene(d.write("a.toml", roads_broken + broken_cameras))); });
        CHECK(has(e1.context().file, "broken_roads.geojson"));
        const Error e2 = error_of([&] {
            read_scene_data(
                load_scene(d.write("b.toml", scene_toml(broken_cameras + broken_units))));
        });
        CHECK(has(e2.context().file, "broken_cameras.geojson"));
    }
}
