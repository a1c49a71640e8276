// The report's plate registry section: the plates by kind and status, the checks' findings
// and the confusable plates.
#include "report/parts.hpp"
#include "report/terms.hpp"

#include <lugeo/registry.hpp>

#include <cmath>
#include <map>

namespace lugeo::report {

std::string registry_section(const ReportContext &c) {
    const std::string &lang = c.lang;
    std::string body;
    // read with keep_invalid_plates (write_report's caller): bad rows are findings of the
    // checks, not a reason to stop the report
    const std::vector<Plate> &plates = c.scene.plates.plates;
    if (!plates.empty()) {
        CheckOptions co;
        co.distance_to_road = road_distance(c.net, co.max_road_distance_m);
        const CheckReport rep =
            check_scene_plates(c.scene.plates, c.scene.reports, co); // as poles check
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
        for (const auto &k : rep.status)
            st.rows.push_back({plate_kind_label(lang, k.kind),
                               num_thousands(k.ok + k.damaged + k.missing + k.unknown),
                               num_thousands(k.ok), num_thousands(k.damaged),
                               num_thousands(k.missing), num_thousands(k.unknown)});
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
        const ConfusableSummary conf = confusable_summary(rep, c.scene.plates);
        c.summary.confusable_pairs = conf.pairs;
        c.summary.confusable_road_pairs = conf.roads.size();
        c.summary.registry_errors = rep.error_count;
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
        for (std::size_t i = 0; i < conf.roads.size() && i < c.options.top; ++i) {
            const ConfusableRoads &roads = conf.roads[i];
            const CheckIssue &is = rep.issues[roads.worst];
            cf.rows.push_back({is.ids.size() > 0 ? is.ids[0] : "", roads.road_a,
                               is.ids.size() > 1 ? is.ids[1] : "", roads.road_b,
                               f0(is.distance_m) + " m", misreading_label(lang, is.misreading),
                               f0(is.score)});
        }
        s += "<h3>" +
             std::string(tr(lang, "Confusable plates: one misreading apart, far from each other",
                            "易混淆编号：读错一处即为另一个相距很远的有效编号")) +
             "</h3><p>" + std::to_string(conf.pairs) +
             tr(lang, " pairs of plates on ", " 对编号，涉及 ") +
             std::to_string(conf.roads.size()) +
             tr(lang,
                " pairs of roads; the table shows each pair of roads once, its worst pair of "
                "plates first "
                "(score: the probability of the misreading per reading times the distance, metres "
                "astray per reading). A caller who misreads one of these numbers names a valid "
                "plate far away: the dispatcher should confirm with a second number or the "
                "caller's position.",
                " 对道路；表中每对道路只列一次，取其中风险最高的一对编号，按风险从高到低排列（风险"
                "分 = "
                "每次读错的概率 × "
                "距离，即每次报号平均偏离的米数）。报警人读错这些编号时会指向远处的另一根杆："
                "接警员应追问第二个编号或来电位置。") +
             "</p>" + cf.html();
        body += s + "</section>\n";
        const auto L = c.add_layer({"plate_issues",
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
            c.gpkg.add_feature(L, Geometry::of_point(at),
                               {std::string(check_kind_name(i.kind)),
                                std::string(i.severity == Severity::error ? "error" : "warning"),
                                ids, i.message});
        }
    } else {
        body += "<section id=\"registry\"><h2>" +
                std::string(tr(lang, "5. The plate registry", "5. 杆号/灯号登记")) +
                "</h2><p class=\"note\">" +
                tr(lang, "The scene has no poles or lamps layer.", "场景中没有电杆或路灯图层。") +
                "</p></section>\n";
    }
    return body;
}

} // namespace lugeo::report
