#include "report/svg_map.hpp"

#include <cmath>
#include <cstdio>
#include <atomic>
#include <numbers>
#include <set>

namespace lugeo::report {

namespace {
std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", v);
    return b;
}
} // namespace

std::string html_escape(const std::string &s) {
    std::string o;
    o.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&':
            o += "&amp;";
            break;
        case '<':
            o += "&lt;";
            break;
        case '>':
            o += "&gt;";
            break;
        case '"':
            o += "&quot;";
            break;
        default:
            o += c;
        }
    }
    return o;
}

SvgMap::SvgMap(Box extent, double width_px) : m_box(extent), m_w(width_px) {
    if (!m_box.valid()) m_box = Box{0, 0, 1, 1};
    const double dx = std::max(m_box.maxx - m_box.minx, 1.0),
                 dy = std::max(m_box.maxy - m_box.miny, 1.0);
    // 5% margin around the data
    m_box.minx -= 0.03 * dx;
    m_box.maxx += 0.03 * dx;
    m_box.miny -= 0.03 * dy;
    m_box.maxy += 0.03 * dy;
    m_scale = m_w / (m_box.maxx - m_box.minx);
    m_h = (m_box.maxy - m_box.miny) * m_scale;
}

std::string SvgMap::path_of(const std::vector<XY> &pts, bool close) const {
    std::string d;
    double lx = 1e300, ly = 1e300;
    std::size_t n = 0;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        const double x = (pts[i].x - m_box.minx) * m_scale, y = (m_box.maxy - pts[i].y) * m_scale;
        // drop vertices closer than half a pixel to the last one (keeps the file small)
        if (i != 0 && i + 1 != pts.size() && std::abs(x - lx) < 0.5 && std::abs(y - ly) < 0.5)
            continue;
        d += n == 0 ? 'M' : 'L';
        d += num(x);
        d += ' ';
        d += num(y);
        lx = x;
        ly = y;
        ++n;
    }
    if (close && n) d += "Z";
    return n >= 2 ? d : std::string();
}

static std::string hatch_id(const Style &s) {
    std::string id = "h";
    id += std::to_string(std::hash<std::string>{}(s.hatch + s.stroke) % 100000);
    return id;
}

void SvgMap::add_polygons(const MultiPolygon &mp, const Style &s) {
    std::string d;
    for (const auto &p : mp) {
        d += path_of(p.outer, true);
        for (const auto &h : p.holes)
            d += path_of(h, true);
    }
    std::string hatch_fill;
    if (!s.hatch.empty()) {
        const std::string id = hatch_id(s);
        m_defs.push_back("<pattern id=\"" + id +
                         "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">" +
                         "<path d=\"M0 6L6 0" + std::string(s.hatch == "cross" ? "M0 0L6 6" : "") +
                         "\" stroke=\"" + s.stroke + "\" stroke-width=\"0.8\"/></pattern>");
        hatch_fill = "url(#" + id + ")";
    }
    if (!d.empty()) {
        m_body += "<path fill-rule=\"evenodd\" d=\"" + d + "\" fill=\"" + s.fill +
                  "\" fill-opacity=\"" + num(s.fill_opacity) + "\" stroke=\"" + s.stroke +
                  "\" stroke-width=\"" + num(s.stroke_width) + "\"" +
                  (s.dash.empty() ? "" : " stroke-dasharray=\"" + s.dash + "\"") + "/>\n";
        if (!hatch_fill.empty())
            m_body += "<path fill-rule=\"evenodd\" d=\"" + d + "\" fill=\"" + hatch_fill +
                      "\" stroke=\"none\"/>\n";
    }
    if (!s.label.empty()) m_legend.emplace_back(s, 0);
}

void SvgMap::add_lines(const std::vector<LineString> &lines, const Style &s) {
    std::string d;
    for (const auto &l : lines)
        d += path_of(l, false);
    if (!d.empty())
        m_body += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + s.stroke +
                  "\" stroke-width=\"" + num(s.stroke_width) +
                  "\" stroke-linecap=\"round\" stroke-linejoin=\"round\"" +
                  (s.dash.empty() ? "" : " stroke-dasharray=\"" + s.dash + "\"") + "/>\n";
    if (!s.label.empty()) m_legend.emplace_back(s, 1);
}

static std::string marker(const Style &s, double x, double y) {
    const double r = s.radius;
    const std::string paint = "fill=\"" + (s.fill == "none" ? s.stroke : s.fill) + "\" stroke=\"" +
                              s.stroke + "\" stroke-width=\"" + num(std::min(s.stroke_width, 1.0)) +
                              "\"";
    if (s.marker == "square")
        return "<rect x=\"" + num(x - r) + "\" y=\"" + num(y - r) + "\" width=\"" + num(2 * r) +
               "\" height=\"" + num(2 * r) + "\" " + paint + "/>";
    if (s.marker == "triangle")
        return "<path d=\"M" + num(x) + " " + num(y - r * 1.2) + "L" + num(x + r) + " " +
               num(y + r * 0.8) + "L" + num(x - r) + " " + num(y + r * 0.8) + "Z\" " + paint + "/>";
    return "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" + num(r) + "\" " + paint +
           "/>";
}

void SvgMap::add_points(const std::vector<XY> &pts, const Style &s) {
    for (XY p : pts) {
        const double x = (p.x - m_box.minx) * m_scale, y = (m_box.maxy - p.y) * m_scale;
        if (x < -10 || y < -10 || x > m_w + 10 || y > m_h + 10) continue;
        m_body += marker(s, x, y);
        // a road's name goes around a kiosk or a pick, not over it
        if (s.radius >= 4)
            m_label_boxes.push_back(Box{x - s.radius, y - s.radius, x + s.radius, y + s.radius});
    }
    m_body += "\n";
    if (!s.label.empty()) m_legend.emplace_back(s, 2);
}

double text_width_px(const std::string &text, double size) {
    double w = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80)
            w += 0.58 * size;
        else if (c >= 0xE0) // a three-byte character: CJK and full-width punctuation
            w += size;
        else if (c >= 0xC0)
            w += 0.6 * size;
    }
    return w;
}

void SvgMap::add_label(XY at, const std::string &text, double size) {
    const double x = (at.x - m_box.minx) * m_scale, y = (m_box.maxy - at.y) * m_scale;
    const double w = text_width_px(text, size);
    m_label_boxes.push_back(Box{x - w / 2, y - size, x + w / 2, y + 3});
    m_body += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + num(size) +
              "\" text-anchor=\"middle\" font-weight=\"bold\" paint-order=\"stroke\" "
              "stroke=\"#fff\" stroke-width=\"3\">" +
              html_escape(text) + "</text>\n";
}

bool SvgMap::add_road_label(XY at, double angle_deg, const std::string &text, double size) {
    const double x = (at.x - m_box.minx) * m_scale, y = (m_box.maxy - at.y) * m_scale;
    // upright: between -90 and 90 degrees; SVG rotates clockwise (y grows downwards)
    double a = std::fmod(angle_deg, 180.0);
    if (a > 90) a -= 180;
    if (a < -90) a += 180;
    const double rad = a * std::numbers::pi / 180.0, w = text_width_px(text, size) + 4,
                 h = size + 4;
    const double hx = (std::abs(std::cos(rad)) * w + std::abs(std::sin(rad)) * h) / 2,
                 hy = (std::abs(std::sin(rad)) * w + std::abs(std::cos(rad)) * h) / 2;
    const Box b{x - hx, y - hy, x + hx, y + hy};
    if (b.minx < 2 || b.miny < 2 || b.maxx > m_w - 2 || b.maxy > m_h - 2) return false;
    for (const Box &o : m_label_boxes)
        if (b.minx < o.maxx && o.minx < b.maxx && b.miny < o.maxy && o.miny < b.maxy) return false;
    m_label_boxes.push_back(b);
    m_body += "<text x=\"" + num(x) + "\" y=\"" + num(y + size * 0.35) + "\" font-size=\"" +
              num(size) + "\" text-anchor=\"middle\" transform=\"rotate(" + num(-a) + " " + num(x) +
              " " + num(y) +
              ")\" fill=\"#222\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\" "
              "class=\"road-name\">" +
              html_escape(text) + "</text>\n";
    return true;
}

std::string SvgMap::render(const std::string &title, const std::string &attribution) const {
    const double legend_w = 190.0;
    const double W = m_w + legend_w,
                 H = std::max(m_h, 60.0 + 22.0 * static_cast<double>(m_legend.size())) + 24.0;
    std::string o = "<svg viewBox=\"0 0 " + num(W) + " " + num(H) + "\" width=\"" + num(W) +
                    "\" height=\"" + num(H) + "\" role=\"img\" aria-label=\"" + html_escape(title) +
                    "\" font-family=\"sans-serif\">\n<title>" + html_escape(title) +
                    "</title>\n<defs>";
    std::set<std::string> seen;
    for (const auto &d : m_defs)
        if (seen.insert(d).second) o += d;
    // the layers are clipped to the map's frame (a clipPath in user units; CSS inset() on a
    // <g> clips to the group's own bounding box, i.e. not at all); ids unique in the page
    static std::atomic<unsigned> maps{0};
    const std::string clip = "mapframe" + std::to_string(++maps);
    o += "<clipPath id=\"" + clip + "\"><rect x=\"0\" y=\"0\" width=\"" + num(m_w) +
         "\" height=\"" + num(m_h) + "\"/></clipPath>";
    o += "</defs>\n<rect x=\"0\" y=\"0\" width=\"" + num(m_w) + "\" height=\"" + num(m_h) +
         "\" fill=\"#ffffff\" stroke=\"#444\"/>\n<g clip-path=\"url(#" + clip + ")\">\n" + m_body +
         "</g>\n";
    // scale bar: a round length near a fifth of the map width
    const double target_m = (m_box.maxx - m_box.minx) / 5.0;
    const double p10 = std::pow(10.0, std::floor(std::log10(target_m)));
    double len_m = p10;
    for (double f : {1.0, 2.0, 5.0})
        if (f * p10 <= target_m) len_m = f * p10;
    const double len_px = len_m * m_scale, sx = 14.0, sy = m_h - 16.0;
    const std::string label = len_m >= 1000 ? num(len_m / 1000.0) + " km" : num(len_m) + " m";
    o += "<g><rect x=\"" + num(sx - 4) + "\" y=\"" + num(sy - 16) + "\" width=\"" +
         num(len_px + 8) +
         "\" height=\"26\" fill=\"#fff\" fill-opacity=\"0.8\"/>"
         "<rect x=\"" +
         num(sx) + "\" y=\"" + num(sy) + "\" width=\"" + num(len_px / 2) +
         "\" height=\"5\" fill=\"#000\"/>"
         "<rect x=\"" +
         num(sx + len_px / 2) + "\" y=\"" + num(sy) + "\" width=\"" + num(len_px / 2) +
         "\" height=\"5\" fill=\"#fff\" stroke=\"#000\"/>"
         "<text x=\"" +
         num(sx) + "\" y=\"" + num(sy - 4) +
         "\" font-size=\"11\">0</text>"
         "<text x=\"" +
         num(sx + len_px) + "\" y=\"" + num(sy - 4) + "\" font-size=\"11\" text-anchor=\"end\">" +
         label + "</text></g>\n";
    // north arrow (the scene CRS is projected; grid north is up)
    const double nx = m_w - 24.0, ny = 14.0;
    o += "<g><path d=\"M" + num(nx) + " " + num(ny) + "L" + num(nx + 8) + " " + num(ny + 24) + "L" +
         num(nx) + " " + num(ny + 18) + "L" + num(nx - 8) + " " + num(ny + 24) +
         "Z\" fill=\"#000\"/><text x=\"" + num(nx) + "\" y=\"" + num(ny + 38) +
         "\" font-size=\"12\" text-anchor=\"middle\" font-weight=\"bold\">N</text></g>\n";
    // legend
    double ly = 18.0;
    const double lx = m_w + 12.0;
    o += "<g font-size=\"12\">";
    for (const auto &[s, kind] : m_legend) {
        if (kind == 0) {
            o += "<rect x=\"" + num(lx) + "\" y=\"" + num(ly - 10) +
                 "\" width=\"18\" height=\"12\" fill=\"" + s.fill + "\" fill-opacity=\"" +
                 num(s.fill_opacity) + "\" stroke=\"" + s.stroke + "\"/>";
            if (!s.hatch.empty())
                o += "<rect x=\"" + num(lx) + "\" y=\"" + num(ly - 10) +
                     "\" width=\"18\" height=\"12\" fill=\"url(#" + hatch_id(s) + ")\"/>";
        } else if (kind == 1) {
            o += "<line x1=\"" + num(lx) + "\" y1=\"" + num(ly - 4) + "\" x2=\"" + num(lx + 18) +
                 "\" y2=\"" + num(ly - 4) + "\" stroke=\"" + s.stroke + "\" stroke-width=\"" +
                 num(std::max(s.stroke_width, 1.5)) + "\"" +
                 (s.dash.empty() ? "" : " stroke-dasharray=\"" + s.dash + "\"") + "/>";
        } else {
            o += marker(s, lx + 9, ly - 4);
        }
        o += "<text x=\"" + num(lx + 24) + "\" y=\"" + num(ly) + "\">" + html_escape(s.label) +
             "</text>";
        ly += 22.0;
    }
    o += "</g>\n<text x=\"" + num(m_w) + "\" y=\"" + num(H - 6) +
         "\" font-size=\"10\" text-anchor=\"end\" fill=\"#333\">" + html_escape(attribution) +
         "</text>\n</svg>\n";
    return o;
}

} // namespace lugeo::report
