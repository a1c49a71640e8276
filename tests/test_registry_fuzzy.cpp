// Accuracy of the fuzzy resolver on simulated misreads (the simulated caller has its own
// error model: tests/registry_synth.hpp). Reports top-1 / top-3 and asserts the aims of
// issue 3:
//   - misreads that are not valid IDs, no position: top-3 >= 95%;
//   - caller position within 300 m of the true plate: top-1 >= 95% over all misreads.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "support/registry_synth.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

using namespace lugeo;
using namespace lugeo::test_support;

namespace {

struct Tally {
    int n = 0, top1 = 0, top3 = 0;
    void add(bool t1, bool t3) {
        ++n;
        top1 += t1;
        top3 += t3;
    }
    double p1() const { return n ? 100.0 * top1 / n : 0.0; }
    double p3() const { return n ? 100.0 * top3 / n : 0.0; }
};

int rank_of(const LocateResult &r, const std::string &id) {
    for (std::size_t i = 0; i < r.candidates.size(); ++i)
        if (r.candidates[i].id == id) return static_cast<int>(i) + 1;
    return 0;
}

} // namespace

TEST_CASE("fuzzy accuracy on simulated misreads of a demo-shaped registry") {
    const std::uint64_t seed = 7301;
    const int count = 5000;
    MESSAGE("misread seed = " << seed << ", misreads = " << count);
    const Registry reg(make_synthetic_plates());
    REQUIRE(reg.size() == 7300);

    MisreadSimulator sim(seed);
    std::mt19937_64 rng(seed + 1), rng_ok(seed + 2);
    std::uniform_real_distribution<double> U(0, 1);

    Tally invalid_no_pos, all_no_pos, all_pos, valid_pos, invalid_pos, invalid_no_pos_one_edit;
    std::map<std::string, Tally> by_kind_no_pos, by_kind_pos;
    int valid_ids = 0, garbage = 0, valid_within_radius = 0;
    Tally correct_pos; // reads without error, with the same kind of caller position
    Tally pair_no_pos, pair_pos, pair_pos_misread; // with a second plate (LocateOptions::also)
    std::vector<double> pair_gap_m;
    MisreadSimulator sim2(seed + 3); // misreads of the second plate (own stream)
    for (int k = 0; k < count; ++k) {
        const auto &truth =
            reg.plates()[std::uniform_int_distribution<std::size_t>(0, reg.size() - 1)(rng)];
        const auto m = sim.misread(truth.id);
        const auto norm = normalize_plate_id(m.text, reg.scheme());
        const bool heard_is_plate = norm.is_canonical && reg.find(norm.id).has_value();
        valid_ids += heard_is_plate;

        const auto r0 = reg.locate(m.text);
        if (r0.kind == MatchKind::invalid) ++garbage;
        const int rank0 = rank_of(r0, truth.id);
        all_no_pos.add(rank0 == 1, rank0 >= 1 && rank0 <= 3);
        if (!heard_is_plate) {
            invalid_no_pos.add(rank0 == 1, rank0 >= 1 && rank0 <= 3);
            by_kind_no_pos[m.kind].add(rank0 == 1, rank0 >= 1 && rank0 <= 3);
        }

        // caller position: uniform in a 300 m disc around the true plate
        const double rad = 300.0 * std::sqrt(U(rng)), ang = U(rng) * 2 * 3.141592653589793;
        LocateOptions opt;
        opt.near = CallerPosition{
            {truth.position.x + rad * std::cos(ang), truth.position.y + rad * std::sin(ang)},
            300.0};
        const auto r1 = reg.locate(m.text, opt);
        const int rank1 = rank_of(r1, truth.id);
        all_pos.add(rank1 == 1, rank1 >= 1 && rank1 <= 3);
        by_kind_pos[m.kind].add(rank1 == 1, rank1 >= 1 && rank1 <= 3);
        if (heard_is_plate) {
            valid_pos.add(rank1 == 1, rank1 >= 1 && rank1 <= 3);
            const auto heard_plate = reg.find(norm.id);
            if (distance(reg.plates()[*heard_plate].position, opt.near->position) <=
                opt.near->radius_m)
                ++valid_within_radius;
        } else
            invalid_pos.add(rank1 == 1, rank1 >= 1 && rank1 <= 3);
        {
            // the same caller reading the plate correctly must still get it first
            // (its own random stream: the misread sample above stays the one of earlier rounds)
            const double rad2 = 300.0 * std::sqrt(U(rng_ok)),
                         ang2 = U(rng_ok) * 2 * 3.141592653589793;
            LocateOptions ok;
            ok.near = CallerPosition{{truth.position.x + rad2 * std::cos(ang2),
                                      truth.position.y + rad2 * std::sin(ang2)},
                                     300.0};
            const int rank3 = rank_of(reg.locate(truth.id, ok), truth.id);
            correct_pos.add(rank3 == 1, rank3 >= 1 && rank3 <= 3);
        }
        {
            // The dispatcher asks for a second plate: the nearest other plate to the caller's,
            // read correctly, or misread too by the same kind of caller.
            const auto truth_index = static_cast<std::size_t>(&truth - reg.plates().data());
            for (const auto &nb : reg.nearest(truth.position, 2)) {
                if (nb.plate == truth_index) continue;
                const std::string &second_id = reg.plates()[nb.plate].id;
                LocateOptions pair;
                pair.also = second_id;
                const int r_np = rank_of(reg.locate(m.text, pair), truth.id);
                pair_no_pos.add(r_np == 1, r_np >= 1 && r_np <= 3);
                pair.near = opt.near;
                const int r_p = rank_of(reg.locate(m.text, pair), truth.id);
                pair_pos.add(r_p == 1, r_p >= 1 && r_p <= 3);
                pair.also = sim2.misread(second_id).text;
                const int r_pm = rank_of(reg.locate(m.text, pair), truth.id);
                pair_pos_misread.add(r_pm == 1, r_pm >= 1 && r_pm <= 3);
                pair_gap_m.push_back(nb.distance_m);
                break;
            }
        }
        if (!heard_is_plate) {
            LocateOptions one;
            one.two_edits = false;
            const int rank2 = rank_of(reg.locate(m.text, one), truth.id);
            invalid_no_pos_one_edit.add(rank2 == 1, rank2 >= 1 && rank2 <= 3);
        }
    }
    MESSAGE("misreads that are themselves valid plate IDs: "
            << valid_ids << " / " << count << "; rejected as not an ID: " << garbage);
    MESSAGE("no position, misreads that are not valid IDs (" << invalid_no_pos.n << "): top-1 "
                                                             << invalid_no_pos.p1() << "%, top-3 "
                                                             << invalid_no_pos.p3() << "%");
    MESSAGE("no position, all misreads (" << all_no_pos.n << "): top-1 " << all_no_pos.p1()
                                          << "%, top-3 " << all_no_pos.p3() << "%");
    MESSAGE("position within 300 m, all misreads (" << all_pos.n << "): top-1 " << all_pos.p1()
                                                    << "%, top-3 " << all_pos.p3() << "%");
    MESSAGE("position within 300 m, misreads that are valid IDs ("
            << valid_pos.n << "): top-1 " << valid_pos.p1() << "%, top-3 " << valid_pos.p3()
            << "%");
    MESSAGE("position within 300 m, misreads that are not valid IDs ("
            << invalid_pos.n << "): top-1 " << invalid_pos.p1() << "%, top-3 " << invalid_pos.p3()
            << "%");
    MESSAGE("no position, not valid IDs, one-edit explanations only ("
            << invalid_no_pos_one_edit.n << "): top-1 " << invalid_no_pos_one_edit.p1()
            << "%, top-3 " << invalid_no_pos_one_edit.p3() << "%");
    for (const auto &[kind, t] : by_kind_no_pos)
        MESSAGE("  no position, invalid IDs, " << kind << " (" << t.n << "): top-1 " << t.p1()
                                               << "%, top-3 " << t.p3() << "%");
    for (const auto &[kind, t] : by_kind_pos)
        MESSAGE("  with position, " << kind << " (" << t.n << "): top-1 " << t.p1() << "%, top-3 "
                                    << t.p3() << "%");

    // The aims of issue 3. Neither is met with this simulated caller (docs/locate.md, "Accuracy"):
    // 17% of its misreads are themselves valid plate IDs, mostly on the same road within 300 m
    // (indistinguishable by position), and a dropped last digit or two errors at once are
    // often ambiguous. They are recorded here; an aim that becomes met is asserted from then on.
    // A misread that is another valid plate lying within the caller's radius looks exactly like
    // a correct read of that plate; a resolver that trusts correct reads (below) must rank it
    // first, so such misreads cap the with-position figure.
    const double cap = 100.0 * (count - valid_within_radius) / count;
    MESSAGE("misreads that are valid plates within the caller's radius: "
            << valid_within_radius << " -> cap on top-1 with position for a resolver that trusts "
            << "correct reads: " << cap << "%");
    MESSAGE("correct reads, position within 300 m (" << correct_pos.n << "): top-1 "
                                                     << correct_pos.p1() << "%");
    CHECK(correct_pos.p1() >= 99.9);
    std::sort(pair_gap_m.begin(), pair_gap_m.end());
    MESSAGE("with a second plate (the nearest other plate, median "
            << pair_gap_m[pair_gap_m.size() / 2] << " m away), all misreads:");
    MESSAGE("  read correctly, no position (" << pair_no_pos.n << "): top-1 " << pair_no_pos.p1()
                                              << "%, top-3 " << pair_no_pos.p3() << "%");
    MESSAGE("  read correctly, position within 300 m: top-1 " << pair_pos.p1() << "%, top-3 "
                                                              << pair_pos.p3() << "%");
    MESSAGE("  misread too, position within 300 m: top-1 " << pair_pos_misread.p1() << "%, top-3 "
                                                           << pair_pos_misread.p3() << "%");
    // a second plate must help: it separates a valid misreading from the true plate
    CHECK(pair_pos.p1() > all_pos.p1() + 5.0);
    CHECK(pair_no_pos.p3() > all_no_pos.p3());
    MESSAGE("aim (top-3 >= 95%, no position, misreads that are not valid IDs): "
            << std::string(invalid_no_pos.p3() >= 95.0 ? "met" : "NOT met") << ", "
            << invalid_no_pos.p3() << "%");
    MESSAGE("aim (top-1 >= 95%, position within 300 m, all misreads): "
            << std::string(all_pos.p1() >= 95.0 ? "met" : "NOT met") << ", " << all_pos.p1()
            << "%");
    // Regression floors: the figures measured at the last change of the resolver, minus 1.5 points.
    CHECK(invalid_no_pos.p3() >= 81.5);
    CHECK(invalid_pos.p1() >= 88.0);
    CHECK(invalid_pos.p3() >= 93.5);
    CHECK(all_pos.p1() >= 81.0);
    CHECK(all_pos.p3() >= 88.5);
    // single-error classes the model covers directly
    CHECK(by_kind_no_pos["swap"].p3() >= 94.0);
    CHECK(by_kind_no_pos["prefix"].p3() >= 97.0);
    CHECK(by_kind_no_pos["four_ten"].p3() >= 97.0);
    CHECK(by_kind_no_pos["double"].p3() >= 97.0);
}
