// lugeo scene init | check
#include "common.hpp"

#include <lugeo/scene_init.hpp>

#include <filesystem>
#include <iostream>

namespace lugeo::cli {

namespace {

struct SceneInitCliOptions {
    std::vector<std::string> sources;
    std::string dir;
    bool overwrite = false;
    int kiosks = 0;
    bool quiet = false;
    bool json = false;
};

nlohmann::json init_json(const SceneInitResult &r) {
    nlohmann::json j;
    j["scene"] = r.scene_path;
    j["geopackage"] = r.gpkg_path;
    j["crs"] = r.crs;
    j["crs_reason"] = r.crs_reason;
    j["boundary_from"] = r.boundary_from;
    j["units_from"] = r.units_from;
    j["units"] = r.units;
    j["road_km"] = std::round(r.road_km * 10) / 10;
    j["car_km"] = std::round(r.car_km * 10) / 10;
    if (r.worst_response_s > 0) j["worst_response_s"] = std::round(r.worst_response_s);
    j["layers"] = nlohmann::json::array();
    for (const auto &l : r.layers)
        j["layers"].push_back({{"role", l.role},
                               {"features", l.features},
                               {"source", l.source},
                               {"declared", l.declared},
                               {"synthetic", l.synthetic},
                               {"note", l.note}});
    j["notes"] = r.notes;
    j["timings_s"] = {{"total", r.seconds}};
    return j;
}

int run_scene_init(const SceneInitCliOptions &o) {
    const std::string toml = (std::filesystem::path(o.dir) / "scene.toml").string();
    if (std::filesystem::exists(toml) && !o.overwrite) {
        std::cerr << "lugeo: error: '" << toml
                  << "' exists: not overwritten (pass --overwrite to replace it)\n";
        return exit_usage;
    }
    SceneInitOptions so;
    so.sources = o.sources;
    so.dir = o.dir;
    so.overwrite = o.overwrite;
    so.kiosks = o.kiosks;
    Progress bar("reading OSM", !o.quiet);
    so.progress = bar.fn();
    if (!o.quiet)
        so.log = [&bar](const std::string &s) {
            bar.done();
            std::cerr << "lugeo: " << s << "\n";
        };
    const SceneInitResult r = init_scene(so);
    bar.done();
    if (o.json) {
        print_json(init_json(r));
        return exit_ok;
    }
    std::cout << "Scene written: " << r.scene_path << " (layers in " << r.gpkg_path << ")\n"
              << "  metric CRS  " << r.crs << ": " << r.crs_reason << "\n"
              << "  roads       " << fmt(r.road_km, 1) << " km, " << fmt(r.car_km, 1)
              << " km drivable (the largest car component)\n"
              << "  boundary    " << r.boundary_from << "\n"
              << "  units       " << r.units << ": " << r.units_from << "\n\n"
              << "Layers\n";
    for (const auto &l : r.layers) {
        char line[96];
        std::snprintf(line, sizeof line, "  %s %8zu  %s", pad(l.role, 10).c_str(), l.features,
                      l.declared ? (l.synthetic ? "declared, SYNTHETIC" : "declared")
                                 : (l.features ? "written, commented out" : "none"));
        std::cout << line << (l.note.empty() ? "" : "  — " + l.note) << "\n";
    }
    for (const auto &n : r.notes)
        std::cout << "Note: " << n << "\n";
    std::cout << "\nNext: lugeo scene check --scene " << r.scene_path << "\n"
              << "Time: " << fmt(r.seconds, 2) << " s\n";
    return exit_ok;
}

} // namespace

void register_scene(CLI::App &app) {
    auto *scene = app.add_subcommand("scene", "Make a scene for a new city, and check one");
    scene->require_subcommand(1);
    set_examples(*scene, "  lugeo scene init malta.osm.pbf -o malta\n"
                         "  lugeo scene check --scene malta/scene.toml\n");

    auto io = std::make_shared<SceneInitCliOptions>();
    auto *init = scene->add_subcommand(
        "init", "Write a scene (scene.toml + layers.gpkg) from an OSM extract or a road layer");
    init->add_option("SOURCE", io->sources,
                     "An OSM extract (.osm, .osm.pbf, .osm.gz, .osm.bz2) and/or a road layer "
                     "(FILE[:LAYER]; then it gives the roads)")
        ->required()
        ->check(CLI::Validator(
            [](std::string &arg) -> std::string {
                const LayerSpec spec = layer_spec_from_arg(arg, "roads");
                if (is_virtual_source(spec.source) || std::filesystem::exists(spec.source))
                    return {};
                return "File does not exist: " + spec.source;
            },
            "FILE[:LAYER]"));
    init->add_option("-o,--output", io->dir, "Folder for scene.toml and layers.gpkg (created)")
        ->required()
        ->option_text("DIR");
    init->add_flag("--overwrite", io->overwrite, "Replace an existing DIR/scene.toml");
    init->add_option("--kiosks", io->kiosks,
                     "Placeholder kiosks when the extract tags no police (default: by size, 3-12)")
        ->check(CLI::Range(1, 200))
        ->option_text("N");
    init->add_flag("-q,--quiet", io->quiet, "No progress on stderr");
    init->add_flag("--json", io->json, "Machine-readable summary");
    set_examples(*init,
                 "  lugeo scene init malta-2016-11-09.osm.pbf -o malta\n"
                 "  lugeo scene init city.osm.bz2 -o city --kiosks 8 --json\n"
                 "  lugeo scene init city.osm.pbf survey/roads.shp -o city   # survey roads\n");
    init->callback([io, init] { run_command(init, [&] { return run_scene_init(*io); }); });

    register_scene_check(*scene);
}

} // namespace lugeo::cli
