// lugeo: work limits. Values beyond these are refused before any work starts, with a message
// naming a value that would work (docs/reliability.md lists them with the reasons).
#pragma once

#include <cstddef>

namespace lugeo::limits {

/// Camera range (scene cameras, new cameras of a plan), metres. A camera's view and the road
/// it covers grow with the square of the range; 2 km is beyond any DORI detection range of a
/// street camera.
inline constexpr double max_camera_range_m = 2000.0;
/// Evenly spaced candidate headings per mounting point of a plan (one per degree).
inline constexpr int max_headings = 360;
/// New cameras of one plan.
inline constexpr long long max_new_cameras = 100000;
/// Isochrone buffer (trim) around the reached road, metres.
inline constexpr double max_trim_m = 2000.0;
/// Raster cell size of isochrone and zone polygons, metres (lower bound: the grid's size).
inline constexpr double max_cell_m = 1000.0;
/// Cells of one raster grid (one byte each, plus as much again of scratch memory).
inline constexpr double max_raster_cells = 150e6;
/// Snapping distance of a source or a plate to the road, metres.
inline constexpr double max_snap_m = 50000.0;
/// Search radius and distances of the plate commands, metres.
inline constexpr double max_distance_m = 100000.0;
/// Isochrone thresholds and search limits, minutes.
inline constexpr double max_minutes = 24 * 60.0;

} // namespace lugeo::limits
