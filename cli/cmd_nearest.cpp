// lugeo nearest LON,LAT [-k N]
#include "plate_common.hpp"

#include <cmath>
#include <iostream>

namespace lugeo::cli {

namespace {

struct NearestCliOptions {
    SceneArgs scene;
    std::string point;
    std::size_t k = 5;
    bool json = false;
};

int run_nearest(const NearestCliOptions &o) {
    const LonLatArg at = parse_lonlat_arg(o.point, "position", false);
    const PlateWorld w = load_plate_world(o.scene, false);
    const XY p = w.frame.to_metric(at.lonlat);
    const auto near = w.registry.nearest(p, o.k);
    if (o.json) {
        nlohmann::json j;
        j["lon"] = at.lonlat.lon;
        j["lat"] = at.lonlat.lat;
        j["plates"] = nlohmann::json::array();
        for (const auto &n : near) {
            nlohmann::json pj = plate_json(w.registry.plates()[n.plate], w.data.crs);
            pj["distance_m"] = std::round(n.distance_m * 10) / 10;
            pj["bearing_deg"] = std::round(n.bearing_deg * 10) / 10;
            pj["compass"] = compass(n.bearing_deg);
            j["plates"].push_back(std::move(pj));
        }
        print_json(j);
        return exit_ok;
    }
    std::cout << "Plates nearest to " << fmt(at.lonlat.lon, 6) << ", " << fmt(at.lonlat.lat, 6)
              << "\n";
    for (const auto &n : near) {
        const Plate &pl = w.registry.plates()[n.plate];
        char line[256];
        std::snprintf(line, sizeof line, "  %-12s %6.0f m  %3.0f° %-3s  %-5s %s%s\n", pl.id.c_str(),
                      n.distance_m, n.bearing_deg, compass(n.bearing_deg), pl.kind.c_str(),
                      pl.road.c_str(),
                      pl.status == PlateStatus::ok
                          ? ""
                          : (std::string("  [") + plate_status_name(pl.status) + "]").c_str());
        std::cout << line;
    }
    if (near.empty()) std::cout << "  (the registry is empty)\n";
    return exit_ok;
}

} // namespace

void register_nearest(CLI::App &app) {
    auto o = std::make_shared<NearestCliOptions>();
    auto *cmd =
        app.add_subcommand("nearest", "The k plates nearest to a point, with distance and bearing");
    add_scene_options(*cmd, o->scene, false);
    cmd->add_option("position", o->point, "LON,LAT (WGS84 degrees)")
        ->required()
        ->option_text("LON,LAT");
    cmd->add_option("-k", o->k, "How many plates (5)")->check(count_in(1, 1000));
    cmd->add_flag("--json", o->json, "Machine-readable output");
    set_examples(
        *cmd,
        "  lugeo nearest 104.0665,30.6598            # read these back to the caller to confirm\n"
        "  lugeo nearest 104.0665,30.6598 -k 10 --json\n");
    cmd->callback([o, cmd] { run_command(cmd, [&] { return run_nearest(*o); }); });
}

} // namespace lugeo::cli
