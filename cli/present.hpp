// The JSON answers of the alarm questions — locate, nearest, incident, seal and the isochrone
// GeoJSON — one presenter each, called by the command's --json and by `lugeo serve` alike, so
// both speak one contract (docs/json.md). A presenter builds the body; the envelope
// (lugeo_version, schema, command) is added where the document is printed or sent.
#pragma once

#include "positions.hpp"

#include <lugeo/incident.hpp>
#include <lugeo/isochrone.hpp>
#include <lugeo/registry.hpp>
#include <lugeo/seal.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace lugeo::cli {

/// What `lugeo locate --json` prints for one ID; `reach_m` is the LocateOptions::reach_m the
/// result's dispatch answer was computed with.
nlohmann::json locate_json(const std::string &input, const LocateResult &r,
                           const Registry &registry, const std::string &crs,
                           const MetricFrame &frame, const JunctionIndex *junctions,
                           const std::optional<CallerPosition> &near, const PositionArgs &pos,
                           double reach_m);

/// What `lugeo nearest --json` prints: the position, the plates nearest it and, for a scene
/// without plates, the nearest junction.
nlohmann::json nearest_json(const ParsedPosition &at, const std::vector<NearbyPlate> &near,
                            const Registry &registry, const std::string &crs, bool has_plates,
                            const std::optional<Junction> &junction, const MetricFrame &frame,
                            const PositionArgs &pos);

/// The question `lugeo incident` answers: a point, from a plate or a position.
struct IncidentQuestion {
    XY point;
    LonLat lonlat;
    const Plate *plate = nullptr;       ///< the plate asked for (null: a position)
    const ParsedPosition *at = nullptr; ///< the position as given (null: a plate)
};
/// What `lugeo incident --json` prints. `units` is the vector the result's unit indices refer
/// to (the context's, or the live units of `lugeo serve`).
nlohmann::json incident_json(const IncidentQuestion &q, const IncidentResult &res,
                             const IncidentContext &ctx, const std::vector<Unit> &units,
                             Profile profile, const std::string &crs, const MetricFrame &frame,
                             const PositionArgs &pos);

/// The seal-off question's settings: the scene's [seal], then what was asked.
struct SealRequest {
    std::string suspect; ///< a profile of [seal.suspects] ("" = the scene's default)
    std::optional<double> head_start_min, within_min, margin_s, turnout_min;
    std::optional<int> blocks_per_unit;
    bool no_head_start_search = false;
};
struct SealSetup {
    SealOptions options;
    SealUnitOptions units;
    std::string suspect_name;
};
/// Throws Error(invalid_argument) naming `suspect_option` for an unknown suspect profile.
SealSetup seal_setup(const SealSettings &settings, const UnitSettings &units,
                     const SealRequest &request, const std::string &suspect_option = "--suspect");

/// What `lugeo seal --json` prints for one incident. `outside` is "boundary" or "exits";
/// `seconds` the context and plan times (left out of the contract's comparison).
nlohmann::json seal_json(const SealContext &ctx, const SealPlan &plan, const SealSetup &setup,
                         XY point, const std::string &plate_id, const std::string &crs,
                         const MetricFrame &frame, const std::string &outside, double context_s,
                         double plan_s);

/// The isochrones of one question as a GeoJSON FeatureCollection in WGS84: one feature per
/// threshold (the union over the sources, largest last), with properties minutes, profile,
/// area_m2, road_km, key_sites, cameras; `sources` (foreign member) the snapped sources.
/// What `lugeo isochrones --geojson` prints and `GET /isochrone` answers.
nlohmann::json isochrone_geojson(const IsochroneResult &r, const std::vector<XY> &sources,
                                 const MetricFrame &frame);

/// The document `lugeo serve` sends: the contract's envelope around a presenter's body
/// (lugeo::json_contract::document; the CLI's print_json makes the same).
nlohmann::json json_document(const std::string &command, nlohmann::json body);
/// An error document: the envelope and {"error": {"code", "message", "parameter"}}.
nlohmann::json json_error(const std::string &command, const std::string &code,
                          const std::string &message, const std::string &parameter = {});

} // namespace lugeo::cli
