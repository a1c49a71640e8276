// lugeo: the scene — one city's layers and settings, described by a TOML file.
//
//   [scene]
//   name = "…"
//   crs = "EPSG:4543"            # the metric CRS all work happens in
//   [layers.roads]
//   source = "roads.gpkg"        # relative to the TOML file
//   layer = "lines"
//   crs = "EPSG:4326"            # optional override of the source's CRS
//   [layers.roads.fields]
//   class = "highway"            # lugeo field = source field
//   [profiles.car.speeds]
//   primary = 35                 # km/h
//
// See docs/scene.md for every key.
#pragma once

#include <lugeo/io.hpp>
#include <lugeo/network.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lugeo {

/// The layer roles a scene may declare.
const std::vector<std::string> &scene_layer_roles();

struct Scene {
    std::string path; ///< the TOML file ("" for a scene made from --roads)
    std::string name;
    std::string crs; ///< the metric CRS (empty only before resolve)
    std::string attribution;
    std::map<std::string, LayerSpec> layers; ///< by role
    NetworkOptions network;                  ///< profiles (speeds, one-way rules) from [profiles.*]
    /// Every other key, flattened ("isochrones.minutes" -> "1,5,30"); arrays comma-joined.
    std::map<std::string, std::string> settings;

    bool has_layer(const std::string &role) const { return layers.count(role) != 0; }
    /// Throws Error(invalid_config) naming the scene file when the layer is not declared.
    const LayerSpec &layer(const std::string &role) const;
    std::optional<std::string> setting(const std::string &dotted_key) const;
};

/// Reads and checks a scene file: every source exists (files) and every CRS is known.
/// Throws Error(io | invalid_config | crs) naming the file and the key.
Scene load_scene(const std::string &path);

/// The bundled demo scene: $LUGEO_DEMO_SCENE, else data/demo/scene.toml next to the
/// sources (build tree), else the installed copy. Throws Error(io) when none is found.
std::string default_scene_path();

/// A scene with only a roads layer, from "FILE[:LAYER]" (for `--roads`). `crs_override`
/// sets the source CRS; the metric CRS is the UTM zone of the data unless `metric_crs` is set.
Scene scene_from_roads(const std::string &roads_arg, const std::string &crs_override = {},
                       const std::string &metric_crs = {});

} // namespace lugeo
