// lugeo: multi-source shortest travel times over a road network, with a time limit.
//
// The routing core every planning module builds on (isochrones, patrol zones, incident
// response). A search starts from one or many sources placed anywhere on an edge (a point
// snapped with Network::snap), each with an optional head start or handicap in seconds
// (additive weights for balanced zones), and runs Dijkstra over the profile's CSR:
//
//   - outbound: the time to travel FROM the nearest source to each place (out-arcs);
//   - inbound:  the time to travel from each place TO the nearest source (in-arcs).
//
// The result gives, per node, the time and the index of the nearest source (its label),
// and, per edge, everything needed to know the time at any point along it: the "fronts"
// that enter the edge from its two end nodes and from any source placed on it. Within an
// edge the time is the lower envelope of these linear fronts, so callers can cut the
// reached part of an edge at any threshold up to the limit (isochrones) and find the
// equal-time points between two sources (network Voronoi, patrol zones).
//
// Ties are broken deterministically: at equal time the lower source index wins.
//
//   Reach r = shortest_times(net, {RoutingSource{*net.snap(p)}}, {.profile = Profile::car,
//                                                                  .limit_s = 1800});
//   for (const EdgePiece& piece : reached_pieces(net, r, 300.0)) …  // the 5-minute network
#pragma once

#include <lugeo/network.hpp>

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace lugeo {

/// Which way travel runs relative to the sources.
enum class Direction : std::uint8_t {
    outbound, ///< from the sources to every place (a unit driving out)
    inbound   ///< from every place to the sources (a caller walking to the kiosk)
};

/// A source: a point on an edge, and the time already spent when it starts. A source within
/// Network::snap_end_tolerance_m of an end of its edge starts from that end's node (at
/// offset_s) whatever the edge's direction: a unit on a junction may leave by any arc there,
/// not only by the edge it was snapped to.
struct RoutingSource {
    Network::Snap at;    ///< edge and offset (only `edge` and `offset_m` are used)
    double offset_s = 0; ///< initial time (>= 0; an additive weight); the source's own label
};

struct RoutingOptions {
    Profile profile = Profile::car;
    Direction direction = Direction::outbound;
    /// Nodes farther than this (seconds, including a source's offset_s) are left
    /// unreached; +infinity searches the whole network. Pieces can be cut at any
    /// threshold up to the limit.
    double limit_s = std::numeric_limits<double>::infinity();
};

/// A linear travel-time front over part of one edge: the time at offset x (metres from the
/// edge's first vertex) is `time_s + s_per_m * |x - start_m|`, for x on the `forward` side
/// of start_m (forward: start_m <= x <= length; else 0 <= x <= start_m).
struct EdgeFront {
    double start_m = 0;       ///< where it starts (0 or the length for node fronts)
    double time_s = 0;        ///< time at start_m
    double s_per_m = 0;       ///< seconds per metre along the edge in this direction
    bool forward = true;      ///< runs towards higher offsets (the edge's `to` node)
    std::uint32_t source = 0; ///< label: index of the source the time comes from
    double time_at(double x) const {
        return time_s + s_per_m * (forward ? x - start_m : start_m - x);
    }
};

/// A reached piece of an edge, all of it nearest to one source by one front: the time
/// runs linearly from time_from_s at from_m to time_to_s at to_m (from_m < to_m).
struct EdgePiece : TimedSpan {
    std::uint32_t source = 0; ///< the nearest source (label)
};

/// The result of a search.
struct Reach {
    static constexpr std::uint32_t npos = std::numeric_limits<std::uint32_t>::max();
    RoutingOptions options;
    std::vector<RoutingSource> sources;
    /// Per node: time in seconds (+infinity when not reached within the limit).
    std::vector<double> node_time;
    /// Per node: index into `sources` of the nearest source (npos when not reached).
    std::vector<std::uint32_t> node_source;
    /// Per node: the edge it was last reached over (npos for unreached nodes).
    std::vector<std::uint32_t> node_edge;
    /// (edge, source index) for every source, sorted: the sources placed on each edge.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> sources_by_edge;
    std::size_t settled = 0; ///< nodes settled (a cost figure)
    /// The limit cut the search: some node lies beyond it. False: everything the sources
    /// can reach was reached (a larger limit would change nothing).
    bool cut = false;

    bool is_reached(std::uint32_t node) const { return node_source[node] != npos; }
};

/// Multi-source Dijkstra (binary heap, lazy deletion) with a time limit.
/// Throws Error(invalid_argument) for a source on a nonexistent edge or a negative or
/// non-finite offset_s. No sources: nothing reached (not an error).
Reach shortest_times(const Network &net, const std::vector<RoutingSource> &sources,
                     const RoutingOptions &options = {});

/// The fronts over edge e (up to two from its end nodes, two per source on it), in a
/// fixed order; empty when nothing reaches the edge within the limit.
std::vector<EdgeFront> edge_fronts(const Network &net, const Reach &reach, std::uint32_t e);

/// Time at offset_m along edge e, and the nearest source (through `source`, npos when not
/// reached); +infinity when not reached within the limit.
double time_at(const Network &net, const Reach &reach, std::uint32_t e, double offset_m,
               std::uint32_t *source = nullptr);

/// The parts of edge e reached within `threshold_s` (<= the search limit), split where the
/// nearest source changes, in increasing offset; appended to `out`. Pieces of one edge
/// never overlap; where two sources meet, the split point is where their times are equal.
void append_edge_pieces(const Network &net, const Reach &reach, std::uint32_t e, double threshold_s,
                        std::vector<EdgePiece> &out);

/// All reached pieces within `threshold_s`, by edge id then offset.
std::vector<EdgePiece> reached_pieces(const Network &net, const Reach &reach, double threshold_s);

/// Length (metres) of edge e reached within threshold_s; its fraction is this / length.
double reached_length(const Network &net, const Reach &reach, std::uint32_t e, double threshold_s);

} // namespace lugeo
