// The report's patrol zones section: the network Voronoi zones of the kiosks, their figures,
// and the summary's standard figures per zone.
#include "report/parts.hpp"
#include "report/terms.hpp"

#include <lugeo/zones.hpp>

namespace lugeo::report {

namespace {

/// The plan's totals under the table: imbalance, response time, reach, road outside.
std::string zone_totals_html(const ZoneSummary &zs, const std::string &lang) {
    std::string s = std::string("<p>") +
                    tr(lang, "Imbalance (largest / smallest zone by road length): <b>",
                       "不均衡度（按道路长度，最大巡区 / 最小巡区）：<b>") +
                    f1(zs.imbalance) + "</b>" + tr(lang, ". ", "。") +
                    tr(lang,
                       "The <code>zones</code> command also draws plans balanced by road length, "
                       "graded incidents or area.",
                       "<code>zones</code> 命令还可按道路长度、分级警情或面积生成均衡方案。") +
                    "</p>\n<p>";
    s += lang == "zh" ? "可通车道路 " + f1(zs.drivable_km) + " 公里，其中 " + f1(zs.unreached_km) +
                            " 公里任何警务站都无法到达"
                      : "Drivable road " + f1(zs.drivable_km) + " km, not reached from any kiosk " +
                            f1(zs.unreached_km) + " km";
    if (zs.outside_boundary_km > 0)
        s += lang == "zh" ? "；研究区边界外可达道路 " + f1(zs.outside_boundary_km) +
                                " 公里（不计入各巡区的道路和时间）"
                          : "; reached road outside the boundary " + f1(zs.outside_boundary_km) +
                                " km (not in the zones' road and time figures)";
    return s + tr(lang, ".</p>\n", "。</p>\n");
}

} // namespace

std::string zones_section(const ReportContext &c, std::vector<NamedArea> &zone_areas) {
    std::string body;
    if (!c.kiosks.empty()) {
        const ZonePlan plan = build_zones(c.net, c.kiosks, c.zone_context, ZoneOptions{});
        standard_figures(c.net, plan, c.scene.incidents, c.summary);
        const ZoneSummary &zs = c.figures.zones.emplace(zone_summary(plan));
        c.summary.drivable_km = zs.drivable_km;
        c.summary.unreached_km = zs.unreached_km;
        // hues for the screen; in grey print each zone differs from the ones beside it in the
        // list by lightness (luminance 70, 86, 95, 78, 82, 97, 76, 90, 85, 68%) or hatching
        static const char *zone_fill[] = {"#ed9a9a", "#c8e0f5", "#e6fbe6", "#dbb5ed", "#efcaa7",
                                          "#fbf9e7", "#6ee5e5", "#f9daed", "#d9d9d9", "#51e09b"};
        static const char *zone_hatch[] = {"",     "diag", "",      "cross", "",
                                           "diag", "",     "cross", "diag",  ""};
        SvgMap map(c.extent, c.options.map_width_px);
        for (std::size_t z = 0; z < plan.zones.size(); ++z) {
            Style st{zone_fill[z % 10], "#222222", 1.2, 1.0, "", zone_hatch[z % 10]};
            st.label = plan.zones[z].kiosk_id +
                       (plan.zones[z].kiosk_name.empty() ? "" : " " + plan.zones[z].kiosk_name);
            map.add_polygons(plan.zones[z].polygon, st);
            zone_areas.push_back(
                {plan.zones[z].kiosk_id, plan.zones[z].kiosk_name, "", plan.zones[z].polygon, {}});
        }
        add_base_roads(map, c.net, "#808080");
        map.add_points(c.kiosk_points, c.kiosk_style);
        add_kiosk_names(map, c.kiosks);
        add_road_names(map, c.road_names);
        std::string s =
            "<section id=\"zones\"><h2>" + std::string(tr(c.lang, "3. Patrol zones", "3. 巡区")) +
            "</h2>\n<p class=\"lead\">" +
            tr(c.lang,
               "Each drivable road goes to the kiosk that reaches it fastest (network Voronoi, "
               "car); areas between roads go to the zone of the nearest road. The zones tile the "
               "study area with no gaps and no overlaps.",
               "每条可通车道路划归驾车最快到达的警务站（路网泰森多边形）；"
               "道路之间的区域划归最近道路所在巡区。"
               "各巡区无缝、无重叠地覆盖研究区。") +
            "</p>\n<figure>" + map.render(tr(c.lang, "Patrol zones", "巡区"), c.attribution) +
            "<figcaption>" + tr(c.lang, "Patrol zones and their kiosks.", "巡区及其警务站。") +
            "</figcaption></figure>\n";
        Table t;
        t.head = {tr(c.lang, "zone (kiosk)", "巡区（警务站）"),
                  tr(c.lang, "area", "面积"),
                  tr(c.lang, "road", "道路"),
                  tr(c.lang, "incidents (red/orange/blue/green)", "警情（红/橙/蓝/绿）"),
                  tr(c.lang, "key sites", "重点部位"),
                  tr(c.lang, "cameras", "摄像机"),
                  tr(c.lang, "mean response", "平均响应"),
                  tr(c.lang, "95th percentile", "95% 分位"),
                  tr(c.lang, "worst", "最长")};
        t.numeric = {false, true, true, true, true, true, true, true, true};
        for (const ZoneRow &z : zs.rows)
            t.rows.push_back(
                {z.kiosk_id + (z.kiosk_name.empty() ? "" : " " + z.kiosk_name),
                 f1(z.area_km2) + " km²", f1(z.road_km) + " km",
                 std::to_string(z.incidents[0]) + " / " + std::to_string(z.incidents[1]) + " / " +
                     std::to_string(z.incidents[2]) + " / " + std::to_string(z.incidents[3]),
                 std::to_string(z.key_sites), std::to_string(z.cameras),
                 minutes_label(c.lang, f1(z.mean_time_s / 60.0)),
                 minutes_label(c.lang, f1(z.p95_time_s / 60.0)),
                 minutes_label(c.lang, f1(z.worst_time_s / 60.0))});
        s += t.html();
        s += zone_totals_html(zs, c.lang);
        body += s + "</section>\n";
        const auto L = c.add_layer({"zones",
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
        for (std::size_t i = 0; i < zs.rows.size(); ++i) {
            const ZoneRow &z = zs.rows[i];
            c.gpkg.add_feature(L, Geometry::of_polygons(plan.zones[i].polygon),
                               {z.kiosk_id, z.area_km2, z.road_km, std::int64_t(z.incident_count),
                                std::int64_t(z.key_sites), std::int64_t(z.cameras),
                                z.mean_time_s / 60.0, z.p95_time_s / 60.0, z.worst_time_s / 60.0});
        }
        const auto K = c.add_layer({"kiosks",
                                    Geometry::Type::point,
                                    {{"id", FieldType::string}, {"name", FieldType::string}},
                                    "",
                                    ""});
        for (const auto &k : c.kiosks)
            c.gpkg.add_feature(K, Geometry::of_point(k.position), {k.id, k.name});
    } else {
        body +=
            "<section id=\"zones\"><h2>" + std::string(tr(c.lang, "3. Patrol zones", "3. 巡区")) +
            "</h2><p class=\"note\">" +
            tr(c.lang, "The scene has no kiosks: no zones.", "场景中没有警务站，无法划分巡区。") +
            "</p></section>\n";
    }
    return body;
}

} // namespace lugeo::report
