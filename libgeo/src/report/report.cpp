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

#include "report/summary.hpp"
#include "report/svg_map.hpp"
#include "report/terms.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <set>
#include <span>
#include <unistd.h>

namespace fs = std::filesystem;

namespace lugeo {

namespace {

using report::check_label;
using report::html_escape;
using report::minutes_label;
using report::misreading_label;
using report::plate_kind_label;
using report::profile_label;
using report::report_language;
using report::road_class_label;
using report::road_name_label;
using report::role_label;
using report::standard_figures;
using report::Style;
using report::summary_findings;
using report::summary_html;
using report::suspect_label;
using report::SvgMap;
using report::tr;

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
std::string seal_share_line(const Network &net, const SceneData &d, const std::string &lang) {
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
        const SealContext sc(net, d.units, area,
                             seal_unit_options(d.settings.seal, d.settings.units));
        SealOptions so = seal_options(d.settings.seal);
        so.find_head_start = false;
        so.open_routes = 0;
        std::size_t sealed = 0;
        for (const XY &p : pts) {
            const SealPlan plan = seal_incident(sc, p, so);
            sealed += plan.snapped && plan.sealed;
        }
        const std::string share = pct(double(sealed) / double(pts.size()));
        if (lang == "zh")
            return "<p><b>封控：</b>嫌疑人（" + suspect_label(lang, d.settings.seal.suspect) +
                   "，先行 " + f1(so.head_start_s / 60) + " 分钟）逃出之前，" +
                   f1(so.within_s / 60) + " 分钟内能合拢一圈路障的" +
                   (grids ? "网格：" : "警情：") + std::to_string(sealed) + " / " +
                   std::to_string(pts.size()) + "（" + share +
                   "）；模型见 <code>docs/seal.md</code>。</p>";
        return "<p><b>Seal-off:</b> a ring of road blocks closes within " + f1(so.within_s / 60) +
               " minutes, before a " + d.settings.seal.suspect + " suspect with a " +
               f1(so.head_start_s / 60) + "-minute head start is out, for " +
               std::to_string(sealed) + " of " + std::to_string(pts.size()) +
               (grids ? " grid cells (" : " incidents (") + share +
               "); the model is in <code>docs/seal.md</code>.</p>";
    } catch (const Error &) {
        return "";
    }
}
/// A road's name, or "(unnamed)".
std::string road_or_unnamed(const std::string &lang, const std::string &name) {
    return name.empty() ? tr(lang, "(unnamed)", "（无名道路）") : name;
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
.verdict{font-size:17px;font-weight:bold;margin:6px 0 10px}
table.standard{font-size:14px}table.standard td,table.standard th{padding:5px 10px}
td.fail{background:#f3d0d0;font-weight:bold}td.pass{background:#e6f2e6}tr.city td{border-top:2px solid #222;font-weight:bold}
p.small{font-size:12px;color:#333}ol.findings li{margin:4px 0}
tr,figure,.fig{break-inside:avoid}thead{display:table-header-group}
@page{size:A4;margin:14mm 12mm}
@media print{main{max-width:none;padding:0}nav{display:none}h2{break-before:page}section.summary h2{break-before:avoid}body{-webkit-print-color-adjust:exact;print-color-adjust:exact}svg{max-height:230mm}}
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

/// The point halfway along a line.
XY halfway(std::span<const XY> line) {
    double total = 0;
    for (std::size_t i = 1; i < line.size(); ++i)
        total += std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
    double left = total / 2;
    for (std::size_t i = 1; i < line.size(); ++i) {
        const double d = std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
        if (d >= left && d > 0) {
            const double f = left / d;
            return {line[i - 1].x + f * (line[i].x - line[i - 1].x),
                    line[i - 1].y + f * (line[i].y - line[i - 1].y)};
        }
        left -= d;
    }
    return line.empty() ? XY{0, 0} : line.back();
}

/// A main road's name on the maps: where, along which direction, what.
struct RoadName {
    XY at;
    double angle_deg = 0; ///< counter-clockwise from east
    std::string text;
};

/// The main roads' names in the report's language, each once, the longest road first: at the
/// middle of its longest edge, along the road there (the principal axis of the road's
/// vertices within 300 m).
std::vector<RoadName> main_road_names(const Network &net, const std::string &lang) {
    struct Road {
        double length_m = 0;
        std::uint32_t longest = 0;
        std::vector<std::uint32_t> edges;
    };
    std::map<std::string, Road> roads;
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        if (net.name_of(e).empty() || !is_main_road(net.class_of(e))) continue;
        Road &r = roads[road_name_label(lang, net.name_of(e))];
        const double l = net.edge(e).length_m;
        if (r.edges.empty() || l > net.edge(r.longest).length_m) r.longest = e;
        r.length_m += l;
        r.edges.push_back(e);
    }
    std::vector<RoadName> out;
    std::vector<double> lengths;
    for (const auto &[text, r] : roads) {
        const XY at = halfway(net.edge_geometry(r.longest));
        double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (std::uint32_t e : r.edges)
            for (XY p : net.edge_geometry(e)) {
                const double dx = p.x - at.x, dy = p.y - at.y;
                if (dx * dx + dy * dy > 300.0 * 300.0) continue;
                n += 1, sx += dx, sy += dy, sxx += dx * dx, syy += dy * dy, sxy += dx * dy;
            }
        double angle = 0;
        if (n >= 2) {
            const double cxx = sxx / n - (sx / n) * (sx / n), cyy = syy / n - (sy / n) * (sy / n),
                         cxy = sxy / n - (sx / n) * (sy / n);
            angle = 0.5 * std::atan2(2 * cxy, cxx - cyy) * 180.0 / std::numbers::pi;
        }
        out.push_back({at, angle, text});
        lengths.push_back(r.length_m);
    }
    std::vector<std::size_t> order(out.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return lengths[a] > lengths[b]; });
    std::vector<RoadName> sorted;
    for (std::size_t i : order)
        sorted.push_back(out[i]);
    return sorted;
}

/// Up to `most` main road names on a map, the longest roads first, none over another label.
void add_road_names(SvgMap &map, const std::vector<RoadName> &names, std::size_t most = 14) {
    std::size_t placed = 0;
    for (const RoadName &r : names) {
        if (placed >= most) break;
        placed += map.add_road_label(r.at, r.angle_deg, r.text);
    }
}

/// The kiosks' names on a map (their IDs when unnamed), above each kiosk.
void add_kiosk_names(SvgMap &map, const std::vector<Unit> &kiosks) {
    for (const auto &k : kiosks)
        map.add_label(XY{k.position.x, k.position.y + 9.0 * map.metres_per_px()},
                      k.name.empty() ? k.id : k.name, 11.0);
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
    const std::string lang = report_language(o.lang, net);
    if (lang != "zh" && lang != "en")
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("lang", lang),
                    "the report's language is zh or en, not '" + lang + "'");
    ReportSummary &summary = result.summary;
    summary.lang = lang;
    summary.minutes = o.minutes;
    summary.targets = o.targets;
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
        std::string s =
            "<section id=\"scene\"><h2>" + std::string(tr(lang, "1. The scene", "1. 场景与数据")) +
            "</h2>\n<p>" + html_escape(scene.name) +
            tr(lang, ". Metric CRS <b>", "。投影坐标系 <b>") + html_escape(scene.crs) +
            tr(lang, "</b>. Scene file: ", "</b>。场景文件：") +
            (scene.path.empty()
                 ? std::string(tr(lang, "(command line)", "（命令行参数）"))
                 : "<code>" + html_escape(fs::path(scene.path).filename().string()) + "</code>") +
            tr(lang, ".", "。") + "</p>\n";
        Table t;
        t.head = {tr(lang, "layer", "图层"), tr(lang, "source", "来源"),
                  tr(lang, "features", "要素数"), tr(lang, "provenance", "性质")};
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
            const std::string count =
                role == LayerRole::roads
                    ? num_thousands(net.report().features_read) + tr(lang, " (read)", "（读入）")
                    : num_thousands(layer.kept);
            const bool osm = role == LayerRole::roads || role == LayerRole::buildings ||
                             role == LayerRole::key_sites;
            t.rows.push_back({role_label(lang, role), src, count,
                              synth ? tr(lang, "SYNTHETIC", "合成数据（SYNTHETIC）")
                              : osm ? tr(lang, "real (OpenStreetMap)", "真实（OpenStreetMap）")
                                    : tr(lang, "real (given)", "真实（用户提供）")});
        }
        s += t.html();
        if (any_synthetic)
            s += std::string("<p class=\"note synthetic\">") +
                 tr(lang,
                    "Layers marked SYNTHETIC are generated (seeded, reproducible) to mirror the "
                    "city's figures; they are not real poles, lamps, cameras, police units or "
                    "incidents.",
                    "标为合成数据（SYNTHETIC）的图层按城市的统计数字生成（固定随机种子，可复现），"
                    "并非真实的电杆、路灯、摄像机、警力或警情。") +
                 "</p>\n";
        s += "<h3>" + std::string(tr(lang, "Road network", "路网")) + "</h3><div class=\"figs\">";
        s += "<div class=\"fig\"><b>" + f1(ns.total_km) + " km</b>" + tr(lang, "road, ", "道路，") +
             num_thousands(ns.edges) + tr(lang, " edges", " 条路段") + "</div>";
        s += "<div class=\"fig\"><b>" + f1(ns.km_by_profile[2]) + " km</b>" +
             tr(lang, "drivable (", "可通车（") + pct(ns.largest_share[2]) +
             tr(lang, " in the largest component)", " 位于最大连通部分）") + "</div>";
        s += "<div class=\"fig\"><b>" + pct(ns.oneway_share) + "</b>" +
             tr(lang, "of drivable road is one-way", "可通车道路中单行道的占比") + "</div>";
        s += "<div class=\"fig\"><b>" + std::to_string(kiosks.size()) + "</b>" +
             tr(lang, "mobile kiosks", "个移动警务站") + "</div></div>\n";
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
    const std::vector<RoadName> road_names = main_road_names(net, lang);
    std::vector<XY> kiosk_points;
    for (const auto &k : kiosks)
        kiosk_points.push_back(k.position);
    const Style kiosk_style{"#000000", "#ffffff", 1.0,
                            1.0,       "",        "",
                            5.0,       "square",  tr(lang, "mobile kiosk", "移动警务站")};

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
            st.label = minutes_label(lang, f0(from) + "–" + f0(iso.minutes[b])) +
                       tr(lang, " (", "（") + profile_label(lang, iso.profiles[b]) +
                       tr(lang, ")", "）");
            map.add_polygons(iso.bands[b], st);
        }
        map.add_points(kiosk_points, kiosk_style);
        add_kiosk_names(map, kiosks);
        add_road_names(map, road_names);
        std::string s =
            "<section id=\"reachability\"><h2>" +
            std::string(tr(lang, "2. Reachability: the 1 / 5 / 30-minute standard",
                           "2. 可达性：1 / 5 / 30 分钟标准")) +
            "</h2>\n<p class=\"lead\">" +
            tr(lang,
               "Areas reached from the nearest mobile kiosk within each threshold (1 minute to "
               "handle, 5 to seal off, 30 for the whole city): the reached road network buffered "
               "by ",
               "各时限内从最近的移动警务站可到达的区域（1 分钟处置、5 分钟封控、30 "
               "分钟覆盖全市）：按可达路网缓冲 ") +
            f0(io.trim_m) + tr(lang, " m, not a convex hull.", " 米绘制，而非凸包。") +
            "</p>\n<figure>" +
            map.render(
                tr(lang, "Reachability bands from the mobile kiosks", "移动警务站可达时间分带"),
                attribution) +
            "<figcaption>" +
            tr(lang,
               "Bands of travel time from the nearest kiosk. Unshaded areas are not reached "
               "within ",
               "从最近警务站出发的行程时间分带。无底色区域在 ") +
            f0(iso.minutes.back()) + tr(lang, " minutes.", " 分钟内不可达。") +
            "</figcaption></figure>\n";
        Table t;
        t.head = {tr(lang, "threshold", "时限"),        tr(lang, "profile", "方式"),
                  tr(lang, "road reached", "可达道路"), tr(lang, "share of road", "道路占比"),
                  tr(lang, "key sites", "重点部位"),    tr(lang, "incidents", "警情")};
        t.numeric = {false, false, true, true, true, true};
        for (const auto &f : iso.standard)
            t.rows.push_back(
                {minutes_label(lang, f0(f.minutes)), profile_label(lang, f.profile),
                 f1(f.reached_km) + " km", pct(f.road_share()),
                 std::to_string(f.key_sites_within) + " / " + std::to_string(f.key_sites),
                 pct(f.incidents ? double(f.incidents_within) / double(f.incidents) : 0.0)});
        s += t.html();
        s += seal_share_line(net, scene, lang);
        Table w;
        w.head = {tr(lang, "road", "道路"), tr(lang, "class", "等级"), tr(lang, "length", "长度"),
                  tr(lang, "time from the nearest kiosk", "距最近警务站的时间")};
        w.numeric = {false, false, true, true};
        for (std::size_t i = 0; i < iso.beyond.size() && i < o.top; ++i) {
            const auto &b = iso.beyond[i];
            w.rows.push_back({road_or_unnamed(lang, net.name_of(b.edge)),
                              road_class_label(lang, net.class_of(b.edge)), f0(b.length_m) + " m",
                              std::isfinite(b.time_s) ? minutes_label(lang, f1(b.time_s / 60.0))
                                                      : tr(lang, "not reached", "不可达")});
        }
        s += "<h3>" +
             std::string(tr(lang, "The worst places: longest road stretches beyond ",
                            "最难到达的地方：超过 ")) +
             f0(io.beyond_minutes) + tr(lang, " minutes", " 分钟才能到达的最长路段") + "</h3>" +
             w.html();
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
        body += "<section id=\"reachability\"><h2>" +
                std::string(tr(lang, "2. Reachability", "2. 可达性")) + "</h2><p class=\"note\">" +
                tr(lang, "The scene has no units of kind kiosk: no reachability.",
                   "场景中没有警务站类警力，无法计算可达性。") +
                "</p></section>\n";
    }
    result.sections.push_back({"reachability", "Reachability", secs(t0, now())});

    // ---- patrol zones -------------------------------------------------------------------
    t0 = now();
    progress(0.35, "patrol zones");
    std::vector<NamedArea> zone_areas;
    if (!kiosks.empty()) {
        const ZonePlan plan = build_zones(net, kiosks, ctx, ZoneOptions{});
        standard_figures(net, plan, scene.incidents, summary);
        // hues for the screen; in grey print each zone differs from the ones beside it in the
        // list by lightness (luminance 70, 86, 95, 78, 82, 97, 76, 90, 85, 68%) or hatching
        static const char *zone_fill[] = {"#ed9a9a", "#c8e0f5", "#e6fbe6", "#dbb5ed", "#efcaa7",
                                          "#fbf9e7", "#6ee5e5", "#f9daed", "#d9d9d9", "#51e09b"};
        static const char *zone_hatch[] = {"",     "diag", "",      "cross", "",
                                           "diag", "",     "cross", "diag",  ""};
        SvgMap map(extent, o.map_width_px);
        for (std::size_t z = 0; z < plan.zones.size(); ++z) {
            Style st{zone_fill[z % 10], "#222222", 1.2, 1.0, "", zone_hatch[z % 10]};
            st.label = plan.zones[z].kiosk_id +
                       (plan.zones[z].kiosk_name.empty() ? "" : " " + plan.zones[z].kiosk_name);
            map.add_polygons(plan.zones[z].polygon, st);
            zone_areas.push_back(
                {plan.zones[z].kiosk_id, plan.zones[z].kiosk_name, "", plan.zones[z].polygon, {}});
        }
        add_base_roads(map, net, "#808080");
        map.add_points(kiosk_points, kiosk_style);
        add_kiosk_names(map, kiosks);
        add_road_names(map, road_names);
        std::string s =
            "<section id=\"zones\"><h2>" + std::string(tr(lang, "3. Patrol zones", "3. 巡区")) +
            "</h2>\n<p class=\"lead\">" +
            tr(lang,
               "Each drivable road goes to the kiosk that reaches it fastest (network Voronoi, "
               "car); areas between roads go to the zone of the nearest road. The zones tile the "
               "study area with no gaps and no overlaps.",
               "每条可通车道路划归驾车最快到达的警务站（路网泰森多边形）；"
               "道路之间的区域划归最近道路所在巡区。"
               "各巡区无缝、无重叠地覆盖研究区。") +
            "</p>\n<figure>" + map.render(tr(lang, "Patrol zones", "巡区"), attribution) +
            "<figcaption>" + tr(lang, "Patrol zones and their kiosks.", "巡区及其警务站。") +
            "</figcaption></figure>\n";
        Table t;
        t.head = {tr(lang, "zone (kiosk)", "巡区（警务站）"),
                  tr(lang, "area", "面积"),
                  tr(lang, "road", "道路"),
                  tr(lang, "incidents (red/orange/blue/green)", "警情（红/橙/蓝/绿）"),
                  tr(lang, "key sites", "重点部位"),
                  tr(lang, "cameras", "摄像机"),
                  tr(lang, "mean response", "平均响应"),
                  tr(lang, "95th percentile", "95% 分位"),
                  tr(lang, "worst", "最长")};
        t.numeric = {false, true, true, true, true, true, true, true, true};
        for (const auto &z : plan.zones)
            t.rows.push_back(
                {z.kiosk_id + (z.kiosk_name.empty() ? "" : " " + z.kiosk_name),
                 f1(z.area_m2 / 1e6) + " km²", f1(z.road_length_m / 1000.0) + " km",
                 std::to_string(z.incidents[0]) + " / " + std::to_string(z.incidents[1]) + " / " +
                     std::to_string(z.incidents[2]) + " / " + std::to_string(z.incidents[3]),
                 std::to_string(z.key_sites), std::to_string(z.cameras),
                 minutes_label(lang, f1(z.mean_time_s / 60.0)),
                 minutes_label(lang, f1(z.p95_time_s / 60.0)),
                 minutes_label(lang, f1(z.worst_time_s / 60.0))});
        s += t.html();
        s += std::string("<p>") +
             tr(lang, "Imbalance (largest / smallest zone by road length): <b>",
                "不均衡度（按道路长度，最大巡区 / 最小巡区）：<b>") +
             f1(plan.imbalance) + "</b>" + tr(lang, ". ", "。") +
             tr(lang,
                "The <code>zones</code> command also draws plans balanced by road length, graded "
                "incidents or area.",
                "<code>zones</code> 命令还可按道路长度、分级警情或面积生成均衡方案。") +
             "</p>\n";
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
        body += "<section id=\"zones\"><h2>" + std::string(tr(lang, "3. Patrol zones", "3. 巡区")) +
                "</h2><p class=\"note\">" +
                tr(lang, "The scene has no kiosks: no zones.", "场景中没有警务站，无法划分巡区。") +
                "</p></section>\n";
    }
    result.sections.push_back({"zones", "Patrol zones", secs(t0, now())});

    // ---- camera coverage ----------------------------------------------------------------
    t0 = now();
    progress(0.55, "camera coverage");
    if (scene.has(LayerRole::cameras)) {
        CoverageInput in = coverage_input(scene);
        in.zones = zone_areas;
        const CoverageResult cov = analyze_coverage(net, in, CoverageOptions{});
        summary.camera_covered_share = cov.total.share();
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
        map.add_lines(uncovered, Style{"none", "#c8c8c8", 0.8, 1.0, "", "", 0, "",
                                       tr(lang, "road not covered", "未覆盖道路")});
        map.add_lines(gaps, Style{"none", "#d7191c", 1.8, 1.0, "5 3", "", 0, "",
                                  tr(lang, "gap ≥ 50 m (dashed)", "≥ 50 m 的盲区（虚线）")});
        map.add_lines(covered, Style{"none", "#1a6b35", 2.2, 1.0, "", "", 0, "",
                                     tr(lang, "road seen by a camera", "摄像机可见的道路")});
        std::vector<XY> cams, picks;
        for (const auto &c : cov.cameras)
            cams.push_back(c.position);
        for (const auto &p : plan.picks)
            picks.push_back(p.camera.position);
        map.add_points(cams, Style{"#000000", "#000000", 0.5, 1.0, "", "", 1.2, "circle",
                                   tr(lang, "camera", "摄像机")});
        map.add_points(picks, Style{"#ffd700", "#000000", 1.0, 1.0, "", "", 5.0, "triangle",
                                    tr(lang, "proposed camera", "建议新增的摄像机")});
        add_road_names(map, road_names);
        std::string s =
            "<section id=\"coverage\"><h2>" +
            std::string(tr(lang, "4. Camera coverage", "4. 视频监控覆盖")) +
            "</h2>\n<p class=\"lead\">" +
            tr(lang,
               "Road seen by at least one camera: each camera's sector (heading, angle, range) "
               "clipped by building footprints — a camera does not see through a building.",
               "至少被一台摄像机看到的道路：每台摄像机的视域（朝向、视角、距离）被建筑轮廓裁切——摄"
               "像机看不穿建筑。") +
            "</p>\n<div class=\"figs\">";
        s += "<div class=\"fig\"><b>" + pct(cov.total.share()) + "</b>" +
             (lang == "zh" ? f1(cov.total.total_m / 1000.0) + " 公里道路已覆盖"
                           : "of " + f1(cov.total.total_m / 1000.0) + " km road covered") +
             "</div>";
        s += "<div class=\"fig\"><b>" + f1(cov.total.backup_m / 1000.0) + " km</b>" +
             tr(lang, "seen by two or more", "被两台及以上看到") + "</div>";
        s += "<div class=\"fig\"><b>" + std::to_string(cov.key_sites_unseen.size()) + "</b>" +
             tr(lang, "key sites not seen", "重点部位未被看到") + "</div>";
        s += "<div class=\"fig\"><b>" + std::to_string(cov.cameras_no_road.size()) + "</b>" +
             tr(lang, "cameras that see no road", "摄像机看不到道路") + "</div></div>\n";
        s += "<figure>" +
             map.render(tr(lang, "Camera coverage of the road network", "路网视频覆盖"),
                        attribution) +
             "<figcaption>" +
             tr(lang,
                "Covered road (solid, dark), gaps of 50 m or more (dashed), and the proposed next "
                "cameras (triangles).",
                "已覆盖道路（深色实线）、50 米及以上的盲区（虚线）和建议新增的摄像机（三角形）。") +
             "</figcaption></figure>\n";
        Table bc;
        bc.head = {tr(lang, "road class", "道路等级"), tr(lang, "length", "长度"),
                   tr(lang, "covered", "已覆盖"), tr(lang, "share", "占比"),
                   tr(lang, "seen by 2+", "两台及以上可见")};
        bc.numeric = {false, true, true, true, true};
        std::vector<std::pair<std::string, LengthSplit>> classes(cov.by_class.begin(),
                                                                 cov.by_class.end());
        std::stable_sort(classes.begin(), classes.end(),
                         [](auto &a, auto &b) { return a.second.total_m > b.second.total_m; });
        for (const auto &[c, l] : classes)
            bc.rows.push_back({road_class_label(lang, c), f1(l.total_m / 1000) + " km",
                               f1(l.covered_m / 1000) + " km", pct(l.share()),
                               f1(l.backup_m / 1000) + " km"});
        s += "<h3>" + std::string(tr(lang, "By road class", "按道路等级")) + "</h3>" + bc.html();
        if (!cov.by_zone.empty()) {
            Table bz;
            bz.head = {tr(lang, "patrol zone", "巡区"), tr(lang, "length", "长度"),
                       tr(lang, "covered", "已覆盖"), tr(lang, "share", "占比")};
            bz.numeric = {false, true, true, true};
            for (const auto &[z, l] : cov.by_zone)
                bz.rows.push_back({z == CoverageResult::outside_zones
                                       ? tr(lang, "(outside the zones)", "（巡区之外）")
                                       : z,
                                   f1(l.total_m / 1000) + " km", f1(l.covered_m / 1000) + " km",
                                   pct(l.share())});
            s += "<h3>" + std::string(tr(lang, "By patrol zone", "按巡区")) + "</h3>" + bz.html();
        }
        Table g;
        g.head = {tr(lang, "road", "道路"), tr(lang, "class", "等级"), tr(lang, "length", "长度"),
                  tr(lang, "from plate", "起点杆号"), tr(lang, "to plate", "终点杆号")};
        g.numeric = {false, false, true, false, false};
        for (std::size_t i = 0; i < cov.gaps.size() && i < o.top; ++i) {
            const auto &gp = cov.gaps[i];
            g.rows.push_back({road_or_unnamed(lang, gp.road), road_class_label(lang, gp.road_class),
                              f0(gp.length_m) + " m",
                              gp.from_plate ? in.plates[gp.from_plate->plate].id : "",
                              gp.to_plate ? in.plates[gp.to_plate->plate].id : ""});
        }
        s += "<h3>" + std::string(tr(lang, "The largest gaps", "最大的盲区")) + "</h3>" + g.html();
        Table pk;
        pk.head = {"#", tr(lang, "mount (plate)", "安装位置（杆号）"), tr(lang, "heading", "朝向"),
                   tr(lang, "new road covered", "新增覆盖道路"),
                   tr(lang, "coverage after", "增设后覆盖率")};
        pk.numeric = {true, false, true, true, true};
        for (std::size_t i = 0; i < plan.picks.size(); ++i) {
            const auto &p = plan.picks[i];
            pk.rows.push_back({std::to_string(i + 1), p.plate, f0(p.camera.heading_deg) + "°",
                               f0(p.gain_m) + " m",
                               pct(plan.total_m > 0 ? p.covered_m / plan.total_m : 0)});
        }
        s += "<h3>" + std::string(tr(lang, "The next ", "下一批 ")) +
             std::to_string(plan.picks.size()) +
             tr(lang, " cameras (greedy placement on the numbered poles and lamps)",
                " 台摄像机（在有编号的电杆和路灯上贪心选址）") +
             "</h3><p>" +
             tr(lang,
                "Each pick adds the most newly covered road, weighted by road class and incident "
                "density. Coverage gains are submodular, so greedy picks reach at least 63% "
                "(1 − 1/e) of the best possible gain for the same number of cameras.",
                "每一步选新增覆盖道路最多的位置（按道路等级和警情密度加权）。覆盖增益具有子模性，"
                "因此贪心选址至少达到同样台数下最优增益的 63%（1 − 1/e）。") +
             "</p>" + pk.html();
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
        body += "<section id=\"coverage\"><h2>" +
                std::string(tr(lang, "4. Camera coverage", "4. 视频监控覆盖")) +
                "</h2><p class=\"note\">" +
                tr(lang, "The scene has no cameras layer.", "场景中没有摄像机图层。") +
                "</p></section>\n";
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
            "<section id=\"registry\"><h2>" +
            std::string(tr(lang, "5. The plate registry", "5. 杆号/灯号登记")) +
            "</h2>\n<p class=\"lead\">" +
            tr(lang,
               "The numbered power poles and street lamps the dispatchers resolve callers' "
               "numbers to.",
               "接警员据以把报警人报出的编号解析为位置的电杆和路灯编号。") +
            "</p>\n";
        Table st;
        st.head = {tr(lang, "kind", "类型"),    tr(lang, "plates", "数量"),
                   tr(lang, "ok", "完好"),      tr(lang, "damaged", "损坏"),
                   tr(lang, "missing", "缺失"), tr(lang, "unknown", "未知")};
        st.numeric = {false, true, true, true, true, true};
        for (const auto &c : rep.status)
            st.rows.push_back({plate_kind_label(lang, c.kind),
                               num_thousands(c.ok + c.damaged + c.missing + c.unknown),
                               num_thousands(c.ok), num_thousands(c.damaged),
                               num_thousands(c.missing), num_thousands(c.unknown)});
        s += st.html();
        std::map<std::string, std::size_t> by_kind;
        for (const auto &i : rep.issues)
            ++by_kind[check_label(lang, i.kind)];
        Table ik;
        ik.head = {tr(lang, "check", "检查项"), tr(lang, "findings", "问题数")};
        ik.numeric = {false, true};
        for (const auto &[k, n] : by_kind)
            ik.rows.push_back({k, std::to_string(n)});
        s += "<h3>" + std::string(tr(lang, "Checks", "检查结果")) + "</h3><p>" +
             std::to_string(rep.error_count) + tr(lang, " errors, ", " 处错误，") +
             std::to_string(rep.warning_count) + tr(lang, " warnings.", " 处警告。") + "</p>" +
             (by_kind.empty()
                  ? "<p>" + std::string(tr(lang, "No findings.", "未发现问题。")) + "</p>"
                  : ik.html());
        std::vector<const CheckIssue *> conf, conf_roads;
        std::set<std::pair<std::string, std::string>> road_pairs;
        auto road_of = [&](const CheckIssue &i, std::size_t k) {
            return k < i.plates.size() && i.plates[k] < plates.size() ? plates[i.plates[k]].road
                                                                      : std::string();
        };
        for (const auto &i : rep.issues) {
            if (i.kind != CheckKind::confusable) continue;
            conf.push_back(&i);
            // the table shows each pair of roads once (its worst pair of plates)
            // (std::minmax of two temporaries would return dangling references)
            std::string a = road_of(i, 0), b = road_of(i, 1);
            if (b < a) std::swap(a, b);
            if (road_pairs.insert({std::move(a), std::move(b)}).second) conf_roads.push_back(&i);
        }
        summary.confusable_pairs = conf.size();
        summary.registry_errors = rep.error_count;
        // already ranked by score = probability of the misreading x distance (check_plates)
        Table cf;
        cf.head = {tr(lang, "plate", "编号"),
                   tr(lang, "road", "道路"),
                   tr(lang, "confusable with", "易混淆编号"),
                   tr(lang, "road", "道路"),
                   tr(lang, "distance apart", "相距"),
                   tr(lang, "misreading", "误读方式"),
                   tr(lang, "score (m)", "风险分（米）")};
        cf.numeric = {false, false, false, false, true, false, true};
        for (std::size_t i = 0; i < conf_roads.size() && i < o.top; ++i) {
            const CheckIssue &c = *conf_roads[i];
            cf.rows.push_back({c.ids.size() > 0 ? c.ids[0] : "", road_of(c, 0),
                               c.ids.size() > 1 ? c.ids[1] : "", road_of(c, 1),
                               f0(c.distance_m) + " m", misreading_label(lang, c.misreading),
                               f0(c.score)});
        }
        s += "<h3>" +
             std::string(tr(lang, "Confusable plates: one misreading apart, far from each other",
                            "易混淆编号：读错一处即为另一个相距很远的有效编号")) +
             "</h3><p>" + std::to_string(conf.size()) +
             tr(lang,
                " pairs; the table shows each pair of roads once, its worst pair of plates first "
                "(score: the probability of the misreading per reading times the distance, metres "
                "astray per reading). A caller who misreads one of these numbers names a valid "
                "plate far away: the dispatcher should confirm with a second number or the "
                "caller's position.",
                " 对；表中每对道路只列一次，取其中风险最高的一对编号，按风险从高到低排列（风险分 = "
                "每次读错的概率 × "
                "距离，即每次报号平均偏离的米数）。报警人读错这些编号时会指向远处的另一根杆："
                "接警员应追问第二个编号或来电位置。") +
             "</p>" + cf.html();
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
        body += "<section id=\"registry\"><h2>" +
                std::string(tr(lang, "5. The plate registry", "5. 杆号/灯号登记")) +
                "</h2><p class=\"note\">" +
                tr(lang, "The scene has no poles or lamps layer.", "场景中没有电杆或路灯图层。") +
                "</p></section>\n";
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
            inside,
            Style{"#d7191c", "none", 0.0, 0.8, "", "", 1.5, "circle",
                  inc ? tr(lang, "incidents brought within 5 minutes", "新纳入 5 分钟的警情")
                      : tr(lang, "road brought within 5 minutes", "新纳入 5 分钟的道路")});
        map.add_points(kiosk_points, kiosk_style);
        map.add_points(picks, Style{"#ffd700", "#000000", 1.2, 1.0, "", "", 7.0, "circle",
                                    tr(lang, "proposed kiosk (by rank)", "建议警务站（按序号）")});
        for (std::size_t i = 0; i < r.sites.size(); ++i)
            map.add_label(XY{r.sites[i].position.x, r.sites[i].position.y + 140.0},
                          std::to_string(i + 1));
        add_kiosk_names(map, kiosks);
        add_road_names(map, road_names);
        const std::string what =
            inc ? "graded incidents (red 8, orange 4, blue 2, green 1)" : "road length";
        std::string s =
            "<section id=\"next\"><h2>" +
            std::string(tr(lang, "6. Where the next kiosk should go", "6. 下一个警务站设在哪里")) +
            "</h2>\n<p class=\"lead\">" +
            (lang == "zh"
                 ? "再增设 " + std::to_string(r.sites.size()) + " 个警务站时，能使最多" +
                       (inc ? "分级警情（红 8、橙 4、蓝 2、绿 1）" : "道路") +
                       "进入最近警力 5 分钟响应（出警准备 + 车程）的路口，现有警务站不动（最大覆盖：" +
                       (r.method == SiteMethod::exhaustive
                            ? "穷举所有方案"
                            : "贪心选择（不低于最优增益的 63%），再经交换改进") +
                       "）。"
                 : "The road junctions where " + std::to_string(r.sites.size()) +
                       " more kiosks would bring the most " + what +
                       " within 5 minutes of the nearest unit (turnout + car travel), the "
                       "existing kiosks staying "
                       "(maximal covering: " +
                       std::string(r.method == SiteMethod::exhaustive
                                       ? "every choice evaluated"
                                       : "greedy, within 63% of the best possible gain, then "
                                         "improved by swaps") +
                       ").") +
            "</p>\n<figure>" +
            map.render(tr(lang, "Where the next kiosks should go", "新增警务站位置"), attribution) +
            "<figcaption>" +
            tr(lang, "Proposed kiosks in the order chosen, and what they bring within 5 minutes.",
               "按选择顺序排列的建议警务站，以及它们带入 5 分钟范围的内容。") +
            "</figcaption></figure>\n";
        const MetricFrame frame(net.crs());
        Table t;
        t.head = {tr(lang, "rank", "序号"),
                  tr(lang, "junction", "路口"),
                  tr(lang, "lon, lat", "经度, 纬度"),
                  inc ? tr(lang, "weight brought within 5 min", "新纳入 5 分钟的警情权重")
                      : tr(lang, "km brought within 5 min", "新纳入 5 分钟的道路（公里）"),
                  tr(lang, "within 5 min after", "增设后 5 分钟内"),
                  tr(lang, "mean response after", "增设后平均响应")};
        t.numeric = {true, false, false, true, true, true};
        for (std::size_t i = 0; i < r.sites.size(); ++i) {
            const auto &st = r.sites[i];
            const LonLat ll = frame.to_lonlat(st.position);
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.5f, %.5f", ll.lon, ll.lat);
            t.rows.push_back({std::to_string(i + 1), st.id, buf,
                              inc ? f0(st.gain) : f1(st.gain / 1000.0),
                              pct(st.figures.covered_share()),
                              minutes_label(lang, f1(st.figures.mean_time_s / 60.0))});
        }
        s += t.html();
        s += lang == "zh"
                 ? "<p>目前 5 分钟内可达：<b>" + pct(r.before.covered_share()) + "</b>的" +
                       (inc ? "警情权重" : "道路") + "；增设这些警务站后 <b>" +
                       pct(r.after.covered_share()) +
                       "</b>。<code>site</code> "
                       "命令还可最小化平均或最长响应时间、使用其他候选点（社区用房、杆位、图层），"
                       "并判断搬迁现有警务站是否有益。</p>\n"
                 : "<p>Within 5 minutes today: <b>" + pct(r.before.covered_share()) +
                       "</b> of the " + (inc ? "incident weight" : "road") +
                       "; with these kiosks <b>" + pct(r.after.covered_share()) +
                       "</b>. The <code>site</code> command also minimises the mean or the worst "
                       "response "
                       "time, takes other candidates (community rooms, plates, a layer) and "
                       "answers whether moving a kiosk would help.</p>\n";
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
        body +=
            "<section id=\"next\"><h2>" +
            std::string(tr(lang, "6. Where the next kiosk should go", "6. 下一个警务站设在哪里")) +
            "</h2><p class=\"note\">" +
            tr(lang, "The scene has no kiosks to add to.", "场景中没有可供补充的警务站。") +
            "</p></section>\n";
    }
    result.sections.push_back({"next", "Where the next kiosk should go", secs(t0, now())});

    // ---- assemble -----------------------------------------------------------------------
    progress(0.95, "writing");
    summary_findings(summary);
    char date[32] = "";
    {
        const std::time_t t = std::time(nullptr);
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
    }
    const std::string title = tr(lang, "Planning report", "警务布局规划报告");
    std::string html =
        std::string("<!DOCTYPE html>\n<html lang=\"") + (lang == "zh" ? "zh-CN" : "en") +
        "\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
        title + " — " + html_escape(scene.name) + "</title>\n<style>" + kCss +
        "</style>\n</head>\n<body><main>\n<h1>" + title + "</h1>\n<nav>" + "<a href=\"#summary\">" +
        tr(lang, "Summary", "摘要") + "</a><a href=\"#scene\">" + tr(lang, "Scene", "场景") +
        "</a><a href=\"#reachability\">" + tr(lang, "Reachability", "可达性") +
        "</a><a href=\"#zones\">" + tr(lang, "Patrol zones", "巡区") +
        "</a><a href=\"#coverage\">" + tr(lang, "Camera coverage", "视频覆盖") +
        "</a><a href=\"#registry\">" + tr(lang, "Plate registry", "杆号登记") +
        "</a><a href=\"#next\">" + tr(lang, "Next kiosks", "新增警务站") + "</a></nav>\n" +
        summary_html(summary, scene.name, date) + body + "<footer><p class=\"note\">" +
        tr(lang, "Map data ", "地图数据 ") + html_escape(attribution) + tr(lang, ". ", "。") +
        tr(lang,
           "Every layer behind this report is in <code>report.gpkg</code> (opens in QGIS). Made "
           "by lugeo ",
           "本报告的全部图层见 <code>report.gpkg</code>（可用 QGIS 打开）。由 lugeo 生成，版本 ") +
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
