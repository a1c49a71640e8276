// The planning report: runs the analyses on a scene and writes one self-contained HTML file
// (inline SVG maps, inline CSS, no scripts, no external resources) and one GeoPackage.
#include <lugeo/temp_files.hpp>
#include <lugeo/coverage.hpp>
#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/isochrone.hpp>
#include <lugeo/registry.hpp>
#include <lugeo/report.hpp>
#include <lugeo/seal.hpp>
#include <lugeo/site.hpp>
#include <lugeo/version.hpp>
#include <lugeo/zones.hpp>

#include "report/svg_map.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

namespace fs = std::filesystem;

namespace lugeo {

namespace {

using report::html_escape;
using report::Style;
using report::SvgMap;

std::string f1(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", v);
    return b;
}
std::string f0(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.0f", v);
    return b;
}
std::string pct(double share) {
    return f1(100.0 * share) + "%";
}

/// The seal-off share (docs/seal.md): the grid cells (else the incidents) whose ring of road
/// blocks closes within the [seal] ring time before the suspect is out; "" when the scene
/// lacks units, a boundary or points, or the model cannot run.
std::string seal_share_line(const Network &net, const SceneData &d) {
    if (d.units.empty() || d.boundary.empty()) return "";
    const bool grids = !d.grids.empty();
    std::vector<XY> pts;
    if (grids)
        for (const auto &p : points_of(d, LayerRole::grids))
            pts.push_back(p.position);
    else
        for (const auto &i : d.incidents)
            pts.push_back(i.position);
    if (pts.empty()) return "";
    try {
        SealArea area;
        area.boundary = d.boundary;
        const SealContext sc(net, d.units, area, seal_unit_options(d.settings.seal, d.settings.units));
        SealOptions so = seal_options(d.settings.seal);
        so.find_head_start = false;
        so.open_routes = 0;
        std::size_t sealed = 0;
        for (const XY &p : pts) {
            const SealPlan plan = seal_incident(sc, p, so);
            sealed += plan.snapped && plan.sealed;
        }
        return "<p><b>Seal-off:</b> a ring of road blocks closes within " + f1(so.within_s / 60) +
               " minutes, before a " + d.settings.seal.suspect + " suspect with a " +
               f1(so.head_start_s / 60) + "-minute head start is out, for " +
               std::to_string(sealed) + " of " + std::to_string(pts.size()) +
               (grids ? " grid cells (" : " incidents (") +
               pct(double(sealed) / double(pts.size())) + "); the model is in docs/seal.md.</p>";
    } catch (const Error &) {
        return "";
    }
}
std::string num_thousands(std::size_t n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
        s.insert(static_cast<std::size_t>(i), ",");
    return s;
}

/// A small HTML table builder.
struct Table {
    std::vector<std::string> head;
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> numeric; ///< right-aligned columns
    std::string html() const {
        std::string o = "<table><thead><tr>";
        for (std::size_t i = 0; i < head.size(); ++i)
            o += std::string("<th") + (i < numeric.size() && numeric[i] ? " class=\"n\"" : "") +
                 ">" + html_escape(head[i]) + "</th>";
        o += "</tr></thead><tbody>\n";
        for (const auto &r : rows) {
            o += "<tr>";
            for (std::size_t i = 0; i < r.size(); ++i)
                o += std::string("<td") + (i < numeric.size() && numeric[i] ? " class=\"n\"" : "") +
                     ">" + html_escape(r[i]) + "</td>";
            o += "</tr>\n";
        }
        return o + "</tbody></table>\n";
    }
};

const char *kCss = R"CSS(
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:0;color:#111;background:#fff}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #222;padding-bottom:4px;margin-top:36px}
h3{font-size:15px;margin:20px 0 6px}
p.lead{color:#333;margin:0 0 16px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #999;padding:3px 8px;text-align:left;vertical-align:top}td.n{white-space:nowrap}
th{background:#e8e8e8}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.figs{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 12px}
.fig{border:1px solid #999;padding:8px 12px;min-width:150px}
.fig b{display:block;font-size:22px}
.note{font-size:12px;color:#333;background:#f4f4f4;border-left:4px solid #666;padding:6px 10px}
.synthetic{font-weight:bold}
figure{margin:8px 0 16px}figcaption{font-size:12px;color:#333}
nav a{margin-right:14px;color:#111}
svg{max-width:100%;height:auto}
@media print{main{max-width:none}h2{break-before:page}}
)CSS";

bool is_main_road(const std::string &c) {
    return c.rfind("motorway", 0) == 0 || c.rfind("trunk", 0) == 0 || c.rfind("primary", 0) == 0 ||
           c.rfind("secondary", 0) == 0;
}

/// Grey base map of the roads (main roads a little heavier).
void add_base_roads(SvgMap &map, const Network &net, const std::string &colour = "#b8b8b8") {
    std::vector<LineString> main, minor;
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        if (!net.is_usable(Profile::walk, e) && !net.is_usable(Profile::car, e)) continue;
        auto g = net.edge_geometry(e);
        (is_main_road(net.class_of(e)) ? main : minor).emplace_back(g.begin(), g.end());
    }
    map.add_lines(minor, Style{"none", colour, 0.6});
    map.add_lines(main, Style{"none", colour, 1.4});
}

} // namespace

ReportResult write_report(const SceneData &scene, const ReportOptions &o) {
    const auto t_start = std::chrono::steady_clock::now();
    auto now = [] { return std::chrono::steady_clock::now(); };
    auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    auto progress = [&](double f, const char *what) {
        if (o.progress) o.progress(f, what);
    };

    std::error_code ec;
    fs::create_directories(o.output_dir, ec);
    if (!fs::is_directory(o.output_dir))
        throw Error(ErrorCode::io, "cannot create the report folder '" + o.output_dir + "'" +
                                       (ec ? ": " + ec.message() : ""));
    ReportResult result;
    result.html_path = (fs::path(o.output_dir) / "report.html").string();
    result.gpkg_path = (fs::path(o.output_dir) / "report.gpkg").string();
    for (const auto &layer : scene.reports) {
        const fs::path in = fs::weakly_canonical(layer.path, ec);
        if (in == fs::weakly_canonical(result.gpkg_path, ec) ||
            in == fs::weakly_canonical(result.html_path, ec))
            throw Error(ErrorCode::invalid_argument,
                        ErrorContext::of_parameter("output_dir", layer.path),
                        std::string("the report would overwrite the scene's ") +
                            layer_role_name(layer.role) + " input; choose another output folder");
    }

    WriteOptions gpkg_options;
    gpkg_options.existing = ExistingOutput::overwrite; // the report folder is lugeo's own
    VectorWriter gpkg(result.gpkg_path, gpkg_options);
    auto add_layer = [&](LayerDef def) {
        def.crs = scene.crs;
        result.gpkg_layers.push_back(def.name);
        return gpkg.add_layer(def);
    };

    std::string body;
    const std::string attribution =
        scene.attribution.empty() ? "© OpenStreetMap contributors" : scene.attribution;

    // ---- scene and network --------------------------------------------------------------
    auto t0 = now();
    progress(0.02, "network");
    const Network net = build_network(scene.roads, scene.settings.network);
    const NetworkSummary ns = summarize(net);
    const ZoneContext ctx = zone_context(scene);
    const std::vector<Unit> kiosks = units_of_kind(scene.units, scene.settings.zones.kiosk_kind);
    Box extent;
    for (const auto &p : ctx.boundary)
        for (XY q : p.outer)
            extent.extend(q);
    if (!extent.valid())
        for (XY q : net.nodes())
            extent.extend(q);
    {
        std::string s = "<section id=\"scene\"><h2>1. The scene</h2>\n<p>" +
                        html_escape(scene.name) + ". Metric CRS <b>" + html_escape(scene.crs) +
                        "</b>. Scene file: <code>" +
                        html_escape(scene.path.empty() ? std::string("(command line)")
                                                       : fs::path(scene.path).filename().string()) +
                        "</code>.</p>\n";
        Table t;
        t.head = {"layer", "source", "features", "provenance"};
        t.numeric = {false, false, true, false};
        bool any_synthetic = false;
        for (const LayerReport &layer : scene.reports) {
            const LayerRole role = layer.role;
            const bool synth = layer.synthetic;
            any_synthetic |= synth;
            std::string src = is_virtual_source(layer.path)
                                  ? redact_secrets(layer.path)
                                  : fs::path(layer.path).filename().string();
            if (!layer.layer.empty()) src += " (" + layer.layer + ")";
            // what the analyses got: after the layer's `where` filter and validation
            const std::string count = role == LayerRole::roads
                                          ? num_thousands(net.report().features_read) + " (read)"
                                          : num_thousands(layer.kept);
            t.rows.push_back(
                {layer_role_name(role), src, count,
                 synth ? "SYNTHETIC"
                       : "real (" +
                             std::string(role == LayerRole::roads || role == LayerRole::buildings ||
                                                 role == LayerRole::key_sites
                                             ? "OpenStreetMap"
                                             : "given") +
                             ")"});
        }
        s += t.html();
        if (any_synthetic)
            s += "<p class=\"note synthetic\">Layers marked SYNTHETIC are generated (seeded, "
                 "reproducible) to mirror "
                 "the city's figures; they are not real poles, lamps, cameras, police units or "
                 "incidents.</p>\n";
        s += "<h3>Road network</h3><div class=\"figs\">";
        s += "<div class=\"fig\"><b>" + f1(ns.total_km) + " km</b>road, " +
             num_thousands(ns.edges) + " edges</div>";
        s += "<div class=\"fig\"><b>" + f1(ns.km_by_profile[2]) + " km</b>drivable (" +
             pct(ns.largest_share[2]) + " in the largest component)</div>";
        s += "<div class=\"fig\"><b>" + pct(ns.oneway_share) +
             "</b>of drivable road is one-way</div>";
        s += "<div class=\"fig\"><b>" + std::to_string(kiosks.size()) +
             "</b>mobile kiosks</div></div>\n";
        body += s + "</section>\n";
        result.sections.push_back({"scene", "The scene", secs(t0, now())});
    }
    {
        LayerDef d{"roads",
                   Geometry::Type::line,
                   {{"edge_id", FieldType::integer},
                    {"class", FieldType::string},
                    {"name", FieldType::string},
                    {"length_m", FieldType::real}},
                   "",
                   "routable edges"};
        const auto L = add_layer(d);
        for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
            auto g = net.edge_geometry(e);
            gpkg.add_feature(L, Geometry::of_lines({LineString(g.begin(), g.end())}),
                             {std::int64_t(e), net.class_of(e), net.name_of(e),
                              std::round(net.edge(e).length_m * 10) / 10});
        }
    }
    std::vector<XY> kiosk_points;
    for (const auto &k : kiosks)
        kiosk_points.push_back(k.position);
    const Style kiosk_style{"#000000", "#ffffff", 1.0, 1.0, "", "", 5.0, "square", "mobile kiosk"};

    // ---- reachability -------------------------------------------------------------------
    t0 = now();
    progress(0.15, "reachability");
    if (!kiosks.empty()) {
        IsochroneOptions io = isochrone_options(scene.settings.isochrones);
        if (!o.minutes.empty() && scene.settings.isochrones.minutes.empty()) io.minutes = o.minutes;
        io.per_source = false;
        IsochronePoints pts{ctx.key_sites, ctx.cameras, ctx.incidents};
        const IsochroneResult iso = compute_isochrones(net, kiosk_points, io, pts);
        SvgMap map(extent, o.map_width_px);
        static const char *band_fill[] = {"#08306b", "#4a89c8", "#c6dbef", "#eeeeee"};
        static const char *band_hatch[] = {"", "diag", "", ""};
        add_base_roads(map, net, "#d0d0d0");
        for (std::size_t b = iso.bands.size(); b-- > 0;) {
            const double from = b ? iso.minutes[b - 1] : 0.0;
            Style st{band_fill[std::min<std::size_t>(b, 3)], "#333333", 0.4, 0.85, "",
                     band_hatch[std::min<std::size_t>(b, 3)]};
            st.label = f0(from) + "–" + f0(iso.minutes[b]) + " min (" +
                       profile_name(iso.profiles[b]) + ")";
            map.add_polygons(iso.bands[b], st);
        }
        map.add_points(kiosk_points, kiosk_style);
        std::string s =
            "<section id=\"reachability\"><h2>2. Reachability: the 1 / 5 / 30-minute "
            "standard</h2>\n"
            "<p class=\"lead\">Areas reached from the nearest mobile kiosk within each threshold "
            "(1 minute to handle, 5 to seal off, 30 for the whole city): the reached road network "
            "buffered by " +
            f0(io.trim_m) + " m, not a convex hull.</p>\n<figure>" +
            map.render("Reachability bands from the mobile kiosks", attribution) +
            "<figcaption>Bands of travel time from the nearest kiosk. Unshaded areas are not "
            "reached "
            "within " +
            f0(iso.minutes.back()) + " minutes.</figcaption></figure>\n";
        Table t;
        t.head = {"threshold",     "profile",   "road reached",
                  "share of road", "key sites", "incidents"};
        t.numeric = {false, false, true, true, true, true};
        for (const auto &f : iso.standard)
            t.rows.push_back(
                {f0(f.minutes) + " min", profile_name(f.profile), f1(f.reached_km) + " km",
                 pct(f.road_share()),
                 std::to_string(f.key_sites_within) + " / " + std::to_string(f.key_sites),
                 pct(f.incidents ? double(f.incidents_within) / double(f.incidents) : 0.0)});
        s += t.html();
        s += seal_share_line(net, scene);
        Table w;
        w.head = {"road", "class", "length", "time from the nearest kiosk"};
        w.numeric = {false, false, true, true};
        for (std::size_t i = 0; i < iso.beyond.size() && i < o.top; ++i) {
            const auto &b = iso.beyond[i];
            w.rows.push_back(
                {net.name_of(b.edge).empty() ? "(unnamed)" : net.name_of(b.edge),
                 net.class_of(b.edge), f0(b.length_m) + " m",
                 std::isfinite(b.time_s) ? f1(b.time_s / 60.0) + " min" : "not reached"});
        }
        s += "<h3>The worst places: longest road stretches beyond " + f0(io.beyond_minutes) +
             " minutes</h3>" + w.html();
        body += s + "</section>\n";
        const auto L = add_layer({"isochrone_bands",
                                  Geometry::Type::polygon,
                                  {{"band", FieldType::integer},
                                   {"from_min", FieldType::real},
                                   {"to_min", FieldType::real},
                                   {"profile", FieldType::string},
                                   {"area_km2", FieldType::real}},
                                  "",
                                  ""});
        for (std::size_t b = 0; b < iso.bands.size(); ++b)
            gpkg.add_feature(L, Geometry::of_polygons(iso.bands[b]),
                             {std::int64_t(b), b ? iso.minutes[b - 1] : 0.0, iso.minutes[b],
                              std::string(profile_name(iso.profiles[b])),
                              area(iso.bands[b]) / 1e6});
    } else {
        body += "<section id=\"reachability\"><h2>2. Reachability</h2><p class=\"note\">The scene "
                "has no units "
                "of kind kiosk: no reachability.</p></section>\n";
    }
    result.sections.push_back({"reachability", "Reachability", secs(t0, now())});

    // ---- patrol zones -------------------------------------------------------------------
    t0 = now();
    progress(0.35, "patrol zones");
    std::vector<NamedArea> zone_areas;
    if (!kiosks.empty()) {
        const ZonePlan plan = build_zones(net, kiosks, ctx, ZoneOptions{});
        static const char *zone_fill[] = {"#fbb4ae", "#b3cde3", "#ccebc5", "#decbe4", "#fed9a6",
                                          "#ffffcc", "#e5d8bd", "#fddaec", "#f2f2f2", "#b3e2cd"};
        static const char *zone_hatch[] = {"",     "diag", "",      "cross", "",
                                           "diag", "",     "cross", "",      ""};
        SvgMap map(extent, o.map_width_px);
        for (std::size_t z = 0; z < plan.zones.size(); ++z) {
            Style st{zone_fill[z % 10], "#222222", 1.2, 1.0, "", zone_hatch[z % 10]};
            st.label = plan.zones[z].kiosk_id;
            map.add_polygons(plan.zones[z].polygon, st);
            zone_areas.push_back(
                {plan.zones[z].kiosk_id, plan.zones[z].kiosk_name, "", plan.zones[z].polygon, {}});
        }
        add_base_roads(map, net, "#808080");
        map.add_points(kiosk_points, kiosk_style);
        for (const auto &k : kiosks)
            map.add_label(XY{k.position.x, k.position.y + 120.0}, k.id);
        std::string s =
            "<section id=\"zones\"><h2>3. Patrol zones</h2>\n<p class=\"lead\">Each drivable road "
            "goes to the kiosk that reaches it fastest (network Voronoi, car); areas between roads "
            "go to the zone of the nearest road. The zones tile the study area with no gaps and no "
            "overlaps.</p>\n<figure>" +
            map.render("Patrol zones", attribution) +
            "<figcaption>Patrol zones and their kiosks.</figcaption></figure>\n";
        Table t;
        t.head = {"zone (kiosk)", "area",    "road",          "incidents (red/orange/blue/green)",
                  "key sites",    "cameras", "mean response", "95th percentile",
                  "worst"};
        t.numeric = {false, true, true, true, true, true, true, true, true};
        for (const auto &z : plan.zones)
            t.rows.push_back(
                {z.kiosk_id + (z.kiosk_name.empty() ? "" : " " + z.kiosk_name),
                 f1(z.area_m2 / 1e6) + " km²", f1(z.road_length_m / 1000.0) + " km",
                 std::to_string(z.incidents[0]) + " / " + std::to_string(z.incidents[1]) + " / " +
                     std::to_string(z.incidents[2]) + " / " + std::to_string(z.incidents[3]),
                 std::to_string(z.key_sites), std::to_string(z.cameras),
                 f1(z.mean_time_s / 60.0) + " min", f1(z.p95_time_s / 60.0) + " min",
                 f1(z.worst_time_s / 60.0) + " min"});
        s += t.html();
        s += "<p>Imbalance (largest / smallest zone by road length): <b>" + f1(plan.imbalance) +
             "</b>. The zones command also draws plans balanced by road length, graded incidents "
             "or area.</p>\n";
        body += s + "</section>\n";
        const auto L = add_layer({"zones",
                                  Geometry::Type::polygon,
                                  {{"kiosk", FieldType::string},
                                   {"area_km2", FieldType::real},
                                   {"road_km", FieldType::real},
                                   {"incidents", FieldType::integer},
                                   {"key_sites", FieldType::integer},
                                   {"cameras", FieldType::integer},
                                   {"mean_min", FieldType::real},
                                   {"p95_min", FieldType::real},
                                   {"worst_min", FieldType::real}},
                                  "",
                                  ""});
        for (const auto &z : plan.zones)
            gpkg.add_feature(
                L, Geometry::of_polygons(z.polygon),
                {z.kiosk_id, z.area_m2 / 1e6, z.road_length_m / 1000.0,
                 std::int64_t(z.incidents[0] + z.incidents[1] + z.incidents[2] + z.incidents[3]),
                 std::int64_t(z.key_sites), std::int64_t(z.cameras), z.mean_time_s / 60.0,
                 z.p95_time_s / 60.0, z.worst_time_s / 60.0});
        const auto K = add_layer({"kiosks",
                                  Geometry::Type::point,
                                  {{"id", FieldType::string}, {"name", FieldType::string}},
                                  "",
                                  ""});
        for (const auto &k : kiosks)
            gpkg.add_feature(K, Geometry::of_point(k.position), {k.id, k.name});
    } else {
        body += "<section id=\"zones\"><h2>3. Patrol zones</h2><p class=\"note\">The scene has no "
                "kiosks: no "
                "zones.</p></section>\n";
    }
    result.sections.push_back({"zones", "Patrol zones", secs(t0, now())});

    // ---- camera coverage ----------------------------------------------------------------
    t0 = now();
    progress(0.55, "camera coverage");
    if (scene.has(LayerRole::cameras)) {
        CoverageInput in = coverage_input(scene);
        in.zones = zone_areas;
        const CoverageResult cov = analyze_coverage(net, in, CoverageOptions{});
        progress(0.7, "next cameras");
        PlanOptions po;
        po.add = o.new_cameras;
        po.phases = 1;
        // no plates to mount on (a new city's scene): points along the roads every 100 m, as
        // `coverage plan` does
        if (in.plates.empty()) po.mounts = road_mounts(net, 100.0);
        const PlanResult plan = plan_cameras(net, in, po);
        SvgMap map(extent, o.map_width_px);
        std::vector<LineString> covered, uncovered, gaps;
        for (const auto &p : cov.pieces)
            (p.cameras ? covered : uncovered).push_back(net.sub_line(p.edge, p.from_m, p.to_m));
        for (const auto &g : cov.gaps)
            gaps.push_back(g.line);
        map.add_lines(uncovered,
                      Style{"none", "#c8c8c8", 0.8, 1.0, "", "", 0, "", "road not covered"});
        map.add_lines(gaps,
                      Style{"none", "#d7191c", 1.8, 1.0, "5 3", "", 0, "", "gap ≥ 50 m (dashed)"});
        map.add_lines(covered,
                      Style{"none", "#1a6b35", 2.2, 1.0, "", "", 0, "", "road seen by a camera"});
        std::vector<XY> cams, picks;
        for (const auto &c : cov.cameras)
            cams.push_back(c.position);
        for (const auto &p : plan.picks)
            picks.push_back(p.camera.position);
        map.add_points(cams,
                       Style{"#000000", "#000000", 0.5, 1.0, "", "", 1.2, "circle", "camera"});
        map.add_points(picks, Style{"#ffd700", "#000000", 1.0, 1.0, "", "", 5.0, "triangle",
                                    "proposed camera"});
        std::string s =
            "<section id=\"coverage\"><h2>4. Camera coverage</h2>\n<p class=\"lead\">Road seen by "
            "at "
            "least one camera: each camera's sector (heading, angle, range) clipped by building "
            "footprints — a camera does not see through a building.</p>\n<div class=\"figs\">";
        s += "<div class=\"fig\"><b>" + pct(cov.total.share()) + "</b>of " +
             f1(cov.total.total_m / 1000.0) + " km road covered</div>";
        s += "<div class=\"fig\"><b>" + f1(cov.total.backup_m / 1000.0) +
             " km</b>seen by two or more</div>";
        s += "<div class=\"fig\"><b>" + std::to_string(cov.key_sites_unseen.size()) +
             "</b>key sites not seen</div>";
        s += "<div class=\"fig\"><b>" + std::to_string(cov.cameras_no_road.size()) +
             "</b>cameras that see no road</div></div>\n";
        s += "<figure>" + map.render("Camera coverage of the road network", attribution) +
             "<figcaption>Covered road (solid, dark), gaps of 50 m or more (dashed), and the "
             "proposed next "
             "cameras (triangles).</figcaption></figure>\n";
        Table bc;
        bc.head = {"road class", "length", "covered", "share", "seen by 2+"};
        bc.numeric = {false, true, true, true, true};
        std::vector<std::pair<std::string, LengthSplit>> classes(cov.by_class.begin(),
                                                                 cov.by_class.end());
        std::stable_sort(classes.begin(), classes.end(),
                         [](auto &a, auto &b) { return a.second.total_m > b.second.total_m; });
        for (const auto &[c, l] : classes)
            bc.rows.push_back({c, f1(l.total_m / 1000) + " km", f1(l.covered_m / 1000) + " km",
                               pct(l.share()), f1(l.backup_m / 1000) + " km"});
        s += "<h3>By road class</h3>" + bc.html();
        if (!cov.by_zone.empty()) {
            Table bz;
            bz.head = {"patrol zone", "length", "covered", "share"};
            bz.numeric = {false, true, true, true};
            for (const auto &[z, l] : cov.by_zone)
                bz.rows.push_back({z, f1(l.total_m / 1000) + " km", f1(l.covered_m / 1000) + " km",
                                   pct(l.share())});
            s += "<h3>By patrol zone</h3>" + bz.html();
        }
        Table g;
        g.head = {"road", "class", "length", "from plate", "to plate"};
        g.numeric = {false, false, true, false, false};
        for (std::size_t i = 0; i < cov.gaps.size() && i < o.top; ++i) {
            const auto &gp = cov.gaps[i];
            g.rows.push_back({gp.road.empty() ? "(unnamed)" : gp.road, gp.road_class,
                              f0(gp.length_m) + " m",
                              gp.from_plate ? in.plates[gp.from_plate->plate].id : "",
                              gp.to_plate ? in.plates[gp.to_plate->plate].id : ""});
        }
        s += "<h3>The largest gaps</h3>" + g.html();
        Table pk;
        pk.head = {"#", "mount (plate)", "heading", "new road covered", "coverage after"};
        pk.numeric = {true, false, true, true, true};
        for (std::size_t i = 0; i < plan.picks.size(); ++i) {
            const auto &p = plan.picks[i];
            pk.rows.push_back({std::to_string(i + 1), p.plate, f0(p.camera.heading_deg) + "°",
                               f0(p.gain_m) + " m",
                               pct(plan.total_m > 0 ? p.covered_m / plan.total_m : 0)});
        }
        s += "<h3>The next " + std::to_string(plan.picks.size()) +
             " cameras (greedy placement on the numbered poles and lamps)</h3>"
             "<p>Each pick adds the most newly covered road, weighted by road class and incident "
             "density. "
             "Coverage gains are submodular, so greedy picks reach at least 63% (1 − 1/e) of the "
             "best possible "
             "gain for the same number of cameras.</p>" +
             pk.html();
        body += s + "</section>\n";
        const auto LC = add_layer({"coverage_roads",
                                   Geometry::Type::line,
                                   {{"edge_id", FieldType::integer},
                                    {"cameras", FieldType::integer},
                                    {"length_m", FieldType::real}},
                                   "",
                                   ""});
        for (const auto &p : cov.pieces)
            gpkg.add_feature(LC, Geometry::of_lines({net.sub_line(p.edge, p.from_m, p.to_m)}),
                             {std::int64_t(p.edge), std::int64_t(p.cameras), p.to_m - p.from_m});
        const auto LG = add_layer({"coverage_gaps",
                                   Geometry::Type::line,
                                   {{"road", FieldType::string},
                                    {"class", FieldType::string},
                                    {"length_m", FieldType::real},
                                    {"from_plate", FieldType::string},
                                    {"to_plate", FieldType::string}},
                                   "",
                                   ""});
        for (const auto &gp : cov.gaps)
            gpkg.add_feature(
                LG, Geometry::of_lines({gp.line}),
                {gp.road, gp.road_class, gp.length_m,
                 gp.from_plate ? FieldValue(in.plates[gp.from_plate->plate].id) : FieldValue(),
                 gp.to_plate ? FieldValue(in.plates[gp.to_plate->plate].id) : FieldValue()});
        const auto LP = add_layer({"camera_picks",
                                   Geometry::Type::point,
                                   {{"rank", FieldType::integer},
                                    {"plate", FieldType::string},
                                    {"heading", FieldType::real},
                                    {"hfov", FieldType::real},
                                    {"range_m", FieldType::real},
                                    {"gain_m", FieldType::real}},
                                   "",
                                   ""});
        for (std::size_t i = 0; i < plan.picks.size(); ++i) {
            const auto &p = plan.picks[i];
            gpkg.add_feature(LP, Geometry::of_point(p.camera.position),
                             {std::int64_t(i + 1), p.plate, p.camera.heading_deg, p.camera.hfov_deg,
                              p.camera.range_m, p.gain_m});
        }
    } else {
        body += "<section id=\"coverage\"><h2>4. Camera coverage</h2><p class=\"note\">The scene "
                "has no cameras "
                "layer.</p></section>\n";
    }
    result.sections.push_back({"coverage", "Camera coverage", secs(t0, now())});

    // ---- plate registry -----------------------------------------------------------------
    t0 = now();
    progress(0.85, "plate registry");
    // read with keep_invalid_plates (write_report's caller): bad rows are findings of the
    // checks, not a reason to stop the report
    const std::vector<Plate> &plates = scene.plates.plates;
    if (!plates.empty()) {
        CheckOptions co;
        co.distance_to_road = [&net](XY p) {
            auto s = net.snap(p, {Profile::walk, 1e9, false});
            return s ? s->distance_m : 1e9;
        };
        const CheckReport rep = check_plates(plates, co);
        std::string s =
            "<section id=\"registry\"><h2>5. The plate registry</h2>\n<p class=\"lead\">The "
            "numbered "
            "power poles and street lamps the dispatchers resolve callers' numbers to.</p>\n";
        Table st;
        st.head = {"kind", "plates", "ok", "damaged", "missing", "unknown"};
        st.numeric = {false, true, true, true, true, true};
        for (const auto &c : rep.status)
            st.rows.push_back({c.kind, num_thousands(c.ok + c.damaged + c.missing + c.unknown),
                               num_thousands(c.ok), num_thousands(c.damaged),
                               num_thousands(c.missing), num_thousands(c.unknown)});
        s += st.html();
        std::map<std::string, std::size_t> by_kind;
        for (const auto &i : rep.issues)
            ++by_kind[check_kind_name(i.kind)];
        Table ik;
        ik.head = {"check", "findings"};
        ik.numeric = {false, true};
        for (const auto &[k, n] : by_kind)
            ik.rows.push_back({k, std::to_string(n)});
        s += "<h3>Checks</h3><p>" + std::to_string(rep.error_count) + " errors, " +
             std::to_string(rep.warning_count) + " warnings.</p>" +
             (by_kind.empty() ? std::string("<p>No findings.</p>") : ik.html());
        std::vector<const CheckIssue *> conf;
        for (const auto &i : rep.issues)
            if (i.kind == CheckKind::confusable) conf.push_back(&i);
        // already ranked by score = probability of the misreading x distance (check_plates)
        Table cf;
        cf.head = {"plate", "confusable with", "distance apart", "misreading", "score (m)"};
        cf.numeric = {false, false, true, false, true};
        for (std::size_t i = 0; i < conf.size() && i < o.top; ++i)
            cf.rows.push_back({conf[i]->ids.size() > 0 ? conf[i]->ids[0] : "",
                               conf[i]->ids.size() > 1 ? conf[i]->ids[1] : "",
                               f0(conf[i]->distance_m) + " m", conf[i]->misreading,
                               f0(conf[i]->score)});
        s += "<h3>Confusable plates: one misreading apart, far from each other</h3><p>" +
             std::to_string(conf.size()) +
             " pairs, the worst first (score: the probability of the misreading per reading "
             "times the distance, metres astray per reading). A caller who misreads one of these "
             "numbers names a valid plate far away: the dispatcher should confirm with a second "
             "number or the caller's position.</p>" +
             cf.html();
        body += s + "</section>\n";
        const auto L = add_layer({"plate_issues",
                                  Geometry::Type::point,
                                  {{"check", FieldType::string},
                                   {"severity", FieldType::string},
                                   {"plates", FieldType::string},
                                   {"message", FieldType::string}},
                                  "",
                                  ""});
        for (const auto &i : rep.issues) {
            if (i.plates.empty() || i.plates[0] >= plates.size()) continue;
            std::string ids;
            for (const auto &id : i.ids)
                ids += (ids.empty() ? "" : " ") + id;
            const XY at = plates[i.plates[0]].position;
            if (!std::isfinite(at.x) || !std::isfinite(at.y)) continue;
            gpkg.add_feature(L, Geometry::of_point(at),
                             {std::string(check_kind_name(i.kind)),
                              std::string(i.severity == Severity::error ? "error" : "warning"), ids,
                              i.message});
        }
    } else {
        body += "<section id=\"registry\"><h2>5. The plate registry</h2><p class=\"note\">The "
                "scene has no poles or "
                "lamps layer.</p></section>\n";
    }
    result.sections.push_back({"registry", "The plate registry", secs(t0, now())});

    // ---- where the next kiosk should go ---------------------------------------------------
    t0 = now();
    progress(0.9, "next kiosks");
    if (!kiosks.empty() && (!scene.incidents.empty() || net.edge_count() > 0)) {
        constexpr std::size_t next_kiosks = 3;
        SiteInput in;
        in.fixed = kiosks;
        in.candidates = junction_candidates(net, Profile::car);
        in.incidents = scene.incidents;
        SiteOptions so;
        so.add = std::min(next_kiosks, in.candidates.size());
        so.objective = SiteObjective::cover;
        so.demand = scene.incidents.empty() ? SiteDemand::roads : SiteDemand::incidents;
        so.within_s = 300;
        so.turnout_s = scene.settings.units.turnout_s;
        so.default_turnout_s = scene.settings.units.default_turnout_s;
        so.new_kind = scene.settings.site.new_kind;
        const SiteResult r = plan_sites(net, in, so);
        const bool inc = so.demand == SiteDemand::incidents;
        SvgMap map(extent, o.map_width_px);
        add_base_roads(map, net);
        std::vector<XY> inside, picks;
        for (const auto &p : r.points)
            if (p.time_before_s > r.within_s && p.time_after_s <= r.within_s)
                inside.push_back(p.position);
        for (const auto &st : r.sites)
            picks.push_back(st.position);
        map.add_points(
            inside, Style{"#d7191c", "none", 0.0, 0.8, "", "", 1.5, "circle",
                          std::string(inc ? "incidents" : "road") + " brought within 5 minutes"});
        map.add_points(kiosk_points, kiosk_style);
        map.add_points(picks, Style{"#ffd700", "#000000", 1.2, 1.0, "", "", 7.0, "circle",
                                    "proposed kiosk (by rank)"});
        for (std::size_t i = 0; i < r.sites.size(); ++i)
            map.add_label(XY{r.sites[i].position.x, r.sites[i].position.y + 140.0},
                          std::to_string(i + 1));
        const std::string what =
            inc ? "graded incidents (red 8, orange 4, blue 2, green 1)" : "road length";
        std::string s =
            "<section id=\"next\"><h2>6. Where the next kiosk should go</h2>\n<p "
            "class=\"lead\">The road junctions where " +
            std::to_string(r.sites.size()) + " more kiosks would bring the most " + what +
            " within 5 minutes by car of the nearest unit, the existing kiosks staying (maximal "
            "covering: " +
            std::string(r.method == SiteMethod::exhaustive
                            ? "every choice evaluated"
                            : "greedy, within 63% of the best possible gain, then improved by "
                              "swaps") +
            ").</p>\n<figure>" + map.render("Where the next kiosks should go", attribution) +
            "<figcaption>Proposed kiosks in the order chosen, and what they bring within 5 "
            "minutes.</figcaption></figure>\n";
        const MetricFrame frame(net.crs());
        Table t;
        t.head = {"rank",
                  "junction",
                  "lon, lat",
                  inc ? "weight brought within 5 min" : "km brought within 5 min",
                  "within 5 min after",
                  "mean response after"};
        t.numeric = {true, false, false, true, true, true};
        for (std::size_t i = 0; i < r.sites.size(); ++i) {
            const auto &st = r.sites[i];
            const LonLat ll = frame.to_lonlat(st.position);
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.5f, %.5f", ll.lon, ll.lat);
            t.rows.push_back(
                {std::to_string(i + 1), st.id, buf, inc ? f0(st.gain) : f1(st.gain / 1000.0),
                 pct(st.figures.covered_share()), f1(st.figures.mean_time_s / 60.0) + " min"});
        }
        s += t.html();
        s += "<p>Within 5 minutes today: <b>" + pct(r.before.covered_share()) + "</b> of the " +
             (inc ? "incident weight" : "road") + "; with these kiosks <b>" +
             pct(r.after.covered_share()) +
             "</b>. The site command also minimises the mean or "
             "the worst response time, takes other candidates (community rooms, plates, a "
             "layer) and answers whether moving a kiosk would help.</p>\n";
        body += s + "</section>\n";
        const auto L = add_layer({"next_kiosks",
                                  Geometry::Type::point,
                                  {{"rank", FieldType::integer},
                                   {"site", FieldType::string},
                                   {"gain", FieldType::real},
                                   {"within_pct", FieldType::real},
                                   {"mean_min", FieldType::real}},
                                  "",
                                  ""});
        for (std::size_t i = 0; i < r.sites.size(); ++i)
            gpkg.add_feature(L, Geometry::of_point(r.sites[i].position),
                             {std::int64_t(i + 1), r.sites[i].id, r.sites[i].gain,
                              100 * r.sites[i].figures.covered_share(),
                              r.sites[i].figures.mean_time_s / 60.0});
    } else {
        body += "<section id=\"next\"><h2>6. Where the next kiosk should go</h2><p "
                "class=\"note\">The scene has no kiosks to add to.</p></section>\n";
    }
    result.sections.push_back({"next", "Where the next kiosk should go", secs(t0, now())});

    // ---- assemble -----------------------------------------------------------------------
    progress(0.95, "writing");
    std::string html = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, "
                       "initial-scale=1\">\n<title>lugeo planning report — " +
                       html_escape(scene.name) + "</title>\n<style>" + kCss +
                       "</style>\n</head>\n<body><main>\n"
                       "<h1>Planning report</h1>\n<p class=\"lead\">" +
                       html_escape(scene.name) +
                       "</p>\n<nav>"
                       "<a href=\"#scene\">Scene</a><a href=\"#reachability\">Reachability</a><a "
                       "href=\"#zones\">Patrol zones</a>"
                       "<a href=\"#coverage\">Camera coverage</a><a href=\"#registry\">Plate "
                       "registry</a><a href=\"#next\">Next kiosks</a></nav>\n" +
                       body + "<footer><p class=\"note\">Map data " + html_escape(attribution) +
                       ". Every layer behind this report is in <code>report.gpkg</code> (opens in "
                       "QGIS). Made by lugeo " +
                       version() + ".</p></footer>\n</main></body>\n</html>\n";
    const fs::path tmp =
        fs::path(o.output_dir) / (".report.tmp" + std::to_string(::getpid()) + ".html");
    temp::track(tmp.string());
    struct Untrack {
        std::string p;
        ~Untrack() {
            std::error_code e;
            fs::remove(p, e); // gone after the rename; a failed run leaves nothing
            temp::untrack(p);
        }
    } untrack{tmp.string()};
    {
        std::ofstream out(tmp, std::ios::binary);
        out << redact_secrets(html); // no secret of a connection string ever leaves
        if (!out) throw Error(ErrorCode::io, "cannot write '" + tmp.string() + "'");
    }
    gpkg.commit();
    fs::rename(tmp, result.html_path, ec);
    if (ec)
        throw Error(ErrorCode::io, "cannot move the report into place as '" + result.html_path +
                                       "': " + ec.message());
    result.html_bytes = html.size();
    result.seconds = secs(t_start, now());
    progress(1.0, "done");
    return result;
}

} // namespace lugeo
