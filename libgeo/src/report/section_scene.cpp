// The report's scene section (the layers read and the road network's figures) and the roads
// layer of report.gpkg.
#include "report/parts.hpp"
#include "report/terms.hpp"

#include <lugeo/error.hpp>

#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace lugeo::report {

std::string scene_section(const ReportContext &c) {
    const NetworkSummary ns = summarize(c.net);
    std::string s =
        "<section id=\"scene\"><h2>" + std::string(tr(c.lang, "1. The scene", "1. 场景与数据")) +
        "</h2>\n<p>" + html_escape(c.scene.name) +
        tr(c.lang, ". Metric CRS <b>", "。投影坐标系 <b>") + html_escape(c.scene.crs) +
        tr(c.lang, "</b>. Scene file: ", "</b>。场景文件：") +
        (c.scene.path.empty()
             ? std::string(tr(c.lang, "(command line)", "（命令行参数）"))
             : "<code>" + html_escape(fs::path(c.scene.path).filename().string()) + "</code>") +
        tr(c.lang, ".", "。") + "</p>\n";
    Table t;
    t.head = {tr(c.lang, "layer", "图层"), tr(c.lang, "source", "来源"),
              tr(c.lang, "features", "要素数"), tr(c.lang, "provenance", "性质")};
    t.numeric = {false, false, true, false};
    bool any_synthetic = false;
    for (const LayerReport &layer : c.scene.reports) {
        const LayerRole role = layer.role;
        const bool synth = layer.synthetic;
        any_synthetic |= synth;
        std::string src = is_virtual_source(layer.path) ? redact_secrets(layer.path)
                                                        : fs::path(layer.path).filename().string();
        if (!layer.layer.empty()) src += " (" + layer.layer + ")";
        // what the analyses got: after the layer's `where` filter and validation
        const std::string count =
            role == LayerRole::roads
                ? num_thousands(c.net.report().features_read) + tr(c.lang, " (read)", "（读入）")
                : num_thousands(layer.kept);
        const bool osm = role == LayerRole::roads || role == LayerRole::buildings ||
                         role == LayerRole::key_sites;
        t.rows.push_back({role_label(c.lang, role), src, count,
                          synth ? tr(c.lang, "SYNTHETIC", "合成数据（SYNTHETIC）")
                          : osm ? tr(c.lang, "real (OpenStreetMap)", "真实（OpenStreetMap）")
                                : tr(c.lang, "real (given)", "真实（用户提供）")});
    }
    s += t.html();
    if (any_synthetic)
        s += std::string("<p class=\"note synthetic\">") +
             tr(c.lang,
                "Layers marked SYNTHETIC are generated (seeded, reproducible) to mirror the "
                "city's figures; they are not real poles, lamps, cameras, police units or "
                "incidents.",
                "标为合成数据（SYNTHETIC）的图层按城市的统计数字生成（固定随机种子，可复现），"
                "并非真实的电杆、路灯、摄像机、警力或警情。") +
             "</p>\n";
    s += "<h3>" + std::string(tr(c.lang, "Road network", "路网")) + "</h3><div class=\"figs\">";
    s += "<div class=\"fig\"><b>" + f1(ns.total_km) + " km</b>" + tr(c.lang, "road, ", "道路，") +
         num_thousands(ns.edges) + tr(c.lang, " edges", " 条路段") + "</div>";
    s += "<div class=\"fig\"><b>" + f1(ns.km_by_profile[2]) + " km</b>" +
         tr(c.lang, "drivable (", "可通车（") + pct(ns.largest_share[2]) +
         tr(c.lang, " in the largest component)", " 位于最大连通部分）") + "</div>";
    s += "<div class=\"fig\"><b>" + pct(ns.oneway_share) + "</b>" +
         tr(c.lang, "of drivable road is one-way", "可通车道路中单行道的占比") + "</div>";
    s += "<div class=\"fig\"><b>" + std::to_string(c.kiosks.size()) + "</b>" +
         tr(c.lang, "mobile kiosks", "个移动警务站") + "</div></div>\n";
    return s + "</section>\n";
}

void write_roads_layer(const ReportContext &c) {
    LayerDef d{"roads",
               Geometry::Type::line,
               {{"edge_id", FieldType::integer},
                {"class", FieldType::string},
                {"name", FieldType::string},
                {"length_m", FieldType::real}},
               "",
               "routable edges"};
    const auto L = c.add_layer(d);
    for (std::uint32_t e = 0; e < c.net.edge_count(); ++e) {
        auto g = c.net.edge_geometry(e);
        c.gpkg.add_feature(L, Geometry::of_lines({LineString(g.begin(), g.end())}),
                           {std::int64_t(e), c.net.class_of(e), c.net.name_of(e),
                            std::round(c.net.edge(e).length_m * 10) / 10});
    }
}

} // namespace lugeo::report
