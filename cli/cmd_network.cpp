// lugeo network info | export
#include "common.hpp"
#include "output.hpp"

#include <lugeo/io.hpp>

#include <cmath>
#include <iostream>

namespace lugeo::cli {

namespace {

struct NetworkInfoOptions {
    SceneArgs scene;
    bool json = false;
};

struct NetworkExportOptions {
    SceneArgs scene;
    OutputArgs output;
    bool nodes = false;
};

nlohmann::json summary_json(const Network &net, const Scene &scene) {
    const NetworkSummary s = summarize(net);
    nlohmann::json j;
    j["source"] = scene.layer(LayerRole::roads).describe();
    j["crs"] = net.crs();
    j["nodes"] = s.nodes;
    j["edges"] = s.edges;
    j["total_km"] = s.total_km;
    j["by_class_km"] = s.km_by_class;
    for (Profile p : all_profiles) {
        const std::size_t pi = static_cast<std::size_t>(p);
        j["profiles"][profile_name(p)] = {{"km", s.km_by_profile[pi]},
                                          {"components", s.components[pi]},
                                          {"largest_component_share", s.largest_share[pi]}};
    }
    j["oneway_share_car"] = s.oneway_share;
    const auto &r = net.report();
    j["layout"] = {{"used", road_layout_name(r.layout_used)},
                   {"detected", road_layout_name(r.layout.layout)},
                   {"from_settings", r.layout_from_settings},
                   {"reversed_copy_share", r.layout.twinned_share()},
                   {"features_with_reversed_copy", r.layout.features_twinned}};
    j["read"] = {{"features_read", r.features_read},
                 {"features_used", r.features_used},
                 {"features_without_class", r.features_no_class},
                 {"features_area", r.features_area},
                 {"features_degenerate", r.features_degenerate},
                 {"dropped_classes", r.dropped_classes},
                 {"duplicate_edges_merged", r.duplicate_edges_merged},
                 {"ways_missing_nodes", r.ways_missing_nodes},
                 {"warnings", r.warnings}};
    j["timings_s"] = {{"read", r.read_seconds}, {"build", r.build_seconds}};
    return j;
}

int run_network_info(const NetworkInfoOptions &o) {
    const Scene scene = resolve_scene(o.scene);
    SceneData data = read_data(scene, o.scene, {LayerRole::roads});
    const LayerReport layer = data.reports.front(); // the roads, as read (after `where`)
    const Network net = load_network(data, o.scene);
    if (o.json) {
        nlohmann::json j = summary_json(net, scene);
        j["layer"] = layer_report_json(layer, scene);
        print_json(j);
        return exit_ok;
    }
    const NetworkSummary s = summarize(net);
    const auto &r = net.report();
    std::cout << "Road network  " << scene.layer(LayerRole::roads).describe() << "\n"
              << "  metric CRS  " << net.crs() << "\n"
              << "  nodes       " << s.nodes << "\n"
              << "  edges       " << s.edges << "\n"
              << "  length      " << fmt(s.total_km, 1) << " km\n"
              << "\nBy road class (km)\n";
    std::vector<std::pair<std::string, double>> classes(s.km_by_class.begin(), s.km_by_class.end());
    std::stable_sort(classes.begin(), classes.end(),
                     [](auto &a, auto &b) { return a.second > b.second; });
    for (const auto &[c, km] : classes) {
        char line[128];
        std::snprintf(line, sizeof line, "  %s %9.1f\n", pad(c, 16).c_str(), km);
        std::cout << line;
    }
    std::cout << "\nBy profile    usable km  components  in largest\n";
    for (Profile p : all_profiles) {
        const std::size_t pi = static_cast<std::size_t>(p);
        char line[128];
        std::snprintf(line, sizeof line, "  %s %10.1f  %10zu  %9.1f%%\n",
                      pad(profile_name(p), 10).c_str(), s.km_by_profile[pi], s.components[pi],
                      100.0 * s.largest_share[pi]);
        std::cout << line;
    }
    std::cout << "\nOne-way share (car-usable length): " << fmt(100.0 * s.oneway_share, 1) << "%\n";
    std::cout << "Layout: " << road_layout_name(r.layout_used)
              << (r.layout_used == RoadLayout::directed
                      ? " (one feature per direction of travel: single features are one-way)"
                      : " (one feature per road: two-way unless tagged one-way)")
              << "; " << (r.layout_from_settings ? "set by [network] directed" : "detected") << ", "
              << fmt(100.0 * r.layout.twinned_share(), 1) << "% of the length has a reversed copy";
    if (r.layout_from_settings)
        std::cout << " (detection: " << road_layout_name(r.layout.layout) << ")";
    std::cout << "\n";
    std::cout << "\nRead " << r.features_read << " features, used " << r.features_used << " ("
              << r.features_no_class << " without a road class";
    std::size_t dropped = 0;
    for (const auto &[c, n] : r.dropped_classes)
        dropped += n;
    if (dropped) {
        std::cout << ", " << dropped << " of classes no profile uses:";
        int shown = 0;
        for (const auto &[c, n] : r.dropped_classes)
            if (shown++ < 6) std::cout << " " << c << "=" << n;
        if (r.dropped_classes.size() > 6) std::cout << " …";
    }
    if (r.features_area)
        std::cout << ", " << r.features_area << " area highways routed along their outline";
    if (r.duplicate_edges_merged)
        std::cout << ", " << r.duplicate_edges_merged << " duplicate segments merged";
    std::cout << ")\n";
    for (const auto &w : r.warnings)
        std::cout << "Note: " << w << "\n";
    std::cout << "Time: read " << fmt(r.read_seconds, 3) << " s, build " << fmt(r.build_seconds, 3)
              << " s\n";
    return exit_ok;
}

const char *oneway_text(std::int8_t d) {
    switch (d) {
    case 1:
        return "forward";
    case -1:
        return "backward";
    case 2:
        return "closed";
    default:
        return "no";
    }
}

int run_network_export(const NetworkExportOptions &o) {
    const Scene scene = resolve_scene(o.scene);
    check_not_input(scene, o.output.path);
    SceneData data = read_data(scene, o.scene, {LayerRole::roads});
    const Network net = load_network(data, o.scene);
    VectorWriter w = open_output(o.output);
    LayerDef def;
    def.name = "edges";
    def.geometry_type = Geometry::Type::line;
    def.crs = net.crs();
    def.description = "lugeo routable edges; roads (c) OpenStreetMap contributors where from OSM";
    def.fields = {{"edge_id", FieldType::integer}, {"from_node", FieldType::integer},
                  {"to_node", FieldType::integer}, {"class", FieldType::string},
                  {"name", FieldType::string},     {"oneway", FieldType::string},
                  {"length_m", FieldType::real},   {"maxspeed_kmh", FieldType::real}};
    for (Profile p : all_profiles) {
        def.fields.push_back({std::string(profile_name(p)) + "_fwd_s", FieldType::real});
        def.fields.push_back({std::string(profile_name(p)) + "_bwd_s", FieldType::real});
    }
    for (Profile p : all_profiles)
        def.fields.push_back({std::string("component_") + profile_name(p), FieldType::integer});
    def.fields.push_back({"source_fid", FieldType::integer});
    const std::size_t L = w.add_layer(def);
    Progress bar("writing edges", !o.scene.quiet);
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        const auto &ed = net.edge(e);
        const auto geom = net.edge_geometry(e);
        const Geometry g = Geometry::of_line(LineString(geom.begin(), geom.end()));
        std::vector<FieldValue> v = {std::int64_t(e),
                                     std::int64_t(ed.from),
                                     std::int64_t(ed.to),
                                     net.class_of(e),
                                     net.name_of(e),
                                     std::string(oneway_text(ed.oneway)),
                                     std::round(ed.length_m * 100.0) / 100.0,
                                     ed.maxspeed_kmh > 0 ? FieldValue(double(ed.maxspeed_kmh))
                                                         : FieldValue()};
        for (Profile p : all_profiles)
            for (bool along : {true, false}) {
                const double t = net.travel_time(p, e, along);
                v.push_back(std::isfinite(t) ? FieldValue(std::round(t * 100.0) / 100.0)
                                             : FieldValue());
            }
        for (Profile p : all_profiles) {
            const auto c = net.edge_component(p, e);
            v.push_back(c == Network::npos ? FieldValue() : FieldValue(std::int64_t(c)));
        }
        v.push_back(std::int64_t(ed.source_fid));
        w.add_feature(L, g, v);
        if (e % 2048 == 0) bar(double(e) / double(net.edge_count()), "");
    }
    if (o.nodes) {
        LayerDef nd;
        nd.name = "nodes";
        nd.geometry_type = Geometry::Type::point;
        nd.crs = net.crs();
        nd.fields = {{"node_id", FieldType::integer}, {"component_car", FieldType::integer}};
        const std::size_t N = w.add_layer(nd);
        for (std::uint32_t n = 0; n < net.node_count(); ++n) {
            const Geometry g = Geometry::of_point(net.node(n));
            const auto c = net.node_components(Profile::car)[n];
            w.add_feature(
                N, g,
                {std::int64_t(n), c == Network::npos ? FieldValue() : FieldValue(std::int64_t(c))});
        }
    }
    w.commit();
    bar.done();
    if (!o.scene.quiet) std::cerr << net.edge_count() << " edges\n";
    report_written(w, o.scene.quiet);
    return exit_ok;
}

} // namespace

void register_network(CLI::App &app) {
    auto *net = app.add_subcommand("network", "The routable road network: figures and export");
    net->require_subcommand(1);
    set_examples(*net, "  lugeo network info\n  lugeo network export -o edges.gpkg\n");

    auto info_opts = std::make_shared<NetworkInfoOptions>();
    auto *info = net->add_subcommand(
        "info", "Nodes, edges, km by class and profile, components, one-way share");
    add_scene_options(*info, info_opts->scene, true);
    info->add_flag("--json", info_opts->json, "Machine-readable output");
    set_examples(*info, "  lugeo network info                                # the demo scene\n"
                        "  lugeo network info --scene city/scene.toml --json\n"
                        "  lugeo network info --roads malta-2016-11-09.osm.pbf\n"
                        "  lugeo network info --roads roads.shp --roads-crs EPSG:4326\n");
    info->callback(
        [info_opts, info] { run_command(info, [&] { return run_network_info(*info_opts); }); });

    auto exp_opts = std::make_shared<NetworkExportOptions>();
    auto *exp = net->add_subcommand(
        "export", "Write the routable edges (length, class, one-way, times, component)");
    add_scene_options(*exp, exp_opts->scene, true);
    add_output_options(*exp, exp_opts->output, "Write the edges", "edges, nodes")->required();
    exp->add_flag("--nodes", exp_opts->nodes, "Also write a 'nodes' layer");
    set_examples(*exp, "  lugeo network export -o edges.gpkg                 # open it in QGIS\n"
                       "  lugeo network export --roads malta.osm.pbf -o malta.gpkg --nodes\n");
    exp->callback(
        [exp_opts, exp] { run_command(exp, [&] { return run_network_export(*exp_opts); }); });
}

} // namespace lugeo::cli
