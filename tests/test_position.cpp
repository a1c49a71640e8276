// Positions as dispatchers receive them: GCJ-02 / BD-09 against published pairs, round trips,
// the inside-China rule, parsing of typed positions and geo: URIs, and the far-outside check.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "crs/offsets.hpp"

#include <lugeo/error.hpp>
#include <lugeo/position.hpp>

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace lugeo;

namespace {

double metres(LonLat a, LonLat b) {
    return detail::haversine_m(a, b);
}
bool has(const std::string &s, const std::string &part) {
    return s.find(part) != std::string::npos;
}

/// The message of the Error(invalid_argument) that `f` throws ("" when it throws none).
std::string invalid(const std::function<void()> &f) {
    try {
        f();
    } catch (const Error &e) {
        CHECK(e.code() == ErrorCode::invalid_argument);
        return e.what();
    }
    return "";
}

Box chengdu_box() {
    Box b;
    b.extend({104.00, 30.60});
    b.extend({104.13, 30.72});
    return b;
}

} // namespace

TEST_CASE("GCJ-02: eviltransform's published WGS84 / GCJ-02 pairs") {
    // googollee/eviltransform, c/test.c: {wgsLat, wgsLng, gcjLat, gcjLng} for Shanghai,
    // Shenzhen, Beijing. Its own test asks for the forward to 1e-6 degrees and its exact inverse
    // to 0.5 m; lugeo's forward reproduces the pairs to 1e-9 degrees, its inverse to 1 mm.
    const double pairs[3][4] = {{31.1774276, 121.5272106, 31.17530398364597, 121.531541859215},
                                {22.543847, 113.912316, 22.540796131694766, 113.9171764808363},
                                {39.911954, 116.377817, 39.91334545536069, 116.38404722455657}};
    for (const auto &p : pairs) {
        const LonLat wgs{p[1], p[0]}, gcj{p[3], p[2]};
        const LonLat g = from_wgs84(wgs, PositionCrs::gcj02);
        CHECK(g.lon == doctest::Approx(gcj.lon).epsilon(1e-11));
        CHECK(g.lat == doctest::Approx(gcj.lat).epsilon(1e-11));
        CHECK(metres(to_wgs84(gcj, PositionCrs::gcj02), wgs) < 0.001);
    }
}

TEST_CASE("GCJ-02 and BD-09: gcoord's published pairs at (123E, 45N)") {
    // hujiulong/gcoord, test/unit/crs/{WGS84,GCJ02,BD09}.spec.ts (toBeCloseTo(x, 5): within
    // 5e-6 degrees). gcoord's BD-09 -> GCJ-02 is the one-step "bd_decrypt" formula, which is
    // off by about 0.1 m; lugeo's iterative inverse agrees with it within that.
    const LonLat p{123.0, 45.0};
    auto near = [](LonLat got, double lon, double lat, double tol) {
        CHECK(std::abs(got.lon - lon) < tol);
        CHECK(std::abs(got.lat - lat) < tol);
    };
    near(from_wgs84(p, PositionCrs::gcj02), 123.00607541, 45.00197815, 5e-8);
    near(from_wgs84(p, PositionCrs::bd09), 123.0124491, 45.0083293, 5e-7);
    near(to_wgs84(p, PositionCrs::gcj02), 122.99395597, 44.99804071, 5e-6);
    near(detail::bd09_forward(p), 123.00636499, 45.00636899, 5e-8);
    near(detail::bd09_inverse(p), 122.99363304, 44.99365430, 5e-6);
    near(to_wgs84(p, PositionCrs::bd09), 122.98762210, 44.99171540, 5e-6);
}

TEST_CASE("GCJ-02 and BD-09: gcoord's table of Chinese cities") {
    // hujiulong/gcoord, test/fixtures/china-cities.json (a selection): WGS84, GCJ02 and BD09
    // positions of prefecture seats. Its GCJ02 -> BD09 pairs are the published formula to the
    // table's 7 decimals (2 cm); its WGS84 column differs from the formula by up to 0.73 m over
    // the whole table (it was not made by the formula alone), so WGS84 <-> GCJ-02 is held to 1 m.
    struct Row {
        const char *city;
        LonLat wgs, gcj, bd;
    };
    const std::vector<Row> rows = {
        {"Liangshan (Xichang)",
         {102.2658401, 27.8850446},
         {102.2673386, 27.8816151},
         {102.2738428, 27.8876621}},
        {"Chuxiong",
         {101.5265949, 25.048566},
         {101.5280737, 25.0455363},
         {101.5344863, 25.0518094}},
        {"Ziyang", {104.6252411, 30.1317508}, {104.6276449, 30.1289052}, {104.6340814, 30.1351581}},
        {"Shenyang",
         {123.4253306, 41.8032629},
         {123.4314787, 41.8057023},
         {123.438095, 41.8114013}},
        {"Quanzhou",
         {118.6711365, 24.8770487},
         {118.6756787, 24.8741363},
         {118.6821251, 24.8804872}},
        {"Xilingol",
         {116.0414035, 43.9312805},
         {116.0482308, 43.9334573},
         {116.0546232, 43.9397782}},
        {"Lhasa", {91.1706414, 29.655277}, {91.1721167, 29.6524954}, {91.1786184, 29.6585294}},
        {"Chengdu",
         {104.0640437, 30.5747262},
         {104.0665489, 30.5722732},
         {104.0730134, 30.5783237}},
        {"Sanya", {109.507813, 18.2545417}, {109.5119135, 18.2528524}, {109.5184703, 18.2585878}},
        {"Da Hinggan Ling",
         {124.7038236, 52.3338635},
         {124.7115324, 52.3352664},
         {124.7180582, 52.3412419}},
        {"Urumqi", {87.6140048, 43.824388}, {87.6168579, 43.8255962}, {87.6232918, 43.8317719}},
        {"Harbin", {126.528903, 45.8017783}, {126.5349726, 45.8037804}, {126.5415875, 45.8094074}},
        {"Kashgar", {75.9868089, 39.470184}, {75.9897602, 39.4704064}, {75.9962502, 39.4764048}},
        {"Heihe", {127.5209846, 50.2434852}, {127.528304, 50.2451332}, {127.5347994, 50.2510922}},
        {"Kunming",
         {102.8314746, 24.8831612},
         {102.8328974, 24.8800993},
         {102.8393447, 24.8863908}},
        {"Haikou", {110.1939936, 20.046109}, {110.1983008, 20.0440074}, {110.2048302, 20.049869}},
    };
    for (const Row &r : rows) {
        CAPTURE(r.city);
        CHECK(metres(from_wgs84(r.wgs, PositionCrs::gcj02), r.gcj) < 1.0);
        CHECK(metres(to_wgs84(r.gcj, PositionCrs::gcj02), r.wgs) < 1.0);
        CHECK(metres(detail::bd09_forward(r.gcj), r.bd) < 0.02);
        CHECK(metres(detail::bd09_inverse(r.bd), r.gcj) < 0.02);
        CHECK(metres(from_wgs84(r.wgs, PositionCrs::bd09), r.bd) < 1.0);
        CHECK(metres(to_wgs84(r.bd, PositionCrs::bd09), r.wgs) < 1.0);
    }
}

TEST_CASE("around Chengdu the offsets are about 360 m (GCJ-02) and 950 m (BD-09)") {
    const LonLat tianfu{104.0665, 30.6598}; // Tianfu Square
    const double gcj = metres(tianfu, from_wgs84(tianfu, PositionCrs::gcj02));
    const double bd = metres(tianfu, from_wgs84(tianfu, PositionCrs::bd09));
    CHECK(gcj == doctest::Approx(360).epsilon(0.05));
    CHECK(bd == doctest::Approx(950).epsilon(0.05));
    // and in Chuxiong
    const LonLat chuxiong{101.546, 25.033};
    CHECK(metres(chuxiong, from_wgs84(chuxiong, PositionCrs::gcj02)) > 300);
}

TEST_CASE("round trips over a grid covering China stay far below the documented 0.5 m") {
    // bench/bench_positions measures the same on a 0.05-degree grid (docs/positions.md).
    int n = 0;
    double worst = 0.0;
    for (double lat = 18.0; lat <= 53.5; lat += 0.5)
        for (double lon = 73.5; lon <= 135.0; lon += 0.5) {
            const LonLat p{lon, lat};
            if (china_area(p) == ChinaArea::outside) continue;
            ++n;
            for (PositionCrs c : {PositionCrs::gcj02, PositionCrs::bd09}) {
                worst = std::max(worst, metres(to_wgs84(from_wgs84(p, c), c), p));
                // p read as a position in c: back and forth again (unless its WGS84 position
                // falls outside the outline, where the apps' positions are WGS84 already)
                const LonLat w = to_wgs84(p, c);
                if (position_readings(p, c).shifted)
                    worst = std::max(worst, metres(from_wgs84(w, c), p));
            }
        }
    CHECK(n > 3000);
    CHECK(worst < 1e-3);
    // The inverse takes few steps even at the formula's cusp on 105E.
    int steps = 0;
    detail::gcj02_inverse({105.0, 30.0}, &steps);
    CHECK(steps < 12);
}

TEST_CASE("along China's outline the inverse is the forward's: a reading it takes back, and a "
          "round trip that misses only where the position has two readings") {
    // Points within 3 km of where the outline crosses parallels 0.37 degrees apart (found by
    // bisection on china_area), 9 on each side of every crossing: land borders and coasts.
    std::vector<LonLat> near;
    std::vector<double> border_lon;
    for (double lat = 18.3; lat < 53.5; lat += 0.37)
        for (double lon = 73.0; lon < 135.0; lon += 0.05) {
            const bool a = china_area({lon, lat}) != ChinaArea::outside;
            const bool b = china_area({lon + 0.05, lat}) != ChinaArea::outside;
            if (a == b) continue;
            double lo = lon, hi = lon + 0.05;
            for (int i = 0; i < 30; ++i) {
                const double mid = 0.5 * (lo + hi);
                ((china_area({mid, lat}) != ChinaArea::outside) == a ? lo : hi) = mid;
            }
            for (int k = -9; k <= 9; ++k)
                near.push_back({lo + k * 0.003, lat + ((k * 7) % 5) * 0.002});
        }
    REQUIRE(near.size() > 2000);
    std::size_t ambiguous = 0, missed = 0;
    for (PositionCrs c : {PositionCrs::gcj02, PositionCrs::bd09})
        for (const LonLat p : near) {
            CAPTURE(p.lon);
            CAPTURE(p.lat);
            const LonLat there = from_wgs84(p, c);
            const LonLat back = to_wgs84(there, c);
            // consistent: what to_wgs84 returns is a reading from_wgs84 takes back
            CHECK(metres(from_wgs84(back, c), there) < 1e-3);
            const PositionReadings r = position_readings(there, c);
            CHECK((r.shifted || r.unshifted)); // `there` has a reading: p
            if (r.ambiguous()) ++ambiguous;
            if (metres(back, p) < 1e-3) continue;
            // a miss only where `there` has two readings: p (outside, not shifted) and back
            ++missed;
            CHECK(r.ambiguous());
            CHECK(china_area(p) == ChinaArea::outside);
            CHECK(metres(*r.unshifted, p) < 1e-3);
            CHECK(metres(*r.shifted, back) < 1e-3);
            // and a parsed position says so
            char text[64];
            std::snprintf(text, sizeof text, "%.12f,%.12f", there.lon, there.lat);
            const ParsedPosition pp = parse_position(text, {c});
            // (the text rounds to 1e-12 degree, which can move a point across the band's edge)
            CHECK(pp.other_reading.has_value() == position_readings(pp.given, c).ambiguous());
        }
    // the band exists (the test is not vacuous) and is narrow: a few % of points within 3 km
    CHECK(ambiguous > 0);
    CHECK(missed > 0);
    CHECK(missed < near.size() / 2);
    // the example: WGS84 (109.1892, 21.0), off the Beibu Gulf coast
    const LonLat beibu{109.1892, 21.0};
    for (PositionCrs c : {PositionCrs::gcj02, PositionCrs::bd09}) {
        const PositionReadings r = position_readings(from_wgs84(beibu, c), c);
        CHECK(r.ambiguous());
        CHECK(metres(*r.unshifted, beibu) < 1e-3);
        CHECK(metres(from_wgs84(*r.shifted, c), from_wgs84(beibu, c)) < 1e-3);
    }
}

TEST_CASE("outside China the apps' positions are WGS84: the conversions are the identity") {
    for (const LonLat p : {LonLat{14.514, 35.899}, LonLat{24.938, 60.170}, LonLat{126.978, 37.566},
                           LonLat{-43.2, -22.9}, LonLat{0, 0}, LonLat{180, 90}}) {
        for (PositionCrs c : {PositionCrs::gcj02, PositionCrs::bd09}) {
            CHECK(from_wgs84(p, c).lon == p.lon);
            CHECK(from_wgs84(p, c).lat == p.lat);
            CHECK(to_wgs84(p, c).lon == p.lon);
            CHECK(to_wgs84(p, c).lat == p.lat);
        }
    }
    // CGCS2000 is taken as WGS84 everywhere (docs/positions.md says why)
    const LonLat cd{104.0665, 30.6598};
    CHECK(to_wgs84(cd, PositionCrs::cgcs2000).lon == cd.lon);
    CHECK(from_wgs84(cd, PositionCrs::cgcs2000).lat == cd.lat);
    // not a position at all
    CHECK(has(invalid([] { to_wgs84({NAN, 30}, PositionCrs::gcj02); }), "not a longitude"));
    CHECK(has(invalid([] { from_wgs84({104, 95}, PositionCrs::bd09); }), "not a longitude"));
}

TEST_CASE("position system names") {
    CHECK(position_crs_from_name("gcj02") == PositionCrs::gcj02);
    CHECK(position_crs_from_name("GCJ02") == PositionCrs::gcj02);
    CHECK(position_crs_from_name("Bd09") == PositionCrs::bd09);
    CHECK(position_crs_from_name(" wgs84 ") == PositionCrs::wgs84);
    CHECK(position_crs_from_name("CGCS2000") == PositionCrs::cgcs2000);
    CHECK_FALSE(position_crs_from_name("gcj-02"));
    CHECK_FALSE(position_crs_from_name("EPSG:4326"));
    CHECK_FALSE(position_crs_from_name(""));
    for (PositionCrs c :
         {PositionCrs::wgs84, PositionCrs::cgcs2000, PositionCrs::gcj02, PositionCrs::bd09})
        CHECK(position_crs_from_name(position_crs_name(c)) == c);
    const std::string m = invalid([] { parse_position_crs("mars"); });
    CHECK(has(m, "'mars'"));
    CHECK(has(m, "wgs84, cgcs2000, gcj02, bd09"));
}

TEST_CASE("parse_position: LON,LAT and LON,LAT,RADIUS as typed") {
    ParsedPosition p = parse_position("104.0665,30.6598");
    CHECK(p.wgs84.lon == 104.0665);
    CHECK(p.wgs84.lat == 30.6598);
    CHECK(p.crs == PositionCrs::wgs84);
    CHECK_FALSE(p.radius_m);
    CHECK_FALSE(p.geo_uri);
    p = parse_position(" 104.0665 , 30.6598 , 300 ");
    CHECK(p.radius_m == 300.0);
    p = parse_position("104.0665\xEF\xBC\x8C"
                       "30.6598"); // full-width comma (Chinese input)
    CHECK(p.given.lat == 30.6598);
    p = parse_position("+104.0665,+30.6598");
    CHECK(p.given.lon == 104.0665);
    p = parse_position("-8.61,41.15");
    CHECK(p.wgs84.lon == -8.61);
    // declared GCJ-02: converted to WGS84 (about 360 m away around Chengdu)
    p = parse_position("104.0690089,30.6573804", {PositionCrs::gcj02});
    CHECK(p.crs == PositionCrs::gcj02);
    CHECK(p.given.lon == 104.0690089);
    CHECK(metres(p.wgs84, {104.0665, 30.6598}) < 0.05);
    p = parse_position("104.0755068,30.6633974,50", {PositionCrs::bd09});
    CHECK(metres(p.wgs84, {104.0665, 30.6598}) < 0.05);
    CHECK(p.radius_m == 50.0);
}

TEST_CASE("parse_position: geo: URIs (RFC 5870), latitude first") {
    ParsedPosition p = parse_position("geo:30.6598,104.0665");
    CHECK(p.geo_uri);
    CHECK(p.wgs84.lon == 104.0665);
    CHECK(p.wgs84.lat == 30.6598);
    p = parse_position("geo:30.6598,104.0665,512;u=35");
    CHECK(p.altitude_m == 512.0);
    CHECK(p.radius_m == 35.0);
    p = parse_position("GEO:30.6598,104.0665;CRS=WGS84;U=20;foo=bar");
    CHECK(p.radius_m == 20.0);
    CHECK(p.crs == PositionCrs::wgs84);
    p = parse_position("geo:30.6598,104.0665;u=0"); // exact: no radius of its own
    CHECK_FALSE(p.radius_m);
    // lugeo's crs labels (not registered with IANA) for the Chinese systems
    p = parse_position("geo:30.6573804,104.0690089;crs=gcj02;u=10");
    CHECK(p.crs == PositionCrs::gcj02);
    CHECK(metres(p.wgs84, {104.0665, 30.6598}) < 0.05);
    // a declared system applies to a URI without ;crs= (apps write their own coordinates)
    p = parse_position("geo:30.6573804,104.0690089", {PositionCrs::gcj02});
    CHECK(metres(p.wgs84, {104.0665, 30.6598}) < 0.05);
    // Android's search intent with coordinates
    p = parse_position("geo:0,0?q=30.6598,104.0665(Tianfu Square)");
    CHECK(p.wgs84.lon == 104.0665);
    CHECK(p.wgs84.lat == 30.6598);
    p = parse_position("geo:30.6598,104.0665?z=15");
    CHECK(p.wgs84.lat == 30.6598);
}

TEST_CASE("parse_position: clear errors for everything else") {
    struct Bad {
        const char *text;
        const char *says;
    };
    for (const Bad &b : std::vector<Bad>{
             {"", "empty"},
             {"104.07", "expected LON,LAT"},
             {"104,30,5,6", "expected LON,LAT"},
             {"abc,def", "'abc' is not a number"},
             {"104.07,30.6x", "'30.6x' is not a number"},
             {"nan,30", "not a number"},
             {"104,inf", "not a number"},
             {"200,30", "longitude 200.000000 is outside [-180, 180]"},
             {"104,30,0", "radius must be a positive number"},
             {"104,30,-5", "radius must be a positive number"},
             {"geo:", "geo:LAT,LON"},
             {"geo:30.66", "geo:LAT,LON"},
             {"geo:30.66,104.07;u=-1", "must not be negative"},
             {"geo:30.66,104.07;crs=mars", "unknown crs 'mars'"},
             {"geo:30.66,104.07;u=5;crs=wgs84", "must come first"},
             {"geo:0,0?q=天府广场", "is a search, not a position"},
         }) {
        CAPTURE(b.text);
        const std::string m = invalid([&] { parse_position(b.text); });
        CHECK(has(m, b.says));
        CHECK(has(m, std::string("position '") + b.text + "'"));
        CHECK_FALSE(has(m, "--")); // library messages name no CLI flag
    }
    // LAT,LON typed where LON,LAT was expected, and the other way round for geo: URIs
    std::string m = invalid([] { parse_position("30.66,104.07"); });
    CHECK(has(m, "longitude first"));
    CHECK(has(m, "104.070000,30.660000"));
    m = invalid([] { parse_position("geo:104.07,30.66"); });
    CHECK(has(m, "latitude first"));
    CHECK(has(m, "geo:30.660000,104.070000"));
    // a URI that says WGS84 while the position was declared GCJ-02
    m = invalid([] { parse_position("geo:30.66,104.07;crs=wgs84", {PositionCrs::gcj02}); });
    CHECK(has(m, "crs=wgs84"));
    CHECK(has(m, "declared gcj02"));
}

TEST_CASE("a position far outside the data's extent is flagged, never used as if in the city") {
    const Box cd = chengdu_box();
    ExtentCheck c = check_position_near_extent({104.0665, 30.6598}, cd);
    CHECK_FALSE(c.far);
    CHECK(c.distance_m == 0.0);
    CHECK(c.message.empty());
    // 5 km east of the extent: a caller at the edge of town
    c = check_position_near_extent({104.182, 30.66}, cd);
    CHECK_FALSE(c.far);
    CHECK(c.distance_m == doctest::Approx(5000).epsilon(0.05));
    // (0, 0) from a handset with no fix
    c = check_position_near_extent({0, 0}, cd);
    CHECK(c.far);
    CHECK(c.distance_m > 1.1e7);
    CHECK(has(c.message, "handset without a position fix"));
    CHECK(has(c.message, "not used"));
    // another city
    c = check_position_near_extent({101.546, 25.033}, cd);
    CHECK(c.far);
    CHECK(c.distance_m > 600000);
    // the distance allowed is the caller's to set
    CHECK(check_position_near_extent({104.182, 30.66}, cd, 1000).far);
    CHECK(has(invalid([&] { require_position_near_extent({0, 0}, cd); }), "handset"));
    CHECK_NOTHROW(require_position_near_extent({104.07, 30.66}, cd));
    // no extent: nothing to check against
    CHECK_FALSE(check_position_near_extent({0, 0}, Box{}).far);
}

TEST_CASE("the swap is spelled out when LAT,LON lands in the area") {
    // (Around Chengdu a swapped position has latitude 104 and parse_position refuses it; where
    // longitude and latitude are both below 90 the swap can land in the area.)
    Box b;
    b.extend({30.0, 29.9});
    b.extend({31.0, 31.0});
    const ExtentCheck c = check_position_near_extent({30.5, 45.0}, b);
    CHECK(c.far);
    CHECK_FALSE(has(c.message, "swapped"));
    Box d;
    d.extend({44.9, 30.4});
    d.extend({45.1, 30.6});
    const ExtentCheck s = check_position_near_extent({30.5, 45.0}, d);
    CHECK(s.far);
    CHECK(has(s.message, "longitude and latitude swapped"));
}
