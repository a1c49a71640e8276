// Reading OSM files with libosmium: road ways (with closed `highway=*` ways tagged `area=yes`
// and highway multipolygons routed along their outline), and the point and polygon features a
// scene is made of (lamps, poles, cameras, key sites, police, buildings, administrative
// boundaries). Positions are WGS84 lon/lat (x = lon, y = lat); the layers module transforms
// them. libosmium stays private to this folder: nothing public includes it.
#pragma once

#include <lugeo/geometry.hpp>
#include <lugeo/io.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lugeo::osm {

/// The tags of a road way that the roads layer reads.
struct RoadTags {
    std::string highway, name, oneway, maxspeed, junction, area, layer, bridge, tunnel;
};

/// A `highway=*` way (or the outer ring of a highway multipolygon) in lon/lat.
struct RoadWay {
    std::int64_t id = 0; ///< OSM way id (relation id for a multipolygon ring)
    bool from_relation = false;
    bool is_area = false; ///< a closed way tagged area=yes, or a multipolygon's ring
    RoadTags tags;
    LineString line; ///< lon/lat, the nodes found in the file, in order
};

/// A tagged OSM feature (node, way or multipolygon) of one of the kinds scene init uses.
struct Feature {
    char type = 'n'; ///< 'n' node, 'w' way, 'r' relation
    std::int64_t id = 0;
    Geometry geometry; ///< lon/lat: a point (nodes), a polygon (closed ways, areas)
    std::vector<std::pair<std::string, std::string>> tags;
    /// The value of a tag ("" when absent).
    std::string tag(const std::string &key) const;
    std::string osm_id() const; ///< "n123", "w45", "r6"
};

/// What to read besides roads.
struct ReadWhat {
    bool roads = true;
    bool features = false; ///< lamps, poles, cameras, key sites, police (points of any element)
    bool buildings = false;
    bool boundaries = false; ///< boundary=administrative polygons with admin_level
    /// A file that is not PBF and at most this large (an eighth of it when compressed) is
    /// read once, into memory (its objects take about its size); others are read twice, the
    /// relations first. (0: always twice.)
    std::uintmax_t read_once_max_bytes = std::uintmax_t{256} << 20;
};

struct Extract {
    std::vector<RoadWay> roads;
    std::size_t road_ways_cut = 0; ///< ways with nodes missing from the file (kept with the rest)
    std::size_t road_ways_dropped = 0; ///< fewer than 2 nodes in the file
    std::size_t other_lines = 0; ///< tagged ways that are not highways (rivers, walls …) that
                                 ///< GDAL's `lines` layer would have: counted, not kept
    std::vector<Feature> lamps, poles, cameras, key_sites, police, buildings, boundaries;
    Box lonlat_box; ///< of the road vertices
    double seconds = 0.0;
};

/// Reads `path` (.osm, .osm.pbf, .pbf, .osm.gz, .osm.bz2, .osm.xml): one pass for multipolygon
/// relations, one for nodes and ways (PBF blocks decoded on several threads, node locations
/// in libosmium's FlexMem index). Throws Error(io) naming the file when it cannot be read.
Extract read(const std::string &path, const ReadWhat &what, const ProgressFn &progress = {});

/// The key-site kind of a feature's tags ("school", "hospital", "bank", "police", "station",
/// "fuel", "hazardous"), or "" when it is none.
std::string key_site_kind(const Feature &f);

/// OSM `camera:direction` / `direction`: degrees, or a compass point (N, NNE, NE, … NNW).
/// Returns the heading in [0, 360), or nothing for other forms ("0;180", "forward").
std::optional<double> parse_direction(const std::string &value);

} // namespace lugeo::osm
