// lugeo: camera coverage — what the cameras see, where the gaps are, where new cameras go.
//
// A camera is a position, a heading, a horizontal field of view and a range (given, or
// derived from a DORI level of IEC 62676-4 and the camera's resolution); domes and PTZ see
// all around. Its view is the sector minus the "shadow" every building wall casts from the
// camera position (2D visibility). Road coverage is computed exactly on the network's
// edges as parameter intervals: per segment, the part inside the range circle and the
// angle, minus the part behind any wall; covered + uncovered = total by construction.
// See docs/coverage.md for the method and a worked example.
#pragma once

#include <lugeo/geometry.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lugeo {

// ---- camera model ----
//
// Camera, DoriLevel and the DORI range (dori_range_m) are in layers.hpp: the cameras layer
// reads them.

// ---- occluders and visibility ----

/// Building footprints as 2D occluders, with a grid index over their walls.
class Occluders {
public:
    struct Wall {
        XY a, b;
        std::uint32_t building;
    };
    Occluders();
    explicit Occluders(std::vector<Polygon> footprints, std::vector<std::string> ids = {},
                       double cell_m = 50.0);
    ~Occluders();
    Occluders(Occluders &&) noexcept;
    Occluders &operator=(Occluders &&) noexcept;

    std::size_t size() const;
    const Polygon &footprint(std::size_t i) const;
    const std::string &id(std::size_t i) const; ///< "" when not given
    /// The footprint containing p, if any.
    std::optional<std::size_t> footprint_at(XY p) const;
    /// Walls whose bounding box meets `box` (each once); `out` is cleared first.
    void walls_near(const Box &box, std::vector<const Wall *> &out) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// The footprints of a buildings layer as occluders.
Occluders occluders_of(const Buildings &buildings);

/// A part of a polyline, in metres from its first vertex.
struct Interval {
    double from = 0.0, to = 0.0;
};

/// Whether the camera sees p: within range and angle, and no wall between.
bool camera_sees(const Camera &cam, const Occluders &occ, XY p);
/// The parts of a polyline the camera sees (sorted, disjoint, metres from its start).
std::vector<Interval> visible_intervals(const Camera &cam, const Occluders &occ,
                                        std::span<const XY> line);
/// The view polygon: the sector (arc densified every `arc_step_deg`) minus the shadow of
/// every wall within range. Empty when the camera sees nothing.
MultiPolygon view_polygon(const Camera &cam, const Occluders &occ, double arc_step_deg = 2.0);

// ---- coverage of roads ----

/// Everything coverage reads besides the network.
struct CoverageInput {
    std::vector<Camera> cameras;
    Occluders occluders;
    std::vector<Plate> plates; ///< poles and lamps (gap ends, plan candidates)
    std::vector<KeySite> key_sites;
    std::vector<NamedArea> zones; ///< patrol zones, when the scene has them
    std::vector<XY> incidents;    ///< plan weights
    /// The study area: only road edges whose middle lies inside count (empty: all roads).
    MultiPolygon boundary;
    std::vector<std::string> warnings;
};
/// The cameras, buildings, poles and lamps, key sites, zones, incidents and boundary of the
/// data (each where it was read); the camera layer's notes as warnings.
CoverageInput coverage_input(const SceneData &data);

struct CoverageOptions {
    /// Which edges are "road": the profile's usable edges (car: the drivable network).
    Profile profile = Profile::car;
    double min_gap_m = 50.0;         ///< shorter uncovered stretches are not reported as gaps
    double key_site_radius_m = 30.0; ///< a site is seen when a view comes this close to it
    /// A camera inside a building footprint is moved out to the nearest wall (a facade
    /// camera surveyed a little inside) when that wall is this close; farther inside it is
    /// an indoor camera and sees nothing. Either way it is listed in camera_issues.
    double relocate_max_m = 15.0;
    double no_road_below_m = 1.0;     ///< a camera seeing less road than this "sees no road"
    double plate_same_road_m = 150.0; ///< gap ends prefer a plate of the same road this close
    bool view_polygons = true;        ///< compute views (also needed for key sites)
    double arc_step_deg = 2.0;
    ProgressFn progress;
};

/// Road length split: total, covered by >= 1 camera, by >= 2 (backup).
struct LengthSplit {
    double total_m = 0.0, covered_m = 0.0, backup_m = 0.0;
    double uncovered_m() const { return total_m - covered_m; }
    double share() const { return total_m > 0 ? covered_m / total_m : 0.0; }
};

/// A piece of an edge with the number of cameras that see it (0 = uncovered).
struct RoadPiece : EdgeSpan {
    std::uint32_t cameras = 0;
};

struct PlateRef {
    std::size_t plate = 0; ///< index into CoverageInput::plates
    double distance_m = 0.0;
};

/// An uncovered stretch of one road (pieces merged across nodes where the same road
/// continues), longer than min_gap_m.
struct Gap {
    std::string road;       ///< name ("" unnamed)
    std::string road_class; ///< of its longest piece
    double length_m = 0.0;
    LineString line; ///< in order from one end to the other
    std::vector<RoadPiece> pieces;
    std::optional<PlateRef> from_plate, to_plate; ///< nearest plate to each end
};

struct CameraIssue {
    std::size_t camera = 0;
    enum class Kind { moved_out_of_building, inside_building } kind = Kind::moved_out_of_building;
    std::string building;    ///< id of the footprint
    double distance_m = 0.0; ///< how far it was moved / how deep inside
};

struct CoverageResult {
    Profile profile = Profile::car;
    LengthSplit total;
    std::map<std::string, LengthSplit> by_class;
    std::map<int, LengthSplit> by_phase;            ///< road seen by that phase's cameras alone
    std::map<int, LengthSplit> by_phase_cumulative; ///< by cameras of phases <= p
    std::map<std::string, LengthSplit> by_owner;
    /// all cameras; pieces by their midpoint; road outside every zone under outside_zones
    std::map<std::string, LengthSplit> by_zone;
    static constexpr const char *outside_zones = "(outside zones)";
    std::vector<RoadPiece> pieces; ///< every road edge cut into pieces (edge, offset order)
    std::vector<Gap> gaps;         ///< longest first
    std::vector<std::size_t> key_sites_unseen;
    std::vector<std::size_t> cameras_no_road;
    std::vector<double> camera_road_m; ///< per camera: road length it sees
    std::vector<Camera> cameras;       ///< as used (positions after relocation)
    std::vector<MultiPolygon> views;   ///< per camera (when view_polygons)
    std::vector<CameraIssue> camera_issues;
    std::size_t road_edges = 0;
};

CoverageResult analyze_coverage(const Network &net, const CoverageInput &input,
                                const CoverageOptions &options);

/// A road length split as presented — by the coverage command (text, JSON) and the report's
/// tables — rounded once: metres to 0.01, the share to 0.0001.
struct CoverageRow {
    std::string key; ///< road class, phase, owner or zone ("" for the total)
    double total_m = 0, covered_m = 0, uncovered_m = 0, backup_m = 0;
    double share = 0; ///< covered / total
};

/// The coverage figures as presented: the total and the splits, each in one order.
struct CoverageSummary {
    CoverageRow total; ///< uncovered_m summed from the uncovered pieces (the splits: a difference)
    std::vector<CoverageRow> by_class; ///< the longest class first (ties by name)
    std::vector<CoverageRow> by_phase, by_phase_cumulative; ///< by phase
    std::vector<CoverageRow> by_owner, by_zone;             ///< by name
    std::size_t gaps = 0;
    double gaps_m = 0;
    std::size_t key_sites_unseen = 0, cameras_no_road = 0;
};

/// The result's figures, ordered and rounded once (CoverageRow).
CoverageSummary coverage_summary(const CoverageResult &result);

/// The ID of the plate nearest a gap's end (Gap::from_plate, to_plate), "" when there is none.
std::string gap_plate_id(const CoverageInput &input, const std::optional<PlateRef> &end);

// ---- placement of new cameras ----

struct PlanOptions {
    std::size_t add = 10;   ///< cameras to place
    std::size_t phases = 1; ///< split the picks into this many yearly phases
    Profile profile = Profile::car;
    /// The new cameras: type, angle and range (bullet 60°, 80 m unless set).
    std::string type = "bullet";
    double hfov_deg = 60.0;
    double range_m = 80.0;
    /// Headings per candidate mounting point: the two directions of the nearest road
    /// (when road_headings) plus `headings` evenly spaced from north. 360° types: one.
    bool road_headings = true;
    int headings = 4;
    /// Road class weights (others: other_weight).
    std::map<std::string, double> class_weights = {
        {"trunk", 3.0},     {"trunk_link", 3.0},     {"primary", 3.0},  {"primary_link", 3.0},
        {"secondary", 2.5}, {"secondary_link", 2.5}, {"tertiary", 2.0}, {"tertiary_link", 2.0}};
    double other_weight = 1.0;
    /// Incident density: a piece's weight is multiplied by 1 + incident_weight · n / n̄, n the
    /// incidents within incident_radius_m of the piece's middle, n̄ the mean over pieces.
    double incident_weight = 1.0;
    double incident_radius_m = 100.0;
    double piece_m = 50.0; ///< road cut into pieces of at most this length for weights
    /// Candidates: empty = every mount below (else every plate of the input, poles and
    /// lamps) with the headings above.
    std::vector<Camera> candidates;
    /// Candidate mounting points when there are no plates or others are wanted: any point
    /// layer (units, key sites, cameras …) or road_mounts(); id names the candidate.
    std::vector<std::pair<std::string, XY>> mounts;
    double relocate_max_m = 15.0; ///< as CoverageOptions (candidates inside buildings)
    ProgressFn progress;
};

struct Pick {
    Camera camera;
    std::string plate;         ///< the mounting plate ("" for given candidates)
    std::size_t candidate = 0; ///< index into PlanResult::candidates
    double gain = 0.0;         ///< newly covered weighted length
    double gain_m = 0.0;       ///< newly covered length, metres
    double covered_m = 0.0;    ///< total covered after this pick
    double weighted = 0.0;     ///< total covered weighted length after this pick
    int phase = 1;
};

struct PlanResult {
    std::vector<Pick> picks;
    std::vector<Camera> candidates;
    std::vector<std::string> candidate_plates;
    double total_m = 0.0, covered_before_m = 0.0;
    double weighted_total = 0.0, weighted_before = 0.0;
    std::size_t gain_evaluations =
        0; ///< lazy greedy's re-evaluations (plain greedy: add · candidates)
};

/// Points along every road edge (each edge once) every `every_m` metres, ids "road:<edge>:<k>"
/// — candidate mounts for a scene without plates. Throws Error(invalid_argument) unless
/// every_m > 0.
std::vector<std::pair<std::string, XY>> road_mounts(const Network &net, double every_m);

/// Lazy greedy placement: each step takes the candidate with the largest newly covered
/// weighted road length. Coverage is monotone submodular, so the picks cover at least
/// (1 − 1/e) ≈ 63 % of what the best possible set of `add` candidates would add. Throws
/// Error(invalid_argument) when there is no candidate at all (no plates, no mounts).
PlanResult plan_cameras(const Network &net, const CoverageInput &input, const PlanOptions &options);

} // namespace lugeo
