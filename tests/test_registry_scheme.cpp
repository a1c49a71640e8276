// Plate numbering schemes: the pattern language, inference from a layer's IDs, and the
// resolver on schemes other than the demo's (docs/plate-ids.md).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <lugeo/error.hpp>
#include <lugeo/registry.hpp>

#include <random>
#include <set>
#include <string>
#include <vector>

using namespace lugeo;

namespace {

Plate plate(const std::string &id, double x, double y, const std::string &kind = "pole") {
    Plate p;
    p.id = id;
    p.kind = kind;
    p.position = {x, y};
    p.lonlat = {104.0, 30.0};
    return p;
}

} // namespace

TEST_CASE("scheme patterns: parse, print back, match canonical IDs") {
    struct Row {
        const char *pattern, *text, *good, *bad;
    };
    const Row rows[] = {
        {"DG-#####", "DG-#####", "DG-01234", "DG-1234"},
        {"{G|L}###-####[C]", "{G|L}###-####[C]", "L207-0042", "L207-00420"},
        {"{*}线#{1,3}号杆", "{*}线#{1,3}号杆", "鹿城线112号杆", "鹿城线0112号杆"},
        {"{|A}#{1,3}", "{|A}#{1,3}", "A12", "A012"},
        {"P ## ###[C!:luhn]", "P ## ###[C!:luhn]", "", "P 12 345"},
    };
    for (const auto &r : rows) {
        CAPTURE(r.pattern);
        const PlateScheme s = parse_plate_scheme(r.pattern, "pole");
        CHECK(s.text() == r.text);
        if (*r.good) CHECK(parse_plate_id(r.good, expand_plate_scheme(s, {r.good})));
        CHECK_FALSE(parse_plate_id(r.bad, expand_plate_scheme(s, {r.bad})));
    }
    // a Luhn-checked ID: the check digit is computed, and a wrong one fails
    const PlateScheme luhn = parse_plate_scheme("P ## ###[C!:luhn]", "pole");
    PlateIdParts parts;
    parts.head = "12";
    parts.number = 345;
    const std::string id = format_plate_id(parts, true, luhn);
    CHECK(id.size() == std::string("P 12 3450").size());
    CHECK(parse_plate_id(id, luhn));
    std::string wrong = id;
    wrong.back() = static_cast<char>('0' + (wrong.back() - '0' + 1) % 10);
    CHECK_FALSE(parse_plate_id(wrong, luhn));
    // type words: {DG=电杆=杆|GT} maps 电杆 to DG
    const PlateScheme words = parse_plate_scheme("{DG=电杆=杆|GT}-#####", "pole");
    REQUIRE(words.types.size() == 2);
    CHECK(normalize_plate_id("电杆 零一二三四", words).id == "DG-01234");
    CHECK(normalize_plate_id("gt 1234", words).is_canonical == false); // four digits
    CHECK(normalize_plate_id("gt 01234", words).id == "GT-01234");
    // spaces around a prefix of a set are layout: "{ DG | GT }" is "{DG|GT}" (and prints so)
    CHECK(parse_plate_scheme("{ DG | GT }-#####", "pole").text() ==
          parse_plate_scheme("{DG|GT}-#####", "pole").text());
    // bad patterns name the problem
    for (const char *bad :
         {"", "DG-", "{A|A}##", "#{0,3}", "##[X]", "#{1,3}[C]", "{A}{B}##", "{A1|B}##", "G1###",
          "A1{G|L}###", "{G|L}1###", "{*}1线##", "P##2", "####[C]号2", "X={|Y}##", "P=##"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_plate_scheme(bad, "pole"), Error);
    }
}

TEST_CASE("inference: a scheme from the IDs, misfits listed, check digits recognised") {
    std::mt19937 rng(7);
    std::vector<std::string> ids;
    std::set<int> used;
    while (ids.size() < 500) {
        const int n = static_cast<int>(rng() % 100000);
        if (!used.insert(n).second) continue;
        char buf[16];
        std::snprintf(buf, sizeof buf, "DG-%05d", n);
        ids.push_back(buf);
    }
    ids.push_back("junk");
    ids.push_back("X-1");
    auto inf = infer_plate_scheme(ids, "pole");
    CHECK(inf.text == "DG-#####");
    CHECK(inf.fitted == 500);
    CHECK(inf.misfits == std::vector<std::size_t>{500, 501});

    // plain OSM refs: numbers without leading zeros, some with a letter
    std::vector<std::string> refs;
    for (int k = 1; k <= 300; ++k)
        refs.push_back(k % 5 == 0 ? "A" + std::to_string(k) : std::to_string(k));
    inf = infer_plate_scheme(refs, "pole");
    CHECK(inf.text == "{|A}#{1,3}");
    CHECK(inf.misfits.empty());

    // every ID carries a Damm check digit: recognised as required
    std::vector<std::string> checked;
    for (int k = 0; k < 200; ++k) {
        const std::string d = std::to_string(10000 + k * 37);
        checked.push_back("T" + d + damm_check_digit(d));
    }
    inf = infer_plate_scheme(checked, "lamp");
    CHECK(inf.text == "T#####[C!]");

    // feeder lines: many line names, one shape
    std::vector<std::string> lines;
    const char *names[] = {"鹿城", "东瓜", "紫溪", "吕合", "子午",
                           "苍岭", "三街", "八角", "中山", "大地基"};
    for (const char *n : names)
        for (int k = 1; k <= 30; ++k)
            lines.push_back(std::string(n) + "线" + std::to_string(k) + "号杆");
    inf = infer_plate_scheme(lines, "pole");
    CHECK(inf.text == "{*}#{1,2}号杆");
    CHECK(inf.misfits.empty());
}

TEST_CASE("resolver on DG-#####: exact, misread digits, prefix lost or wrong, leading zeros") {
    PlateScheme s = parse_plate_scheme("DG-#####", "pole");
    const PlateScheme lamps = parse_plate_scheme("LD-#####", "lamp");
    s.types.insert(s.types.end(), lamps.types.begin(), lamps.types.end());
    std::vector<Plate> plates;
    std::mt19937 rng(11);
    std::set<int> used;
    while (plates.size() < 2000) {
        const int n = static_cast<int>(rng() % 100000);
        if (!used.insert(n).second) continue;
        char buf[16];
        const bool pole = plates.size() % 2 == 0;
        std::snprintf(buf, sizeof buf, "%s-%05d", pole ? "DG" : "LD", n);
        plates.push_back(plate(buf, static_cast<double>(rng() % 5000),
                               static_cast<double>(rng() % 5000), pole ? "pole" : "lamp"));
    }
    const Registry reg(plates, s);
    int top1 = 0, top5 = 0, tried = 0;
    for (std::size_t i = 0; i < 400; ++i) {
        const std::string &id = reg.plates()[i].id;
        REQUIRE(reg.find(id) == i);
        CHECK(reg.locate(id).kind == MatchKind::exact);
        // one digit substituted by its likeliest confusion or two neighbours swapped
        std::string heard = id;
        const std::size_t pos = 3 + i % 5;
        if (i % 2 == 0 && pos + 1 < heard.size() && heard[pos] != heard[pos + 1])
            std::swap(heard[pos], heard[pos + 1]);
        else
            heard[pos] = heard[pos] == '1' ? '7' : heard[pos] == '6' ? '9' : '1';
        if (reg.find(heard)) continue; // another valid plate
        ++tried;
        LocateOptions lo;
        lo.near = CallerPosition{reg.plates()[i].position, 300.0};
        const auto r = reg.locate(heard, lo);
        CHECK(r.kind == MatchKind::fuzzy);
        for (std::size_t k = 0; k < r.candidates.size(); ++k)
            if (r.candidates[k].plate == i) {
                top1 += k == 0;
                top5 += 1;
            }
    }
    // with the caller's position the true plate nearly always comes first
    CHECK(tried > 300);
    CHECK(top1 >= tried * 95 / 100);
    CHECK(top5 >= tried * 99 / 100);
    // the prefix left out, the other prefix, the leading zeros not said
    const std::string id = reg.plates()[0].id; // a DG
    const auto lost = reg.locate(id.substr(3));
    REQUIRE_FALSE(lost.candidates.empty());
    CHECK(lost.candidates[0].plate == 0);
    const auto other = reg.locate("LD" + id.substr(2));
    bool found = false;
    for (const auto &c : other.candidates)
        found = found || c.plate == 0;
    CHECK(found);
    std::string zeros_id;
    for (std::size_t i = 0; i < reg.size() && zeros_id.empty(); ++i)
        if (reg.plates()[i].id.substr(3, 2) == "00" && reg.plates()[i].id[5] != '0')
            zeros_id = reg.plates()[i].id;
    if (!zeros_id.empty()) {
        const auto z = reg.locate(zeros_id.substr(0, 2) + " " + zeros_id.substr(5));
        REQUIRE_FALSE(z.candidates.empty());
        CHECK(z.candidates[0].id == zeros_id);
    }
}

TEST_CASE("resolver on feeder lines: the line name matched exactly, pole numbers fuzzily") {
    const PlateScheme s = parse_plate_scheme("{*}线#{1,3}号杆", "pole");
    std::vector<Plate> plates;
    for (int k = 1; k <= 150; ++k) {
        plates.push_back(plate("鹿城线" + std::to_string(k) + "号杆", k * 40.0, 0));
        plates.push_back(plate("东瓜线" + std::to_string(k) + "号杆", k * 40.0, 3000));
    }
    const Registry reg(plates, s);
    CHECK(reg.find("鹿城线112号杆"));
    const auto r = reg.locate("鹿城线 一百一十二号杆");
    // "一百" is no digit form lugeo reads (百 is not a digit): an error, never a wrong plate
    CHECK((r.kind == MatchKind::invalid || r.kind == MatchKind::none ||
           (!r.candidates.empty() && r.candidates[0].id.rfind("鹿城线", 0) == 0)));
    const auto ok = reg.locate("鹿城线 幺幺二 号杆");
    REQUIRE_FALSE(ok.candidates.empty());
    CHECK(ok.candidates[0].id == "鹿城线112号杆");
    const auto mis = reg.locate("东瓜线117号杆"); // exists: exact
    CHECK(mis.kind == MatchKind::exact);
    LocateOptions lo;
    lo.near = CallerPosition{{112 * 40.0, 0}, 200};
    const auto swapped = reg.locate("鹿城线121号杆", lo); // swapped, caller at 112
    REQUIRE_FALSE(swapped.candidates.empty());
    bool has112 = false;
    for (const auto &c : swapped.candidates) {
        has112 = has112 || c.id == "鹿城线112号杆";
        CHECK(c.id.rfind("鹿城线", 0) == 0); // never another line
    }
    CHECK(has112);
}

TEST_CASE("inference: the scheme the note shows reads back as a pattern (fuzz_scheme's finds)") {
    // ten names of one shape (a {*} template) beside a Latin prefix of the same shape: the
    // template is a form of its own, not an alternative of a {…} set
    std::vector<std::string> ids;
    for (const char *name : {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"})
        for (int n = 10; n < 13; ++n)
            ids.push_back(std::string(name) + "-" + std::to_string(n));
    for (int n = 10; n < 40; ++n)
        ids.push_back("DG-" + std::to_string(n));
    const InferredScheme named = infer_plate_scheme(ids, "pole");
    CAPTURE(named.text);
    REQUIRE(named.scheme.types.size() >= 2);
    CHECK(parse_plate_scheme(named.text, "pole").text() == named.text);
    // numbers of 1 to 11 digits without leading zeros: #{m,n} only goes to 9
    std::vector<std::string> wide;
    for (long long n = 7; n < 100000000000LL; n = n * 10 + 3)
        for (int k = 0; k < 4; ++k)
            wide.push_back(std::to_string(n + k));
    const InferredScheme w = infer_plate_scheme(wide, "pole");
    CAPTURE(w.text);
    REQUIRE_FALSE(w.scheme.types.empty());
    CHECK_NOTHROW(parse_plate_scheme(w.text, "pole"));
    // a prefix the language cannot write ('=' means type words) makes no type
    std::vector<std::string> eq;
    for (int n = 10; n < 40; ++n)
        eq.push_back("杆=A-" + std::to_string(n));
    CHECK(infer_plate_scheme(eq, "pole").text.find('=') == std::string::npos);
}

TEST_CASE("a printed scheme reads back: spaces that begin a prefix are layout (fuzz_scheme)") {
    for (const char *pattern :
         {"{} T-#####", "{ } DG-#####", "{} #", "{}  ##-###", "{|A|B}#{1,4}", "DG-#####"}) {
        CAPTURE(pattern);
        const PlateScheme s = parse_plate_scheme(pattern, "pole");
        const std::string printed = s.text();
        CHECK(parse_plate_scheme(printed, "pole").text() == printed);
        for (const auto &t : s.types)
            CHECK((t.prefix.empty() || t.prefix.front() != ' '));
    }
}

TEST_CASE(
    "a {…} set with an empty alternative: its prefix has no dangling space, and prints back") {
    // fuzz_scheme (2026-12-03): "GD { | GT }-###.#" gave the prefix "GD " (the space before
    // the set), printed as "{GD |GD GT}…", which reads back as "GD": not the same scheme
    for (const char *pattern :
         {"GD { | GT }-###.#", "GD {|GT} ###", "{ A | }###", "X { | Y } ##"}) {
        CAPTURE(pattern);
        const PlateScheme s = parse_plate_scheme(pattern, "pole");
        for (const auto &t : s.types) {
            CHECK((t.prefix.empty() || t.prefix.front() != ' '));
            CHECK((t.prefix.empty() || t.prefix.back() != ' '));
        }
        CHECK(parse_plate_scheme(s.text(), "pole").text() == s.text());
    }
}
