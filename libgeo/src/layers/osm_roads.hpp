// The OSM part of read_roads, behind one function so that the reader of OSM files can change
// (GDAL's OSM driver today) without touching the rest of the roads layer.
#pragma once

#include "layers/reading.hpp"

#include <lugeo/layers.hpp>

#include <string>

namespace lugeo::detail {

/// True for an OSM file by its name: .osm, .osm.pbf / .pbf, .osm.gz, .osm.bz2, .osm.xml.
bool is_osm_source(const std::string &source);

/// Counts that reading ways from features keeps (for NetworkBuildReport).
struct WayCounters {
    std::size_t features = 0;   ///< features read
    std::size_t degenerate = 0; ///< no line or polygon
    std::size_t areas = 0;      ///< area highways routed along their outline
    std::size_t bad_layer = 0;  ///< layer values that are not whole numbers (ignored)
    std::size_t no_class = 0;   ///< read but not passed on: no road class (OSM lines that are
                                ///< not highways, which libosmium does not keep)
};

/// Ways from a table read with the roads fields (class, name, oneway, maxspeed, junction,
/// area, layer, bridge, tunnel): one per line part; polygons (area highways) become their
/// outer rings as closed ways.
void append_ways(const FeatureTable &table, std::vector<RoadInput> &ways, WayCounters &counts);

/// What read_layer is asked for on a roads layer.
ReadOptions road_read_options();

/// The road ways of an OSM file: every `highway=*` way, closed ways tagged area=yes
/// (pedestrian squares, some service areas) and the outer rings of highway multipolygons as
/// closed ways, which pgRouting and OSMnx route along. Read with libosmium when the spec
/// takes the layer as it is; through GDAL (read_osm_roads_gdal) when it has a `where` filter,
/// another layer, CRS or field map, or when the environment sets LUGEO_OSM_READER=gdal.
Roads read_osm_roads(LayerReading &reading, WayCounters &counts);
/// GDAL's `lines` layer, plus the outer ring of each highway in its `multipolygons` layer.
/// `class` is OSM's `highway` unless mapped.
Roads read_osm_roads_gdal(LayerReading &reading, WayCounters &counts);

} // namespace lugeo::detail
