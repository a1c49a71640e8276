// lugeo seal PLATE_ID | LON,LAT — seal-off (封控): blocks, units, and whether the ring closes
// before the suspect is out; `--exits` (one unit per exit); `--all` (city-wide shares).
#include "output.hpp"
#include "plate_common.hpp"
#include "present.hpp"

#include <lugeo/error.hpp>
#include <lugeo/io.hpp>
#include <lugeo/isochrone.hpp>
#include <lugeo/seal.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>

namespace lugeo::cli {

namespace {

struct SealCliOptions {
    SceneArgs scene;
    std::string where;
    std::optional<double> head_start_min, within_min, margin_s, turnout_min;
    std::string suspect;
    std::optional<int> blocks_per_unit;
    std::string exits, fixed;
    bool all = false;
    std::string over; ///< --all over grids | incidents
    bool no_head_start_search = false;
    OutputArgs output;
    bool json = false;
};

double r1(double v) {
    return std::round(v * 10) / 10;
}
nlohmann::json num(double v, double step = 0.1) {
    if (!std::isfinite(v)) return nullptr;
    return std::round(v / step) * step;
}

/// m:ss (negative: -m:ss; infinite: "never").
std::string mss(double s) {
    if (!std::isfinite(s)) return s > 0 ? "never" : "-";
    const bool neg = s < 0;
    long t = std::lround(std::fabs(s));
    char b[32];
    std::snprintf(b, sizeof b, "%s%ld:%02ld", neg ? "-" : "", t / 60, t % 60);
    return b;
}

std::string join(const std::vector<std::string> &v, const char *sep) {
    std::string s;
    for (const auto &x : v)
        s += (s.empty() ? "" : sep) + x;
    return s;
}

std::string place_name(const Network &net, std::uint32_t node) {
    const auto r = roads_at(net, node);
    return r.empty() ? std::string("(unnamed roads)") : join(r, " × ");
}

std::vector<XY> read_points(const Scene &scene, const SceneData &data, const SceneArgs &args,
                            const std::string &arg, const std::string &role,
                            std::vector<KeySite> *sites) {
    LayerReport rep;
    std::vector<KeySite> s =
        read_key_sites(layer_spec_from_arg(arg, role), layer_context(scene, data, args), &rep);
    check_extra_layer(rep, data, args);
    std::vector<XY> out;
    for (const auto &k : s)
        out.push_back(k.position);
    if (sites) *sites = std::move(s);
    return out;
}

SealRequest seal_request(const SealCliOptions &o) {
    SealRequest r;
    r.suspect = o.suspect;
    r.head_start_min = o.head_start_min;
    r.within_min = o.within_min;
    r.margin_s = o.margin_s;
    r.turnout_min = o.turnout_min;
    r.blocks_per_unit = o.blocks_per_unit;
    r.no_head_start_search = o.no_head_start_search;
    return r;
}

nlohmann::json lonlat_json(const MetricFrame &f, XY p) {
    const LonLat ll = f.to_lonlat(p);
    return {{"lon", std::round(ll.lon * 1e7) / 1e7}, {"lat", std::round(ll.lat * 1e7) / 1e7}};
}

// ---- one incident ----------------------------------------------------------------------------

void write_layers(const OutputArgs &out, const SealContext &ctx, const SealPlan &plan,
                  const SealOptions &so, const MetricFrame &frame, bool quiet) {
    const Network &net = ctx.network();
    VectorWriter w = open_output(out);
    const std::string crs = net.crs();
    LayerDef bd{"blocks", Geometry::Type::point, {}, crs, "road blocks: unit, arrival, margin"};
    bd.fields = {{"rank", FieldType::integer},   {"unit", FieldType::string},
                 {"kind", FieldType::string},    {"arrival_s", FieldType::real},
                 {"suspect_s", FieldType::real}, {"margin_s", FieldType::real},
                 {"fixed", FieldType::integer},  {"roads", FieldType::string},
                 {"node", FieldType::integer},   {"lon", FieldType::real},
                 {"lat", FieldType::real}};
    const std::size_t LB = w.add_layer(bd);
    LayerDef rd{"unit_routes", Geometry::Type::line, {}, crs, "each unit's route to its block"};
    rd.fields = {
        {"unit", FieldType::string}, {"block", FieldType::integer}, {"arrival_s", FieldType::real}};
    const std::size_t LR = w.add_layer(rd);
    for (std::size_t i = 0; i < plan.blocks.size(); ++i) {
        const SealBlock &b = plan.blocks[i];
        const LonLat ll = frame.to_lonlat(b.position);
        const std::string unit = b.fixed ? std::string("checkpoint") : ctx.units()[b.unit].id;
        w.add_feature(
            LB, Geometry::of_point(b.position),
            {std::int64_t(i + 1), unit,
             b.fixed ? std::string("checkpoint") : ctx.units()[b.unit].kind, r1(b.arrival_s),
             std::isfinite(b.suspect_s) ? FieldValue(r1(b.suspect_s)) : FieldValue(),
             std::isfinite(b.margin_s) ? FieldValue(r1(b.margin_s)) : FieldValue(),
             std::int64_t(b.fixed), place_name(net, b.node), std::int64_t(b.node), ll.lon, ll.lat});
        if (!b.fixed) {
            LineString l = ctx.unit_route(b.unit, b.node);
            if (l.size() >= 2)
                w.add_feature(LR, Geometry::of_line(std::move(l)),
                              {unit, std::int64_t(i + 1), r1(b.arrival_s)});
        }
    }
    LayerDef ed{"enclosed",
                Geometry::Type::polygon,
                {},
                crs,
                "the area inside the ring (its roads buffered by 50 m)"};
    ed.fields = {{"sealed", FieldType::integer},
                 {"road_km", FieldType::real},
                 {"area_km2", FieldType::real}};
    const std::size_t LE = w.add_layer(ed);
    std::vector<char> in(net.node_count(), 0);
    for (std::uint32_t v : plan.enclosed)
        in[v] = 1;
    std::vector<EdgePiece> pieces;
    for (std::uint32_t e = 0; e < net.edge_count(); ++e)
        if (in[net.edge(e).from] && in[net.edge(e).to])
            pieces.push_back({e, 0.0, net.edge(e).length_m, 0.0, 0.0, 0});
    if (!pieces.empty()) {
        MultiPolygon mp = pieces_to_polygon(net, pieces, {});
        const double a = area(mp);
        w.add_feature(LE, Geometry::of_polygons(std::move(mp)),
                      {std::int64_t(plan.sealed), r1(plan.enclosed_road_m / 1000.0 * 10) / 10,
                       std::round(a / 1e4) / 100});
    }
    LayerDef sd{"suspect_reach",
                Geometry::Type::line,
                {},
                crs,
                "road the suspect can have covered when the ring closes (blocks in place)"};
    sd.fields = {{"t_s", FieldType::real}};
    const std::size_t LS = w.add_layer(sd);
    const double t = plan.sealed ? plan.ring_complete_s : so.within_s;
    for (auto &l : suspect_reach(ctx, plan.at, plan.blocks, so, t))
        w.add_feature(LS, Geometry::of_line(std::move(l)), {r1(t)});
    if (!plan.open_routes.empty()) {
        LayerDef od{"open_routes",
                    Geometry::Type::line,
                    {},
                    crs,
                    "escape routes that stay open, with the place a block is missing"};
        od.fields = {{"rank", FieldType::integer},
                     {"out_s", FieldType::real},
                     {"open_at", FieldType::string},
                     {"why", FieldType::string}};
        const std::size_t LO = w.add_layer(od);
        for (std::size_t i = 0; i < plan.open_routes.size(); ++i) {
            const auto &r = plan.open_routes[i];
            w.add_feature(LO, Geometry::of_line(route_line(net, r.nodes)),
                          {std::int64_t(i + 1), r1(r.out_s), place_name(net, r.open_node), r.why});
        }
    }
    w.commit();
    report_written(w, quiet);
}

int run_one(const SealCliOptions &o) {
    std::optional<LonLatArg> at;
    if (looks_like_lonlat(o.where)) at = parse_lonlat_arg(o.where, "position", false);
    // a position needs no plate layer; a plate ID does
    PlateWorld w = load_plate_world(o.scene, true, {LayerRole::units, LayerRole::boundary}, !at);
    if (!o.output.empty()) check_not_input(w.scene, o.output.path);
    if (!w.network)
        throw Error(ErrorCode::missing_layer, ErrorContext::of_file(w.scene.path),
                    "seal-off needs the scene's roads");
    const Network &net = *w.network;
    XY point;
    LonLat lonlat;
    std::optional<std::size_t> plate;
    if (at) {
        lonlat = at->lonlat;
        point = w.frame.to_metric(lonlat);
    } else {
        const LocateResult r = w.registry.locate(o.where);
        if (r.kind == MatchKind::invalid)
            throw Error(ErrorCode::invalid_argument,
                        "'" + o.where + "' is neither a plate ID nor LON,LAT: " + r.error);
        if (!r.exact) {
            std::cerr << "lugeo: '" << o.where << "' is not a plate in the registry";
            if (!r.candidates.empty()) {
                std::cerr << "; did the caller mean:";
                for (const auto &c : r.candidates)
                    std::cerr << " " << c.id << " (" << c.explanation << ")";
            }
            std::cerr << "\n  resolve it first: lugeo locate '" << o.where << "'\n";
            return exit_findings;
        }
        plate = *r.exact;
        point = w.registry.plates()[*plate].position;
        lonlat = w.registry.plates()[*plate].lonlat;
    }
    const SealSetup s = seal_setup(w.data.settings.seal, w.data.settings.units, seal_request(o));
    SealArea area;
    if (!o.exits.empty())
        area.exits = read_points(w.scene, w.data, o.scene, o.exits, "exits", nullptr);
    else if (w.data.boundary.empty())
        throw Error(ErrorCode::missing_layer, ErrorContext::of_file(w.scene.path),
                    "the scene has no study boundary ([layers.boundary]): give --exits LAYER");
    else
        area.boundary = w.data.boundary;
    if (!o.fixed.empty())
        area.fixed = read_points(w.scene, w.data, o.scene, o.fixed, "checkpoints", nullptr);
    const auto t0 = std::chrono::steady_clock::now();
    const SealContext ctx = [&] {
        try {
            return SealContext(net, w.data.units, area, s.units);
        } catch (const Error &e) {
            // the boundary holds every node: name the boundary and the roads it holds
            const LayerReport *b = w.data.report(LayerRole::boundary);
            const LayerReport *r = w.data.report(LayerRole::roads);
            if (!e.context().empty() || !o.exits.empty() || !b || !r) throw;
            throw Error(e.code(), layer_context(*b),
                        e.message() + "; the roads: " + layer_where(*r));
        }
    }();
    const auto t1 = std::chrono::steady_clock::now();
    const SealPlan plan = seal_incident(ctx, point, s.options);
    const auto t2 = std::chrono::steady_clock::now();
    const double ctx_s = std::chrono::duration<double>(t1 - t0).count();
    const double plan_s = std::chrono::duration<double>(t2 - t1).count();
    if (!o.scene.quiet)
        for (const auto &wmsg : ctx.warnings())
            std::cerr << "lugeo: note: " << wmsg << "\n";
    if (!plan.snapped) {
        const LayerReport *r = w.data.report(LayerRole::roads);
        throw Error(ErrorCode::off_network, r ? layer_context(*r) : ErrorContext{},
                    "the incident at " + fmt(lonlat.lon, 6) + ", " + fmt(lonlat.lat, 6) +
                        " is more than " + fmt(s.options.snap_max_m, 0) +
                        " m from every road of this layer the suspect can use");
    }
    if (!o.output.empty()) {
        write_layers(o.output, ctx, plan, s.options, w.frame, o.scene.quiet);
    }
    const SealOptions &so = s.options;
    if (o.json) {
        print_json(seal_json(ctx, plan, s, point, plate ? w.registry.plates()[*plate].id : "",
                             w.data.crs, w.frame, o.exits.empty() ? "boundary" : "exits", ctx_s,
                             plan_s));
        return plan.sealed ? exit_ok : exit_findings;
    }

    std::cout << "Seal-off at " << fmt(lonlat.lon, 7) << ", " << fmt(lonlat.lat, 7);
    if (plate) std::cout << " (plate " << w.registry.plates()[*plate].id << ")";
    std::cout << "\n  suspect: " << s.suspect_name << " (" << profile_name(so.suspect.profile)
              << " ×" << fmt(so.suspect.speed_factor, 2) << ", "
              << (so.suspect.obey_oneway ? "keeps to" : "ignores") << " one-way streets), left "
              << mss(so.head_start_s) << " before the report; ring within " << mss(so.within_s)
              << ", margin " << fmt(so.margin_s, 0) << " s; outside = "
              << (o.exits.empty() ? "beyond the study boundary"
                                  : std::to_string(ctx.exit_nodes().size()) + " exits")
              << "\n\n";
    auto print_blocks = [&] {
        std::printf("  %s %s %s %8s %8s %7s  %s\n", pad("#", 3).c_str(), pad("unit", 16).c_str(),
                    pad("kind", 15).c_str(), "arrives", "suspect", "margin", "at");
        for (std::size_t i = 0; i < plan.blocks.size(); ++i) {
            const SealBlock &b = plan.blocks[i];
            std::printf("  %-3zu %s %s %8s %8s %7s  %s\n", i + 1,
                        pad(b.fixed ? "checkpoint" : ctx.units()[b.unit].id.c_str(), 16).c_str(),
                        pad(b.fixed ? "fixed" : ctx.units()[b.unit].kind.c_str(), 15).c_str(),
                        mss(b.arrival_s).c_str(),
                        std::isfinite(b.suspect_s) ? mss(b.suspect_s).c_str() : "later",
                        std::isfinite(b.margin_s) ? mss(b.margin_s).c_str() : "-",
                        place_name(net, b.node).c_str());
        }
        std::fflush(stdout);
    };
    if (plan.sealed) {
        std::cout << "SEALED: the ring is complete at " << mss(plan.ring_complete_s) << " with "
                  << plan.blocks.size() << " block" << (plan.blocks.size() == 1 ? "" : "s") << "; "
                  << fmt(plan.enclosed_road_m / 1000.0, 2) << " km of road inside\n";
        std::cout << "  lower bounds: ring " << mss(plan.lower_bound_ring_s) << ", "
                  << plan.lower_bound_blocks << " blocks — "
                  << (plan.exact ? "the plan meets both (exact)" : "a heuristic plan") << "\n\n";
        print_blocks();
    } else {
        std::cout << "NOT SEALED within " << mss(so.within_s) << ": " << plan.reason << "\n";
        if (plan.seal_head_start_s)
            std::cout << "  it would seal with a head start of " << mss(*plan.seal_head_start_s)
                      << " or less\n";
        else if (so.find_head_start && so.head_start_s > 0)
            std::cout << "  it would not seal even with no head start\n";
        if (!plan.blocks.empty()) {
            std::cout << "\nBest partial plan (" << plan.blocks.size() << " blocks):\n";
            print_blocks();
        }
        std::cout << "\nRoutes that stay open (earliest first):\n";
        for (std::size_t i = 0; i < plan.open_routes.size(); ++i) {
            const auto &r = plan.open_routes[i];
            std::cout << "  " << i + 1 << ". out at " << mss(r.out_s) << " via "
                      << place_name(net, r.open_node) << ": " << r.why << "\n";
        }
    }
    const SealCertificate &c = plan.certificate;
    std::cout << "\nCertificate: an independent time-dependent search of the suspect, each block "
                 "closing at its arrival, "
              << (c.holds ? "finds no way out" : "finds a way out at " + mss(c.escape_s)) << " ("
              << c.settled << " junctions settled)";
    if (c.holds && std::isfinite(c.min_margin_s))
        std::cout << "; least margin " << mss(c.min_margin_s);
    std::cout << "\nTime: units " << fmt(ctx_s * 1000, 0) << " ms, plan " << fmt(plan_s * 1000, 0)
              << " ms\n";
    return plan.sealed ? exit_ok : exit_findings;
}

// ---- exits -----------------------------------------------------------------------------------

int run_exits(const SealCliOptions &o) {
    std::optional<LonLatArg> at;
    PlateWorld w = load_plate_world(o.scene, true, {LayerRole::units, LayerRole::boundary}, false);
    if (!w.network)
        throw Error(ErrorCode::missing_layer, ErrorContext::of_file(w.scene.path),
                    "seal-off needs the scene's roads");
    const Network &net = *w.network;
    const SealSetup s = seal_setup(w.data.settings.seal, w.data.settings.units, seal_request(o));
    std::vector<KeySite> sites;
    const std::vector<XY> exits = read_points(w.scene, w.data, o.scene, o.exits, "exits", &sites);
    SealArea area;
    area.exits = exits;
    const SealContext ctx(net, w.data.units, area, s.units);
    const ExitPlan p = seal_exits(ctx, exits, s.options.blocks_per_unit);
    const ExitAssignment &a = p.assignment;
    if (o.json) {
        nlohmann::json j;
        j["complete"] = a.complete;
        j["latest_s"] = num(a.latest_s);
        j["method"] = "bottleneck assignment (threshold search + bipartite matching), exact";
        j["exits"] = nlohmann::json::array();
        for (std::size_t x = 0; x < exits.size(); ++x) {
            nlohmann::json e = lonlat_json(w.frame, exits[x]);
            e["id"] = sites[x].id;
            e["name"] = sites[x].name;
            e["snapped"] = static_cast<bool>(p.snapped[x]);
            const bool has = a.unit[x] != ExitAssignment::npos;
            e["unit"] = has ? nlohmann::json(ctx.units()[a.unit[x]].id) : nullptr;
            e["kind"] = has ? nlohmann::json(ctx.units()[a.unit[x]].kind) : nullptr;
            e["arrival_s"] = has ? num(a.arrival_s[x]) : nullptr;
            j["exits"].push_back(e);
        }
        print_json(j);
        return a.complete ? exit_ok : exit_findings;
    }
    std::cout << "Block the exits: " << exits.size() << " exits, " << ctx.units().size()
              << " units, " << s.options.blocks_per_unit
              << " per unit (bottleneck assignment, exact)\n";
    if (a.complete)
        std::cout << "  every exit is held by " << mss(a.latest_s) << "\n\n";
    else
        std::cout << "  NOT every exit can be held (too few units reach them)\n\n";
    std::printf("  %s %s %s %8s\n", pad("exit", 12).c_str(), pad("unit", 16).c_str(),
                pad("kind", 15).c_str(), "arrives");
    for (std::size_t x = 0; x < exits.size(); ++x) {
        const bool has = a.unit[x] != ExitAssignment::npos;
        std::printf("  %s %s %s %8s\n", pad(sites[x].id, 12).c_str(),
                    pad(has ? ctx.units()[a.unit[x]].id.c_str() : "(none)", 16).c_str(),
                    pad(has ? ctx.units()[a.unit[x]].kind.c_str() : "", 15).c_str(),
                    has ? mss(a.arrival_s[x]).c_str() : "-");
    }
    std::fflush(stdout);
    return a.complete ? exit_ok : exit_findings;
}

// ---- all -------------------------------------------------------------------------------------

int run_all(const SealCliOptions &o) {
    const Scene scene = resolve_scene(o.scene);
    if (!o.output.empty()) check_not_input(scene, o.output.path);
    std::string over = o.over;
    if (over.empty()) over = scene.has_layer(LayerRole::grids) ? "grids" : "incidents";
    if (over != "grids" && over != "incidents")
        throw Error(ErrorCode::invalid_argument,
                    "--over '" + over + "': expected grids or incidents");
    const LayerRole role = over == "grids" ? LayerRole::grids : LayerRole::incidents;
    if (!scene.has_layer(role))
        throw Error(ErrorCode::missing_layer, ErrorContext::of_file(scene.path),
                    "the scene has no " + over + " layer");
    std::vector<LayerRole> roles = {LayerRole::roads, LayerRole::units, LayerRole::boundary, role};
    if (scene.has_layer(LayerRole::zones)) roles.push_back(LayerRole::zones);
    SceneData data = read_data(scene, o.scene, roles);
    const Network net = load_network(data, o.scene);
    SealSetup s = seal_setup(data.settings.seal, data.settings.units, seal_request(o));
    s.options.find_head_start = false; // city-wide: the yes/no and the reason
    s.options.open_routes = 1;
    SealArea area;
    if (!o.exits.empty())
        area.exits = read_points(scene, data, o.scene, o.exits, "exits", nullptr);
    else if (data.boundary.empty())
        throw Error(ErrorCode::missing_layer, ErrorContext::of_file(scene.path),
                    "the scene has no study boundary ([layers.boundary]): give --exits LAYER");
    else
        area.boundary = data.boundary;
    if (!o.fixed.empty())
        area.fixed = read_points(scene, data, o.scene, o.fixed, "checkpoints", nullptr);
    const auto t0 = std::chrono::steady_clock::now();
    const SealContext ctx(net, data.units, area, s.units);
    struct Item {
        std::string id, zone, grade;
        XY at;
        const NamedArea *cell = nullptr;
    };
    std::vector<Item> items;
    auto zone_of = [&](XY p) -> std::string {
        for (const auto &z : data.zones)
            if (contains(z.area, p)) return z.id;
        return "";
    };
    if (role == LayerRole::grids) {
        const auto pts = points_of(data, LayerRole::grids);
        for (std::size_t i = 0; i < pts.size(); ++i)
            items.push_back(
                {pts[i].id,
                 data.grids[i].parent.empty() ? zone_of(pts[i].position) : data.grids[i].parent, "",
                 pts[i].position, &data.grids[i]});
    } else {
        for (const auto &inc : data.incidents)
            items.push_back({inc.id, zone_of(inc.position), incident_grade_name(inc.grade),
                             inc.position, nullptr});
    }
    struct Share {
        std::size_t n = 0, sealed = 0;
    };
    std::map<std::string, Share> by_zone, by_grade;
    std::map<std::string, std::size_t> reasons;
    Share total;
    std::vector<SealPlan> plans;
    plans.reserve(items.size());
    Progress bar("sealing", !o.scene.quiet);
    for (std::size_t i = 0; i < items.size(); ++i) {
        plans.push_back(seal_incident(ctx, items[i].at, s.options));
        const SealPlan &p = plans.back();
        const bool ok = p.snapped && p.sealed;
        ++total.n;
        total.sealed += ok;
        ++by_zone[items[i].zone].n;
        by_zone[items[i].zone].sealed += ok;
        if (!items[i].grade.empty()) {
            ++by_grade[items[i].grade].n;
            by_grade[items[i].grade].sealed += ok;
        }
        if (!ok) ++reasons[p.snapped ? p.reason_code : "off_network"];
        bar(double(i + 1) / double(items.size()), "");
    }
    bar.done();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto share = [](const Share &x) { return x.n ? double(x.sealed) / double(x.n) : 0.0; };

    if (!o.output.empty()) {
        VectorWriter w = open_output(o.output);
        const bool polys = role == LayerRole::grids;
        LayerDef d{"seal_" + over,
                   polys ? Geometry::Type::polygon : Geometry::Type::point,
                   {},
                   net.crs(),
                   "can it be sealed within the ring time, and why not"};
        d.fields = {{"id", FieldType::string},     {"zone", FieldType::string},
                    {"grade", FieldType::string},  {"sealed", FieldType::integer},
                    {"ring_s", FieldType::real},   {"blocks", FieldType::integer},
                    {"reason", FieldType::string}, {"seal_lb_s", FieldType::real}};
        const std::size_t L = w.add_layer(d);
        LayerDef nd{"not_sealed",
                    Geometry::Type::point,
                    {},
                    net.crs(),
                    "where it cannot be sealed, and why"};
        nd.fields = {
            {"id", FieldType::string}, {"zone", FieldType::string}, {"reason", FieldType::string}};
        const std::size_t LN = w.add_layer(nd);
        for (std::size_t i = 0; i < items.size(); ++i) {
            const SealPlan &p = plans[i];
            const bool ok = p.snapped && p.sealed;
            const std::string why = ok ? "" : p.snapped ? p.reason_code : "off_network";
            Geometry g = polys ? Geometry::of_polygons(items[i].cell->area)
                               : Geometry::of_point(items[i].at);
            w.add_feature(L, g,
                          {items[i].id, items[i].zone, items[i].grade, std::int64_t(ok),
                           ok ? FieldValue(r1(p.ring_complete_s)) : FieldValue(),
                           ok ? FieldValue(std::int64_t(p.blocks.size())) : FieldValue(), why,
                           std::isfinite(p.lower_bound_ring_s)
                               ? FieldValue(r1(p.lower_bound_ring_s))
                               : FieldValue()});
            if (!ok)
                w.add_feature(LN, Geometry::of_point(items[i].at),
                              {items[i].id, items[i].zone, why});
        }
        w.commit();
        report_written(w, o.scene.quiet);
    }
    if (o.json) {
        nlohmann::json j;
        j["over"] = over;
        j["within_s"] = s.options.within_s;
        j["head_start_s"] = s.options.head_start_s;
        j["suspect"] = s.suspect_name;
        j["count"] = total.n;
        j["sealed"] = total.sealed;
        j["share"] = std::round(share(total) * 1e4) / 1e4;
        j["by_zone"] = nlohmann::json::array();
        for (const auto &[z, x] : by_zone)
            j["by_zone"].push_back(
                {{"zone", z.empty() ? nlohmann::json(nullptr) : nlohmann::json(z)},
                 {"count", x.n},
                 {"sealed", x.sealed},
                 {"share", std::round(share(x) * 1e4) / 1e4}});
        j["by_grade"] = nlohmann::json::array();
        for (const auto &[g, x] : by_grade)
            j["by_grade"].push_back({{"grade", g},
                                     {"count", x.n},
                                     {"sealed", x.sealed},
                                     {"share", std::round(share(x) * 1e4) / 1e4}});
        j["not_sealed_reasons"] = reasons;
        j["timings_s"] = {{"total", secs}};
        print_json(j);
        return exit_ok;
    }
    std::cout << "Seal-off within " << mss(s.options.within_s) << " for every "
              << (over == "grids" ? "grid cell" : "incident") << " (suspect " << s.suspect_name
              << ", head start " << mss(s.options.head_start_s) << ", " << ctx.units().size()
              << " units)\n";
    std::cout << "  sealable: " << total.sealed << " of " << total.n << " ("
              << fmt(100.0 * share(total), 1) << "%)\n\n  by zone:\n";
    for (const auto &[z, x] : by_zone)
        std::printf("    %s %5zu of %5zu  %5.1f%%\n",
                    pad(z.empty() ? "(none)" : z.c_str(), 12).c_str(), x.sealed, x.n,
                    100.0 * share(x));
    if (!by_grade.empty()) {
        std::printf("  by grade:\n");
        for (const auto &[g, x] : by_grade)
            std::printf("    %s %5zu of %5zu  %5.1f%%\n", pad(g, 12).c_str(), x.sealed, x.n,
                        100.0 * share(x));
    }
    std::fflush(stdout);
    if (!reasons.empty()) {
        std::cout << "  why not:\n";
        for (const auto &[r, n] : reasons)
            std::cout << "    " << n << "  " << r << "\n";
    }
    std::cout << "Time: " << fmt(secs, 2) << " s ("
              << fmt(1000.0 * secs / std::max<std::size_t>(1, total.n), 1) << " ms each)\n";
    return exit_ok;
}

int run_seal(const SealCliOptions &o) {
    if (o.all) {
        if (!o.where.empty())
            throw Error(ErrorCode::invalid_argument, "--all takes no incident position");
        return run_all(o);
    }
    if (o.where.empty()) {
        if (!o.exits.empty()) return run_exits(o);
        throw Error(ErrorCode::invalid_argument,
                    "give a plate ID or LON,LAT, or --exits LAYER, or --all");
    }
    return run_one(o);
}

} // namespace

void register_seal(CLI::App &app) {
    auto o = std::make_shared<SealCliOptions>();
    auto *cmd = app.add_subcommand(
        "seal", "Seal-off (封控): road blocks, which unit goes where, and whether the ring closes "
                "before the suspect is out");
    add_scene_options(*cmd, o->scene, false);
    cmd->add_option("where", o->where, "A plate ID (exact) or LON,LAT (WGS84)")
        ->option_text("PLATE_ID|LON,LAT");
    cmd->add_option("--head-start", o->head_start_min,
                    "Minutes the suspect left before the report (scene [seal], else 1)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--within", o->within_min,
                    "The ring must be complete within this many minutes (scene [seal], else 5)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--margin", o->margin_s,
                    "Seconds a unit must be at its block before the suspect (else 10)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--suspect", o->suspect,
                    "Suspect profile: car, ebike, walk or one of the scene's [seal.suspects]");
    cmd->add_option("--turnout", o->turnout_min,
                    "One turnout delay in minutes for every unit (overrides the scene's by kind)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--blocks-per-unit", o->blocks_per_unit, "Blocks one unit may hold (1)")
        ->check(CLI::Range(1, 100));
    cmd->add_option("--exits", o->exits,
                    "Point layer of exits: with an incident, outside = the exits; alone, one "
                    "unit per exit minimising the latest arrival")
        ->option_text("FILE[:LAYER]");
    cmd->add_option("--fixed", o->fixed, "Point layer of staffed checkpoints (blocks from t = 0)")
        ->option_text("FILE[:LAYER]");
    cmd->add_flag("--all", o->all,
                  "Every grid cell (or incident, --over incidents): sealable within --within?");
    cmd->add_option("--over", o->over,
                    "With --all: grids (default when the scene has them) or "
                    "incidents");
    cmd->add_flag("--no-head-start-search", o->no_head_start_search,
                  "When it does not seal, do not search the head start at which it would");
    add_output_options(*cmd, o->output, "Write layers",
                       "blocks, unit_routes, enclosed, suspect_reach, open_routes (with --all: "
                       "seal_grids or seal_incidents)");
    cmd->add_flag("--json", o->json, "Machine-readable output (docs/seal.md)");
    set_examples(*cmd, "  lugeo seal 104.0690,30.6640                     # the demo scene\n"
                       "  lugeo seal L104-0001 --head-start 0.5 --suspect ebike --json\n"
                       "  lugeo seal 104.0690,30.6640 -o seal.gpkg       # blocks, routes, ring\n"
                       "  lugeo seal --exits exits.geojson                # one unit per exit\n"
                       "  lugeo seal --all --within 5                     # every grid cell\n"
                       "Exit codes: 0 sealed (or every exit held), 1 not sealed (or not a plate),\n"
                       "2 bad command line, 3 bad input.\n");
    cmd->callback([o, cmd] { run_command(cmd, [&] { return run_seal(*o); }); });
}

} // namespace lugeo::cli
