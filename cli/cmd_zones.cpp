// lugeo zones: patrol zones from the kiosks (network Voronoi, balancing, existing plans)
#include "common.hpp"
#include "output.hpp"
#include "present_plans.hpp"

#include <lugeo/limits.hpp>

#include <lugeo/error.hpp>
#include <lugeo/io.hpp>
#include <lugeo/zones.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace lugeo::cli {

namespace {

/// --existing given without a file: the scene's zones layer.
constexpr const char *existing_from_scene = "@scene";

struct ZonesOptions {
    SceneArgs scene;
    std::string kiosks;
    std::string balance = "none";
    double tolerance_pct = 10.0;
    int max_iterations = 100;
    double spacing_m = 25.0;
    double cell_m = 5.0;
    std::string method = "raster";
    std::string existing;
    OutputArgs output;
    bool json = false;
    bool no_polygons = false; ///< allocation only: no land shared out, no grid
};

double r2(double v) {
    return std::isfinite(v) ? std::round(v * 100.0) / 100.0 : v;
}

nlohmann::json num(double v) {
    return std::isfinite(v) ? nlohmann::json(r2(v)) : nlohmann::json(nullptr);
}

nlohmann::json plan_json(const ZonePlan &plan, const ZoneSummary &summary, const ZonesOptions &o) {
    nlohmann::json j = zone_summary_json(summary);
    j["mode"] = o.existing.empty() ? "voronoi" : "existing";
    j["balance"] = zone_balance_name(plan.measure);
    j["tolerance_pct"] = o.tolerance_pct;
    j["sites"] = plan.sites;
    j["cell_m"] = r2(plan.cell_m);
    j["timings_s"] = {{"allocation", plan.seconds_allocation}, {"polygons", plan.seconds_polygons}};
    if (plan.measure != ZoneBalance::none && o.existing.empty()) {
        const auto &b = plan.balance;
        j["balancing"] = {{"iterations", b.iterations},
                          {"converged", b.converged},
                          {"initial_imbalance", num(b.initial_imbalance)},
                          {"final_imbalance", num(b.final_imbalance)},
                          {"initial_max_deviation_pct", r2(100 * b.initial_max_deviation)},
                          {"final_max_deviation_pct", r2(100 * b.final_max_deviation)},
                          {"mean_time_before_s", r2(b.mean_time_before_s)},
                          {"mean_time_after_s", r2(b.mean_time_after_s)},
                          {"p95_time_before_s", r2(b.p95_time_before_s)},
                          {"p95_time_after_s", r2(b.p95_time_after_s)}};
    }
    if (!o.existing.empty()) {
        j["existing"] = {{"misassigned_km", r2(plan.misassigned_length_m / 1000.0)},
                         {"worst_extra_s", num(plan.worst_extra_s)},
                         {"outside_km", r2(plan.outside_length_m / 1000.0)},
                         {"gap_area_m2", r2(plan.gap_area_m2)},
                         {"overlap_area_m2", r2(plan.overlap_area_m2)}};
    }
    return j;
}

void print_text(const ZonePlan &plan, const ZoneSummary &s, const ZonesOptions &o) {
    std::printf("Patrol zones: %zu kiosks, %s%s\n", s.rows.size(),
                o.existing.empty() ? "network Voronoi by car time" : "existing plan ",
                o.existing.empty()                  ? ""
                : o.existing == existing_from_scene ? "(the scene's zones layer)"
                                                    : o.existing.c_str());
    std::size_t w = 10; // the widest kiosk ID (OSM ids: "osm:n1712696861"), by display width
    for (const auto &z : s.rows)
        w = std::max(w, display_width(z.kiosk_id));
    std::printf("%s %8s %8s %8s %5s %5s %5s %5s %6s %5s %6s %7s %7s %7s %5s\n",
                pad("kiosk", w).c_str(), "weight_s", "area_km2", "road_km", "red", "orng", "blue",
                "grn", "inc_wl", "sites", "cams", "mean_s", "p95_s", "worst_s", "parts");
    for (const auto &z : s.rows) {
        char area[32] = "       -"; // allocation only: no land shared out
        if (std::isfinite(z.area_km2)) std::snprintf(area, sizeof area, "%8.2f", z.area_km2);
        std::printf(
            "%s %8.1f %8s %8.2f %5zu %5zu %5zu %5zu %6.0f %5zu %6zu %7.0f %7.0f %7.0f %5zu\n",
            pad(z.kiosk_id, w).c_str(), half_up(z.weight_s, 1), area, z.road_km, z.incidents[0],
            z.incidents[1], z.incidents[2], z.incidents[3], half_up(z.incident_workload, 0),
            z.key_sites, z.cameras, half_up(z.mean_time_s, 0), half_up(z.p95_time_s, 0),
            half_up(z.worst_time_s, 0), z.network_parts);
    }
    if (o.no_polygons)
        std::printf("\nAllocation only (--no-polygons): no land shared out, so no areas; "
                    "incidents, key sites and cameras counted by their nearest reached road\n");
    std::printf("\nImbalance (largest / smallest %s): %.2f\n",
                plan.measure == ZoneBalance::none ? "road length" : zone_balance_name(plan.measure),
                s.imbalance);
    std::printf(
        "Response time over road length: mean %.0f s, 95th percentile %.0f s, worst %.0f s\n",
        half_up(s.mean_time_s, 0), half_up(s.p95_time_s, 0), half_up(s.worst_time_s, 0));
    std::printf("Drivable %.1f km, not reached from any kiosk %.1f km\n", half_up(s.drivable_km, 1),
                half_up(s.unreached_km, 1));
    if (s.outside_boundary_km > 0)
        std::printf("Reached road outside the boundary: %.1f km (not in the zones' road and "
                    "time figures)\n",
                    half_up(s.outside_boundary_km, 1));
    if (plan.measure != ZoneBalance::none && o.existing.empty()) {
        const auto &b = plan.balance;
        std::printf("Balancing by %s: %s after %d iterations; imbalance %.3f -> %.3f, largest "
                    "deviation from the "
                    "mean %.1f%% -> %.1f%% (tolerance %.1f%%)\n",
                    zone_balance_name(plan.measure), b.converged ? "converged" : "NOT converged",
                    b.iterations, b.initial_imbalance, b.final_imbalance,
                    100 * b.initial_max_deviation, 100 * b.final_max_deviation, o.tolerance_pct);
        std::printf(
            "Cost in response time: mean %.0f s -> %.0f s, 95th percentile %.0f s -> %.0f s\n",
            b.mean_time_before_s, b.mean_time_after_s, b.p95_time_before_s, b.p95_time_after_s);
    }
    if (!o.existing.empty()) {
        std::printf("Road whose own kiosk is not the fastest: %.2f km, worst extra time %.0f s\n",
                    plan.misassigned_length_m / 1000.0, plan.worst_extra_s);
        std::printf("Road in no zone: %.2f km; boundary area in no zone %.0f m², in two or more "
                    "zones %.0f m²\n",
                    plan.outside_length_m / 1000.0, plan.gap_area_m2, plan.overlap_area_m2);
    }
}

void write_gpkg(const ZonePlan &plan, const ZoneSummary &s, const Network &net,
                const OutputArgs &out, bool polygons, bool quiet) {
    VectorWriter w = open_output(out);
    LayerDef zd;
    zd.name = "zones";
    zd.geometry_type = Geometry::Type::polygon;
    zd.crs = net.crs();
    zd.description = "lugeo patrol zones";
    zd.fields = {{"zone", FieldType::integer},
                 {"kiosk", FieldType::string},
                 {"name", FieldType::string},
                 {"weight_s", FieldType::real},
                 {"area_km2", FieldType::real},
                 {"road_km", FieldType::real},
                 {"incidents_red", FieldType::integer},
                 {"incidents_orange", FieldType::integer},
                 {"incidents_blue", FieldType::integer},
                 {"incidents_green", FieldType::integer},
                 {"incident_workload", FieldType::real},
                 {"key_sites", FieldType::integer},
                 {"cameras", FieldType::integer},
                 {"mean_time_s", FieldType::real},
                 {"p95_time_s", FieldType::real},
                 {"worst_time_s", FieldType::real},
                 {"network_parts", FieldType::integer},
                 {"workload", FieldType::real}};
    const std::size_t lz = polygons ? w.add_layer(zd) : 0;
    for (std::size_t i = 0; i < s.rows.size() && polygons; ++i) {
        const auto &z = s.rows[i];
        w.add_feature(lz, Geometry::of_polygons(plan.zones[i].polygon),
                      {std::int64_t(i), z.kiosk_id, z.kiosk_name, z.weight_s, z.area_km2, z.road_km,
                       std::int64_t(z.incidents[0]), std::int64_t(z.incidents[1]),
                       std::int64_t(z.incidents[2]), std::int64_t(z.incidents[3]),
                       z.incident_workload, std::int64_t(z.key_sites), std::int64_t(z.cameras),
                       z.mean_time_s, z.p95_time_s, z.worst_time_s, std::int64_t(z.network_parts),
                       z.workload});
    }
    LayerDef ed;
    ed.name = "zone_edges";
    ed.geometry_type = Geometry::Type::line;
    ed.crs = net.crs();
    ed.fields = {{"zone", FieldType::integer},
                 {"kiosk", FieldType::string},
                 {"edge_id", FieldType::integer},
                 {"from_m", FieldType::real},
                 {"to_m", FieldType::real},
                 {"length_m", FieldType::real},
                 {"time_from_s", FieldType::real},
                 {"time_to_s", FieldType::real},
                 {"fastest_kiosk", FieldType::string},
                 {"extra_s", FieldType::real}};
    const std::size_t le = w.add_layer(ed);
    for (const auto &p : plan.pieces) {
        Geometry g = Geometry::of_line(net.sub_line(p));
        if (g.lines.back().size() < 2) continue;
        w.add_feature(le, g,
                      {std::int64_t(p.zone), plan.kiosks[p.zone].id, std::int64_t(p.edge),
                       r2(p.from_m), r2(p.to_m), r2(p.length_m()), r2(p.time_from_s),
                       r2(p.time_to_s), plan.kiosks[p.fastest].id,
                       std::isfinite(p.extra_s) ? FieldValue(r2(p.extra_s)) : FieldValue()});
    }
    LayerDef kd;
    kd.name = "kiosks";
    kd.geometry_type = Geometry::Type::point;
    kd.crs = net.crs();
    kd.fields = {{"zone", FieldType::integer},
                 {"kiosk", FieldType::string},
                 {"name", FieldType::string},
                 {"weight_s", FieldType::real},
                 {"snap_distance_m", FieldType::real}};
    const std::size_t lk = w.add_layer(kd);
    for (std::size_t i = 0; i < plan.kiosks.size(); ++i) {
        w.add_feature(lk, Geometry::of_point(plan.kiosks[i].position),
                      {std::int64_t(i), plan.kiosks[i].id, plan.kiosks[i].name, s.rows[i].weight_s,
                       r2(plan.kiosk_snaps[i].distance_m)});
    }
    w.commit();
    report_written(w, quiet);
}

int run_zones(const ZonesOptions &o) {
    const auto balance = zone_balance_from_name(o.balance);
    if (!balance)
        throw Error(ErrorCode::invalid_argument,
                    "--balance: '" + o.balance + "' is not one of none, length, incidents, area");
    if (!(o.tolerance_pct > 0))
        throw Error(ErrorCode::invalid_argument, "--tolerance must be a positive percentage");
    const Scene scene = resolve_scene(o.scene);
    const bool scene_zones = o.existing == existing_from_scene;
    {
        std::vector<InputFile> extra;
        if (!o.kiosks.empty())
            extra.push_back({layer_spec_from_arg(o.kiosks, "kiosks").source, "the kiosks input"});
        if (!o.existing.empty() && !scene_zones)
            extra.push_back(
                {layer_spec_from_arg(o.existing, "zones").source, "the existing zones input"});
        check_not_input(scene, o.output.path, extra);
    }
    // --existing alone: the scene's own zones layer
    if (scene_zones && !scene.has_layer(LayerRole::zones))
        throw Error(ErrorCode::invalid_argument,
                    "--existing without a file evaluates the scene's 'zones' layer, and " +
                        (scene.path.empty()
                             ? std::string("no scene is loaded")
                             : "the scene '" + scene.path + "' has no [layers.zones]") +
                        "; give --existing FILE[:LAYER]");
    std::vector<LayerRole> roles = {LayerRole::roads, LayerRole::boundary, LayerRole::incidents,
                                    LayerRole::key_sites, LayerRole::cameras};
    if (o.kiosks.empty()) roles.push_back(LayerRole::units);
    if (scene_zones) roles.push_back(LayerRole::zones);
    SceneData data = read_data(scene, o.scene, roles);
    std::vector<Unit> kiosks;
    if (!o.kiosks.empty()) {
        // every unit of the file is a kiosk; the same reader and checks as a scene layer
        LayerReport rep;
        kiosks = read_units(layer_spec_from_arg(o.kiosks, "kiosks"),
                            layer_context(scene, data, o.scene), &rep);
        check_extra_layer(rep, data, o.scene);
    } else {
        if (!scene.has_layer(LayerRole::units))
            throw Error(ErrorCode::invalid_config,
                        "the scene has no units layer; give the kiosks with --kiosks FILE[:LAYER]");
        kiosks = units_of_kind(data.units, data.settings.zones.kiosk_kind);
        if (kiosks.empty())
            throw Error(ErrorCode::invalid_argument,
                        ErrorContext::of_parameter("zones.kiosk_kind", scene.path),
                        "no kiosks found: no unit of kind '" + data.settings.zones.kiosk_kind +
                            "' in " + scene.layer(LayerRole::units).describe());
    }
    std::vector<NamedArea> drawn;
    if (scene_zones) {
        drawn = data.zones;
    } else if (!o.existing.empty()) {
        LayerReport rep;
        drawn = read_areas(layer_spec_from_arg(o.existing, "existing"),
                           layer_context(scene, data, o.scene), &rep, LayerRole::zones);
        check_extra_layer(rep, data, o.scene);
    }
    const ZoneContext ctx = zone_context(data);
    const Network net = load_network(data, o.scene);
    ZoneOptions zo;
    zo.balance = *balance;
    zo.tolerance = o.tolerance_pct / 100.0;
    zo.max_iterations = o.max_iterations;
    zo.site_spacing_m = o.spacing_m;
    zo.cell_m = o.cell_m;
    zo.polygon_method =
        o.method == "voronoi" ? ZonePolygonMethod::voronoi : ZonePolygonMethod::raster;
    zo.polygons = !o.output.empty() && !o.no_polygons;
    zo.allocation_only = o.no_polygons;
    Progress bar("zones", !o.scene.quiet);
    zo.progress = bar.fn();
    ZonePlan plan;
    if (!o.existing.empty()) {
        plan = evaluate_zones(net, kiosks, match_zones(drawn, kiosks), ctx, zo);
    } else {
        plan = build_zones(net, kiosks, ctx, zo);
    }
    bar.done();
    const ZoneSummary summary = zone_summary(plan);
    if (!o.output.empty()) write_gpkg(plan, summary, net, o.output, !o.no_polygons, o.scene.quiet);
    if (o.json)
        print_json(plan_json(plan, summary, o));
    else
        print_text(plan, summary, o);
    return exit_ok;
}

} // namespace

void register_zones(CLI::App &app) {
    auto opts = std::make_shared<ZonesOptions>();
    auto *cmd = app.add_subcommand(
        "zones", "Patrol zones from the kiosks: network Voronoi by car time, balancing, "
                 "polygons that tile the boundary, or figures for an existing plan");
    add_scene_options(*cmd, opts->scene, true);
    cmd->add_option("--kiosks", opts->kiosks,
                    "Kiosk points (field id, optional name); default: the scene's units "
                    "with kind = kiosk")
        ->option_text("FILE[:LAYER]");
    cmd->add_option("--balance", opts->balance,
                    "Balance the workload by additive weights: none, length, incidents "
                    "(red 8, orange 4, blue 2, green 1) or area")
        ->option_text("MEASURE")
        ->check(one_of({"none", "length", "incidents", "area"}))
        ->capture_default_str();
    cmd->add_option("--tolerance", opts->tolerance_pct,
                    "Balanced mode: every zone within ±this % of the mean")
        ->option_text("PCT")
        ->check(real_in(0, 100, Bound::open, Bound::closed, "%"))
        ->capture_default_str();
    cmd->add_option("--max-iterations", opts->max_iterations,
                    "Balanced mode: weight updates at most")
        ->check(count_in(0, 100000))
        ->capture_default_str();
    cmd->add_option("--cell", opts->cell_m,
                    "Raster polygons: cell size (m; larger when the grid would exceed 6 M "
                    "cells)")
        ->check(real_in(0, limits::max_cell_m, Bound::open, Bound::closed, "m"))
        ->capture_default_str();
    cmd->add_option("--polygons", opts->method,
                    "Zone polygon construction: raster (grid distance transform, "
                    "traced borders) or voronoi (GEOS Voronoi of road sites; slower)")
        ->check(one_of({"raster", "voronoi"}))
        ->capture_default_str();
    cmd->add_option("--spacing", opts->spacing_m,
                    "Voronoi polygons: spacing of the sites along the roads (m); "
                    "existing plans: roads are cut in steps of a quarter of it")
        ->check(real_in(0, 10000, Bound::open, Bound::closed, "m"))
        ->capture_default_str();
    auto *existing =
        cmd->add_option("--existing", opts->existing,
                        "Evaluate zone polygons drawn by hand (a 'kiosk' field with the "
                        "kiosk id, or one kiosk inside each polygon); without a file, the "
                        "scene's zones layer")
            ->expected(0, 1)
            ->default_str(existing_from_scene)
            ->option_text("[FILE[:LAYER]]");
    cmd->add_flag("--no-polygons", opts->no_polygons,
                  "Allocation only: each road piece to its kiosk, no land shared out (no grid "
                  "is built: faster; no areas, points go to the zone of their nearest reached "
                  "road; -o writes zone_edges and kiosks only; not with --balance area)")
        ->excludes(existing);
    add_output_options(*cmd, opts->output, "Write the zones", "zones, zone_edges, kiosks");
    cmd->add_flag("--json", opts->json, "Machine-readable figures on stdout");
    set_examples(
        *cmd,
        "  lugeo zones                                        # six kiosks of the demo scene\n"
        "  lugeo zones -o zones.gpkg                          # polygons + edge pieces for QGIS\n"
        "  lugeo zones --balance incidents --tolerance 10 --json\n"
        "  lugeo zones --existing drawn.gpkg:zones            # check a hand-drawn plan\n"
        "  lugeo zones --existing                             # the scene's own zones layer\n"
        "  lugeo zones --no-polygons --json                   # allocation only, no grid\n"
        "  lugeo zones --roads malta.osm.pbf --kiosks kiosks.geojson\n");
    cmd->callback([opts, cmd] { run_command(cmd, [&] { return run_zones(*opts); }); });
}

} // namespace lugeo::cli
