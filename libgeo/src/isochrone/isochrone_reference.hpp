// Private: the GEOS reference for the figures of an isochrone polygon, kept for the tests
// (the library reads the figures of raster polygons from their band grid).
#pragma once

#include <lugeo/isochrone.hpp>

#include <vector>

namespace lugeo::isochrone_detail {

/// Sets poly's key_sites, cameras, recall and unreachable_inside_m by exact GEOS
/// predicates and intersections with poly.polygon: points by prepared covers, the reached
/// length inside by intersecting every reached piece, the unreachable length inside by
/// intersecting every stretch of road usable by poly.profile that `reached` (disjoint
/// pieces) does not cover. road_length_m: the length of `reached`.
void polygon_figures_geos(const Network &net, IsochronePolygon &poly,
                          const std::vector<EdgePiece> &reached, const IsochronePoints &points);

} // namespace lugeo::isochrone_detail
