// The crs module: where "inside China" is, which metric CRS lugeo proposes for an extent, and
// how much a CRS distorts distance over one (the scale check that refuses Web Mercator).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>

#include <proj.h>

#include <cmath>
#include <string>
#include <vector>

using namespace lugeo;

namespace {

/// A box of +-half degrees around a point (lon/lat).
Box around(double lon, double lat, double half = 0.1) {
    Box b;
    b.extend({lon - half, lat - half});
    b.extend({lon + half, lat + half});
    return b;
}
Box span(double west, double south, double east, double north) {
    Box b;
    b.extend({west, south});
    b.extend({east, north});
    return b;
}
bool has(const std::string &s, const std::string &part) {
    return s.find(part) != std::string::npos;
}

struct Place {
    const char *name;
    double lon, lat;
};

} // namespace

TEST_CASE("china_area: cities inside, on the borders and outside China") {
    // Chinese cities, including those right at a land border or on far islands.
    const std::vector<Place> mainland = {
        {"Chuxiong", 101.546, 25.033},  {"Chengdu", 104.066, 30.660},
        {"Beijing", 116.397, 39.909},   {"Shanghai", 121.473, 31.230},
        {"Kashgar", 75.989, 39.470},    {"Urumqi", 87.617, 43.826},
        {"Lhasa", 91.117, 29.648},      {"Harbin", 126.535, 45.803},
        {"Mohe", 122.539, 52.972},      {"Fuyuan", 134.289, 48.364},
        {"Hunchun", 130.366, 42.862},   {"Dandong", 124.383, 40.125},
        {"Heihe", 127.489, 50.245},     {"Manzhouli", 117.379, 49.597},
        {"Erenhot", 111.977, 43.653},   {"Khorgas", 80.420, 44.213},
        {"Ruili", 97.851, 24.013},      {"Hekou", 103.940, 22.508},
        {"Dongxing", 107.972, 21.548},  {"Yadong", 88.906, 27.485},
        {"Zhangmu", 85.981, 27.990},    {"Sanya", 109.512, 18.253},
        {"Haikou", 110.199, 20.044},    {"Sansha", 112.339, 16.833},
        {"Shengsi", 122.452, 30.725},   {"Xiamen", 118.089, 24.480},
        {"Hong Kong", 114.169, 22.319}, {"Macau", 113.543, 22.199},
    };
    for (const Place &p : mainland) {
        const std::string name = p.name;
        CAPTURE(name);
        CHECK(china_area({p.lon, p.lat}) == ChinaArea::mainland);
    }
    for (const Place &p : std::vector<Place>{{"Taipei", 121.565, 25.033},
                                             {"Kaohsiung", 120.302, 22.627},
                                             {"Hualien", 121.607, 23.991},
                                             {"Magong (Penghu)", 119.566, 23.566}}) {
        const std::string name = p.name;
        CAPTURE(name);
        CHECK(china_area({p.lon, p.lat}) == ChinaArea::taiwan);
    }
    // Neighbours' cities beyond the outline's 5-15 km margin. Twin towns across a border river
    // (Lao Cai, Sinuiju, Blagoveshchensk) lie within it and may be classed either way.
    const std::vector<Place> outside = {
        {"Seoul", 126.978, 37.566},
        {"Pyongyang", 125.754, 39.034},
        {"Vladivostok", 131.886, 43.116},
        {"Khabarovsk", 135.072, 48.480},
        {"Chita", 113.500, 52.033},
        {"Ulaanbaatar", 106.917, 47.919},
        {"Almaty", 76.946, 43.238},
        {"Bishkek", 74.591, 42.875},
        {"Osh", 72.800, 40.514},
        {"Islamabad", 73.048, 33.684},
        {"Leh", 77.584, 34.153},
        {"Delhi", 77.209, 28.614},
        {"Kathmandu", 85.324, 27.717},
        {"Thimphu", 89.639, 27.472},
        {"Gangtok", 88.612, 27.339},
        {"Myitkyina", 97.396, 25.383},
        {"Mandalay", 96.083, 21.975},
        {"Hanoi", 105.854, 21.029},
        {"Luang Prabang", 102.135, 19.886},
        {"Bangkok", 100.502, 13.756},
        {"Manila", 120.984, 14.600},
        {"Naha", 127.681, 26.212},
        {"Osaka", 135.502, 34.694},
        {"Tokyo", 139.692, 35.690},
        {"Valletta", 14.514, 35.899},
        {"Helsinki", 24.938, 60.170},
        {"Sydney", 151.209, -33.869},
        {"(0, 0)", 0.0, 0.0},
    };
    for (const Place &p : outside) {
        const std::string name = p.name;
        CAPTURE(name);
        CHECK(china_area({p.lon, p.lat}) == ChinaArea::outside);
    }
    CHECK(std::string(china_area_name(ChinaArea::taiwan)) == "taiwan");
}

TEST_CASE("choose_metric_crs: the known cases") {
    struct Case {
        const char *name;
        Box extent;
        const char *crs;
        double cm;
    };
    for (const Case &c : std::vector<Case>{
             {"Chuxiong 101.5E: CGCS2000 GK CM 102E", around(101.5, 25.04), "EPSG:4543", 102},
             {"Chengdu 104.07E: CM 105E", around(104.07, 30.66), "EPSG:4544", 105},
             {"Kashgar: the westernmost zone, CM 75E", around(75.99, 39.47), "EPSG:4534", 75},
             {"Fuyuan: the easternmost zone, CM 135E", around(134.29, 48.36), "EPSG:4554", 135},
             {"Taipei: TWD97 / TM2 zone 121", around(121.56, 25.04), "EPSG:3826", 121},
             {"Penghu: TWD97 / TM2 zone 119", around(119.57, 23.57), "EPSG:3825", 119},
             {"Kinmen: TWD97 / TM2 zone 119", around(118.32, 24.44, 0.05), "EPSG:3825", 119},
             {"Xiamen, across the water from Kinmen: CM 117E", around(118.09, 24.48, 0.05),
              "EPSG:4548", 117},
             {"Malta: UTM 33N", around(14.45, 35.9), "EPSG:32633", 15},
             {"Helsinki: UTM 35N", around(24.94, 60.17), "EPSG:32635", 27},
             {"Sydney (southern hemisphere): UTM 56S", around(151.21, -33.87), "EPSG:32756", 153},
         }) {
        CAPTURE(c.name);
        const MetricCrsChoice m = choose_metric_crs(c.extent);
        CHECK(m.crs == c.crs);
        CHECK(m.central_meridian == c.cm);
        CHECK(m.zones_spanned == 1);
        CHECK_FALSE(m.name.empty());
        CHECK(has(m.reason, "the data's centre"));
    }
    const MetricCrsChoice cx = choose_metric_crs(around(101.5, 25.04));
    CHECK(cx.name == "CGCS2000 / 3-degree Gauss-Kruger CM 102E");
    CHECK(has(cx.reason, "mainland China"));
    CHECK(has(choose_metric_crs(around(121.56, 25.04)).reason, "Taiwan"));
    CHECK(has(choose_metric_crs(around(14.45, 35.9)).reason, "outside China"));
    CHECK(has(choose_metric_crs(around(151.21, -33.87)).reason, "southern hemisphere"));
}

TEST_CASE("choose_metric_crs: near zone edges, and extents that span zones") {
    // 3-degree GK zones meet at 103.5E: each side gets its own zone.
    CHECK(choose_metric_crs(span(103.40, 30.0, 103.49, 30.1)).crs == "EPSG:4543");
    CHECK(choose_metric_crs(span(103.51, 30.0, 103.60, 30.1)).crs == "EPSG:4544");
    const MetricCrsChoice gk = choose_metric_crs(span(103.2, 30.0, 103.9, 30.1)); // centre 103.55
    CHECK(gk.crs == "EPSG:4544");
    CHECK(gk.zones_spanned == 2);
    CHECK(has(gk.reason, "spans 2 zones"));
    // UTM zones 34/35 meet at 24E (Finland): the centre decides, the span is said.
    CHECK(choose_metric_crs(span(23.80, 60.0, 23.95, 60.1)).crs == "EPSG:32634");
    CHECK(choose_metric_crs(span(24.05, 60.0, 24.20, 60.1)).crs == "EPSG:32635");
    const MetricCrsChoice utm = choose_metric_crs(span(23.0, 60.0, 25.5, 60.1));
    CHECK(utm.crs == "EPSG:32635");
    CHECK(utm.zones_spanned == 2);
    // Sichuan, 97.5E-108.5E: four zones, the centre's (103E -> CM 102E).
    const MetricCrsChoice sichuan = choose_metric_crs(span(97.5, 26.0, 108.5, 34.3));
    CHECK(sichuan.crs == "EPSG:4543");
    CHECK(sichuan.zones_spanned == 4);
    // The equator: the centre's hemisphere.
    CHECK(choose_metric_crs(span(36.7, -0.2, 36.9, 0.1)).crs == "EPSG:32737");
    CHECK(choose_metric_crs(span(36.7, -0.1, 36.9, 0.2)).crs == "EPSG:32637");
}

TEST_CASE("choose_metric_crs refuses what is not a lon/lat extent") {
    CHECK_THROWS_AS(choose_metric_crs(Box{}), Error);
    CHECK_THROWS_AS(choose_metric_crs(span(500000, 2700000, 510000, 2710000)), Error);
    try {
        choose_metric_crs(span(500000, 2700000, 510000, 2710000));
    } catch (const Error &e) {
        CHECK(e.code() == ErrorCode::invalid_argument);
        CHECK(has(e.what(), "longitude, latitude"));
    }
}

TEST_CASE("whatever choose_metric_crs picks for a city-sized extent passes the scale check") {
    // A sweep of the inhabited latitudes: the proposal is never one lugeo itself would warn of.
    int checked = 0;
    for (double lat = -55.0; lat <= 70.0; lat += 12.5) {
        for (double lon = -177.0; lon <= 177.0; lon += 37.0) {
            const Box b = around(lon, lat, 0.15);
            const MetricCrsChoice m = choose_metric_crs(b);
            const ScaleCheck c = check_metric_crs(m.crs, b);
            CAPTURE(lon);
            CAPTURE(lat);
            CAPTURE(m.crs);
            CHECK(c.verdict == ScaleVerdict::ok);
            CHECK(c.error.max_error < 0.0015);
            ++checked;
        }
    }
    // and every 3-degree zone over China's own cities
    for (double lon = 75.0; lon <= 135.0; lon += 1.5) {
        const Box b = around(lon, 40.0, 0.1);
        const MetricCrsChoice m = choose_metric_crs(b);
        if (m.crs.rfind("EPSG:45", 0) != 0) continue; // 40N is not in China at every longitude
        CAPTURE(lon);
        CHECK(std::abs(m.central_meridian - lon) <= 1.5);
        CHECK(check_metric_crs(m.crs, b).error.max_error < 0.0005);
        ++checked;
    }
    CHECK(checked > 130);
}

TEST_CASE("measure_scale_error agrees with PROJ's proj_factors") {
    // proj_factors is given the CRS normalised to easting, northing: given the projected CRS
    // itself, PROJ 9.1 returns nonsense for CRSs with northing-first axes (EPSG:4543,
    // EPSG:3035), one reason lugeo measures through its own axis-normalised transformation.
    PJ_CONTEXT *ctx = proj_context_create();
    struct Case {
        const char *crs;
        double lon, lat;
    };
    for (const Case &c : std::vector<Case>{{"EPSG:3857", -8.61, 41.15},
                                           {"EPSG:32629", -8.61, 41.15},
                                           {"EPSG:4543", 101.5, 25.04},
                                           {"EPSG:4543", 104.9, 25.04},
                                           {"EPSG:3826", 121.56, 25.04},
                                           {"EPSG:32756", 151.21, -33.87},
                                           {"EPSG:3035", 24.94, 60.17}}) { // LAEA Europe
        CAPTURE(c.crs);
        CAPTURE(c.lon);
        PJ *crs = proj_create(ctx, c.crs);
        REQUIRE(crs);
        PJ *normal = proj_normalize_for_visualization(ctx, crs);
        REQUIRE(normal);
        const PJ_FACTORS f =
            proj_factors(normal, proj_coord(c.lon * M_PI / 180.0, c.lat * M_PI / 180.0, 0, 0));
        proj_destroy(normal);
        proj_destroy(crs);
        const ScaleError e = measure_scale_error(c.crs, around(c.lon, c.lat, 0.0), 2);
        CHECK(e.max_scale == doctest::Approx(f.tissot_semimajor).epsilon(1e-7));
        CHECK(e.min_scale == doctest::Approx(f.tissot_semiminor).epsilon(1e-7));
    }
    proj_context_destroy(ctx);
}

TEST_CASE("Web Mercator accepted as metric: lengths 33 % long in Porto are refused") {
    const Box porto = span(-8.70, 41.10, -8.55, 41.20);
    const ScaleError e = measure_scale_error("EPSG:3857", porto);
    // Mercator stretches by 1/cos(latitude) (the ellipsoid adds a few tenths of a percent)
    CHECK(e.max_scale == doctest::Approx(1.0 / std::cos(41.20 * M_PI / 180.0)).epsilon(0.005));
    CHECK(e.max_error > 0.32);
    const ScaleCheck c = check_metric_crs("EPSG:3857", porto);
    CHECK(c.verdict == ScaleVerdict::refuse);
    CHECK(c.suggestion.crs == "EPSG:32629");
    CHECK(c.suggestion_error.max_error < 0.0005);
    CHECK(has(c.message, "EPSG:3857"));
    CHECK(has(c.message, "33 %"));
    CHECK(has(c.message, "EPSG:32629"));
    try {
        require_metric_crs("EPSG:3857", porto, "'porto/scene.toml' [scene] crs");
        FAIL("require_metric_crs accepted Web Mercator");
    } catch (const Error &err) {
        CHECK(err.code() == ErrorCode::crs);
        CHECK(has(err.what(), "'porto/scene.toml' [scene] crs: EPSG:3857"));
        CHECK(has(err.what(), "Use EPSG:32629"));
        CHECK_FALSE(has(err.what(), "--")); // library messages name no CLI flag
    }
    // Web Mercator is as wrong in China: 11 % in Chuxiong.
    CHECK(check_metric_crs("EPSG:3857", around(101.5, 25.04)).verdict == ScaleVerdict::refuse);
}

TEST_CASE("the scale check: ok, warn and refuse at the documented levels") {
    const Box chuxiong = around(101.5, 25.04);
    const ScaleCheck own = check_metric_crs("EPSG:4543", chuxiong);
    CHECK(own.verdict == ScaleVerdict::ok);
    CHECK(own.message.empty());
    CHECK(own.error.max_error < 0.0001);
    // The neighbouring zone, 3.6 degrees away: 0.16 %, tolerated.
    const ScaleCheck next = check_metric_crs("EPSG:4544", chuxiong);
    CHECK(next.verdict == ScaleVerdict::ok);
    CHECK(next.error.max_error > 0.001);
    // Two zones away (6.6 degrees): 0.5 %, a warning naming the right zone.
    const ScaleCheck two = check_metric_crs("EPSG:4545", chuxiong);
    CHECK(two.verdict == ScaleVerdict::warn);
    CHECK(two.error.max_error > 0.004);
    CHECK(two.error.max_error < 0.01);
    CHECK(has(two.message, "Use EPSG:4543"));
    CHECK(has(two.message, "0.5"));
    CHECK_NOTHROW(require_metric_crs("EPSG:4545", chuxiong, "x"));
    // Three zones away (9.6 degrees): 1.1 %, refused.
    CHECK(check_metric_crs("EPSG:4546", chuxiong).verdict == ScaleVerdict::refuse);
    CHECK_THROWS_AS(require_metric_crs("EPSG:4546", chuxiong, "x"), Error);
    // The options move the levels.
    ScaleCheckOptions strict;
    strict.warn_above = 0.0005;
    strict.refuse_above = 0.001;
    CHECK(check_metric_crs("EPSG:4544", chuxiong, strict).verdict == ScaleVerdict::refuse);
    CHECK(check_metric_crs("EPSG:4543", chuxiong, strict).verdict == ScaleVerdict::ok);
    // A CRS in US feet: every length read as metres would be 3.28 times too long.
    const ScaleCheck feet = check_metric_crs("EPSG:2263", around(-73.95, 40.75));
    CHECK(feet.verdict == ScaleVerdict::refuse);
    CHECK(feet.error.max_scale == doctest::Approx(1.0 / 0.3048006096).epsilon(0.001));
    // An extent no single zone fits: warned of, and said so rather than a "better" CRS.
    const Box sichuan = span(97.5, 26.0, 108.5, 34.3);
    const ScaleCheck wide = check_metric_crs(choose_metric_crs(sichuan).crs, sichuan);
    CHECK(wide.verdict == ScaleVerdict::warn);
    CHECK(has(wide.message, "No single zone fits"));
    // Not a metric CRS at all
    CHECK_THROWS_AS(check_metric_crs("EPSG:4326", chuxiong), Error);
}

TEST_CASE("lonlat_extent: a metric box back to longitude and latitude") {
    const Box ll = around(101.5, 25.04);
    const Transformer t("EPSG:4326", "EPSG:4543");
    Box metric;
    for (const XY p :
         {XY{ll.minx, ll.miny}, XY{ll.maxx, ll.miny}, XY{ll.minx, ll.maxy}, XY{ll.maxx, ll.maxy}})
        metric.extend(t.forward(p));
    const Box back = lonlat_extent(metric, "EPSG:4543");
    // the metric box holds the lon/lat box, so its lon/lat extent does too (and not much more)
    CHECK(back.minx <= ll.minx);
    CHECK(back.maxx >= ll.maxx);
    CHECK(back.miny <= ll.miny);
    CHECK(back.maxy >= ll.maxy);
    CHECK(back.maxx - back.minx < 1.01 * (ll.maxx - ll.minx));
    CHECK_FALSE(lonlat_extent(Box{}, "EPSG:4543").valid());
}

TEST_CASE(
    "validate_crs: a 'name' longer than any CRS name is refused before PROJ searches for it") {
    // fuzz_scene's time-out: PROJ looks every unknown name up in its database (~0.1 s each,
    // seconds under a sanitizer)
    const std::string garbage = "EPRRR05989-05,27@T07:32:00Z" + std::string(400, 'K') + "G:32648";
    try {
        lugeo::validate_crs(garbage, "scene.toml");
        FAIL("accepted");
    } catch (const lugeo::Error &e) {
        const std::string m = e.what();
        CHECK(m.find("longer than any CRS name") != std::string::npos);
        CHECK(m.find("scene.toml") != std::string::npos);
        CHECK(m.size() < 400);
    }
    // long definitions that are not names still reach PROJ
    CHECK_NOTHROW(lugeo::validate_crs("+proj=tmerc +lat_0=0 +lon_0=102 +k=1 +x_0=500000 +y_0=0 "
                                      "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 "
                                      "+units=m +no_defs +type=crs",
                                      ""));
    CHECK_NOTHROW(lugeo::validate_crs(
        R"(GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]])",
        ""));
    CHECK_NOTHROW(lugeo::validate_crs("CGCS2000 / 3-degree Gauss-Kruger CM 102E", ""));
}
