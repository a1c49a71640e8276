// lugeo site: where the next kiosks should go (cover, median, center objectives)
#include "common.hpp"
#include "output.hpp"
#include "present_plans.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/io.hpp>
#include <lugeo/seal.hpp>
#include <lugeo/site.hpp>
#include <lugeo/zones.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>

namespace lugeo::cli {

namespace {

struct SiteCliOptions {
    SceneArgs scene;
    std::size_t add = 1;
    std::string candidates = "junctions";
    std::string objective = "cover";
    std::string demand; ///< "": incidents when the scene has them, else roads
    double within_min = 5;
    std::string fixed;
    std::size_t relocate = 0;
    std::string search = "auto";
    double road_step_m = 100;
    std::size_t sample = 200; // --objective seal
    std::uint32_t seed = 1;
    std::size_t shortlist = 10;
    OutputArgs output;
    bool json = false;
};

double r2(double v) {
    return std::isfinite(v) ? std::round(v * 100.0) / 100.0 : v;
}

nlohmann::json num(double v) {
    return std::isfinite(v) ? nlohmann::json(r2(v)) : nlohmann::json(nullptr);
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

/// The turnout siting uses for a unit kind.
double turnout_of(const SiteOptions &so, const std::string &kind) {
    const auto it = so.turnout_s.find(kind);
    return it == so.turnout_s.end() ? so.default_turnout_s : it->second;
}

/// The turnout of every kind among the existing units and the new sites (seconds).
std::map<std::string, double> turnouts_used(const SiteInput &in, const SiteOptions &so) {
    std::map<std::string, double> t;
    for (const auto &u : in.fixed)
        t[u.kind] = turnout_of(so, u.kind);
    t[so.new_kind] = turnout_of(so, so.new_kind);
    return t;
}

bool one_turnout(const std::map<std::string, double> &t) {
    for (const auto &[k, v] : t)
        if (v != t.begin()->second) return false;
    return true;
}

std::string turnout_text(const std::map<std::string, double> &t) {
    std::string s;
    for (const auto &[k, v] : t)
        s += (s.empty() ? "" : ", ") + (k.empty() ? std::string("(no kind)") : k) + " " +
             std::to_string(static_cast<long>(std::lround(v))) + " s";
    return s;
}

nlohmann::json result_json(const SiteResult &r, const SiteSummary &summary, const SiteInput &in,
                           const std::string &source,
                           const std::map<std::string, double> &turnout) {
    nlohmann::json j = site_summary_json(summary);
    j["objective"] = site_objective_name(r.objective);
    j["demand"] = site_demand_name(r.demand);
    j["within_min"] = r2(r.within_s / 60.0);
    j["method"] = site_method_name(r.method);
    j["candidates"] = {
        {"source", source}, {"used", r.candidates_used}, {"off_network", r.candidates_off_network}};
    j["fixed"] = in.fixed.size();
    j["turnout_s"] = turnout; // by kind: added to every response time (scene [units])
    j["demand_off_network"] = r.demand_off_network;
    j["objective_before"] = num(r.objective_before);
    j["objective_after"] = num(r.objective_after);
    j["lower_bound"] = num(r.lower_bound);
    nlohmann::json moves = nlohmann::json::array();
    for (const auto &m : r.moves)
        moves.push_back(
            {{"unit", in.fixed[m.unit].id},
             {"to", r.sites[m.pick].id},
             {"distance_m", r2(distance(in.fixed[m.unit].position, r.sites[m.pick].position))}});
    j["moves"] = moves;
    auto zones = [](const std::vector<SiteZone> &zs) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto &z : zs) {
            nlohmann::json f = site_figures_json(site_figures_shown(z.figures));
            f["unit"] = z.unit_id;
            f["new"] = z.is_new;
            a.push_back(f);
        }
        return a;
    };
    j["zones_before"] = zones(r.zones_before);
    j["zones_after"] = zones(r.zones_after);
    j["table_entries"] = r.table_entries;
    j["solutions_evaluated"] = r.solutions_evaluated;
    j["timings_s"] = {{"table", r.seconds_table}, {"search", r.seconds_search}};
    return j;
}

/// The figures at the text's precision (weights and times whole, shares to 0.1 %), half up.
SiteFiguresShown as_printed(SiteFiguresShown f) {
    f.weight = half_up(f.weight, 0);
    f.covered_weight = half_up(f.covered_weight, 0);
    f.covered_pct = half_up(f.covered_pct, 1);
    f.mean_time_s = half_up(f.mean_time_s, 0);
    f.worst_time_s = half_up(f.worst_time_s, 0);
    return f;
}

void print_fig(const char *label, const SiteFiguresShown &shown) {
    const SiteFiguresShown f = as_printed(shown);
    std::printf("%s within standard %6.1f%% (%.0f of %.0f), mean %5.0f s, worst %5.0f s\n",
                pad(label, 8).c_str(), f.covered_pct, f.covered_weight, f.weight, f.mean_time_s,
                f.worst_time_s);
}

void print_text(const SiteResult &r, const SiteSummary &summary, const SiteInput &in,
                const std::string &source, const std::map<std::string, double> &turnout) {
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
    std::printf("Response time = turnout (%s) + car travel time\n", turnout_text(turnout).c_str());
    std::printf("Existing units: %zu; demand points: %zu", in.fixed.size(), r.before.points);
    if (r.demand_off_network)
        std::printf(" (%zu too far from the network left out)", r.demand_off_network);
    std::printf("\n\n%3s %s %11s %10s %10s %8s %8s %7s\n", "#", pad("site", 14).c_str(), "lon",
                "lat", "gain", "within%", "mean_s", "worst_s");
    for (const SiteRow &s : summary.sites) {
        const SiteFiguresShown f = as_printed(s.figures);
        std::printf("%3zu %s %11.6f %10.6f %10.1f %8.1f %8.0f %7.0f\n", s.rank,
                    pad(s.id, 14).c_str(), s.lon, s.lat, half_up(s.gain, 1), f.covered_pct,
                    f.mean_time_s, f.worst_time_s);
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
    print_fig("Before", summary.before);
    print_fig("After", summary.after);
    if (r.objective == SiteObjective::center && std::isfinite(r.lower_bound))
        std::printf("Worst time %.0f s; no choice of these sites does better than %.0f s\n",
                    r.objective_after, r.lower_bound);
    const SiteCrossing &gained = summary.moved_inside, &lost = summary.moved_outside;
    std::printf("Moved inside the standard: %zu points (%.0f %s)\n", gained.points,
                half_up(gained.weight, 0), unit_of(r).c_str());
    if (lost.points > 0) // only when units move away
        std::printf("Moved outside the standard: %zu points (%.0f %s), where a unit left\n",
                    lost.points, half_up(lost.weight, 0), unit_of(r).c_str());
    std::printf("\n");
    std::printf("Per zone (each demand point with the unit that responds first, turnout "
                "included), before -> after:\n");
    std::printf("%s %9s %9s %8s %8s %7s %7s\n", pad("unit", 14).c_str(), "weight", "->", "within%",
                "->", "mean_s", "->");
    auto find_after = [&](const std::string &id) -> const SiteZone * {
        for (const auto &z : r.zones_after)
            if (!z.is_new && z.unit_id == id) return &z;
        return nullptr;
    };
    for (const auto &z : r.zones_before) {
        const SiteZone *after = find_after(z.unit_id);
        const SiteFiguresShown b = as_printed(site_figures_shown(z.figures));
        if (after) {
            const SiteFiguresShown a = as_printed(site_figures_shown(after->figures));
            std::printf("%s %9.0f %9.0f %8.1f %8.1f %7.0f %7.0f\n", pad(z.unit_id, 14).c_str(),
                        b.weight, a.weight, b.covered_pct, a.covered_pct, b.mean_time_s,
                        a.mean_time_s);
        } else {
            std::printf("%s %9.0f %9s %8.1f %8s %7.0f %7s\n", pad(z.unit_id, 14).c_str(), b.weight,
                        "moved", b.covered_pct, "", b.mean_time_s, "");
        }
    }
    for (const auto &z : r.zones_after) {
        if (!z.is_new) continue;
        const SiteFiguresShown a = as_printed(site_figures_shown(z.figures));
        std::printf("%s %9s %9.0f %8s %8.1f %7s %7.0f\n", pad(z.unit_id, 14).c_str(), "new",
                    a.weight, "", a.covered_pct, "", a.mean_time_s);
    }
}

void write_gpkg(const SiteResult &r, const SiteSummary &summary, const SiteInput &in,
                const Network &net, const ZoneContext &ctx, const SiteOptions &so,
                const OutputArgs &out) {
    const std::string &new_kind = so.new_kind;
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
    for (const SiteRow &s : summary.sites) {
        std::string moved;
        for (const auto &m : r.moves)
            if (m.pick + 1 == s.rank) moved = in.fixed[m.unit].id;
        w.add_feature(ls, Geometry::of_point(s.position),
                      {std::int64_t(s.rank), s.id, s.name, s.gain, s.objective,
                       s.figures.covered_pct, s.figures.mean_time_s, s.figures.worst_time_s,
                       moved});
    }
    // the new zones: network Voronoi of the units after by car travel time (build_zones has no
    // turnout); its times are made response times by adding each zone's own unit's turnout.
    // With one turnout for all the units (the usual case: kiosks and new kiosks) the borders
    // are those of the per-zone figures; otherwise they are not, and the run says so.
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
    zd.description = "patrol zones after siting: road to the unit nearest by car travel time; "
                     "mean/worst_time_s are response times (turnout_s + travel)";
    zd.fields = {{"unit", FieldType::string},      {"new", FieldType::integer},
                 {"road_km", FieldType::real},     {"turnout_s", FieldType::real},
                 {"mean_time_s", FieldType::real}, {"worst_time_s", FieldType::real}};
    const std::size_t lz = w.add_layer(zd);
    for (std::size_t i = 0; i < plan.zones.size(); ++i) {
        const auto &z = plan.zones[i];
        const double t0 = turnout_of(so, after[i].kind);
        w.add_feature(lz, Geometry::of_polygons(z.polygon),
                      {z.kiosk_id, std::int64_t(i + r.sites.size() >= plan.zones.size() ? 1 : 0),
                       r2(z.road_length_m / 1000), r2(t0), r2(z.mean_time_s + t0),
                       r2(z.worst_time_s + t0)});
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
        Geometry g = r.demand == SiteDemand::roads ? Geometry::of_line(net.sub_line(p))
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

// ---- --objective seal ----

nlohmann::json seal_figures_json(std::size_t points, double weight, double sealed_w,
                                 std::size_t sealed_n) {
    return {{"points", points},
            {"weight", r2(weight)},
            {"sealed_weight", r2(sealed_w)},
            {"sealed_points", sealed_n},
            {"sealed_pct", r2(weight > 0 ? 100 * sealed_w / weight : 0)}};
}

nlohmann::json seal_result_json(const SealSiteResult &r, const MetricFrame &frame,
                                const SiteInput &in, const SiteOptions &so,
                                const SiteSealOptions &ss, const std::string &source) {
    nlohmann::json j;
    j["objective"] = "seal";
    j["demand"] = site_demand_name(so.demand);
    j["within_min"] = r2(ss.seal.within_s / 60.0);
    j["method"] = "greedy_shortlist";
    j["candidates"] = {
        {"source", source}, {"used", r.candidates_used}, {"off_network", r.candidates_off_network}};
    j["fixed"] = in.fixed.size();
    j["demand_off_network"] = r.demand_off_network;
    j["sample"] = {{"points", r.sample},
                   {"population", r.population},
                   {"seed", r.seed},
                   {"weight", r2(r.weight)},
                   {"margin95_pct", r2(100 * r.margin95)}};
    j["shortlist"] = r.shortlist;
    j["seal_model"] = {{"head_start_s", r2(ss.seal.head_start_s)},
                       {"margin_s", r2(ss.seal.margin_s)},
                       {"suspect_profile", profile_name(ss.seal.suspect.profile)},
                       {"suspect_speed_factor", r2(ss.seal.suspect.speed_factor)},
                       {"blocks_per_unit", ss.seal.blocks_per_unit}};
    j["lower_bound"] = nullptr;
    const double before_w = r.sealed_before;
    j["objective_before"] = r2(before_w);
    j["objective_after"] = r2(r.sites.empty() ? before_w : r.sites.back().sealed_weight);
    nlohmann::json sites = nlohmann::json::array();
    for (const auto &s : r.sites) {
        const LonLat ll = frame.to_lonlat(s.position);
        sites.push_back(
            {{"id", s.id},
             {"name", s.name},
             {"lon", std::round(ll.lon * 1e6) / 1e6},
             {"lat", std::round(ll.lat * 1e6) / 1e6},
             {"gain", r2(s.gain)},
             {"objective", r2(s.sealed_weight)},
             {"figures", seal_figures_json(r.sample, r.weight, s.sealed_weight, s.sealed_points)},
             {"proxy", r2(s.proxy)},
             {"evaluated", s.evaluated}});
    }
    j["sites"] = sites;
    j["moves"] = nlohmann::json::array();
    j["before"] = seal_figures_json(r.sample, r.weight, r.sealed_before, r.sealed_points_before);
    j["after"] = r.sites.empty()
                     ? j["before"]
                     : seal_figures_json(r.sample, r.weight, r.sites.back().sealed_weight,
                                         r.sites.back().sealed_points);
    j["reasons_before"] = r.reasons_before;
    j["seal_runs"] = r.seal_runs;
    j["seconds"] = {{"total", std::round(r.seconds * 1000) / 1000}};
    return j;
}

void print_seal_text(const SealSiteResult &r, const MetricFrame &frame, const SiteInput &in,
                     const SiteOptions &so, const SiteSealOptions &ss, const std::string &source) {
    std::printf("Siting: %zu new site%s among %zu candidates (%s), objective seal over %s: "
                "sealable within %.1f min\n",
                r.sites.size(), r.sites.size() == 1 ? "" : "s", r.candidates_used, source.c_str(),
                site_demand_name(so.demand), ss.seal.within_s / 60.0);
    std::printf("Method: greedy; at each pick the %zu candidates ranked best by a proxy (the open "
                "escape routes they get ahead of) are evaluated by seal-off on the sample; no "
                "optimality bound\n",
                r.shortlist);
    std::printf("Sample: %zu of %zu demand points", r.sample, r.population);
    if (r.sample < r.population) std::printf(" (seeded random sample, seed %u)", r.seed);
    std::printf(", weight %.0f; units that can block: %zu\n", r.weight, in.fixed.size());
    std::printf("Seal-off model: %s suspect (x%.2f), head start %.0f s, margin %.0f s, %d block%s "
                "per unit\n",
                profile_name(ss.seal.suspect.profile), ss.seal.suspect.speed_factor,
                ss.seal.head_start_s, ss.seal.margin_s, ss.seal.blocks_per_unit,
                ss.seal.blocks_per_unit == 1 ? "" : "s");
    if (r.candidates_off_network)
        std::printf("(%zu candidates more than 500 m from the car network left out)\n",
                    r.candidates_off_network);
    std::printf("\n%3s %-14s %11s %10s %10s %8s %9s\n", "#", "site", "lon", "lat", "gain",
                "sealed%", "evaluated");
    for (std::size_t i = 0; i < r.sites.size(); ++i) {
        const auto &s = r.sites[i];
        const LonLat ll = frame.to_lonlat(s.position);
        std::printf("%3zu %-14s %11.6f %10.6f %10.1f %8.1f %9zu\n", i + 1, s.id.c_str(), ll.lon,
                    ll.lat, s.gain, r.weight > 0 ? 100 * s.sealed_weight / r.weight : 0.0,
                    s.evaluated);
    }
    std::printf("gain: more sample weight (%s) sealable\n\n",
                so.demand == SiteDemand::incidents ? "incident grade weight"
                : so.demand == SiteDemand::roads   ? "m of road"
                                                   : "key sites");
    const double after = r.sites.empty() ? r.sealed_before : r.sites.back().sealed_weight;
    const std::size_t after_n =
        r.sites.empty() ? r.sealed_points_before : r.sites.back().sealed_points;
    std::printf("Before   sealable %6.1f%% (%.0f of %.0f, %zu points)\n",
                r.weight > 0 ? 100 * r.sealed_before / r.weight : 0.0, r.sealed_before, r.weight,
                r.sealed_points_before);
    std::printf("After    sealable %6.1f%% (%.0f of %.0f, %zu points)",
                r.weight > 0 ? 100 * after / r.weight : 0.0, after, r.weight, after_n);
    if (r.margin95 > 0)
        std::printf("; the sample's 95%% margin: +/- %.1f points", 100 * r.margin95);
    std::printf("\nWhy not sealable before:");
    for (const auto &[k, n] : r.reasons_before)
        std::printf(" %s %zu", k.c_str(), n);
    std::printf("\n(%zu seal-off plans computed, %.1f s)\n", r.seal_runs, r.seconds);
}

void write_seal_gpkg(const SealSiteResult &r, const Network &net, const OutputArgs &out) {
    VectorWriter w = open_output(out);
    LayerDef sd;
    sd.name = "sites";
    sd.geometry_type = Geometry::Type::point;
    sd.crs = net.crs();
    sd.description = "lugeo siting, seal objective: new sites in the order chosen";
    sd.fields = {{"rank", FieldType::integer},       {"site", FieldType::string},
                 {"name", FieldType::string},        {"gain", FieldType::real},
                 {"sealed_weight", FieldType::real}, {"sealed_pct", FieldType::real}};
    const std::size_t ls = w.add_layer(sd);
    for (std::size_t i = 0; i < r.sites.size(); ++i) {
        const auto &s = r.sites[i];
        w.add_feature(ls, Geometry::of_point(s.position),
                      {std::int64_t(i + 1), s.id, s.name, r2(s.gain), r2(s.sealed_weight),
                       r2(r.weight > 0 ? 100 * s.sealed_weight / r.weight : 0)});
    }
    LayerDef pd;
    pd.name = "sample";
    pd.geometry_type = Geometry::Type::point;
    pd.crs = net.crs();
    pd.description = "the demand points evaluated: sealable before, and from which new site on";
    pd.fields = {{"id", FieldType::string},
                 {"weight", FieldType::real},
                 {"sealed_before", FieldType::integer},
                 {"sealed_by_site", FieldType::integer},
                 {"reason_before", FieldType::string}};
    const std::size_t lp = w.add_layer(pd);
    for (const auto &p : r.points)
        w.add_feature(lp, Geometry::of_point(p.position),
                      {p.id, r2(p.weight), std::int64_t(p.sealed_before ? 1 : 0),
                       std::int64_t(p.sealed_by), p.reason_before});
    w.commit();
}

int run_site(const SiteCliOptions &o) {
    const auto objective = site_objective_from_name(o.objective);
    if (!objective)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("objective"),
                    "'" + o.objective + "' is not one of cover, median, center, seal");
    const Scene scene = resolve_scene(o.scene);
    // a new city rarely has incidents: then the road is the demand (said on stderr)
    const std::string demand_name = !o.demand.empty()                       ? o.demand
                                    : scene.has_layer(LayerRole::incidents) ? "incidents"
                                                                            : "roads";
    if (o.demand.empty() && demand_name == "roads" && !o.scene.quiet)
        std::cerr << "lugeo: note: the scene has no incidents layer: the demand is the road "
                     "length (--demand to choose)\n";
    const auto demand = site_demand_from_name(demand_name);
    if (!demand)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("demand"),
                    "'" + demand_name + "' is not one of incidents, roads, key_sites");
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
    } else if (*objective == SiteObjective::seal) {
        in.fixed = data.units; // every unit can hold a block in a seal-off
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
    so.turnout_s = data.settings.units.turnout_s;
    so.default_turnout_s = data.settings.units.default_turnout_s;
    so.new_kind = data.settings.site.new_kind;
    so.road_step_m = o.road_step_m;
    so.search = o.search == "exhaustive"  ? SiteSearch::exhaustive
                : o.search == "heuristic" ? SiteSearch::heuristic
                                          : SiteSearch::automatic;
    Progress bar("site", !o.scene.quiet);
    so.progress = bar.fn();
    if (*objective == SiteObjective::seal) {
        if (data.boundary.empty())
            throw Error(ErrorCode::missing_layer, ErrorContext::of_file(scene.path),
                        "the seal objective needs the scene's study boundary ([layers.boundary]): "
                        "a ring closes when no route leads outside it");
        SiteSealOptions ss;
        ss.seal = seal_options(data.settings.seal);
        ss.seal.within_s = so.within_s;
        ss.units = seal_unit_options(data.settings.seal, data.settings.units);
        ss.area.boundary = data.boundary;
        ss.sample = o.sample;
        ss.seed = o.seed;
        ss.shortlist = o.shortlist;
        const SealSiteResult r = plan_seal_sites(net, in, so, ss);
        bar.done();
        const MetricFrame frame(net.crs());
        if (!o.output.empty()) write_seal_gpkg(r, net, o.output);
        if (o.json)
            print_json(seal_result_json(r, frame, in, so, ss, in.candidates_source));
        else
            print_seal_text(r, frame, in, so, ss, in.candidates_source);
        if (!o.output.empty())
            std::cerr << "wrote " << r.sites.size() << " sites and the " << r.sample
                      << " sample points to " << o.output.path << "\n";
        return exit_ok;
    }
    const SiteResult r = plan_sites(net, in, so);
    bar.done();
    const SiteSummary summary = site_summary(r, MetricFrame(net.crs()));
    if (!o.output.empty()) write_gpkg(r, summary, in, net, ctx, so, o.output);
    if (o.json)
        print_json(result_json(r, summary, in, in.candidates_source, turnouts_used(in, so)));
    else
        print_text(r, summary, in, in.candidates_source, turnouts_used(in, so));
    if (!o.output.empty() && !one_turnout(turnouts_used(in, so)) && !o.scene.quiet)
        std::cerr << "lugeo: note: the zones layer gives road to the unit nearest by travel time "
                     "(without turnout); the turnouts differ by kind ("
                  << turnout_text(turnouts_used(in, so))
                  << "), so its borders are not those of the per-zone figures, which give each "
                     "demand point to the unit that responds first\n";
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
    cmd->add_option("--add", opts->add, "New sites to choose")
        ->check(count_in(0, 1000))
        ->capture_default_str();
    cmd->add_option("--candidates", opts->candidates,
                    "Where new sites may go: junctions (every node of the car network), plates "
                    "(the scene's poles and lamps), grid:N (one per N m cell), units:KIND (the "
                    "scene's units of a kind), or a point layer FILE[:LAYER]")
        ->option_text("SET|FILE[:LAYER]")
        ->capture_default_str();
    cmd->add_option("--objective", opts->objective,
                    "cover (most demand within --within minutes), median (lowest weighted mean "
                    "time), center (lowest worst time) or seal (most demand sealable within "
                    "--within minutes, on a sample)")
        ->check(CLI::IsMember({"cover", "median", "center", "seal"}))
        ->capture_default_str();
    cmd->add_option("--demand", opts->demand,
                    "What is measured: incidents (weighted red 8, orange 4, blue 2, green 1), "
                    "roads (length) or key_sites; default: incidents when the scene has an "
                    "incidents layer, else roads")
        ->check(CLI::IsMember({"incidents", "roads", "key_sites"}));
    cmd->add_option("--within", opts->within_min,
                    "The response standard in minutes (seal: the ring's deadline)")
        ->check(real_in(0, 120, Bound::open, Bound::closed, "minutes"))
        ->option_text("MIN")
        ->capture_default_str();
    cmd->add_option("--fixed", opts->fixed,
                    "Existing units that stay: a unit layer FILE[:LAYER], units:KIND, or none; "
                    "default: the scene's kiosks")
        ->option_text("FILE[:LAYER]|units:KIND|none");
    cmd->add_option("--relocate", opts->relocate, "Existing units that may move to a candidate")
        ->check(count_in(0, 1000))
        ->option_text("N")
        ->capture_default_str();
    cmd->add_option("--search", opts->search,
                    "auto (exhaustive when small enough), exhaustive, or heuristic")
        ->check(CLI::IsMember({"auto", "exhaustive", "heuristic"}))
        ->capture_default_str();
    cmd->add_option("--road-step", opts->road_step_m,
                    "--demand roads: one demand point per road piece of at most this length (m)")
        ->check(real_in(1, 10000, Bound::closed, Bound::closed, "metres"))
        ->capture_default_str();
    cmd->add_option("--sample", opts->sample,
                    "--objective seal: demand points evaluated (a seeded random sample when there "
                    "are more)")
        ->check(count_in(1, 100000))
        ->capture_default_str();
    cmd->add_option("--seed", opts->seed, "--objective seal: the sample's random seed")
        ->check(count_in(0, 4294967295LL))
        ->capture_default_str();
    cmd->add_option("--shortlist", opts->shortlist,
                    "--objective seal: candidates evaluated by seal-off at each pick (the best "
                    "by the proxy)")
        ->check(count_in(1, 10000))
        ->capture_default_str();
    add_output_options(*cmd, opts->output, "Write layers",
                       "sites, zones (the new zones), units, changed");
    cmd->add_flag("--json", opts->json, "Machine-readable result on stdout");
    set_examples(*cmd,
                 "  lugeo site --add 1                             # the demo's seventh kiosk\n"
                 "  lugeo site --add 3 --objective median --json\n"
                 "  lugeo site --add 2 --objective center --demand roads\n"
                 "  lugeo site --add 0 --relocate 1                # would moving one kiosk help?\n"
                 "  lugeo site --add 2 --candidates units:community_room -o site.gpkg\n"
                 "  lugeo site --add 2 --objective seal --sample 100  # more incidents sealable\n");
    cmd->callback([opts, cmd] { run_command(cmd, [&] { return run_site(*opts); }); });
}

} // namespace lugeo::cli
