// The dispatch scene under concurrent use (lugeo/dispatch.hpp): readers ask locate, nearest and
// incident questions from several threads while a writer reports units (busy, available,
// moved) and another thread swaps the scene (a reload); every answer must be the one a single
// thread gets for the same scene and units (the View it was asked on), no busy unit may be
// offered, and the live reports must survive every swap. Meant to run under ThreadSanitizer
// too (the `tsan` preset); the checks hold without it.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <lugeo/dispatch.hpp>
#include <lugeo/incident.hpp>
#include <lugeo/network.hpp>
#include <lugeo/scene.hpp>

#include <atomic>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace lugeo;

namespace {

std::shared_ptr<const DispatchScene> load_demo() {
    Scene scene = load_scene(LUGEO_DATA_DIR "/demo/scene.toml");
    SceneData data =
        read_scene_data(scene, {LayerRole::roads, LayerRole::poles, LayerRole::lamps,
                                LayerRole::cameras, LayerRole::buildings, LayerRole::units,
                                LayerRole::zones, LayerRole::grids, LayerRole::boundary});
    std::vector<Plate> plates = std::move(data.plates.plates);
    PlateScheme scheme = data.plates.scheme ? *data.plates.scheme : PlateScheme{};
    data.plates.plates.clear();
    Registry registry(std::move(plates), std::move(scheme));
    Network net = build_network(std::move(data.roads), data.settings.network);
    return std::make_shared<const DispatchScene>(std::move(scene), std::move(data),
                                                 std::move(registry), std::move(net));
}

/// What an incident answer says, in a form to compare.
struct Digest {
    std::vector<std::string> ring_units, road_units, cameras;
    std::vector<double> times;
    bool operator==(const Digest &) const = default;
};

Digest digest(const IncidentResult &r, const IncidentContext &ctx, const std::vector<Unit> &units) {
    Digest d;
    for (const auto &ring : r.rings)
        for (const auto &u : ring.units)
            d.ring_units.push_back(units[u.unit].id);
    for (const auto &u : r.by_road) {
        d.road_units.push_back(units[u.unit].id);
        d.times.push_back(u.time_s);
    }
    for (const auto &c : r.cameras)
        d.cameras.push_back(ctx.cameras[c.camera].id);
    return d;
}

Digest ask(const Dispatch::View &v, XY p) {
    IncidentOptions io;
    io.units = &v.units->available;
    const IncidentResult r =
        describe_incident(v.scene->incident(), p, io, v.scene->network(), v.scene->junctions());
    return digest(r, v.scene->incident(), v.units->available);
}

} // namespace

TEST_CASE("dispatch: unit reports, statuses and reloads") {
    auto scene = load_demo();
    Dispatch d(scene);
    const auto v0 = d.view();
    REQUIRE(v0.units->units.size() == scene->data().units.size());
    CHECK(v0.units->available.size() == v0.units->units.size());
    const std::string id = v0.units->units.front().unit.id;
    const LonLat at = v0.units->units.back().lonlat;
    const UnitState s = d.report_unit(id, at, UnitStatus::busy, 1000);
    CHECK(s.live());
    CHECK(s.status == UnitStatus::busy);
    const auto v1 = d.view();
    CHECK(v1.units->version > v0.units->version);
    CHECK(v1.units->available.size() == v0.units->available.size() - 1);
    for (const auto &u : v1.units->available)
        CHECK(u.id != id);
    // the old view is untouched (copy-on-write)
    CHECK(v0.units->available.size() == v0.units->units.size());
    // a new unit
    d.report_unit("NEW-1", at, UnitStatus::available, 1001, "patrol_car", "新车");
    const auto v2 = d.view();
    CHECK(v2.units->units.back().unit.id == "NEW-1");
    CHECK_FALSE(v2.units->units.back().in_scene);
    CHECK(v2.units->available.back().id == "NEW-1");
    // bad reports
    CHECK_THROWS_AS(d.report_unit("", at, UnitStatus::busy, 1), Error);
    CHECK_THROWS_AS(d.report_unit("X", {std::nan(""), 30.0}, UnitStatus::busy, 1), Error);
    CHECK_THROWS_AS(d.report_unit("X", {200.0, 30.0}, UnitStatus::busy, 1), Error);
    // a reload keeps the live reports (and the scene's units at the new scene's positions)
    d.swap_scene(load_demo());
    const auto v3 = d.view();
    CHECK(v3.scene != v2.scene);
    REQUIRE(v3.units->units.size() == v2.units->units.size());
    for (std::size_t i = 0; i < v3.units->units.size(); ++i) {
        CHECK(v3.units->units[i].unit.id == v2.units->units[i].unit.id);
        CHECK(v3.units->units[i].status == v2.units->units[i].status);
        CHECK(v3.units->units[i].last_seen == v2.units->units[i].last_seen);
        CHECK(std::abs(v3.units->units[i].unit.position.x - v2.units->units[i].unit.position.x) <
              1e-6);
    }
    CHECK(unit_status_from_name("off_duty") == UnitStatus::off_duty);
    CHECK_FALSE(unit_status_from_name("asleep"));
}

TEST_CASE("dispatch: concurrent questions, unit reports and a reload") {
    auto a = load_demo(), b = load_demo();
    Dispatch d(a);
    std::mt19937 rng(16);
    const auto &plates = a->registry().plates();
    std::vector<std::size_t> picks;
    for (int i = 0; i < 24; ++i)
        picks.push_back(std::uniform_int_distribution<std::size_t>(0, plates.size() - 1)(rng));

    std::atomic<bool> stop{false};
    std::atomic<long> asked{0}, wrong{0}, busy_offered{0}, located_wrong{0};
    // readers: each answer equals a single-threaded answer on the same View
    auto reader = [&](unsigned seed) {
        std::mt19937 r(seed);
        while (!stop.load()) {
            const Dispatch::View v = d.view();
            const std::size_t k = picks[r() % picks.size()];
            const Plate &p = v.scene->registry().plates()[k];
            const Digest got = ask(v, p.position);
            // busy and off-duty units are never in the available list, so never offered
            std::map<std::string, UnitStatus> status;
            for (const auto &u : v.units->units)
                status[u.unit.id] = u.status;
            for (const auto &id : got.road_units)
                if (status[id] != UnitStatus::available) ++busy_offered;
            if (!(ask(v, p.position) == got)) ++wrong; // same view, same answer
            const LocateResult lr = v.scene->registry().locate(p.id);
            if (!lr.exact || v.scene->registry().plates()[*lr.exact].id != p.id) ++located_wrong;
            const XY m = v.scene->frame().to_metric(p.lonlat);
            if (std::abs(m.x - p.position.x) > 0.01) ++wrong;
            v.scene->registry().nearest(p.position, 5);
            ++asked;
        }
    };
    // writer: reports the scene's units busy, available, moved
    std::map<std::string, std::pair<UnitStatus, std::time_t>> last;
    auto writer = [&] {
        std::mt19937 r(7);
        const auto units = a->data().units;
        for (int i = 1; i <= 300; ++i) {
            const Unit &u = units[r() % units.size()];
            const UnitStatus st = static_cast<UnitStatus>(r() % 3);
            const LonLat ll = a->frame().to_lonlat({u.position.x + double(r() % 200) - 100.0,
                                                    u.position.y + double(r() % 200) - 100.0});
            d.report_unit(u.id, ll, st, 1000 + i);
            last[u.id] = {st, 1000 + i};
        }
    };
    // reloader: swaps the two scenes
    auto reloader = [&] {
        for (int i = 0; i < 6; ++i) {
            d.swap_scene(i % 2 ? a : b);
            std::this_thread::yield();
        }
    };
    // seal: the shared context per scene and units version
    std::atomic<long> sealed_asked{0};
    auto sealer = [&] {
        for (int i = 0; i < 2; ++i) {
            const Dispatch::View v = d.view();
            const auto ctx = d.seal_context(v);
            const auto again = d.seal_context(v);
            if (ctx.get() != again.get()) ++wrong; // one context per version
            const SealPlan plan = seal_incident(*ctx, plates[picks[0]].position);
            for (const auto &blk : plan.blocks)
                if (!blk.fixed && ctx->units()[blk.unit].id.empty()) ++wrong;
            ++sealed_asked;
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < 4; ++t)
        threads.emplace_back(reader, 100 + t);
    std::thread w(writer), rl(reloader), se(sealer);
    w.join();
    rl.join();
    se.join();
    stop = true;
    for (auto &t : threads)
        t.join();
    CHECK(asked.load() > 0);
    CHECK(sealed_asked.load() == 2);
    CHECK(wrong.load() == 0);
    CHECK(busy_offered.load() == 0);
    CHECK(located_wrong.load() == 0);
    // every last report survived the swaps
    const Dispatch::View v = d.view();
    for (const auto &[id, st] : last) {
        const auto it = std::find_if(v.units->units.begin(), v.units->units.end(),
                                     [&](const UnitState &u) { return u.unit.id == id; });
        REQUIRE(it != v.units->units.end());
        CHECK(it->status == st.first);
        CHECK(it->last_seen == st.second);
    }
    // and with no unit busy the answer is the scene's own (the context's units)
    for (const auto &u : v.units->units)
        d.report_unit(u.unit.id, u.lonlat, UnitStatus::available, 5000);
    Dispatch fresh(v.scene);
    const XY p = plates[picks[1]].position;
    IncidentOptions io;
    const IncidentResult plain =
        describe_incident(v.scene->incident(), p, io, v.scene->network(), v.scene->junctions());
    CHECK(ask(fresh.view(), p) == digest(plain, v.scene->incident(), v.scene->incident().units));
}
