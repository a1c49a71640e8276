// Multi-source Dijkstra with a time limit, and the per-edge fronts and pieces built on it.
#include <lugeo/error.hpp>
#include <lugeo/routing.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

namespace lugeo {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

struct HeapEntry {
    double time;
    std::uint32_t label;
    std::uint32_t node;
    // std::push_heap makes a max-heap: "less" means later in (time, label, node) order.
    bool operator<(const HeapEntry &o) const {
        return std::tie(time, label, node) > std::tie(o.time, o.label, o.node);
    }
};

/// (time, label) lexicographic order: earlier time first, then lower source index.
bool better(double t, std::uint32_t l, double t0, std::uint32_t l0) {
    return t < t0 || (t == t0 && l < l0);
}

/// Reach keeps a plain per-node vector when at least 1/dense_share of the nodes are reached:
/// there filling it and visiting every edge cost less than the index and its lookups
/// (measured on the prefecture: a 6 x 30-minute search reaching 21 % of it).
constexpr std::size_t dense_share = 16;

bool is_dense(std::size_t reached, std::size_t node_count) {
    return reached > 0 && dense_share * reached >= node_count;
}

/// A search's working state for one node. Valid only when `stamp` is the current search's:
/// a search sets only the nodes it touches, whatever the network's size.
struct NodeState {
    Reach::Node at;
    std::uint32_t stamp = 0;
};

/// The working arrays of the searches on one thread, kept between searches.
struct Workspace {
    std::vector<NodeState> nodes; ///< per node of the largest network searched so far
    std::uint32_t stamp = 0;      ///< the current search's
    std::vector<HeapEntry> heap;  ///< a binary heap (std::push_heap order)
    std::vector<std::uint32_t> settled;

    void begin(std::size_t node_count) {
        if (nodes.size() < node_count) nodes.resize(node_count);
        if (++stamp == 0) { // wrapped: forget every old stamp
            for (NodeState &s : nodes)
                s.stamp = 0;
            stamp = 1;
        }
        heap.clear();
        settled.clear();
    }
};

Workspace &workspace() {
    thread_local Workspace ws;
    return ws;
}

void check_source(const Network &net, const RoutingSource &s, std::uint32_t i) {
    if (s.at.edge >= net.edge_count())
        throw Error(ErrorCode::invalid_argument, "routing source " + std::to_string(i) +
                                                     ": no edge " + std::to_string(s.at.edge) +
                                                     " in the network (" +
                                                     std::to_string(net.edge_count()) + " edges)");
    if (!std::isfinite(s.offset_s) || s.offset_s < 0)
        throw Error(ErrorCode::invalid_argument,
                    "routing source " + std::to_string(i) +
                        ": initial time must be finite and >= 0, got " +
                        std::to_string(s.offset_s));
}

} // namespace

void Reach::make_room(const std::vector<std::uint32_t> &nodes, std::size_t node_count) {
    m_count = nodes.size();
    if (is_dense(m_count, node_count)) {
        m_dense = true;
        m_values.assign(node_count, Node{});
        return;
    }
    if (m_count == 0) return;
    m_nodes = nodes;
    std::sort(m_nodes.begin(), m_nodes.end());
    m_values.resize(m_count);
    unsigned bits = 1;
    while ((std::size_t{1} << bits) < 2 * m_count)
        ++bits;
    m_shift = 64 - bits;
    m_index.assign(std::size_t{1} << bits, empty_entry);
    const std::size_t mask = m_index.size() - 1;
    for (std::size_t k = 0; k < m_count; ++k) {
        std::size_t i = hash(m_nodes[k]);
        while (m_index[i] != empty_entry)
            i = (i + 1) & mask;
        m_index[i] = std::uint64_t{m_nodes[k]} << 32 | k;
    }
}

std::vector<std::uint32_t> Reach::reached_nodes() const {
    if (!m_dense) return m_nodes;
    std::vector<std::uint32_t> out;
    out.reserve(m_count);
    for (std::uint32_t n = 0; n < m_values.size(); ++n)
        if (m_values[n].source != npos) out.push_back(n);
    return out;
}

Reach shortest_times(const Network &net, const std::vector<RoutingSource> &sources,
                     const RoutingOptions &options) {
    Reach r;
    r.options = options;
    r.sources = sources;
    const std::size_t nn = net.node_count();
    Workspace &ws = workspace();
    ws.begin(nn);
    // locals: the compiler need not reload them after every store through the heap
    NodeState *const state = ws.nodes.data();
    const std::uint32_t stamp = ws.stamp;
    std::vector<HeapEntry> heap = std::move(ws.heap);
    std::vector<std::uint32_t> settled = std::move(ws.settled);
    const double limit = options.limit_s;
    const Profile p = options.profile;
    const bool outbound = options.direction == Direction::outbound;

    auto relax = [&](std::uint32_t v, double t, std::uint32_t label, std::uint32_t edge) {
        if (!(t <= limit)) {
            r.cut = r.cut || t < inf;
            return;
        }
        NodeState &s = state[v];
        if (s.stamp == stamp && !better(t, label, s.at.time, s.at.source)) return;
        s = {{t, label, edge}, stamp};
        heap.push_back({t, label, v});
        std::push_heap(heap.begin(), heap.end());
    };

    for (std::uint32_t i = 0; i < sources.size(); ++i) {
        const RoutingSource &s = sources[i];
        check_source(net, s, i);
        r.sources_by_edge.emplace_back(s.at.edge, i);
        const auto &ed = net.edge(s.at.edge);
        const double len = ed.length_m;
        const double x = std::clamp(s.at.offset_m, 0.0, len);
        const double f = len > 0 ? x / len : 0.0;
        const double t_along = net.travel_time(p, s.at.edge, true);
        const double t_against = net.travel_time(p, s.at.edge, false);
        // A source at an edge's end is at that node: it starts there whatever the edge's
        // direction (a unit on a junction is not bound to the one edge it was snapped to).
        if (x <= Network::snap_end_tolerance_m) relax(ed.from, s.offset_s, i, s.at.edge);
        if (x >= len - Network::snap_end_tolerance_m) relax(ed.to, s.offset_s, i, s.at.edge);
        if (outbound) {
            if (std::isfinite(t_along))
                relax(ed.to, s.offset_s + (1.0 - f) * t_along, i, s.at.edge);
            if (std::isfinite(t_against)) relax(ed.from, s.offset_s + f * t_against, i, s.at.edge);
        } else {
            if (std::isfinite(t_along)) relax(ed.from, s.offset_s + f * t_along, i, s.at.edge);
            if (std::isfinite(t_against))
                relax(ed.to, s.offset_s + (1.0 - f) * t_against, i, s.at.edge);
        }
    }
    std::sort(r.sources_by_edge.begin(), r.sources_by_edge.end());

    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end());
        const HeapEntry top = heap.back();
        heap.pop_back();
        const Reach::Node &at = state[top.node].at;
        if (top.time != at.time || top.label != at.source) continue; // stale
        settled.push_back(top.node);                                 // its time and label are final
        const auto arcs = outbound ? net.out_arcs(p, top.node) : net.in_arcs(p, top.node);
        for (const Network::Arc &a : arcs)
            relax(a.node, top.time + a.time_s, top.label, a.edge);
    }
    r.settled = settled.size();
    r.make_room(settled, nn);
    if (r.m_dense)
        for (std::uint32_t v : settled)
            r.m_values[v] = state[v].at;
    else
        for (std::size_t k = 0; k < r.m_nodes.size(); ++k)
            r.m_values[k] = state[r.m_nodes[k]].at;
    ws.heap = std::move(heap); // kept for the next search on this thread
    ws.settled = std::move(settled);
    return r;
}

namespace {

/// edge_fronts into `out` (cleared first: a caller's buffer, reused edge after edge).
void fill_edge_fronts(const Network &net, const Reach &reach, std::uint32_t e,
                      std::vector<EdgeFront> &out) {
    out.clear();
    const Profile p = reach.options.profile;
    const bool outbound = reach.options.direction == Direction::outbound;
    const auto &ed = net.edge(e);
    const double len = ed.length_m;
    const double t_along = net.travel_time(p, e, true);
    const double t_against = net.travel_time(p, e, false);
    const bool can_along = std::isfinite(t_along), can_against = std::isfinite(t_against);
    const double spm_along = can_along ? t_along / len : inf;
    const double spm_against = can_against ? t_against / len : inf;
    auto node_front = [&](std::uint32_t n, double start, double spm, bool forward) {
        if (const Reach::Node *at = reach.find(n))
            out.push_back({start, at->time, spm, forward, at->source});
    };
    // Outbound: one enters at `from` and runs along, or at `to` and runs against.
    // Inbound: from x one runs along to `to` (time grows towards offset 0), or against to `from`.
    if (outbound) {
        if (can_along) node_front(ed.from, 0.0, spm_along, true);
        if (can_against) node_front(ed.to, len, spm_against, false);
    } else {
        if (can_along) node_front(ed.to, len, spm_along, false);
        if (can_against) node_front(ed.from, 0.0, spm_against, true);
    }
    auto it = std::lower_bound(reach.sources_by_edge.begin(), reach.sources_by_edge.end(),
                               std::pair<std::uint32_t, std::uint32_t>{e, 0});
    for (; it != reach.sources_by_edge.end() && it->first == e; ++it) {
        const RoutingSource &s = reach.sources[it->second];
        if (!(s.offset_s <= reach.options.limit_s)) continue;
        const double x = std::clamp(s.at.offset_m, 0.0, len);
        if (outbound) {
            if (can_along) out.push_back({x, s.offset_s, spm_along, true, it->second});
            if (can_against) out.push_back({x, s.offset_s, spm_against, false, it->second});
        } else {
            if (can_along) out.push_back({x, s.offset_s, spm_along, false, it->second});
            if (can_against) out.push_back({x, s.offset_s, spm_against, true, it->second});
        }
    }
}

} // namespace

std::vector<EdgeFront> edge_fronts(const Network &net, const Reach &reach, std::uint32_t e) {
    std::vector<EdgeFront> out;
    fill_edge_fronts(net, reach, e, out);
    return out;
}

namespace {

bool covers(const EdgeFront &f, double x, double tol) {
    return f.forward ? x >= f.start_m - tol : x <= f.start_m + tol;
}

/// Index of the front with the least time at x (ties: lower source, then lower index); -1 if none.
int best_front(const std::vector<EdgeFront> &fronts, double x, double tol, double *time) {
    int best = -1;
    double bt = inf;
    for (std::size_t k = 0; k < fronts.size(); ++k) {
        const EdgeFront &f = fronts[k];
        if (!covers(f, x, tol)) continue;
        const double t = f.time_at(x);
        if (best < 0 || better(t, f.source, bt, fronts[static_cast<std::size_t>(best)].source)) {
            best = static_cast<int>(k);
            bt = t;
        }
    }
    if (time) *time = bt;
    return best;
}

} // namespace

double time_at(const Network &net, const Reach &reach, std::uint32_t e, double offset_m,
               std::uint32_t *source) {
    const auto fronts = edge_fronts(net, reach, e);
    const double x = std::clamp(offset_m, 0.0, net.edge(e).length_m);
    double t = inf;
    const int k = best_front(fronts, x, 1e-9, &t);
    if (k < 0 || !(t <= reach.options.limit_s)) {
        if (source) *source = Reach::npos;
        return inf;
    }
    if (source) *source = fronts[static_cast<std::size_t>(k)].source;
    return t;
}

void append_edge_pieces(const Network &net, const Reach &reach, std::uint32_t e, double threshold_s,
                        std::vector<EdgePiece> &out) {
    // (the buffers are the thread's own, reused edge after edge: reached_pieces calls this
    // for every edge touched, and three allocations an edge were a tenth of its time)
    thread_local std::vector<EdgeFront> fronts;
    thread_local std::vector<double> xs, merged;
    fill_edge_fronts(net, reach, e, fronts);
    if (fronts.empty()) return;
    threshold_s = std::min(threshold_s, reach.options.limit_s);
    const double len = net.edge(e).length_m;
    const double tol = 1e-9 * std::max(1.0, len);

    // Candidate breakpoints: the ends, front starts, where two fronts are equal, and
    // where a front crosses the threshold. Between two consecutive candidates one front
    // is least throughout, and it is either all within the threshold or all beyond it.
    xs.assign({0.0, len});
    auto add = [&](double x) {
        if (std::isfinite(x) && x > 0.0 && x < len) xs.push_back(x);
    };
    for (std::size_t a = 0; a < fronts.size(); ++a) {
        const EdgeFront &f = fronts[a];
        add(f.start_m);
        if (f.s_per_m > 0)
            add(f.start_m + (f.forward ? 1.0 : -1.0) * (threshold_s - f.time_s) / f.s_per_m);
        for (std::size_t b = a + 1; b < fronts.size(); ++b) {
            const EdgeFront &g = fronts[b];
            // time = c + m x on each front's side
            const double mf = f.forward ? f.s_per_m : -f.s_per_m, cf = f.time_s - mf * f.start_m;
            const double mg = g.forward ? g.s_per_m : -g.s_per_m, cg = g.time_s - mg * g.start_m;
            if (mf != mg) add((cg - cf) / (mf - mg));
        }
    }
    std::sort(xs.begin(), xs.end());
    { // merge candidates closer than the tolerance (keeping 0 and the length exact)
        merged.clear();
        for (double x : xs)
            if (merged.empty() || x - merged.back() > tol) merged.push_back(x);
        merged.back() = len;
        if (merged.size() < 2) merged.assign({0.0, len});
        xs.swap(merged);
    }
    const std::size_t first = out.size();
    int last_front = -1;
    for (std::size_t k = 0; k + 1 < xs.size(); ++k) {
        const double a = xs[k], b = xs[k + 1];
        double tm;
        const int f = best_front(fronts, 0.5 * (a + b), 0.0, &tm);
        if (f < 0 || !(tm <= threshold_s)) {
            last_front = -1;
            continue;
        }
        const EdgeFront &fr = fronts[static_cast<std::size_t>(f)];
        const double ta = std::min(fr.time_at(a), threshold_s),
                     tb = std::min(fr.time_at(b), threshold_s);
        if (f == last_front && out.size() > first && out.back().to_m == a) {
            out.back().to_m = b;
            out.back().time_to_s = tb;
        } else {
            out.push_back({e, a, b, std::max(ta, 0.0), std::max(tb, 0.0), fr.source});
        }
        last_front = f;
    }
}

namespace {

bool has_source(const Reach &reach, std::uint32_t e) {
    auto it = std::lower_bound(reach.sources_by_edge.begin(), reach.sources_by_edge.end(),
                               std::pair<std::uint32_t, std::uint32_t>{e, 0});
    return it != reach.sources_by_edge.end() && it->first == e;
}

/// Calls f(e), by ascending id, for every edge a front may enter: one with a source on it,
/// or one the search could leave a reached node by (outbound; inbound: arrive at one). Few
/// nodes reached: only their arcs are visited; many: every edge.
template <class F> void for_each_touched_edge(const Network &net, const Reach &reach, F &&f) {
    if (is_dense(reach.reached_count(), net.node_count())) {
        for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
            const auto &ed = net.edge(e);
            if (reach.is_reached(ed.from) || reach.is_reached(ed.to) || has_source(reach, e)) f(e);
        }
        return;
    }
    const bool outbound = reach.options.direction == Direction::outbound;
    std::vector<std::uint32_t> edges;
    for (const auto &[e, i] : reach.sources_by_edge)
        edges.push_back(e);
    for (std::uint32_t n : reach.reached_nodes())
        for (const Network::Arc &a : outbound ? net.out_arcs(reach.options.profile, n)
                                              : net.in_arcs(reach.options.profile, n))
            edges.push_back(a.edge);
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    for (std::uint32_t e : edges)
        f(e);
}

} // namespace

std::vector<EdgePiece> reached_pieces(const Network &net, const Reach &reach, double threshold_s) {
    std::vector<EdgePiece> out;
    for_each_touched_edge(
        net, reach, [&](std::uint32_t e) { append_edge_pieces(net, reach, e, threshold_s, out); });
    return out;
}

double reached_length(const Network &net, const Reach &reach, std::uint32_t e, double threshold_s) {
    std::vector<EdgePiece> pieces;
    append_edge_pieces(net, reach, e, threshold_s, pieces);
    double sum = 0;
    for (const auto &p : pieces)
        sum += p.length_m();
    return sum;
}

} // namespace lugeo
