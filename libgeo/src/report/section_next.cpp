// The report's next kiosks section: where more kiosks would bring the most within 5 minutes.
#include "report/parts.hpp"
#include "report/terms.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/site.hpp>

#include <algorithm>
#include <cstdio>

namespace lugeo::report {

std::string next_kiosks_section(const ReportContext &c) {
    const SceneData &scene = c.scene;
    const ReportOptions &o = c.options;
    const Network &net = c.net;
    const std::string &lang = c.lang;
    const std::vector<Unit> &kiosks = c.kiosks;
    const std::vector<XY> &kiosk_points = c.kiosk_points;
    const Box &extent = c.extent;
    const std::string &attribution = c.attribution;
    const std::vector<RoadName> &road_names = c.road_names;
    const Style &kiosk_style = c.kiosk_style;
    std::string body;
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
                       "进入最近警力 5 分钟响应（出警准备 + "
                       "车程）的路口，现有警务站不动（最大覆盖：" +
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
        const auto L = c.add_layer({"next_kiosks",
                                    Geometry::Type::point,
                                    {{"rank", FieldType::integer},
                                     {"site", FieldType::string},
                                     {"gain", FieldType::real},
                                     {"within_pct", FieldType::real},
                                     {"mean_min", FieldType::real}},
                                    "",
                                    ""});
        for (std::size_t i = 0; i < r.sites.size(); ++i)
            c.gpkg.add_feature(L, Geometry::of_point(r.sites[i].position),
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
    return body;
}

} // namespace lugeo::report
