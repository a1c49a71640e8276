#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "support/ascii_map.hpp"

#include <lugeo/error.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/scene.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <random>
#include <thread>

using namespace lugeo;
using lugeo::test::AsciiMap;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
const double walk_mps = 4.5 / 3.6;     // default walking speed
const double res_car_mps = 15.0 / 3.6; // default car speed on residential streets

/// A source at a lettered node: the snap of its position (an edge end).
RoutingSource at_node(const Network &net, const AsciiMap &map, char c, Profile p = Profile::walk,
                      double off = 0) {
    Network::SnapOptions so;
    so.profile = p;
    so.largest_component_only = false;
    auto s = net.snap(map.at(c), so);
    REQUIRE(s);
    return {*s, off};
}

std::uint32_t node_at(const Network &net, XY p) {
    for (std::uint32_t n = 0; n < net.node_count(); ++n)
        if (distance(net.node(n), p) < 1e-6) return n;
    FAIL("no node at the point");
    return 0;
}

std::uint32_t edge_between(const Network &net, std::uint32_t a, std::uint32_t b) {
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        const auto &ed = net.edge(e);
        if ((ed.from == a && ed.to == b) || (ed.from == b && ed.to == a)) return e;
    }
    FAIL("no edge");
    return 0;
}

} // namespace

TEST_CASE("a line walked from one end: node times and the partial edge at the frontier") {
    const AsciiMap map(R"(
A---B---C
)",
                       10.0);
    const Network net = map.build({{"AB"}, {"BC"}});
    const auto A = node_at(net, map.at('A')), B = node_at(net, map.at('B')),
               C = node_at(net, map.at('C'));
    RoutingOptions o;
    o.profile = Profile::walk;
    const Reach r = shortest_times(net, {at_node(net, map, 'A')}, o);
    CHECK(r.time(A) == doctest::Approx(0.0));
    CHECK(r.time(B) == doctest::Approx(40.0 / walk_mps));
    CHECK(r.time(C) == doctest::Approx(80.0 / walk_mps));
    CHECK(r.source(C) == 0);

    // at 60 m worth of time: AB whole, 20 m of BC
    const double t60 = 60.0 / walk_mps;
    const auto bc = edge_between(net, B, C);
    const auto ab = edge_between(net, A, B);
    CHECK(reached_length(net, r, ab, t60) == doctest::Approx(40.0));
    CHECK(reached_length(net, r, bc, t60) == doctest::Approx(20.0));
    const auto pieces = reached_pieces(net, r, t60);
    double total = 0;
    for (const auto &p : pieces) {
        total += p.length_m();
        CHECK(p.max_time_s() <= t60 + 1e-9);
    }
    CHECK(total == doctest::Approx(60.0));
    CHECK(time_at(net, r, bc, net.edge(bc).from == B ? 10.0 : 30.0) ==
          doctest::Approx(50.0 / walk_mps));

    // a limit leaves C unreached
    o.limit_s = t60;
    const Reach lim = shortest_times(net, {at_node(net, map, 'A')}, o);
    CHECK(lim.is_reached(B));
    CHECK_FALSE(lim.is_reached(C));
    CHECK(std::isinf(lim.time(C)));
    CHECK(reached_length(net, lim, bc, t60) == doctest::Approx(20.0));
    CHECK(reached_length(net, lim, bc, 1e9) ==
          doctest::Approx(20.0)); // thresholds are capped by the limit
}

TEST_CASE("one-way streets are obeyed by car, not on foot; inbound reverses them") {
    const AsciiMap map(R"(
A-----B
)",
                       10.0);
    const Network net = map.build({{"AB", "residential", "yes"}});
    const auto A = node_at(net, map.at('A')), B = node_at(net, map.at('B'));
    RoutingOptions car;
    car.profile = Profile::car;
    RoutingOptions walk;
    walk.profile = Profile::walk;

    // from B, against the one-way
    const Reach rc = shortest_times(net, {at_node(net, map, 'B', Profile::car)}, car);
    CHECK_FALSE(rc.is_reached(A));
    const Reach rw = shortest_times(net, {at_node(net, map, 'B', Profile::walk)}, walk);
    CHECK(rw.time(A) == doctest::Approx(60.0 / walk_mps));
    // from A, with it
    const Reach ra = shortest_times(net, {at_node(net, map, 'A', Profile::car)}, car);
    CHECK(ra.time(B) == doctest::Approx(60.0 / res_car_mps));
    // inbound to B: A can drive there; inbound to A: B cannot
    car.direction = Direction::inbound;
    const Reach ib = shortest_times(net, {at_node(net, map, 'B', Profile::car)}, car);
    CHECK(ib.time(A) == doctest::Approx(60.0 / res_car_mps));
    const Reach ia = shortest_times(net, {at_node(net, map, 'A', Profile::car)}, car);
    CHECK_FALSE(ia.is_reached(B));
}

TEST_CASE("a source in the middle of a one-way edge") {
    const AsciiMap map(R"(
A---------B---C
)",
                       10.0);
    const Network net = map.build({{"AB", "residential", "yes"}, {"BC", "residential"}});
    const auto A = node_at(net, map.at('A')), B = node_at(net, map.at('B')),
               C = node_at(net, map.at('C'));
    const auto ab = edge_between(net, A, B);
    REQUIRE(net.edge(ab).from == A);
    RoutingSource s{Network::Snap{ab, 30.0, 0.0, net.point_along(ab, 30.0)}, 0.0};
    RoutingOptions car;
    car.profile = Profile::car;

    const Reach out = shortest_times(net, {s}, car);
    CHECK_FALSE(out.is_reached(A));
    CHECK(out.time(B) == doctest::Approx(70.0 / res_car_mps));
    CHECK(out.time(C) == doctest::Approx(110.0 / res_car_mps));
    std::vector<EdgePiece> pieces;
    append_edge_pieces(net, out, ab, 1e9, pieces);
    REQUIRE(pieces.size() == 1);
    CHECK(pieces[0].from_m == doctest::Approx(30.0));
    CHECK(pieces[0].to_m == doctest::Approx(100.0));
    CHECK(pieces[0].time_from_s == doctest::Approx(0.0));
    CHECK(std::isinf(time_at(net, out, ab, 10.0)));

    car.direction = Direction::inbound;
    const Reach in = shortest_times(net, {s}, car);
    CHECK(in.time(A) == doctest::Approx(30.0 / res_car_mps));
    CHECK_FALSE(in.is_reached(B)); // B cannot drive back against the one-way
    pieces.clear();
    append_edge_pieces(net, in, ab, 1e9, pieces);
    REQUIRE(pieces.size() == 1);
    CHECK(pieces[0].from_m == doctest::Approx(0.0));
    CHECK(pieces[0].to_m == doctest::Approx(30.0));
    CHECK(pieces[0].time_to_s == doctest::Approx(0.0));
    CHECK(pieces[0].time_from_s == doctest::Approx(30.0 / res_car_mps));

    // on foot, both ways from the middle
    RoutingOptions walk;
    walk.profile = Profile::walk;
    const Reach w = shortest_times(net, {s}, walk);
    CHECK(w.time(A) == doctest::Approx(30.0 / walk_mps));
    CHECK(w.time(B) == doctest::Approx(70.0 / walk_mps));
    CHECK(reached_length(net, w, ab, 20.0 / walk_mps) == doctest::Approx(40.0));
}

TEST_CASE("an unreachable component is left out") {
    const AsciiMap map(R"(
A---B

D---E
)",
                       10.0);
    const Network net = map.build({{"AB"}, {"DE"}});
    RoutingOptions walk;
    walk.profile = Profile::walk;
    const Reach r = shortest_times(net, {at_node(net, map, 'A')}, walk);
    CHECK_FALSE(r.is_reached(node_at(net, map.at('D'))));
    CHECK_FALSE(r.is_reached(node_at(net, map.at('E'))));
    const auto de = edge_between(net, node_at(net, map.at('D')), node_at(net, map.at('E')));
    CHECK(reached_length(net, r, de, 1e9) == 0.0);
    for (const auto &p : reached_pieces(net, r, 1e9))
        CHECK(p.edge != de);
    // no sources: nothing reached, no error
    const Reach none = shortest_times(net, {}, walk);
    CHECK(reached_pieces(net, none, 1e9).empty());
}

TEST_CASE("two sources: equal-time split, lower index wins ties, additive offsets move the split") {
    const AsciiMap map(R"(
A---B---C
)",
                       10.0);
    const Network net = map.build({{"AB"}, {"BC"}});
    const auto B = node_at(net, map.at('B'));
    RoutingOptions walk;
    walk.profile = Profile::walk;
    for (int order = 0; order < 2; ++order) {
        std::vector<RoutingSource> src = {at_node(net, map, order ? 'C' : 'A'),
                                          at_node(net, map, order ? 'A' : 'C')};
        const Reach r = shortest_times(net, src, walk);
        CHECK(r.source(B) == 0); // a tie: the lower index
        const auto pieces = reached_pieces(net, r, 1e9);
        double l0 = 0, l1 = 0;
        for (const auto &p : pieces)
            (p.source == 0 ? l0 : l1) += p.length_m();
        CHECK(l0 == doctest::Approx(40.0));
        CHECK(l1 == doctest::Approx(40.0));
    }
    // source 1 (at C) starts 16 s late: the split moves 10 m towards C
    std::vector<RoutingSource> src = {at_node(net, map, 'A'),
                                      at_node(net, map, 'C', Profile::walk, 16.0)};
    const Reach r = shortest_times(net, src, walk);
    double l0 = 0, l1 = 0;
    for (const auto &p : reached_pieces(net, r, 1e9)) {
        (p.source == 0 ? l0 : l1) += p.length_m();
        CHECK(p.min_time_s() >= (p.source == 1 ? 16.0 - 1e-9 : 0.0));
    }
    CHECK(l0 == doctest::Approx(50.0));
    CHECK(l1 == doctest::Approx(30.0));
    CHECK(r.time(node_at(net, map.at('C'))) == doctest::Approx(16.0));

    CHECK_THROWS_AS(shortest_times(net, {RoutingSource{Network::Snap{99, 0, 0, {}}, 0}}, walk),
                    Error);
    CHECK_THROWS_AS(shortest_times(net, {RoutingSource{Network::Snap{0, 0, 0, {}}, -1}}, walk),
                    Error);
}

// ---- agreement with an independent reference on real roads -------------------------------

namespace {

/// Plain Bellman–Ford over the edge list (no CSR, no heap), outbound or inbound, then the
/// time at a point on an edge by enumerating the ways into it.
struct Reference {
    std::vector<double> t;
    Reference(const Network &net, const std::vector<RoutingSource> &src, Profile p, bool outbound) {
        t.assign(net.node_count(), inf);
        for (const auto &s : src) {
            const auto &ed = net.edge(s.at.edge);
            const double f = s.at.offset_m / ed.length_m;
            const double ta = net.travel_time(p, s.at.edge, true),
                         tg = net.travel_time(p, s.at.edge, false);
            // outbound: drive along to `to` or against to `from`; inbound: reverse
            const double to_cost = outbound ? (1 - f) * ta : (1 - f) * tg;
            const double from_cost = outbound ? f * tg : f * ta;
            t[ed.to] = std::min(t[ed.to], s.offset_s + to_cost);
            t[ed.from] = std::min(t[ed.from], s.offset_s + from_cost);
        }
        for (bool changed = true; changed;) {
            changed = false;
            for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
                const auto &ed = net.edge(e);
                const double ta = net.travel_time(p, e, true), tg = net.travel_time(p, e, false);
                // outbound: t[to] <= t[from] + ta; inbound: t[from] <= t[to] + ta
                auto relax = [&](std::uint32_t u, std::uint32_t v, double w) {
                    if (t[u] + w < t[v]) {
                        t[v] = t[u] + w;
                        changed = true;
                    }
                };
                if (outbound) {
                    relax(ed.from, ed.to, ta);
                    relax(ed.to, ed.from, tg);
                } else {
                    relax(ed.to, ed.from, ta);
                    relax(ed.from, ed.to, tg);
                }
            }
        }
    }
    double at(const Network &net, const std::vector<RoutingSource> &src, Profile p, bool outbound,
              std::uint32_t e, double x) const {
        const auto &ed = net.edge(e);
        const double L = ed.length_m;
        const double ta = net.travel_time(p, e, true), tg = net.travel_time(p, e, false);
        double best = outbound ? std::min(t[ed.from] + x / L * ta, t[ed.to] + (L - x) / L * tg)
                               : std::min(t[ed.to] + (L - x) / L * ta, t[ed.from] + x / L * tg);
        for (const auto &s : src) {
            if (s.at.edge != e) continue;
            const double d = x - s.at.offset_m; // > 0: x lies along the geometry from the source
            const double w = outbound ? (d >= 0 ? ta : tg) : (d >= 0 ? tg : ta);
            best = std::min(best, s.offset_s + std::abs(d) / L * w);
        }
        return best;
    }
};

/// A real subgraph: the demo roads within 3 km of the centre, rebuilt from the edges.
Network demo_subgraph() {
    const Scene scene = load_scene(std::string(LUGEO_DATA_DIR) + "/demo/scene.toml");
    const SceneData data = read_scene_data(scene, {LayerRole::roads});
    const NetworkOptions &no = data.settings.network;
    const Network full = build_network(data.roads, no);
    Box box;
    for (const XY &n : full.nodes())
        box.extend(n);
    const XY c{(box.minx + box.maxx) / 2, (box.miny + box.maxy) / 2};
    std::vector<RoadInput> roads;
    for (std::uint32_t e = 0; e < full.edge_count(); ++e) {
        const auto &ed = full.edge(e);
        if (distance(full.node(ed.from), c) > 3000 || distance(full.node(ed.to), c) > 3000)
            continue;
        RoadInput r;
        auto g = full.edge_geometry(e);
        r.line.assign(g.begin(), g.end());
        r.road_class = full.class_of(e);
        r.oneway = ed.oneway == 1    ? "yes"
                   : ed.oneway == -1 ? "-1"
                   : ed.oneway == 2  ? "reversible"
                                     : "";
        r.fid = static_cast<std::int64_t>(e);
        roads.push_back(std::move(r));
    }
    return build_network(std::move(roads), full.crs(), no);
}

} // namespace

TEST_CASE("times agree with a plain Bellman-Ford on a real subgraph (demo roads)") {
    const Network net = demo_subgraph();
    INFO("subgraph: " << net.node_count() << " nodes, " << net.edge_count() << " edges");
    REQUIRE(net.edge_count() > 300);
    const unsigned seed = 20261129;
    std::mt19937 rng(seed);
    INFO("seed " << seed);
    std::uniform_int_distribution<std::uint32_t> pick_edge(
        0, static_cast<std::uint32_t>(net.edge_count() - 1));
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    int checks = 0, reached = 0;
    for (int round = 0; round < 6; ++round) {
        const Profile p = all_profiles[static_cast<std::size_t>(round % 3)];
        const bool outbound = round < 3;
        std::vector<RoutingSource> src;
        const int ns = 1 + round % 3;
        while (static_cast<int>(src.size()) < ns) {
            const auto e = pick_edge(rng);
            if (!net.is_usable(p, e)) continue;
            src.push_back({Network::Snap{e, unit(rng) * net.edge(e).length_m, 0, {}},
                           round == 5 ? unit(rng) * 30 : 0.0});
        }
        RoutingOptions o;
        o.profile = p;
        o.direction = outbound ? Direction::outbound : Direction::inbound;
        o.limit_s = round % 2 ? 240.0 : inf;
        const Reach r = shortest_times(net, src, o);
        const Reference ref(net, src, p, outbound);
        std::vector<Reference> solo;
        for (const auto &s : src)
            solo.emplace_back(net, std::vector<RoutingSource>{s}, p, outbound);
        INFO("round " << round << " profile " << profile_name(p)
                      << (outbound ? " outbound" : " inbound"));
        for (std::uint32_t n = 0; n < net.node_count(); ++n) {
            const double want = ref.t[n] <= o.limit_s ? ref.t[n] : inf;
            if (std::isinf(want))
                CHECK(std::isinf(r.time(n)));
            else
                CHECK(r.time(n) == doctest::Approx(want).epsilon(1e-9));
        }
        for (int k = 0; k < 60; ++k) {
            const auto e = pick_edge(rng);
            const double x = unit(rng) * net.edge(e).length_m;
            const double want_raw = ref.at(net, src, p, outbound, e, x);
            const double want = want_raw <= o.limit_s ? want_raw : inf;
            std::uint32_t label = 0;
            const double got = time_at(net, r, e, x, &label);
            INFO("edge " << e << " at " << x);
            if (std::isinf(want)) {
                CHECK(std::isinf(got));
            } else {
                ++reached;
                CHECK(got == doctest::Approx(want).epsilon(1e-9));
                // the label's own search gives the same time
                REQUIRE(label < src.size());
                CHECK(solo[label].at(net, {src[label]}, p, outbound, e, x) ==
                      doctest::Approx(want).epsilon(1e-9));
                // the pieces at a threshold above this time cover x
                std::vector<EdgePiece> pieces;
                append_edge_pieces(net, r, e, std::min(o.limit_s, want + 1.0), pieces);
                bool inside = false;
                for (const auto &pc : pieces)
                    inside |= pc.from_m - 1e-6 <= x && x <= pc.to_m + 1e-6;
                CHECK(inside);
            }
            ++checks;
        }
    }
    CHECK(checks == 360);
    CHECK(reached > 100);
}

// ---- issue 11: a unit on a junction starts from the junction -----------------------------

namespace {

/// Node times of a plain Dijkstra started at node `start` (time 0), over the profile's arcs.
std::vector<double> times_from_node(const Network &net, std::uint32_t start, Profile p,
                                    bool outbound, double limit) {
    std::vector<double> t(net.node_count(), inf);
    using Item = std::pair<double, std::uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> q;
    t[start] = 0;
    q.push({0.0, start});
    while (!q.empty()) {
        const auto [d, n] = q.top();
        q.pop();
        if (d > t[n]) continue;
        for (const auto &a : outbound ? net.out_arcs(p, n) : net.in_arcs(p, n)) {
            const double nd = d + a.time_s;
            if (nd <= limit && nd < t[a.node]) {
                t[a.node] = nd;
                q.push({nd, a.node});
            }
        }
    }
    return t;
}

/// Road length reached within `threshold` given node times (outbound or inbound): each edge
/// is entered from its ends in the directions the profile allows.
double reached_km_from_times(const Network &net, const std::vector<double> &t, Profile p,
                             bool outbound, double threshold) {
    double m = 0;
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        const auto &ed = net.edge(e);
        const double L = ed.length_m;
        const double ta = net.travel_time(p, e, true), tg = net.travel_time(p, e, false);
        // outbound: from `from` along, from `to` against; inbound: to `to` along, to `from` against
        const double t_lo = t[ed.from];         // node at offset 0
        const double t_hi = t[ed.to];           // node at offset L
        const double w_lo = outbound ? ta : tg; // seconds over the whole edge, leaving/joining at 0
        const double w_hi = outbound ? tg : ta;
        const double a = std::isfinite(w_lo) && t_lo <= threshold
                             ? std::min(L, (threshold - t_lo) / w_lo * L)
                             : 0.0;
        const double b = std::isfinite(w_hi) && t_hi <= threshold
                             ? std::min(L, (threshold - t_hi) / w_hi * L)
                             : 0.0;
        m += std::min(L, a + b);
    }
    return m / 1000.0;
}

double reached_km(const Network &net, const Reach &r, double threshold) {
    double m = 0;
    for (const auto &pc : reached_pieces(net, r, threshold))
        m += pc.length_m();
    return m / 1000.0;
}

Network fixture_network(const std::string &name) {
    LayerSpec spec =
        layer_spec_from_arg(std::string(LUGEO_TEST_FIXTURES) + "/osm/" + name, "roads");
    return build_network(read_roads(spec, {}), NetworkOptions{});
}

} // namespace

TEST_CASE("junction snap: every source placement at a node reaches what a search from the node "
          "reaches (lauf)") {
    const Network net = fixture_network("lauf-an-der-pegnitz-2020-01-15.osm.pbf");
    INFO(net.node_count() << " nodes, " << net.edge_count() << " edges");
    REQUIRE(net.node_count() > 500);
    const double limit = 90.0, threshold = 60.0;
    std::size_t placements = 0, oneway_tails = 0, snaps = 0;
    for (Profile p : {Profile::car, Profile::walk}) {
        // node -> the edges that end there
        std::vector<std::vector<std::pair<std::uint32_t, bool>>> at(net.node_count());
        for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
            if (!net.is_usable(p, e)) continue;
            at[net.edge(e).from].push_back({e, false});
            at[net.edge(e).to].push_back({e, true});
        }
        for (const bool outbound : {true, false}) {
            RoutingOptions o;
            o.profile = p;
            o.direction = outbound ? Direction::outbound : Direction::inbound;
            o.limit_s = limit;
            for (std::uint32_t n = 0; n < net.node_count(); ++n) {
                if (at[n].empty()) continue;
                const auto want = times_from_node(net, n, p, outbound, limit);
                const double want_km = reached_km_from_times(net, want, p, outbound, threshold);
                auto check = [&](const RoutingSource &s, const char *what) {
                    const Reach r = shortest_times(net, {s}, o);
                    INFO(what << ": node " << n << " edge " << s.at.edge << " offset "
                              << s.at.offset_m << " " << profile_name(p)
                              << (outbound ? " outbound" : " inbound"));
                    bool same = true;
                    for (std::uint32_t m = 0; m < net.node_count() && same; ++m)
                        same = std::isinf(want[m]) ? std::isinf(r.time(m))
                                                   : std::abs(r.time(m) - want[m]) <= 1e-6;
                    CHECK(same);
                    CHECK(reached_km(net, r, threshold) == doctest::Approx(want_km).epsilon(1e-9));
                };
                // every edge end at the node, whatever the edge's direction
                for (const auto &[e, at_end] : at[n]) {
                    const double len = net.edge(e).length_m;
                    const bool leaves = at_end ? std::isfinite(net.travel_time(p, e, false))
                                               : std::isfinite(net.travel_time(p, e, true));
                    oneway_tails += !leaves;
                    check({Network::Snap{e, at_end ? len : 0.0, 0, net.node(n)}, 0.0}, "placed");
                    ++placements;
                }
                // and the snap of the node's own position
                Network::SnapOptions so;
                so.profile = p;
                so.largest_component_only = false;
                const auto s = net.snap(net.node(n), so);
                REQUIRE(s);
                CHECK(s->distance_m == 0.0);
                check({*s, 0.0}, "snapped");
                ++snaps;
            }
        }
    }
    INFO(placements << " placements, " << oneway_tails << " at an end one cannot leave by, "
                    << snaps << " snaps");
    CHECK(oneway_tails > 50); // the fixture has one-way streets: the bug's case occurs
    CHECK(snaps > 1000);
}

TEST_CASE("junction snap: a unit on the tail of a one-way edge leaves by every arc of the node") {
    // J is the tail of one-way edge JB (id 0): before, a unit placed there could only leave
    // along JB, towards a dead end
    const AsciiMap map(R"(
A-----J-----B
      |
      C
)",
                       10.0);
    const Network net =
        map.build({{"JB", "residential", "yes"}, {"AJ", "residential"}, {"JC", "residential"}});
    const auto J = node_at(net, map.at('J')), A = node_at(net, map.at('A')),
               B = node_at(net, map.at('B')), C = node_at(net, map.at('C'));
    const auto jb = edge_between(net, J, B);
    REQUIRE(net.edge(jb).from == J);
    RoutingOptions car;
    const Reach r = shortest_times(net, {RoutingSource{Network::Snap{jb, 0.0, 0, {}}}}, car);
    CHECK(r.time(J) == 0.0);
    CHECK(r.time(A) == doctest::Approx(60.0 / res_car_mps));
    CHECK(r.time(C) == doctest::Approx(20.0 / res_car_mps));
    CHECK(r.time(B) == doctest::Approx(60.0 / res_car_mps));
    // inbound: B cannot drive to J (against JB), A and C can
    car.direction = Direction::inbound;
    const Reach in = shortest_times(net, {RoutingSource{Network::Snap{jb, 0.0, 0, {}}}}, car);
    CHECK(in.time(J) == 0.0);
    CHECK(in.time(A) == doctest::Approx(60.0 / res_car_mps));
    CHECK_FALSE(in.is_reached(B));
}

TEST_CASE("junction snap: a tie at a junction prefers an edge one can leave by") {
    // J is the end of one-way edge AJ (lower id, digitised first) and the start of JB
    const AsciiMap map(R"(
A-----J-----B
      |
      C
)",
                       10.0);
    const Network net =
        map.build({{"AJ", "residential", "yes"}, {"JB", "residential"}, {"JC", "residential"}});
    const auto J = node_at(net, map.at('J')), A = node_at(net, map.at('A')),
               B = node_at(net, map.at('B'));
    REQUIRE(edge_between(net, A, J) == 0);
    Network::SnapOptions so;
    so.largest_component_only = false;
    const auto s = net.snap(map.at('J'), so);
    REQUIRE(s);
    CHECK(s->edge != edge_between(net, A, J)); // not the one-way edge arriving at J
    CHECK(s->distance_m == 0.0);
    // placed on AJ's head anyway, the unit still leaves J by JB
    const auto aj = edge_between(net, A, J);
    RoutingOptions car;
    const Reach r =
        shortest_times(net, {RoutingSource{Network::Snap{aj, net.edge(aj).length_m, 0, {}}}}, car);
    CHECK(r.time(J) == 0.0);
    CHECK(r.time(B) == doctest::Approx(60.0 / res_car_mps));
    CHECK_FALSE(r.is_reached(A));
    // inbound to it: A drives to J along AJ
    car.direction = Direction::inbound;
    const Reach in =
        shortest_times(net, {RoutingSource{Network::Snap{aj, net.edge(aj).length_m, 0, {}}}}, car);
    CHECK(in.time(J) == 0.0);
    CHECK(in.time(A) == doctest::Approx(60.0 / res_car_mps));
}

// ---- issue 17: a search keeps only the nodes it reached ------------------------------------

namespace {

bool same_pieces(const std::vector<EdgePiece> &a, const std::vector<EdgePiece> &b) {
    if (a.size() != b.size()) return false;
    for (std::size_t k = 0; k < a.size(); ++k)
        if (a[k].edge != b[k].edge || a[k].from_m != b[k].from_m || a[k].to_m != b[k].to_m ||
            a[k].time_from_s != b[k].time_from_s || a[k].time_to_s != b[k].time_to_s ||
            a[k].source != b[k].source)
            return false;
    return true;
}

/// Every node's time, source and edge are the same in both, and `small` reached exactly the
/// nodes `whole` reached within small's limit.
void check_nodes_within(const Network &net, const Reach &small, const Reach &whole) {
    std::size_t reached = 0, mismatches = 0;
    for (std::uint32_t n = 0; n < net.node_count(); ++n) {
        const bool in = whole.is_reached(n) && whole.time(n) <= small.options.limit_s;
        CHECK(small.is_reached(n) == in);
        if (!in) {
            mismatches += !std::isinf(small.time(n)) || small.source(n) != Reach::npos ||
                          small.edge(n) != Reach::npos;
            continue;
        }
        ++reached;
        mismatches += small.time(n) != whole.time(n) || small.source(n) != whole.source(n) ||
                      small.edge(n) != whole.edge(n);
    }
    CHECK(mismatches == 0);
    CHECK(reached == small.reached_count());
    const auto nodes = small.reached_nodes();
    CHECK(nodes.size() == reached);
    CHECK(small.settled == reached);
    CHECK(std::is_sorted(nodes.begin(), nodes.end()));
    CHECK(std::adjacent_find(nodes.begin(), nodes.end()) == nodes.end());
    for (std::uint32_t n : nodes)
        CHECK(small.is_reached(n));
}

} // namespace

TEST_CASE("a search with a small limit reaches what the whole search reaches within it: the "
          "same node times, labels, edges and pieces (demo roads)") {
    const Network net = demo_subgraph();
    INFO(net.node_count() << " nodes");
    const std::uint32_t mid = static_cast<std::uint32_t>(net.edge_count() / 2);
    std::uint32_t e1 = mid, e2 = mid / 3;
    while (!net.is_usable(Profile::car, e1))
        ++e1;
    while (!net.is_usable(Profile::car, e2))
        ++e2;
    const std::vector<RoutingSource> src = {
        {Network::Snap{e1, net.edge(e1).length_m / 3, 0, {}}, 0.0},
        {Network::Snap{e2, net.edge(e2).length_m / 2, 0, {}}, 5.0}};
    for (const Direction dir : {Direction::outbound, Direction::inbound}) {
        INFO(std::string(dir == Direction::outbound ? "outbound" : "inbound"));
        RoutingOptions o;
        o.profile = Profile::car;
        o.direction = dir;
        const Reach whole = shortest_times(net, src, o);
        REQUIRE(3 * whole.reached_count() > net.node_count()); // most of the network
        // a limit that reaches a small part of it (a Reach keeps it in its sparse form)
        Reach small;
        for (o.limit_s = 300.0; o.limit_s > 5.0; o.limit_s /= 2) {
            small = shortest_times(net, src, o);
            if (20 * small.reached_count() < net.node_count()) break;
        }
        const double small_limit = o.limit_s;
        INFO(small.reached_count() << " nodes reached within " << small_limit << " s");
        REQUIRE(small.reached_count() > 10);
        REQUIRE(20 * small.reached_count() < net.node_count());
        CHECK(small.cut);
        check_nodes_within(net, small, whole);
        bool both_labels = false;
        for (std::uint32_t n : small.reached_nodes())
            both_labels |= small.source(n) == 1;
        CHECK(both_labels);
        for (const double t : {small_limit, small_limit / 2, 1.0}) {
            const auto pieces = reached_pieces(net, small, t);
            CHECK(!pieces.empty());
            CHECK(same_pieces(pieces, reached_pieces(net, whole, t)));
        }
        // the whole search again, after a search on another (smaller) network on this thread
        const AsciiMap map("A---B\n", 10.0);
        const Network tiny = map.build({{"AB"}});
        CHECK(shortest_times(tiny, {at_node(tiny, map, 'A')}, {}).reached_count() == 2);
        o.limit_s = inf;
        const Reach again = shortest_times(net, src, o);
        check_nodes_within(net, again, whole);
        CHECK(same_pieces(reached_pieces(net, again, 600.0), reached_pieces(net, whole, 600.0)));
    }
}

TEST_CASE("searches on several threads at once give what one thread gives") {
    const Network net = demo_subgraph();
    std::vector<std::vector<RoutingSource>> jobs;
    for (std::uint32_t e = 0; e < net.edge_count() && jobs.size() < 24; e += 37)
        if (net.is_usable(Profile::car, e))
            jobs.push_back({{Network::Snap{e, net.edge(e).length_m / 2, 0, {}}, 0.0}});
    RoutingOptions o;
    o.profile = Profile::car;
    o.limit_s = 120.0;
    std::vector<std::vector<EdgePiece>> want;
    for (const auto &src : jobs)
        want.push_back(reached_pieces(net, shortest_times(net, src, o), o.limit_s));
    std::vector<std::vector<EdgePiece>> got(jobs.size());
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (std::size_t k = t; k < jobs.size(); k += 4)
                got[k] = reached_pieces(net, shortest_times(net, jobs[k], o), o.limit_s);
        });
    for (auto &th : threads)
        th.join();
    REQUIRE(jobs.size() == 24);
    std::size_t same = 0;
    for (std::size_t k = 0; k < jobs.size(); ++k)
        same += !want[k].empty() && same_pieces(got[k], want[k]);
    CHECK(same == jobs.size());
}
