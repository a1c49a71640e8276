// The report's reachability section: the 1/5/30-minute bands from the kiosks, the standard's
// figures, the seal-off share and the worst places.
#include "report/parts.hpp"
#include "report/terms.hpp"

#include <lugeo/error.hpp>
#include <lugeo/isochrone.hpp>
#include <lugeo/seal.hpp>

#include <algorithm>
#include <cmath>

namespace lugeo::report {

namespace {

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

} // namespace

std::string reachability_section(const ReportContext &c) {
    std::string body;
    if (!c.kiosks.empty()) {
        IsochroneOptions io = isochrone_options(c.scene.settings.isochrones);
        if (!c.options.minutes.empty() && c.scene.settings.isochrones.minutes.empty())
            io.minutes = c.options.minutes;
        io.per_source = false;
        for (const auto &k : c.kiosks)
            io.source_origins.push_back(k.origin);
        IsochronePoints pts{c.zone_context.key_sites, c.zone_context.cameras,
                            c.zone_context.incidents};
        const IsochroneResult iso = compute_isochrones(c.net, c.kiosk_points, io, pts);
        SvgMap map(c.extent, c.options.map_width_px);
        static const char *band_fill[] = {"#08306b", "#4a89c8", "#c6dbef", "#eeeeee"};
        static const char *band_hatch[] = {"", "diag", "", ""};
        add_base_roads(map, c.net, "#d0d0d0");
        for (std::size_t b = iso.bands.size(); b-- > 0;) {
            const double from = iso.band_from_min(b);
            Style st{band_fill[std::min<std::size_t>(b, 3)], "#333333", 0.4, 0.85, "",
                     band_hatch[std::min<std::size_t>(b, 3)]};
            st.label = minutes_label(c.lang, f0(from) + "–" + f0(iso.minutes[b])) +
                       tr(c.lang, " (", "（") + profile_label(c.lang, iso.profiles[b]) +
                       tr(c.lang, ")", "）");
            map.add_polygons(iso.bands[b], st);
        }
        map.add_points(c.kiosk_points, c.kiosk_style);
        add_kiosk_names(map, c.kiosks);
        add_road_names(map, c.road_names);
        std::string s =
            "<section id=\"reachability\"><h2>" +
            std::string(tr(c.lang, "2. Reachability: the 1 / 5 / 30-minute standard",
                           "2. 可达性：1 / 5 / 30 分钟标准")) +
            "</h2>\n<p class=\"lead\">" +
            tr(c.lang,
               "Areas reached from the nearest mobile kiosk within each threshold (1 minute to "
               "handle, 5 to seal off, 30 for the whole city): the reached road network buffered "
               "by ",
               "各时限内从最近的移动警务站可到达的区域（1 分钟处置、5 分钟封控、30 "
               "分钟覆盖全市）：按可达路网缓冲 ") +
            f0(io.trim_m) + tr(c.lang, " m, not a convex hull.", " 米绘制，而非凸包。") +
            "</p>\n<figure>" +
            map.render(
                tr(c.lang, "Reachability bands from the mobile kiosks", "移动警务站可达时间分带"),
                c.attribution) +
            "<figcaption>" +
            tr(c.lang,
               "Bands of travel time from the nearest kiosk. Unshaded areas are not reached "
               "within ",
               "从最近警务站出发的行程时间分带。无底色区域在 ") +
            f0(iso.minutes.back()) + tr(c.lang, " minutes.", " 分钟内不可达。") +
            "</figcaption></figure>\n";
        Table t;
        t.head = {tr(c.lang, "threshold", "时限"),        tr(c.lang, "profile", "方式"),
                  tr(c.lang, "road reached", "可达道路"), tr(c.lang, "share of road", "道路占比"),
                  tr(c.lang, "key sites", "重点部位"),    tr(c.lang, "incidents", "警情")};
        t.numeric = {false, false, true, true, true, true};
        for (const auto &f : iso.standard)
            t.rows.push_back(
                {minutes_label(c.lang, f0(f.minutes)), profile_label(c.lang, f.profile),
                 f1(f.reached_km) + " km", pct(f.road_share()),
                 std::to_string(f.key_sites_within) + " / " + std::to_string(f.key_sites),
                 f.incidents ? pct(f.incident_share()) : std::string("—")});
        s += t.html();
        s += seal_share_line(c.net, c.scene, c.lang);
        Table w;
        w.head = {tr(c.lang, "road", "道路"), tr(c.lang, "class", "等级"),
                  tr(c.lang, "length", "长度"),
                  tr(c.lang, "time from the nearest kiosk", "距最近警务站的时间")};
        w.numeric = {false, false, true, true};
        for (std::size_t i = 0; i < iso.beyond.size() && i < c.options.top; ++i) {
            const auto &b = iso.beyond[i];
            w.rows.push_back({road_or_unnamed(c.lang, c.net.name_of(b.edge)),
                              road_class_label(c.lang, c.net.class_of(b.edge)),
                              f0(b.length_m()) + " m",
                              std::isfinite(b.time_s) ? minutes_label(c.lang, f1(b.time_s / 60.0))
                                                      : tr(c.lang, "not reached", "不可达")});
        }
        s += "<h3>" +
             std::string(tr(c.lang, "The worst places: longest road stretches beyond ",
                            "最难到达的地方：超过 ")) +
             f0(io.beyond_minutes) + tr(c.lang, " minutes", " 分钟才能到达的最长路段") + "</h3>" +
             w.html();
        body += s + "</section>\n";
        const auto L = c.add_layer({"isochrone_bands",
                                    Geometry::Type::polygon,
                                    {{"band", FieldType::integer},
                                     {"from_min", FieldType::real},
                                     {"to_min", FieldType::real},
                                     {"profile", FieldType::string},
                                     {"area_km2", FieldType::real}},
                                    "",
                                    ""});
        for (std::size_t b = 0; b < iso.bands.size(); ++b)
            c.gpkg.add_feature(L, Geometry::of_polygons(iso.bands[b]),
                               {std::int64_t(b), iso.band_from_min(b), iso.minutes[b],
                                std::string(profile_name(iso.profiles[b])), iso.band_area_km2(b)});
    } else {
        body += "<section id=\"reachability\"><h2>" +
                std::string(tr(c.lang, "2. Reachability", "2. 可达性")) +
                "</h2><p class=\"note\">" +
                tr(c.lang, "The scene has no units of kind kiosk: no reachability.",
                   "场景中没有警务站类警力，无法计算可达性。") +
                "</p></section>\n";
    }
    return body;
}

} // namespace lugeo::report
