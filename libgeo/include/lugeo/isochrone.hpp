// lugeo: isochrones — what the road network reaches within 1, 5, 30 minutes of one or
// many sources, as exact edge pieces and as polygons.
//
// Method (docs/isochrones.md): one multi-source search per threshold (routing.hpp) gives
// the reached edge pieces cut exactly at the threshold; the polygon is the union of those
// pieces buffered by the trim distance, with holes smaller than an area threshold filled.
// It is never a convex hull: a river, a walled compound or a hill the network does not
// enter stays outside.
//
// Two constructions of that polygon (PolygonMethod):
//  - raster (default): grid cells of `cell_m` whose centre lies within the trim distance of
//    a reached piece, traced into polygons (marching squares). Equal to the exact buffer
//    union up to polygon_tolerance_m() = 0.7906 × cell_m (4 m for 5 m cells); nested
//    thresholds come from one grid, so nesting is exact; ~20× faster than the buffer. The
//    bands and each polygon's figures (points and road length inside) are read from the
//    same grid.
//  - buffer: GEOS buffers of merged chains and a cascaded union — the reference, slow.
//
// Thresholds may use different profiles (say 1 minute by e-bike, 5 and 30 by car). The
// result for threshold k is cumulative: a piece reached within an earlier, shorter
// threshold is also reached within k, so polygons nest (1 ⊆ 5 ⊆ 30) by construction.
#pragma once

#include <lugeo/error.hpp>
#include <lugeo/geometry.hpp>
#include <lugeo/network.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/settings.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lugeo {

/// How polygons are built from reached pieces (see the header comment).
enum class PolygonMethod : std::uint8_t { raster, buffer };

/// Options of the polygon of a set of reached pieces.
struct PolygonOptions {
    double trim_m = 50.0;               ///< buffer distance around reached pieces
    double fill_holes_below_m2 = 20000; ///< holes smaller than this are filled; 0: keep all
    PolygonMethod method = PolygonMethod::raster;
    double cell_m = 5.0;       ///< raster: cell size, (0, trim_m / 2]
    int quadrant_segments = 4; ///< buffer: arc resolution (segments per quarter circle)
};

/// How far the polygon's boundary may lie from the exact buffer's (metres): 0.7906 × cell_m
/// for the raster method (a point inside is within trim + this of a reached piece, a point
/// outside farther than trim − this); for the buffer method the chord error of its arcs,
/// trim_m × (1 − cos(π / (4 × quadrant_segments))), inward only.
double polygon_tolerance_m(const PolygonOptions &options);

struct IsochroneOptions {
    std::vector<double> minutes = {1, 5, 30}; ///< thresholds, increasing, > 0
    /// Profile per threshold; empty: `profile` for all; one entry: for all.
    std::vector<Profile> profiles;
    Profile profile = Profile::car;
    Direction direction = Direction::outbound;
    double trim_m = 50.0;               ///< buffer distance around reached pieces
    double fill_holes_below_m2 = 20000; ///< holes smaller than this (2 ha) are filled; 0: keep all
    PolygonMethod method = PolygonMethod::raster; ///< polygon construction
    double cell_m = 5.0;                          ///< raster cell size, (0, trim_m / 2]
    int quadrant_segments = 4;                    ///< buffer method: segments per quarter circle
    double max_snap_m = 500.0; ///< a source farther from every usable edge: Error(off_network)
    /// Optional, one per source: where it was read from (LayerPoint::origin), for that error.
    std::vector<ErrorContext> source_origins;
    bool per_source = true;     ///< also one polygon per source and threshold
    bool concave_hull = false;  ///< also a concave-hull display variant per union
    double concave_ratio = 0.2; ///< GEOS concave hull length ratio (0: tightest, 1: convex)
    double beyond_minutes = 5;  ///< list the road pieces not reached within this threshold
    /// The city-wide standard and the road beyond (IsochroneResult::standard, ::beyond);
    /// false: the polygons and their own figures only (what a map needs; faster).
    bool city_figures = true;
    /// Each polygon's recall and unreachable_inside_m (the road sampled every half cell along
    /// every edge in the grid: the raster method's dearest figure after the tracing); false:
    /// both NaN with the raster method, not computed (a map that does not show them:
    /// `lugeo serve`).
    bool polygon_checks = true;
    PolygonOptions polygon_options() const {
        return {trim_m, fill_holes_below_m2, method, cell_m, quadrant_segments};
    }
};

/// Points counted inside each polygon and within each threshold (metric XY, scene CRS).
struct IsochronePoints {
    std::vector<XY> key_sites;
    std::vector<XY> cameras;
    std::vector<XY> incidents;
    double max_snap_m = 300.0; ///< a point is timed at its snap onto the network within this
};

/// A reached piece of an edge within a threshold (cumulative over thresholds), with the time
/// by that threshold's profile.
struct IsochronePiece : EdgePiece {
    std::size_t threshold = 0; ///< index into minutes: the first threshold that reaches it
    Profile profile = Profile::car;
};

struct IsochronePolygon {
    long source = -1; ///< index of the source; -1 for the union over all sources
    std::size_t threshold = 0;
    double minutes = 0;
    Profile profile = Profile::car;
    MultiPolygon polygon;
    double area_m2 = 0;
    double road_length_m = 0;  ///< reached road length (the pieces the polygon is made from)
    std::size_t key_sites = 0; ///< inside the polygon
    std::size_t cameras = 0;
    /// Reached road length inside the polygon / reached road length (raster: road length
    /// measured in steps of at most half a cell, each inside or not as its midpoint).
    double recall = 1;
    double unreachable_inside_m = 0; ///< road length inside the polygon not reached (precision)
};

/// One threshold of the city-wide standard (for the union over all sources).
struct StandardFigure {
    double minutes = 0;
    Profile profile = Profile::car;
    double road_km = 0, reached_km = 0; ///< roads the profile may use, and the part reached
    std::size_t key_sites = 0, key_sites_within = 0;
    std::size_t incidents = 0, incidents_within = 0;
    double road_share() const { return road_km > 0 ? reached_km / road_km : 0; }
    /// The key sites (incidents) within the threshold over all of them; 0 when there are none.
    double key_site_share() const {
        return key_sites ? double(key_sites_within) / double(key_sites) : 0;
    }
    double incident_share() const {
        return incidents ? double(incidents_within) / double(incidents) : 0;
    }
};

/// A stretch of road not reached within `beyond_minutes`.
struct BeyondPiece : EdgeSpan {
    double time_s = 0; ///< least time to reach it by the last threshold's search (inf: never)
};

struct IsochroneResult {
    std::vector<double> minutes;
    std::vector<Profile> profiles;
    std::vector<Network::Snap> sources;       ///< snaps by the first threshold's profile
    std::vector<IsochronePiece> pieces;       ///< union over sources, each piece once
    std::vector<IsochronePolygon> unions;     ///< one per threshold (nested)
    std::vector<IsochronePolygon> per_source; ///< source-major, then threshold
    /// 0–t1, t1–t2, …: union_k minus union_{k-1}. Raster: traced from the band grid (the
    /// cells first reached at threshold k), tiling each union exactly; buffer: GEOS
    /// differences.
    std::vector<MultiPolygon> bands;
    std::vector<MultiPolygon> concave;    ///< per threshold, when asked
    std::vector<StandardFigure> standard; ///< per threshold
    std::vector<BeyondPiece> beyond;      ///< longest first
    /// Wall times: the searches; the polygons (raster: with each polygon's figures, read
    /// from its band grid); the rest (buffer: the polygons' figures by GEOS; the standard
    /// and the road beyond).
    double search_seconds = 0, polygon_seconds = 0, stats_seconds = 0;

    /// Band k's figures (the CLI's bands layer and the report's): reached within
    /// (band_from_min(k), minutes[k]] minutes, band_area_km2(k) km².
    double band_from_min(std::size_t k) const { return k ? minutes[k - 1] : 0.0; }
    double band_area_km2(std::size_t k) const;
    /// The road not reached within `beyond_minutes`, km (all of `beyond`).
    double beyond_km() const;
};

/// Isochrones from sources (metric XY; snapped onto the nearest usable edge of each
/// profile's largest component). Throws Error(invalid_argument) for bad thresholds and
/// Error(off_network) naming the source when it lies beyond `max_snap_m`.
IsochroneResult compute_isochrones(const Network &net, const std::vector<XY> &sources,
                                   const IsochroneOptions &options = {},
                                   const IsochronePoints &points = {});

/// The polygon of a set of reached pieces: their union buffered by trim_m, holes below
/// fill_holes_below_m2 filled, by the chosen method. Throws Error(invalid_argument) for a
/// trim <= 0 or a cell size outside (0, trim / 2].
MultiPolygon pieces_to_polygon(const Network &net, const std::vector<EdgePiece> &pieces,
                               const PolygonOptions &options = {});

} // namespace lugeo

namespace lugeo {
/// The scene's `[isochrones]` settings (minutes, profiles, trim_m) over the defaults:
/// 1, 5, 30 minutes by e-bike, car, car (the city's "1 minute to handle, 5 to seal off,
/// 30 for the whole city"); other minutes without profiles: car.
IsochroneOptions isochrone_options(const IsochroneSettings &settings);
} // namespace lugeo
