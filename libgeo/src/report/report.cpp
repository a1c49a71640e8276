// The planning report: runs the analyses on a scene and writes one self-contained HTML file
// (inline SVG maps, inline CSS, no scripts, no external resources) and one GeoPackage. Each
// analysis's section is in its own file (section_*.cpp); this file sets them up, runs them and
// assembles the page.
#include <lugeo/error.hpp>
#include <lugeo/report.hpp>
#include <lugeo/temp_files.hpp>
#include <lugeo/version.hpp>
#include <lugeo/zones.hpp>

#include "report/parts.hpp"
#include "report/summary.hpp"
#include "report/terms.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace lugeo {

namespace {

using report::html_escape;
using report::report_language;
using report::ReportContext;
using report::summary_findings;
using report::summary_html;
using report::tr;

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

/// What the sections share (the summary and the GeoPackage are their outputs).
ReportContext report_context(const SceneData &scene, const ReportOptions &o, const Network &net,
                             const std::string &lang, const std::string &attribution,
                             ReportSummary &summary, ReportFigures &figures, VectorWriter &gpkg,
                             std::vector<std::string> &gpkg_layers) {
    ZoneContext ctx = zone_context(scene);
    std::vector<Unit> kiosks = units_of_kind(scene.units, scene.settings.zones.kiosk_kind);
    Box extent;
    for (const auto &p : ctx.boundary)
        for (XY q : p.outer)
            extent.extend(q);
    if (!extent.valid())
        for (XY q : net.nodes())
            extent.extend(q);
    std::vector<XY> kiosk_points;
    for (const auto &k : kiosks)
        kiosk_points.push_back(k.position);
    const report::Style kiosk_style{"#000000", "#ffffff", 1.0,
                                    1.0,       "",        "",
                                    5.0,       "square",  tr(lang, "mobile kiosk", "移动警务站")};
    return ReportContext{scene,
                         o,
                         net,
                         lang,
                         std::move(ctx),
                         std::move(kiosks),
                         std::move(kiosk_points),
                         extent,
                         attribution,
                         report::main_road_names(net, lang),
                         kiosk_style,
                         summary,
                         figures,
                         gpkg,
                         gpkg_layers};
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

    std::string body;
    const std::string attribution =
        scene.attribution.empty() ? "© OpenStreetMap contributors" : scene.attribution;

    // ---- scene and network --------------------------------------------------------------
    auto t0 = now();
    progress(0.02, "network");
    const Network net = build_network(scene.roads, scene.settings.network);
    const std::string lang = report_language(o.lang, net);
    if (lang != "zh" && lang != "en")
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("lang", lang),
                    "the report's language is zh or en, not '" + lang + "'");
    ReportSummary &summary = result.summary;
    summary.lang = lang;
    summary.minutes = o.minutes;
    summary.targets = o.targets;
    const ReportContext c = report_context(scene, o, net, lang, attribution, summary,
                                           result.figures, gpkg, result.gpkg_layers);
    body += report::scene_section(c);
    result.sections.push_back({"scene", "The scene", secs(t0, now())});
    report::write_roads_layer(c);

    // ---- the analyses, one section each -------------------------------------------------
    auto section = [&](const char *id, const char *title, double fraction, const char *what,
                       auto &&write) {
        const auto t = now();
        progress(fraction, what);
        body += write();
        result.sections.push_back({id, title, secs(t, now())});
    };
    std::vector<NamedArea> zone_areas;
    section("reachability", "Reachability", 0.15, "reachability",
            [&] { return report::reachability_section(c); });
    section("zones", "Patrol zones", 0.35, "patrol zones",
            [&] { return report::zones_section(c, zone_areas); });
    section("coverage", "Camera coverage", 0.55, "camera coverage",
            [&] { return report::coverage_section(c, zone_areas); });
    section("registry", "The plate registry", 0.85, "plate registry",
            [&] { return report::registry_section(c); });
    section("next", "Where the next kiosk should go", 0.9, "next kiosks",
            [&] { return report::next_kiosks_section(c); });

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
