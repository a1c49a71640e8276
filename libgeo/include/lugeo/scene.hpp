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
// See docs/scene.md for every key. A Scene says where the layers are; read_scene_data (below)
// reads them through the layers module (layers.hpp), the one door to the analyses.
#pragma once

#include <lugeo/io.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/settings.hpp>

#include <map>
#include <string>
#include <vector>

namespace lugeo {

struct Scene {
    std::string path; ///< the TOML file ("" for a scene made from roads alone)
    std::string name;
    /// The metric CRS. Empty only for a scene made from roads without one: read_scene_data
    /// settles it from the roads (SceneData::crs).
    std::string crs;
    std::string attribution;
    std::map<LayerRole, LayerSpec> layers;
    SceneSettings settings; ///< every settings table, validated

    bool has_layer(LayerRole role) const { return layers.count(role) != 0; }
    /// Throws Error(invalid_config) naming the scene file when the layer is not declared.
    const LayerSpec &layer(LayerRole role) const;
};

/// Reads and checks a scene file: every source exists (files), every CRS is known, every
/// table, key and mapped field is known (an unknown one is an Error naming the file, line and
/// key and listing the known ones). Throws Error(io | invalid_config | crs).
Scene load_scene(const std::string &path);

/// The bundled demo scene: $LUGEO_DEMO_SCENE, else data/demo/scene.toml next to the
/// sources (build tree), else the installed copy. Throws Error(io) when none is found.
std::string default_scene_path();

/// A scene with only a roads layer, from "FILE[:LAYER]". `roads_crs` sets the source CRS
/// (parameter "layers.roads.crs"); `metric_crs` the scene's (parameter "scene.crs"); empty:
/// chosen from the roads when they are read (choose_metric_crs, crs.hpp, over their extent).
Scene scene_from_roads(const std::string &roads, const std::string &roads_crs = {},
                       const std::string &metric_crs = {});

struct SceneReadOptions {
    bool lenient = false;             ///< LayerReadContext::lenient
    bool keep_invalid_plates = false; ///< LayerReadContext::keep_invalid_plates
    const PlateScheme *plate_scheme = nullptr;
    ProgressFn progress; ///< reading the roads
};

/// The context for reading one layer of the scene with a per-layer reader (layers.hpp); the
/// metric CRS is the scene's (`metric_crs` when given: SceneData::crs of a scene made from
/// roads).
LayerReadContext layer_read_context(const Scene &scene, const SceneReadOptions &options = {},
                                    const std::string &metric_crs = {});

/// Reads the asked-for roles that the scene declares (roads first: a scene made from roads
/// without a metric CRS gets the one chosen for them), then cross-checks them: a layer whose
/// extent does not overlap the roads' is an Error naming both extents and the likely cause;
/// a plate ID used by both poles and lamps is an Error naming both features. Roles the scene
/// does not declare are left empty (SceneData::has says which were read). With the metric
/// CRS known, the other layers are read on a second thread while the roads are read; the
/// result and the error thrown (the roads', else the first layer's in role order) are the
/// same as one layer at a time. `options.progress` is called on the calling thread only.
SceneData read_scene_data(const Scene &scene, const std::vector<LayerRole> &roles,
                          const SceneReadOptions &options = {});
/// Every role the scene declares.
SceneData read_scene_data(const Scene &scene, const SceneReadOptions &options = {});

} // namespace lugeo
