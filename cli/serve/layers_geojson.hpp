// lugeo serve: the scene's map layers as GeoJSON in WGS84 for the dispatcher page — roads
// (name, class), buildings, zones, grid cells, cameras (heading, hfov, range), plates, the study
// boundary and the units (live). Each static layer is made once per scene and kept as feature
// texts with their boxes, so a bbox request only picks and joins.
#pragma once

#include "request.hpp"

#include <lugeo/dispatch.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace lugeo::cli {

struct LayerNotFound : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// One feature's GeoJSON text, its WGS84 box and its class (roads; "" otherwise).
struct LayerFeature {
    Box box;
    std::string json;
    std::string cls;
};

/// The static layers of the current scene, made on first request. Thread-safe.
class LayerCache {
public:
    using Features = std::vector<LayerFeature>;
    /// The layer's features (throws LayerNotFound for a name the scene does not have).
    std::shared_ptr<const Features> get(const DispatchScene &scene,
                                        const std::shared_ptr<const DispatchScene> &owner,
                                        const std::string &name);

private:
    std::mutex m_mutex;
    std::shared_ptr<const DispatchScene> m_scene;
    std::map<std::string, std::shared_ptr<const Features>> m_layers;
};

/// GET /layers: the layers of the scene with their geometry type and feature count.
nlohmann::json layer_list(const Dispatch::View &view);

/// GET /layers/{name}.geojson: a FeatureCollection (with the contract's envelope members) of the
/// features the request keeps (its bbox and classes, checked by layer_request). Throws
/// LayerNotFound for an unknown layer.
std::string layer_geojson(LayerCache &cache, const Dispatch::View &view, const std::string &name,
                          const LayerRequest &request);

} // namespace lugeo::cli
