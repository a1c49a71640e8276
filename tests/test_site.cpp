#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "support/ascii_map.hpp"

#include <lugeo/error.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/scene.hpp>
#include <lugeo/site.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace lugeo;
using lugeo::test::AsciiMap;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

/// A random grid city: n × n junctions 100 m apart (jittered), some streets missing, some
/// one-way, mixed classes; incidents at random with random grades.
struct City {
    Network net;
    std::vector<Incident> incidents;
    std::vector<Unit> units;
};

City random_city(std::uint32_t seed, int n = 6, std::size_t incidents = 40, std::size_t units = 1) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u01(0, 1);
    auto at = [&](int i, int j) { return XY{i * 100.0, j * 100.0}; };
    std::vector<XY> nodes;
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            XY p = at(i, j);
            p.x += (u01(rng) - 0.5) * 30;
            p.y += (u01(rng) - 0.5) * 30;
            nodes.push_back(p);
        }
    const char *classes[] = {"residential", "tertiary", "primary"};
    std::vector<RoadInput> roads;
    std::int64_t fid = 0;
    auto street = [&](int a, int b) {
        if (u01(rng) < 0.1) return; // missing
        RoadInput r;
        r.line = {nodes[a], nodes[b]};
        r.road_class = classes[rng() % 3];
        if (u01(rng) < 0.2) r.oneway = u01(rng) < 0.5 ? "yes" : "-1";
        r.fid = fid++;
        roads.push_back(std::move(r));
    };
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            if (i + 1 < n) street(j * n + i, j * n + i + 1);
            if (j + 1 < n) street(j * n + i, (j + 1) * n + i);
        }
    City c{build_network(std::move(roads), "EPSG:32648", NetworkOptions{}), {}, {}};
    for (std::size_t k = 0; k < incidents; ++k) {
        Incident in;
        in.id = "I" + std::to_string(k);
        in.position = {u01(rng) * (n - 1) * 100.0, u01(rng) * (n - 1) * 100.0};
        in.grade = static_cast<IncidentGrade>(rng() % incident_grade_count);
        c.incidents.push_back(in);
    }
    const auto cand = junction_candidates(c.net, Profile::car);
    for (std::size_t k = 0; k < units; ++k) {
        Unit u;
        u.id = "U" + std::to_string(k);
        u.kind = "kiosk";
        u.position = cand[rng() % cand.size()].position;
        c.units.push_back(u);
    }
    return c;
}

/// The response time at every demand point of a set of units, computed independently of the
/// siting module: one multi-source search of the routing core (turnout as the sources'
/// initial time) and time_at at each point's snap.
std::vector<double> reference_times(const Network &net, const std::vector<XY> &units,
                                    const std::vector<double> &turnout,
                                    const std::vector<Network::Snap> &demand) {
    std::vector<RoutingSource> src;
    for (std::size_t i = 0; i < units.size(); ++i) {
        Network::SnapOptions so;
        so.max_distance_m = 500;
        src.push_back({*net.snap(units[i], so), turnout[i]});
    }
    const Reach r = shortest_times(net, src, {});
    std::vector<double> t;
    for (const auto &s : demand)
        t.push_back(time_at(net, r, s.edge, s.offset_m));
    return t;
}

std::vector<Network::Snap> incident_snaps(const Network &net, const std::vector<Incident> &inc,
                                          std::vector<double> &weights) {
    std::vector<Network::Snap> out;
    weights.clear();
    for (const auto &i : inc) {
        Network::SnapOptions so;
        so.max_distance_m = 300;
        if (auto s = net.snap(i.position, so)) {
            out.push_back(*s);
            weights.push_back(incident_grade_weight(i.grade));
        }
    }
    return out;
}

double objective(SiteObjective o, const std::vector<double> &t, const std::vector<double> &w,
                 double within) {
    double acc = 0, tw = 0;
    for (std::size_t d = 0; d < t.size(); ++d) {
        tw += w[d];
        if (o == SiteObjective::cover) acc += t[d] <= within ? w[d] : 0;
        if (o == SiteObjective::median) acc += w[d] * t[d];
        if (o == SiteObjective::center) acc = std::max(acc, t[d]);
    }
    return o == SiteObjective::median ? acc / tw : acc;
}

/// Best objective over every k-subset of the candidates, by the reference times.
double enumerate_best(const City &c, const std::vector<SiteCandidate> &cand, std::size_t k,
                      SiteObjective o, double within, double turnout_s) {
    std::vector<double> w;
    const auto snaps = incident_snaps(c.net, c.incidents, w);
    double best = o == SiteObjective::cover ? -1 : inf;
    std::vector<std::size_t> idx;
    std::function<void(std::size_t)> rec = [&](std::size_t from) {
        if (idx.size() == k) {
            std::vector<XY> pos;
            std::vector<double> to;
            for (const auto &u : c.units) {
                pos.push_back(u.position);
                to.push_back(turnout_s);
            }
            for (auto i : idx) {
                pos.push_back(cand[i].position);
                to.push_back(turnout_s);
            }
            const double v = objective(o, reference_times(c.net, pos, to, snaps), w, within);
            best = o == SiteObjective::cover ? std::max(best, v) : std::min(best, v);
            return;
        }
        for (std::size_t i = from; i < cand.size(); ++i) {
            idx.push_back(i);
            rec(i + 1);
            idx.pop_back();
        }
    };
    rec(0);
    return best;
}

SiteInput input_of(const City &c) {
    SiteInput in;
    in.fixed = c.units;
    in.candidates = junction_candidates(c.net, Profile::car);
    in.incidents = c.incidents;
    return in;
}

} // namespace

TEST_CASE("names") {
    for (auto o : {SiteObjective::cover, SiteObjective::median, SiteObjective::center})
        CHECK(site_objective_from_name(site_objective_name(o)) == o);
    for (auto d : {SiteDemand::incidents, SiteDemand::roads, SiteDemand::key_sites})
        CHECK(site_demand_from_name(site_demand_name(d)) == d);
    CHECK(site_objective_from_name("seal") == SiteObjective::seal);
    CHECK_FALSE(site_objective_from_name("sealed").has_value());
}

TEST_CASE("the siting figures are the routing core's: times at every demand point agree with a "
          "multi-source search, turnout included") {
    // cover too: its table stops at the standard, but the figures must not
    for (std::uint32_t seed : {1u, 2u, 3u, 4u})
        for (auto obj : {SiteObjective::median, SiteObjective::cover}) {
            CAPTURE(seed);
            const City c = random_city(seed, 6, 60, 2);
            SiteInput in = input_of(c);
            SiteOptions o;
            o.add = 2;
            o.within_s = 40;
            o.objective = obj;
            o.turnout_s = {{"kiosk", 30}};
            const SiteResult r = plan_sites(c.net, in, o);
            std::vector<double> w;
            const auto snaps = incident_snaps(c.net, c.incidents, w);
            REQUIRE(snaps.size() == r.points.size());
            std::vector<XY> pos = {c.units[0].position, c.units[1].position};
            const auto before = reference_times(c.net, pos, {30, 30}, snaps);
            for (const auto &s : r.sites)
                pos.push_back(s.position);
            const auto after = reference_times(c.net, pos, {30, 30, 30, 30}, snaps);
            for (std::size_t d = 0; d < snaps.size(); ++d) {
                CHECK(r.points[d].time_before_s == doctest::Approx(before[d]).epsilon(1e-5));
                CHECK(r.points[d].time_after_s == doctest::Approx(after[d]).epsilon(1e-5));
            }
            CHECK(r.objective_before == doctest::Approx(objective(obj, before, w, 40)));
            CHECK(r.objective_after == doctest::Approx(objective(obj, after, w, 40)));
            CHECK(r.after.mean_time_s ==
                  doctest::Approx(objective(SiteObjective::median, after, w, 40)));
        }
}

TEST_CASE("greedy + swap equals an enumeration of every subset for K = 1, 2, 3 (cover, median); "
          "the library's exhaustive search too; center between its bound and its value") {
    for (std::uint32_t seed = 11; seed < 31; ++seed) { // 20 random cities
        const City c = random_city(seed, 5, 40, 1);
        const SiteInput in = input_of(c);
        for (std::size_t k = 1; k <= 3; ++k)
            for (auto obj : {SiteObjective::cover, SiteObjective::median, SiteObjective::center}) {
                CAPTURE(seed);
                CAPTURE(k);
                CAPTURE(site_objective_name(obj));
                SiteOptions o;
                o.add = k;
                o.objective = obj;
                o.within_s = 45;
                o.turnout_s = {{"kiosk", 5}};
                const double best = enumerate_best(c, in.candidates, k, obj, o.within_s, 5);
                o.search = SiteSearch::exhaustive;
                const SiteResult ex = plan_sites(c.net, in, o);
                CHECK(ex.method == SiteMethod::exhaustive);
                CHECK(ex.objective_after == doctest::Approx(best).epsilon(1e-5));
                o.search = SiteSearch::heuristic;
                const SiteResult h = plan_sites(c.net, in, o);
                REQUIRE(h.sites.size() == k);
                if (obj == SiteObjective::center) {
                    CHECK(h.method == SiteMethod::radius_search);
                    CHECK(h.lower_bound <= best * (1 + 1e-6));
                    CHECK(h.objective_after >= best * (1 - 1e-6));
                } else {
                    CHECK(h.method == SiteMethod::greedy_swap);
                    CHECK(h.objective_after == doctest::Approx(best).epsilon(1e-5));
                }
            }
    }
}

TEST_CASE("covering gains never increase from pick to pick; median gains neither") {
    for (std::uint32_t seed : {21u, 22u, 23u}) {
        CAPTURE(seed);
        const City c = random_city(seed, 8, 120, 1);
        const SiteInput in = input_of(c);
        for (auto obj : {SiteObjective::cover, SiteObjective::median}) {
            SiteOptions o;
            o.add = 5;
            o.objective = obj;
            o.within_s = 40;
            o.search = SiteSearch::heuristic;
            const SiteResult r = plan_sites(c.net, in, o);
            REQUIRE(r.sites.size() == 5);
            for (std::size_t i = 1; i < r.sites.size(); ++i)
                CHECK(r.sites[i].gain <= r.sites[i - 1].gain + 1e-9);
        }
    }
}

TEST_CASE("the gains add up to after - before, also when units move") {
    std::size_t moves_seen = 0;
    for (std::uint32_t seed : {24u, 25u, 26u}) {
        CAPTURE(seed);
        const City c = random_city(seed, 8, 120, 3);
        const SiteInput in = input_of(c);
        for (auto obj : {SiteObjective::cover, SiteObjective::median, SiteObjective::center})
            for (std::size_t relocate : {0u, 1u, 2u}) {
                CAPTURE(relocate);
                SiteOptions o;
                o.add = 2;
                o.relocate = relocate;
                o.objective = obj;
                o.within_s = 40;
                o.search = SiteSearch::heuristic;
                const SiteResult r = plan_sites(c.net, in, o);
                double sum = 0;
                for (const auto &site : r.sites)
                    sum += site.gain;
                // cover: weight gained; median: seconds off the mean; center: off the worst
                const double net_gain =
                    obj == SiteObjective::cover ? r.after.covered_weight - r.before.covered_weight
                    : obj == SiteObjective::median ? r.before.mean_time_s - r.after.mean_time_s
                                                   : r.before.worst_time_s - r.after.worst_time_s;
                CHECK(sum == doctest::Approx(net_gain).epsilon(1e-6).scale(1.0));
                moves_seen += r.moves.size();
            }
    }
    CHECK(moves_seen > 0); // some cases did move a unit
}

TEST_CASE("adding a site never makes any figure worse") {
    for (std::uint32_t seed : {31u, 32u}) {
        const City c = random_city(seed, 7, 80, 2);
        const SiteInput in = input_of(c);
        for (auto obj : {SiteObjective::cover, SiteObjective::median, SiteObjective::center}) {
            CAPTURE(seed);
            CAPTURE(site_objective_name(obj));
            SiteOptions o;
            o.add = 4;
            o.objective = obj;
            o.within_s = 40;
            const SiteResult r = plan_sites(c.net, in, o);
            SiteFigures prev = r.before;
            for (const auto &s : r.sites) {
                CHECK(s.figures.covered_weight >= prev.covered_weight - 1e-9);
                CHECK(s.figures.mean_time_s <= prev.mean_time_s + 1e-9);
                CHECK(s.figures.worst_time_s <= prev.worst_time_s + 1e-9);
                prev = s.figures;
            }
            for (const auto &p : r.points)
                CHECK(p.time_after_s <= p.time_before_s + 1e-9);
        }
    }
}

TEST_CASE("relocate 0 equals add 0 equals today's figures") {
    const City c = random_city(41, 7, 80, 3);
    const SiteInput in = input_of(c);
    std::vector<double> w;
    const auto snaps = incident_snaps(c.net, c.incidents, w);
    std::vector<XY> pos;
    for (const auto &u : c.units)
        pos.push_back(u.position);
    const auto today = reference_times(c.net, pos, std::vector<double>(pos.size(), 0), snaps);
    for (auto obj : {SiteObjective::cover, SiteObjective::median, SiteObjective::center}) {
        SiteOptions o;
        o.add = 0;
        o.relocate = 0;
        o.objective = obj;
        o.within_s = 40;
        const SiteResult r = plan_sites(c.net, in, o);
        CHECK(r.method == SiteMethod::none);
        CHECK(r.sites.empty());
        CHECK(r.moves.empty());
        CHECK(r.objective_before == doctest::Approx(objective(obj, today, w, 40)));
        CHECK(r.objective_after == r.objective_before);
        CHECK(r.after.mean_time_s == r.before.mean_time_s);
        CHECK(r.after.covered_weight == r.before.covered_weight);
        // the figures before any new site do not depend on how many are added
        o.add = 3;
        const SiteResult r3 = plan_sites(c.net, in, o);
        CHECK(r3.objective_before == r.objective_before);
        CHECK(r3.before.mean_time_s == r.before.mean_time_s);
        CHECK(r3.before.worst_time_s == r.before.worst_time_s);
    }
}

TEST_CASE("relocating one unit equals the best single move found by enumeration") {
    for (std::uint32_t seed : {51u, 52u, 53u}) {
        CAPTURE(seed);
        const City c = random_city(seed, 5, 40, 2);
        const SiteInput in = input_of(c);
        std::vector<double> w;
        const auto snaps = incident_snaps(c.net, c.incidents, w);
        for (auto obj : {SiteObjective::cover, SiteObjective::median}) {
            double best = objective(
                obj,
                reference_times(c.net, {c.units[0].position, c.units[1].position}, {0, 0}, snaps),
                w, 45);
            for (std::size_t moved = 0; moved < 2; ++moved)
                for (const auto &cand : in.candidates) {
                    const XY stay = c.units[1 - moved].position;
                    const double v = objective(
                        obj, reference_times(c.net, {stay, cand.position}, {0, 0}, snaps), w, 45);
                    best = obj == SiteObjective::cover ? std::max(best, v) : std::min(best, v);
                }
            SiteOptions o;
            o.add = 0;
            o.relocate = 1;
            o.objective = obj;
            o.within_s = 45;
            const SiteResult r = plan_sites(c.net, in, o);
            CHECK(r.moves.size() <= 1);
            CHECK(r.sites.size() == r.moves.size());
            CHECK(r.objective_after == doctest::Approx(best).epsilon(1e-5));
        }
    }
}

TEST_CASE("center with relocation equals an enumeration of every move and every new site set; "
          "the heuristic lies between its bound and the optimum") {
    for (std::uint32_t seed : {54u, 55u, 56u, 57u, 58u, 59u}) {
        CAPTURE(seed);
        const City c = random_city(seed, 5, 40, 2);
        const SiteInput in = input_of(c);
        std::vector<double> w;
        const auto snaps = incident_snaps(c.net, c.incidents, w);
        const auto &cand = in.candidates;
        for (std::size_t add = 0; add <= 1; ++add) {
            CAPTURE(add);
            // the reference: no move (add new sites), or unit m moves (add + 1 new sites)
            double best = inf;
            auto consider = [&](std::vector<XY> pos) {
                const double v = objective(
                    SiteObjective::center,
                    reference_times(c.net, pos, std::vector<double>(pos.size(), 7), snaps), w, 45);
                best = std::min(best, v);
            };
            std::function<void(std::vector<XY>, std::size_t, std::size_t)> rec =
                [&](std::vector<XY> pos, std::size_t from, std::size_t left) {
                    if (left == 0) return consider(pos);
                    for (std::size_t i = from; i < cand.size(); ++i) {
                        auto p = pos;
                        p.push_back(cand[i].position);
                        rec(p, i + 1, left - 1);
                    }
                };
            rec({c.units[0].position, c.units[1].position}, 0, add);
            rec({c.units[1].position}, 0, add + 1);
            rec({c.units[0].position}, 0, add + 1);
            SiteOptions o;
            o.add = add;
            o.relocate = 1;
            o.objective = SiteObjective::center;
            o.within_s = 45;
            o.turnout_s = {{"kiosk", 7}};
            o.search = SiteSearch::exhaustive;
            const SiteResult ex = plan_sites(c.net, in, o);
            CHECK(ex.method == SiteMethod::exhaustive);
            CHECK(ex.moves.size() <= 1);
            CHECK(ex.sites.size() == add + ex.moves.size());
            CHECK(ex.objective_after == doctest::Approx(best).epsilon(1e-5));
            CHECK(ex.lower_bound == doctest::Approx(best).epsilon(1e-5));
            // the figures are the routing core's for the units after
            std::vector<XY> after;
            for (std::size_t f = 0; f < 2; ++f)
                if (ex.moves.empty() || ex.moves[0].unit != f) after.push_back(c.units[f].position);
            for (const auto &st : ex.sites)
                after.push_back(st.position);
            CHECK(ex.after.worst_time_s ==
                  doctest::Approx(
                      objective(SiteObjective::center,
                                reference_times(c.net, after, std::vector<double>(after.size(), 7),
                                                snaps),
                                w, 45))
                      .epsilon(1e-5));
            o.search = SiteSearch::heuristic;
            const SiteResult h = plan_sites(c.net, in, o);
            CHECK(h.method == SiteMethod::radius_search);
            CHECK(h.sites.size() == add + h.moves.size());
            CHECK(h.lower_bound <= best * (1 + 1e-6));
            CHECK(h.objective_after >= best * (1 - 1e-6));
            CHECK(h.objective_after <= h.objective_before + 1e-9); // moving never makes it worse
        }
    }
}

TEST_CASE("a unit far from its demand moves to it") {
    const AsciiMap map("A---------B---------C---------D---------E", 20.0);
    const Network net = map.build({{"ABCDE"}});
    SiteInput in;
    in.fixed = {Unit{"k1", "kiosk", "", 0, map.at('A')}, Unit{"k2", "kiosk", "", 0, map.at('B')}};
    in.candidates = junction_candidates(net, Profile::car);
    for (int i = 0; i < 5; ++i)
        in.incidents.push_back({"I" + std::to_string(i), map.at('E'), IncidentGrade::red, ""});
    SiteOptions o;
    o.add = 0;
    o.relocate = 1;
    o.objective = SiteObjective::median;
    const SiteResult r = plan_sites(net, in, o);
    REQUIRE(r.moves.size() == 1);
    CHECK(r.sites[r.moves[0].pick].position.x == doctest::Approx(map.at('E').x));
    CHECK(r.after.mean_time_s == doctest::Approx(0.0).epsilon(1e-9));
}

TEST_CASE("road demand: weights add up to the drivable length of the largest component") {
    const City c = random_city(61, 6, 0, 1);
    SiteInput in = input_of(c);
    SiteOptions o;
    o.demand = SiteDemand::roads;
    o.add = 2;
    o.objective = SiteObjective::center;
    const SiteResult r = plan_sites(c.net, in, o);
    double km = 0;
    const auto largest = c.net.largest_component(Profile::car);
    for (std::uint32_t e = 0; e < c.net.edge_count(); ++e)
        if (c.net.is_usable(Profile::car, e) && c.net.edge_component(Profile::car, e) == largest)
            km += c.net.edge(e).length_m;
    CHECK(r.before.weight == doctest::Approx(km));
    CHECK(r.after.worst_time_s <= r.before.worst_time_s);
    CHECK(r.lower_bound <= r.after.worst_time_s + 1e-9);
}

TEST_CASE("bad input: candidates off the network, more sites than candidates, a unit off the "
          "network") {
    const City c = random_city(71, 5, 20, 1);
    SiteInput in = input_of(c);
    SiteOptions o;
    o.add = 2;
    SiteInput far = in;
    far.candidates = {{"x", "", XY{1e6, 1e6}}, {"y", "", XY{-1e6, 0}}};
    far.candidates_source = "'rooms.geojson'";
    try {
        plan_sites(c.net, far, o);
        FAIL("expected an error");
    } catch (const Error &e) {
        CHECK(e.code() == ErrorCode::off_network);
        CHECK(std::string(e.what()).find("rooms.geojson") != std::string::npos);
        CHECK(std::string(e.what()).find("none of the 2") != std::string::npos);
    }
    o.add = in.candidates.size() + 1;
    try {
        plan_sites(c.net, in, o);
        FAIL("expected an error");
    } catch (const Error &e) {
        CHECK(e.code() == ErrorCode::invalid_argument);
        CHECK(std::string(e.what()).find("candidate") != std::string::npos);
    }
    o.add = 1;
    SiteInput off = in;
    off.fixed[0].position = {5e5, 5e5};
    off.fixed[0].id = "KIOSK-FAR";
    try {
        plan_sites(c.net, off, o);
        FAIL("expected an error");
    } catch (const Error &e) {
        CHECK(e.code() == ErrorCode::off_network);
        CHECK(std::string(e.what()).find("KIOSK-FAR") != std::string::npos);
    }
    o.within_s = 0;
    CHECK_THROWS_AS(plan_sites(c.net, in, o), Error);
    o.within_s = 300;
}

TEST_CASE("seal objective: each pick's gain is the gain re-evaluated from scratch, adding a site "
          "never lowers the sealable share, and the sample is what the result says") {
    Polygon inner;
    inner.outer = {{50, 50}, {550, 50}, {550, 550}, {50, 550}, {50, 50}};
    double gained = 0;
    for (std::uint32_t seed = 81; seed < 87; ++seed) {
        CAPTURE(seed);
        const City c = random_city(seed, 7, 40, 1);
        const SiteInput in = input_of(c);
        SiteOptions o;
        o.add = 3;
        SiteSealOptions ss;
        ss.area.boundary = {inner}; // the outer ring of junctions is outside
        ss.seal.head_start_s = 0;
        ss.seal.within_s = 90;
        ss.seal.margin_s = 2;
        ss.units.turnout_all_s = 0.0;
        ss.sample = 25;
        ss.shortlist = 6;
        ss.seed = seed;
        const SealSiteResult r = plan_seal_sites(c.net, in, o, ss);
        REQUIRE(r.sites.size() == 3);
        CHECK(r.sample == std::min<std::size_t>(25, r.population));
        CHECK(r.points.size() == r.sample);
        double w = 0;
        for (const auto &p : r.points)
            w += p.weight;
        CHECK(w == doctest::Approx(r.weight));
        // every figure again, independently: a seal-off context per prefix of the picks
        SealOptions eo = ss.seal;
        eo.find_head_start = false;
        auto sealed_weight = [&](const std::vector<Unit> &units) {
            const SealContext ctx(c.net, units, ss.area, ss.units);
            double sw = 0;
            for (const auto &p : r.points)
                if (seal_incident(ctx, p.position, eo).sealed) sw += p.weight;
            return sw;
        };
        std::vector<Unit> units = c.units;
        double prev = sealed_weight(units);
        CHECK(prev == doctest::Approx(r.sealed_before));
        for (const auto &site : r.sites) {
            units.push_back(Unit{site.id, "kiosk", site.name, 0, site.position});
            const double now = sealed_weight(units);
            CHECK(now == doctest::Approx(site.sealed_weight));
            CHECK(site.gain == doctest::Approx(now - prev));
            CHECK(now >= prev - 1e-9); // never lower
            prev = now;
            gained += site.gain;
        }
        // the same seed draws the same sample
        const SealSiteResult again = plan_seal_sites(c.net, in, o, ss);
        REQUIRE(again.points.size() == r.points.size());
        for (std::size_t i = 0; i < r.points.size(); ++i)
            CHECK(again.points[i].id == r.points[i].id);
    }
    CHECK(gained > 0); // the cases are not all trivially unsealable
    // relocation is refused with seal; so are an empty sample and shortlist
    const City c = random_city(81, 5, 10, 1);
    SiteOptions o;
    o.relocate = 1;
    SiteSealOptions ss;
    ss.area.boundary = {inner};
    CHECK_THROWS_AS(plan_seal_sites(c.net, input_of(c), o, ss), Error);
    o.relocate = 0;
    ss.sample = 0;
    CHECK_THROWS_AS(plan_seal_sites(c.net, input_of(c), o, ss), Error);
}
