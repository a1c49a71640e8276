// Private: what the planning report's sections share — number formats, the HTML table, the
// base map's roads and labels, and the context every section is written from (the scene, the
// network, the options, the language, the maps' extent, the GeoPackage). One section per
// analysis (section_*.cpp); write_report (report.cpp) runs them and assembles the page.
#pragma once

#include <lugeo/io.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/report.hpp>
#include <lugeo/zones.hpp>

#include "report/summary.hpp"
#include "report/svg_map.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace lugeo::report {

std::string f1(double v);                 ///< "12.3"
std::string f0(double v);                 ///< "12"
std::string pct(double share);            ///< 0.123 -> "12.3%"
std::string num_thousands(std::size_t n); ///< 12345 -> "12,345"
/// A road's name, or "(unnamed)".
std::string road_or_unnamed(const std::string &lang, const std::string &name);

/// A small HTML table builder.
struct Table {
    std::vector<std::string> head;
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> numeric; ///< right-aligned columns
    std::string html() const;
};

bool is_main_road(const std::string &road_class);

/// Grey base map of the roads (main roads a little heavier).
void add_base_roads(SvgMap &map, const Network &net, const std::string &colour = "#b8b8b8");

/// A main road's name on the maps: where, along which direction, what.
struct RoadName {
    XY at;
    double angle_deg = 0; ///< counter-clockwise from east
    std::string text;
};

/// The main roads' names in the report's language, each once, the longest road first: at the
/// middle of its longest edge, along the road there (the principal axis of the road's
/// vertices within 300 m).
std::vector<RoadName> main_road_names(const Network &net, const std::string &lang);

/// Up to `most` main road names on a map, the longest roads first, none over another label.
void add_road_names(SvgMap &map, const std::vector<RoadName> &names, std::size_t most = 14);

/// The kiosks' names on a map (their IDs when unnamed), above each kiosk.
void add_kiosk_names(SvgMap &map, const std::vector<Unit> &kiosks);

/// What the sections share. The summary and the GeoPackage are the sections' outputs besides
/// their HTML: each section fills its part of the summary and adds its layers.
struct ReportContext {
    const SceneData &scene;
    const ReportOptions &options;
    const Network &net;
    std::string lang; ///< "zh" or "en"
    ZoneContext zone_context;
    std::vector<Unit> kiosks;
    std::vector<XY> kiosk_points;
    Box extent; ///< the maps': the boundary, else the network
    std::string attribution;
    std::vector<RoadName> road_names;
    Style kiosk_style;
    ReportSummary &summary;
    ReportFigures &figures;
    VectorWriter &gpkg;
    std::vector<std::string> &gpkg_layers; ///< the layers added, in order

    /// A layer of report.gpkg in the scene's CRS; its index for gpkg.add_feature.
    std::size_t add_layer(LayerDef def) const;
    void progress(double fraction, const char *what) const;
};

/// "1. The scene": the layers read, where from, real or synthetic; the road network's figures.
std::string scene_section(const ReportContext &c);
/// report.gpkg's "roads": every routable edge.
void write_roads_layer(const ReportContext &c);
/// "2. Reachability" and report.gpkg's "isochrone_bands".
std::string reachability_section(const ReportContext &c);
/// "3. Patrol zones", the summary's standard figures, report.gpkg's "zones" and "kiosks";
/// `zone_areas` gets the zones (for coverage by zone).
std::string zones_section(const ReportContext &c, std::vector<NamedArea> &zone_areas);
/// "4. Camera coverage" (by zone when `zone_areas` is not empty), the next cameras, the
/// summary's covered share; report.gpkg's "coverage_roads", "coverage_gaps", "camera_picks".
std::string coverage_section(const ReportContext &c, const std::vector<NamedArea> &zone_areas);
/// "5. The plate registry", the summary's registry figures, report.gpkg's "plate_issues".
std::string registry_section(const ReportContext &c);
/// "6. Where the next kiosk should go" and report.gpkg's "next_kiosks".
std::string next_kiosks_section(const ReportContext &c);

} // namespace lugeo::report
