// lugeo: scene init — a scene for a new city from an OSM extract (or a road layer).
//
//   SceneInitOptions o;
//   o.sources = {"malta.osm.pbf"};
//   o.dir = "malta";
//   const SceneInitResult r = init_scene(o);   // malta/scene.toml + malta/layers.gpkg
//
// The roads stay in the source (the scene's roads layer points at it); the other layers are
// drawn from the extract into one GeoPackage: buildings, key sites, street lamps and power
// poles with their `ref`, cameras (man_made=surveillance), a study boundary (the smallest
// administrative polygon covering the roads, else the roads' convex hull) and units (police
// stations from amenity=police, else placeholder kiosks spread over the drivable network by
// farthest-first k-center, marked synthetic). The metric CRS is choose_metric_crs's
// (crs.hpp). docs/new-city.md walks through it.
#pragma once

#include <lugeo/io.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace lugeo {

struct SceneInitOptions {
    /// OSM extracts (.osm, .osm.pbf, .osm.gz, .osm.bz2) and at most one other road layer
    /// ("FILE[:LAYER]"): a road layer given beside an extract is the scene's roads.
    std::vector<std::string> sources;
    std::string dir;        ///< where scene.toml and layers.gpkg are written (created)
    bool overwrite = false; ///< replace an existing scene.toml (else an Error)
    int kiosks = 0;         ///< placeholder kiosks when there is no police; 0: chosen by size
    /// Steps for a person ("reading OSM", "choosing placeholder kiosks" …).
    std::function<void(const std::string &)> log;
    ProgressFn progress; ///< reading the extract
};

/// One layer written (or left out) and why.
struct SceneInitLayer {
    std::string role;     ///< "roads", "units", …
    std::size_t features = 0;
    std::string source;   ///< as written in scene.toml ("layers.gpkg (layer units)")
    bool declared = true; ///< false: written to the GeoPackage but commented out in scene.toml
    bool synthetic = false;
    std::string note; ///< why left out, what was assumed
};

struct SceneInitResult {
    std::string scene_path, gpkg_path;
    std::string crs, crs_reason; ///< choose_metric_crs
    std::string boundary_from;   ///< "administrative boundary 'Malta' (admin_level 2, r365307)" …
    std::string units_from;      ///< "amenity=police" or "placeholder kiosks (k-center)"
    std::size_t units = 0;
    double road_km = 0;      ///< of the network built from the roads
    double car_km = 0;       ///< car-usable, largest component
    double worst_response_s = 0; ///< the k-center objective: longest car time to the nearest unit
    std::vector<SceneInitLayer> layers;
    std::vector<std::string> notes;
    double seconds = 0;
};

/// Writes the scene. Throws Error(invalid_argument) when `dir`/scene.toml exists and
/// `overwrite` is false, Error(io …) for a source that cannot be read.
SceneInitResult init_scene(const SceneInitOptions &options);

} // namespace lugeo
