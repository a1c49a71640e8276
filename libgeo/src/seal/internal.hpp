// Seal-off internals: the suspect's graph, the searches, the max flow and the matching.
#pragma once

#include <lugeo/seal.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lugeo {

struct SealContext::Impl {
    const Network *net = nullptr;
    std::vector<Unit> units;
    SealUnitOptions options;
    std::vector<double> turnout;
    std::vector<char> on_net;
    std::vector<Network::Snap> snaps;
    std::vector<Reach> reach;
    std::vector<char> outside;
    std::vector<std::uint32_t> fixed, exit_nodes;
    std::vector<std::string> warnings;
    /// Per node: (unit, arrival incl. turnout), by arrival (CSR).
    std::vector<std::uint32_t> arr_offsets;
    std::vector<std::pair<std::uint32_t, double>> arrivals;
};

namespace seal_detail {

constexpr std::uint32_t npos32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t npos = static_cast<std::size_t>(-1);

/// The suspect's directed arcs (its profile's times / speed factor; one-way rules dropped when
/// it does not keep them).
struct SuspectGraph {
    struct Arc {
        std::uint32_t head, edge;
        double time_s;
    };
    std::vector<std::uint32_t> offsets;
    std::vector<Arc> arcs;
    std::vector<double> along_s, against_s; ///< per edge, whole-edge times
    SuspectGraph(const Network &net, const SuspectProfile &sp);
};

/// Nodes the suspect reaches straight from its point, with the time to each.
std::vector<std::pair<std::uint32_t, double>> start_nodes(const Network &net, const SuspectGraph &g,
                                                          const Network::Snap &at);

struct DijkstraResult {
    std::vector<double> time;
    std::vector<std::uint32_t> pred;
    std::unordered_map<std::uint32_t, double> blocked_time; ///< closed nodes reached: when
    std::optional<std::uint32_t> first_stop;
    std::size_t settled = 0;
};
/// Earliest arrival from the point starting at t0, up to `limit`. With `close`, a node is
/// passed only before its closing time. With `stop_at`, such nodes are not expanded; with
/// stop_first the search ends at the first one settled.
DijkstraResult suspect_search(const Network &net, const SuspectGraph &g, const Network::Snap &at,
                              double t0, double limit, const std::vector<double> *close,
                              const std::vector<char> *stop_at, bool stop_first);
std::vector<std::uint32_t> path_to(const DijkstraResult &r, std::uint32_t v);

/// Dinic max flow over the node-split graph: node v is 2v (in) -> 2v+1 (out); arcs out->in;
/// outside nodes drain into the sink; `removed` nodes (checkpoints in place) are left out.
struct FlowGraph {
    static constexpr std::int32_t big = 1 << 29;
    std::uint32_t node_count = 0, source = 0, sink = 0;
    std::vector<std::uint32_t> offsets, head, rev;
    std::vector<std::int32_t> base_cap, cap;
    std::vector<std::uint32_t> split_arc; ///< per network node: its in->out arc (npos32: none)
    std::vector<int> level;
    std::vector<std::uint32_t> it, queue;

    FlowGraph(const Network &net, const SuspectGraph &g, const std::vector<char> &outside,
              const std::vector<char> &removed,
              const std::vector<std::pair<std::uint32_t, double>> &starts);
    void set_node_capacity(std::uint32_t v, std::int32_t c);
    /// Max flow from scratch; stops once the flow exceeds stop_above.
    std::int64_t max_flow(std::int64_t stop_above);
    /// After max_flow: the graph nodes the source reaches in the residual graph.
    std::vector<char> source_side() const;

private:
    bool bfs();
    std::int64_t dfs(std::uint32_t v, std::int64_t f);
};

struct Matching {
    std::vector<std::size_t> unit_of; ///< per block: its unit (npos: none)
    std::size_t matched = 0;
};
/// Blocks to units (each unit up to per_unit blocks) using only pairs with time <= threshold.
Matching match_blocks(const std::vector<std::vector<std::pair<std::size_t, double>>> &options,
                      std::size_t units, int per_unit, double threshold);
/// A perfect matching with the least largest time (bottleneck), when one exists.
Matching bottleneck_match(const std::vector<std::vector<std::pair<std::size_t, double>>> &options,
                          std::size_t units, int per_unit, double *bottleneck);

} // namespace seal_detail
} // namespace lugeo
