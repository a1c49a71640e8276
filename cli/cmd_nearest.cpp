// lugeo nearest LON,LAT [-k N]
#include "plate_common.hpp"
#include "positions.hpp"
#include "present.hpp"

#include <cmath>
#include <iostream>

namespace lugeo::cli {

namespace {

struct NearestCliOptions {
    SceneArgs scene;
    std::string point;
    PositionArgs pos;
    std::size_t k = 5;
    bool json = false;
};

int run_nearest(const NearestCliOptions &o) {
    const ParsedPosition at = parse_position_arg(o.point, o.pos, "position", false);
    // no plate layer: the nearest junction instead (a scene without plates is served)
    const Scene probe = resolve_scene(o.scene);
    const bool plates = probe.has_layer(LayerRole::poles) || probe.has_layer(LayerRole::lamps);
    const PlateWorld w = load_plate_world(o.scene, !plates, {}, false);
    require_in_scene(at, scene_lonlat_extent(w.scene, w.data), o.pos, "position");
    const XY p = w.frame.to_metric(at.wgs84);
    const auto near = w.registry.nearest(p, o.k);
    std::optional<Junction> junction;
    if (w.junctions) junction = w.junctions->nearest(p);
    if (o.json) {
        print_json(
            nearest_json(at, near, w.registry, w.data.crs, w.has_plates, junction, w.frame, o.pos));
        return exit_ok;
    }
    const LonLat shown = output_position(at.wgs84, o.pos);
    std::cout << "Plates nearest to " << fmt(shown.lon, 6) << ", " << fmt(shown.lat, 6)
              << (o.pos.output_crs.empty() ? "" : " (" + o.pos.output_crs + ")") << "\n";
    for (const auto &n : near) {
        const Plate &pl = w.registry.plates()[n.plate];
        char line[256];
        std::snprintf(line, sizeof line, "  %s %6.0f m  %3.0f° %s  %s %s%s\n",
                      pad(pl.id, 12).c_str(), n.distance_m, n.bearing_deg,
                      pad(compass(n.bearing_deg), 3).c_str(), pad(pl.kind, 5).c_str(),
                      pl.road.c_str(),
                      pl.status == PlateStatus::ok
                          ? ""
                          : (std::string("  [") + plate_status_name(pl.status) + "]").c_str());
        std::cout << line;
    }
    if (near.empty() && w.has_plates) std::cout << "  (the registry is empty)\n";
    if (!w.has_plates) {
        std::cout << "  (the scene has no plate layer)\n";
        if (junction)
            std::cout << "Nearest junction: " << cross_streets(*junction, "") << ", "
                      << fmt(junction->distance_m, 0) << " m " << compass(junction->bearing_deg)
                      << "\n";
    }
    return exit_ok;
}

} // namespace

void register_nearest(CLI::App &app) {
    auto o = std::make_shared<NearestCliOptions>();
    auto *cmd =
        app.add_subcommand("nearest", "The k plates nearest to a point, with distance and bearing");
    add_scene_options(*cmd, o->scene, false);
    add_strict_option(*cmd, o->scene);
    cmd->add_option("position", o->point,
                    "LON,LAT in degrees (WGS84 unless --near-crs says otherwise), or a geo: URI")
        ->required()
        ->option_text("LON,LAT");
    add_position_options(*cmd, o->pos);
    cmd->add_option("-k", o->k, "How many plates (5)")->check(count_in(1, 1000));
    cmd->add_flag("--json", o->json, "Machine-readable output");
    set_examples(
        *cmd,
        "  lugeo nearest 104.0665,30.6598            # read these back to the caller to confirm\n"
        "  lugeo nearest 104.0665,30.6598 -k 10 --json\n"
        "  lugeo nearest 104.0690,30.6540 --near-crs gcj02   # pasted from Amap or WeChat\n"
        "  lugeo nearest 'geo:30.6598,104.0665;u=30'          # a geo: link (latitude first)\n");
    cmd->callback([o, cmd] { run_command(cmd, [&] { return run_nearest(*o); }); });
}

} // namespace lugeo::cli
