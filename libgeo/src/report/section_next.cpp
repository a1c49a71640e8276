// The report's next kiosks section: where more kiosks would bring the most within 5 minutes.
#include "report/parts.hpp"
#include "report/terms.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/site.hpp>

#include <algorithm>
#include <cstdio>

namespace lugeo::report {

std::string next_kiosks_section(const ReportContext &c) {
    std::string body;
    if (!c.kiosks.empty() && (!c.scene.incidents.empty() || c.net.edge_count() > 0)) {
        constexpr std::size_t next_kiosks = 3;
        SiteInput in;
        in.fixed = c.kiosks;
        in.candidates = junction_candidates(c.net, Profile::car);
        in.incidents = c.scene.incidents;
        SiteOptions so;
        so.add = std::min(next_kiosks, in.candidates.size());
        so.objective = SiteObjective::cover;
        so.demand = c.scene.incidents.empty() ? SiteDemand::roads : SiteDemand::incidents;
        so.within_s = 300;
        so.turnout_s = c.scene.settings.units.turnout_s;
        so.default_turnout_s = c.scene.settings.units.default_turnout_s;
        so.new_kind = c.scene.settings.site.new_kind;
        const SiteResult r = plan_sites(c.net, in, so);
        const SiteSummary &ss =
            c.figures.next_kiosks.emplace(site_summary(r, MetricFrame(c.net.crs())));
        const bool inc = so.demand == SiteDemand::incidents;
        SvgMap map(c.extent, c.options.map_width_px);
        add_base_roads(map, c.net);
        std::vector<XY> inside, picks;
        for (const auto &p : r.points)
            if (p.time_before_s > r.within_s && p.time_after_s <= r.within_s)
                inside.push_back(p.position);
        for (const SiteRow &st : ss.sites)
            picks.push_back(st.position);
        map.add_points(
            inside,
            Style{"#d7191c", "none", 0.0, 0.8, "", "", 1.5, "circle",
                  inc ? tr(c.lang, "incidents brought within 5 minutes", "新纳入 5 分钟的警情")
                      : tr(c.lang, "road brought within 5 minutes", "新纳入 5 分钟的道路")});
        map.add_points(c.kiosk_points, c.kiosk_style);
        map.add_points(picks,
                       Style{"#ffd700", "#000000", 1.2, 1.0, "", "", 7.0, "circle",
                             tr(c.lang, "proposed kiosk (by rank)", "建议警务站（按序号）")});
        for (const SiteRow &st : ss.sites)
            map.add_label(XY{st.position.x, st.position.y + 140.0}, std::to_string(st.rank));
        add_kiosk_names(map, c.kiosks);
        add_road_names(map, c.road_names);
        const std::string what =
            inc ? "graded incidents (red 8, orange 4, blue 2, green 1)" : "road length";
        std::string s =
            "<section id=\"next\"><h2>" +
            std::string(
                tr(c.lang, "6. Where the next kiosk should go", "6. 下一个警务站设在哪里")) +
            "</h2>\n<p class=\"lead\">" +
            (c.lang == "zh"
                 ? "再增设 " + std::to_string(ss.sites.size()) + " 个警务站时，能使最多" +
                       (inc ? "分级警情（红 8、橙 4、蓝 2、绿 1）" : "道路") +
                       "进入最近警力 5 分钟响应（出警准备 + "
                       "车程）的路口，现有警务站不动（最大覆盖：" +
                       (r.method == SiteMethod::exhaustive
                            ? "穷举所有方案"
                            : "贪心选择（不低于最优增益的 63%），再经交换改进") +
                       "）。"
                 : "The road junctions where " + std::to_string(ss.sites.size()) +
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
            map.render(tr(c.lang, "Where the next kiosks should go", "新增警务站位置"),
                       c.attribution) +
            "<figcaption>" +
            tr(c.lang, "Proposed kiosks in the order chosen, and what they bring within 5 minutes.",
               "按选择顺序排列的建议警务站，以及它们带入 5 分钟范围的内容。") +
            "</figcaption></figure>\n";
        Table t;
        t.head = {tr(c.lang, "rank", "序号"),
                  tr(c.lang, "junction", "路口"),
                  tr(c.lang, "lon, lat", "经度, 纬度"),
                  inc ? tr(c.lang, "weight brought within 5 min", "新纳入 5 分钟的警情权重")
                      : tr(c.lang, "km brought within 5 min", "新纳入 5 分钟的道路（公里）"),
                  tr(c.lang, "within 5 min after", "增设后 5 分钟内"),
                  tr(c.lang, "mean response after", "增设后平均响应")};
        t.numeric = {true, false, false, true, true, true};
        for (const SiteRow &st : ss.sites) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.5f, %.5f", st.lon, st.lat);
            t.rows.push_back({std::to_string(st.rank), st.id, buf,
                              inc ? f0(st.gain) : f1(st.gain / 1000.0),
                              pct(st.figures.covered_pct / 100),
                              minutes_label(c.lang, f1(st.figures.mean_time_s / 60.0))});
        }
        s += t.html();
        s += c.lang == "zh"
                 ? "<p>目前 5 分钟内可达：<b>" + pct(ss.before.covered_pct / 100) + "</b>的" +
                       (inc ? "警情权重" : "道路") + "；增设这些警务站后 <b>" +
                       pct(ss.after.covered_pct / 100) +
                       "</b>。<code>site</code> "
                       "命令还可最小化平均或最长响应时间、使用其他候选点（社区用房、杆位、图层），"
                       "并判断搬迁现有警务站是否有益。</p>\n"
                 : "<p>Within 5 minutes today: <b>" + pct(ss.before.covered_pct / 100) +
                       "</b> of the " + (inc ? "incident weight" : "road") +
                       "; with these kiosks <b>" + pct(ss.after.covered_pct / 100) +
                       "</b>. The <code>site</code> command also minimises the mean or the worst "
                       "response "
                       "time, takes other candidates (community rooms, plates, a layer) and "
                       "answers whether moving a kiosk would help.</p>\n";
        body += s + "</section>\n";
        const auto L = c.add_layer({"next_kiosks",
                                    Geometry::Type::point,
                                    {{"rank", FieldType::integer},
                                     {"site", FieldType::string},
                                     {"gain", FieldType::real},
                                     {"within_pct", FieldType::real},
                                     {"mean_min", FieldType::real}},
                                    "",
                                    ""});
        for (const SiteRow &st : ss.sites)
            c.gpkg.add_feature(L, Geometry::of_point(st.position),
                               {std::int64_t(st.rank), st.id, st.gain, st.figures.covered_pct,
                                st.figures.mean_time_s / 60.0});
    } else {
        body += "<section id=\"next\"><h2>" +
                std::string(
                    tr(c.lang, "6. Where the next kiosk should go", "6. 下一个警务站设在哪里")) +
                "</h2><p class=\"note\">" +
                tr(c.lang, "The scene has no kiosks to add to.", "场景中没有可供补充的警务站。") +
                "</p></section>\n";
    }
    return body;
}

} // namespace lugeo::report
