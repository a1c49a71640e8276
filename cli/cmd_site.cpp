// lugeo site: where the next kiosks should go (cover, median, center objectives)
#include "common.hpp"
#include "output.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/io.hpp>
#include <lugeo/site.hpp>
#include <lugeo/zones.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace lugeo::cli {

namespace {

struct SiteCliOptions {
    SceneArgs scene;
    std::size_t add = 1;
    std::string candidates = "junctions";
    std::string objective = "cover";
    std::string demand = "incidents";
    double within_min = 5;
    std::string fixed;
    std::size_t relocate = 0;
    std::string search = "auto";
    double road_step_m = 100;
    OutputArgs output;
    bool json = false;
};

double r2(double v) {
    return std::isfinite(v) ? std::round(v * 100.0) / 100.0 : v;
}

nlohmann::json num(double v) {
    return std::isfinite(v) ? nlohmann::json(r2(v)) : nlohmann::json(nullptr);
}

nlohmann::json figures_json(const SiteFigures &f) {
    return {{"points", f.points},
            {"weight", r2(f.weight)},
            {"covered_weight", r2(f.covered_weight)},
            {"covered_points", f.covered_points},
            {"covered_pct", r2(100 * f.covered_share())},
            {"mean_time_s", num(f.mean_time_s)},
            {"worst_time_s", num(f.worst_time_s)}};
}

const char *method_text(const SiteResult &r) {
    switch (r.method) {
    case SiteMethod::none:
        return "nothing to choose";
    case SiteMethod::exhaustive:
        return "exhaustive (every solution evaluated: optimal)";
    case SiteMethod::greedy_swap:
        return r.objective == SiteObjective::cover
                   ? "greedy + swap (greedy alone is within (1 - 1/e) = 63.2% of the optimal "
                     "gain; swaps only improve it)"
                   : "greedy + swap (a local optimum; no bound)";
    case SiteMethod::radius_search:
        return "binary search on the radius over greedy set covers (with a lower bound)";
    }
    return "?";
}

std::string unit_of(const SiteResult &r) {
    switch (r.demand) {
    case SiteDemand::incidents:
        return "incident weight";
    case SiteDemand::roads:
        return "m of road";
    case SiteDemand::key_sites:
        return "key sites";
    }
    return "";
}

std::vector<SiteCandidate> read_candidates(const SiteCliOptions &o, const Scene &scene,
                                           const SceneData &data, const Network &net,
                                           std::string &source) {
    const std::string &c = o.candidates;
    if (c == "junctions") {
        source = "junctions";
        return junction_candidates(net, Profile::car);
    }
    if (c == "plates") {
        source = "plates";
        std::vector<SiteCandidate> out;
        for (const auto &p : data.plates.plates)
            out.push_back({p.id, p.road, p.position});
        if (out.empty())
            throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("candidates"),
                        "the scene has no plates (poles or lamps) to use as candidate sites");
        return out;
    }
    if (c.rfind("grid:", 0) == 0) {
        double cell = 0;
        try {
            cell = std::stod(c.substr(5));
        } catch (...) {
            cell = 0;
        }
        if (!(cell > 0))
            throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("candidates"),
                        "grid:N needs a positive cell size in metres, not '" + c.substr(5) + "'");
        source = c;
        return grid_candidates(net, Profile::car, cell);
    }
    if (c.rfind("units:", 0) == 0) {
        source = "the scene's units of kind '" + c.substr(6) + "'";
        std::vector<SiteCandidate> out;
        for (const auto &u : units_of_kind(data.units, c.substr(6)))
            out.push_back({u.id, u.name, u.position});
        if (out.empty())
            throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("candidates"),
                        "no unit of kind '" + c.substr(6) + "' in the scene");
        return out;
    }
    // a point (or line, polygon: a representative point) layer
    const LayerSpec spec = layer_spec_from_arg(c, "candidates");
    source = spec.describe();
    LayerReport rep;
    const auto sites = read_key_sites(spec, layer_context(scene, data, o.scene), &rep);
    check_extra_layer(rep, data, o.scene);
    std::vector<SiteCandidate> out;
    for (const auto &s : sites)
        out.push_back({s.id, s.name, s.position});
    return out;
}

nlohmann::json result_json(const SiteResult &r, const MetricFrame &frame, const SiteInput &in,
                           const std::string &source) {
    nlohmann::json j;
    j["objective"] = site_objective_name(r.objective);
    j["demand"] = site_demand_name(r.demand);
    j["within_min"] = r2(r.within_s / 60.0);
    j["method"] = site_method_name(r.method);
    j["candidates"] = {
        {"source", source}, {"used", r.candidates_used}, {"off_network", r.candidates_off_network}};
    j["fixed"] = in.fixed.size();
    j["demand_off_network"] = r.demand_off_network;
    j["objective_before"] = num(r.objective_before);
    j["objective_after"] = num(r.objective_after);
    j["lower_bound"] = num(r.lower_bound);
    nlohmann::json sites = nlohmann::json::array();
    for (const auto &s : r.sites) {
        const LonLat ll = frame.to_lonlat(s.position);
        sites.push_back({{"id", s.id},
                         {"name", s.name},
                         {"lon", std::round(ll.lon * 1e6) / 1e6},
                         {"lat", std::round(ll.lat * 1e6) / 1e6},
                         {"gain", r2(s.gain)},
                         {"objective", num(s.objective)},
                         {"figures", figures_json(s.figures)}});
    }
    j["sites"] = sites;
    nlohmann::json moves = nlohmann::json::array();
    for (const auto &m : r.moves)
        moves.push_back(
            {{"unit", in.fixed[m.unit].id},
             {"to", r.sites[m.pick].id},
             {"distance_m", r2(distance(in.fixed[m.unit].position, r.sites[m.pick].position))}});
    j["moves"] = moves;
    j["before"] = figures_json(r.before);
    j["after"] = figures_json(r.after);
    auto zones = [](const std::vector<SiteZone> &zs) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto &z : zs) {
            nlohmann::json f = figures_json(z.figures);
            f["unit"] = z.unit_id;
            f["new"] = z.is_new;
            a.push_back(f);
        }
        return a;
    };
    j["zones_before"] = zones(r.zones_before);
    j["zones_after"] = zones(r.zones_after);
    std::size_t inside = 0;
    double inside_w = 0;
    for (const auto &p : r.points)
        if (p.time_before_s > r.within_s && p.time_after_s <= r.within_s) {
            ++inside;
            inside_w += p.weight;
        }
    j["moved_inside"] = {{"points", inside}, {"weight", r2(inside_w)}};
    j["table_entries"] = r.table_entries;
    j["solutions_evaluated"] = r.solutions_evaluated;
    j["timings_s"] = {{"table", r.seconds_table}, {"search", r.seconds_search}};
    return j;
}

void print_fig(const char *label, const SiteFigures &f) {
    std::printf("%s within standard %6.1f%% (%.0f of %.0f), mean %5.0f s, worst %5.0f s\n",
                pad(label, 8).c_str(), 100 * f.covered_share(), f.covered_weight, f.weight,
                f.mean_time_s, f.worst_time_s);
}

void print_text(const SiteResult &r, const MetricFrame &frame, const SiteInput &in,
                const std::string &source) {
    std::printf("Siting: %zu new site%s%s among %zu candidates (%s), objective %s over %s, "
                "standard %.1f min\n",
                r.sites.size() - r.moves.size(), r.sites.size() - r.moves.size() == 1 ? "" : "s",
                r.moves.empty() ? ""
                                : (" and " + std::to_string(r.moves.size()) + " move" +
                                   (r.moves.size() == 1 ? "" : "s"))
                                      .c_str(),
                r.candidates_used, source.c_str(), site_objective_name(r.objective),
                site_demand_name(r.demand), r.within_s / 60.0);
    std::printf("Method: %s\n", method_text(r));
    if (r.candidates_off_network)
        std::printf("(%zu candidates more than 500 m from the car network left out)\n",
                    r.candidates_off_network);
    std::printf("Existing units: %zu; demand points: %zu", in.fixed.size(), r.before.points);
    if (r.demand_off_network)
        std::printf(" (%zu too far from the network left out)", r.demand_off_network);
    std::printf("\n\n%3s %s %11s %10s %10s %8s %8s %7s\n", "#", pad("site", 14).c_str(), "lon",
                "lat", "gain", "within%", "mean_s", "worst_s");
    for (std::size_t i = 0; i < r.sites.size(); ++i) {
        const auto &s = r.sites[i];
        const LonLat ll = frame.to_lonlat(s.position);
        std::printf("%3zu %s %11.6f %10.6f %10.1f %8.1f %8.0f %7.0f\n", i + 1,
                    pad(s.id, 14).c_str(), ll.lon, ll.lat, s.gain, 100 * s.figures.covered_share(),
                    s.figures.mean_time_s, s.figures.worst_time_s);
    }
    for (const auto &m : r.moves)
        std::printf("    moved: %s -> %s (%.0f m)\n", in.fixed[m.unit].id.c_str(),
                    r.sites[m.pick].id.c_str(),
                    distance(in.fixed[m.unit].position, r.sites[m.pick].position));
    std::printf("gain: %s\n\n", r.objective == SiteObjective::cover
                                    ? ("more " + unit_of(r) + " within the standard").c_str()
                                : r.objective == SiteObjective::median
                                    ? "seconds off the weighted mean time"
                                    : "seconds off the worst time");
    print_fig("Before", r.before);
    print_fig("After", r.after);
    if (r.objective == SiteObjective::center && std::isfinite(r.lower_bound))
        std::printf("Worst time %.0f s; no choice of these sites does better than %.0f s\n",
                    r.objective_after, r.lower_bound);
    std::size_t inside = 0;
    double inside_w = 0;
    for (const auto &p : r.points)
        if (p.time_before_s > r.within_s && p.time_after_s <= r.within_s) {
            ++inside;
            inside_w += p.weight;
        }
    std::printf("Moved inside the standard: %zu points (%.0f %s)\n\n", inside, inside_w,
                unit_of(r).c_str());
    std::printf("Per zone (the demand nearest to each unit), before -> after:\n");
    std::printf("%s %9s %9s %8s %8s %7s %7s\n", pad("unit", 14).c_str(), "weight", "->", "within%",
                "->", "mean_s", "->");
    auto find_after = [&](const std::string &id) -> const SiteZone * {
        for (const auto &z : r.zones_after)
            if (!z.is_new && z.unit_id == id) return &z;
        return nullptr;
    };
    for (const auto &z : r.zones_before) {
        const SiteZone *a = find_after(z.unit_id);
        if (a)
            std::printf("%s %9.0f %9.0f %8.1f %8.1f %7.0f %7.0f\n", pad(z.unit_id, 14).c_str(),
                        z.figures.weight, a->figures.weight, 100 * z.figures.covered_share(),
                        100 * a->figures.covered_share(), z.figures.mean_time_s,
                        a->figures.mean_time_s);
        else
            std::printf("%s %9.0f %9s %8.1f %8s %7.0f %7s\n", pad(z.unit_id, 14).c_str(),
                        z.figures.weight, "moved", 100 * z.figures.covered_share(), "",
                        z.figures.mean_time_s, "");
    }
    for (const auto &z : r.zones_after)
        if (z.is_new)
            std::printf("%s %9s %9.0f %8s %8.1f %7s %7.0f\n", pad(z.unit_id, 14).c_str(), "new",
                        z.figures.weight, "", 100 * z.figures.covered_share(), "",
                        z.figures.mean_time_s);
}

void write_gpkg(const SiteResult &r, const SiteInput &in, const Network &net,
                const ZoneContext &ctx, const std::string &new_kind, const OutputArgs &out) {
    VectorWriter w = open_output(out);
    LayerDef sd;
    sd.name = "sites";
    sd.geometry_type = Geometry::Type::point;
    sd.crs = net.crs();
    sd.description = "lugeo siting: new sites in the order chosen";
    sd.fields = {{"rank", FieldType::integer},     {"site", FieldType::string},
                 {"name", FieldType::string},      {"gain", FieldType::real},
                 {"objective", FieldType::real},   {"within_pct", FieldType::real},
                 {"mean_time_s", FieldType::real}, {"worst_time_s", FieldType::real},
                 {"moved_unit", FieldType::string}};
    const std::size_t ls = w.add_layer(sd);
    for (std::size_t i = 0; i < r.sites.size(); ++i) {
        const auto &s = r.sites[i];
        std::string moved;
        for (const auto &m : r.moves)
            if (m.pick == i) moved = in.fixed[m.unit].id;
        w.add_feature(ls, Geometry::of_point(s.position),
                      {std::int64_t(i + 1), s.id, s.name, r2(s.gain), r2(s.objective),
                       r2(100 * s.figures.covered_share()), r2(s.figures.mean_time_s),
                       r2(s.figures.worst_time_s), moved});
    }
    // the new zones: network Voronoi of the units after (car time, no turnout)
    std::vector<Unit> after;
    std::vector<bool> moved(in.fixed.size(), false);
    for (const auto &m : r.moves)
        moved[m.unit] = true;
    for (std::size_t f = 0; f < in.fixed.size(); ++f)
        if (!moved[f]) after.push_back(in.fixed[f]);
    for (const auto &s : r.sites)
        after.push_back(Unit{s.id, new_kind, s.name, 0, s.position});
    ZoneOptions zo;
    zo.polygons = true;
    const ZonePlan plan = build_zones(net, after, ctx, zo);
    LayerDef zd;
    zd.name = "zones";
    zd.geometry_type = Geometry::Type::polygon;
    zd.crs = net.crs();
    zd.fields = {{"unit", FieldType::string},
                 {"new", FieldType::integer},
                 {"road_km", FieldType::real},
                 {"mean_time_s", FieldType::real},
                 {"worst_time_s", FieldType::real}};
    const std::size_t lz = w.add_layer(zd);
    for (std::size_t i = 0; i < plan.zones.size(); ++i) {
        const auto &z = plan.zones[i];
        w.add_feature(lz, Geometry::of_polygons(z.polygon),
                      {z.kiosk_id, std::int64_t(i + r.sites.size() >= plan.zones.size() ? 1 : 0),
                       r2(z.road_length_m / 1000), r2(z.mean_time_s), r2(z.worst_time_s)});
    }
    LayerDef ud;
    ud.name = "units";
    ud.geometry_type = Geometry::Type::point;
    ud.crs = net.crs();
    ud.description = "units after siting: those that stay, then the new sites";
    ud.fields = {
        {"unit", FieldType::string}, {"kind", FieldType::string}, {"new", FieldType::integer}};
    const std::size_t lu = w.add_layer(ud);
    for (std::size_t i = 0; i < after.size(); ++i)
        w.add_feature(
            lu, Geometry::of_point(after[i].position),
            {after[i].id, after[i].kind, std::int64_t(i + r.sites.size() >= after.size() ? 1 : 0)});
    LayerDef cd;
    cd.name = "changed";
    cd.crs = net.crs();
    cd.geometry_type = r.demand == SiteDemand::roads ? Geometry::Type::line : Geometry::Type::point;
    cd.description = "demand points whose response time changed";
    cd.fields = {{"id", FieldType::string},          {"weight", FieldType::real},
                 {"time_before_s", FieldType::real}, {"time_after_s", FieldType::real},
                 {"zone_before", FieldType::string}, {"zone_after", FieldType::string},
                 {"inside_now", FieldType::integer}};
    const std::size_t lc = w.add_layer(cd);
    for (const auto &p : r.points) {
        if (!(p.time_after_s < p.time_before_s - 1e-6)) continue;
        Geometry g = r.demand == SiteDemand::roads
                         ? Geometry::of_line(net.sub_line(p.edge, p.from_m, p.to_m))
                         : Geometry::of_point(p.position);
        if (r.demand == SiteDemand::roads && g.lines.back().size() < 2) continue;
        const auto zname = [](const std::vector<SiteZone> &zs, std::uint32_t z) {
            return z < zs.size() ? zs[z].unit_id : std::string();
        };
        const bool inside = p.time_before_s > r.within_s && p.time_after_s <= r.within_s;
        w.add_feature(
            lc, g,
            {p.id, r2(p.weight),
             num(p.time_before_s).is_null() ? FieldValue() : FieldValue(r2(p.time_before_s)),
             r2(p.time_after_s), zname(r.zones_before, p.zone_before),
             zname(r.zones_after, p.zone_after), std::int64_t(inside ? 1 : 0)});
    }
    w.commit();
}

int run_site(const SiteCliOptions &o) {
    const auto objective = site_objective_from_name(o.objective);
    if (!objective)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("objective"),
                    "'" + o.objective + "' is not one of cover, median, center");
    const auto demand = site_demand_from_name(o.demand);
    if (!demand)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("demand"),
                    "'" + o.demand + "' is not one of incidents, roads, key_sites");
    const Scene scene = resolve_scene(o.scene);
    if (!o.output.empty()) check_not_input(scene, o.output.path);
    std::vector<LayerRole> roles = {LayerRole::roads, LayerRole::boundary, LayerRole::incidents,
                                    LayerRole::key_sites, LayerRole::units};
    if (o.candidates == "plates") {
        if (scene.has_layer(LayerRole::poles)) roles.push_back(LayerRole::poles);
        if (scene.has_layer(LayerRole::lamps)) roles.push_back(LayerRole::lamps);
    }
    std::vector<LayerRole> present;
    for (auto r : roles)
        if (r == LayerRole::roads || scene.has_layer(r)) present.push_back(r);
    SceneData data = read_data(scene, o.scene, present);
    SiteInput in;
    if (o.fixed == "none") {
        // no existing units
    } else if (!o.fixed.empty() && o.fixed.rfind("units:", 0) == 0) {
        in.fixed = units_of_kind(data.units, o.fixed.substr(6));
    } else if (!o.fixed.empty()) {
        LayerReport rep;
        in.fixed = read_units(layer_spec_from_arg(o.fixed, "fixed"),
                              layer_context(scene, data, o.scene), &rep);
        check_extra_layer(rep, data, o.scene);
    } else {
        in.fixed = units_of_kind(data.units, data.settings.zones.kiosk_kind);
        if (in.fixed.empty() && o.add == 0)
            throw Error(ErrorCode::invalid_argument,
                        ErrorContext::of_parameter("zones.kiosk_kind", scene.path),
                        "no existing units: no unit of kind '" + data.settings.zones.kiosk_kind +
                            "' in the scene");
    }
    in.incidents = data.incidents;
    in.key_sites = data.key_sites;
    const ZoneContext ctx = zone_context(data);
    const Network net = load_network(data, o.scene);
    in.candidates = read_candidates(o, scene, data, net, in.candidates_source);
    SiteOptions so;
    so.add = o.add;
    so.relocate = o.relocate;
    so.objective = *objective;
    so.demand = *demand;
    so.within_s = o.within_min * 60.0;
    so.turnout_s = data.settings.site.turnout_s;
    so.new_kind = data.settings.site.new_kind;
    so.road_step_m = o.road_step_m;
    so.search = o.search == "exhaustive"  ? SiteSearch::exhaustive
                : o.search == "heuristic" ? SiteSearch::heuristic
                                          : SiteSearch::automatic;
    Progress bar("site", !o.scene.quiet);
    so.progress = bar.fn();
    const SiteResult r = plan_sites(net, in, so);
    bar.done();
    const MetricFrame frame(net.crs());
    if (!o.output.empty()) write_gpkg(r, in, net, ctx, so.new_kind, o.output);
    if (o.json)
        print_json(result_json(r, frame, in, in.candidates_source));
    else
        print_text(r, frame, in, in.candidates_source);
    if (!o.output.empty())
        std::cerr << "wrote " << r.sites.size() << " sites, the new zones and what changed to "
                  << o.output.path << "\n";
    return exit_ok;
}

} // namespace

void register_site(CLI::App &app) {
    auto opts = std::make_shared<SiteCliOptions>();
    auto *cmd = app.add_subcommand(
        "site", "Where the next kiosks should go: new sites (or moves) that bring the most "
                "incidents, road or key sites within the standard, or lower the mean or worst "
                "response time");
    add_scene_options(*cmd, opts->scene, true);
    cmd->add_option("--add", opts->add, "New sites to choose")->capture_default_str();
    cmd->add_option("--candidates", opts->candidates,
                    "Where new sites may go: junctions (every node of the car network), plates "
                    "(the scene's poles and lamps), grid:N (one per N m cell), units:KIND (the "
                    "scene's units of a kind), or a point layer FILE[:LAYER]")
        ->option_text("SET|FILE[:LAYER]")
        ->capture_default_str();
    cmd->add_option("--objective", opts->objective,
                    "cover (most demand within --within minutes), median (lowest weighted mean "
                    "time) or center (lowest worst time)")
        ->check(CLI::IsMember({"cover", "median", "center"}))
        ->capture_default_str();
    cmd->add_option("--demand", opts->demand,
                    "What is measured: incidents (weighted red 8, orange 4, blue 2, green 1), "
                    "roads (length) or key_sites")
        ->check(CLI::IsMember({"incidents", "roads", "key_sites"}))
        ->capture_default_str();
    cmd->add_option("--within", opts->within_min, "The response standard in minutes")
        ->option_text("MIN")
        ->capture_default_str();
    cmd->add_option("--fixed", opts->fixed,
                    "Existing units that stay: a unit layer FILE[:LAYER], units:KIND, or none; "
                    "default: the scene's kiosks")
        ->option_text("FILE[:LAYER]|units:KIND|none");
    cmd->add_option("--relocate", opts->relocate, "Existing units that may move to a candidate")
        ->option_text("N")
        ->capture_default_str();
    cmd->add_option("--search", opts->search,
                    "auto (exhaustive when small enough), exhaustive, or heuristic")
        ->check(CLI::IsMember({"auto", "exhaustive", "heuristic"}))
        ->capture_default_str();
    cmd->add_option("--road-step", opts->road_step_m,
                    "--demand roads: one demand point per road piece of at most this length (m)")
        ->capture_default_str();
    add_output_options(*cmd, opts->output, "Write layers",
                       "sites, zones (the new zones), units, changed");
    cmd->add_flag("--json", opts->json, "Machine-readable result on stdout");
    set_examples(*cmd,
                 "  lugeo site --add 1                             # the demo's seventh kiosk\n"
                 "  lugeo site --add 3 --objective median --json\n"
                 "  lugeo site --add 2 --objective center --demand roads\n"
                 "  lugeo site --add 0 --relocate 1                # would moving one kiosk help?\n"
                 "  lugeo site --add 2 --candidates units:community_room -o site.gpkg\n");
    cmd->callback([opts, cmd] { run_command(cmd, [&] { return run_site(*opts); }); });
}

} // namespace lugeo::cli
