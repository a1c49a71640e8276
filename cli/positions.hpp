// Positions on the command line: one way for every command that takes a position (nearest,
// incident LON,LAT, isochrones --from, locate --near) to read it — LON,LAT[,RADIUS] or a geo:
// URI, in WGS84, CGCS2000, GCJ-02 or BD-09 (--near-crs) — to refuse one far outside the scene
// (0,0 from a handset without a fix), and to print positions in the system asked for
// (--show-crs). The library side is lugeo/position.hpp (docs/positions.md).
#pragma once

#include <lugeo/geometry.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/position.hpp>
#include <lugeo/scene.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace lugeo::cli {

/// --near-crs, --show-crs, --max-outside.
struct PositionArgs {
    std::string near_crs;   ///< the system positions are given in ("" = WGS84, or a geo: URI's)
    std::string output_crs; ///< the system positions are printed in ("" = WGS84)
    double max_outside_km = default_max_distance_from_extent_m / 1000.0;
};

/// Adds --near-crs, --show-crs and --max-outside to a command that takes a position.
void add_position_options(CLI::App &cmd, PositionArgs &args);

/// Parses a position argument (LON,LAT, LON,LAT,RADIUS when `allow_radius`, or a geo: URI) in
/// --near-crs. Throws Error(invalid_argument) that names `option` (exit 3).
ParsedPosition parse_position_arg(const std::string &text, const PositionArgs &args,
                                  const std::string &option, bool allow_radius);

/// True when the text is a position rather than an ID: "number,number[,…]" or "geo:…".
bool looks_like_position(const std::string &text);

/// The WGS84 extent of what was read of the scene (every layer's extent), else the extent
/// the roads layer declares; an invalid box when neither is known.
Box scene_lonlat_extent(const Scene &scene, const SceneData &data);

/// Refuses (Error(invalid_argument), exit 3) a position more than --max-outside from the
/// scene's extent, naming `option`, the distance and the likely cause ((0, 0), LAT,LON).
void require_in_scene(const ParsedPosition &p, const Box &lonlat_extent, const PositionArgs &args,
                      const std::string &option);

/// The output system (--show-crs; WGS84 when not given).
PositionCrs output_crs(const PositionArgs &args);
/// A WGS84 position in the output system.
LonLat output_position(LonLat wgs84, const PositionArgs &args);
/// The position as given, as JSON: {"given": {"lon", "lat", "crs"}, "wgs84": {"lon", "lat"},
/// "radius_m" when given, "geo_uri": true when given as one}.
nlohmann::json given_position_json(const ParsedPosition &p);
/// The JSON outputs state the CRS of their positions: every "lon"/"lat" stays WGS84 (one
/// schema for machines) and j["position_crs"] = "wgs84"; with --show-crs, each object with
/// "lon"/"lat" also gets "display": {"crs", "lon", "lat"} in that system (objects under
/// "wgs84", "given" or "display" are left as they are) and j["output_crs"] names it.
void output_positions(nlohmann::json &j, const PositionArgs &args);

} // namespace lugeo::cli
