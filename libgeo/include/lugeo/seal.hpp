// lugeo: seal-off (封控) — where to block, which unit goes where, and whether the ring of blocks
// closes before the suspect is out.
//
// The model (docs/seal.md). An incident at a point is reported at t = 0; the suspect left it
// `head_start_s` earlier and flees by a SuspectProfile (a network profile, a speed factor,
// keeping to one-way streets or not). Units (kiosks, stations, community rooms, patrol cars)
// leave after a turnout delay by kind and drive (`unit_profile`). A block is a network node
// (a junction or a dead end) held by one unit from the moment it arrives; a unit holds at most
// `blocks_per_unit` blocks; fixed checkpoints are blocks from t = 0. A block is in time when its
// unit arrives at least `margin_s` before the suspect's earliest possible time there. A plan
// seals the incident when every route of the suspect from the incident to "outside" — a node
// outside the study boundary, or an exit — passes an in-time block, and the ring is complete
// (its last block in place) within `within_s`.
//
// The algorithm. For a ring time T, the candidate blocks are the inside nodes some unit reaches
// in time by T. A plan at T exists only if a vertex cut of candidates separates the incident
// from outside with at most units × blocks_per_unit nodes: a max flow over the suspect's
// directed network with the nodes split (candidates capacity 1, others unbounded), stopped as
// soon as the flow exceeds that number. Feasibility of the cut is monotone in T, so a binary
// search over the distinct arrival times gives the exact earliest T at which a cut exists:
// the plan's lower bound on the ring time, and the cut's size a lower bound on its blocks. The
// cut (the one nearest the incident: the smallest enclosed set among minimum cuts) is then
// matched to distinct units by a bottleneck bipartite matching. When the matching fails (two
// blocks only one unit reaches in time), the cut is recomputed with the unmatched blocks made
// dearer (a heuristic, a few rounds), and T moves up. A plan is `exact` when it meets both
// lower bounds; otherwise it is a heuristic plan with its bounds stated.
//
// Every plan is checked by an independent search (certificate): a time-dependent Dijkstra of
// the suspect in which each block closes at its unit's arrival; the plan holds when no outside
// node is reached. The search also gives each block's margin.
//
//   const SealContext ctx(net, units, {.boundary = data.boundary}, seal_options(settings.seal));
//   const SealPlan plan = seal_incident(ctx, point);
//   if (plan.sealed) for (const SealBlock &b : plan.blocks) …   // unit b.unit to node b.node
#pragma once

#include <lugeo/geometry.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/settings.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lugeo {

struct SealOptions {
    double head_start_s = 60.0;
    double within_s = 300.0; ///< the ring must be complete by then
    double margin_s = 10.0;
    SuspectProfile suspect;
    int blocks_per_unit = 1;
    double snap_max_m = 500.0; ///< the incident, units, exits and checkpoints snap this close
    /// When the incident cannot be sealed: search the largest head start at which it could
    /// (to `head_start_step_s`).
    bool find_head_start = true;
    double head_start_step_s = 5.0;
    int heuristic_rounds = 6;    ///< cut/matching rounds per ring time before moving on
    std::size_t open_routes = 8; ///< escape routes listed for a plan that does not seal
};

/// Unit-side settings (fixed for a context): how units travel and their turnouts.
struct SealUnitOptions {
    Profile unit_profile = Profile::car;
    std::map<std::string, double> turnout_s; ///< by kind
    double default_turnout_s = 60.0;
    std::optional<double> turnout_all_s; ///< one turnout for every unit (overrides by kind)
    double limit_s = 1800.0;             ///< unit searches stop here (arrival incl. turnout)
    double snap_max_m = 500.0;
};

/// Options from a scene's [seal] table (the suspect named by `settings.suspect`).
SealOptions seal_options(const SealSettings &settings);
/// Unit options from [seal] (unit_profile) and the scene's one turnout table ([units]).
SealUnitOptions seal_unit_options(const SealSettings &settings, const UnitSettings &units);

/// Where "outside" is: nodes outside the boundary, or the nodes nearest the exits (when
/// exits are given the boundary is not used). Fixed checkpoints are blocks from t = 0.
struct SealArea {
    MultiPolygon boundary;
    std::vector<XY> exits;
    std::vector<XY> fixed;
};

/// One network, its units and the outside, prepared once for many incidents (the units'
/// arrival times at every node). Immutable after construction; seal_incident is const over it.
class SealContext {
public:
    /// Throws Error(invalid_argument) when the area has neither a boundary nor exits, or no
    /// node of the network is outside.
    SealContext(const Network &net, std::vector<Unit> units, SealArea area,
                const SealUnitOptions &options = {});
    ~SealContext();
    SealContext(SealContext &&) noexcept;
    SealContext &operator=(SealContext &&) noexcept;

    const Network &network() const;
    const std::vector<Unit> &units() const;
    double turnout_s(std::size_t unit) const;
    /// Whether the unit snapped onto the network (units farther than snap_max_m do not).
    bool unit_on_network(std::size_t unit) const;
    /// Arrival (turnout + travel, seconds after the report) of a unit at a node; +infinity
    /// beyond the limit.
    double arrival_s(std::size_t unit, std::uint32_t node) const;
    /// Arrival at a point on an edge.
    double arrival_s(std::size_t unit, const Network::Snap &at) const;
    /// The unit's route to a node (its snap point first), in the network's CRS.
    LineString unit_route(std::size_t unit, std::uint32_t node) const;
    bool is_outside(std::uint32_t node) const;
    const std::vector<std::uint32_t> &fixed_nodes() const;
    const std::vector<std::uint32_t> &exit_nodes() const;
    std::vector<std::string> warnings() const;

    struct Impl;
    const Impl &impl() const { return *m_impl; }

private:
    std::unique_ptr<Impl> m_impl;
};

struct SealBlock {
    std::uint32_t node = 0;
    XY position;
    std::size_t unit = 0;   ///< index into SealContext::units(); npos for a fixed checkpoint
    double arrival_s = 0.0; ///< the unit at the block (0 for a checkpoint)
    double suspect_s = 0.0; ///< the suspect's earliest time there without any block
    double margin_s = 0.0;  ///< suspect_s - arrival_s
    bool fixed = false;
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

/// The independent check of a plan (a time-dependent search of the suspect, each block closing
/// at its arrival).
struct SealCertificate {
    bool holds = false;      ///< no outside node reached
    std::size_t settled = 0; ///< nodes the search settled (all the suspect can reach)
    std::optional<std::uint32_t> escape_node; ///< the first outside node reached, when not
    double escape_s = std::numeric_limits<double>::infinity();
    std::vector<std::uint32_t> escape_route; ///< incident -> escape node (node ids)
    /// Per block (plan order): the suspect's earliest time at it with the plan in place
    /// (+infinity when the others keep it away), and that minus the arrival.
    std::vector<double> block_suspect_s, block_margin_s;
    double min_margin_s = std::numeric_limits<double>::infinity();
};

/// A route that stays open in a plan that does not seal.
struct SealOpenRoute {
    std::vector<std::uint32_t> nodes; ///< incident -> outside
    double out_s = 0.0;               ///< when the suspect is out by it (after the report)
    std::uint32_t open_node = 0;      ///< the place a block would be needed
    std::string why; ///< "no unit reaches it before the suspect", "not enough units", …
};

struct SealPlan {
    bool snapped = false; ///< the incident is on the network
    Network::Snap at;
    bool sealed = false;
    double ring_complete_s = 0.0;  ///< last block in place (0 with no block needed)
    std::vector<SealBlock> blocks; ///< unit blocks by arrival, then fixed checkpoints used
    std::string method;            ///< "min vertex cut + bottleneck matching", …
    bool exact = false;            ///< meets both lower bounds
    /// No plan completes the ring earlier (exact: the first ring time with a small enough cut).
    double lower_bound_ring_s = std::numeric_limits<double>::infinity();
    /// No plan complete by the plan's ring time has fewer unit blocks (the minimum cut there).
    std::size_t lower_bound_blocks = 0;
    bool minimal = false; ///< removing any unit block opens an escape route (checked)
    SealCertificate certificate;
    std::size_t enclosed_nodes = 0;      ///< nodes inside the ring (the incident's side of the cut)
    double enclosed_road_m = 0.0;        ///< road length inside the ring
    std::vector<std::uint32_t> enclosed; ///< those nodes
    // when not sealed
    /// already_out | no_ring_in_time | too_many_ways_out | too_few_units_near ("" sealed)
    std::string reason_code;
    std::string reason; ///< the same in words
    std::vector<SealOpenRoute> open_routes;
    std::optional<double> seal_head_start_s; ///< the largest head start that seals (searched)
    /// Per node: the suspect's earliest time without blocks (seconds after the report;
    /// +infinity beyond the search), for layers.
    std::vector<double> suspect_s;
    std::size_t flow_runs = 0; ///< max-flow computations (a cost figure)
};

/// Seal-off for an incident at `point` (metric CRS). An incident off the network gives
/// snapped = false and nothing else.
SealPlan seal_incident(const SealContext &ctx, XY point, const SealOptions &options = {});

/// The certificate of a set of blocks (independent of how they were found).
SealCertificate check_seal(const SealContext &ctx, const Network::Snap &at,
                           const std::vector<SealBlock> &blocks, const SealOptions &options);

/// The suspect's earliest times (seconds after the report) at every node with the blocks in
/// place (each closing at its arrival), for the reach at a moment; +infinity where not reached.
std::vector<double> suspect_times(const SealContext &ctx, const Network::Snap &at,
                                  const std::vector<SealBlock> &blocks, const SealOptions &options);

/// The road the suspect can have covered by time `t_s` (after the report) with the blocks in
/// place: whole edges and the reached parts of edges, in the network's CRS.
std::vector<LineString> suspect_reach(const SealContext &ctx, const Network::Snap &at,
                                      const std::vector<SealBlock> &blocks,
                                      const SealOptions &options, double t_s);

/// The names of the roads meeting at a node (distinct, non-empty, in edge order).
std::vector<std::string> roads_at(const Network &net, std::uint32_t node);

/// The line along a route of adjacent nodes (the shortest edge between each pair).
LineString route_line(const Network &net, const std::vector<std::uint32_t> &nodes);

// ---------------------------------------------------------------------------------------------
// Exits: one unit per exit, minimising the latest arrival.

struct ExitAssignment {
    std::vector<std::size_t> unit; ///< per exit: the unit (npos: none could be assigned)
    std::vector<double> arrival_s; ///< per exit
    double latest_s = std::numeric_limits<double>::infinity(); ///< the bottleneck
    bool complete = false;                                     ///< every exit has a unit
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

/// Bottleneck assignment, exact: time[u][x] is unit u's time to exit x (+infinity: never);
/// each unit takes at most `per_unit` exits; minimises the latest time over the exits (and,
/// when not every exit can be covered, covers as many as possible first).
ExitAssignment bottleneck_assignment(const std::vector<std::vector<double>> &time, int per_unit);

/// The exits of the context (its exit points, snapped) assigned to its units.
struct ExitPlan {
    std::vector<Network::Snap> exits; ///< per exit point (unsnapped exits: distance_m = inf)
    std::vector<bool> snapped;
    ExitAssignment assignment;
    /// With an incident: the suspect's earliest time at each exit, and whether each is in time.
    std::vector<double> suspect_s;
};
ExitPlan seal_exits(const SealContext &ctx, const std::vector<XY> &exits, int per_unit,
                    const std::optional<XY> &incident = std::nullopt,
                    const SealOptions &options = {});

} // namespace lugeo
