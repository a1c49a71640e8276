// lugeo: patrol zones — a network Voronoi of the road network from a set of kiosks.
//
// Every drivable edge piece goes to the kiosk that reaches it fastest (outbound, from the
// kiosk to the place), found by one multi-source search of the routing core; an edge is
// split where two kiosks' times are equal, and at equal time the lower kiosk index wins.
// Each kiosk may carry an additive weight (a handicap in seconds, the initial time of its
// source in the search); balancing adjusts these weights until every zone's workload is
// within a tolerance of the mean. A zone built this way is always connected along the
// network: the shortest path from a kiosk to any place of its zone stays inside the zone.
//
// Zone polygons tile the boundary (no gaps, no overlaps): the land between roads goes to
// the zone of the nearest drivable edge piece. By default on a grid of `cell_m` cells
// near the roads (coarser blocks of them far off): every cell takes the zone of the
// nearest point of the reached edges (a distance transform from the cells the roads
// cross), and each zone's cells are traced into polygons that share their borders
// exactly, then clipped to the boundary. The reference
// construction is a Voronoi diagram of sites every `site_spacing_m` along the edges.
// Points (incidents, key sites, cameras) are counted in the zone whose polygon holds them.
// docs/zones.md describes the method.
//
//   const SceneData data = read_scene_data(scene);                       // scene.hpp
//   ZonePlan plan = build_zones(net, units_of_kind(data.units, data.settings.zones.kiosk_kind),
//                               zone_context(data),
//                               {.balance = ZoneBalance::incidents, .tolerance = 0.10});
#pragma once

#include <lugeo/geometry.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lugeo {

/// What a zone's workload is measured in when balancing.
enum class ZoneBalance : std::uint8_t {
    none,      ///< plain network Voronoi (imbalance is still reported, by road length)
    length,    ///< drivable road length (m)
    incidents, ///< incidents weighted by grade (incident_grade_weight)
    area       ///< area of the zone polygon within the boundary (m²)
};
const char *zone_balance_name(ZoneBalance b) noexcept; ///< "none", "length", "incidents", "area"

/// How the zone polygons are built.
enum class ZonePolygonMethod : std::uint8_t {
    raster, ///< grid of ZoneOptions::cell_m: nearest-road distance transform, traced borders
    voronoi ///< GEOS Voronoi of sites every ZoneOptions::site_spacing_m (slower reference)
};
std::optional<ZoneBalance> zone_balance_from_name(std::string_view name) noexcept;

/// A kiosk, the base of one patrol zone, is a Unit (layers.hpp): id, name and position in
/// the network's metric CRS.

/// The layers a plan is measured against (all in the network's metric CRS).
struct ZoneContext {
    /// The area the zone polygons tile. Empty: the envelope of the reached network,
    /// enlarged by 100 m.
    MultiPolygon boundary;
    std::vector<XY> incidents;
    std::vector<IncidentGrade> incident_grades; ///< one per incident
    std::vector<XY> key_sites;
    std::vector<XY> cameras;
};

struct ZoneOptions {
    Profile profile = Profile::car;
    ZoneBalance balance = ZoneBalance::none;
    /// Balanced mode: every zone's workload within ±tolerance (a fraction) of the mean.
    double tolerance = 0.10;
    /// Balanced mode: give up after this many weight updates (the best plan found is kept).
    int max_iterations = 100;
    ZonePolygonMethod polygon_method = ZonePolygonMethod::raster;
    /// Raster: cell size (metres). A zone border lies within about one cell of the exact
    /// nearest-road border, and crosses a road within about one cell of the edge split.
    double cell_m = 5.0;
    /// Raster: the cells are made larger when the cells near the roads (tiles of 64 x 64
    /// cells within 150 m of a reached edge) and the coarse grid of the land farther off
    /// would exceed this many.
    std::size_t max_cells = 6'000'000;
    /// Voronoi: spacing of the sites along the reached edges (metres); zone boundaries
    /// between roads are exact for these sites, within half a spacing of the edge split.
    /// Existing plans: pieces are cut in steps of a quarter of it.
    double site_spacing_m = 25.0;
    /// Kiosks farther than this from every usable edge of the largest component are an error.
    double snap_max_m = 500.0;
    /// Build the dissolved zone polygons (the per-zone figures do not need them).
    bool polygons = true;
    /// Allocation only: no land is shared out (no grid, no Voronoi diagram is built). The
    /// zones' areas are unknown (NaN); incidents, key sites and cameras go to the zone of
    /// the nearest point of a reached ground-level road (the rule the cells apply to the
    /// land they stand on). Needs polygons = false and a balance other than area.
    bool allocation_only = false;
    ProgressFn progress;
};

/// A piece of one edge in one zone. The time from the zone's own kiosk runs linearly from
/// time_from_s at from_m to time_to_s at to_m (offsets along the edge's geometry).
struct ZonePiece : TimedSpan {
    std::uint32_t zone = 0; ///< index of the kiosk
    /// Existing plans: the kiosk that reaches this piece fastest, and how many seconds
    /// later the own kiosk gets there at worst (0 when the own kiosk is the fastest).
    std::uint32_t fastest = 0;
    double extra_s = 0;
};

struct ZoneFigures {
    std::string kiosk_id, kiosk_name;
    double weight_s = 0;      ///< the kiosk's additive weight (0 unless balanced)
    double area_m2 = 0;       ///< within the boundary (NaN: allocation only)
    double road_length_m = 0; ///< drivable edge pieces, the part inside the boundary
    std::array<std::size_t, incident_grade_count> incidents{}; ///< by grade, in the polygon
    double incident_workload = 0;                              ///< Σ incident_grade_weight
    std::size_t key_sites = 0, cameras = 0;
    double mean_time_s = 0, p95_time_s = 0, worst_time_s = 0; ///< from its kiosk, over road length
    std::size_t network_parts = 0; ///< connected parts of its pieces (1 = connected; 0 = empty)
    double workload = 0;           ///< in the plan's balance measure (road length for none)
    MultiPolygon polygon;          ///< empty unless ZoneOptions::polygons
};

/// How balancing went (balance != none).
struct BalanceReport {
    int iterations = 0;
    bool converged = false;       ///< every workload within the tolerance
    double initial_imbalance = 0; ///< largest / smallest workload, unweighted plan
    double final_imbalance = 0;
    double initial_max_deviation = 0; ///< max |workload / mean - 1|
    double final_max_deviation = 0;
    /// Response time over road length (from each piece's own kiosk), unweighted vs balanced.
    double mean_time_before_s = 0, p95_time_before_s = 0;
    double mean_time_after_s = 0, p95_time_after_s = 0;
};

struct ZonePlan {
    std::vector<Unit> kiosks;
    std::vector<Network::Snap> kiosk_snaps;
    ZoneBalance measure = ZoneBalance::none;
    std::vector<ZonePiece> pieces; ///< by edge, then offset; each drivable place in exactly one
    /// The pieces cut to the boundary (by edge, then offset): the road the zones' figures
    /// count (the same as `pieces` without a boundary).
    std::vector<ZonePiece> inside_pieces;
    std::vector<ZoneFigures> zones; ///< one per kiosk
    double drivable_length_m = 0;   ///< all usable edges of the profile
    double unreached_length_m = 0;  ///< drivable but no kiosk reaches it (other components)
    double outside_length_m = 0;    ///< existing plans: reached but in no zone polygon
    /// Reached road outside the study boundary (in pieces, not in the zones' road figures:
    /// road_length_m, the times and the length workload count road inside the boundary).
    double outside_boundary_length_m = 0;
    double imbalance = 0; ///< largest / smallest workload (inf if a zone is empty)
    double mean_time_s = 0, p95_time_s = 0, worst_time_s = 0; ///< whole plan, over road length
    BalanceReport balance;
    /// Existing plans: road whose own kiosk is not the fastest, and the worst extra time.
    double misassigned_length_m = 0, worst_extra_s = 0;
    /// Existing plans: boundary area no zone covers, and area covered by two or more zones.
    double gap_area_m2 = 0, overlap_area_m2 = 0;
    std::size_t sites = 0;    ///< Voronoi sites, or raster seed cells (fine and coarse)
    double cell_m = 0;        ///< raster cell size used (0: Voronoi)
    double coarse_cell_m = 0; ///< raster: the cell of the land far from the roads
    double seconds_allocation = 0, seconds_polygons = 0;
};

/// Network Voronoi (optionally balanced) from the kiosks. Throws Error(off_network) naming
/// the kiosk when one is farther than snap_max_m from the profile's largest component,
/// Error(invalid_argument) for no kiosks, a bad tolerance, or balancing by incidents without
/// any incident in the context.
ZonePlan build_zones(const Network &net, const std::vector<Unit> &kiosks,
                     const ZoneContext &context, const ZoneOptions &options = {});

/// Figures for an existing plan: `zones[i]` is kiosk i's zone (may be empty). Pieces are
/// cut where they cross a zone border (to within site_spacing_m / 4).
ZonePlan evaluate_zones(const Network &net, const std::vector<Unit> &kiosks,
                        const std::vector<MultiPolygon> &zones, const ZoneContext &context,
                        const ZoneOptions &options = {});

/// The boundary, incidents (with grade), key sites and cameras of the data, those read.
ZoneContext zone_context(const SceneData &data);

/// Zone polygons drawn by hand (a zones layer, read_areas): one or more areas per kiosk,
/// matched by their `kiosk` field (NamedArea::parent, the kiosk's unit id) where it is given,
/// else by the kiosk each area contains. Throws Error naming the area's feature when it
/// matches no kiosk or several.
std::vector<MultiPolygon> match_zones(const std::vector<NamedArea> &areas,
                                      const std::vector<Unit> &kiosks);

/// One zone's figures as presented — by the zones command (text, JSON, layer) and by the
/// report (table, layer) — in the units shown, rounded once to 0.01.
struct ZoneRow {
    std::string kiosk_id, kiosk_name;
    double weight_s = 0;
    double area_km2 = 0; ///< NaN: allocation only
    double road_km = 0;
    std::array<std::size_t, incident_grade_count> incidents{}; ///< by grade
    std::size_t incident_count = 0;                            ///< every grade
    double incident_workload = 0;
    std::size_t key_sites = 0, cameras = 0;
    double mean_time_s = 0, p95_time_s = 0, worst_time_s = 0;
    std::size_t network_parts = 0;
    double workload = 0;
};

/// A zone plan's figures as presented: one row per kiosk (the plan's order) and the totals.
struct ZoneSummary {
    std::vector<ZoneRow> rows;
    double drivable_km = 0, unreached_km = 0;
    double outside_boundary_km = 0; ///< reached road outside the boundary (in no row)
    double imbalance = 0;           ///< largest / smallest workload (inf: a zone is empty)
    double mean_time_s = 0, p95_time_s = 0, worst_time_s = 0;
};

/// The plan's figures, converted and rounded once (ZoneRow).
ZoneSummary zone_summary(const ZonePlan &plan);

/// Length-weighted mean and quantile (q in [0,1]) of the own-kiosk time over pieces
/// (each piece's time linear along it).
double pieces_mean_time(const std::vector<ZonePiece> &pieces);
double pieces_time_quantile(const std::vector<ZonePiece> &pieces, double q);

} // namespace lugeo
