// lugeo: the planning report — one self-contained HTML file with maps, plus one GeoPackage
// with every layer behind it.
//
// The report runs the analyses on a scene's data (reachability against the 1/5/30-minute standard,
// patrol zones, camera coverage and the next cameras, the plate registry's checks) and
// writes `report.html` (inline SVG maps and CSS; no scripts, no external resources: it opens
// with no network) and `report.gpkg` into a folder.
#pragma once

#include <lugeo/coverage.hpp>
#include <lugeo/io.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/site.hpp>
#include <lugeo/zones.hpp>

#include <optional>
#include <string>
#include <vector>

namespace lugeo {

struct ReportOptions {
    std::string output_dir = "."; ///< created if missing; report.html and report.gpkg go here
    std::vector<double> minutes = {1, 5, 30}; ///< the response standard
    /// The standard's targets: the share of incidents (of road when the scene has none) a zone
    /// must reach within each threshold of `minutes` to pass (docs/report.md).
    std::vector<double> targets = {0.2, 0.9, 1.0};
    /// "zh", "en", or "" (Chinese for a scene in China, else English).
    std::string lang;
    std::size_t new_cameras = 20; ///< proposed next cameras (greedy placement)
    std::size_t top = 10;         ///< rows in "worst" / "largest" tables
    double map_width_px = 760.0;
    ProgressFn progress; ///< fraction done and the current section
};

struct ReportSection {
    std::string id, title;
    double seconds = 0.0;
};

/// One zone (or the city, `zone` empty) against the 1/5/30-minute standard: by car from the
/// zone's own kiosk (the patrol zones' travel times).
struct StandardRow {
    std::string zone, kiosk_name;
    std::size_t incidents = 0;          ///< in the zone's polygon (else on its road)
    std::size_t unreached = 0;          ///< of those, with no road a kiosk reaches within 300 m
    double road_km = 0;                 ///< drivable, inside the boundary
    std::vector<double> incident_share; ///< per threshold (0 when no incidents)
    std::vector<double> road_share;     ///< per threshold
    std::vector<bool> pass; ///< per threshold: the share (incidents, else road) >= target
    double mean_time_s = 0, p95_time_s = 0, worst_time_s = 0;
    bool passes() const;
};

/// The figures of the executive summary (also `lugeo report --json`).
struct ReportSummary {
    std::string lang; ///< the report's language
    std::vector<double> minutes, targets;
    bool by_incidents = true; ///< pass/fail on incidents (false: on road, no incidents)
    StandardRow city;
    std::vector<StandardRow> zones;
    /// Incidents in a zone with no road a kiosk reaches within 300 m (counted as not reached
    /// within any threshold: no kiosk move brings them in; the road data there needs a look).
    std::size_t incidents_unreached = 0;
    /// The drivable road, and the part of it no kiosk reaches at all (in no zone, so in no
    /// zone's share: parts of the network no kiosk's roads join, e.g. cut off at the edge of
    /// an extract); 0 without zones.
    double drivable_km = 0, unreached_km = 0;
    double camera_covered_share = -1;      ///< road seen by a camera; -1 without cameras
    std::size_t confusable_pairs = 0;      ///< confusable plate pairs (registry checks)
    std::size_t confusable_road_pairs = 0; ///< pairs of roads they join (each pair once)
    std::size_t registry_errors = 0;
    std::vector<std::string> findings; ///< the three most important, each with what to do
};

/// The figures the analyses' sections show, as their commands present them (zone_summary,
/// coverage_summary, site_summary); absent when the scene lacks what the section needs.
struct ReportFigures {
    std::optional<ZoneSummary> zones;
    std::optional<CoverageSummary> coverage;
    std::optional<SiteSummary> next_kiosks;
};

struct ReportResult {
    std::string html_path;
    std::string gpkg_path;
    std::vector<ReportSection> sections;
    std::vector<std::string> gpkg_layers;
    std::size_t html_bytes = 0;
    ReportSummary summary;
    ReportFigures figures;
    double seconds = 0.0;
};

/// Runs the analyses on the scene's data (read_scene_data with every role, plates with
/// keep_invalid_plates so that bad rows are findings of the registry checks) and writes the
/// report. The scene table shows each layer as read (LayerReport: after `where` and
/// validation). Throws Error for bad input (as each module does); a scene without units,
/// cameras or plates gets the sections it can have, and says which are missing.
ReportResult write_report(const SceneData &data, const ReportOptions &options = {});

} // namespace lugeo
