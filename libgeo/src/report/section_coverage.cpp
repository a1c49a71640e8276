// The report's camera coverage section: road seen by the cameras, the gaps, and the next
// cameras (greedy placement).
#include "report/parts.hpp"
#include "report/terms.hpp"

#include <lugeo/coverage.hpp>

#include <algorithm>

namespace lugeo::report {

std::string coverage_section(const ReportContext &c, const std::vector<NamedArea> &zone_areas) {
    std::string body;
    if (c.scene.has(LayerRole::cameras)) {
        CoverageInput in = coverage_input(c.scene);
        in.zones = zone_areas;
        const CoverageResult cov = analyze_coverage(c.net, in, CoverageOptions{});
        const CoverageSummary &cs = c.figures.coverage.emplace(coverage_summary(cov));
        c.summary.camera_covered_share = cs.total.share;
        c.progress(0.7, "next cameras");
        PlanOptions po;
        po.add = c.options.new_cameras;
        po.phases = 1;
        // no plates to mount on (a new city's scene): points along the roads every 100 m, as
        // `coverage plan` does
        if (in.plates.empty()) po.mounts = road_mounts(c.net, 100.0);
        const PlanResult plan = plan_cameras(c.net, in, po);
        SvgMap map(c.extent, c.options.map_width_px);
        std::vector<LineString> covered, uncovered, gaps;
        for (const auto &p : cov.pieces)
            (p.cameras ? covered : uncovered).push_back(c.net.sub_line(p));
        for (const auto &g : cov.gaps)
            gaps.push_back(g.line);
        map.add_lines(uncovered, Style{"none", "#c8c8c8", 0.8, 1.0, "", "", 0, "",
                                       tr(c.lang, "road not covered", "未覆盖道路")});
        map.add_lines(gaps, Style{"none", "#d7191c", 1.8, 1.0, "5 3", "", 0, "",
                                  tr(c.lang, "gap ≥ 50 m (dashed)", "≥ 50 m 的盲区（虚线）")});
        map.add_lines(covered, Style{"none", "#1a6b35", 2.2, 1.0, "", "", 0, "",
                                     tr(c.lang, "road seen by a camera", "摄像机可见的道路")});
        std::vector<XY> cams, picks;
        for (const auto &cam : cov.cameras)
            cams.push_back(cam.position);
        for (const auto &p : plan.picks)
            picks.push_back(p.camera.position);
        map.add_points(cams, Style{"#000000", "#000000", 0.5, 1.0, "", "", 1.2, "circle",
                                   tr(c.lang, "camera", "摄像机")});
        map.add_points(picks, Style{"#ffd700", "#000000", 1.0, 1.0, "", "", 5.0, "triangle",
                                    tr(c.lang, "proposed camera", "建议新增的摄像机")});
        add_road_names(map, c.road_names);
        std::string s =
            "<section id=\"coverage\"><h2>" +
            std::string(tr(c.lang, "4. Camera coverage", "4. 视频监控覆盖")) +
            "</h2>\n<p class=\"lead\">" +
            tr(c.lang,
               "Road seen by at least one camera: each camera's sector (heading, angle, range) "
               "clipped by building footprints — a camera does not see through a building.",
               "至少被一台摄像机看到的道路：每台摄像机的视域（朝向、视角、距离）被建筑轮廓裁切——摄"
               "像机看不穿建筑。") +
            "</p>\n<div class=\"figs\">";
        s += "<div class=\"fig\"><b>" + pct(cs.total.share) + "</b>" +
             (c.lang == "zh" ? f1(cs.total.total_m / 1000.0) + " 公里道路已覆盖"
                             : "of " + f1(cs.total.total_m / 1000.0) + " km road covered") +
             "</div>";
        s += "<div class=\"fig\"><b>" + f1(cs.total.backup_m / 1000.0) + " km</b>" +
             tr(c.lang, "seen by two or more", "被两台及以上看到") + "</div>";
        s += "<div class=\"fig\"><b>" + std::to_string(cs.key_sites_unseen) + "</b>" +
             tr(c.lang, "key sites not seen", "重点部位未被看到") + "</div>";
        s += "<div class=\"fig\"><b>" + std::to_string(cs.cameras_no_road) + "</b>" +
             tr(c.lang, "cameras that see no road", "摄像机看不到道路") + "</div></div>\n";
        s += "<figure>" +
             map.render(tr(c.lang, "Camera coverage of the road network", "路网视频覆盖"),
                        c.attribution) +
             "<figcaption>" +
             tr(c.lang,
                "Covered road (solid, dark), gaps of 50 m or more (dashed), and the proposed next "
                "cameras (triangles).",
                "已覆盖道路（深色实线）、50 米及以上的盲区（虚线）和建议新增的摄像机（三角形）。") +
             "</figcaption></figure>\n";
        Table bc;
        bc.head = {tr(c.lang, "road class", "道路等级"), tr(c.lang, "length", "长度"),
                   tr(c.lang, "covered", "已覆盖"), tr(c.lang, "share", "占比"),
                   tr(c.lang, "seen by 2+", "两台及以上可见")};
        bc.numeric = {false, true, true, true, true};
        for (const CoverageRow &l : cs.by_class) // the longest class first
            bc.rows.push_back({road_class_label(c.lang, l.key), f1(l.total_m / 1000) + " km",
                               f1(l.covered_m / 1000) + " km", pct(l.share),
                               f1(l.backup_m / 1000) + " km"});
        s += "<h3>" + std::string(tr(c.lang, "By road class", "按道路等级")) + "</h3>" + bc.html();
        if (!cs.by_zone.empty()) {
            Table bz;
            bz.head = {tr(c.lang, "patrol zone", "巡区"), tr(c.lang, "length", "长度"),
                       tr(c.lang, "covered", "已覆盖"), tr(c.lang, "share", "占比")};
            bz.numeric = {false, true, true, true};
            for (const CoverageRow &l : cs.by_zone)
                bz.rows.push_back({l.key == CoverageResult::outside_zones
                                       ? tr(c.lang, "(outside the zones)", "（巡区之外）")
                                       : l.key,
                                   f1(l.total_m / 1000) + " km", f1(l.covered_m / 1000) + " km",
                                   pct(l.share)});
            s += "<h3>" + std::string(tr(c.lang, "By patrol zone", "按巡区")) + "</h3>" + bz.html();
        }
        Table g;
        g.head = {tr(c.lang, "road", "道路"), tr(c.lang, "class", "等级"),
                  tr(c.lang, "length", "长度"), tr(c.lang, "from plate", "起点杆号"),
                  tr(c.lang, "to plate", "终点杆号")};
        g.numeric = {false, false, true, false, false};
        for (std::size_t i = 0; i < cov.gaps.size() && i < c.options.top; ++i) {
            const auto &gp = cov.gaps[i];
            g.rows.push_back({road_or_unnamed(c.lang, gp.road),
                              road_class_label(c.lang, gp.road_class), f0(gp.length_m) + " m",
                              gap_plate_id(in, gp.from_plate), gap_plate_id(in, gp.to_plate)});
        }
        s +=
            "<h3>" + std::string(tr(c.lang, "The largest gaps", "最大的盲区")) + "</h3>" + g.html();
        Table pk;
        pk.head = {"#", tr(c.lang, "mount (plate)", "安装位置（杆号）"),
                   tr(c.lang, "heading", "朝向"), tr(c.lang, "new road covered", "新增覆盖道路"),
                   tr(c.lang, "coverage after", "增设后覆盖率")};
        pk.numeric = {true, false, true, true, true};
        for (std::size_t i = 0; i < plan.picks.size(); ++i) {
            const auto &p = plan.picks[i];
            pk.rows.push_back({std::to_string(i + 1), p.plate, f0(p.camera.heading_deg) + "°",
                               f0(p.gain_m) + " m",
                               pct(plan.total_m > 0 ? p.covered_m / plan.total_m : 0)});
        }
        s += "<h3>" + std::string(tr(c.lang, "The next ", "下一批 ")) +
             std::to_string(plan.picks.size()) +
             tr(c.lang, " cameras (greedy placement on the numbered poles and lamps)",
                " 台摄像机（在有编号的电杆和路灯上贪心选址）") +
             "</h3><p>" +
             tr(c.lang,
                "Each pick adds the most newly covered road, weighted by road class and incident "
                "density. Coverage gains are submodular, so greedy picks reach at least 63% "
                "(1 − 1/e) of the best possible gain for the same number of cameras.",
                "每一步选新增覆盖道路最多的位置（按道路等级和警情密度加权）。覆盖增益具有子模性，"
                "因此贪心选址至少达到同样台数下最优增益的 63%（1 − 1/e）。") +
             "</p>" + pk.html();
        body += s + "</section>\n";
        const auto LC = c.add_layer({"coverage_roads",
                                     Geometry::Type::line,
                                     {{"edge_id", FieldType::integer},
                                      {"cameras", FieldType::integer},
                                      {"length_m", FieldType::real}},
                                     "",
                                     ""});
        for (const auto &p : cov.pieces)
            c.gpkg.add_feature(LC, Geometry::of_lines({c.net.sub_line(p)}),
                               {std::int64_t(p.edge), std::int64_t(p.cameras), p.length_m()});
        const auto LG = c.add_layer({"coverage_gaps",
                                     Geometry::Type::line,
                                     {{"road", FieldType::string},
                                      {"class", FieldType::string},
                                      {"length_m", FieldType::real},
                                      {"from_plate", FieldType::string},
                                      {"to_plate", FieldType::string}},
                                     "",
                                     ""});
        for (const auto &gp : cov.gaps)
            c.gpkg.add_feature(
                LG, Geometry::of_lines({gp.line}),
                {gp.road, gp.road_class, gp.length_m,
                 gp.from_plate ? FieldValue(gap_plate_id(in, gp.from_plate)) : FieldValue(),
                 gp.to_plate ? FieldValue(gap_plate_id(in, gp.to_plate)) : FieldValue()});
        const auto LP = c.add_layer({"camera_picks",
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
            c.gpkg.add_feature(LP, Geometry::of_point(p.camera.position),
                               {std::int64_t(i + 1), p.plate, p.camera.heading_deg,
                                p.camera.hfov_deg, p.camera.range_m, p.gain_m});
        }
    } else {
        body += "<section id=\"coverage\"><h2>" +
                std::string(tr(c.lang, "4. Camera coverage", "4. 视频监控覆盖")) +
                "</h2><p class=\"note\">" +
                tr(c.lang, "The scene has no cameras layer.", "场景中没有摄像机图层。") +
                "</p></section>\n";
    }
    return body;
}

} // namespace lugeo::report
