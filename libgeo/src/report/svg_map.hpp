// Private: static maps as inline SVG for the HTML report — layers, legend, scale bar,
// north arrow and attribution, in colours (and dash/hatch patterns) that survive printing
// in grey.
#pragma once

#include <lugeo/geometry.hpp>

#include <string>
#include <vector>

namespace lugeo::report {

struct Style {
    std::string fill = "none"; ///< CSS colour or "none"
    std::string stroke = "#000000";
    double stroke_width = 1.0; ///< pixels
    double fill_opacity = 1.0;
    std::string dash = "";         ///< SVG dasharray, e.g. "4 2"
    std::string hatch = "";        ///< "diag" or "cross": a pattern over the fill (grey print)
    double radius = 2.5;           ///< points
    std::string marker = "circle"; ///< points: circle | square | triangle
    std::string label = "";        ///< legend text; empty: not in the legend
};

class SvgMap {
public:
    /// `extent` in the scene's metric CRS (metres); the map keeps its aspect ratio.
    SvgMap(Box extent, double width_px = 760.0);

    void add_polygons(const MultiPolygon &mp, const Style &style);
    void add_lines(const std::vector<LineString> &lines, const Style &style);
    void add_points(const std::vector<XY> &points, const Style &style);
    /// A text label at a position (e.g. a kiosk's name), bold with a white halo.
    void add_label(XY at, const std::string &text, double size_px = 12.0);
    /// A road's name along the road (`angle_deg` counter-clockwise from east, in map units):
    /// placed only when it lies inside the frame and overlaps no label placed before it.
    bool add_road_label(XY at, double angle_deg, const std::string &text, double size_px = 11.0);

    /// The whole <svg> element: layers, legend, scale bar, north arrow, attribution.
    std::string render(const std::string &title, const std::string &attribution) const;

    double width() const { return m_w; }
    double height() const { return m_h; }
    double metres_per_px() const { return 1.0 / m_scale; }

private:
    std::string path_of(const std::vector<XY> &pts, bool close) const;
    Box m_box;
    double m_w, m_h, m_scale;
    std::string m_body;
    std::vector<std::pair<Style, int>> m_legend; ///< style, kind (0 polygon, 1 line, 2 point)
    std::vector<std::string> m_defs;
    std::vector<Box> m_label_boxes; ///< pixels: what a road label must not overlap
};

/// The width of a label in pixels, roughly (a CJK character is square, Latin about half).
double text_width_px(const std::string &text, double size_px);

/// Escapes &, <, >, " for HTML/SVG text.
std::string html_escape(const std::string &s);

} // namespace lugeo::report
