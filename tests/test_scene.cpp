// The scene config and GDAL I/O: every bad-config error names what is wrong and where.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/io.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/scene.hpp>

#include <gdal.h>
#include <ogr_api.h>

#include <filesystem>
#include <cmath>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace lugeo;

namespace {

const std::string fixtures = LUGEO_TEST_FIXTURES;

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("lugeo-test-scene-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(counter()++));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    static int &counter() {
        static int c = 0;
        return c;
    }
    std::string write(const std::string &name, const std::string &text) const {
        std::ofstream(path / name) << text;
        return (path / name).string();
    }
};

/// The error a call throws: its code and message (fails the test if nothing is thrown).
template <class F> std::pair<ErrorCode, std::string> error_of(F &&f) {
    try {
        f();
    } catch (const Error &e) {
        return {e.code(), e.what()};
    }
    FAIL("no lugeo::Error thrown");
    return {ErrorCode::internal, ""};
}

bool has(const std::string &s, const std::string &part) {
    return s.find(part) != std::string::npos;
}

std::string roads_osm() {
    return fs::absolute(fixtures + "/network/noding.osm").string();
}

/// A Shapefile of two lines without a .prj file.
std::string shapefile_without_prj(const fs::path &dir) {
    GDALAllRegister();
    const std::string path = (dir / "roads.shp").string();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("ESRI Shapefile"), path.c_str(), 0, 0, 0,
                                 GDT_Unknown, nullptr);
    REQUIRE(ds);
    OGRLayerH l = GDALDatasetCreateLayer(ds, "roads", nullptr, wkbLineString, nullptr);
    OGRFieldDefnH fd = OGR_Fld_Create("class", OFTString);
    REQUIRE(OGR_L_CreateField(l, fd, TRUE) == OGRERR_NONE);
    OGR_Fld_Destroy(fd);
    for (int i = 0; i < 2; ++i) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldString(f, 0, "residential");
        OGRGeometryH g = OGR_G_CreateGeometry(wkbLineString);
        OGR_G_AddPoint_2D(g, 104.06 + 0.001 * i, 30.66);
        OGR_G_AddPoint_2D(g, 104.061 + 0.001 * i, 30.66);
        OGR_F_SetGeometryDirectly(f, g);
        REQUIRE(OGR_L_CreateFeature(l, f) == OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    fs::remove(dir / "roads.prj");
    return path;
}

std::string scene_with(const std::string &roads_block,
                       const std::string &scene_block = "crs = \"EPSG:32648\"") {
    return "[scene]\nname = \"t\"\n" + scene_block + "\n\n[layers.roads]\n" + roads_block + "\n";
}

} // namespace

TEST_CASE("the demo scene loads, with every layer and the metric CRS") {
    const Scene s = load_scene(default_scene_path());
    CHECK(s.crs == "EPSG:32648");
    for (LayerRole role : all_layer_roles()) {
        CAPTURE(layer_role_name(role));
        CHECK(s.has_layer(role));
        CHECK(fs::exists(s.layer(role).source));
    }
    CHECK(s.layer(LayerRole::poles).synthetic);
    CHECK_FALSE(s.layer(LayerRole::roads).synthetic);
    CHECK(count_features(s.layer(LayerRole::poles)) == 3034);
    CHECK(count_features(s.layer(LayerRole::lamps)) == 4266);
}

TEST_CASE("a good scene: relative sources, field maps, profiles and settings") {
    TempDir d;
    fs::copy_file(roads_osm(), d.path / "r.osm");
    const auto p = d.write(
        "s.toml",
        scene_with(
            "source = \"r.osm\"\nlayer = \"lines\"\n[layers.roads.fields]\nclass = \"highway\"\n") +
            "[profiles.car]\nobey_oneway = true\n[profiles.car.speeds]\nprimary = 50\n"
            "[isochrones]\nminutes = [1, 5, 30]\n");
    const Scene s = load_scene(p);
    const LayerSpec &roads = s.layer(LayerRole::roads);
    CHECK(roads.source == (d.path / "r.osm").lexically_normal().string());
    CHECK(roads.source_field("class") == "highway");
    CHECK(roads.source_field("name") == "name");
    CHECK(s.settings.network.profiles[static_cast<std::size_t>(Profile::car)].kmh.at("primary") ==
          50.0);
    CHECK(s.settings.isochrones.minutes == std::vector<double>{1, 5, 30});
    CHECK(s.settings.isochrones.profiles.empty()); // not given: the analysis default
    CHECK_FALSE(s.settings.isochrones.trim_m);
}

TEST_CASE("bad scene files: each error names the file and the key") {
    TempDir d;
    const std::string osm = roads_osm();
    SUBCASE("missing scene file") {
        auto [code, msg] = error_of([&] { load_scene((d.path / "nope.toml").string()); });
        CHECK(code == ErrorCode::io);
        CHECK(has(msg, "nope.toml"));
    }
    SUBCASE("not TOML") {
        const auto p = d.write("s.toml", "[scene\ncrs = 1\n");
        auto [code, msg] = error_of([&] { load_scene(p); });
        CHECK(code == ErrorCode::invalid_config);
        CHECK(has(msg, "line 1"));
    }
    SUBCASE("missing source file") {
        const auto p = d.write("s.toml", scene_with("source = \"missing.gpkg\""));
        auto [code, msg] = error_of([&] { load_scene(p); });
        CHECK(code == ErrorCode::io);
        CHECK(has(msg, "missing.gpkg"));
        CHECK(has(msg, "layers.roads"));
    }
    SUBCASE("no source at all") {
        const auto p = d.write("s.toml", scene_with("layer = \"lines\""));
        auto [code, msg] = error_of([&] { load_scene(p); });
        CHECK(code == ErrorCode::invalid_config);
        CHECK(has(msg, "source is missing"));
    }
    SUBCASE("unknown layer role") {
        const auto p = d.write("s.toml", scene_with("source = \"" + osm + "\"") +
                                             "[layers.rivers]\nsource = \"" + osm + "\"\n");
        auto [code, msg] = error_of([&] { load_scene(p); });
        CHECK(code == ErrorCode::invalid_config);
        CHECK(has(msg, "rivers"));
        CHECK(has(msg, "known layers"));
    }
    SUBCASE("unknown key in a layer") {
        const auto p = d.write("s.toml", scene_with("source = \"" + osm + "\"\nsrc = 1"));
        auto [code, msg] = error_of([&] { load_scene(p); });
        CHECK(code == ErrorCode::invalid_config);
        CHECK(has(msg, "layers.roads.src"));
    }
    SUBCASE("unknown CRS") {
        const auto p =
            d.write("s.toml", scene_with("source = \"" + osm + "\"", "crs = \"EPSG:999999\""));
        auto [code, msg] = error_of([&] { load_scene(p); });
        CHECK(code == ErrorCode::crs);
        CHECK(has(msg, "EPSG:999999"));
    }
    SUBCASE("missing scene CRS") {
        const auto p = d.write("s.toml", scene_with("source = \"" + osm + "\"", ""));
        auto [code, msg] = error_of([&] { load_scene(p); });
        CHECK(code == ErrorCode::invalid_config);
        CHECK(has(msg, "crs is missing"));
    }
    SUBCASE("a geographic scene CRS is refused: lugeo measures in metres") {
        const auto p =
            d.write("s.toml", scene_with("source = \"" + osm + "\"", "crs = \"EPSG:4326\""));
        auto [code, msg] = error_of([&] { load_scene(p); });
        CHECK(code == ErrorCode::crs);
        CHECK(has(msg, "not a projected"));
    }
    SUBCASE("unknown layer CRS override") {
        const auto p =
            d.write("s.toml", scene_with("source = \"" + osm + "\"\ncrs = \"nonsense\""));
        auto [code, msg] = error_of([&] { load_scene(p); });
        CHECK(code == ErrorCode::crs);
        CHECK(has(msg, "nonsense"));
    }
    SUBCASE("a speed that is not a number") {
        const auto p = d.write("s.toml", scene_with("source = \"" + osm + "\"") +
                                             "[profiles.car.speeds]\nprimary = \"fast\"\n");
        auto [code, msg] = error_of([&] { load_scene(p); });
        CHECK(code == ErrorCode::invalid_config);
        CHECK(has(msg, "profiles.car.speeds.primary"));
    }
    SUBCASE("an unknown profile") {
        const auto p = d.write("s.toml", scene_with("source = \"" + osm + "\"") +
                                             "[profiles.tank]\nother_kmh = 5\n");
        auto [code, msg] = error_of([&] { load_scene(p); });
        CHECK(code == ErrorCode::invalid_config);
        CHECK(has(msg, "tank"));
    }
}

TEST_CASE("bad layers: missing layer, missing mapped field, no CRS") {
    TempDir d;
    SUBCASE("a layer the source does not have") {
        LayerSpec spec = layer_spec_from_arg(roads_osm() + ":roadz", "roads");
        auto [code, msg] = error_of([&] { read_roads(spec, {}); });
        CHECK(code == ErrorCode::missing_layer);
        CHECK(has(msg, "roadz"));
        CHECK(has(msg, "lines")); // lists the layers it has
    }
    SUBCASE("a mapped field the layer does not have") {
        LayerSpec spec = layer_spec_from_arg(roads_osm(), "roads");
        spec.fields["class"] = "road_type";
        auto [code, msg] = error_of([&] { read_roads(spec, {}); });
        CHECK(code == ErrorCode::missing_field);
        CHECK(has(msg, "road_type"));
        CHECK(has(msg, "noding.osm"));
        CHECK(has(msg, "highway")); // lists the fields it has
    }
    SUBCASE("a Shapefile without .prj: says so and how to set the CRS, naming no CLI flag") {
        const std::string shp = shapefile_without_prj(d.path);
        const Scene s = scene_from_roads(shp);
        try {
            read_scene_data(s);
            FAIL("no error");
        } catch (const Error &e) {
            CHECK(e.code() == ErrorCode::crs);
            CHECK(has(e.what(), ".prj"));
            CHECK(has(e.what(), "crs = \"EPSG:4326\""));
            CHECK_FALSE(has(e.what(), "--")); // the CLI adds its flag for the parameter
            CHECK(e.context().file == shp);
            CHECK(e.context().layer == "roads");
            CHECK(e.context().parameter == "layers.roads.crs");
        }
        // ... and with the CRS given, it builds
        const Scene ok = scene_from_roads(shp, "EPSG:4326");
        const SceneData data = read_scene_data(ok);
        CHECK(data.crs == "EPSG:4544"); // CGCS2000 GK CM 105E for 104E, 30N, settled from the roads
        const Network net = build_network(data.roads, data.settings.network);
        CHECK(net.edge_count() == 2);
        CHECK(net.crs() == "EPSG:4544");
    }
    SUBCASE("not a vector file") {
        const auto p = d.write("junk.gpkg", "this is not a geopackage");
        auto [code, msg] = error_of([&] { count_features(layer_spec_from_arg(p, "roads")); });
        CHECK(code == ErrorCode::io);
        CHECK(has(msg, "junk.gpkg"));
    }
}

TEST_CASE("writing is atomic: no output before commit, nothing left after a failure") {
    TempDir d;
    const std::string out = (d.path / "out.gpkg").string();
    {
        VectorWriter w(out, {});
        const auto L = w.add_layer(
            {"pts", Geometry::Type::point, {{"n", FieldType::integer}}, "EPSG:32648", ""});
        Geometry g;
        g.type = Geometry::Type::point;
        g.points.push_back({500000, 3390000});
        w.add_feature(L, g, {std::int64_t(1)});
        CHECK_FALSE(fs::exists(out));
        // destroyed without commit: as if the run had failed
    }
    CHECK_FALSE(fs::exists(out));
    CHECK(std::distance(fs::directory_iterator(d.path), fs::directory_iterator()) == 0);
    {
        VectorWriter w(out, {});
        const auto L = w.add_layer(
            {"pts", Geometry::Type::point, {{"n", FieldType::integer}}, "EPSG:32648", ""});
        Geometry g;
        g.type = Geometry::Type::point;
        g.points.push_back({500000, 3390000});
        w.add_feature(L, g, {std::int64_t(7)});
        w.commit();
    }
    REQUIRE(fs::exists(out));
    const FeatureTable t =
        read_layer(layer_spec_from_arg(out, "x"), ReadOptions{"EPSG:32648", {"n"}, {}, false, {}});
    REQUIRE(t.features.size() == 1);
    CHECK(*t.features[0].values[0] == "7");
    CHECK(t.features[0].geometry.points[0].x == doctest::Approx(500000));
}

TEST_CASE("CRS: UTM zones and transformations round-trip") {
    CHECK(utm_crs_for({104.06, 30.66}) == "EPSG:32648");
    CHECK(utm_crs_for({101.5, 25.0}) == "EPSG:32647"); // Chuxiong
    CHECK(utm_crs_for({-43.2, -22.9}) == "EPSG:32723");
    const MetricFrame f("EPSG:4543"); // CGCS2000 / 3-degree GK CM 102E: Chuxiong's metric CRS
    const LonLat chuxiong{101.546, 25.033};
    const XY m = f.to_metric(chuxiong);
    CHECK(m.x == doctest::Approx(455000).epsilon(
                     0.01)); // west of the central meridian (false easting 500 km)
    const LonLat back = f.to_lonlat(m);
    CHECK(back.lon == doctest::Approx(chuxiong.lon).epsilon(1e-9));
    CHECK(back.lat == doctest::Approx(chuxiong.lat).epsilon(1e-9));
    CHECK_THROWS_AS(validate_crs("EPSG:0"), Error);
}

TEST_CASE("[network] one-way values for non-OSM sources (Geofabrik F/T/B)") {
    TempDir d;
    d.write("roads.geojson", R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"fclass":"residential","oneway":"F"},"geometry":{"type":"LineString","coordinates":[[104.060,30.66],[104.061,30.66]]}},
{"type":"Feature","properties":{"fclass":"residential","oneway":"T"},"geometry":{"type":"LineString","coordinates":[[104.061,30.66],[104.062,30.66]]}},
{"type":"Feature","properties":{"fclass":"residential","oneway":"B"},"geometry":{"type":"LineString","coordinates":[[104.062,30.66],[104.063,30.66]]}}]})");
    const auto p = d.write(
        "s.toml",
        scene_with("source = \"roads.geojson\"\n[layers.roads.fields]\nclass = \"fclass\"") +
            "[network]\noneway_forward = [\"F\"]\noneway_backward = [\"T\"]\n");
    const SceneData data = read_scene_data(load_scene(p));
    const Network net = build_network(data.roads, data.settings.network);
    REQUIRE(net.edge_count() == 3);
    auto fwd = [&](std::uint32_t e) {
        return std::isfinite(net.travel_time(Profile::car, e, true));
    };
    auto bwd = [&](std::uint32_t e) {
        return std::isfinite(net.travel_time(Profile::car, e, false));
    };
    CHECK((fwd(0) && !bwd(0)));
    CHECK((!fwd(1) && bwd(1)));
    CHECK((fwd(2) && bwd(2)));
}

TEST_CASE("a position outside the valid WGS84 range is refused with a clear message") {
    const MetricFrame f("EPSG:32648");
    for (LonLat bad : {LonLat{200, 30}, LonLat{104, 95}, LonLat{NAN, 30}}) {
        auto [code, msg] = error_of([&] { f.to_metric(bad); });
        CHECK(code == ErrorCode::invalid_argument);
        CHECK(has(msg, "longitude first"));
    }
}

namespace {

/// The first column of the first row of `sql` on the GeoPackage at `path`, as text.
std::string sql_text(const std::string &path, const std::string &sql) {
    GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
    REQUIRE(ds);
    std::string out = "(no row)";
    if (OGRLayerH r = GDALDatasetExecuteSQL(ds, sql.c_str(), nullptr, nullptr)) {
        if (OGRFeatureH f = OGR_L_GetNextFeature(r)) {
            out = OGR_F_GetFieldAsString(f, 0);
            OGR_F_Destroy(f);
        }
        GDALDatasetReleaseResultSet(ds, r);
    }
    GDALClose(ds);
    return out;
}

void sql_run(const std::string &path, const std::string &sql) {
    GDALDatasetH ds =
        GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
    REQUIRE(ds);
    if (OGRLayerH r = GDALDatasetExecuteSQL(ds, sql.c_str(), nullptr, nullptr))
        GDALDatasetReleaseResultSet(ds, r);
    GDALClose(ds);
}

} // namespace

TEST_CASE("a GeoPackage's spatial index is bulk-loaded: SQLite's own check accepts it, it holds "
          "every feature, window queries agree with brute force, and edits keep it current") {
    TempDir d;
    std::uint64_t seed = 20261207;
    auto rnd = [&](int n) { // (an LCG: the same lines on every machine)
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<int>((seed >> 33) % static_cast<std::uint64_t>(n));
    };
    // 0 features, one leaf, one full leaf (51 cells), two levels, three levels (> 51²);
    // coordinates on a quarter metre near 400 km, exact as the index's 32-bit floats
    for (const int n : {0, 1, 51, 52, 3000}) {
        CAPTURE(n);
        const std::string out = (d.path / ("idx" + std::to_string(n) + ".gpkg")).string();
        std::vector<std::array<double, 4>> box; // minx, maxx, miny, maxy per feature, fid 1..n
        {
            VectorWriter w(out, {});
            const auto L = w.add_layer(
                {"lines", Geometry::Type::line, {{"n", FieldType::integer}}, "EPSG:32648", ""});
            const auto P = w.add_layer(
                {"points", Geometry::Type::point, {{"n", FieldType::integer}}, "EPSG:32648", ""});
            for (int i = 0; i < n; ++i) {
                LineString l;
                const double x = 400000 + rnd(40000) / 4.0, y = 3390000 + rnd(40000) / 4.0;
                l.push_back({x, y});
                l.push_back({x + rnd(800) / 4.0, y + (rnd(800) - 400) / 4.0});
                l.push_back({x + rnd(800) / 4.0, y + (rnd(800) - 400) / 4.0});
                std::array<double, 4> b{INFINITY, -INFINITY, INFINITY, -INFINITY};
                for (const XY q : l)
                    b = {std::min(b[0], q.x), std::max(b[1], q.x), std::min(b[2], q.y),
                         std::max(b[3], q.y)};
                box.push_back(b);
                w.add_feature(L, Geometry::of_line(std::move(l)), {std::int64_t(i)});
            }
            Geometry pt;
            pt.type = Geometry::Type::point;
            pt.points.push_back({400000, 3390000});
            w.add_feature(P, pt, {std::int64_t(0)});
            w.commit();
        }
        for (const char *layer : {"lines", "points"}) {
            CAPTURE(layer);
            const std::string rt = std::string("rtree_") + layer + "_geom";
            CHECK(sql_text(out, "SELECT rtreecheck('" + rt + "')") == "ok");
            CHECK(sql_text(out, "SELECT HasSpatialIndex('" + std::string(layer) + "', 'geom')") ==
                  "1");
            CHECK(sql_text(out, "SELECT count(*) FROM gpkg_extensions WHERE table_name = '" +
                                    std::string(layer) +
                                    "' AND extension_name = 'gpkg_rtree_index'") == "1");
        }
        CHECK(sql_text(out, "SELECT count(*) FROM rtree_lines_geom") == std::to_string(n));
        CHECK(sql_text(out, "SELECT count(*) FROM rtree_lines_geom r JOIN lines l ON l.fid = "
                            "r.id WHERE r.minx = ST_MinX(l.geom) AND r.maxx = ST_MaxX(l.geom) AND "
                            "r.miny = ST_MinY(l.geom) AND r.maxy = ST_MaxY(l.geom)") ==
              std::to_string(n));
        for (int q = 0; q < 20; ++q) {
            const double x0 = 400000 + rnd(44000) / 4.0, y0 = 3390000 + rnd(44000) / 4.0;
            const double x1 = x0 + rnd(8000) / 4.0, y1 = y0 + rnd(8000) / 4.0;
            int brute = 0;
            for (const auto &b : box)
                brute += b[1] >= x0 && b[0] <= x1 && b[3] >= y0 && b[2] <= y1;
            char sql[300];
            std::snprintf(sql, sizeof sql,
                          "SELECT count(*) FROM rtree_lines_geom WHERE maxx >= %.2f AND minx <= "
                          "%.2f AND maxy >= %.2f AND miny <= %.2f",
                          x0, x1, y0, y1);
            CHECK(sql_text(out, sql) == std::to_string(brute));
        }
        if (n < 52) continue;
        // edits through the triggers: a third deleted, one geometry replaced by another's
        sql_run(out, "DELETE FROM lines WHERE fid % 3 = 0");
        sql_run(out,
                "UPDATE lines SET geom = (SELECT geom FROM lines WHERE fid = 2) WHERE fid = 4");
        CHECK(sql_text(out, "SELECT rtreecheck('rtree_lines_geom')") == "ok");
        CHECK(sql_text(out, "SELECT count(*) FROM rtree_lines_geom") ==
              sql_text(out, "SELECT count(*) FROM lines"));
        CHECK(sql_text(out, "SELECT minx FROM rtree_lines_geom WHERE id = 4") ==
              sql_text(out, "SELECT minx FROM rtree_lines_geom WHERE id = 2"));
    }
}
