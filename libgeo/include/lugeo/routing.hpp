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
// The result gives, per node reached, the time and the index of the nearest source (its label),
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

struct Reach;

/// Multi-source Dijkstra (binary heap, lazy deletion) with a time limit.
/// Throws Error(invalid_argument) for a source on a nonexistent edge or a negative or
/// non-finite offset_s. No sources: nothing reached (not an error).
/// Its cost follows the nodes it reaches, not the network's size: the working arrays are
/// kept per thread between searches (24 bytes per node of the largest network searched on
/// that thread, stamped so that a search sets only the nodes it touches), and the result
/// holds only the nodes reached. Searches on several threads at once each use their own.
Reach shortest_times(const Network &net, const std::vector<RoutingSource> &sources,
                     const RoutingOptions &options = {});

/// The result of a search. Per node it keeps only the nodes reached (time, nearest source,
/// the edge it was reached over) behind an O(1) lookup, so a small search on a large network
/// costs what it reached. When a sixteenth or more of the network is reached it keeps a
/// plain per-node vector instead (faster there); the answers are the same either way.
struct Reach {
    static constexpr std::uint32_t npos = std::numeric_limits<std::uint32_t>::max();
    /// What a search found at one node.
    struct Node {
        double time = std::numeric_limits<double>::infinity(); ///< seconds
        std::uint32_t source = npos; ///< index into `sources` of the nearest source (its label)
        std::uint32_t edge = npos;   ///< the edge the node was last reached over
    };
    RoutingOptions options;
    std::vector<RoutingSource> sources;
    /// (edge, source index) for every source, sorted: the sources placed on each edge.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> sources_by_edge;
    std::size_t settled = 0; ///< nodes settled (a cost figure; each node reached once)
    /// The limit cut the search: some node lies beyond it. False: everything the sources
    /// can reach was reached (a larger limit would change nothing).
    bool cut = false;

    /// Node n as reached; nullptr when not reached within the limit.
    const Node *find(std::uint32_t n) const {
        if (m_dense) return m_values[n].source != npos ? &m_values[n] : nullptr;
        if (m_index.empty()) return nullptr;
        const std::size_t mask = m_index.size() - 1;
        for (std::size_t i = hash(n);; i = (i + 1) & mask) {
            const std::uint64_t entry = m_index[i];
            if (entry == empty_entry) return nullptr;
            if (entry >> 32 == n) return &m_values[static_cast<std::uint32_t>(entry)];
        }
    }
    /// Time in seconds to node n (+infinity when not reached within the limit).
    double time(std::uint32_t n) const {
        const Node *r = find(n);
        return r ? r->time : std::numeric_limits<double>::infinity();
    }
    /// Index into `sources` of the nearest source of node n (npos when not reached).
    std::uint32_t source(std::uint32_t n) const {
        const Node *r = find(n);
        return r ? r->source : npos;
    }
    /// The edge node n was last reached over (npos when not reached).
    std::uint32_t edge(std::uint32_t n) const {
        const Node *r = find(n);
        return r ? r->edge : npos;
    }
    bool is_reached(std::uint32_t n) const { return find(n) != nullptr; }
    /// How many nodes were reached.
    std::size_t reached_count() const { return m_count; }
    /// The nodes reached, by ascending id (O(nodes reached)).
    std::vector<std::uint32_t> reached_nodes() const;

private:
    friend Reach shortest_times(const Network &, const std::vector<RoutingSource> &,
                                const RoutingOptions &);
    std::size_t hash(std::uint32_t n) const { // Fibonacci hashing: the top bits of n * 2^64/phi
        return static_cast<std::size_t>((std::uint64_t{n} * 0x9E3779B97F4A7C15ull) >> m_shift);
    }
    /// Room for the nodes reached (any order), unset: per node of the network when they
    /// are many, else sorted into m_nodes and indexed. Then m_values[k] is node
    /// m_nodes[k]'s (dense: node k's).
    void make_room(const std::vector<std::uint32_t> &nodes, std::size_t node_count);
    static constexpr std::uint64_t empty_entry = ~std::uint64_t{0};
    std::size_t m_count = 0;
    bool m_dense = false;               ///< m_values is per node (no m_nodes, no index)
    std::vector<std::uint32_t> m_nodes; ///< sparse: the nodes reached, ascending
    std::vector<Node> m_values;         ///< sparse: as m_nodes; dense: per node
    /// Sparse: open addressing with linear probing of (node << 32 | position in m_nodes),
    /// at most half full (a power of two).
    std::vector<std::uint64_t> m_index;
    unsigned m_shift = 63; ///< 64 - log2(m_index.size())
};

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
