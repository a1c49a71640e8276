// lugeo: the surroundings of an incident — what the 110 dispatcher needs next to a position.
//
// From a point (a resolved plate, or a caller's lon/lat): the nearest cameras, those whose
// view holds the point first (the coverage module's camera model: range, sector, building
// shadows); the units (kiosks, police stations, community police rooms) within 100, 300 and
// 500 m in a straight line; the nearest units by road travel time (one inbound search of the
// routing core from the incident: the time for each unit to drive TO the incident, one-way
// streets respected); the responsible patrol zone and grid (point in polygon), where the scene
// has `zones` / `grids` layers; and the nearest junction of the road network with the names
// of the roads meeting there.
//
// An IncidentContext is assembled once (incident_context) and then answers many points;
// describe_incident is const over it and safe from several threads at once.
// See docs/incident.md.
#pragma once

#include <lugeo/coverage.hpp>
#include <lugeo/geometry.hpp>
#include <lugeo/network.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lugeo {

/// Everything describe_incident reads besides the network.
struct IncidentContext {
    std::vector<Camera> cameras;
    Occluders occluders;
    std::vector<Unit> units;
    std::vector<NamedArea> zones; ///< patrol zones (layer `zones`), may be empty
    std::vector<NamedArea> grids; ///< grid cells (layer `grids`), may be empty
    std::vector<std::string> warnings;
};

/// The cameras, buildings, units, zones and grids of the data (each where it was read; Unit
/// and NamedArea are in layers.hpp).
IncidentContext incident_context(const SceneData &data);

/// The nearest junction of the network: the nearest node where three or more edges meet.
struct Junction {
    std::uint32_t node = 0;
    XY position;
    double distance_m = 0.0;
    double bearing_deg = 0.0;       ///< from the query point, clockwise from grid north
    std::vector<std::string> roads; ///< distinct non-empty names of the roads meeting there
};

/// Nodes of degree >= 3 in a grid index, for nearest-junction queries. Immutable.
class JunctionIndex {
public:
    explicit JunctionIndex(const Network &net, double cell_m = 100.0);
    ~JunctionIndex();
    JunctionIndex(JunctionIndex &&) noexcept;
    JunctionIndex &operator=(JunctionIndex &&) noexcept;
    /// The nearest junction within max_m (empty when none). Names from the network.
    std::optional<Junction> nearest(XY p, double max_m = 500.0) const;
    std::size_t size() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

struct IncidentOptions {
    /// Cameras listed: every camera that sees the point, then the nearest others, up to
    /// `cameras` in all (8), all within `camera_radius_m` (500 m).
    std::size_t cameras = 8;
    double camera_radius_m = 500.0;
    /// Straight-line rings for units (100, 300, 500 m).
    std::vector<double> rings_m = {100.0, 300.0, 500.0};
    /// Units by road: the `road_units` (5) nearest by travel time for `profile` (car), within
    /// `limit_s` (1800 s, the half-hour city standard). Needs a network.
    Profile profile = Profile::car;
    std::size_t road_units = 5;
    double limit_s = 1800.0;
    double snap_max_m = 500.0; ///< the incident and each unit are snapped to a road this close
    double junction_max_m = 500.0;
    /// The units to use instead of the context's (live positions, busy units left out: the
    /// dispatch module's); null: the context's. UnitNear::unit and UnitByRoad::unit then index
    /// this vector. It must outlive the call.
    const std::vector<Unit> *units = nullptr;
};

struct CameraNear {
    std::size_t camera = 0; ///< index into IncidentContext::cameras
    double distance_m = 0.0;
    double bearing_deg = 0.0; ///< from the camera to the point, clockwise from grid north
    bool in_sector = false;   ///< within range and angle
    bool sees = false;        ///< in sector and no building wall between
};

struct UnitNear {
    std::size_t unit = 0;     ///< index into IncidentContext::units
    double distance_m = 0.0;  ///< straight line
    double bearing_deg = 0.0; ///< from the point to the unit
};

struct UnitRing {
    double radius_m = 0.0;
    std::vector<UnitNear>
        units; ///< within radius_m (cumulative: a 300 m ring holds the 100 m units), nearest first
};

struct UnitByRoad {
    std::size_t unit = 0;
    double time_s = 0.0;      ///< on the network, from the unit's snap point to the incident's
    double unit_snap_m = 0.0; ///< straight leg from the unit to its road (not timed)
    double distance_m = 0.0;  ///< straight line, for reference
};

struct IncidentResult {
    XY point;
    /// Nearest cameras: those that see the point first (nearest first), then the others.
    std::vector<CameraNear> cameras;
    std::size_t cameras_seeing = 0;
    std::vector<UnitRing> rings;
    /// Nearest units by road (inbound search to the incident: time for the unit to drive
    /// there), fastest first; empty without a network or when the point is off the network.
    std::vector<UnitByRoad> by_road;
    std::optional<Network::Snap> snap; ///< where the incident joins the network
    std::optional<std::size_t> zone;   ///< index into IncidentContext::zones
    std::optional<std::size_t> grid;   ///< index into IncidentContext::grids
    std::optional<Junction> junction;
};

/// The surroundings of `point` (metric CRS). `net` and `junctions` may be null (no road
/// figures). Never throws for a point without anything around it: empty lists.
IncidentResult describe_incident(const IncidentContext &context, XY point,
                                 const IncidentOptions &options = {}, const Network *net = nullptr,
                                 const JunctionIndex *junctions = nullptr);

} // namespace lugeo
