// lugeo isochrones: 1-, 5- and 30-minute reach from kiosks, stations or any points.
#include "common.hpp"
#include "output.hpp"
#include "positions.hpp"
#include "present.hpp"

#include <lugeo/limits.hpp>

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/io.hpp>
#include <lugeo/isochrone.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace lugeo::cli {

namespace {

struct IsochronesOptions {
    SceneArgs scene;
    std::vector<std::string> from; ///< LAYER (scene role) or LON,LAT, repeatable
    PositionArgs pos;              ///< --near-crs etc. for LON,LAT sources
    std::string kind;              ///< filter on the layer's `kind` field (units: kiosk by default)
    std::string minutes;           ///< "1,5,30"
    std::string profile;           ///< one profile for every threshold
    bool inbound = false;
    double trim_m = 50.0;
    double fill_holes_m2 = 20000.0;
    double cell_m = 5.0;       ///< raster cell size of the polygons
    bool buffer_union = false; ///< exact GEOS buffer union instead of the raster (slow)
    double max_snap_m = 500.0;
    bool concave = false;
    bool no_per_source = false;
    OutputArgs output;
    bool json = false;
    bool geojson = false; ///< the union polygons as GeoJSON on stdout (as GET /isochrone)
    std::size_t top = 10;
};

std::vector<std::string> split(const std::string &s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto b = item.find_first_not_of(" \t\"'[]"), e = item.find_last_not_of(" \t\"'[]");
        if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    }
    return out;
}

double parse_number(const std::string &s, const std::string &what) {
    char *end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || !std::isfinite(v))
        throw Error(ErrorCode::invalid_argument, what + ": '" + s + "' is not a number");
    return v;
}

/// The layer role named by a --from value that the scene declares.
std::optional<LayerRole> source_role(const Scene &scene, const std::string &from) {
    const auto role = layer_role_from_name(from);
    return role && scene.has_layer(*role) ? role : std::nullopt;
}

std::vector<XY> positions(const std::vector<LayerPoint> &points) {
    std::vector<XY> out;
    for (const auto &p : points)
        out.push_back(p.position);
    return out;
}

double round_to(double v, double step) {
    return std::round(v / step) * step;
}

int run_isochrones(const IsochronesOptions &o) {
    const Scene scene = resolve_scene(o.scene);
    if (!o.output.empty()) check_not_input(scene, o.output.path);

    // thresholds and profiles: command line, else the scene's [isochrones], else 1,5,30 by e-bike,
    // car, car
    const IsochroneSettings &settings = scene.settings.isochrones;
    IsochroneOptions io = isochrone_options(settings);
    const std::vector<std::string> minutes = split(o.minutes);
    if (!minutes.empty()) {
        io.minutes.clear();
        for (const auto &m : minutes)
            io.minutes.push_back(parse_number(m, "--minutes"));
        if (settings.profiles.empty() && io.minutes != std::vector<double>{1, 5, 30})
            io.profiles = {Profile::car};
    }
    if (!o.profile.empty()) {
        const auto pr = profile_from_name(o.profile);
        if (!pr)
            throw Error(ErrorCode::invalid_argument,
                        "unknown profile '" + o.profile + "' (walk, ebike, car)");
        io.profiles = {*pr};
    }
    if (io.profiles.size() > 1 && io.profiles.size() != io.minutes.size())
        throw Error(ErrorCode::invalid_argument,
                    "the scene's [isochrones] profiles name " + std::to_string(io.profiles.size()) +
                        " profiles for " + std::to_string(io.minutes.size()) +
                        " thresholds; pass --profile");
    io.direction = o.inbound ? Direction::inbound : Direction::outbound;
    if (o.trim_m != 50.0 || !settings.trim_m)
        io.trim_m = o.trim_m; // --trim given, or no scene value
    io.fill_holes_below_m2 = o.fill_holes_m2;
    io.cell_m = o.cell_m;
    io.method = o.buffer_union ? PolygonMethod::buffer : PolygonMethod::raster;
    io.max_snap_m = o.max_snap_m;
    io.concave_hull = o.concave;
    io.per_source = !o.no_per_source;
    io.city_figures = !o.geojson; // the GeoJSON holds the polygons only

    // sources: scene layers, or LON,LAT
    std::vector<std::string> from = o.from;
    if (from.empty()) from = {"units"};
    std::vector<LayerRole> roles = {LayerRole::roads, LayerRole::key_sites, LayerRole::cameras,
                                    LayerRole::incidents};
    for (const auto &f : from) {
        if (const auto role = source_role(scene, f)) {
            roles.push_back(*role);
        } else if (!looks_like_position(f)) {
            throw Error(ErrorCode::invalid_argument,
                        "--from '" + f +
                            "': neither a layer of the scene (units, key_sites, cameras, …) nor "
                            "LON,LAT (or a geo: URI)");
        } else {
            parse_position_arg(f, o.pos, "--from", false); // bad positions before the reading
        }
    }
    SceneData data = read_data(scene, o.scene, roles);
    // the metric CRS is settled now (a scene made from --roads gets the roads' UTM zone)
    const MetricFrame frame(data.crs);
    std::vector<LayerPoint> sources;
    std::vector<std::optional<ParsedPosition>> given; // per source: the position as given
    const Box extent = scene_lonlat_extent(scene, data);
    for (const auto &f : from) {
        const auto role = source_role(scene, f);
        if (!role) {
            const ParsedPosition p = parse_position_arg(f, o.pos, "--from", false);
            require_in_scene(p, extent, o.pos, "--from '" + f + "'");
            LayerPoint given_point;
            given_point.id = f;
            given_point.position = frame.to_metric(p.wgs84);
            sources.push_back(std::move(given_point));
            given.push_back(p);
            continue;
        }
        const std::string kind = !o.kind.empty()             ? o.kind
                                 : *role == LayerRole::units ? data.settings.zones.kiosk_kind
                                                             : "";
        auto layer_points = points_of(data, *role, kind);
        if (layer_points.empty())
            throw Error(
                ErrorCode::invalid_argument, ErrorContext::of_file(scene.layer(*role).source),
                "no source in layer '" + f + "'" + (kind.empty() ? "" : " with kind = " + kind) +
                    " (the layer's kinds are read from its 'kind' field)");
        for (auto &s : layer_points) {
            sources.push_back(std::move(s));
            given.emplace_back();
        }
    }

    IsochronePoints pts;
    pts.key_sites = positions(points_of(data, LayerRole::key_sites));
    pts.cameras = positions(points_of(data, LayerRole::cameras));
    pts.incidents = positions(points_of(data, LayerRole::incidents));
    const Network net = load_network(data, o.scene);
    std::vector<XY> xy = positions(sources);
    for (const auto &s : sources)
        io.source_origins.push_back(s.origin);
    if (!o.scene.quiet) std::cerr << "isochrones from " << sources.size() << " sources…\n";
    const IsochroneResult r = compute_isochrones(net, xy, io, pts);

    auto label = [&](std::size_t k) {
        return fmt(r.minutes[k], r.minutes[k] == std::floor(r.minutes[k]) ? 0 : 1) + " min " +
               profile_name(r.profiles[k]);
    };

    if (!o.output.empty()) {
        VectorWriter w = open_output(o.output);
        const std::string crs = net.crs();
        LayerDef src{"sources",
                     Geometry::Type::point,
                     {},
                     crs,
                     "isochrone sources, snapped onto the network"};
        src.fields = {{"source", FieldType::integer},
                      {"id", FieldType::string},
                      {"name", FieldType::string},
                      {"snap_m", FieldType::real},
                      {"edge_id", FieldType::integer}};
        const std::size_t LS = w.add_layer(src);
        for (std::size_t i = 0; i < sources.size(); ++i) {
            Geometry g;
            g.type = Geometry::Type::point;
            g.points = {r.sources[i].point};
            w.add_feature(LS, g,
                          {std::int64_t(i), sources[i].id, sources[i].name,
                           round_to(r.sources[i].distance_m, 0.01),
                           std::int64_t(r.sources[i].edge)});
        }
        LayerDef pc{
            "reached", Geometry::Type::line, {}, crs, "reached edge pieces, cut at each threshold"};
        pc.fields = {{"minutes", FieldType::real},    {"profile", FieldType::string},
                     {"edge_id", FieldType::integer}, {"from_m", FieldType::real},
                     {"to_m", FieldType::real},       {"time_from_s", FieldType::real},
                     {"time_to_s", FieldType::real},  {"source", FieldType::integer},
                     {"name", FieldType::string}};
        const std::size_t LP = w.add_layer(pc);
        for (const auto &ip : r.pieces) {
            Geometry g;
            g.type = Geometry::Type::line;
            g.lines = {net.sub_line(ip)};
            w.add_feature(LP, g,
                          {r.minutes[ip.threshold], std::string(profile_name(ip.profile)),
                           std::int64_t(ip.edge), round_to(ip.from_m, 0.01),
                           round_to(ip.to_m, 0.01), round_to(ip.time_from_s, 0.01),
                           round_to(ip.time_to_s, 0.01), std::int64_t(ip.source),
                           net.name_of(ip.edge)});
        }
        auto poly_layer = [&](const std::string &name, const std::string &desc) {
            LayerDef d{name, Geometry::Type::polygon, {}, crs, desc};
            d.fields = {
                {"source", FieldType::integer},    {"source_id", FieldType::string},
                {"minutes", FieldType::real},      {"profile", FieldType::string},
                {"area_km2", FieldType::real},     {"road_km", FieldType::real},
                {"key_sites", FieldType::integer}, {"cameras", FieldType::integer},
                {"recall", FieldType::real},       {"unreachable_inside_km", FieldType::real}};
            return w.add_layer(d);
        };
        auto add_poly = [&](std::size_t layer, const IsochronePolygon &p) {
            w.add_feature(
                layer, Geometry::of_polygons(p.polygon),
                {p.source < 0 ? FieldValue() : FieldValue(std::int64_t(p.source)),
                 p.source < 0 ? std::string("all") : sources[static_cast<std::size_t>(p.source)].id,
                 p.minutes, std::string(profile_name(p.profile)), round_to(p.area_m2 / 1e6, 1e-4),
                 round_to(p.road_length_m / 1000.0, 1e-3), std::int64_t(p.key_sites),
                 std::int64_t(p.cameras), round_to(p.recall, 1e-4),
                 round_to(p.unreachable_inside_m / 1000.0, 1e-3)});
        };
        const std::size_t LU =
            poly_layer("union", "isochrone polygons, union over all sources, one per threshold");
        for (auto it = r.unions.rbegin(); it != r.unions.rend(); ++it)
            add_poly(LU, *it); // largest first: draws well
        if (!r.per_source.empty()) {
            const std::size_t LPS =
                poly_layer("per_source", "isochrone polygons per source and threshold");
            for (const auto &p : r.per_source)
                add_poly(LPS, p);
        }
        LayerDef bd{"bands",
                    Geometry::Type::polygon,
                    {},
                    crs,
                    "nested bands: reached within (from, to] minutes"};
        bd.fields = {{"from_min", FieldType::real},
                     {"to_min", FieldType::real},
                     {"area_km2", FieldType::real}};
        const std::size_t LB = w.add_layer(bd);
        for (std::size_t k = 0; k < r.bands.size(); ++k)
            w.add_feature(LB, Geometry::of_polygons(r.bands[k]),
                          {r.band_from_min(k), r.minutes[k], round_to(r.band_area_km2(k), 1e-4)});
        if (!r.concave.empty()) {
            LayerDef cd{"concave",
                        Geometry::Type::polygon,
                        {},
                        crs,
                        "concave-hull display variant of each union"};
            cd.fields = {{"minutes", FieldType::real}, {"area_km2", FieldType::real}};
            const std::size_t LC = w.add_layer(cd);
            for (std::size_t k = r.concave.size(); k-- > 0;)
                w.add_feature(LC, Geometry::of_polygons(r.concave[k]),
                              {r.minutes[k], round_to(area(r.concave[k]) / 1e6, 1e-4)});
        }
        LayerDef by{"beyond",
                    Geometry::Type::line,
                    {},
                    crs,
                    "road pieces not reached within the standard, longest first"};
        by.fields = {{"rank", FieldType::integer},  {"edge_id", FieldType::integer},
                     {"name", FieldType::string},   {"class", FieldType::string},
                     {"length_m", FieldType::real}, {"time_s", FieldType::real}};
        const std::size_t LY = w.add_layer(by);
        for (std::size_t i = 0; i < r.beyond.size(); ++i) {
            const auto &b = r.beyond[i];
            Geometry g;
            g.type = Geometry::Type::line;
            g.lines = {net.sub_line(b)};
            w.add_feature(
                LY, g,
                {std::int64_t(i + 1), std::int64_t(b.edge), net.name_of(b.edge),
                 net.class_of(b.edge), round_to(b.length_m(), 0.01),
                 std::isfinite(b.time_s) ? FieldValue(round_to(b.time_s, 0.1)) : FieldValue()});
        }
        w.commit();
        report_written(w, o.scene.quiet);
    }

    if (o.geojson) {
        print_json(isochrone_geojson(r, xy, MetricFrame(net.crs())));
        return exit_ok;
    }
    if (o.json) {
        nlohmann::json j;
        j["direction"] = o.inbound ? "inbound" : "outbound";
        j["trim_m"] = io.trim_m;
        const MetricFrame ll(net.crs());
        for (std::size_t i = 0; i < sources.size(); ++i) {
            const LonLat at = ll.to_lonlat(sources[i].position);
            nlohmann::json sj = {{"id", sources[i].id},
                                 {"name", sources[i].name},
                                 {"lon", round_to(at.lon, 1e-7)},
                                 {"lat", round_to(at.lat, 1e-7)},
                                 {"snap_m", round_to(r.sources[i].distance_m, 0.01)}};
            if (given[i]) sj["position"] = given_position_json(*given[i]);
            j["sources"].push_back(std::move(sj));
        }
        auto pj = [&](const IsochronePolygon &p) {
            return nlohmann::json{
                {"source", p.source < 0 ? nlohmann::json() : nlohmann::json(p.source)},
                {"minutes", p.minutes},
                {"profile", profile_name(p.profile)},
                {"area_km2", round_to(p.area_m2 / 1e6, 1e-4)},
                {"parts", p.polygon.size()},
                {"road_km", round_to(p.road_length_m / 1000.0, 1e-3)},
                {"key_sites", p.key_sites},
                {"cameras", p.cameras},
                {"recall", round_to(p.recall, 1e-4)},
                {"unreachable_inside_km", round_to(p.unreachable_inside_m / 1000.0, 1e-3)}};
        };
        for (const auto &u : r.unions)
            j["union"].push_back(pj(u));
        for (const auto &p : r.per_source)
            j["per_source"].push_back(pj(p));
        for (const auto &f : r.standard)
            j["standard"].push_back({{"minutes", f.minutes},
                                     {"profile", profile_name(f.profile)},
                                     {"road_km", round_to(f.road_km, 1e-3)},
                                     {"reached_km", round_to(f.reached_km, 1e-3)},
                                     {"road_share", round_to(f.road_share(), 1e-4)},
                                     {"key_sites", f.key_sites},
                                     {"key_sites_within", f.key_sites_within},
                                     {"incidents", f.incidents},
                                     {"incidents_within", f.incidents_within}});
        j["beyond"]["minutes"] = io.beyond_minutes;
        j["beyond"]["pieces"] = r.beyond.size();
        j["beyond"]["km"] = round_to(r.beyond_km(), 1e-3);
        for (std::size_t i = 0; i < std::min(o.top, r.beyond.size()); ++i) {
            const auto &b = r.beyond[i];
            j["beyond"]["longest"].push_back(
                {{"edge_id", b.edge},
                 {"name", net.name_of(b.edge)},
                 {"class", net.class_of(b.edge)},
                 {"length_m", round_to(b.length_m(), 0.01)},
                 {"time_s", std::isfinite(b.time_s) ? nlohmann::json(round_to(b.time_s, 0.1))
                                                    : nlohmann::json()}});
        }
        j["timings_s"] = {{"search", r.search_seconds},
                          {"polygons", r.polygon_seconds},
                          {"figures", r.stats_seconds}};
        output_positions(j, o.pos);
        print_json(j);
        return exit_ok;
    }

    std::cout << "Isochrones from " << sources.size() << " source"
              << (sources.size() == 1 ? "" : "s") << " (" << (o.inbound ? "inbound" : "outbound")
              << ", trim " << fmt(io.trim_m, 0) << " m)\n";
    double worst_snap = 0;
    for (const auto &s : r.sources)
        worst_snap = std::max(worst_snap, s.distance_m);
    std::cout << "  snapped onto the network, farthest " << fmt(worst_snap, 1) << " m\n\n";
    std::cout << "Union over all sources   area km2   road km  key sites  cameras  recall  "
                 "unreached inside km\n";
    for (std::size_t k = 0; k < r.unions.size(); ++k) {
        const auto &u = r.unions[k];
        char line[200];
        std::snprintf(line, sizeof line, "  %s %10.2f %9.1f %10zu %8zu %7.3f %20.1f\n",
                      pad(label(k), 20).c_str(), u.area_m2 / 1e6, u.road_length_m / 1000.0,
                      u.key_sites, u.cameras, u.recall, u.unreachable_inside_m / 1000.0);
        std::cout << line;
    }
    std::cout
        << "\nThe standard (nearest source)   road reached          key sites          incidents\n";
    for (std::size_t k = 0; k < r.standard.size(); ++k) {
        const auto &f = r.standard[k];
        // "within / all (share)"; with none at all, no share: 0/0 is not 0 %
        auto of = [](std::size_t within, std::size_t all) {
            char b[64];
            if (all == 0) return std::string("   none        ");
            std::snprintf(b, sizeof b, "%5zu/%-5zu (%5.1f%%)", within, all,
                          100.0 * double(within) / double(all));
            return std::string(b);
        };
        char line[200];
        std::snprintf(line, sizeof line, "  %s %8.1f of %7.1f km (%5.1f%%)  %s  %s\n",
                      pad(label(k), 20).c_str(), f.reached_km, f.road_km, 100.0 * f.road_share(),
                      of(f.key_sites_within, f.key_sites).c_str(),
                      of(f.incidents_within, f.incidents).c_str());
        std::string text(line);
        text.pop_back(); // the newline, then the padding of a last column of none
        text.erase(text.find_last_not_of(' ') + 1);
        std::cout << text << '\n';
    }
    if (!r.beyond.empty()) {
        std::cout << "\nRoad beyond " << fmt(io.beyond_minutes, 0)
                  << " minutes: " << fmt(r.beyond_km(), 1) << " km in " << r.beyond.size()
                  << " pieces; the longest:\n";
        for (std::size_t i = 0; i < std::min(o.top, r.beyond.size()); ++i) {
            const auto &b = r.beyond[i];
            char line[300];
            std::snprintf(
                line, sizeof line, "  %3zu. %7.0f m  %s %s %s\n", i + 1, b.length_m(),
                pad(net.class_of(b.edge), 14).c_str(),
                pad(net.name_of(b.edge).empty() ? "(unnamed)" : net.name_of(b.edge).c_str(), 30)
                    .c_str(),
                std::isfinite(b.time_s) ? (fmt(b.time_s / 60.0, 1) + " min").c_str()
                                        : "not reached");
            std::cout << line;
        }
    }
    std::cout << "\nTime: search " << fmt(r.search_seconds, 3) << " s, polygons "
              << fmt(r.polygon_seconds, 3) << " s, figures " << fmt(r.stats_seconds, 3) << " s\n";
    return exit_ok;
}

} // namespace

void register_isochrones(CLI::App &app) {
    auto opts = std::make_shared<IsochronesOptions>();
    auto *cmd = app.add_subcommand(
        "isochrones", "1-, 5- and 30-minute reach from kiosks, stations or any points");
    add_scene_options(*cmd, opts->scene, true);
    cmd->add_option("--from", opts->from,
                    "Sources: a scene layer (units, key_sites, …), LON,LAT (WGS84 unless "
                    "--near-crs says otherwise) or a geo: URI; repeatable (default: units with "
                    "kind=kiosk)")
        ->option_text("LAYER|LON,LAT");
    add_position_options(*cmd, opts->pos);
    cmd->add_option("--kind", opts->kind,
                    "Keep only features of the source layer with this kind (units: kiosk)");
    cmd->add_option(
           "--minutes", opts->minutes,
           "Thresholds in minutes, increasing (default: scene [isochrones] minutes, else 1,5,30)")
        ->check(real_list_in(0, limits::max_minutes, Bound::open, Bound::closed, "minutes"))
        ->option_text("LIST");
    cmd->add_option(
           "--profile", opts->profile,
           "walk, ebike or car for every threshold (default: scene [isochrones] profiles, else "
           "ebike,car,car for 1,5,30 and car otherwise)")
        ->check(one_of({"walk", "ebike", "car"}));
    cmd->add_flag("--inbound", opts->inbound, "Time to reach the sources instead of from them");
    cmd->add_option("--trim", opts->trim_m, "Buffer distance around reached road, metres")
        ->check(real_in(0, limits::max_trim_m, Bound::open, Bound::closed, "m"))
        ->capture_default_str();
    cmd->add_option("--fill-holes", opts->fill_holes_m2, "Fill holes smaller than this, m2")
        ->check(real_in(0, 1e12, Bound::closed, Bound::closed, "m2"))
        ->capture_default_str();
    cmd->add_option("--cell", opts->cell_m,
                    "Raster cell of the polygons, metres (<= trim/2; boundary within 0.79 cell of "
                    "the exact buffer)")
        ->check(real_in(0, limits::max_cell_m, Bound::open, Bound::closed, "m"))
        ->capture_default_str();
    cmd->add_flag(
        "--buffer-union", opts->buffer_union,
        "Build polygons as the exact GEOS buffer union (slow reference) instead of the raster");
    cmd->add_option("--max-snap", opts->max_snap_m,
                    "Refuse a source farther than this from a usable road, metres")
        ->check(real_in(0, limits::max_snap_m, Bound::open, Bound::closed, "m"))
        ->capture_default_str();
    cmd->add_flag("--concave", opts->concave,
                  "Also write a concave-hull display variant (layer 'concave')");
    cmd->add_flag("--no-per-source", opts->no_per_source, "Only the union over all sources");
    add_output_options(*cmd, opts->output, "Write the isochrone layers",
                       "sources, reached, union, per_source, bands, concave, beyond");
    cmd->add_option("--top", opts->top, "How many of the longest unreached pieces to list")
        ->check(count_in(0, 1000000))
        ->capture_default_str();
    cmd->add_flag("--json", opts->json, "Machine-readable summary on stdout");
    cmd->add_flag("--geojson", opts->geojson,
                  "The union polygons as a GeoJSON FeatureCollection in WGS84 on stdout (one "
                  "feature per threshold; what lugeo serve's GET /isochrone answers)")
        ->excludes("--json");
    set_examples(
        *cmd, "  lugeo isochrones                                   # the demo kiosks, 1/5/30 min\n"
              "  lugeo isochrones -o iso.gpkg                       # layers for QGIS\n"
              "  lugeo isochrones --from units --kind station --minutes 5,10 --profile car\n"
              "  lugeo isochrones --from 104.0657,30.6595 --minutes 1,5 --profile walk --json\n"
              "  lugeo isochrones --roads city.osm.pbf --from 101.5446,25.0453   # CRS chosen\n"
              "  lugeo isochrones --from 104.0690,30.6540 --near-crs gcj02 --minutes 5\n"
              "  lugeo isochrones --inbound --from key_sites --kind hospital --minutes 10\n");
    cmd->callback([opts, cmd] { run_command(cmd, [&] { return run_isochrones(*opts); }); });
}

} // namespace lugeo::cli
