// The report's shared parts: number formats, the HTML table, the base map's roads and labels,
// the sections' context.
#include "report/parts.hpp"
#include "report/terms.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>

namespace lugeo::report {

namespace {

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

} // namespace

// Halves round away from zero in decimal (std::round before printing): a figure the library
// rounded to 0.01 (4.35, stored as 4.34999…) shows as 4.4, as the unrounded 4.354 would.
std::string f1(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", std::isfinite(v) ? std::round(v * 10) / 10 : v);
    return b;
}
std::string f0(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.0f", std::isfinite(v) ? std::round(v) : v);
    return b;
}
std::string pct(double share) {
    return f1(100.0 * share) + "%";
}

/// A road's name, or "(unnamed)".
std::string road_or_unnamed(const std::string &lang, const std::string &name) {
    return name.empty() ? tr(lang, "(unnamed)", "（无名道路）") : name;
}

std::string num_thousands(std::size_t n) {
    const std::string d = std::to_string(n);
    std::string s;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (i > 0 && (d.size() - i) % 3 == 0) s += ',';
        s += d[i];
    }
    return s;
}

std::string Table::html() const {
    std::string o = "<table><thead><tr>";
    for (std::size_t i = 0; i < head.size(); ++i)
        o += std::string("<th") + (i < numeric.size() && numeric[i] ? " class=\"n\"" : "") + ">" +
             html_escape(head[i]) + "</th>";
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
bool is_main_road(const std::string &c) {
    return c.rfind("motorway", 0) == 0 || c.rfind("trunk", 0) == 0 || c.rfind("primary", 0) == 0 ||
           c.rfind("secondary", 0) == 0;
}

/// Grey base map of the roads (main roads a little heavier).
void add_base_roads(SvgMap &map, const Network &net, const std::string &colour) {
    std::vector<LineString> main, minor;
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        if (!net.is_usable(Profile::walk, e) && !net.is_usable(Profile::car, e)) continue;
        auto g = net.edge_geometry(e);
        (is_main_road(net.class_of(e)) ? main : minor).emplace_back(g.begin(), g.end());
    }
    map.add_lines(minor, Style{.fill = "none", .stroke = colour, .stroke_width = 0.6});
    map.add_lines(main, Style{.fill = "none", .stroke = colour, .stroke_width = 1.4});
}

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
void add_road_names(SvgMap &map, const std::vector<RoadName> &names, std::size_t most) {
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

std::size_t ReportContext::add_layer(LayerDef def) const {
    def.crs = scene.crs;
    gpkg_layers.push_back(def.name);
    return gpkg.add_layer(def);
}

void ReportContext::progress(double fraction, const char *what) const {
    if (options.progress) options.progress(fraction, what);
}

} // namespace lugeo::report
