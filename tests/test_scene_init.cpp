// scene init: placeholder kiosks by farthest-first k-center, the scene it writes loads and reads
// back what it says, an existing scene is not overwritten; scene check on it.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/scene.hpp>
#include <lugeo/scene_check.hpp>
#include <lugeo/scene_init.hpp>

#include "scene_init/kcenter.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

using namespace lugeo;
namespace fs = std::filesystem;

namespace {

const std::string fixtures = LUGEO_TEST_FIXTURES;
const std::string lauf = fixtures + "/osm/lauf-an-der-pegnitz-2020-01-15.osm.pbf";
const std::string taipei = fixtures + "/osm/tw-taipei-zhongshan-2024-03.osm";

const Network &lauf_network() {
    static const Network net = [] {
        LayerSpec spec;
        spec.role = "roads";
        spec.source = lauf;
        LayerReadContext ctx;
        ctx.metric_crs = "EPSG:32632";
        return build_network(read_roads(spec, ctx), NetworkOptions{});
    }();
    return net;
}

/// Longest car time from the nearest site to a node of the largest car component, searched
/// here on its own.
double worst_time(const Network &net, const std::vector<Network::Snap> &sites) {
    std::vector<RoutingSource> src;
    for (const auto &s : sites)
        src.push_back({s, 0.0});
    const Reach r = shortest_times(net, src, {});
    const auto comp = net.largest_component(Profile::car);
    double worst = 0;
    for (std::uint32_t n = 0; n < net.node_count(); ++n)
        if (net.node_components(Profile::car)[n] == comp && std::isfinite(r.time(n)))
            worst = std::max(worst, r.time(n));
    return worst;
}

fs::path fresh_dir(const std::string &name) {
    const fs::path d = fs::path(LUGEO_TEST_TMP) / name;
    fs::remove_all(d);
    return d;
}

} // namespace

TEST_CASE("k-center: k car-usable sites, the worst time it reports, farthest-first never worse "
          "with more") {
    const Network &net = lauf_network();
    const auto comp = net.largest_component(Profile::car);
    double previous = INFINITY;
    for (int k = 1; k <= 6; ++k) {
        const detail::KCenter kc = detail::place_kiosks(net, k);
        REQUIRE(kc.sites.size() == static_cast<std::size_t>(k));
        for (const auto &s : kc.sites) {
            CHECK(net.is_usable(Profile::car, s.edge));
            CHECK(net.edge_component(Profile::car, s.edge) == comp);
        }
        // the figure it reports is that of an independent search from its sites
        CHECK(kc.worst_s == doctest::Approx(worst_time(net, kc.sites)).epsilon(1e-9));
        // refinement is kept only when it helps; the farthest-first pass only adds sites
        CHECK(kc.worst_s <= kc.first_pass_worst_s + 1e-9);
        CHECK(kc.first_pass_worst_s <= previous + 1e-9);
        previous = kc.first_pass_worst_s;
    }
}

TEST_CASE("init_scene without police: placeholder kiosks, synthetic, and the scene reads back") {
    const fs::path dir = fresh_dir("scene_init_taipei");
    SceneInitOptions o;
    o.sources = {taipei};
    o.dir = dir.string();
    o.kiosks = 2;
    const SceneInitResult r = init_scene(o);
    CHECK(fs::exists(dir / "scene.toml"));
    CHECK(r.units == 2);
    CHECK(r.crs == "EPSG:3826"); // Taipei: TWD97 / TM2 zone 121
    const Scene scene = load_scene(r.scene_path);
    CHECK(scene.crs == r.crs);
    REQUIRE(scene.has_layer(LayerRole::units));
    CHECK(scene.layer(LayerRole::units).synthetic);
    const SceneData data = read_scene_data(scene);
    CHECK(data.units.size() == 2);
    for (const auto &u : data.units)
        CHECK(u.kind == "kiosk");
    // every layer init declared is read back with the count it wrote
    for (const auto &l : r.layers) {
        if (!l.declared || l.role == "roads") continue;
        const auto role = layer_role_from_name(l.role);
        REQUIRE(role);
        const LayerReport *rep = data.report(*role);
        REQUIRE(rep);
        CHECK(rep->kept == l.features);
    }
    // a second init refuses to overwrite, and leaves the file as it was
    std::ifstream in(r.scene_path);
    const std::string before((std::istreambuf_iterator<char>(in)), {});
    CHECK_THROWS_AS(init_scene(o), Error);
    std::ifstream in2(r.scene_path);
    const std::string after((std::istreambuf_iterator<char>(in2)), {});
    CHECK(before == after);
    o.overwrite = true;
    CHECK_NOTHROW(init_scene(o));
}

TEST_CASE("scene check on an init'd scene: every layer usable, commands without plates say why") {
    const fs::path dir = fresh_dir("scene_init_lauf");
    SceneInitOptions o;
    o.sources = {lauf};
    o.dir = dir.string();
    const SceneInitResult r = init_scene(o);
    const SceneCheck c = check_scene(load_scene(r.scene_path));
    CHECK(c.ok());
    CHECK(c.crs == r.crs);
    REQUIRE(c.network);
    CHECK(c.network->total_km == doctest::Approx(r.road_km).epsilon(1e-6));
    for (const auto &cmd : c.commands) {
        if (cmd.command == "incident PLATE_ID" || cmd.command.rfind("locate", 0) == 0)
            CHECK_FALSE(cmd.can_run);
        else if (cmd.command == "seal LON,LAT" &&
                 r.boundary_from.find("hull") != std::string::npos) {
            // the roads' hull holds every junction: no way out to seal off, and it says so
            CHECK_FALSE(cmd.can_run);
            CHECK(cmd.why.find("inside the study boundary") != std::string::npos);
        } else
            CHECK(cmd.can_run);
        CHECK(!cmd.why.empty());
    }
    // a declared layer that cannot be read makes the check fail and names it
    Scene broken = load_scene(r.scene_path);
    broken.layers[LayerRole::key_sites].layer = "no_such_layer";
    const SceneCheck b = check_scene(broken);
    CHECK_FALSE(b.ok());
    CHECK_FALSE(b.layer(LayerRole::key_sites).usable);
    CHECK(b.layer(LayerRole::key_sites).error.find("no_such_layer") != std::string::npos);
    CHECK(b.layer(LayerRole::buildings).usable);
}
