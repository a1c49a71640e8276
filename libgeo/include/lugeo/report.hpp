// lugeo: the planning report — one self-contained HTML file with maps, plus one GeoPackage
// with every layer behind it.
//
// The report runs the analyses on a scene's data (reachability against the 1/5/30-minute standard,
// patrol zones, camera coverage and the next cameras, the plate registry's checks) and
// writes `report.html` (inline SVG maps and CSS; no scripts, no external resources: it opens
// with no network) and `report.gpkg` into a folder.
#pragma once

#include <lugeo/io.hpp>
#include <lugeo/layers.hpp>

#include <string>
#include <vector>

namespace lugeo {

struct ReportOptions {
    std::string output_dir = "."; ///< created if missing; report.html and report.gpkg go here
    std::vector<double> minutes = {1, 5, 30}; ///< the response standard
    std::size_t new_cameras = 20;             ///< proposed next cameras (greedy placement)
    std::size_t top = 10;                     ///< rows in "worst" / "largest" tables
    double map_width_px = 760.0;
    ProgressFn progress; ///< fraction done and the current section
};

struct ReportSection {
    std::string id, title;
    double seconds = 0.0;
};

struct ReportResult {
    std::string html_path;
    std::string gpkg_path;
    std::vector<ReportSection> sections;
    std::vector<std::string> gpkg_layers;
    std::size_t html_bytes = 0;
    double seconds = 0.0;
};

/// Runs the analyses on the scene's data (read_scene_data with every role, plates with
/// keep_invalid_plates so that bad rows are findings of the registry checks) and writes the
/// report. The scene table shows each layer as read (LayerReport: after `where` and
/// validation). Throws Error for bad input (as each module does); a scene without units,
/// cameras or plates gets the sections it can have, and says which are missing.
ReportResult write_report(const SceneData &data, const ReportOptions &options = {});

} // namespace lugeo
