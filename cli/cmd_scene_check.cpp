// lugeo scene check
#include "common.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/scene_check.hpp>

#include <iostream>

namespace lugeo::cli {

namespace {

struct SceneCheckCliOptions {
    SceneArgs scene;
    bool json = false;
};

std::string lonlat_box_text(const Box &b, const std::string &crs) {
    if (!b.valid() || crs.empty()) return "-";
    try {
        const Box l = lonlat_extent(b, crs);
        return fmt(l.minx, 4) + "," + fmt(l.miny, 4) + " .. " + fmt(l.maxx, 4) + "," +
               fmt(l.maxy, 4);
    } catch (const Error &) {
        return "-";
    }
}

nlohmann::json check_json(const SceneCheck &c) {
    nlohmann::json j;
    j["scene"] = c.scene_path;
    j["crs"] = c.crs;
    j["crs_note"] = c.crs_note;
    j["ok"] = c.ok();
    j["layers"] = nlohmann::json::array();
    for (const auto &l : c.layers) {
        nlohmann::json e{{"role", layer_role_name(l.role)}, {"declared", l.declared}};
        if (l.declared) {
            const LayerReport &r = l.report;
            e["usable"] = l.usable;
            e["source"] = r.source;
            e["layer"] = r.layer;
            e["source_crs"] = r.source_crs;
            e["in_source"] = r.in_source;
            e["read"] = r.read;
            e["kept"] = r.kept;
            if (r.extent.valid()) {
                e["extent"] = {r.extent.minx, r.extent.miny, r.extent.maxx, r.extent.maxy};
                try {
                    const Box b = lonlat_extent(r.extent, c.crs);
                    e["extent_lonlat"] = {b.minx, b.miny, b.maxx, b.maxy};
                } catch (const Error &) {
                }
            }
            e["fields_found"] = r.fields_found;
            e["fields_missing"] = r.fields_missing;
            e["duplicates"] = r.duplicates;
            e["synthetic"] = r.synthetic;
            e["notes"] = r.notes;
            if (!l.error.empty()) e["error"] = l.error;
        }
        j["layers"].push_back(e);
    }
    if (c.network) {
        const NetworkSummary &s = *c.network;
        j["network"] = {{"nodes", s.nodes},
                        {"edges", s.edges},
                        {"total_km", s.total_km},
                        {"car_km_largest_component", c.car_km_largest},
                        {"oneway_share_car", s.oneway_share}};
        const NetworkBuildReport &r = c.network_build;
        j["network"]["layout"] = {{"used", road_layout_name(r.layout_used)},
                                  {"detected", road_layout_name(r.layout.layout)},
                                  {"from_settings", r.layout_from_settings},
                                  {"reversed_copy_share", r.layout.twinned_share()}};
    }
    j["commands"] = nlohmann::json::array();
    for (const auto &cmd : c.commands)
        j["commands"].push_back(
            {{"command", cmd.command}, {"can_run", cmd.can_run}, {"why", cmd.why}});
    return j;
}

int run_scene_check(const SceneCheckCliOptions &o) {
    const Scene scene = resolve_scene(o.scene);
    SceneReadOptions ro;
    ro.lenient = o.scene.lenient;
    Progress bar("reading roads", !o.scene.quiet && !o.json);
    ro.progress = bar.fn();
    const SceneCheck c = check_scene(scene, ro);
    bar.done();
    if (o.json) {
        print_json(check_json(c));
        return c.ok() ? exit_ok : exit_findings;
    }
    std::cout << "Scene " << (c.scene_path.empty() ? "(from roads)" : c.scene_path) << "\n"
              << "  metric CRS  " << c.crs << "\n";
    if (!c.crs_note.empty()) std::cout << "  CRS note    " << c.crs_note << "\n";
    std::cout << "\nLayers\n";
    for (const auto &l : c.layers) {
        const char *name = layer_role_name(l.role);
        if (!l.declared) {
            std::cout << "  " << name << ": not declared\n";
            continue;
        }
        const LayerReport &r = l.report;
        std::cout << "  " << name << ": " << (l.usable ? "ok" : "UNUSABLE")
                  << (r.synthetic ? " (synthetic)" : "") << "  " << r.source << "\n";
        if (!l.error.empty()) std::cout << "      error: " << l.error << "\n";
        if (r.read || r.kept) {
            std::cout << "      read " << r.read;
            if (r.in_source) std::cout << " of " << r.in_source << " in the source";
            std::cout << ", kept " << r.kept;
            if (r.duplicates) std::cout << ", " << r.duplicates << " duplicate ids";
            std::cout << "\n      CRS " << (r.source_crs.empty() ? "-" : r.source_crs)
                      << ", extent " << lonlat_box_text(r.extent, c.crs) << "\n";
        }
        if (!r.fields_found.empty() || !r.fields_missing.empty()) {
            std::string f, m;
            for (const auto &s : r.fields_found)
                f += (f.empty() ? "" : ", ") + s;
            for (const auto &s : r.fields_missing)
                m += (m.empty() ? "" : ", ") + s;
            std::cout << "      fields " << (f.empty() ? "-" : f);
            if (!m.empty()) std::cout << "; missing " << m;
            std::cout << "\n";
        }
        for (const auto &n : r.notes)
            std::cout << "      note: " << n << "\n";
    }
    if (c.network) {
        const NetworkSummary &s = *c.network;
        std::cout << "\nRoad network: " << s.nodes << " nodes, " << s.edges << " edges, "
                  << fmt(s.total_km, 1) << " km (" << fmt(c.car_km_largest, 1)
                  << " km drivable in the largest car component), one-way share "
                  << fmt(100 * s.oneway_share, 1) << "%\n";
        const NetworkBuildReport &r = c.network_build;
        std::cout << "Road layout: " << road_layout_name(r.layout_used) << " ("
                  << (r.layout_from_settings ? "set by [network] directed" : "detected") << ", "
                  << fmt(100.0 * r.layout.twinned_share(), 1)
                  << "% of the road length has a reversed copy)\n";
        if (r.layout.layout == RoadLayout::mixed && !r.layout_from_settings)
            std::cout << "  note: the layout is neither clearly one feature per road nor one per "
                         "direction; say which with [network] directed = true | false\n";
    }
    std::cout << "\nCommands\n";
    for (const auto &cmd : c.commands) {
        char line[64];
        std::snprintf(line, sizeof line, "  %s %s", pad(cmd.command, 32).c_str(),
                      cmd.can_run ? "can run" : "cannot run");
        std::cout << line << "  — " << cmd.why << "\n";
    }
    if (!c.ok())
        std::cout << "\nSome layers are unusable: fix them (the errors above) and check again.\n";
    return c.ok() ? exit_ok : exit_findings;
}

} // namespace

void register_scene_check(CLI::App &scene) {
    auto co = std::make_shared<SceneCheckCliOptions>();
    auto *check = scene.add_subcommand("check", "Per layer what is read and kept, and which "
                                                "commands can run (exit 1: a layer is unusable)");
    add_scene_options(*check, co->scene, false);
    check->add_flag("--json", co->json, "Machine-readable output");
    set_examples(*check, "  lugeo scene check                          # the demo scene\n"
                         "  lugeo scene check --scene malta/scene.toml --json\n");
    check->callback([co, check] { run_command(check, [&] { return run_scene_check(*co); }); });
}

} // namespace lugeo::cli
