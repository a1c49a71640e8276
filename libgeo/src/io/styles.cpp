#include "io/styles.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace lugeo::detail {

namespace {

struct Rgb {
    int r, g, b;
};

std::string rgba(Rgb c, int a = 255) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%d,%d,%d,%d", c.r, c.g, c.b, a);
    return buf;
}

std::string xml(const std::string &s) {
    std::string o;
    for (char c : s) {
        if (c == '&')
            o += "&amp;";
        else if (c == '<')
            o += "&lt;";
        else if (c == '>')
            o += "&gt;";
        else if (c == '"')
            o += "&quot;";
        else
            o += c;
    }
    return o;
}

/// A symbol layer's properties, written both as the <Option> map (QGIS >= 3.26) and as the
/// older <prop> list.
std::string props(const std::map<std::string, std::string> &p) {
    std::string s = "<Option type=\"Map\">";
    for (const auto &[k, v] : p)
        s += "<Option name=\"" + k + "\" type=\"QString\" value=\"" + xml(v) + "\"/>";
    s += "</Option>";
    for (const auto &[k, v] : p)
        s += "<prop k=\"" + k + "\" v=\"" + xml(v) + "\"/>";
    return s;
}

struct Sym {
    Rgb color;
    int alpha = 255;    ///< fill alpha (polygons) or line alpha
    double width = 0.5; ///< line width / outline width, mm
    bool dashed = false;
    Rgb outline{60, 60, 60};
    double size = 2.6; ///< marker size, mm
};

std::string symbol(Geometry::Type g, const std::string &name, const Sym &s) {
    std::string out;
    if (g == Geometry::Type::polygon) {
        out = "<symbol type=\"fill\" name=\"" + name +
              "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleFill\" "
              "enabled=\"1\" locked=\"0\" pass=\"0\">" +
              props({{"color", rgba(s.color, s.alpha)},
                     {"outline_color", rgba(s.outline)},
                     {"outline_style", s.dashed ? "dash" : "solid"},
                     {"outline_width", std::to_string(s.width)},
                     {"outline_width_unit", "MM"},
                     {"style", "solid"}}) +
              "</layer></symbol>";
    } else if (g == Geometry::Type::line) {
        out = "<symbol type=\"line\" name=\"" + name +
              "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleLine\" "
              "enabled=\"1\" locked=\"0\" pass=\"0\">" +
              props({{"line_color", rgba(s.color, s.alpha)},
                     {"line_style", s.dashed ? "dash" : "solid"},
                     {"line_width", std::to_string(s.width)},
                     {"line_width_unit", "MM"},
                     {"capstyle", "round"},
                     {"joinstyle", "round"}}) +
              "</layer></symbol>";
    } else {
        out = "<symbol type=\"marker\" name=\"" + name +
              "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer "
              "class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">" +
              props({{"color", rgba(s.color, s.alpha)},
                     {"name", "circle"},
                     {"outline_color", rgba(s.outline)},
                     {"outline_width", "0.3"},
                     {"size", std::to_string(s.size)},
                     {"size_unit", "MM"}}) +
              "</layer></symbol>";
    }
    return out;
}

std::string single(Geometry::Type g, const Sym &s) {
    return "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" "
           "forceraster=\"0\"><symbols>" +
           symbol(g, "0", s) + "</symbols></renderer-v2>";
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

/// Dark blue (short) to pale blue (long) over n classes: the 1-minute band stands out and
/// the bands stay apart in grey print (as in the report's maps).
Rgb ramp(std::size_t i, std::size_t n) {
    static const Rgb stops[] = {{8, 48, 107}, {33, 113, 181}, {107, 174, 214}, {198, 219, 239}};
    const double t = n <= 1 ? 0.0 : double(i) / double(n - 1);
    const double x = t * 3.0;
    const int k = std::min(2, int(x));
    const double f = x - k;
    auto mix = [&](int a, int b) { return int(std::lround(a + (b - a) * f)); };
    return {mix(stops[k].r, stops[k + 1].r), mix(stops[k].g, stops[k + 1].g),
            mix(stops[k].b, stops[k + 1].b)};
}

std::string graduated(Geometry::Type g, const std::string &field, const std::vector<double> &cls,
                      int alpha, double width, const std::string &unit) {
    std::string ranges, syms;
    double lower = 0;
    for (std::size_t i = 0; i < cls.size(); ++i) {
        const double upper = cls[i];
        ranges += "<range lower=\"" + num(i ? lower : std::min(0.0, upper)) + "\" upper=\"" +
                  num(upper) + "\" symbol=\"" + std::to_string(i) + "\" label=\"" +
                  xml((i ? num(lower) + "–" : "≤ ") + num(upper) + " " + unit) +
                  "\" render=\"true\"/>";
        const Rgb c = ramp(i, cls.size());
        // polygons outlined thinly in a darker shade of their fill (a grey outline on every
        // road buffer makes the bands look like a tangle)
        Sym s{c, alpha, width, false, {c.r * 7 / 10, c.g * 7 / 10, c.b * 7 / 10}};
        syms += symbol(g, std::to_string(i), s);
        lower = upper;
    }
    return "<renderer-v2 type=\"graduatedSymbol\" attr=\"" + xml(field) +
           "\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" "
           "forceraster=\"0\"><ranges>" +
           ranges + "</ranges><symbols>" + syms + "</symbols></renderer-v2>";
}

std::string categorized(Geometry::Type g, const std::string &field,
                        const std::vector<std::string> &cats, int alpha, double width) {
    static const Rgb palette[] = {{31, 120, 180},  {51, 160, 44},   {227, 26, 28},
                                  {255, 127, 0},   {106, 61, 154},  {177, 89, 40},
                                  {166, 206, 227}, {178, 223, 138}, {251, 154, 153},
                                  {253, 191, 111}, {202, 178, 214}, {255, 255, 153}};
    std::string c, syms;
    for (std::size_t i = 0; i < cats.size(); ++i) {
        c += "<category value=\"" + xml(cats[i]) + "\" symbol=\"" + std::to_string(i) +
             "\" label=\"" + xml(cats[i]) + "\" render=\"true\"/>";
        syms += symbol(g, std::to_string(i), {palette[i % 12], alpha, width});
    }
    return "<renderer-v2 type=\"categorizedSymbol\" attr=\"" + xml(field) +
           "\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><categories>" + c +
           "</categories><symbols>" + syms + "</symbols></renderer-v2>";
}

const Sym uncovered_road{{170, 170, 170}, 255, 0.4};

/// Covered road by number of cameras: one camera green, two or more (a backup) dark green;
/// `with_uncovered`: a layer of every piece, 0 cameras grey.
std::string covered_backup(const std::string &field, bool with_uncovered = false) {
    return "<renderer-v2 type=\"graduatedSymbol\" attr=\"" + field +
           "\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" "
           "forceraster=\"0\"><ranges>" +
           std::string(with_uncovered ? "<range lower=\"-1\" upper=\"0\" symbol=\"2\" "
                                        "label=\"not covered\" render=\"true\"/>"
                                      : "") +
           "<range lower=\"0\" upper=\"1\" symbol=\"0\" label=\"covered (one camera)\" "
           "render=\"true\"/>"
           "<range lower=\"1\" upper=\"1000000\" symbol=\"1\" label=\"backup (two or more "
           "cameras)\" render=\"true\"/></ranges><symbols>" +
           symbol(Geometry::Type::line, "0", {{77, 175, 74}, 255, 0.8}) +
           symbol(Geometry::Type::line, "1", {{0, 90, 50}, 255, 1.2}) +
           (with_uncovered ? symbol(Geometry::Type::line, "2", uncovered_road) : "") +
           "</symbols></renderer-v2>";
}

/// Labels from a field; `every` draws each one even where labels collide (ranks of picks).
std::string labels(const std::string &field, bool every = false) {
    return "<labeling type=\"simple\"><settings calloutType=\"simple\"><text-style fieldName=\"" +
           xml(field) +
           "\" fontSize=\"9\" fontWeight=\"75\" textColor=\"20,20,20,255\" isExpression=\"0\">"
           "<text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferColor=\"255,255,255,255\"/>"
           "</text-style><placement placement=\"0\" dist=\"1.5\"/><rendering obstacle=\"1\"" +
           std::string(every ? " displayAll=\"1\" upsidedownLabels=\"0\" zIndex=\"1\"" : "") +
           "/></settings></labeling>";
}

/// Units by `new`: the existing ones black, the new sites yellow.
std::string units_by_new() {
    return "<renderer-v2 type=\"categorizedSymbol\" attr=\"new\" symbollevels=\"0\" "
           "enableorderby=\"0\" forceraster=\"0\"><categories>"
           "<category value=\"0\" symbol=\"0\" label=\"existing unit\" render=\"true\"/>"
           "<category value=\"1\" symbol=\"1\" label=\"new site\" render=\"true\"/>"
           "</categories><symbols>" +
           symbol(Geometry::Type::point, "0", {{0, 0, 0}, 255, 0.4, false, {255, 255, 255}, 2.6}) +
           symbol(Geometry::Type::point, "1", {{255, 215, 0}, 255, 0.4, false, {0, 0, 0}, 4.0}) +
           "</symbols></renderer-v2>";
}

std::string wrap(const std::string &renderer, const std::string &labeling = {}) {
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\" "
           "styleCategories=\"Symbology|Labeling\" labelsEnabled=\"" +
           std::string(labeling.empty() ? "0" : "1") + "\">" + renderer + labeling + "</qgis>\n";
}

bool has(const StyleInput &in, const std::string &f) {
    return std::find(in.fields.begin(), in.fields.end(), f) != in.fields.end();
}

} // namespace

std::string style_category_field(const StyleInput &in) {
    const std::string &l = in.layer;
    if (l == "zones" || l == "zone_edges" || l == "kiosks")
        for (const char *f : {"kiosk", "unit", "id"}) // zones, site's zones, report's kiosks
            if (has(in, f)) return f;
    return {};
}

std::string style_graduated_field(const StyleInput &in) {
    const std::string &l = in.layer;
    if (l == "bands" || l == "isochrone_bands") return "to_min";
    if (l == "union" || l == "per_source" || l == "reached" || l == "concave") return "minutes";
    return {};
}

std::string style_qml(const StyleInput &in) {
    const auto g = in.geometry;
    if (g == Geometry::Type::none) return {};
    const std::string cat = style_category_field(in), grad = style_graduated_field(in);
    if (!cat.empty() && !in.categories.empty())
        return wrap(categorized(g, cat, in.categories, g == Geometry::Type::polygon ? 110 : 255,
                                g == Geometry::Type::line ? 0.7 : 0.4),
                    in.layer == "kiosks" ? labels(cat) : "");
    if (!grad.empty() && has(in, grad) && !in.classes.empty()) {
        // bands opaque-ish (they do not overlap); unions and per-source polygons translucent,
        // written largest first so the small ones stay visible
        const bool bands = grad == "to_min";
        const int alpha = bands ? 170 : (g == Geometry::Type::polygon ? 90 : 255);
        return wrap(
            graduated(g, grad, in.classes, alpha, g == Geometry::Type::line ? 0.8 : 0.1, "min"));
    }
    if (in.layer == "covered" && has(in, "cameras")) return wrap(covered_backup("cameras"));
    if (in.layer == "coverage_roads" && has(in, "cameras"))
        return wrap(covered_backup("cameras", true));
    // uncovered road a quiet grey under the gaps (red, dashed) that matter
    if (in.layer == "uncovered") return wrap(single(g, uncovered_road));
    if (in.layer == "gaps" || in.layer == "coverage_gaps")
        return wrap(single(g, {{215, 25, 28}, 255, 0.9, true}),
                    has(in, "rank") ? labels("rank") : "");
    if (in.layer == "beyond") return wrap(single(g, {{120, 0, 120}, 255, 1.0, true}));
    if (in.layer == "views" || in.layer == "pick_views")
        return wrap(single(g, {{255, 200, 0}, 70, 0.2}));
    if ((in.layer == "picks" || in.layer == "camera_picks") && has(in, "rank"))
        return wrap(single(g, {{0, 100, 255}, 255, 0.4, false, {255, 255, 255}, 4.0}),
                    labels("rank", true));
    // site: the new sites numbered in the order chosen, the units new and existing
    if ((in.layer == "sites" || in.layer == "next_kiosks") && has(in, "rank"))
        return wrap(single(g, {{255, 215, 0}, 255, 0.4, false, {0, 0, 0}, 4.4}),
                    labels("rank", true));
    if (in.layer == "units" && has(in, "new"))
        return wrap(units_by_new(), has(in, "unit") ? labels("unit") : "");
    if (in.layer == "changed")
        return wrap(single(g, {{230, 97, 1}, 255, 0.1, false, {166, 54, 3}, 1.2}));
    if (in.layer == "sources")
        return wrap(single(g, {{0, 0, 0}, 255, 0.4, false, {255, 255, 255}, 3.2}),
                    has(in, "name") ? labels("name") : "");
    if (in.layer == "edges" || in.layer == "roads")
        return wrap(single(g, {{90, 90, 90}, 255, 0.4}));
    return {};
}

} // namespace lugeo::detail
