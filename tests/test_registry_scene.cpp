// Loading the plate registry from a scene: the demo's 7,300 plates; bad input named by file,
// layer, feature and field.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/registry.hpp>
#include <lugeo/scene.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

using namespace lugeo;
namespace fs = std::filesystem;

namespace {

const std::string demo = std::string(LUGEO_DATA_DIR) + "/demo/scene.toml";

/// A GeoJSON point layer from (id, lon, lat, status) rows; lon = NaN writes a null geometry.
std::string
write_layer(const std::string &name,
            const std::vector<std::tuple<std::string, double, double, std::string>> &rows) {
    const fs::path dir = fs::temp_directory_path() / "lugeo_test_registry_scene";
    fs::create_directories(dir);
    const fs::path p = dir / (name + ".geojson");
    std::ofstream out(p);
    out << R"({"type":"FeatureCollection","features":[)";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto &[id, lon, lat, status] = rows[i];
        out << (i ? "," : "") << R"({"type":"Feature","properties":{"id":")" << id
            << R"(","road":"Main","status":")" << status << R"("},"geometry":)";
        if (std::isnan(lon))
            out << "null}";
        else
            out << R"({"type":"Point","coordinates":[)" << lon << "," << lat << "]}}";
    }
    out << "]}";
    return p.string();
}

Scene scene_with(const std::string &poles, const std::string &lamps = {}) {
    Scene s;
    s.path = "test.toml";
    s.crs = "EPSG:32648";
    LayerSpec ps;
    ps.role = "poles";
    ps.source = poles;
    ps.scheme = "G###-####[C]"; // the demo's; these tests are about bad rows, not inference
    s.layers[LayerRole::poles] = ps;
    if (!lamps.empty()) {
        LayerSpec ls;
        ls.role = "lamps";
        ls.source = lamps;
        ls.scheme = "L###-####[C]";
        s.layers[LayerRole::lamps] = ls;
    }
    return s;
}

/// The scene's plates read strictly (the layers module) and indexed.
Registry load_registry(const Scene &scene) {
    SceneData data = read_scene_data(scene, {LayerRole::poles, LayerRole::lamps});
    return Registry(std::move(data.plates.plates));
}

/// The scene's plates read for the checks: bad rows kept.
Plates plates_for_check(const Scene &scene) {
    SceneReadOptions o;
    o.keep_invalid_plates = true;
    return read_scene_data(scene, {LayerRole::poles, LayerRole::lamps}, o).plates;
}

/// The message of the Error `f` throws (and its code).
template <typename F> std::pair<ErrorCode, std::string> error_of(F &&f) {
    try {
        f();
    } catch (const Error &e) {
        return {e.code(), e.what()};
    }
    return {ErrorCode::internal, "(no error)"};
}

bool has(const std::string &s, const std::string &part) {
    return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("the demo registry: 7,300 plates, both kinds, positions in the scene CRS and WGS84") {
    const Scene scene = load_scene(demo);
    const Registry reg = load_registry(scene);
    CHECK(reg.size() == 7300);
    std::size_t poles = 0, lamps = 0;
    const MetricFrame frame(scene.crs);
    for (std::size_t i = 0; i < reg.size(); i += 97) {
        const Plate &p = reg.plates()[i];
        // lon/lat kept from the file; the metric position is its transform
        const XY back = frame.to_metric(p.lonlat);
        CHECK(std::abs(back.x - p.position.x) < 0.01);
        CHECK(std::abs(back.y - p.position.y) < 0.01);
        CHECK(reg.find(p.id) == i);
    }
    for (const auto &p : reg.plates())
        (p.kind == "pole" ? poles : lamps) += 1;
    CHECK(poles == 3034);
    CHECK(lamps == 4266);
    const auto l = reg.find("L104-0001");
    REQUIRE(l);
    CHECK(reg.plates()[*l].lonlat.lon == doctest::Approx(104.0892595));
    CHECK(reg.plates()[*l].lonlat.lat == doctest::Approx(30.6980297));
    CHECK(reg.plates()[*l].road == "驷马桥路");
    CHECK(reg.plates()[*l].installed == "2008-11-20");
    // the demo is clean: the checks find no error
    const Plates set = plates_for_check(scene);
    CHECK(set.rejected.empty());
    CHECK_FALSE(check_plates(set.plates).has_errors());
}

TEST_CASE("bad plate layers: the error names the file, the feature and the field") {
    const double nan = std::nan("");
    SUBCASE("duplicate ID (the second one named, and the first)") {
        const auto poles = write_layer(
            "dup_poles", {{"G101-0001", 104.07, 30.68, "ok"}, {"G101-0002", 104.071, 30.68, "ok"}});
        const auto lamps = write_layer("dup_lamps", {{"L101-0001", 104.07, 30.681, "ok"},
                                                     {"l101 0001", 104.072, 30.68, "ok"}});
        const auto [code, msg] = error_of([&] { load_registry(scene_with(poles, lamps)); });
        CHECK(code == ErrorCode::duplicate_id);
        CHECK(has(msg, "dup_lamps.geojson"));
        CHECK(has(msg, "feature 1 field 'id'"));
        CHECK(has(msg, "feature 0"));
        CHECK(has(msg, "'L101-0001'"));
    }
    SUBCASE("an ID that is not a plate ID") {
        const auto poles = write_layer(
            "garbage", {{"G101-0001", 104.07, 30.68, "ok"}, {"XYZ-12", 104.07, 30.68, "ok"}});
        const auto [code, msg] = error_of([&] { load_registry(scene_with(poles)); });
        CHECK(code == ErrorCode::invalid_argument);
        CHECK(has(msg, "garbage.geojson"));
        CHECK(has(msg, "feature 1"));
        CHECK(has(msg, "field 'id'"));
        CHECK(has(msg, "XYZ-12"));
    }
    SUBCASE("a lamp ID in the poles layer") {
        const auto poles = write_layer("wrong_kind", {{"L101-0001", 104.07, 30.68, "ok"}});
        const auto [code, msg] = error_of([&] { load_registry(scene_with(poles)); });
        CHECK(code == ErrorCode::invalid_argument);
        CHECK(has(msg, "wrong_kind.geojson"));
        // the poles layer's scheme has no L prefix: the message names the scheme it expects
        CHECK(has(msg, "G###-####[C]"));
    }
    SUBCASE("a missing position") {
        const auto poles = write_layer(
            "nopos", {{"G101-0001", 104.07, 30.68, "ok"}, {"G101-0002", nan, nan, "ok"}});
        const auto [code, msg] = error_of([&] { load_registry(scene_with(poles)); });
        CHECK(code == ErrorCode::invalid_geometry);
        CHECK(has(msg, "nopos.geojson"));
        CHECK(has(msg, "feature 1"));
    }
    SUBCASE("a position outside the valid lon/lat range") {
        const auto poles = write_layer("range", {{"G101-0001", 204.07, 30.68, "ok"}});
        const auto [code, msg] = error_of([&] { load_registry(scene_with(poles)); });
        CHECK(code == ErrorCode::invalid_geometry);
        CHECK(has(msg, "range.geojson"));
        CHECK(has(msg, "feature 0"));
        CHECK(has(msg, "G101-0001"));
        CHECK(has(msg, "outside"));
    }
    SUBCASE("an unknown status") {
        const auto poles = write_layer("status", {{"G101-0001", 104.07, 30.68, "broken"}});
        const auto [code, msg] = error_of([&] { load_registry(scene_with(poles)); });
        CHECK(code == ErrorCode::invalid_argument);
        CHECK(has(msg, "field 'status'"));
        CHECK(has(msg, "broken"));
    }
}

TEST_CASE("non-strict reading keeps bad rows for the checks, which report each of them") {
    const double nan = std::nan("");
    const auto poles = write_layer("check_poles", {{"G101-0001", 104.07, 30.68, "ok"},
                                                   {"G101-0001", 104.08, 30.68, "damaged"},
                                                   {"junk", 104.07, 30.69, "ok"},
                                                   {"G101-0003", 204.0, 30.68, "ok"},
                                                   {"G101-0004", nan, nan, "missing"}});
    // every row comes back, the one without a position too (poles check names it)
    const Plates set = plates_for_check(scene_with(poles));
    REQUIRE(set.plates.size() == 5);
    CHECK(set.origins[2].fid == 2);
    CHECK(set.plates[2].id == "junk");
    CHECK(std::isnan(set.plates[3].position.x));
    CHECK(std::isnan(set.plates[4].position.x));
    const CheckReport rep = check_plates(set.plates, {}, *set.scheme);
    CHECK(rep.has_errors());
    bool dup = false, bad_id = false, bad_pos = false, no_pos = false;
    for (const auto &is : rep.issues) {
        dup |= is.kind == CheckKind::duplicate_id;
        bad_id |= is.kind == CheckKind::invalid_id && is.plates == std::vector<std::size_t>{2};
        bad_pos |=
            is.kind == CheckKind::invalid_position && is.plates == std::vector<std::size_t>{3};
        no_pos |= is.kind == CheckKind::invalid_position &&
                  is.plates == std::vector<std::size_t>{4} && has(is.message, "missing");
    }
    CHECK(dup);
    CHECK(bad_id);
    CHECK(bad_pos);
    CHECK(no_pos);
}
