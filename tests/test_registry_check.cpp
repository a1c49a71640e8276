// Confusable pairs of `check_plates`: agreement with a brute-force reference over all pairs,
// ranking by score, the distance and probability floors, prefixes and check digits.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "support/plates.hpp"

#include "registry/registry_internal.hpp" // the resolver's error model (the reference reuses it)

#include <lugeo/registry.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace lugeo;
using namespace lugeo::test_support;

namespace {

std::vector<const CheckIssue *> confusables(const CheckReport &rep) {
    std::vector<const CheckIssue *> out;
    for (const auto &is : rep.issues)
        if (is.kind == CheckKind::confusable) out.push_back(&is);
    return out;
}

/// Brute force over all pairs: the probability per reading that one plate is taken for the
/// other by one edit of the error model (substitution, adjacent swap, prefix), the likelier
/// direction, a misread digit of a check-digit plate at 1/100; 0 when no single edit joins them.
double reference_probability(const std::string &a, const std::string &b) {
    const auto &m = registry_detail::ErrorModel::standard();
    const PlateScheme scheme;
    const int n = scheme.types.front().id_digits();
    auto digits = [&](const std::string &id) {
        std::string d;
        for (char c : id)
            if (c >= '0' && c <= '9') d += c;
        return d;
    };
    const std::string da = digits(a), db = digits(b);
    const bool ca = static_cast<int>(da.size()) > n, cb = static_cast<int>(db.size()) > n;
    const std::string ba = da.substr(0, static_cast<std::size_t>(n)),
                      bb = db.substr(0, static_cast<std::size_t>(n));
    const double fa = ca ? 0.01 : 1.0, fb = cb ? 0.01 : 1.0;
    if (a[0] != b[0]) return ba == bb ? m.r_prefix / (scheme.types.size() - 1) : 0.0;
    std::vector<int> diff;
    for (int k = 0; k < n; ++k)
        if (ba[static_cast<std::size_t>(k)] != bb[static_cast<std::size_t>(k)]) diff.push_back(k);
    if (diff.size() == 1) {
        const auto k = static_cast<std::size_t>(diff[0]);
        const auto x = static_cast<std::size_t>(ba[k] - '0'),
                   y = static_cast<std::size_t>(bb[k] - '0');
        return m.r_substitute / n * std::max(m.conf[x][y] * fa, m.conf[y][x] * fb);
    }
    if (diff.size() == 2 && diff[1] == diff[0] + 1) {
        const auto k = static_cast<std::size_t>(diff[0]);
        if (ba[k] == bb[k + 1] && ba[k + 1] == bb[k]) return m.r_swap / (n - 1) * std::max(fa, fb);
    }
    return 0.0;
}

/// A random registry: few districts and roads (so that many IDs are one edit apart), positions
/// in a 6 km square, some plates with a check digit, some lamps sharing a pole's digits.
std::vector<Plate> random_registry(unsigned seed, std::size_t count) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> pos(0.0, 6000.0);
    std::uniform_int_distribution<int> district(1, 3), road(1, 8), number(1, 60), coin(0, 9);
    std::map<std::string, bool> used; // by digits without check digit and prefix
    std::vector<Plate> out;
    while (out.size() < count) {
        const char prefix = coin(rng) < 6 ? 'G' : 'L';
        char buf[32];
        std::snprintf(buf, sizeof buf, "%c%d%02d-%04d", prefix, district(rng), road(rng),
                      number(rng));
        std::string id = buf;
        if (used[id]) continue;
        used[id] = true;
        if (coin(rng) == 0) id = with_check(id);
        out.push_back(plate(id, pos(rng), pos(rng)));
    }
    return out;
}

} // namespace

TEST_CASE("confusable pairs agree with a brute-force reference over all pairs") {
    for (unsigned seed : {1u, 2u, 3u}) {
        CAPTURE(seed);
        const auto plates = random_registry(seed, 400);
        for (const double min_m : {0.0, 1000.0, 3000.0})
            for (const double min_p : {0.0, 0.003, 0.006}) {
                CAPTURE(min_m);
                CAPTURE(min_p);
                CheckOptions o;
                o.confusable_min_m = min_m;
                o.confusable_min_probability = min_p;
                o.check_order = false;
                const auto rep = check_plates(plates, o);
                REQUIRE(rep.error_count == 0);
                std::map<std::pair<std::size_t, std::size_t>, double> want;
                for (std::size_t i = 0; i < plates.size(); ++i)
                    for (std::size_t j = i + 1; j < plates.size(); ++j) {
                        const double p = reference_probability(plates[i].id, plates[j].id);
                        const double d = std::hypot(plates[i].position.x - plates[j].position.x,
                                                    plates[i].position.y - plates[j].position.y);
                        if (p > 0 && p >= min_p && d > min_m) want[{i, j}] = p;
                    }
                const auto got = confusables(rep);
                CHECK(got.size() == want.size());
                for (const CheckIssue *is : got) {
                    REQUIRE(is->plates.size() == 2);
                    const auto key = std::make_pair(is->plates[0], is->plates[1]);
                    const auto it = want.find(key);
                    REQUIRE_MESSAGE(it != want.end(), is->message);
                    CHECK(is->probability == doctest::Approx(it->second).epsilon(1e-12));
                    CHECK(is->distance_m > min_m);
                    CHECK(is->score == doctest::Approx(is->probability * is->distance_m));
                    CHECK(is->severity == Severity::warning);
                    CHECK(!is->misreading.empty());
                }
                // ranked: scores never increase down the list
                for (std::size_t k = 1; k < got.size(); ++k)
                    CHECK(got[k - 1]->score >= got[k]->score);
            }
    }
}

TEST_CASE("confusable pairs on a hand-made registry: the top pair, and the floors") {
    std::vector<Plate> plates = {
        plate("G101-0011", 0, 0),
        plate("G101-0017", 3000, 0), // 1/7 of G101-0011: p 0.0065, 3 km: score 19.4
        plate("G101-0021", 0, 9000),
        plate("G101-0012", 0, 11500), // digits 6, 7 of G101-0021 swapped: p 0.005, 2.5 km
        plate("G102-0051", 20000, 0),
        plate("L102-0051", 20000, 3500), // same digits, other prefix: p 0.02, 3.5 km: score 70
        plate("G103-0031", 40000, 0),
        plate("G103-0081", 40000, 600), // 3/8 of G103-0031 but only 600 m apart
        plate("G104-0041", 60000, 0),
        plate("G104-0043", 60000, 4000), // 1/3: not a likely confusion (p 0.0003)
    };
    const auto rep = check_plates(plates);
    CHECK(rep.error_count == 0);
    const auto got = confusables(rep);
    REQUIRE(got.size() >= 3);
    CHECK(got[0]->ids == std::vector<std::string>{"G102-0051", "L102-0051"});
    CHECK(got[0]->misreading == "prefix G/L");
    CHECK(got[0]->score == doctest::Approx(0.02 * 3500.0));
    auto listed = [&](const std::string &a, const std::string &b) {
        for (const CheckIssue *is : got)
            if (is->ids[0] == a && is->ids[1] == b) return true;
        return false;
    };
    CHECK(listed("G101-0011", "G101-0017"));
    CHECK(listed("G101-0021", "G101-0012"));
    CHECK_FALSE(listed("G103-0031", "G103-0081")); // within the 1,000 m floor
    CHECK_FALSE(listed("G104-0041", "G104-0043")); // below the probability floor
    for (const CheckIssue *is : got)
        CHECK(is->distance_m > CheckOptions{}.confusable_min_m);

    // lower floors list them
    CheckOptions loose;
    loose.confusable_min_m = 500.0;
    loose.confusable_min_probability = 0.0;
    const auto loose_rep = check_plates(plates, loose);
    const auto all = confusables(loose_rep);
    auto in_all = [&](const std::string &a, const std::string &b) {
        for (const CheckIssue *is : all)
            if (is->ids[0] == a && is->ids[1] == b) return true;
        return false;
    };
    CHECK(in_all("G103-0031", "G103-0081"));
    CHECK(in_all("G104-0041", "G104-0043"));
    CHECK(all.size() > got.size());
}

TEST_CASE("confusable pairs: a check digit on both plates defuses a misread digit, not a prefix") {
    const auto both_rep = check_plates(
        {plate(with_check("G101-0011"), 0, 0), plate(with_check("G101-0017"), 3000, 0)});
    CHECK(confusables(both_rep).empty()); // 1/7 fails the Damm check: p 0.000065, under the floor
    const auto one_rep =
        check_plates({plate(with_check("G101-0011"), 0, 0), plate("G101-0017", 3000, 0)});
    const auto one = confusables(one_rep);
    REQUIRE(one.size() == 1); // reading the plate without check digit is still dangerous
    CHECK(one[0]->probability ==
          doctest::Approx(reference_probability(with_check("G101-0011"), "G101-0017")));
    CHECK(one[0]->probability > 0.006); // 7 read as 1, on the plate without check digit
    const auto prefix_rep = check_plates(
        {plate(with_check("G101-0011"), 0, 0), plate(with_check("L101-0011"), 3000, 0)});
    const auto prefix = confusables(prefix_rep);
    REQUIRE(prefix.size() == 1);
    CHECK(prefix[0]->misreading == "prefix G/L");
}

TEST_CASE("confusable_summary: one count, each pair of roads once in either order, worst first") {
    // roads whose codes are one swap apart (353/533, 359/539, 121/211), ten plates each; the
    // 353 and 539 roads have names, the others are known by their ID's road part
    const std::vector<std::pair<std::string, std::string>> roads = {
        {"353", "Jianshe Road"},   {"533", ""}, {"359", ""},
        {"539", "Xingyue Street"}, {"121", ""}, {"211", ""}};
    Plates set;
    for (std::size_t r = 0; r < roads.size(); ++r)
        for (int k = 1; k <= 10; ++k) {
            Plate p = plate("G" + roads[r].first + "-00" + (k < 10 ? "0" : "") + std::to_string(k),
                            150.0 * k, 3000.0 * double(r));
            p.road = roads[r].second;
            set.plates.push_back(p);
        }
    const CheckReport rep = check_plates(set.plates);
    const auto conf = confusables(rep);
    REQUIRE(conf.size() >= 30);
    const ConfusableSummary s = confusable_summary(rep, set);
    CHECK(s.pairs == conf.size());
    std::size_t sum = 0;
    std::set<std::pair<std::string, std::string>> seen;
    for (const ConfusableRoads &g : s.roads) {
        sum += g.pairs;
        const auto key = std::minmax(g.road_a, g.road_b);
        CHECK(seen.insert({key.first, key.second}).second); // once, in either order
        // the worst pair of the two roads: no pair between them scores higher
        const CheckIssue &worst = rep.issues.at(g.worst);
        CHECK(worst.kind == CheckKind::confusable);
        for (const CheckIssue *is : conf) {
            const auto road = [&](std::size_t k) {
                const Plate &p = set.plates[is->plates[k]];
                return p.road.empty() ? p.id.substr(0, p.id.find('-')) : p.road;
            };
            // (std::minmax of two temporaries would return dangling references)
            const std::string a = road(0), b = road(1);
            if (std::minmax(a, b) == key) CHECK(is->score <= worst.score);
        }
    }
    CHECK(sum == s.pairs);
    // named roads by their names, the others by the ID's road part
    CHECK(seen.count({"G533", "Jianshe Road"}) == 1);
    CHECK(seen.count({"G359", "Xingyue Street"}) == 1);
    CHECK(seen.count({"G121", "G211"}) == 1);
    for (std::size_t i = 1; i < s.roads.size(); ++i)
        CHECK(rep.issues[s.roads[i - 1].worst].score >= rep.issues[s.roads[i].worst].score);
}
