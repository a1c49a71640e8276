// The plate registry: normalisation, exact and fuzzy lookup, check digits, nearest, checks,
// numbering, thread safety, garbage input.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "support/plates.hpp"
#include "support/registry_synth.hpp"

#include <lugeo/error.hpp>
#include <lugeo/registry.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <thread>

using namespace lugeo;
using namespace lugeo::test_support;

namespace {

bool contains(const std::string &s, const std::string &part) {
    return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("normalize_plate_id: table of typed and heard forms") {
    struct Row {
        const char *in;
        const char *id;
        bool canonical;
    };
    const Row rows[] = {
        {"L207-0042", "L207-0042", true},
        {"l207-0042", "L207-0042", true},
        {" L 207 0042 ", "L207-0042", true},
        {"L2070042", "L207-0042", true},
        {"L207–0042", "L207-0042", true},  // en dash
        {"L207—0042", "L207-0042", true},  // em dash
        {"L207＿0042", "L207-0042", true}, // full-width low line
        {"L207_0042", "L207-0042", true},
        {"L207·0042", "L207-0042", true},
        {"Ｌ２０７－００４２", "L207-0042", true},
        {"ｌ２０７ ００４２", "L207-0042", true},
        {"路灯207-0042", "L207-0042", true},
        {"灯杆２０７００４２", "L207-0042", true},
        {"路灯杆207-0042", "L207-0042", true},
        {"灯207-0042号", "L207-0042", true},
        {"路灯二零七零零四二", "L207-0042", true},
        {"路灯两洞拐洞洞四两", "L207-0042", true},
        {"路灯〇", "L0", false},
        {"路灯二零七 四十二号", "L207-0042", true},
        {"L207-42", "L207-0042", true},
        {"电杆103-0117", "G103-0117", true},
        {"杆号一零三 零幺幺拐", "G103-0117", true},
        {"电线杆G103-0117", "G103-0117", true},
        {"杆 幺洞三洞幺幺拐", "G103-0117", true},
        {"第G103-0117号", "G103-0117", true},
        {"g103.0117", "G103-0117", true},
        {"103-0117", "103-0117", false},     // no prefix
        {"X103-0117", "X103-0117", false},   // unknown prefix
        {"L27-0042", "L270-042", false},     // a digit short
        {"L207-00420", "L207-00420", false}, // check digit fails
        {"L007-0042", "L007-0042", false},   // district 0
    };
    for (const auto &r : rows) {
        CAPTURE(r.in);
        const auto n = normalize_plate_id(r.in);
        CHECK(n.id == r.id);
        CHECK(n.is_canonical == r.canonical);
        CHECK(n.error.empty() == r.canonical);
    }
    const auto c = with_check("L207-0042");
    CHECK(normalize_plate_id(c).is_canonical);
}

TEST_CASE("normalize_plate_id: garbage gives a clear error, never a crash") {
    const char *bad[] = {"",
                         "   ",
                         "abc",
                         "LLLL",
                         "路灯",
                         "L207\x01-0042",
                         "\xff\xfe",
                         "L207-0042\x7f",
                         "😀",
                         "L207L0042",
                         "G103-0117; DROP TABLE"};
    for (const char *b : bad) {
        CAPTURE(b);
        const auto n = normalize_plate_id(b);
        CHECK_FALSE(n.is_canonical);
        CHECK_FALSE(n.error.empty());
    }
    CHECK(contains(normalize_plate_id("L207\x01-0042").error, "control character"));
    CHECK(contains(normalize_plate_id(std::string(300, '1')).error, "too long"));
    CHECK(contains(normalize_plate_id("1234567890123456789").error, "too many digits"));
    CHECK(contains(normalize_plate_id("abc").error, "letter"));
}

TEST_CASE("parse_plate_id and format_plate_id round trip") {
    const auto p = parse_plate_id("L207-0042");
    REQUIRE(p);
    CHECK(p->type == 1);
    CHECK(p->district == 2);
    CHECK(p->road == 7);
    CHECK(p->number == 42);
    CHECK_FALSE(p->check);
    CHECK(format_plate_id(*p, false) == "L207-0042");
    const auto withc = format_plate_id(*p, true);
    CHECK(withc == with_check("L207-0042"));
    const auto q = parse_plate_id(withc);
    REQUIRE(q);
    CHECK(q->check == withc.back() - '0');
    CHECK_FALSE(parse_plate_id("L207-0042 "));
    CHECK_FALSE(parse_plate_id("L2070042"));
    CHECK_FALSE(parse_plate_id("A207-0042"));
}

TEST_CASE("Damm: known value, and every single-digit error and adjacent transposition is caught") {
    CHECK(damm_check_digit("572") == '4'); // Damm's worked example
    CHECK(is_damm_valid("5724"));
    // exhaustive over all 4-digit bodies, and a random sample of 7-digit bodies (plate IDs)
    std::vector<std::string> bodies;
    for (int v = 0; v < 10000; ++v) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d", v % 10000);
        bodies.emplace_back(buf);
    }
    const std::uint64_t seed = 42;
    std::mt19937_64 rng(seed);
    for (int k = 0; k < 20000; ++k) {
        std::string s;
        for (int i = 0; i < 7; ++i)
            s += static_cast<char>('0' + rng() % 10);
        bodies.push_back(s);
    }
    long undetected = 0, tried = 0;
    for (const auto &b : bodies) {
        const std::string full = b + damm_check_digit(b);
        if (!is_damm_valid(full)) ++undetected;
        for (std::size_t i = 0; i < full.size(); ++i) {
            for (char c = '0'; c <= '9'; ++c) {
                if (c == full[i]) continue;
                std::string e = full;
                e[i] = c;
                ++tried;
                if (is_damm_valid(e)) ++undetected;
            }
            if (i + 1 < full.size() && full[i] != full[i + 1]) {
                std::string e = full;
                std::swap(e[i], e[i + 1]);
                ++tried;
                if (is_damm_valid(e)) ++undetected;
            }
        }
    }
    INFO("seed " << seed << ", errors tried " << tried);
    CHECK(undetected == 0);
}

TEST_CASE("Registry build rejects duplicates, bad IDs and bad positions, naming the plate") {
    auto expect = [](std::vector<Plate> plates, ErrorCode code, const std::string &part) {
        try {
            Registry r(std::move(plates));
            FAIL("no exception");
        } catch (const Error &e) {
            CHECK(e.code() == code);
            CHECK_MESSAGE(contains(e.what(), part), e.what());
        }
    };
    expect({plate("L207-0042", 0, 0), plate("G103-0117", 1, 1), plate("L207-0042", 2, 2)},
           ErrorCode::duplicate_id, "index 2");
    expect({plate("L207-0042", 0, 0), plate(with_check("L207-0042"), 5, 5)},
           ErrorCode::duplicate_id, "L207-0042");
    expect({plate("L207-0042", 0, 0), plate("L207-42", 1, 1)}, ErrorCode::invalid_argument,
           "'L207-42' (index 1)");
    expect({plate("L207-0042", std::numeric_limits<double>::quiet_NaN(), 0)},
           ErrorCode::invalid_argument, "not finite");
    Plate wrong_kind = plate("L207-0042", 0, 0);
    wrong_kind.kind = "pole";
    expect({wrong_kind}, ErrorCode::invalid_argument, "kind");
    const Registry empty({});
    CHECK(empty.size() == 0);
    CHECK(empty.nearest({0, 0}, 3).empty());
    CHECK(empty.locate("L207-0042").kind == MatchKind::none);
}

TEST_CASE("exact lookup") {
    const Registry reg({plate("L207-0042", 10, 20), plate("G103-0117", 30, 40),
                        plate(with_check("L207-0043"), 50, 60)});
    CHECK(reg.find("L207-0042") == std::optional<std::size_t>(0));
    CHECK(reg.find("G103-0117") == std::optional<std::size_t>(1));
    CHECK_FALSE(reg.find("G207-0042"));
    CHECK_FALSE(reg.find("L207 0042")); // find() takes canonical IDs only
    CHECK(reg.plates()[0].kind == "lamp");
    CHECK(reg.plates()[1].kind == "pole");
    // a check-digit plate is found with and without its check digit
    CHECK(reg.find(with_check("L207-0043")) == std::optional<std::size_t>(2));
    CHECK(reg.find("L207-0043") == std::optional<std::size_t>(2));

    const auto r = reg.locate("路灯二零七零零四二");
    CHECK(r.kind == MatchKind::exact);
    CHECK(r.exact == std::optional<std::size_t>(0));
    REQUIRE(r.candidates.size() == 1);
    CHECK(r.candidates[0].explanation == "exact");
    const auto r2 = reg.locate("L207-0043");
    CHECK(r2.kind == MatchKind::exact);
    CHECK(contains(r2.candidates[0].explanation, "check digit not given"));
    const auto r3 = reg.locate("103-0117");
    CHECK(r3.kind == MatchKind::exact);
    CHECK(contains(r3.candidates[0].explanation, "type prefix not given"));
}

TEST_CASE("fuzzy lookup recovers each error class") {
    const Registry reg({plate("L207-0042", 0, 0), plate("G103-0117", 100, 0),
                        plate("L315-0268", 200, 0), plate("G214-0410", 300, 0),
                        plate("L908-0035", 400, 0), plate("G520-0001", 500, 0)});
    struct Row {
        const char *heard;
        const char *want;
        const char *why;
    };
    const Row rows[] = {
        {"G103-0177", "G103-0117", "1 read as 7"},
        {"L315-0286", "L315-0268", "swapped"},
        {"L31-0268", "L315-0268", "5 dropped"},
        {"L9088-0035", "L908-0035", "extra 8"},
        {"L207-00102", "L207-0042", "4 heard as 10"},
        {"G214044", "G214-0410", "10 heard as 4"},
        {"G207-0042", "L207-0042", "prefix G for L"},
        {"杆号五二零 零零零幺", "G520-0001", "exact"},
        {"G520-0004", "G520-0001", "1 read as 4"},
        {"L296-0042", "L207-0042", "read as"}, // two edits: 0->9, 7->6
    };
    for (const auto &r : rows) {
        CAPTURE(r.heard);
        LocateOptions opt;
        const auto res = reg.locate(r.heard, opt);
        REQUIRE_FALSE(res.candidates.empty());
        CHECK(res.candidates[0].id == r.want);
        CHECK_MESSAGE(contains(res.candidates[0].explanation, r.why),
                      res.candidates[0].explanation);
        CHECK(res.candidates[0].score > 0);
        CHECK(res.candidates[0].confidence <= 1.0);
    }
    CHECK(reg.locate("L296-0042").candidates[0].edits == 2);
    // nothing near: an empty result, not an exception
    const auto none = reg.locate("L999-9999");
    CHECK(none.kind == MatchKind::none);
    CHECK(none.candidates.empty());
}

TEST_CASE("scores: a confusable substitution outranks an arbitrary one") {
    // heard 0047: 0041 (1/7, very confusable) vs 0043 (3/7, not in the tables)
    const Registry reg({plate("L207-0041", 0, 0), plate("L207-0043", 10, 0)});
    const auto r = reg.locate("L207-0047");
    REQUIRE(r.candidates.size() == 2);
    CHECK(r.candidates[0].id == "L207-0041");
    CHECK(r.candidates[0].score > 3 * r.candidates[1].score);
    // the confidences and the "none of these" mass share one distribution (no other hit)
    CHECK(std::abs(r.candidates[0].confidence + r.candidates[1].confidence + r.unexplained - 1.0) <
          1e-9);
    CHECK(r.unexplained > 0);
}

TEST_CASE("confidence: the position counts, none_near, far positions ignored, what to ask") {
    const Registry reg(
        {plate("L207-0041", 0, 0), plate("L207-0047", 5000, 0), plate("L207-0043", 5040, 0)});
    // heard a number whose every candidate lies 5 km from the caller: low, and none_near
    LocateOptions lo;
    lo.near = CallerPosition{{-3000, 0}, 300};
    const auto far = reg.locate("L207-0048", lo);
    REQUIRE_FALSE(far.candidates.empty());
    CHECK(far.none_near);
    CHECK(far.nearby.size() == 3);
    CHECK(far.nearby[0].plate == 0);
    // the same call with the caller beside the candidates: higher confidence, not none_near
    lo.near = CallerPosition{{5000, 0}, 300};
    const auto close = reg.locate("L207-0048", lo);
    CHECK_FALSE(close.none_near);
    CHECK(close.candidates[0].confidence > far.candidates[0].confidence);
    // an exact match far from the caller: none_near too (for exact matches as well)
    lo.near = CallerPosition{{-3000, 0}, 300};
    CHECK(reg.locate("L207-0047", lo).none_near);
    // 0,0 of a handset without a fix, far outside: ignored and said so
    lo.near = CallerPosition{{-9e6, 1e6}, 300};
    const auto nofix = reg.locate("L207-0048", lo);
    CHECK(nofix.position_ignored);
    CHECK_FALSE(nofix.none_near);
    // two close answers on different roads: ask the road; --road then decides
    std::vector<Plate> two = {plate("L207-0041", 0, 0), plate("L207-0042", 30, 0)};
    two[0].road = "人民北路";
    two[1].road = "荆竹中路";
    const Registry reg2(two);
    const auto amb = reg2.locate("L207-0047");
    REQUIRE(amb.candidates.size() == 2);
    CHECK(amb.candidates[1].confidence >= amb.candidates[0].confidence / 3.0);
    CHECK(amb.ask == "road");
    LocateOptions by_road;
    by_road.road = "荆竹中路";
    const auto told = reg2.locate("L207-0047", by_road);
    CHECK(told.candidates[0].id == "L207-0042");
}

TEST_CASE("what to ask: the cross street separates two answers on one road; the answer decides") {
    // "L207-0047" reads as 0041 (1/7) or 0042 (2/7): two close answers on road A, 600 m apart,
    // one at the corner of road B, the other at the corner of road C
    std::vector<Plate> ps = {plate("L207-0041", 0, 0), plate("L207-0042", 600, 0),
                             plate("G301-0001", 0, 50), plate("G302-0001", 600, 50)};
    ps[0].road = ps[1].road = "A";
    ps[2].road = "B";
    ps[3].road = "C";
    const Registry reg(ps);
    const auto amb = reg.locate("L207-0047");
    REQUIRE(amb.candidates.size() >= 2);
    CHECK(amb.candidates[1].confidence >= amb.candidates[0].confidence / 3.0);
    CHECK(amb.ask == "cross");
    CHECK(amb.ask_detail.find("B (") != std::string::npos);
    CHECK(amb.ask_detail.find("C (") != std::string::npos);
    // the caller names each cross street in turn: the answer at that corner comes first and
    // its confidence rises; the question is not asked again
    for (const char *street : {"B", "C"}) {
        LocateOptions lo;
        lo.cross = street;
        const auto told = reg.locate("L207-0047", lo);
        REQUIRE_FALSE(told.candidates.empty());
        const std::string want = std::string(street) == "B" ? "L207-0041" : "L207-0042";
        CHECK(told.candidates[0].id == want);
        CHECK(told.candidates[0].confidence > 0.8);
        CHECK(told.ask != "cross");
        CHECK_FALSE(told.cross_unknown);
    }
    // a street the registry does not know: not used, and said so
    LocateOptions unknown;
    unknown.cross = "Z";
    const auto z = reg.locate("L207-0047", unknown);
    CHECK(z.cross_unknown);
    CHECK(z.candidates[0].confidence == doctest::Approx(amb.candidates[0].confidence));
    // a caller with the road network measures the distance itself (a street without plates)
    LocateOptions measured;
    measured.cross = "D";
    measured.distance_to_cross = [](XY p, const std::string &name) {
        return name == "D" ? std::abs(p.x - 600.0) : 1e9;
    };
    const auto d = reg.locate("L207-0047", measured);
    CHECK_FALSE(d.cross_unknown);
    CHECK(d.candidates[0].id == "L207-0042");
}

TEST_CASE("the dispatch answer: the plate whose 100 m neighbourhood holds the most mass") {
    // heard "L207-0011" (no such plate): its one-digit explanations are 0013 alone and 0016,
    // 0018, 0019 side by side 3 km away; where a unit should go is where the mass lies
    const Registry reg({plate("L207-0013", 0, 0), plate("L207-0016", 3000, 0),
                        plate("L207-0018", 3040, 0), plate("L207-0019", 3080, 0)});
    const auto r = reg.locate("L207-0011");
    REQUIRE(r.candidates.size() >= 2);
    REQUIRE(r.dispatch);
    double group = 0, best_alone = 0;
    for (const auto &c : r.candidates) {
        if (c.id != "L207-0013") group += c.confidence;
        best_alone = std::max(best_alone, c.confidence);
    }
    // the dispatch confidence is the mass within 100 m of the dispatch plate, never less than
    // its own confidence, and the dispatch plate is the one that maximises it
    CHECK(r.dispatch_confidence >= r.dispatch->confidence - 1e-12);
    double want = 0;
    for (const auto &c : r.candidates) {
        double mass = 0;
        for (const auto &o : r.candidates)
            if (distance(reg.plates()[c.plate].position, reg.plates()[o.plate].position) <= 100.0)
                mass += o.confidence;
        want = std::max(want, mass);
    }
    CHECK(r.dispatch_confidence == doctest::Approx(want).epsilon(0.02));
    if (group > best_alone) CHECK(r.dispatch->id != "L207-0013");
    LocateOptions off;
    off.reach_m = 0;
    CHECK_FALSE(reg.locate("L207-0011", off).dispatch);
}

TEST_CASE("a caller position re-ranks, and a far exact match is flagged with nearby alternatives") {
    // the caller stands at L207-0041; "L207-0047" is a valid plate 5 km away
    const Registry reg(
        {plate("L207-0041", 0, 0), plate("L207-0047", 5000, 0), plate("L207-0042", 40, 0)});
    LocateOptions opt;
    opt.near = CallerPosition{{30, 20}, 300};
    const auto r = reg.locate("L207-0047", opt);
    CHECK(r.kind == MatchKind::exact_far);
    CHECK(r.far_from_caller);
    REQUIRE(r.exact);
    CHECK(reg.plates()[*r.exact].id == "L207-0047");
    REQUIRE(r.candidates.size() >= 2);
    CHECK(r.candidates[0].id == "L207-0041");
    CHECK(r.candidates[0].distance_m < 100);
    // near the exact plate: not flagged, exact only
    opt.near = CallerPosition{{4900, 50}, 300};
    const auto r2 = reg.locate("L207-0047", opt);
    CHECK(r2.kind == MatchKind::exact);
    CHECK_FALSE(r2.far_from_caller);
    CHECK(r2.candidates.size() == 1);
    // without a position: exact, not flagged
    CHECK(reg.locate("L207-0047").kind == MatchKind::exact);
    // always_fuzzy adds the alternatives after the exact match
    LocateOptions all;
    all.always_fuzzy = true;
    const auto r3 = reg.locate("L207-0047", all);
    CHECK(r3.candidates[0].id == "L207-0047");
    CHECK(r3.candidates.size() == 3);
}

TEST_CASE("check digit: a heard ID with a valid check digit makes one-substitution explanations "
          "unlikely") {
    const std::string a = with_check("L207-0041");
    const Registry reg({plate(a, 0, 0)});
    // one digit wrong in a check-digit ID: the check fails, the plate is found
    std::string heard = a;
    heard[6] = heard[6] == '9' ? '8' : '9';
    REQUIRE_FALSE(is_damm_valid(heard.substr(1)));
    const auto r = reg.locate(heard);
    REQUIRE_FALSE(r.candidates.empty());
    CHECK(r.candidates[0].id == a);
    // a different, valid check-digit ID one substitution away scores 100x lower
    for (char c = '0'; c <= '9'; ++c) {
        std::string body = "2070041";
        body[6] = c;
        const std::string other = std::string("L") + body.substr(0, 3) + "-" + body.substr(3);
        const std::string heard2 = with_check(other);
        if (heard2 == a || heard2.substr(0, 9) == a.substr(0, 9)) continue;
        std::string t = heard2;
        int diff = 0;
        for (std::size_t i = 0; i < t.size(); ++i)
            diff += t[i] != a[i];
        if (diff != 1) continue; // Damm: two digits differ, not reachable by one substitution
        FAIL("Damm let a single substitution through");
    }
}

TEST_CASE("nearest agrees with brute force on random points") {
    const std::uint64_t seed = 99;
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> U(0, 3000);
    std::vector<Plate> plates;
    for (int i = 0; i < 2000; ++i) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "G%d%02d-%04d", 1 + i / 1000, 1 + (i / 100) % 10,
                      1 + i % 100);
        plates.push_back(plate(buf, U(rng), U(rng) * 0.3)); // a flat spread: many empty cells
    }
    const Registry reg(plates);
    for (int q = 0; q < 300; ++q) {
        const XY p{U(rng) * 1.4 - 600, U(rng) - 1000}; // also outside the bounding box
        const std::size_t k =
            std::vector<std::size_t>{1, 5, 20, 2500}[static_cast<std::size_t>(q % 4)];
        const auto got = reg.nearest(p, k);
        std::vector<std::pair<double, std::size_t>> all;
        for (std::size_t i = 0; i < plates.size(); ++i)
            all.push_back({std::hypot(plates[i].position.x - p.x, plates[i].position.y - p.y), i});
        std::sort(all.begin(), all.end());
        REQUIRE(got.size() == std::min(k, plates.size()));
        for (std::size_t i = 0; i < got.size(); ++i) {
            CHECK(got[i].distance_m == doctest::Approx(all[i].first));
            CHECK(got[i].plate == all[i].second);
        }
    }
    const Registry two({plate("L207-0001", 0, 100), plate("L207-0002", 100, 0)});
    const auto n = two.nearest({0, 0}, 2);
    REQUIRE(n.size() == 2);
    CHECK(n[0].bearing_deg == doctest::Approx(0.0));  // north
    CHECK(n[1].bearing_deg == doctest::Approx(90.0)); // east
    const auto sw = two.nearest({200, 200}, 1);
    CHECK(sw[0].bearing_deg > 180.0);
    CHECK(two.nearest({0, 0}, 0).empty());
}

TEST_CASE("check_plates finds what was planted, and a clean registry is clean") {
    auto plates = make_synthetic_plates();
    const auto clean = check_plates(plates);
    CHECK(clean.error_count == 0);
    std::size_t order = 0, spot = 0;
    for (const auto &is : clean.issues) {
        order += is.kind == CheckKind::out_of_order;
        spot += is.kind == CheckKind::same_spot;
    }
    CHECK(order == 0); // bent roads are not "out of order"
    CHECK(spot == 0);
    REQUIRE(clean.status.size() == 2);
    CHECK(clean.status[0].kind == "pole");
    CHECK(clean.status[0].ok + clean.status[0].damaged + clean.status[0].missing == 3034);
    CHECK(clean.status[1].ok + clean.status[1].damaged + clean.status[1].missing == 4266);

    // plant: a duplicate, a bad ID, a missing position, a plate on top of another, two swapped
    // neighbours on a pole road, and a confusable pair far apart
    std::size_t a = 0;
    while (plates[a].id.substr(0, 1) != "G" ||
           plates[a + 4].id.substr(0, 5) != plates[a].id.substr(0, 5))
        ++a;
    std::swap(plates[a + 1].position, plates[a + 2].position);
    plates.push_back(plate(plates[10].id, 1, 1));
    plates.push_back(plate("Q12-3", 2, 2));
    plates.push_back(plate("L999-0001", std::numeric_limits<double>::quiet_NaN(), 0));
    plates.push_back(plate("L999-0003", plates[20].position.x + 0.3, plates[20].position.y));
    plates.push_back(plate("G999-0011", 0, 0));
    plates.push_back(plate("G999-0017", 3000, 3000)); // 1/7 apart, 4.2 km
    const auto rep = check_plates(plates);
    auto has = [&](CheckKind kind, const std::string &id) {
        for (const auto &is : rep.issues)
            if (is.kind == kind && std::find(is.ids.begin(), is.ids.end(), id) != is.ids.end())
                return true;
        return false;
    };
    CHECK(has(CheckKind::duplicate_id, plates[10].id));
    CHECK(has(CheckKind::invalid_id, "Q12-3"));
    CHECK(has(CheckKind::invalid_position, "L999-0001"));
    CHECK(has(CheckKind::same_spot, "L999-0003"));
    CHECK(has(CheckKind::out_of_order, plates[a + 1].id));
    CHECK(has(CheckKind::out_of_order, plates[a + 2].id));
    CHECK(has(CheckKind::confusable, "G999-0017"));
    CHECK(rep.has_errors());
    CHECK(rep.error_count == 3);

    CheckOptions with_roads;
    with_roads.distance_to_road = [](XY p) { return std::abs(p.y - 3000.0); };
    with_roads.check_confusable = false;
    const auto road_rep =
        check_plates({plate("G999-0011", 0, 3010), plate("G999-0012", 0, 3200)}, with_roads);
    REQUIRE(road_rep.issues.size() == 1);
    CHECK(road_rep.issues[0].kind == CheckKind::far_from_road);
    CHECK(road_rep.issues[0].ids[0] == "G999-0012");
}

TEST_CASE("assign_plate_ids: next free numbers with a valid check digit, never reused") {
    const Registry reg({plate("L207-0041", 0, 0), plate("L207-0042", 0, 10),
                        plate("L207-0044", 30, 10), plate("G103-0117", 500, 500)});
    std::vector<NewPlate> fresh = {{{90, 10}, "lamp", 2, 7, PlateSide::right},
                                   {{60, 10}, "lamp", 2, 7, PlateSide::right},
                                   {{40, 0}, "L", 2, 7, PlateSide::left},
                                   {{600, 500}, "pole", 1, 3, PlateSide::any},
                                   {{0, 900}, "pole", 4, 12, PlateSide::any}};
    const auto out = assign_plate_ids(reg, fresh);
    REQUIRE(out.size() == 5);
    CHECK(out[1].parts.number == 46); // nearer the last plate (0044) than input 0
    CHECK(out[0].parts.number == 48);
    CHECK(out[2].parts.number == 43); // left side: odd
    CHECK(out[3].parts.number == 118);
    CHECK(out[4].parts.number == 1);
    std::vector<Plate> all = reg.plates();
    for (const auto &a : out) {
        CAPTURE(a.id);
        CHECK(a.id.size() == 10);
        CHECK(parse_plate_id(a.id));
        CHECK(a.parts.check);
        all.push_back(plate(a.id, fresh[a.input].position.x, fresh[a.input].position.y));
    }
    CHECK_NOTHROW(Registry{all}); // no number reused
    CHECK_THROWS_AS(assign_plate_ids(reg, {{{0, 0}, "tree", 1, 1, PlateSide::any}}), Error);
    CHECK_THROWS_AS(assign_plate_ids(reg, {{{0, 0}, "pole", 0, 1, PlateSide::any}}), Error);
    CHECK_THROWS_AS(assign_plate_ids(reg, {{{0, 0}, "pole", 1, 3, PlateSide::left}}), Error);
    const Registry full({plate("G101-9999", 0, 0)});
    CHECK_THROWS_AS(assign_plate_ids(full, {{{0, 0}, "pole", 1, 1, PlateSide::any}}), Error);
}

TEST_CASE("queries are const and thread-safe: same answers from 4 threads") {
    const Registry reg(make_synthetic_plates());
    MisreadSimulator sim(5);
    std::vector<std::string> heard;
    for (std::size_t i = 0; i < 400; ++i)
        heard.push_back(sim.misread(reg.plates()[i * 17 % reg.size()].id).text);
    auto run = [&](std::vector<std::string> &out) {
        for (const auto &h : heard) {
            LocateOptions opt;
            opt.near = CallerPosition{{4000, 4000}, 2000};
            const auto r = reg.locate(h, opt);
            std::string line = r.normalized + ":";
            for (const auto &c : r.candidates)
                line += c.id + "," + c.explanation + ";";
            const auto nn = reg.nearest({static_cast<double>(h.size() * 97 % 8000), 4000}, 3);
            for (const auto &n : nn)
                line += std::to_string(n.plate) + ";";
            out.push_back(line);
        }
    };
    std::vector<std::string> expected;
    run(expected);
    std::vector<std::vector<std::string>> results(4);
    std::vector<std::thread> threads;
    for (auto &r : results)
        threads.emplace_back(run, std::ref(r));
    for (auto &t : threads)
        t.join();
    for (const auto &r : results)
        CHECK(r == expected);
}

TEST_CASE("locate never throws on random bytes") {
    const std::uint64_t seed = 2024;
    INFO("seed " << seed);
    const Registry reg(make_synthetic_plates());
    std::mt19937_64 rng(seed);
    const std::string alphabet[] = {"0",  "7",  "L",  "g",  "-",    " ",    "路灯", "四",
                                    "十", "幺", "Ｌ", "５", "\x01", "\xe4", "号"};
    int invalid = 0;
    for (int k = 0; k < 20000; ++k) {
        std::string s;
        const auto len = rng() % 24;
        for (std::size_t i = 0; i < len; ++i)
            s += k % 2 ? std::string(1, static_cast<char>(rng() % 256)) : alphabet[rng() % 15];
        LocateResult r;
        CHECK_NOTHROW(r = reg.locate(s));
        if (r.kind == MatchKind::invalid) {
            ++invalid;
            CHECK_FALSE(r.error.empty());
        }
        CHECK(r.candidates.size() <= 5);
    }
    CHECK(invalid > 0);
}
