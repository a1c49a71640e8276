// lugeo coverage [plan]
#include "common.hpp"
#include "output.hpp"
#include "present_plans.hpp"

#include <lugeo/limits.hpp>

#include <lugeo/coverage.hpp>
#include <lugeo/error.hpp>
#include <lugeo/io.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace lugeo::cli {

namespace {

struct CoverageCliOptions {
    SceneArgs scene;
    std::string osm_cameras;
    OutputArgs output;
    std::string profile = "car";
    double min_gap = 50.0;
    int list = 10;
    bool json = false;
};

struct PlanCliOptions {
    SceneArgs scene;
    OutputArgs output;
    std::string profile = "car";
    std::size_t add = 10;
    std::size_t phases = 1;
    std::string type = "bullet";
    double hfov = 60.0;
    double range = 80.0;
    std::string dori;
    double resolution = 0.0;
    int headings = 4;
    bool no_road_headings = false;
    double incident_weight = 1.0;
    std::string
        mounts; ///< plates | roads | units | key_sites | cameras (default: plates, else roads)
    double every_m = 100; ///< road mounts: spacing
    bool json = false;
};

Profile parse_profile(const std::string &s) {
    auto p = profile_from_name(s);
    if (!p)
        throw Error(ErrorCode::invalid_argument,
                    "--profile: '" + s + "' is not walk, ebike or car");
    return *p;
}

double round2(double v) {
    return std::round(v * 100.0) / 100.0;
}

const char *issue_name(CameraIssue::Kind k) {
    return k == CameraIssue::Kind::moved_out_of_building ? "moved_out_of_building"
                                                         : "inside_building";
}

/// The layers coverage reads, and the network.
struct CoverageWorld {
    SceneData data;
    Network net;
    CoverageInput in;
};

CoverageWorld load_world(const Scene &scene, const SceneArgs &args,
                         const std::string &osm_cameras) {
    CoverageWorld w{
        read_data(scene, args,
                  {LayerRole::roads, LayerRole::cameras, LayerRole::buildings, LayerRole::poles,
                   LayerRole::lamps, LayerRole::key_sites, LayerRole::zones, LayerRole::incidents,
                   LayerRole::boundary, LayerRole::units}),
        {},
        {}};
    if (!osm_cameras.empty()) {
        // cameras of an OSM file instead of the scene's layer, through the same checks
        LayerReport rep;
        w.data.cameras = read_osm_cameras(osm_cameras, layer_context(scene, w.data, args), &rep);
        check_extra_layer(rep, w.data, args);
        std::erase_if(w.data.reports,
                      [](const LayerReport &r) { return r.role == LayerRole::cameras; });
        w.data.reports.push_back(std::move(rep));
    }
    w.in = coverage_input(w.data);
    w.net = load_network(w.data, args);
    return w;
}

int run_coverage(const CoverageCliOptions &o) {
    using clock = std::chrono::steady_clock;
    const Scene scene = resolve_scene(o.scene);
    if (!o.output.empty())
        check_not_input(scene, o.output.path, {{o.osm_cameras, "the OSM cameras source"}});
    const auto t0 = clock::now();
    const CoverageWorld w = load_world(scene, o.scene, o.osm_cameras);
    const Network &net = w.net;
    const CoverageInput &in = w.in;
    const auto t1 = clock::now();
    CoverageOptions opt;
    opt.profile = parse_profile(o.profile);
    opt.min_gap_m = o.min_gap;
    Progress bar("coverage", !o.scene.quiet);
    opt.progress = bar.fn();
    const CoverageResult r = analyze_coverage(net, in, opt);
    bar.done();
    const auto t2 = clock::now();
    const CoverageSummary summary = coverage_summary(r);
    const double read_s = std::chrono::duration<double>(t1 - t0).count();
    const double analyse_s = std::chrono::duration<double>(t2 - t1).count();

    if (!o.output.empty()) {
        VectorWriter w = open_output(o.output);
        LayerDef vd{"views",
                    Geometry::Type::polygon,
                    {{"camera_id", FieldType::string},
                     {"type", FieldType::string},
                     {"heading", FieldType::real},
                     {"hfov", FieldType::real},
                     {"range_m", FieldType::real},
                     {"phase", FieldType::integer},
                     {"owner", FieldType::string},
                     {"road_m", FieldType::real},
                     {"issue", FieldType::string}},
                    net.crs(),
                    "lugeo coverage: camera views (sector minus building shadows)"};
        const auto LV = w.add_layer(vd);
        std::vector<std::string> issue(r.cameras.size());
        for (const auto &is : r.camera_issues)
            issue[is.camera] = issue_name(is.kind);
        for (std::size_t c = 0; c < r.cameras.size(); ++c) {
            if (r.views[c].empty()) continue;
            const Camera &cam = r.cameras[c];
            w.add_feature(LV, Geometry::of_polygons(r.views[c]),
                          {cam.id, cam.type, cam.heading_deg, cam.hfov_deg, cam.range_m,
                           std::int64_t(cam.phase), cam.owner, round2(r.camera_road_m[c]),
                           issue[c].empty() ? FieldValue() : FieldValue(issue[c])});
        }
        LayerDef pd{"covered",
                    Geometry::Type::line,
                    {{"edge_id", FieldType::integer},
                     {"class", FieldType::string},
                     {"name", FieldType::string},
                     {"cameras", FieldType::integer},
                     {"length_m", FieldType::real}},
                    net.crs(),
                    "lugeo coverage: road pieces seen by at least one camera (cameras = how many)"};
        const auto LC = w.add_layer(pd);
        pd.name = "uncovered";
        pd.description = "lugeo coverage: road pieces no camera sees";
        const auto LU = w.add_layer(pd);
        for (const RoadPiece &p : r.pieces) {
            LineString l = net.sub_line(p);
            if (l.size() < 2) continue;
            w.add_feature(p.cameras ? LC : LU, Geometry::of_line(std::move(l)),
                          {std::int64_t(p.edge), net.class_of(p.edge), net.name_of(p.edge),
                           std::int64_t(p.cameras), round2(p.length_m())});
        }
        LayerDef gd{
            "gaps",
            Geometry::Type::line,
            {{"rank", FieldType::integer},
             {"road", FieldType::string},
             {"class", FieldType::string},
             {"length_m", FieldType::real},
             {"from_plate", FieldType::string},
             {"from_plate_m", FieldType::real},
             {"to_plate", FieldType::string},
             {"to_plate_m", FieldType::real}},
            net.crs(),
            "lugeo coverage: uncovered stretches longer than the minimum, merged along the road"};
        const auto LG = w.add_layer(gd);
        for (std::size_t i = 0; i < r.gaps.size(); ++i) {
            const Gap &g = r.gaps[i];
            w.add_feature(
                LG, Geometry::of_line(g.line),
                {std::int64_t(i + 1), g.road, g.road_class, round2(g.length_m),
                 gap_plate_id(in, g.from_plate),
                 g.from_plate ? FieldValue(round2(g.from_plate->distance_m)) : FieldValue(),
                 gap_plate_id(in, g.to_plate),
                 g.to_plate ? FieldValue(round2(g.to_plate->distance_m)) : FieldValue()});
        }
        LayerDef cd{"cameras_no_road",
                    Geometry::Type::point,
                    {{"camera_id", FieldType::string},
                     {"type", FieldType::string},
                     {"heading", FieldType::real},
                     {"hfov", FieldType::real},
                     {"range_m", FieldType::real},
                     {"phase", FieldType::integer},
                     {"road_m", FieldType::real}},
                    net.crs(),
                    "lugeo coverage: cameras that see (almost) no road — misplaced or turned away"};
        const auto LN = w.add_layer(cd);
        for (std::size_t c : r.cameras_no_road) {
            const Camera &cam = r.cameras[c];
            w.add_feature(LN, Geometry::of_point(cam.position),
                          {cam.id, cam.type, cam.heading_deg, cam.hfov_deg, cam.range_m,
                           std::int64_t(cam.phase), round2(r.camera_road_m[c])});
        }
        LayerDef kd{"key_sites_unseen",
                    Geometry::Type::point,
                    {{"site_id", FieldType::string},
                     {"kind", FieldType::string},
                     {"name", FieldType::string}},
                    net.crs(),
                    "lugeo coverage: key sites no camera view comes near"};
        const auto LK = w.add_layer(kd);
        for (std::size_t s : r.key_sites_unseen) {
            const KeySite &k = in.key_sites[s];
            w.add_feature(LK, Geometry::of_point(k.position), {k.id, k.kind, k.name});
        }
        w.commit();
        report_written(w, false);
    }

    if (o.json) {
        nlohmann::json j = coverage_summary_json(summary);
        j["profile"] = profile_name(r.profile);
        j["cameras"] = r.cameras.size();
        j["road_edges"] = r.road_edges;
        j["min_gap_m"] = o.min_gap;
        j["gaps"] = nlohmann::json::array();
        for (const Gap &g : r.gaps)
            j["gaps"].push_back({{"road", g.road},
                                 {"class", g.road_class},
                                 {"length_m", round2(g.length_m)},
                                 {"from_plate", gap_plate_id(in, g.from_plate)},
                                 {"to_plate", gap_plate_id(in, g.to_plate)}});
        j["key_sites"] = in.key_sites.size();
        j["key_sites_unseen"] = nlohmann::json::array();
        for (std::size_t s : r.key_sites_unseen)
            j["key_sites_unseen"].push_back({{"id", in.key_sites[s].id},
                                             {"kind", in.key_sites[s].kind},
                                             {"name", in.key_sites[s].name}});
        j["cameras_no_road"] = nlohmann::json::array();
        for (std::size_t c : r.cameras_no_road)
            j["cameras_no_road"].push_back(r.cameras[c].id);
        j["camera_issues"] = nlohmann::json::array();
        for (const auto &is : r.camera_issues)
            j["camera_issues"].push_back({{"camera", r.cameras[is.camera].id},
                                          {"issue", issue_name(is.kind)},
                                          {"building", is.building},
                                          {"distance_m", round2(is.distance_m)}});
        j["warnings"] = in.warnings;
        j["timings_s"] = {{"read", read_s}, {"analyse", analyse_s}};
        print_json(j);
        return exit_ok;
    }

    std::cout << "Camera coverage of roads (" << profile_name(r.profile) << " network, "
              << r.road_edges << " edges)\n"
              << "  cameras     " << r.cameras.size() << " (" << in.occluders.size()
              << " buildings as occluders)\n"
              << "  road        " << fmt(summary.total.total_m / 1000.0, 2) << " km\n"
              << "  covered     " << fmt(summary.total.covered_m / 1000.0, 2) << " km ("
              << fmt(half_up(100.0 * summary.total.share, 1), 1) << "%)\n"
              << "  uncovered   " << fmt(summary.total.uncovered_m / 1000.0, 2) << " km\n"
              << "  backup (>=2 cameras) " << fmt(summary.total.backup_m / 1000.0, 2) << " km\n";
    auto table = [&](const char *title, const std::vector<CoverageRow> &rows) {
        std::cout << "\n" << title << "                 km   covered   share   backup\n";
        for (const CoverageRow &v : rows) {
            char line[200];
            std::snprintf(line, sizeof line, "  %s %9.2f %9.2f  %5.1f%% %8.2f\n",
                          pad(v.key, 20).c_str(), v.total_m / 1000.0, v.covered_m / 1000.0,
                          half_up(100.0 * v.share, 1), v.backup_m / 1000.0);
            std::cout << line;
        }
    };
    table("By road class", summary.by_class);
    table("By phase (that phase alone)", summary.by_phase);
    table("By phase (cumulative)", summary.by_phase_cumulative);
    table("By owner", summary.by_owner);
    if (!summary.by_zone.empty()) table("By patrol zone", summary.by_zone);
    std::cout << "\nGaps >= " << fmt(o.min_gap, 0) << " m: " << summary.gaps << ", "
              << fmt(summary.gaps_m / 1000.0, 2) << " km; longest:\n";
    for (std::size_t i = 0; i < r.gaps.size() && int(i) < o.list; ++i) {
        const Gap &g = r.gaps[i];
        std::cout << "  " << fmt(g.length_m, 0) << " m  "
                  << (g.road.empty() ? "(unnamed " + g.road_class + ")" : g.road);
        if (g.from_plate && g.to_plate)
            std::cout << "  from " << in.plates[g.from_plate->plate].id << " to "
                      << in.plates[g.to_plate->plate].id;
        std::cout << "\n";
    }
    std::cout << "\nKey sites not seen: " << r.key_sites_unseen.size() << " of "
              << in.key_sites.size() << "\n";
    std::cout << "Cameras that see no road: " << r.cameras_no_road.size();
    for (std::size_t i = 0; i < r.cameras_no_road.size() && int(i) < o.list; ++i)
        std::cout << (i ? ", " : " (") << r.cameras[r.cameras_no_road[i]].id;
    if (!r.cameras_no_road.empty())
        std::cout << (int(r.cameras_no_road.size()) > o.list ? ", …)" : ")");
    std::cout << "\n";
    std::size_t moved = 0, inside = 0;
    for (const auto &is : r.camera_issues)
        (is.kind == CameraIssue::Kind::moved_out_of_building ? moved : inside)++;
    if (moved || inside)
        std::cout << "Cameras inside building footprints: " << moved << " moved out to the wall, "
                  << inside << " indoor (see nothing)\n";
    for (const auto &wmsg : in.warnings)
        std::cout << "Note: " << wmsg << "\n";
    std::cout << "Time: read " << fmt(read_s, 3) << " s, analyse " << fmt(analyse_s, 3) << " s\n";
    return exit_ok;
}

int run_plan(const PlanCliOptions &o) {
    using clock = std::chrono::steady_clock;
    const Scene scene = resolve_scene(o.scene);
    if (!o.output.empty()) check_not_input(scene, o.output.path);
    const CoverageWorld w = load_world(scene, o.scene, {});
    const Network &net = w.net;
    const CoverageInput &in = w.in;
    PlanOptions opt;
    opt.add = o.add;
    opt.phases = o.phases;
    opt.profile = parse_profile(o.profile);
    opt.type = o.type;
    opt.hfov_deg = o.hfov;
    opt.range_m = o.range;
    if (!o.dori.empty()) {
        auto level = dori_level_from_name(o.dori);
        if (!level)
            throw Error(ErrorCode::invalid_argument,
                        "--dori: '" + o.dori + "' is not a DORI level");
        if (!(o.resolution > 0))
            throw Error(ErrorCode::invalid_argument,
                        "--dori needs --resolution (horizontal pixels)");
        opt.range_m = dori_range_m(o.resolution, o.hfov, *level);
    }
    opt.headings = o.headings;
    opt.road_headings = !o.no_road_headings;
    opt.incident_weight = o.incident_weight;
    // candidate mounting points: the plates, else points along the roads every --every m
    std::string from = o.mounts;
    if (from.empty()) from = in.plates.empty() ? "roads" : "plates";
    if (from == "roads") {
        opt.mounts = road_mounts(net, o.every_m);
    } else if (from != "plates") {
        const auto role = layer_role_from_name(from);
        if (!role || *role == LayerRole::roads || *role == LayerRole::boundary)
            throw Error(ErrorCode::invalid_argument,
                        "--mounts '" + from +
                            "': expected plates, roads, or a point layer (units, key_sites, "
                            "cameras, incidents)");
        if (!w.data.has(*role))
            throw Error(ErrorCode::missing_layer, ErrorContext::of_file(scene.path),
                        "--mounts " + from + ": the scene declares no " + from + " layer");
        for (const LayerPoint &lp : points_of(w.data, *role))
            opt.mounts.emplace_back(from + ":" + lp.id, lp.position);
    }
    if (from == "plates" && in.plates.empty())
        throw Error(ErrorCode::missing_layer, ErrorContext::of_file(scene.path),
                    "--mounts plates: the scene has no plates; use --mounts roads (points every "
                    "--every m) or a point layer");
    if (opt.mounts.empty() && from != "plates")
        throw Error(ErrorCode::invalid_argument,
                    "--mounts " + from + ": no candidate mounting point (the layer is empty)");
    const std::size_t mount_count = from == "plates" ? in.plates.size() : opt.mounts.size();
    Progress bar("placing", !o.scene.quiet);
    opt.progress = bar.fn();
    const auto t0 = clock::now();
    const PlanResult r = plan_cameras(net, in, opt);
    bar.done();
    const double secs = std::chrono::duration<double>(clock::now() - t0).count();

    if (!o.output.empty()) {
        VectorWriter w = open_output(o.output);
        LayerDef pd{"picks",
                    Geometry::Type::point,
                    {{"rank", FieldType::integer},
                     {"camera_id", FieldType::string},
                     {"plate", FieldType::string},
                     {"type", FieldType::string},
                     {"heading", FieldType::real},
                     {"hfov", FieldType::real},
                     {"range_m", FieldType::real},
                     {"gain", FieldType::real},
                     {"gain_m", FieldType::real},
                     {"covered_m", FieldType::real},
                     {"phase", FieldType::integer}},
                    net.crs(),
                    "lugeo coverage plan: new cameras in pick order (lazy greedy)"};
        const auto LP = w.add_layer(pd);
        LayerDef vd{"pick_views",
                    Geometry::Type::polygon,
                    {{"rank", FieldType::integer},
                     {"camera_id", FieldType::string},
                     {"phase", FieldType::integer}},
                    net.crs(),
                    "lugeo coverage plan: views of the new cameras"};
        const auto LV = w.add_layer(vd);
        for (std::size_t i = 0; i < r.picks.size(); ++i) {
            const Pick &p = r.picks[i];
            w.add_feature(LP, Geometry::of_point(p.camera.position),
                          {std::int64_t(i + 1), p.camera.id, p.plate, p.camera.type,
                           p.camera.heading_deg, p.camera.hfov_deg, round2(p.camera.range_m),
                           round2(p.gain), round2(p.gain_m), round2(p.covered_m),
                           std::int64_t(p.phase)});
            const MultiPolygon v = view_polygon(p.camera, in.occluders);
            if (!v.empty())
                w.add_feature(LV, Geometry::of_polygons(v),
                              {std::int64_t(i + 1), p.camera.id, std::int64_t(p.phase)});
        }
        w.commit();
        report_written(w, false);
    }
    if (o.json) {
        nlohmann::json j;
        j["candidates"] = r.candidates.size();
        j["candidates_from"] = from;
        j["mounts"] = mount_count;
        if (from == "roads") j["mount_spacing_m"] = o.every_m;
        j["camera"] = {
            {"type", opt.type}, {"hfov", opt.hfov_deg}, {"range_m", round2(opt.range_m)}};
        j["total_m"] = round2(r.total_m);
        j["covered_before_m"] = round2(r.covered_before_m);
        j["weighted_total"] = round2(r.weighted_total);
        j["weighted_before"] = round2(r.weighted_before);
        j["gain_evaluations"] = r.gain_evaluations;
        j["picks"] = nlohmann::json::array();
        for (std::size_t i = 0; i < r.picks.size(); ++i) {
            const Pick &p = r.picks[i];
            j["picks"].push_back(
                {{"rank", i + 1},
                 {"camera_id", p.camera.id},
                 {"plate", p.plate},
                 {"heading", p.camera.heading_deg},
                 {"gain", round2(p.gain)},
                 {"gain_m", round2(p.gain_m)},
                 {"covered_m", round2(p.covered_m)},
                 {"covered_share",
                  r.total_m > 0 ? std::round(p.covered_m / r.total_m * 10000.0) / 10000.0 : 0.0},
                 {"phase", p.phase}});
        }
        j["timings_s"] = {{"total", secs}};
        print_json(j);
        return exit_ok;
    }
    std::cout
        << "Placing " << o.add << " new " << opt.type << " cameras (" << fmt(opt.hfov_deg, 0)
        << "°, " << fmt(opt.range_m, 0) << " m) on " << r.candidates.size() << " candidates\n"
        << "  candidate mounts: " << mount_count << " "
        << (from == "roads"    ? "points along the roads every " + fmt(o.every_m, 0) + " m"
            : from == "plates" ? std::string("plates (poles and lamps)")
                               : from + " points")
        << "\n"
        << "  road " << fmt(r.total_m / 1000.0, 2) << " km, covered before "
        << fmt(r.covered_before_m / 1000.0, 2) << " km ("
        << fmt(r.total_m > 0 ? 100.0 * r.covered_before_m / r.total_m : 0.0, 1) << "%)\n\n"
        << "  rank  camera             phase   gain (weighted)   new m   covered km   share\n";
    for (std::size_t i = 0; i < r.picks.size(); ++i) {
        const Pick &p = r.picks[i];
        char line[200];
        std::snprintf(line, sizeof line, "  %4zu  %s %5d %17.1f %7.1f %12.2f  %5.1f%%\n", i + 1,
                      pad(p.camera.id, 18).c_str(), p.phase, p.gain, p.gain_m, p.covered_m / 1000.0,
                      r.total_m > 0 ? 100.0 * p.covered_m / r.total_m : 0.0);
        std::cout << line;
    }
    if (r.picks.size() < o.add)
        std::cout << "  (no candidate adds anything after pick " << r.picks.size() << ")\n";
    std::cout << "\nLazy greedy: " << r.gain_evaluations
              << " gain evaluations (plain greedy: " << r.candidates.size() * r.picks.size()
              << "); within (1 - 1/e) of the best " << r.picks.size()
              << "-camera set\nTime: " << fmt(secs, 3) << " s\n";
    return exit_ok;
}

} // namespace

void register_coverage(CLI::App &app) {
    auto opts = std::make_shared<CoverageCliOptions>();
    auto *cmd = app.add_subcommand(
        "coverage",
        "What the cameras see: road covered, gaps, key sites unseen; 'plan' places new cameras");
    add_scene_options(*cmd, opts->scene, true);
    cmd->add_option("--osm-cameras", opts->osm_cameras,
                    "Cameras from OSM man_made=surveillance nodes of this file instead of the "
                    "scene's camera layer")
        ->check(existing_source())
        ->option_text("FILE");
    add_output_options(*cmd, opts->output, "Write the coverage layers",
                       "views, covered, uncovered, gaps, cameras_no_road, key_sites_unseen");
    cmd->add_option("--min-gap", opts->min_gap, "Shortest uncovered stretch reported as a gap (m)")
        ->check(real_in(0, limits::max_distance_m, Bound::closed, Bound::closed, "m"))
        ->default_val(50.0);
    cmd->add_option("--profile", opts->profile,
                    "Whose usable edges are the roads: car, ebike or walk")
        ->check(one_of({"car", "ebike", "walk"}))
        ->default_val("car");
    cmd->add_option("--list", opts->list, "Gaps and cameras listed in the text summary")
        ->check(count_in(0, 1000000))
        ->default_val(10);
    cmd->add_flag("--json", opts->json, "Machine-readable output");
    set_examples(*cmd, "  lugeo coverage                                    # the demo scene\n"
                       "  lugeo coverage -o coverage.gpkg --min-gap 100     # open it in QGIS\n"
                       "  lugeo coverage --json | jq '.covered_m, .uncovered_m, .total_m'\n"
                       "  lugeo coverage --roads muenchen.osm.pbf --osm-cameras muenchen.osm.pbf\n"
                       "  lugeo coverage plan --add 100 --phases 3 -o picks.gpkg\n");

    auto popts = std::make_shared<PlanCliOptions>();
    auto *plan = cmd->add_subcommand(
        "plan",
        "Choose new camera positions and headings (lazy greedy, within 1 - 1/e of optimal)");
    add_scene_options(*plan, popts->scene, false);
    plan->add_option("--add", popts->add, "Number of new cameras")
        ->check(count_in(1, limits::max_new_cameras))
        ->required();
    plan->add_option("--phases", popts->phases, "Split the picks into this many yearly phases")
        ->check(count_in(1, 100))
        ->default_val(1);
    add_output_options(*plan, popts->output, "Write the picks", "picks, pick_views");
    plan->add_option("--profile", popts->profile,
                     "Whose usable edges are the roads: car, ebike or walk")
        ->check(one_of({"car", "ebike", "walk"}))
        ->default_val("car");
    plan->add_option("--type", popts->type, "Type of the new cameras (bullet; dome/ptz see 360°)")
        ->check(one_of({"bullet", "dome", "ptz"}))
        ->default_val("bullet");
    plan->add_option("--hfov", popts->hfov, "Horizontal angle of the new cameras (degrees)")
        ->check(real_in(0, 360, Bound::open, Bound::closed, "degrees"))
        ->default_val(60.0);
    plan->add_option("--range", popts->range, "Range of the new cameras (m)")
        ->check(real_in(0, limits::max_camera_range_m, Bound::open, Bound::closed, "m"))
        ->default_val(80.0);
    plan->add_option("--dori", popts->dori,
                     "Range from this DORI level instead: detection, observation, recognition, "
                     "identification")
        ->check(one_of({"detection", "observation", "recognition", "identification"}));
    plan->add_option("--resolution", popts->resolution, "Horizontal pixels, with --dori")
        ->check(real_in(0, 100000, Bound::open, Bound::closed, "pixels"));
    plan->add_option(
            "--headings", popts->headings,
            "Evenly spaced headings per mounting point (besides the road's two directions)")
        ->check(count_in(0, limits::max_headings))
        ->default_val(4);
    plan->add_flag("--no-road-headings", popts->no_road_headings,
                   "Do not add the two directions of the nearest road");
    plan->add_option("--incident-weight", popts->incident_weight,
                     "Weight of incident density (0: road class only)")
        ->check(real_in(0, 1e6))
        ->default_val(1.0);
    plan->add_option("--mounts", popts->mounts,
                     "Candidate mounting points: plates, roads (points every --every m), or a "
                     "point layer (units, key_sites, cameras, incidents); default plates, else "
                     "roads")
        ->option_text("FROM");
    plan->add_option("--every", popts->every_m, "Spacing of road mounts, m (100)")
        ->check(CLI::PositiveNumber);
    plan->add_flag("--json", popts->json, "Machine-readable output");
    set_examples(*plan,
                 "  lugeo coverage plan --add 100 --phases 3 -o picks.gpkg\n"
                 "  lugeo coverage plan --add 20 --type dome --range 40 --json\n"
                 "  lugeo coverage plan --add 50 --dori recognition --resolution 2560 --hfov 50\n"
                 "  lugeo coverage plan --add 20 --mounts roads --every 80   # no plates\n");
    plan->callback([popts, plan] { run_command(plan, [&] { return run_plan(*popts); }); });
    cmd->callback([cmd, opts] {
        if (cmd->got_subcommand("plan")) return;
        run_command(cmd, [&] { return run_coverage(*opts); });
    });
}

} // namespace lugeo::cli
