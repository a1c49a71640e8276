// The report's executive summary (docs/report.md, "The summary").
#include "report/summary.hpp"
#include "report/parts.hpp"
#include "report/svg_map.hpp"

#include "geometry/geos.hpp"

#include <lugeo/crs.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>

namespace lugeo::report {

namespace {

std::string pct1(double share) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f%%", 100.0 * share);
    return b;
}

std::string min1(double s) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", s / 60.0);
    return b;
}

/// The time at `offset` of an edge from pieces (sorted by edge, then offset), and its zone;
/// nullopt when no piece covers it (not drivable, no kiosk reaches it, outside the boundary).
std::optional<std::pair<std::uint32_t, double>> time_at(const std::vector<ZonePiece> &pieces,
                                                        std::uint32_t edge, double offset) {
    auto it = std::lower_bound(pieces.begin(), pieces.end(), edge,
                               [](const ZonePiece &p, std::uint32_t e) { return p.edge < e; });
    const ZonePiece *best = nullptr;
    double gap = 1e300;
    for (; it != pieces.end() && it->edge == edge; ++it) {
        const double d = it->distance_to(offset);
        if (d < gap) gap = d, best = &*it;
    }
    if (!best || gap > 1.0) return std::nullopt;
    return std::make_pair(best->zone, best->time_at(std::clamp(offset, best->from_m, best->to_m)));
}

/// The zone whose polygon holds a point (Z: none), as the zones' table counts incidents; an
/// empty function when the plan has no polygons.
std::function<std::size_t(XY)> incident_zones(const ZonePlan &plan) {
    const std::size_t Z = plan.zones.size();
    bool any = false;
    for (const auto &z : plan.zones)
        any = any || !z.polygon.empty();
    if (!any) return {};
    struct Zone {
        geos::GeomPtr g;
        geos::PreparedPtr p;
    };
    auto zones = std::make_shared<std::vector<Zone>>();
    for (const auto &z : plan.zones) {
        Zone q{geos::multi_polygon(z.polygon), nullptr};
        q.p = geos::prepare(q.g.get());
        zones->push_back(std::move(q));
    }
    return [zones, Z](XY p) {
        for (std::size_t z = 0; z < Z; ++z)
            if (geos::prepared_covers_xy((*zones)[z].p.get(), p)) return z;
        return Z;
    };
}

} // namespace

std::string report_language(const std::string &wanted, const Network &net) {
    if (!wanted.empty()) return wanted;
    Box b;
    for (XY q : net.nodes())
        b.extend(q);
    if (!b.valid()) return "en";
    const LonLat c =
        MetricFrame(net.crs()).to_lonlat(XY{(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2});
    // mainland China, Hong Kong, Macao and Taiwan (a bounding box: the bureau's cities)
    return c.lon > 73.5 && c.lon < 135.1 && c.lat > 18.1 && c.lat < 53.6 ? "zh" : "en";
}

void standard_figures(const Network &net, const ZonePlan &plan,
                      const std::vector<Incident> &incidents, ReportSummary &s) {
    const std::size_t K = s.minutes.size(), Z = plan.zones.size();
    s.incidents_unreached = 0;
    std::vector<StandardRow> rows(Z);
    std::vector<double> road(Z, 0.0);
    std::vector<std::vector<double>> road_within(Z, std::vector<double>(K, 0.0));
    std::vector<std::vector<std::size_t>> inc_within(Z, std::vector<std::size_t>(K, 0));
    // the road the zones' table counts: inside the boundary
    for (const ZonePiece &p : plan.inside_pieces) {
        if (p.zone >= Z) continue;
        road[p.zone] += p.length_m();
        for (std::size_t k = 0; k < K; ++k)
            road_within[p.zone][k] += p.length_within_m(60.0 * s.minutes[k]);
    }
    const auto zone_of = incident_zones(plan);
    for (const Incident &inc : incidents) {
        const auto snap = net.snap(inc.position, {Profile::car, 300.0, false});
        // reached by its nearest road (which may lie just outside the boundary)
        const auto at = snap ? time_at(plan.pieces, snap->edge, snap->offset_m) : std::nullopt;
        // the zone as the table counts it (its polygon); without polygons, its road's
        const std::size_t z = zone_of ? zone_of(inc.position) : at ? at->first : Z;
        if (z >= Z) continue;
        ++rows[z].incidents;
        if (!at) { // in the zone but on no reached road within 300 m: not within
            ++rows[z].unreached;
            continue;
        }
        for (std::size_t k = 0; k < K; ++k)
            if (at->second <= 60.0 * s.minutes[k]) ++inc_within[z][k];
    }
    std::size_t city_inc = 0;
    std::vector<double> city_road_within(K, 0.0);
    std::vector<std::size_t> city_inc_within(K, 0);
    double city_road = 0;
    for (std::size_t z = 0; z < Z; ++z)
        city_inc += rows[z].incidents;
    s.by_incidents = city_inc > 0;
    auto finish = [&](StandardRow &r, double road_m, const std::vector<double> &rw,
                      const std::vector<std::size_t> &iw) {
        r.road_km = road_m / 1000.0;
        for (std::size_t k = 0; k < K; ++k) {
            r.road_share.push_back(road_m > 0 ? rw[k] / road_m : 0.0);
            r.incident_share.push_back(r.incidents ? double(iw[k]) / double(r.incidents) : 0.0);
            const double share = s.by_incidents ? r.incident_share[k] : r.road_share[k];
            const double target = k < s.targets.size() ? s.targets[k] : 1.0;
            r.pass.push_back(share + 1e-9 >= target);
        }
    };
    for (std::size_t z = 0; z < Z; ++z) {
        StandardRow &r = rows[z];
        r.zone = plan.zones[z].kiosk_id;
        r.kiosk_name = plan.zones[z].kiosk_name;
        r.mean_time_s = plan.zones[z].mean_time_s;
        r.p95_time_s = plan.zones[z].p95_time_s;
        r.worst_time_s = plan.zones[z].worst_time_s;
        finish(r, road[z], road_within[z], inc_within[z]);
        city_road += road[z];
        for (std::size_t k = 0; k < K; ++k) {
            city_road_within[k] += road_within[z][k];
            city_inc_within[k] += inc_within[z][k];
        }
    }
    s.city = StandardRow{};
    s.city.incidents = city_inc;
    for (const auto &r : rows)
        s.city.unreached += r.unreached;
    s.incidents_unreached = s.city.unreached;
    s.city.mean_time_s = plan.mean_time_s;
    s.city.p95_time_s = plan.p95_time_s;
    s.city.worst_time_s = plan.worst_time_s;
    finish(s.city, city_road, city_road_within, city_inc_within);
    s.zones = std::move(rows);
}

void summary_findings(ReportSummary &s) {
    const bool zh = s.lang == "zh";
    s.findings.clear();
    // 1. the standard: the threshold most zones fail because of where the kiosks are (a
    // tie: the longer one, which a kiosk move can fix), and the worst zone there. A zone
    // that would pass without its incidents no kiosk reaches fails because of the road
    // data, which the note under the table says.
    const auto fails_by_kiosks = [&](const StandardRow &z, std::size_t k) {
        if (k >= z.pass.size() || z.pass[k]) return false;
        if (!s.by_incidents || z.unreached == 0 || z.incidents <= z.unreached) return true;
        const double within = z.incident_share[k] * double(z.incidents);
        const double target = k < s.targets.size() ? s.targets[k] : 1.0;
        return within / double(z.incidents - z.unreached) + 1e-9 < target;
    };
    std::size_t pick = s.minutes.size();
    for (const bool by_kiosks : {true, false}) { // else: the threshold most zones fail at all
        std::size_t most = 0;
        for (std::size_t k = 0; k < s.minutes.size(); ++k) {
            std::size_t n = 0;
            for (const auto &z : s.zones)
                n += by_kiosks ? fails_by_kiosks(z, k) : k < z.pass.size() && !z.pass[k];
            if (n > 0 && n >= most) most = n, pick = k;
        }
        if (pick < s.minutes.size()) break;
    }
    for (std::size_t k = pick; k < s.minutes.size() && s.findings.empty(); ++k) {
        std::vector<const StandardRow *> failing;
        for (const auto &z : s.zones)
            if (k < z.pass.size() && !z.pass[k]) failing.push_back(&z);
        if (failing.empty()) continue;
        const auto share = [&](const StandardRow *r) {
            return s.by_incidents ? r->incident_share[k] : r->road_share[k];
        };
        const StandardRow *worst = *std::min_element(
            failing.begin(), failing.end(), [&](auto *a, auto *b) { return share(a) < share(b); });
        char m[16];
        std::snprintf(m, sizeof m, "%g", s.minutes[k]);
        const std::string what =
            s.by_incidents ? (zh ? "警情" : "incidents") : (zh ? "道路" : "road");
        s.findings.push_back(
            zh ? std::to_string(failing.size()) + " 个巡区未达到 " + m + " 分钟标准（目标 " +
                     pct1(s.targets[k]) + "），最差为 " + worst->zone + "（" + pct1(share(worst)) +
                     " 的" + what +
                     "）。措施：在该巡区增设或前移巡逻点位（见第 6 节“下一个警务站”）。"
               : std::to_string(failing.size()) + " patrol zone(s) miss the " + m +
                     "-minute standard (target " + pct1(s.targets[k]) + "), the worst " +
                     worst->zone + " (" + pct1(share(worst)) + " of " + what +
                     "). Action: add or move a kiosk there (section 6, where the next kiosk "
                     "should go).");
    }
    if (s.findings.empty())
        s.findings.push_back(zh ? "所有巡区均达到 1/5/30 分钟标准。措施：保持现有布点，每季度复核。"
                                : "Every patrol zone meets the 1/5/30-minute standard. Action: "
                                  "keep the kiosks where they are; review each quarter.");
    if (s.drivable_km > 0 && s.unreached_km >= 0.05 * s.drivable_km) {
        const std::string km = f1(s.unreached_km), share = pct1(s.unreached_km / s.drivable_km);
        s.findings.push_back(
            zh ? km + " 公里可通车道路（" + share +
                     "）任何警务站都无法到达。措施：核查该处道路数据（数据边缘被截断的道路、缺失的"
                     "连接），或为该部分路网设警务站（第 3 节）。"
               : km + " km of drivable road (" + share +
                     ") is reached by no kiosk at all. Action: check the road data there (roads "
                     "cut off at the edge of the data, missing links) or give that part of the "
                     "network a kiosk (section 3).");
    }
    if (s.camera_covered_share >= 0)
        s.findings.push_back(
            zh ? "视频监控覆盖 " + pct1(s.camera_covered_share) +
                     " 的道路。措施：按第 4 节的顺序增设摄像机，先补最大的盲区。"
               : "Cameras see " + pct1(s.camera_covered_share) +
                     " of the road. Action: add cameras in the order of section 4, the largest "
                     "gaps first.");
    if (s.confusable_pairs > 0 || s.registry_errors > 0)
        s.findings.push_back(
            zh ? "杆号/灯号登记：" + std::to_string(s.registry_errors) + " 处错误，" +
                     std::to_string(s.confusable_pairs) +
                     " 对易混淆编号（读错一位即指向远处的另一根杆）。措施：接警时对这些编号追问第二"
                     "个编号或来电位置（第 5 节）。"
               : "Plate registry: " + std::to_string(s.registry_errors) + " errors and " +
                     std::to_string(s.confusable_pairs) +
                     " confusable pairs (one misread digit names a plate far away). Action: for "
                     "these numbers the dispatcher asks for a second number or the caller's "
                     "position (section 5).");
    if (s.findings.size() > 3) s.findings.resize(3);
}

std::string summary_html(const ReportSummary &s, const std::string &scene_name,
                         const std::string &date) {
    const std::string &L = s.lang;
    const bool zh = L == "zh";
    std::string h = "<section id=\"summary\" class=\"summary\"><h2>" +
                    std::string(tr(L, "Summary", "摘要")) + "</h2>\n<p class=\"lead\">" +
                    html_escape(scene_name) + " · " + date + "</p>\n";
    // the verdict in one line
    std::size_t passing = 0;
    for (const auto &z : s.zones)
        passing += z.passes();
    h += "<p class=\"verdict\">" +
         (zh ? std::to_string(passing) + " / " + std::to_string(s.zones.size()) +
                   " 个巡区达到 1/5/30 分钟标准；全市" +
                   (s.city.passes() ? std::string("达标") : std::string("未达标")) + "。"
             : std::to_string(passing) + " of " + std::to_string(s.zones.size()) +
                   " patrol zones meet the 1/5/30-minute standard; city-wide: " +
                   (s.city.passes() ? "pass" : "FAIL") + ".") +
         "</p>\n";
    // the standard per zone
    h += "<table class=\"standard\"><thead><tr><th>" + std::string(tr(L, "patrol zone", "巡区")) +
         "</th>";
    for (std::size_t k = 0; k < s.minutes.size(); ++k) {
        char m[64];
        std::snprintf(m, sizeof m, "%g", s.minutes[k]);
        h += "<th class=\"n\">" + std::string(m) + (zh ? " 分钟" : " min") + "<br><small>" +
             (zh ? "目标 ≥ " : "target ≥ ") + pct1(k < s.targets.size() ? s.targets[k] : 1.0) +
             "</small></th>";
    }
    h += "<th class=\"n\">" + std::string(tr(L, "mean", "平均")) + "</th><th class=\"n\">" +
         tr(L, "95%", "95%分位") + "</th><th>" + tr(L, "verdict", "结论") +
         "</th></tr></thead><tbody>\n";
    auto row = [&](const StandardRow &r, const std::string &name, bool city) {
        std::string o = std::string("<tr") + (city ? " class=\"city\"" : "") + "><td>" +
                        html_escape(name) + "</td>";
        for (std::size_t k = 0; k < r.pass.size(); ++k) {
            const double share = s.by_incidents ? r.incident_share[k] : r.road_share[k];
            o += std::string("<td class=\"n ") + (r.pass[k] ? "pass" : "fail") + "\">" +
                 pct1(share) + (r.pass[k] ? " ✓" : " ✗") + "</td>";
        }
        o += "<td class=\"n\">" + min1(r.mean_time_s) + (zh ? " 分" : " min") +
             "</td><td class=\"n\">" + min1(r.p95_time_s) + (zh ? " 分" : " min") + "</td>";
        o += std::string("<td class=\"") + (r.passes() ? "pass" : "fail") + "\"><b>" +
             (r.passes() ? tr(L, "pass", "达标") : tr(L, "FAIL", "未达标")) + "</b></td></tr>\n";
        return o;
    };
    for (const auto &z : s.zones)
        h += row(z, z.zone + (z.kiosk_name.empty() ? "" : " " + z.kiosk_name), false);
    h += row(s.city, tr(L, "city-wide", "全市"), true);
    h += "</tbody></table>\n<p class=\"small\">" +
         std::string(s.by_incidents
                         ? tr(L,
                              "Share of the incidents of each zone reached within each threshold "
                              "by car from the zone's own kiosk (✓ meets the target, ✗ misses "
                              "it); mean and 95th percentile of the response time over the "
                              "zone's road. Section 2 gives the city-wide figures with the "
                              "1-minute threshold on foot or e-bike.",
                              "各巡区警情中，从本巡区警务站驾车在各时限内可达的比例（✓ 达到目标，✗ "
                              "未达到）；平均与 95% 分位为巡区道路上的响应时间。第 2 "
                              "节给出全市数据（1 分钟按步行/电动车）。")
                         : tr(L,
                              "The scene has no incidents: share of each zone's road reached "
                              "within each threshold by car from its kiosk.",
                              "场景中没有警情数据：按各巡区道路在各时限内驾车可达的比例评估。"));
    if (s.by_incidents && s.incidents_unreached > 0) {
        const std::string n = std::to_string(s.incidents_unreached);
        const std::string share = pct1(double(s.incidents_unreached) / double(s.city.incidents));
        h += L == "zh" ? " 其中 " + n + " 起警情（" + share +
                             "）300 米内没有任何警务站可达的道路，计为未达：移动警务站无法改善，"
                             "请核查该处道路数据（道路缺失或未连通）。"
                       : " " + n + " incidents (" + share +
                             ") have no road a kiosk reaches within 300 m and count as not "
                             "reached: no kiosk move brings them in; check the road data there "
                             "(missing or unconnected roads).";
    }
    if (s.drivable_km > 0 && s.unreached_km >= 0.01 * s.drivable_km) {
        const std::string km = f1(s.unreached_km), share = pct1(s.unreached_km / s.drivable_km);
        h += L == "zh" ? " 另有 " + km + " 公里可通车道路（" + share +
                             "）任何警务站都无法到达，不属于任何巡区，未计入上表（第 3 节）。"
                       : " " + km + " km of drivable road (" + share +
                             ") is reached by no kiosk at all: it lies in no zone and is not "
                             "counted above (section 3).";
    }
    h += "</p>\n";
    // key figures
    h += "<div class=\"figs\">";
    for (std::size_t k = 0; k < s.minutes.size(); ++k) {
        char m[64];
        std::snprintf(m, sizeof m, "%g", s.minutes[k]);
        h += "<div class=\"fig\"><b>" +
             pct1(s.city.incident_share.empty() || !s.by_incidents ? s.city.road_share[k]
                                                                   : s.city.incident_share[k]) +
             "</b>" +
             (zh ? std::string(s.by_incidents ? "警情 " : "巡区道路 ") + m + " 分钟内可达"
                 : std::string(s.by_incidents ? "of incidents" : "of the zones' road") +
                       " within " + m + " min") +
             "</div>";
    }
    if (s.camera_covered_share >= 0)
        h += "<div class=\"fig\"><b>" + pct1(s.camera_covered_share) + "</b>" +
             tr(L, "of road seen by cameras", "道路视频覆盖率") + "</div>";
    h += "</div>\n<h3>" + std::string(tr(L, "Findings and what to do", "主要问题与措施")) +
         "</h3><ol class=\"findings\">";
    for (const auto &f : s.findings)
        h += "<li>" + html_escape(f) + "</li>";
    return h + "</ol></section>\n";
}

} // namespace lugeo::report

bool lugeo::StandardRow::passes() const {
    return std::all_of(pass.begin(), pass.end(), [](bool b) { return b; });
}
