// Shared pieces of the plate commands (locate, nearest, poles, incident): loading the
// registry, parsing LON,LAT[,RADIUS], plates as JSON and text.
#pragma once

#include "common.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/incident.hpp>
#include <lugeo/registry.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lugeo::cli {

/// "LON,LAT" or "LON,LAT,RADIUS_M". Throws Error(invalid_argument) naming the option for
/// anything else: not numbers, lon outside [-180, 180], lat outside [-90, 90], radius <= 0.
struct LonLatArg {
    LonLat lonlat;
    std::optional<double> radius_m;
};
LonLatArg parse_lonlat_arg(const std::string &text, const std::string &option, bool allow_radius);
/// True when the text looks like "number,number[,…]" (to tell a position from a plate ID).
bool looks_like_lonlat(const std::string &text);

/// The registry of a scene, its WGS84 frame, and (optionally) the network's junctions.
struct PlateWorld {
    Scene scene;
    SceneData data; ///< the other layers asked for (the plates moved into the registry)
    Registry registry;
    MetricFrame frame;
    std::optional<Network> network;
    std::optional<JunctionIndex> junctions;
    bool has_plates = true; ///< the scene declares a plate layer
};
/// Reads the scene's plates and the `other` roles; the network too unless `with_network` is
/// false. Plate rows that fail validation are left out with a warning on stderr (SceneArgs::
/// strict: an error). `require_plates`: a scene without a plate layer is an error; else the
/// registry is empty.
PlateWorld load_plate_world(const SceneArgs &args, bool with_network,
                            const std::vector<LayerRole> &other = {}, bool require_plates = true);
/// --strict (SceneArgs::strict).
void add_strict_option(CLI::App &cmd, SceneArgs &args);

/// 16-point compass name of a bearing ("NNE").
const char *compass(double bearing_deg);

/// A plate as JSON: id, kind, road, status, installed, lon, lat, x, y, crs.
nlohmann::json plate_json(const Plate &p, const std::string &crs);
/// A junction as JSON (null when none).
nlohmann::json junction_json(const std::optional<Junction> &j, const MetricFrame &frame);
/// "驷马桥路 × 昭觉寺南路": the roads meeting at the junction, `own_road` first when it is one.
std::string cross_streets(const Junction &j, const std::string &own_road);
/// LocateOptions::distance_to_cross measured on the network's roads named `name` (the shortest
/// distance to any of their edges); empty (the registry then uses its plates' roads) when no
/// network is given or none of its roads bears that name.
std::function<double(XY, const std::string &)> road_distance(const Network *net,
                                                             const std::string &name);

} // namespace lugeo::cli
