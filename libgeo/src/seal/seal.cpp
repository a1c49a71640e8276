// Seal-off: candidate blocks, a vertex cut by max flow searched over the ring time, matched to
// units; the certificate search; exits by bottleneck assignment. See lugeo/seal.hpp.
#include "seal/internal.hpp"

#include <lugeo/error.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>

namespace lugeo {

namespace seal_detail {

constexpr double inf = std::numeric_limits<double>::infinity();

SuspectGraph::SuspectGraph(const Network &net, const SuspectProfile &sp) {
    const std::size_t n = net.node_count();
    std::vector<std::uint32_t> deg(n + 1, 0);
    struct Tmp {
        std::uint32_t from, to, edge;
        double t;
    };
    std::vector<Tmp> tmp;
    tmp.reserve(net.edge_count() * 2);
    along_s.resize(net.edge_count());
    against_s.resize(net.edge_count());
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        const auto &ed = net.edge(e);
        double ta = net.travel_time(sp.profile, e, true);
        double tb = net.travel_time(sp.profile, e, false);
        if (!sp.obey_oneway && ed.oneway != 2) {
            // a suspect ignoring one-way rules rides the allowed direction's speed both ways
            if (std::isfinite(ta) && !std::isfinite(tb)) tb = ta;
            if (std::isfinite(tb) && !std::isfinite(ta)) ta = tb;
        }
        ta /= sp.speed_factor;
        tb /= sp.speed_factor;
        along_s[e] = ta;
        against_s[e] = tb;
        if (std::isfinite(ta)) tmp.push_back({ed.from, ed.to, e, ta});
        if (std::isfinite(tb)) tmp.push_back({ed.to, ed.from, e, tb});
    }
    for (const auto &t : tmp)
        ++deg[t.from + 1];
    for (std::size_t i = 0; i < n; ++i)
        deg[i + 1] += deg[i];
    offsets = deg;
    arcs.resize(tmp.size());
    std::vector<std::uint32_t> pos(offsets.begin(), offsets.end() - 1);
    for (const auto &t : tmp)
        arcs[pos[t.from]++] = {t.to, t.edge, t.t};
}

std::vector<std::pair<std::uint32_t, double>> start_nodes(const Network &net, const SuspectGraph &g,
                                                          const Network::Snap &at) {
    std::vector<std::pair<std::uint32_t, double>> out;
    const auto &ed = net.edge(at.edge);
    const double len = ed.length_m;
    const double f = len > 0 ? std::clamp(at.offset_m / len, 0.0, 1.0) : 0.0;
    if (std::isfinite(g.along_s[at.edge])) out.push_back({ed.to, g.along_s[at.edge] * (1.0 - f)});
    if (std::isfinite(g.against_s[at.edge])) out.push_back({ed.from, g.against_s[at.edge] * f});
    return out;
}

DijkstraResult suspect_search(const Network &net, const SuspectGraph &g, const Network::Snap &at,
                              double t0, double limit, const std::vector<double> *close,
                              const std::vector<char> *stop_at, bool stop_first) {
    const std::size_t n = net.node_count();
    DijkstraResult r;
    r.time.assign(n, inf);
    r.pred.assign(n, npos32);
    r.blocked_time.clear();
    std::vector<char> done(n, 0);
    using QE = std::pair<double, std::uint32_t>;
    std::priority_queue<QE, std::vector<QE>, std::greater<>> q;
    auto relax = [&](std::uint32_t v, double t, std::uint32_t from) {
        if (t > limit) return;
        if (close && t >= (*close)[v]) {
            // a block in place: the suspect reaches it but does not pass
            auto it = r.blocked_time.find(v);
            if (it == r.blocked_time.end() || t < it->second) r.blocked_time[v] = t;
            return;
        }
        if (t < r.time[v]) {
            r.time[v] = t;
            r.pred[v] = from;
            q.push({t, v});
        }
    };
    for (const auto &[v, dt] : start_nodes(net, g, at))
        relax(v, t0 + dt, npos32);
    while (!q.empty()) {
        const auto [t, v] = q.top();
        q.pop();
        if (done[v] || t > r.time[v]) continue;
        done[v] = 1;
        ++r.settled;
        if (stop_at && (*stop_at)[v]) {
            if (!r.first_stop) r.first_stop = v;
            if (stop_first) break;
            continue; // out: the suspect does not come back through it
        }
        for (std::uint32_t k = g.offsets[v]; k < g.offsets[v + 1]; ++k) {
            const auto &a = g.arcs[k];
            relax(a.head, t + a.time_s, v);
        }
    }
    return r;
}

std::vector<std::uint32_t> path_to(const DijkstraResult &r, std::uint32_t v) {
    std::vector<std::uint32_t> p;
    for (std::uint32_t x = v; x != npos32; x = r.pred[x])
        p.push_back(x);
    std::reverse(p.begin(), p.end());
    return p;
}

// ---- max flow (Dinic) over the node-split suspect graph ----

FlowGraph::FlowGraph(const Network &net, const SuspectGraph &g, const std::vector<char> &outside,
                     const std::vector<char> &removed,
                     const std::vector<std::pair<std::uint32_t, double>> &starts) {
    const std::uint32_t n = static_cast<std::uint32_t>(net.node_count());
    node_count = 2 * n + 2;
    source = 2 * n;
    sink = 2 * n + 1;
    // count arcs first
    std::vector<std::uint32_t> cnt(node_count + 1, 0);
    auto count = [&](std::uint32_t a, std::uint32_t b) {
        ++cnt[a + 1];
        ++cnt[b + 1];
    };
    for (std::uint32_t v = 0; v < n; ++v) {
        if (removed[v]) continue;
        if (outside[v]) {
            count(2 * v, sink);
            continue;
        }
        count(2 * v, 2 * v + 1);
        for (std::uint32_t k = g.offsets[v]; k < g.offsets[v + 1]; ++k)
            if (!removed[g.arcs[k].head]) count(2 * v + 1, 2 * g.arcs[k].head);
    }
    for (const auto &s : starts)
        if (!removed[s.first]) count(source, 2 * s.first);
    for (std::size_t i = 0; i < node_count; ++i)
        cnt[i + 1] += cnt[i];
    offsets = cnt;
    head.resize(cnt.back());
    rev.resize(cnt.back());
    base_cap.assign(cnt.back(), 0);
    split_arc.assign(n, npos32);
    std::vector<std::uint32_t> pos(offsets.begin(), offsets.end() - 1);
    auto add = [&](std::uint32_t a, std::uint32_t b, std::int32_t c) {
        const std::uint32_t ia = pos[a]++, ib = pos[b]++;
        head[ia] = b;
        head[ib] = a;
        rev[ia] = ib;
        rev[ib] = ia;
        base_cap[ia] = c;
        base_cap[ib] = 0;
        return ia;
    };
    for (std::uint32_t v = 0; v < n; ++v) {
        if (removed[v]) continue;
        if (outside[v]) {
            add(2 * v, sink, big);
            continue;
        }
        split_arc[v] = add(2 * v, 2 * v + 1, big);
        for (std::uint32_t k = g.offsets[v]; k < g.offsets[v + 1]; ++k)
            if (!removed[g.arcs[k].head]) add(2 * v + 1, 2 * g.arcs[k].head, big);
    }
    for (const auto &s : starts)
        if (!removed[s.first]) add(source, 2 * s.first, big);
    cap = base_cap;
    level.resize(node_count);
    it.resize(node_count);
}

void FlowGraph::set_node_capacity(std::uint32_t v, std::int32_t c) {
    if (split_arc[v] != npos32) base_cap[split_arc[v]] = c;
}

bool FlowGraph::bfs() {
    std::fill(level.begin(), level.end(), -1);
    std::vector<std::uint32_t> &q = queue;
    q.clear();
    q.push_back(source);
    level[source] = 0;
    for (std::size_t i = 0; i < q.size(); ++i) {
        const std::uint32_t v = q[i];
        for (std::uint32_t k = offsets[v]; k < offsets[v + 1]; ++k)
            if (cap[k] > 0 && level[head[k]] < 0) {
                level[head[k]] = level[v] + 1;
                if (head[k] == sink) return true; // levels beyond the sink's are not needed
                q.push_back(head[k]);
            }
    }
    return level[sink] >= 0;
}

std::int64_t FlowGraph::dfs(std::uint32_t v, std::int64_t f) {
    if (v == sink) return f;
    for (std::uint32_t &k = it[v]; k < offsets[v + 1]; ++k) {
        const std::uint32_t w = head[k];
        if (cap[k] <= 0 || level[w] != level[v] + 1) continue;
        if (w != sink && level[w] >= level[sink]) continue;
        const std::int64_t d = dfs(w, std::min<std::int64_t>(f, cap[k]));
        if (d > 0) {
            cap[k] -= static_cast<std::int32_t>(d);
            cap[rev[k]] += static_cast<std::int32_t>(d);
            return d;
        }
    }
    return 0;
}

std::int64_t FlowGraph::max_flow(std::int64_t stop_above) {
    cap = base_cap;
    std::int64_t flow = 0;
    while (flow <= stop_above && bfs()) {
        for (std::size_t i = 0; i < node_count; ++i)
            it[i] = offsets[i];
        // the DFS is recursive along one path: its depth is the path's length in nodes
        while (flow <= stop_above) {
            const std::int64_t f = dfs(source, big);
            if (f <= 0) break;
            flow += f;
        }
    }
    return flow;
}

std::vector<char> FlowGraph::source_side() const {
    std::vector<char> seen(node_count, 0);
    std::vector<std::uint32_t> q{source};
    seen[source] = 1;
    for (std::size_t i = 0; i < q.size(); ++i) {
        const std::uint32_t v = q[i];
        for (std::uint32_t k = offsets[v]; k < offsets[v + 1]; ++k)
            if (cap[k] > 0 && !seen[head[k]]) {
                seen[head[k]] = 1;
                q.push_back(head[k]);
            }
    }
    return seen;
}

// ---- bipartite matching with unit capacities ----

Matching match_blocks(const std::vector<std::vector<std::pair<std::size_t, double>>> &options,
                      std::size_t units, int per_unit, double threshold) {
    const std::size_t m = options.size();
    Matching res;
    res.unit_of.assign(m, npos);
    std::vector<std::vector<std::size_t>> held(units);
    std::vector<char> seen(units);
    std::function<bool(std::size_t)> augment = [&](std::size_t b) -> bool {
        for (const auto &[u, t] : options[b]) {
            if (t > threshold || seen[u]) continue;
            seen[u] = 1;
            if (static_cast<int>(held[u].size()) < per_unit) {
                held[u].push_back(b);
                res.unit_of[b] = u;
                return true;
            }
            for (std::size_t &other : held[u])
                if (augment(other)) {
                    other = b;
                    res.unit_of[b] = u;
                    return true;
                }
        }
        return false;
    };
    for (std::size_t b = 0; b < m; ++b) {
        std::fill(seen.begin(), seen.end(), 0);
        if (augment(b)) ++res.matched;
    }
    return res;
}

Matching bottleneck_match(const std::vector<std::vector<std::pair<std::size_t, double>>> &options,
                          std::size_t units, int per_unit, double *bottleneck) {
    std::vector<double> ts;
    for (const auto &o : options)
        for (const auto &p : o)
            ts.push_back(p.second);
    std::sort(ts.begin(), ts.end());
    ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
    Matching best = match_blocks(options, units, per_unit, inf);
    if (best.matched < options.size() || ts.empty()) {
        if (bottleneck) *bottleneck = inf;
        return best;
    }
    std::size_t lo = 0, hi = ts.size() - 1;
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (match_blocks(options, units, per_unit, ts[mid]).matched == options.size())
            hi = mid;
        else
            lo = mid + 1;
    }
    if (bottleneck) *bottleneck = ts[lo];
    return match_blocks(options, units, per_unit, ts[lo]);
}

} // namespace seal_detail

using namespace seal_detail;

// ---------------------------------------------------------------------------------------------
// Options

SealOptions seal_options(const SealSettings &s) {
    SealOptions o;
    o.head_start_s = s.head_start_s;
    o.within_s = s.within_s;
    o.margin_s = s.margin_s;
    const auto it = s.suspects.find(s.suspect);
    if (it != s.suspects.end()) o.suspect = it->second;
    o.blocks_per_unit = s.blocks_per_unit;
    return o;
}

SealUnitOptions seal_unit_options(const SealSettings &s, const UnitSettings &units) {
    SealUnitOptions o;
    o.unit_profile = s.unit_profile;
    o.turnout_s = units.turnout_s;
    o.default_turnout_s = units.default_turnout_s;
    return o;
}

// ---------------------------------------------------------------------------------------------
// The context

SealContext::SealContext(const Network &net, std::vector<Unit> units, SealArea area,
                         const SealUnitOptions &options)
    : m_impl(std::make_unique<Impl>()) {
    Impl &m = *m_impl;
    m.net = &net;
    m.units = std::move(units);
    m.options = options;
    const std::size_t n = net.node_count();
    if (area.boundary.empty() && area.exits.empty())
        throw Error(ErrorCode::invalid_argument,
                    "seal-off needs a study boundary or exits: where is outside?");
    m.outside.assign(n, 0);
    Network::SnapOptions so;
    so.max_distance_m = options.snap_max_m;
    so.largest_component_only = false;
    auto nearest_end = [&](const Network::Snap &s) {
        const auto &e = net.edge(s.edge);
        return s.offset_m <= e.length_m / 2 ? e.from : e.to;
    };
    if (!area.exits.empty()) {
        for (std::size_t i = 0; i < area.exits.size(); ++i) {
            so.profile = Profile::walk;
            auto s = net.snap(area.exits[i], so);
            if (!s) {
                m.warnings.push_back("exit " + std::to_string(i + 1) + " is more than " +
                                     std::to_string(int(options.snap_max_m)) +
                                     " m from the network; left out");
                continue;
            }
            const std::uint32_t v = nearest_end(*s);
            m.outside[v] = 1;
            m.exit_nodes.push_back(v);
        }
    } else {
        for (std::uint32_t v = 0; v < n; ++v)
            m.outside[v] = contains(area.boundary, net.node(v)) ? 0 : 1;
    }
    if (std::find(m.outside.begin(), m.outside.end(), 1) == m.outside.end())
        throw Error(ErrorCode::invalid_argument,
                    area.exits.empty()
                        ? "no node of the network lies outside the study boundary: nothing to "
                          "seal off from — declare the jurisdiction's boundary in "
                          "[layers.boundary] (the roads must cross it; scene init's synthetic "
                          "hull holds them all) or give the exits (--exits LAYER)"
                        : "no exit lies on the network");
    for (std::size_t i = 0; i < area.fixed.size(); ++i) {
        so.profile = options.unit_profile;
        auto s = net.snap(area.fixed[i], so);
        if (!s) {
            m.warnings.push_back("checkpoint " + std::to_string(i + 1) +
                                 " is too far from the network; left out");
            continue;
        }
        m.fixed.push_back(nearest_end(*s));
    }
    // units: turnout, snap, one search each
    m.turnout.resize(m.units.size());
    m.on_net.assign(m.units.size(), 0);
    m.snaps.resize(m.units.size());
    m.reach.resize(m.units.size());
    for (std::size_t u = 0; u < m.units.size(); ++u) {
        const Unit &un = m.units[u];
        double t = options.default_turnout_s;
        if (options.turnout_all_s)
            t = *options.turnout_all_s;
        else if (auto it = options.turnout_s.find(un.kind); it != options.turnout_s.end())
            t = it->second;
        m.turnout[u] = t;
        so.profile = options.unit_profile;
        so.largest_component_only = true;
        auto s = net.snap(un.position, so);
        if (!s) {
            m.warnings.push_back((un.origin.empty() ? "" : un.origin.describe() + ": ") + "unit " +
                                 un.id + " is more than " +
                                 std::to_string(int(options.snap_max_m)) +
                                 " m from a road it can drive; left out");
            continue;
        }
        m.on_net[u] = 1;
        m.snaps[u] = *s;
        RoutingOptions ro;
        ro.profile = options.unit_profile;
        ro.limit_s = std::max(0.0, options.limit_s - t);
        m.reach[u] = shortest_times(net, {RoutingSource{*s, 0.0}}, ro);
    }
    // per node: (unit, arrival) by arrival
    m.arr_offsets.assign(n + 1, 0);
    std::vector<std::vector<std::uint32_t>> reached(m.units.size());
    for (std::size_t u = 0; u < m.units.size(); ++u)
        if (m.on_net[u]) reached[u] = m.reach[u].reached_nodes();
    for (const auto &nodes : reached)
        for (std::uint32_t v : nodes)
            ++m.arr_offsets[v + 1];
    for (std::size_t v = 0; v < n; ++v)
        m.arr_offsets[v + 1] += m.arr_offsets[v];
    m.arrivals.resize(m.arr_offsets.back());
    std::vector<std::uint32_t> pos(m.arr_offsets.begin(), m.arr_offsets.end() - 1);
    for (std::size_t u = 0; u < m.units.size(); ++u)
        for (std::uint32_t v : reached[u])
            m.arrivals[pos[v]++] = {static_cast<std::uint32_t>(u),
                                    m.reach[u].time(v) + m.turnout[u]};
    for (std::uint32_t v = 0; v < n; ++v)
        std::sort(m.arrivals.begin() + m.arr_offsets[v], m.arrivals.begin() + m.arr_offsets[v + 1],
                  [](const auto &a, const auto &b) { return a.second < b.second; });
}

SealContext::~SealContext() = default;
SealContext::SealContext(SealContext &&) noexcept = default;
SealContext &SealContext::operator=(SealContext &&) noexcept = default;

const Network &SealContext::network() const {
    return *m_impl->net;
}
const std::vector<Unit> &SealContext::units() const {
    return m_impl->units;
}
double SealContext::turnout_s(std::size_t u) const {
    return m_impl->turnout[u];
}
bool SealContext::unit_on_network(std::size_t u) const {
    return m_impl->on_net[u];
}
double SealContext::arrival_s(std::size_t u, std::uint32_t node) const {
    if (!m_impl->on_net[u]) return inf;
    return m_impl->reach[u].time(node) + m_impl->turnout[u];
}
double SealContext::arrival_s(std::size_t u, const Network::Snap &at) const {
    if (!m_impl->on_net[u]) return inf;
    return time_at(*m_impl->net, m_impl->reach[u], at.edge, at.offset_m) + m_impl->turnout[u];
}
bool SealContext::is_outside(std::uint32_t node) const {
    return m_impl->outside[node];
}
const std::vector<std::uint32_t> &SealContext::fixed_nodes() const {
    return m_impl->fixed;
}
const std::vector<std::uint32_t> &SealContext::exit_nodes() const {
    return m_impl->exit_nodes;
}
std::vector<std::string> SealContext::warnings() const {
    return m_impl->warnings;
}

LineString SealContext::unit_route(std::size_t u, std::uint32_t node) const {
    const Impl &m = *m_impl;
    const Network &net = *m.net;
    LineString out;
    if (!m.on_net[u] || !m.reach[u].is_reached(node)) return out;
    const Reach &r = m.reach[u];
    const Network::Snap &s = m.snaps[u];
    std::vector<LineString> parts;
    std::uint32_t v = node;
    for (std::size_t guard = 0; guard < net.node_count(); ++guard) {
        const std::uint32_t e = r.edge(v);
        if (e == Reach::npos) break;
        const auto &ed = net.edge(e);
        if (e == s.edge) {
            // from the snap point along the source edge to v
            LineString l = v == ed.to ? net.sub_line(e, s.offset_m, ed.length_m)
                                      : net.sub_line(e, 0.0, s.offset_m);
            if (v != ed.to) std::reverse(l.begin(), l.end());
            parts.push_back(std::move(l));
            break;
        }
        const std::uint32_t prev = ed.from == v ? ed.to : ed.from;
        const auto g = net.edge_geometry(e);
        LineString l(g.begin(), g.end());
        if (ed.to != v) std::reverse(l.begin(), l.end());
        parts.push_back(std::move(l));
        if (prev == v) break;
        v = prev;
    }
    for (auto it = parts.rbegin(); it != parts.rend(); ++it)
        for (const XY &p : *it)
            if (out.empty() || distance(out.back(), p) > 1e-9) out.push_back(p);
    return out;
}

// ---------------------------------------------------------------------------------------------
// One incident

namespace {

struct Solver {
    const SealContext::Impl &m;
    const Network &net;
    const SealOptions &o;
    SuspectGraph graph;
    Network::Snap at;
    std::vector<std::pair<std::uint32_t, double>> starts;
    std::vector<double> ts;   ///< suspect's earliest time per node (after the report)
    std::vector<double> cand; ///< earliest in-time arrival per node (inf: none)
    std::vector<char> fixed_in_time;
    std::vector<std::uint32_t> fixed_used;
    std::size_t capacity = 0; ///< units on the network × blocks per unit
    std::size_t flow_runs = 0;
    std::unique_ptr<FlowGraph> flow;

    Solver(const SealContext::Impl &m_, const SealOptions &o_, const Network::Snap &at_,
           double head_start_s)
        : m(m_), net(*m_.net), o(o_), graph(net, o_.suspect), at(at_) {
        const std::size_t n = net.node_count();
        starts = start_nodes(net, graph, at);
        const double limit = o.within_s + o.margin_s + 1.0;
        const DijkstraResult r =
            suspect_search(net, graph, at, -head_start_s, limit, nullptr, nullptr, false);
        ts = r.time;
        cand.assign(n, inf);
        for (std::uint32_t v = 0; v < n; ++v) {
            if (m.outside[v]) continue;
            const auto b = m.arr_offsets[v], e = m.arr_offsets[v + 1];
            if (b == e) continue;
            const double a = m.arrivals[b].second;
            if (a <= o.within_s && a + o.margin_s <= ts[v]) cand[v] = a;
        }
        fixed_in_time.assign(n, 0);
        for (std::uint32_t v : m.fixed)
            if (!m.outside[v] && o.margin_s <= ts[v] && !fixed_in_time[v]) {
                fixed_in_time[v] = 1;
                fixed_used.push_back(v);
            }
        for (std::size_t u = 0; u < m.units.size(); ++u)
            if (m.on_net[u]) capacity += static_cast<std::size_t>(std::max(1, o.blocks_per_unit));
        // Places from which the suspect gets out without passing any place a unit reaches in
        // time by the ring time limit are as good as outside for every ring time: merging them
        // into the sink keeps the max flows near the incident.
        std::vector<char> as_out(m.outside);
        {
            std::vector<std::uint32_t> rof(n + 1, 0), rin;
            for (std::uint32_t v = 0; v < n; ++v)
                for (std::uint32_t k = graph.offsets[v]; k < graph.offsets[v + 1]; ++k)
                    ++rof[graph.arcs[k].head + 1];
            for (std::size_t i = 0; i < n; ++i)
                rof[i + 1] += rof[i];
            rin.resize(rof.back());
            std::vector<std::uint32_t> pos(rof.begin(), rof.end() - 1);
            for (std::uint32_t v = 0; v < n; ++v)
                for (std::uint32_t k = graph.offsets[v]; k < graph.offsets[v + 1]; ++k)
                    rin[pos[graph.arcs[k].head]++] = v;
            std::vector<std::uint32_t> q;
            for (std::uint32_t v = 0; v < n; ++v)
                if (as_out[v] && !fixed_in_time[v]) q.push_back(v);
            for (std::size_t i = 0; i < q.size(); ++i)
                for (std::uint32_t k = rof[q[i]]; k < rof[q[i] + 1]; ++k) {
                    const std::uint32_t u = rin[k];
                    if (as_out[u] || fixed_in_time[u] || cand[u] <= o.within_s) continue;
                    as_out[u] = 1;
                    q.push_back(u);
                }
        }
        flow = std::make_unique<FlowGraph>(net, graph, as_out, fixed_in_time, starts);
    }

    bool starts_outside() const {
        for (const auto &s : starts)
            if (m.outside[s.first] && !fixed_in_time[s.first]) return true;
        return false;
    }

    /// Eligible (unit, arrival) pairs of node v at ring time T.
    std::vector<std::pair<std::size_t, double>> options_of(std::uint32_t v, double T) const {
        std::vector<std::pair<std::size_t, double>> out;
        for (auto k = m.arr_offsets[v]; k < m.arr_offsets[v + 1]; ++k) {
            const auto &[u, a] = m.arrivals[k];
            if (a > T) break;
            if (a + o.margin_s <= ts[v]) out.push_back({u, a});
        }
        return out;
    }

    /// Max flow at T with candidate capacities `w` (1 by default), non-candidates `other`.
    std::int64_t run(double T, std::int32_t other, const std::vector<std::int32_t> *w,
                     std::int64_t stop_above) {
        for (std::uint32_t v = 0; v < net.node_count(); ++v)
            flow->set_node_capacity(v, cand[v] <= T ? (w ? (*w)[v] : 1) : other);
        ++flow_runs;
        return flow->max_flow(stop_above);
    }

    /// The cut of the last run: nodes whose split arc crosses from the source side.
    std::vector<std::uint32_t> cut_nodes(std::vector<char> *side) const {
        const std::vector<char> seen = flow->source_side();
        std::vector<std::uint32_t> cut;
        for (std::uint32_t v = 0; v < net.node_count(); ++v)
            if (flow->split_arc[v] != npos32 && seen[2 * v] && !seen[2 * v + 1]) cut.push_back(v);
        if (side) {
            side->assign(net.node_count(), 0);
            for (std::uint32_t v = 0; v < net.node_count(); ++v)
                (*side)[v] = seen[2 * v];
        }
        return cut;
    }

    /// The cut of the last run nearest the outside: split arcs into the part that still
    /// reaches the sink in the residual graph. `side`: the nodes that do not (inside).
    std::vector<std::uint32_t> sink_cut_nodes(std::vector<char> *side) const {
        const FlowGraph &f = *flow;
        std::vector<char> reach(f.node_count, 0);
        std::vector<std::uint32_t> q{f.sink};
        reach[f.sink] = 1;
        for (std::size_t i = 0; i < q.size(); ++i) {
            const std::uint32_t y = q[i];
            for (std::uint32_t k = f.offsets[y]; k < f.offsets[y + 1]; ++k) {
                const std::uint32_t x = f.head[k];
                if (!reach[x] && f.cap[f.rev[k]] > 0) {
                    reach[x] = 1;
                    q.push_back(x);
                }
            }
        }
        const std::vector<char> from_source = f.source_side();
        std::vector<std::uint32_t> cut;
        for (std::uint32_t v = 0; v < net.node_count(); ++v)
            if (f.split_arc[v] != npos32 && !reach[2 * v] && reach[2 * v + 1]) cut.push_back(v);
        if (side) {
            side->assign(net.node_count(), 0);
            for (std::uint32_t v = 0; v < net.node_count(); ++v)
                (*side)[v] = !reach[2 * v] && from_source[2 * v] ? 1 : 0;
        }
        return cut;
    }

    /// Whether the suspect can get out without passing any place a unit reaches in time by T
    /// (then no plan exists at T); one search instead of a max flow.
    bool open_without_candidates(double T) const {
        std::vector<char> seen(net.node_count(), 0);
        std::vector<std::uint32_t> q;
        for (const auto &st : starts)
            if (!fixed_in_time[st.first] && !(cand[st.first] <= T) && !seen[st.first]) {
                seen[st.first] = 1;
                q.push_back(st.first);
            }
        for (std::size_t i = 0; i < q.size(); ++i) {
            const std::uint32_t v = q[i];
            if (m.outside[v]) return true;
            for (std::uint32_t k = graph.offsets[v]; k < graph.offsets[v + 1]; ++k) {
                const std::uint32_t w = graph.arcs[k].head;
                if (seen[w] || fixed_in_time[w] || cand[w] <= T) continue;
                seen[w] = 1;
                q.push_back(w);
            }
        }
        return false;
    }

    bool cut_exists(double T) {
        if (open_without_candidates(T)) return false;
        return run(T, FlowGraph::big, nullptr, static_cast<std::int64_t>(capacity)) <=
               static_cast<std::int64_t>(capacity);
    }

    struct Attempt {
        bool ok = false;
        std::vector<std::uint32_t> cut;
        Matching match;
        double bottleneck = inf;
        std::vector<char> side;
        bool first_round = false;
    };

    /// A cut at T matched to units: round 1 the minimum cut, then unmatched blocks dearer.
    Attempt plan_at(double T) {
        Attempt best;
        std::vector<std::int32_t> w(net.node_count(), 1);
        const std::int32_t step = static_cast<std::int32_t>(capacity) + 1;
        for (int round = 0; round < std::max(1, o.heuristic_rounds); ++round) {
            const std::int64_t f =
                run(T, FlowGraph::big, round ? &w : nullptr,
                    round ? FlowGraph::big / 2 : static_cast<std::int64_t>(capacity));
            if (f >= FlowGraph::big / 2 || (!round && f > std::int64_t(capacity))) return best;
            // the minimum cut nearest the incident, then the one nearest the outside
            std::vector<std::uint32_t> unmatched;
            for (int far = 0; far < 2; ++far) {
                Attempt a;
                a.cut = far ? sink_cut_nodes(&a.side) : cut_nodes(&a.side);
                if (a.cut.size() > capacity) continue;
                std::vector<std::vector<std::pair<std::size_t, double>>> opts;
                for (std::uint32_t v : a.cut)
                    opts.push_back(options_of(v, T));
                a.match = bottleneck_match(opts, m.units.size(), std::max(1, o.blocks_per_unit),
                                           &a.bottleneck);
                if (a.match.matched == a.cut.size()) {
                    a.ok = true;
                    a.first_round = round == 0 && !far;
                    return a;
                }
                for (std::size_t i = 0; i < a.cut.size(); ++i)
                    if (a.match.unit_of[i] == npos) unmatched.push_back(a.cut[i]);
            }
            if (unmatched.empty()) break;
            // the places no free unit could take: avoid them unless nothing else closes the ring
            for (std::uint32_t v : unmatched)
                w[v] = std::min<std::int32_t>(FlowGraph::big / 8, w[v] + step);
        }
        return best;
    }
};

std::vector<double> arrival_values(const Solver &s) {
    std::vector<double> vals;
    for (std::uint32_t v = 0; v < s.net.node_count(); ++v)
        if (std::isfinite(s.cand[v]))
            for (auto k = s.m.arr_offsets[v]; k < s.m.arr_offsets[v + 1]; ++k) {
                const double a = s.m.arrivals[k].second;
                if (a > s.o.within_s) break;
                if (a + s.o.margin_s <= s.ts[v]) vals.push_back(a);
            }
    std::sort(vals.begin(), vals.end());
    vals.erase(std::unique(vals.begin(), vals.end()), vals.end());
    return vals;
}

/// The feasibility part of a plan: sealed or not, with blocks (no head-start search).
SealPlan solve(const SealContext &ctx, const Network::Snap &at, const SealOptions &o,
               double head_start_s, bool partial) {
    const SealContext::Impl &m = ctx.impl();
    const Network &net = *m.net;
    SealPlan plan;
    plan.snapped = true;
    plan.at = at;
    plan.method = "min vertex cut over in-time junctions, binary search over the ring time, "
                  "bottleneck matching to units";
    Solver s(m, o, at, head_start_s);
    auto finish = [&](SealPlan &p) {
        p.flow_runs = s.flow_runs;
        p.suspect_s = s.ts;
    };
    auto add_fixed = [&](SealPlan &p) {
        for (std::uint32_t v : s.fixed_used) {
            SealBlock b;
            b.node = v;
            b.position = net.node(v);
            b.unit = SealBlock::npos;
            b.arrival_s = 0.0;
            b.suspect_s = s.ts[v];
            b.margin_s = s.ts[v];
            b.fixed = true;
            p.blocks.push_back(b);
        }
    };
    auto fill_blocks = [&](SealPlan &p, const std::vector<std::uint32_t> &cut,
                           const Matching &match) {
        for (std::size_t i = 0; i < cut.size(); ++i) {
            if (match.unit_of[i] == npos) continue;
            SealBlock b;
            b.node = cut[i];
            b.position = net.node(cut[i]);
            b.unit = match.unit_of[i];
            b.arrival_s = ctx.arrival_s(b.unit, cut[i]);
            b.suspect_s = s.ts[cut[i]];
            b.margin_s = b.suspect_s - b.arrival_s;
            p.blocks.push_back(b);
        }
        std::sort(p.blocks.begin(), p.blocks.end(),
                  [](const SealBlock &a, const SealBlock &b) { return a.arrival_s < b.arrival_s; });
        p.ring_complete_s = 0.0;
        for (const auto &b : p.blocks)
            p.ring_complete_s = std::max(p.ring_complete_s, b.arrival_s);
        add_fixed(p);
    };
    auto fill_enclosed = [&](SealPlan &p, const std::vector<char> &side,
                             const std::vector<std::uint32_t> &cut) {
        std::vector<char> in(side);
        for (std::uint32_t v : cut)
            in[v] = 1; // the blocks belong to the ring
        for (std::uint32_t v = 0; v < net.node_count(); ++v)
            if (in[v]) p.enclosed.push_back(v);
        p.enclosed_nodes = p.enclosed.size();
        for (std::uint32_t e = 0; e < net.edge_count(); ++e)
            if (in[net.edge(e).from] && in[net.edge(e).to])
                p.enclosed_road_m += net.edge(e).length_m;
    };

    if (s.starts.empty()) {
        // the suspect cannot move from the point (a one-way stub it may not leave): sealed
        plan.sealed = true;
        plan.exact = true;
        plan.lower_bound_ring_s = 0;
        plan.certificate = check_seal(ctx, at, plan.blocks, o);
        finish(plan);
        return plan;
    }
    const bool out_now = s.starts_outside();
    const std::vector<double> vals = arrival_values(s);
    // the exact lower bound on the ring time: the first T with a small enough cut
    std::optional<std::size_t> lb;
    if (!out_now) {
        // no block needed at all?
        if (s.run(-1.0, FlowGraph::big, nullptr, 0) == 0) {
            plan.sealed = true;
            plan.exact = true;
            plan.minimal = true;
            plan.lower_bound_ring_s = 0;
            add_fixed(plan);
            std::vector<char> side;
            s.cut_nodes(&side);
            fill_enclosed(plan, side, {});
            plan.certificate = check_seal(ctx, at, plan.blocks, o);
            finish(plan);
            return plan;
        }
        if (!vals.empty() && s.cut_exists(vals.back())) {
            std::size_t lo = 0, hi = vals.size() - 1;
            while (lo < hi) {
                const std::size_t mid = (lo + hi) / 2;
                if (s.cut_exists(vals[mid]))
                    hi = mid;
                else
                    lo = mid + 1;
            }
            lb = lo;
        }
    }
    if (lb) {
        plan.lower_bound_ring_s = vals[*lb];
        s.run(vals[*lb], FlowGraph::big, nullptr, std::int64_t(s.capacity));
        plan.lower_bound_blocks = s.cut_nodes(nullptr).size();
        // the plan: first at the bound, then a binary search above it (the heuristic's
        // success is taken as monotone in T)
        Solver::Attempt a = s.plan_at(vals[*lb]);
        std::size_t at_index = *lb;
        if (!a.ok && *lb + 1 < vals.size()) {
            std::size_t lo = *lb + 1, hi = vals.size() - 1;
            Solver::Attempt top = s.plan_at(vals[hi]);
            if (top.ok) {
                Solver::Attempt found = top;
                std::size_t found_i = hi;
                while (lo < hi) {
                    const std::size_t mid = (lo + hi) / 2;
                    Solver::Attempt t = s.plan_at(vals[mid]);
                    if (t.ok) {
                        found = std::move(t);
                        found_i = mid;
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                if (found_i != lo) {
                    found = s.plan_at(vals[lo]);
                    found_i = lo;
                }
                a = std::move(found);
                at_index = found_i;
            }
        }
        if (a.ok) {
            plan.sealed = true;
            // fewest blocks of any plan complete by this ring time: the minimum cut there
            if (at_index != *lb) {
                s.run(vals[at_index], FlowGraph::big, nullptr, std::int64_t(s.capacity));
                plan.lower_bound_blocks = s.cut_nodes(nullptr).size();
            }
            fill_blocks(plan, a.cut, a.match);
            fill_enclosed(plan, a.side, a.cut);
            plan.exact = at_index == *lb && a.cut.size() == plan.lower_bound_blocks &&
                         plan.ring_complete_s <= plan.lower_bound_ring_s;
            if (!plan.exact)
                plan.method += " (heuristic: the blocks could not all be matched at the lower "
                               "bound; cut re-weighted)";
            plan.certificate = check_seal(ctx, at, plan.blocks, o);
            // minimality: without any one unit block, the suspect escapes
            plan.minimal = true;
            for (std::size_t i = 0; i < plan.blocks.size(); ++i) {
                if (plan.blocks[i].fixed) continue;
                std::vector<SealBlock> less = plan.blocks;
                less.erase(less.begin() + static_cast<std::ptrdiff_t>(i));
                if (check_seal(ctx, at, less, o).holds) {
                    plan.minimal = false;
                    break;
                }
            }
            finish(plan);
            return plan;
        }
        plan.reason_code = "too_few_units_near";
        plan.reason = "too few units near: every ring of places a unit reaches in time needs "
                      "two blocks only the same unit reaches in time";
    } else if (out_now) {
        plan.reason_code = "already_out";
        plan.reason = "the suspect is already out (the incident is at the edge of the area)";
    } else {
        // no cut of in-time places at all, or one needing more blocks than units
        const bool any_cut = !s.open_without_candidates(o.within_s);
        plan.reason_code = any_cut ? "too_many_ways_out" : "no_ring_in_time";
        plan.reason = any_cut ? "too many ways out: every ring needs more blocks than there are "
                                "units"
                              : "no ring in time: on every way out there are places no unit "
                                "reaches before the suspect";
    }
    if (!partial) {
        finish(plan);
        return plan;
    }
    // the best partial plan at the ring time limit: in-time places cost 1, other places a lot
    std::vector<std::uint32_t> cut;
    std::vector<char> side;
    if (!out_now) {
        const std::int32_t dear = 1000;
        // over the real outside: the open places are where a block is missing
        s.flow = std::make_unique<FlowGraph>(net, s.graph, m.outside, s.fixed_in_time, s.starts);
        s.run(o.within_s, dear, nullptr, FlowGraph::big / 2);
        cut = s.cut_nodes(&side);
    }
    std::vector<std::uint32_t> blockable;
    std::vector<std::uint32_t> open;
    for (std::uint32_t v : cut)
        (s.cand[v] <= o.within_s ? blockable : open).push_back(v);
    std::vector<std::vector<std::pair<std::size_t, double>>> opts;
    for (std::uint32_t v : blockable)
        opts.push_back(s.options_of(v, o.within_s));
    double bn = inf;
    const Matching match =
        bottleneck_match(opts, m.units.size(), std::max(1, o.blocks_per_unit), &bn);
    std::vector<std::string> why(net.node_count());
    for (std::uint32_t v : open) {
        bool reaches = false;
        for (auto k = m.arr_offsets[v]; k < m.arr_offsets[v + 1]; ++k)
            if (m.arrivals[k].second <= o.within_s) reaches = true;
        why[v] = m.outside[v] ? "outside"
                 : reaches    ? "every unit that reaches it arrives after the suspect"
                              : "no unit reaches it within the ring time";
    }
    for (std::size_t i = 0; i < blockable.size(); ++i)
        if (match.unit_of[i] == npos) {
            open.push_back(blockable[i]);
            why[blockable[i]] = "the units that reach it in time hold other blocks";
        }
    fill_blocks(plan, blockable, match);
    if (!side.empty()) fill_enclosed(plan, side, cut);
    plan.certificate = check_seal(ctx, at, plan.blocks, o);
    // the routes that stay open: the earliest escape, then with its open place shut, the next
    std::vector<SealBlock> shut = plan.blocks;
    std::vector<char> is_open(net.node_count(), 0);
    for (std::uint32_t v : open)
        is_open[v] = 1;
    for (std::size_t k = 0; k < o.open_routes; ++k) {
        const SealCertificate c = check_seal(ctx, at, shut, o);
        if (c.holds || !c.escape_node) break;
        SealOpenRoute r;
        r.nodes = c.escape_route;
        r.out_s = c.escape_s;
        r.open_node = *c.escape_node;
        for (std::uint32_t v : r.nodes)
            if (is_open[v]) {
                r.open_node = v;
                break;
            }
        r.why = why[r.open_node].empty()
                    ? (m.outside[r.open_node] ? "the suspect is out there" : "not blocked")
                    : why[r.open_node];
        SealBlock b;
        b.node = r.open_node;
        b.arrival_s = -inf; // shut for the search of the next route
        b.fixed = true;
        shut.push_back(b);
        plan.open_routes.push_back(std::move(r));
    }
    finish(plan);
    return plan;
}

} // namespace

SealPlan seal_incident(const SealContext &ctx, XY point, const SealOptions &o) {
    if (!(o.within_s > 0) || !(o.head_start_s >= 0) || !(o.margin_s >= 0) ||
        !(o.suspect.speed_factor > 0) || o.blocks_per_unit < 1)
        throw Error(ErrorCode::invalid_argument,
                    "seal-off options: the ring time must be positive, the head start and the "
                    "margin not negative, the speed factor positive, one block per unit at least");
    const Network &net = ctx.network();
    Network::SnapOptions so;
    so.profile = o.suspect.profile;
    so.max_distance_m = o.snap_max_m;
    const auto at = net.snap(point, so);
    if (!at) return SealPlan{};
    SealPlan plan = solve(ctx, *at, o, o.head_start_s, true);
    if (!plan.sealed && o.find_head_start && o.head_start_s > 0) {
        // the largest head start that seals, to the step (sealing is monotone in it)
        if (solve(ctx, *at, o, 0.0, false).sealed) {
            double lo = 0.0, hi = o.head_start_s; // seals at lo, not at hi
            const double step = std::max(1.0, o.head_start_step_s);
            while (hi - lo > step) {
                const double mid = 0.5 * (lo + hi);
                if (solve(ctx, *at, o, mid, false).sealed)
                    lo = mid;
                else
                    hi = mid;
            }
            plan.seal_head_start_s = std::floor(lo);
        }
    }
    return plan;
}

SealCertificate check_seal(const SealContext &ctx, const Network::Snap &at,
                           const std::vector<SealBlock> &blocks, const SealOptions &o) {
    const SealContext::Impl &m = ctx.impl();
    const Network &net = *m.net;
    const SuspectGraph g(net, o.suspect);
    std::vector<double> close(net.node_count(), inf);
    for (const auto &b : blocks)
        close[b.node] = std::min(close[b.node], b.arrival_s);
    const DijkstraResult r =
        suspect_search(net, g, at, -o.head_start_s, inf, &close, &m.outside, true);
    SealCertificate c;
    c.settled = r.settled;
    c.holds = !r.first_stop.has_value();
    if (r.first_stop) {
        c.escape_node = *r.first_stop;
        c.escape_s = r.time[*r.first_stop];
        c.escape_route = path_to(r, *r.first_stop);
    }
    for (const auto &b : blocks) {
        auto it = r.blocked_time.find(b.node);
        const double t = it == r.blocked_time.end() ? inf : it->second;
        c.block_suspect_s.push_back(t);
        c.block_margin_s.push_back(t - b.arrival_s);
        if (std::isfinite(b.arrival_s)) c.min_margin_s = std::min(c.min_margin_s, t - b.arrival_s);
    }
    return c;
}

std::vector<double> suspect_times(const SealContext &ctx, const Network::Snap &at,
                                  const std::vector<SealBlock> &blocks, const SealOptions &o) {
    const SealContext::Impl &m = ctx.impl();
    const SuspectGraph g(*m.net, o.suspect);
    std::vector<double> close(m.net->node_count(), inf);
    for (const auto &b : blocks)
        close[b.node] = std::min(close[b.node], b.arrival_s);
    return suspect_search(*m.net, g, at, -o.head_start_s, inf, &close, &m.outside, false).time;
}

std::vector<LineString> suspect_reach(const SealContext &ctx, const Network::Snap &at,
                                      const std::vector<SealBlock> &blocks, const SealOptions &o,
                                      double t_s) {
    const SealContext::Impl &m = ctx.impl();
    const Network &net = *m.net;
    const SuspectGraph g(net, o.suspect);
    std::vector<double> close(net.node_count(), inf);
    for (const auto &b : blocks)
        close[b.node] = std::min(close[b.node], b.arrival_s);
    const DijkstraResult r =
        suspect_search(net, g, at, -o.head_start_s, t_s, &close, &m.outside, false);
    std::vector<LineString> out;
    auto piece = [&](std::uint32_t e, double a, double b) {
        if (b - a > 1e-6) out.push_back(net.sub_line(e, a, b));
    };
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        const auto &ed = net.edge(e);
        const double len = ed.length_m;
        // from the `from` end along the edge, from the `to` end against it
        double upto = 0.0, downto = len;
        if (std::isfinite(r.time[ed.from]) && !m.outside[ed.from] && std::isfinite(g.along_s[e]))
            upto = std::min(len, (t_s - r.time[ed.from]) / g.along_s[e] * len);
        if (std::isfinite(r.time[ed.to]) && !m.outside[ed.to] && std::isfinite(g.against_s[e]))
            downto = std::max(0.0, len - (t_s - r.time[ed.to]) / g.against_s[e] * len);
        if (e == at.edge) {
            const double x = at.offset_m;
            const double ahead =
                std::isfinite(g.along_s[e]) ? (t_s + o.head_start_s) / g.along_s[e] * len : 0.0;
            const double back =
                std::isfinite(g.against_s[e]) ? (t_s + o.head_start_s) / g.against_s[e] * len : 0.0;
            piece(e, std::max(0.0, x - back), std::min(len, x + ahead));
        }
        if (upto >= downto) {
            piece(e, 0.0, len);
            continue;
        }
        piece(e, 0.0, upto);
        piece(e, downto, len);
    }
    return out;
}

std::vector<std::string> roads_at(const Network &net, std::uint32_t node) {
    std::vector<std::string> names;
    std::vector<std::uint32_t> edges;
    for (Profile p : all_profiles) {
        for (const auto &a : net.out_arcs(p, node))
            edges.push_back(a.edge);
        for (const auto &a : net.in_arcs(p, node))
            edges.push_back(a.edge);
    }
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    for (std::uint32_t e : edges) {
        const std::string &n = net.name_of(e);
        if (!n.empty() && std::find(names.begin(), names.end(), n) == names.end())
            names.push_back(n);
    }
    return names;
}

LineString route_line(const Network &net, const std::vector<std::uint32_t> &nodes) {
    LineString out;
    for (std::size_t i = 0; i + 1 < nodes.size(); ++i) {
        const std::uint32_t a = nodes[i], b = nodes[i + 1];
        std::uint32_t best = npos32;
        for (Profile p : all_profiles)
            for (const auto &arc : net.out_arcs(p, a))
                if (arc.node == b &&
                    (best == npos32 || net.edge(arc.edge).length_m < net.edge(best).length_m))
                    best = arc.edge;
        for (Profile p : all_profiles)
            for (const auto &arc : net.in_arcs(p, a))
                if (arc.node == b &&
                    (best == npos32 || net.edge(arc.edge).length_m < net.edge(best).length_m))
                    best = arc.edge;
        LineString seg;
        if (best == npos32) {
            seg = {net.node(a), net.node(b)};
        } else {
            const auto g = net.edge_geometry(best);
            seg.assign(g.begin(), g.end());
            if (net.edge(best).from != a) std::reverse(seg.begin(), seg.end());
        }
        for (const XY &p : seg)
            if (out.empty() || distance(out.back(), p) > 1e-9) out.push_back(p);
    }
    if (out.size() == 1) out.push_back(out.front());
    return out;
}

// ---------------------------------------------------------------------------------------------
// Exits

ExitAssignment bottleneck_assignment(const std::vector<std::vector<double>> &time, int per_unit) {
    ExitAssignment res;
    const std::size_t units = time.size();
    const std::size_t exits = units ? time[0].size() : 0;
    res.unit.assign(exits, ExitAssignment::npos);
    res.arrival_s.assign(exits, inf);
    if (exits == 0) {
        res.complete = true;
        res.latest_s = 0;
        return res;
    }
    std::vector<std::vector<std::pair<std::size_t, double>>> opts(exits);
    for (std::size_t x = 0; x < exits; ++x) {
        for (std::size_t u = 0; u < units; ++u)
            if (std::isfinite(time[u][x])) opts[x].push_back({u, time[u][x]});
        std::sort(opts[x].begin(), opts[x].end(),
                  [](const auto &a, const auto &b) { return a.second < b.second; });
    }
    // most exits first: the maximum matching's size, then the least bottleneck reaching it
    const std::size_t most = match_blocks(opts, units, per_unit, inf).matched;
    std::vector<double> ts;
    for (const auto &o : opts)
        for (const auto &p : o)
            ts.push_back(p.second);
    std::sort(ts.begin(), ts.end());
    ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
    if (most == 0) return res;
    std::size_t lo = 0, hi = ts.size() - 1;
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (match_blocks(opts, units, per_unit, ts[mid]).matched == most)
            hi = mid;
        else
            lo = mid + 1;
    }
    const Matching mt = match_blocks(opts, units, per_unit, ts[lo]);
    res.latest_s = most == exits ? ts[lo] : inf;
    res.complete = most == exits;
    for (std::size_t x = 0; x < exits; ++x)
        if (mt.unit_of[x] != npos) {
            res.unit[x] = mt.unit_of[x];
            res.arrival_s[x] = time[mt.unit_of[x]][x];
        }
    return res;
}

ExitPlan seal_exits(const SealContext &ctx, const std::vector<XY> &exits, int per_unit,
                    const std::optional<XY> &incident, const SealOptions &o) {
    const Network &net = ctx.network();
    ExitPlan p;
    Network::SnapOptions so;
    so.profile = ctx.impl().options.unit_profile;
    so.max_distance_m = o.snap_max_m;
    so.largest_component_only = false;
    std::vector<std::vector<double>> time(ctx.units().size(),
                                          std::vector<double>(exits.size(), inf));
    for (std::size_t x = 0; x < exits.size(); ++x) {
        const auto s = net.snap(exits[x], so);
        p.snapped.push_back(s.has_value());
        Network::Snap snap;
        snap.distance_m = inf;
        if (s) snap = *s;
        p.exits.push_back(snap);
        if (!s) continue;
        for (std::size_t u = 0; u < ctx.units().size(); ++u)
            time[u][x] = ctx.arrival_s(u, *s);
    }
    p.assignment = bottleneck_assignment(time, std::max(1, per_unit));
    if (incident) {
        Network::SnapOptions ss;
        ss.profile = o.suspect.profile;
        ss.max_distance_m = o.snap_max_m;
        const auto at = net.snap(*incident, ss);
        p.suspect_s.assign(exits.size(), inf);
        if (at) {
            const SuspectGraph g(net, o.suspect);
            const DijkstraResult r =
                suspect_search(net, g, *at, -o.head_start_s, inf, nullptr, nullptr, false);
            for (std::size_t x = 0; x < exits.size(); ++x) {
                if (!p.snapped[x]) continue;
                const auto &e = net.edge(p.exits[x].edge);
                const double f = e.length_m > 0 ? p.exits[x].offset_m / e.length_m : 0.0;
                double t = inf;
                if (std::isfinite(g.along_s[p.exits[x].edge]))
                    t = std::min(t, r.time[e.from] + g.along_s[p.exits[x].edge] * f);
                if (std::isfinite(g.against_s[p.exits[x].edge]))
                    t = std::min(t, r.time[e.to] + g.against_s[p.exits[x].edge] * (1.0 - f));
                if (p.exits[x].edge == at->edge) {
                    // on the incident's own edge: straight along it
                    const double d = p.exits[x].offset_m - at->offset_m;
                    const double per_m = (d >= 0 ? g.along_s[at->edge] : g.against_s[at->edge]) /
                                         std::max(1e-9, e.length_m);
                    if (std::isfinite(per_m))
                        t = std::min(t, -o.head_start_s + std::abs(d) * per_m);
                }
                p.suspect_s[x] = t;
            }
        }
    }
    return p;
}

} // namespace lugeo
