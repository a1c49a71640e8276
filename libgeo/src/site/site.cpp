// Siting: the distance table (pruned searches from candidates, full rows for existing units),
// exhaustive enumeration, greedy + swap for cover and median, radius search for center.
#include "site/site_detail.hpp"

#include <lugeo/error.hpp>
#include <lugeo/site.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <tuple>

namespace lugeo {

const char *site_objective_name(SiteObjective o) noexcept {
    switch (o) {
    case SiteObjective::cover:
        return "cover";
    case SiteObjective::median:
        return "median";
    case SiteObjective::center:
        return "center";
    case SiteObjective::seal:
        return "seal";
    }
    return "?";
}

std::optional<SiteObjective> site_objective_from_name(std::string_view n) noexcept {
    if (n == "cover") return SiteObjective::cover;
    if (n == "median") return SiteObjective::median;
    if (n == "center") return SiteObjective::center;
    if (n == "seal") return SiteObjective::seal;
    return std::nullopt;
}

const char *site_demand_name(SiteDemand d) noexcept {
    switch (d) {
    case SiteDemand::incidents:
        return "incidents";
    case SiteDemand::roads:
        return "roads";
    case SiteDemand::key_sites:
        return "key_sites";
    }
    return "?";
}

std::optional<SiteDemand> site_demand_from_name(std::string_view n) noexcept {
    if (n == "incidents") return SiteDemand::incidents;
    if (n == "roads") return SiteDemand::roads;
    if (n == "key_sites" || n == "key-sites") return SiteDemand::key_sites;
    return std::nullopt;
}

const char *site_method_name(SiteMethod m) noexcept {
    switch (m) {
    case SiteMethod::none:
        return "none";
    case SiteMethod::exhaustive:
        return "exhaustive";
    case SiteMethod::greedy_swap:
        return "greedy_swap";
    case SiteMethod::radius_search:
        return "radius_search";
    }
    return "?";
}

std::vector<SiteCandidate> junction_candidates(const Network &net, Profile profile) {
    const auto &comp = net.node_components(profile);
    const auto largest = net.largest_component(profile);
    std::vector<SiteCandidate> out;
    for (std::uint32_t n = 0; n < net.node_count(); ++n)
        if (comp[n] == largest && largest != Network::npos)
            out.push_back({"J" + std::to_string(n), "", net.node(n)});
    return out;
}

std::vector<SiteCandidate> grid_candidates(const Network &net, Profile profile, double cell_m) {
    if (!(cell_m > 0))
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("grid_cell_m"),
                    "the candidate grid's cell size must be positive");
    const auto &comp = net.node_components(profile);
    const auto largest = net.largest_component(profile);
    Box b;
    for (std::uint32_t n = 0; n < net.node_count(); ++n)
        if (comp[n] == largest) b.extend(net.node(n));
    std::vector<SiteCandidate> out;
    if (!b.valid()) return out;
    const auto nx = static_cast<long>(std::ceil((b.maxx - b.minx) / cell_m)) + 1;
    const auto ny = static_cast<long>(std::ceil((b.maxy - b.miny) / cell_m)) + 1;
    if (double(nx) * double(ny) > 4e6)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("grid_cell_m"),
                    "a candidate grid of " + std::to_string(static_cast<long>(cell_m)) +
                        " m cells over the network would have more than 4 million cells");
    Network::SnapOptions so;
    so.profile = profile;
    so.max_distance_m = cell_m * std::sqrt(0.5);
    for (long j = 0; j < ny; ++j)
        for (long i = 0; i < nx; ++i) {
            const XY c{b.minx + (double(i) + 0.5) * cell_m, b.miny + (double(j) + 0.5) * cell_m};
            if (auto s = net.snap(c, so))
                out.push_back({"G" + std::to_string(i) + "-" + std::to_string(j), "", s->point});
        }
    return out;
}

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr std::uint32_t npos = std::numeric_limits<std::uint32_t>::max();
/// Median cost of a demand point no open unit reaches (only when there are no existing units).
constexpr double unreached_cost_s = 1e7;
/// center with relocation: every set of moved units is tried up to this many sets.
constexpr std::uint64_t center_closings_max = 256;

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

using site_detail::CandidateSnaps;
using site_detail::DemandSet;
using site_detail::Place;

struct Entry {
    std::uint32_t demand;
    float time_s;
};

/// Seconds per metre along edge e in one direction (inf: not allowed).
double s_per_m(const Network &net, Profile p, std::uint32_t e, bool along) {
    const double t = net.travel_time(p, e, along);
    if (!std::isfinite(t)) return inf;
    const double len = net.edge(e).length_m;
    return len > 0 ? t / len : 0.0;
}

/// Dijkstra over the profile's out-arcs (the CSR the routing core searches) from one place,
/// with a per-node bound (a node no faster than its bound is not settled: nothing beyond it
/// can be improved) and a time limit; then the time to every demand point on the edges it
/// leaves.
class Searcher {
public:
    Searcher(const Network &net, Profile p, const std::vector<Place> &demand_at,
             std::size_t demand_count)
        : m_net(net), m_p(p), m_dist(net.node_count(), inf), m_dtime(demand_count, inf) {
        // demand points by edge
        m_off.assign(net.edge_count() + 1, 0);
        for (const auto &d : demand_at)
            ++m_off[d.edge + 1];
        for (std::size_t i = 1; i < m_off.size(); ++i)
            m_off[i] += m_off[i - 1];
        m_by_edge.resize(demand_at.size());
        std::vector<std::uint32_t> fill(m_off.begin(), m_off.end() - 1);
        for (std::uint32_t i = 0; i < demand_at.size(); ++i)
            m_by_edge[fill[demand_at[i].edge]++] = i;
        m_demand = &demand_at;
    }

    /// Runs the search; `visit(demand, time)` for every demand point reached (each once, with
    /// its least time); `on_node(node, time)` for every settled node.
    template <class Visit, class OnNode>
    void run(Place src, double t0, double limit, const std::vector<double> *bound, Visit visit,
             OnNode on_node) {
        using Item = std::pair<double, std::uint32_t>;
        std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
        auto push = [&](std::uint32_t n, double t) {
            if (t > limit || t >= m_dist[n]) return;
            if (bound && t >= (*bound)[n]) return;
            if (m_dist[n] == inf) m_touched.push_back(n);
            m_dist[n] = t;
            heap.push({t, n});
        };
        const auto &e = m_net.edge(src.edge);
        const double sa = s_per_m(m_net, m_p, src.edge, true);
        const double sb = s_per_m(m_net, m_p, src.edge, false);
        if (std::isfinite(sa)) push(e.to, t0 + (e.length_m - src.offset_m) * sa);
        if (std::isfinite(sb)) push(e.from, t0 + src.offset_m * sb);
        // a source on a junction starts from that node, whatever the edge's direction (as the
        // routing core's sources do: Network::snap_end_tolerance_m)
        if (src.offset_m <= Network::snap_end_tolerance_m) push(e.from, t0);
        if (e.length_m - src.offset_m <= Network::snap_end_tolerance_m) push(e.to, t0);
        auto reach = [&](std::uint32_t d, double t) {
            if (t > limit) return;
            if (m_dtime[d] == inf) m_dtouched.push_back(d);
            if (t < m_dtime[d]) m_dtime[d] = t;
        };
        // demand points on the source's own edge
        for (std::uint32_t i = m_off[src.edge]; i < m_off[src.edge + 1]; ++i) {
            const std::uint32_t d = m_by_edge[i];
            const double x = (*m_demand)[d].offset_m;
            if (x >= src.offset_m && std::isfinite(sa)) reach(d, t0 + (x - src.offset_m) * sa);
            if (x <= src.offset_m && std::isfinite(sb)) reach(d, t0 + (src.offset_m - x) * sb);
        }
        while (!heap.empty()) {
            const auto [t, n] = heap.top();
            heap.pop();
            if (t > m_dist[n]) continue;
            on_node(n, t);
            for (const auto &a : m_net.out_arcs(m_p, n)) {
                push(a.node, t + a.time_s);
                const std::uint32_t ed = a.edge;
                if (m_off[ed] == m_off[ed + 1]) continue;
                const double len = m_net.edge(ed).length_m;
                const double s = len > 0 ? a.time_s / len : 0.0;
                for (std::uint32_t i = m_off[ed]; i < m_off[ed + 1]; ++i) {
                    const std::uint32_t d = m_by_edge[i];
                    const double x = (*m_demand)[d].offset_m;
                    reach(d, t + (a.along ? x : len - x) * s);
                }
            }
        }
        for (auto d : m_dtouched) {
            visit(d, m_dtime[d]);
            m_dtime[d] = inf;
        }
        m_dtouched.clear();
        for (auto n : m_touched)
            m_dist[n] = inf;
        m_touched.clear();
    }

private:
    const Network &m_net;
    Profile m_p;
    std::vector<double> m_dist;
    std::vector<std::uint32_t> m_touched;
    std::vector<double> m_dtime;
    std::vector<std::uint32_t> m_dtouched;
    std::vector<std::uint32_t> m_off, m_by_edge;
    const std::vector<Place> *m_demand = nullptr;
};

/// The problem after snapping: demand points, existing units' full rows, candidates' sparse
/// rows. Sites are numbered: existing units 0..nf-1, then candidates nf..nf+nc-1.
struct Table {
    std::vector<double> weight; ///< per demand point
    std::size_t nf = 0, nc = 0, nd = 0;
    std::vector<double> fixed;        ///< nf × nd, response time (turnout included)
    std::vector<std::size_t> row_off; ///< nc + 1
    std::vector<Entry> entries;
    std::vector<double> bound; ///< per demand: time surely reached by units that stay
    /// The table transposed: per demand point, (candidate, time) — Entry::demand holds the
    /// candidate here.
    std::vector<std::size_t> col_off;
    std::vector<Entry> col;

    void transpose() {
        col_off.assign(nd + 1, 0);
        for (const auto &e : entries)
            ++col_off[e.demand + 1];
        for (std::size_t i = 1; i < col_off.size(); ++i)
            col_off[i] += col_off[i - 1];
        col.resize(entries.size());
        std::vector<std::size_t> fill(col_off.begin(), col_off.end() - 1);
        for (std::uint32_t c = 0; c < nc; ++c)
            for (std::size_t i = row_off[c]; i < row_off[c + 1]; ++i)
                col[fill[entries[i].demand]++] = {c, entries[i].time_s};
    }
};

struct Problem {
    const Table &tab;
    SiteObjective objective;
    double within_s;
    std::size_t relocate;
    double total_weight = 0;

    double cost(double t) const {
        if (objective == SiteObjective::cover) return t <= within_s ? 0.0 : 1.0;
        return std::isfinite(t) ? t : unreached_cost_s;
    }
};

/// Per demand: the best and second-best time over the open sites, and the best site.
struct Best {
    std::vector<double> b1, b2;
    std::vector<std::uint32_t> s1;
};

struct Solution {
    std::vector<bool> fixed_open;     ///< per existing unit
    std::vector<std::uint32_t> picks; ///< candidate indices (0..nc-1)
};

void update(Best &b, std::uint32_t d, double t, std::uint32_t site) {
    if (t < b.b1[d]) {
        b.b2[d] = b.b1[d];
        b.b1[d] = t;
        b.s1[d] = site;
    } else if (t < b.b2[d]) {
        b.b2[d] = t;
    }
}

Best best_of(const Table &tab, const Solution &s) {
    Best b;
    b.b1.assign(tab.nd, inf);
    b.b2.assign(tab.nd, inf);
    b.s1.assign(tab.nd, npos);
    for (std::uint32_t f = 0; f < tab.nf; ++f) {
        if (!s.fixed_open[f]) continue;
        const double *row = &tab.fixed[std::size_t(f) * tab.nd];
        for (std::uint32_t d = 0; d < tab.nd; ++d)
            update(b, d, row[d], f);
    }
    for (auto c : s.picks)
        for (std::size_t i = tab.row_off[c]; i < tab.row_off[c + 1]; ++i)
            update(b, tab.entries[i].demand, tab.entries[i].time_s,
                   static_cast<std::uint32_t>(tab.nf + c));
    return b;
}

/// Objective value in its natural unit (cover: covered weight; median: weighted mean; center:
/// worst time) of per-demand times.
double objective_of(const Problem &pb, const std::vector<double> &t) {
    const auto &w = pb.tab.weight;
    double acc = 0;
    switch (pb.objective) {
    case SiteObjective::cover:
        for (std::size_t d = 0; d < t.size(); ++d)
            if (t[d] <= pb.within_s) acc += w[d];
        return acc;
    case SiteObjective::median:
        for (std::size_t d = 0; d < t.size(); ++d)
            acc += w[d] * (std::isfinite(t[d]) ? t[d] : unreached_cost_s);
        return pb.total_weight > 0 ? acc / pb.total_weight : 0;
    case SiteObjective::center:
        for (double x : t)
            acc = std::max(acc, x);
        return acc;
    case SiteObjective::seal: // plan_seal_sites
        return acc;
    }
    return acc;
}

/// "a is better than b" for the objective (with a tolerance).
bool better(SiteObjective o, double a, double b) {
    const double tol = 1e-9 * std::max(1.0, std::fabs(b));
    return o == SiteObjective::cover ? a > b + tol : a < b - tol;
}

double gain_of(SiteObjective o, double before, double after) {
    return o == SiteObjective::cover ? after - before : before - after;
}

std::uint64_t binomial_capped(std::uint64_t n, std::uint64_t k, std::uint64_t cap) {
    if (k > n) return 0;
    k = std::min(k, n - k);
    long double r = 1;
    for (std::uint64_t i = 1; i <= k; ++i) {
        r = r * static_cast<long double>(n - k + i) / static_cast<long double>(i);
        if (r > static_cast<long double>(cap)) return cap + 1;
    }
    return static_cast<std::uint64_t>(std::llround(static_cast<double>(r)));
}

// ---- exhaustive (no relocation) ----

struct Exhaustive {
    const Problem &pb;
    std::size_t k;
    std::vector<double> cur;
    double cost_sum = 0; ///< Σ w · cost(cur) (cover, median)
    std::vector<std::uint32_t> stack, best_set;
    double best_value = 0;
    bool have_best = false;
    std::uint64_t evaluated = 0;

    void apply(std::uint32_t c, std::vector<std::pair<std::uint32_t, double>> &undo) {
        const auto &tab = pb.tab;
        for (std::size_t i = tab.row_off[c]; i < tab.row_off[c + 1]; ++i) {
            const auto &e = tab.entries[i];
            if (e.time_s < cur[e.demand]) {
                undo.push_back({e.demand, cur[e.demand]});
                cost_sum += tab.weight[e.demand] * (pb.cost(e.time_s) - pb.cost(cur[e.demand]));
                cur[e.demand] = e.time_s;
            }
        }
    }
    void revert(const std::vector<std::pair<std::uint32_t, double>> &undo) {
        for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
            cost_sum += pb.tab.weight[it->first] * (pb.cost(it->second) - pb.cost(cur[it->first]));
            cur[it->first] = it->second;
        }
    }
    double value() const {
        if (pb.objective == SiteObjective::center) return objective_of(pb, cur);
        if (pb.objective == SiteObjective::cover) return pb.total_weight - cost_sum;
        return pb.total_weight > 0 ? cost_sum / pb.total_weight : 0;
    }
    void recurse(std::uint32_t from) {
        if (stack.size() == k) {
            ++evaluated;
            const double v = value();
            if (!have_best || better(pb.objective, v, best_value)) {
                best_value = v;
                best_set = stack;
                have_best = true;
            }
            return;
        }
        const std::size_t need = k - stack.size();
        std::vector<std::pair<std::uint32_t, double>> undo;
        for (std::uint32_t c = from; c + need <= pb.tab.nc; ++c) {
            undo.clear();
            apply(c, undo);
            stack.push_back(c);
            recurse(c + 1);
            stack.pop_back();
            revert(undo);
        }
    }
};

// ---- greedy + swap (cover, median) ----

/// Σ over candidate c's row of w · (cost(base) − cost(t))⁺.
double row_gain(const Problem &pb, std::uint32_t c, const std::vector<double> &base) {
    const auto &tab = pb.tab;
    double g = 0;
    for (std::size_t i = tab.row_off[c]; i < tab.row_off[c + 1]; ++i) {
        const auto &e = tab.entries[i];
        if (e.time_s < base[e.demand])
            g += tab.weight[e.demand] * (pb.cost(base[e.demand]) - pb.cost(e.time_s));
    }
    return g;
}

double fixed_gain(const Problem &pb, std::uint32_t f, const std::vector<double> &base) {
    const auto &tab = pb.tab;
    const double *row = &tab.fixed[std::size_t(f) * tab.nd];
    double g = 0;
    for (std::size_t d = 0; d < tab.nd; ++d)
        if (row[d] < base[d]) g += tab.weight[d] * (pb.cost(base[d]) - pb.cost(row[d]));
    return g;
}

void greedy_add(const Problem &pb, Solution &s, std::size_t k) {
    std::vector<bool> open(pb.tab.nc, false);
    for (auto c : s.picks)
        open[c] = true;
    for (std::size_t step = 0; step < k; ++step) {
        const Best b = best_of(pb.tab, s);
        double best_g = -1;
        std::uint32_t best_c = npos;
        for (std::uint32_t c = 0; c < pb.tab.nc; ++c) {
            if (open[c]) continue;
            const double g = row_gain(pb, c, b.b1);
            if (g > best_g) {
                best_g = g;
                best_c = c;
            }
        }
        if (best_c == npos) return;
        open[best_c] = true;
        s.picks.push_back(best_c);
    }
}

/// Interchange: repeatedly replace one open site (a new one, or an existing unit while fewer
/// than `relocate` have moved) by a closed candidate (or a closed existing unit) when that
/// lowers the total cost: each pass applies the best swap of all, until none improves.
///
/// A pass costs two sweeps of the table, not one per open site (the fast interchange of
/// Whitaker): the gain G_c of adding c to the current set is computed once; removing site o
/// changes the base time only at the demand points o serves (D_o, from b1 to b2), so the gain
/// of c after removing o is G_c plus a correction summed over D_o through the transposed table.
int swap_search(const Problem &pb, Solution &s, int max_passes, std::uint64_t &tried) {
    const auto &tab = pb.tab;
    int passes = 0;
    std::vector<double> gain(tab.nc), corr(tab.nc, 0.0);
    std::vector<std::uint32_t> touched;
    while (passes < max_passes) {
        ++passes;
        const Best b = best_of(tab, s);
        double total_cost = 0;
        for (std::size_t d = 0; d < tab.nd; ++d)
            total_cost += tab.weight[d] * pb.cost(b.b1[d]);
        const double tol = 1e-9 * std::max(1.0, total_cost);
        std::vector<bool> open(tab.nc, false);
        for (auto c : s.picks)
            open[c] = true;
        for (std::uint32_t c = 0; c < tab.nc; ++c)
            gain[c] = open[c] ? 0.0 : row_gain(pb, c, b.b1);
        // demand points served by each site
        std::vector<std::vector<std::uint32_t>> served(tab.nf + tab.nc);
        for (std::uint32_t d = 0; d < tab.nd; ++d)
            if (b.s1[d] != npos) served[b.s1[d]].push_back(d);
        std::vector<std::uint32_t> open_sites;
        std::size_t removed = 0;
        for (std::uint32_t f = 0; f < tab.nf; ++f) {
            if (s.fixed_open[f])
                open_sites.push_back(f);
            else
                ++removed;
        }
        for (auto c : s.picks)
            open_sites.push_back(static_cast<std::uint32_t>(tab.nf + c));
        double best_delta = tol;
        std::uint32_t best_in = npos, best_out = npos;
        std::vector<double> without;
        for (const std::uint32_t out : open_sites) {
            if (out < tab.nf && removed >= pb.relocate) continue;
            double loss = 0;
            for (auto d : served[out]) {
                const double w = tab.weight[d];
                const double c1 = pb.cost(b.b1[d]), c2 = pb.cost(b.b2[d]);
                loss += w * (c2 - c1);
                for (std::size_t i = tab.col_off[d]; i < tab.col_off[d + 1]; ++i) {
                    const auto c = tab.col[i].demand; // here: the candidate
                    const double t = tab.col[i].time_s;
                    if (open[c]) continue;
                    const double with2 = t < b.b2[d] ? c2 - pb.cost(t) : 0.0;
                    const double with1 = t < b.b1[d] ? c1 - pb.cost(t) : 0.0;
                    if (corr[c] == 0.0) touched.push_back(c);
                    corr[c] += w * (with2 - with1);
                    if (corr[c] == 0.0) corr[c] = 1e-300; // stays in `touched`
                }
            }
            for (std::uint32_t c = 0; c < tab.nc; ++c) {
                if (open[c]) continue;
                ++tried;
                const double delta = gain[c] + corr[c] - loss;
                if (delta > best_delta) {
                    best_delta = delta;
                    best_in = static_cast<std::uint32_t>(tab.nf + c);
                    best_out = out;
                }
            }
            for (auto c : touched)
                corr[c] = 0.0;
            touched.clear();
            // a closed existing unit back in its place (relocations only)
            bool any_closed = false;
            for (std::uint32_t f = 0; f < tab.nf; ++f)
                any_closed = any_closed || !s.fixed_open[f];
            if (!any_closed) continue;
            without = b.b1;
            for (auto d : served[out])
                without[d] = b.b2[d];
            for (std::uint32_t f = 0; f < tab.nf; ++f) {
                if (s.fixed_open[f] || f == out) continue;
                ++tried;
                const double delta = fixed_gain(pb, f, without) - loss;
                if (delta > best_delta) {
                    best_delta = delta;
                    best_in = f;
                    best_out = out;
                }
            }
        }
        if (best_in == npos) break;
        // the best swap of the pass
        if (best_out < tab.nf) {
            s.fixed_open[best_out] = false;
        } else {
            const auto c = best_out - static_cast<std::uint32_t>(tab.nf);
            s.picks.erase(std::find(s.picks.begin(), s.picks.end(), c));
        }
        if (best_in < tab.nf)
            s.fixed_open[best_in] = true;
        else
            s.picks.push_back(best_in - static_cast<std::uint32_t>(tab.nf));
    }
    return passes;
}

// ---- radius search (center, no relocation) ----

struct RadiusSearch {
    const Problem &pb;
    std::size_t k;
    std::vector<double> base;               ///< existing units' best time per demand
    std::vector<std::size_t> by_demand_off; ///< transposed table
    std::vector<std::pair<std::uint32_t, float>> by_demand;

    RadiusSearch(const Problem &p, std::size_t k_, std::vector<double> base_)
        : pb(p), k(k_), base(std::move(base_)) {
        const auto &tab = pb.tab;
        by_demand_off.assign(tab.nd + 1, 0);
        for (const auto &e : tab.entries)
            ++by_demand_off[e.demand + 1];
        for (std::size_t i = 1; i < by_demand_off.size(); ++i)
            by_demand_off[i] += by_demand_off[i - 1];
        by_demand.resize(tab.entries.size());
        std::vector<std::size_t> fill(by_demand_off.begin(), by_demand_off.end() - 1);
        for (std::uint32_t c = 0; c < tab.nc; ++c)
            for (std::size_t i = tab.row_off[c]; i < tab.row_off[c + 1]; ++i)
                by_demand[fill[tab.entries[i].demand]++] = {c, tab.entries[i].time_s};
    }

    /// max over demand points of the best time any single site gives: no solution does better.
    double single_site_bound() const {
        double lb = 0;
        for (std::size_t d = 0; d < pb.tab.nd; ++d) {
            double m = base[d];
            for (std::size_t i = by_demand_off[d]; i < by_demand_off[d + 1]; ++i)
                m = std::min(m, double(by_demand[i].second));
            lb = std::max(lb, m);
        }
        return lb;
    }

    /// Greedy set cover of the points the existing units leave beyond r; true when at most k
    /// candidates cover them (their indices in `picks`).
    bool feasible(double r, std::vector<std::uint32_t> &picks) const {
        const auto &tab = pb.tab;
        picks.clear();
        std::vector<std::uint32_t> count(tab.nc, 0);
        std::vector<bool> need(tab.nd, false);
        std::size_t left = 0;
        for (std::uint32_t d = 0; d < tab.nd; ++d) {
            if (base[d] <= r) continue;
            need[d] = true;
            ++left;
            bool any = false;
            for (std::size_t i = by_demand_off[d]; i < by_demand_off[d + 1]; ++i)
                if (by_demand[i].second <= r) {
                    ++count[by_demand[i].first];
                    any = true;
                }
            if (!any) return false;
        }
        while (left > 0) {
            if (picks.size() == k) return false;
            const auto it = std::max_element(count.begin(), count.end());
            const auto c = static_cast<std::uint32_t>(it - count.begin());
            picks.push_back(c);
            for (std::size_t i = tab.row_off[c]; i < tab.row_off[c + 1]; ++i) {
                const auto &e = tab.entries[i];
                if (!need[e.demand] || e.time_s > r) continue;
                need[e.demand] = false;
                --left;
                for (std::size_t j = by_demand_off[e.demand]; j < by_demand_off[e.demand + 1]; ++j)
                    if (by_demand[j].second <= r) --count[by_demand[j].first];
            }
        }
        return true;
    }

    /// True when r is proved infeasible: more than k points beyond r of the existing units, no
    /// two of which one candidate reaches within r (each needs a site of its own).
    bool infeasible(double r) const {
        const auto &tab = pb.tab;
        std::vector<std::pair<std::size_t, std::uint32_t>> order;
        for (std::uint32_t d = 0; d < tab.nd; ++d) {
            if (base[d] <= r) continue;
            std::size_t n = 0;
            for (std::size_t i = by_demand_off[d]; i < by_demand_off[d + 1]; ++i)
                if (by_demand[i].second <= r) ++n;
            if (n == 0) return true;
            order.push_back({n, d});
        }
        std::sort(order.begin(), order.end());
        std::vector<bool> marked(tab.nc, false);
        std::size_t packed = 0;
        for (const auto &[n, d] : order) {
            bool free = true;
            for (std::size_t i = by_demand_off[d]; i < by_demand_off[d + 1] && free; ++i)
                if (by_demand[i].second <= r && marked[by_demand[i].first]) free = false;
            if (!free) continue;
            for (std::size_t i = by_demand_off[d]; i < by_demand_off[d + 1]; ++i)
                if (by_demand[i].second <= r) marked[by_demand[i].first] = true;
            if (++packed > k) return true;
        }
        return false;
    }
};

/// One center problem: `k` new sites over `base` (the times of the units that stay).
struct CenterAnswer {
    std::vector<std::uint32_t> picks;
    double value = inf;      ///< the worst time with the picks
    double lower_bound = 0;  ///< no k sites over this base do better
    bool exhaustive = false; ///< every k-subset evaluated (value = lower_bound, optimal)
    std::uint64_t evaluated = 0;
};

/// Exhaustive when allowed and small, else a binary search on the radius over greedy set
/// covers with a packing lower bound (RadiusSearch); sites the cover did not need are added by
/// greedy on the mean (the worst time cannot rise).
CenterAnswer solve_center(const Problem &pb, const std::vector<double> &base,
                          const std::vector<bool> &fixed_open, std::size_t k, bool enumerate) {
    const auto &tab = pb.tab;
    CenterAnswer a;
    if (k == 0) {
        a.value = a.lower_bound = objective_of(pb, base);
        a.exhaustive = true;
        return a;
    }
    if (enumerate) {
        Exhaustive ex{pb, k, base, 0.0, {}, {}, 0.0, false, 0};
        ex.recurse(0);
        a.picks = ex.best_set;
        a.value = a.lower_bound = ex.best_value;
        a.exhaustive = true;
        a.evaluated = ex.evaluated;
        return a;
    }
    RadiusSearch rs(pb, k, base);
    double lo = rs.single_site_bound();
    double hi = objective_of(pb, base);
    double lb = lo;
    std::vector<std::uint32_t> picks, best_picks;
    if (!std::isfinite(hi)) {
        hi = lo;
        for (const auto &e : tab.entries)
            hi = std::max(hi, double(e.time_s));
        for (double t : base)
            if (std::isfinite(t)) hi = std::max(hi, t);
        if (!rs.feasible(hi, best_picks)) hi = inf; // k sites cannot reach every point
    }
    if (rs.feasible(lo, picks)) {
        best_picks = picks;
        hi = lo;
    }
    while (std::isfinite(hi) && hi - lo > 0.1) {
        const double mid = 0.5 * (lo + hi);
        ++a.evaluated;
        if (rs.feasible(mid, picks)) {
            hi = mid;
            best_picks = picks;
        } else {
            if (rs.infeasible(mid)) lb = std::max(lb, mid);
            lo = mid;
        }
    }
    Solution sol;
    sol.fixed_open = fixed_open;
    sol.picks = best_picks;
    if (sol.picks.size() < k) {
        Problem med = pb;
        med.objective = SiteObjective::median;
        greedy_add(med, sol, k - sol.picks.size());
    }
    a.picks = sol.picks;
    a.value = objective_of(pb, best_of(tab, sol).b1);
    a.lower_bound = std::min(lb, a.value);
    return a;
}

/// Per-demand times and the best site of an open set.
std::vector<double> times_of(const Table &tab, const Solution &s,
                             std::vector<std::uint32_t> *site = nullptr) {
    const Best b = best_of(tab, s);
    if (site) *site = b.s1;
    return b.b1;
}

SiteFigures figures_of(const Table &tab, const std::vector<double> &t, double within_s) {
    SiteFigures f;
    double sum = 0;
    for (std::size_t d = 0; d < tab.nd; ++d) {
        ++f.points;
        f.weight += tab.weight[d];
        if (t[d] <= within_s) {
            f.covered_weight += tab.weight[d];
            ++f.covered_points;
        }
        if (std::isfinite(t[d])) {
            sum += tab.weight[d] * t[d];
            f.worst_time_s = std::max(f.worst_time_s, t[d]);
        } else {
            f.worst_time_s = inf;
        }
    }
    f.mean_time_s = !std::isfinite(f.worst_time_s) ? inf : f.weight > 0 ? sum / f.weight : 0;
    return f;
}

} // namespace

CandidateSnaps site_detail::snap_candidates(const Network &net, const SiteInput &in,
                                            const SiteOptions &o) {
    Network::SnapOptions so;
    so.profile = o.profile;
    so.max_distance_m = o.snap_max_m;
    so.largest_component_only = true;
    const Profile prof = o.profile;
    CandidateSnaps cs;
    std::vector<std::uint32_t> &cand_index = cs.index;
    std::vector<Network::Snap> &cand_snaps = cs.snaps;
    for (std::size_t i = 0; i < in.candidates.size(); ++i) {
        if (auto s = net.snap(in.candidates[i].position, so)) {
            cand_index.push_back(static_cast<std::uint32_t>(i));
            cand_snaps.push_back(*s);
        }
    }
    cs.off_network = in.candidates.size() - cand_index.size();
    if (cand_index.empty() && (o.add > 0 || o.relocate > 0)) {
        ErrorContext c;
        c.layer = in.candidates_source;
        c.parameter = "candidates";
        throw Error(ErrorCode::off_network, c,
                    in.candidates.empty() ? std::string("there are no candidate sites")
                                          : "none of the " + std::to_string(in.candidates.size()) +
                                                " candidate sites lies within " +
                                                std::to_string(static_cast<int>(o.snap_max_m)) +
                                                " m of a road usable by " + profile_name(prof) +
                                                " in the network's largest component");
    }
    if (o.add > cand_index.size()) {
        ErrorContext c;
        c.layer = in.candidates_source;
        c.parameter = "add";
        throw Error(ErrorCode::invalid_argument, c,
                    std::to_string(o.add) + " new sites asked for, but only " +
                        std::to_string(cand_index.size()) + " candidate sites are on the network" +
                        (cs.off_network
                             ? " (" + std::to_string(cs.off_network) + " more lie too far from it)"
                             : std::string()));
    }
    return cs;
}

DemandSet site_detail::demand_points(const Network &net, const SiteInput &in,
                                     const SiteOptions &o) {
    Network::SnapOptions dso;
    dso.profile = o.profile;
    dso.largest_component_only = true;
    dso.max_distance_m = o.demand_snap_max_m;
    const Profile prof = o.profile;
    DemandSet ds;
    auto &demand_at = ds.at;
    auto &weight = ds.weight;
    auto add_point = [&](XY p, double w, const std::string &id) {
        auto s = net.snap(p, dso);
        if (!s) {
            ++ds.off_network;
            return;
        }
        demand_at.push_back({s->edge, s->offset_m});
        weight.push_back(w);
        SiteDemandPoint dp;
        dp.position = p;
        dp.weight = w;
        dp.edge = s->edge;
        dp.offset_m = dp.from_m = dp.to_m = s->offset_m;
        dp.id = id;
        ds.points.push_back(std::move(dp));
    };
    switch (o.demand) {
    case SiteDemand::incidents:
        for (const auto &i : in.incidents)
            add_point(i.position, incident_grade_weight(i.grade), i.id);
        break;
    case SiteDemand::key_sites:
        for (const auto &k : in.key_sites)
            add_point(k.position, 1.0, k.id);
        break;
    case SiteDemand::roads: {
        if (!(o.road_step_m > 0))
            throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("road_step_m"),
                        "the road piece length must be positive");
        const auto largest = net.largest_component(prof);
        for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
            if (!net.is_usable(prof, e) || net.edge_component(prof, e) != largest) continue;
            const double len = net.edge(e).length_m;
            if (!(len > 0)) continue;
            const auto n = static_cast<std::size_t>(std::max(1.0, std::ceil(len / o.road_step_m)));
            for (std::size_t i = 0; i < n; ++i) {
                const double a = len * double(i) / double(n), b = len * double(i + 1) / double(n);
                const double x = 0.5 * (a + b);
                demand_at.push_back({e, x});
                weight.push_back(b - a);
                SiteDemandPoint dp{{e, a, b}};
                dp.position = net.point_along(e, x);
                dp.weight = b - a;
                dp.offset_m = x;
                ds.points.push_back(std::move(dp));
            }
        }
        break;
    }
    }
    if (demand_at.empty() && o.demand == SiteDemand::incidents && in.incidents.empty())
        throw Error(ErrorCode::missing_layer, ErrorContext::of_parameter("demand"),
                    "siting by incidents, and there are no incidents (the scene has no incidents "
                    "layer, or it is empty): measure by roads or key sites instead");
    if (demand_at.empty() && o.demand == SiteDemand::key_sites && in.key_sites.empty())
        throw Error(ErrorCode::missing_layer, ErrorContext::of_parameter("demand"),
                    "siting by key sites, and there are none: measure by roads or incidents "
                    "instead");
    if (demand_at.empty())
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("demand"),
                    std::string("no ") + site_demand_name(o.demand) + " point lies within " +
                        std::to_string(static_cast<int>(o.demand_snap_max_m)) +
                        " m of the network: nothing to measure");
    return ds;
}

SiteResult plan_sites(const Network &net, const SiteInput &in, const SiteOptions &o) {
    const auto t_start = std::chrono::steady_clock::now();
    const Profile prof = o.profile;
    if (!(o.within_s > 0) || !std::isfinite(o.within_s))
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("within_s"),
                    "the response standard must be a positive number of seconds");
    if (in.fixed.empty() && o.add == 0)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("fixed"),
                    "no existing unit and no new site: nothing to measure");
    auto report = [&](double f, const char *msg) { return !o.progress || o.progress(f, msg); };
    auto turnout = [&](const std::string &kind) {
        const auto it = o.turnout_s.find(kind);
        return it == o.turnout_s.end() ? o.default_turnout_s : it->second;
    };
    if (!(o.default_turnout_s >= 0) || !std::isfinite(o.default_turnout_s))
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("default_turnout_s"),
                    "the default turnout must be a non-negative number of seconds");
    for (const auto &[kind, s] : o.turnout_s)
        if (!(s >= 0) || !std::isfinite(s))
            throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("turnout_s"),
                        "turnout of '" + kind + "' must be a non-negative number of seconds");

    SiteResult res;
    res.objective = o.objective;
    res.demand = o.demand;
    res.within_s = o.within_s;
    res.lower_bound = std::numeric_limits<double>::quiet_NaN();

    // ---- snapping ----
    Network::SnapOptions so;
    so.profile = prof;
    so.max_distance_m = o.snap_max_m;
    so.largest_component_only = true;
    std::vector<Network::Snap> unit_snaps;
    for (const auto &u : in.fixed) {
        auto s = net.snap(u.position, so);
        if (!s)
            throw Error(ErrorCode::off_network, u.origin.with_parameter("max_snap_m"),
                        "unit '" + u.id + "' is " + net.snap_failure(u.position, so));
        unit_snaps.push_back(*s);
    }
    if (o.objective == SiteObjective::seal)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("objective"),
                    "the seal objective is planned by plan_seal_sites");
    const CandidateSnaps cs = site_detail::snap_candidates(net, in, o);
    const std::vector<std::uint32_t> &cand_index = cs.index;
    const std::vector<Network::Snap> &cand_snaps = cs.snaps;
    res.candidates_used = cand_index.size();
    res.candidates_off_network = cs.off_network;

    // ---- demand ----
    DemandSet ds = site_detail::demand_points(net, in, o);
    const std::vector<Place> &demand_at = ds.at;
    Table tab;
    tab.weight = std::move(ds.weight);
    res.points = std::move(ds.points);
    res.demand_off_network = ds.off_network;
    tab.nd = demand_at.size();
    tab.nf = in.fixed.size();
    tab.nc = cand_index.size();

    // ---- the distance table ----
    Searcher search(net, prof, demand_at, tab.nd);
    const std::size_t keep = o.relocate + 1; // the (relocate+1)-th fastest existing unit stays
    std::vector<double> node_k(std::size_t(net.node_count()) * keep, inf);
    tab.fixed.assign(tab.nf * tab.nd, inf);
    for (std::size_t f = 0; f < tab.nf; ++f) {
        double *row = &tab.fixed[f * tab.nd];
        search.run(
            Place{unit_snaps[f].edge, unit_snaps[f].offset_m}, turnout(in.fixed[f].kind), inf,
            nullptr, [&](std::uint32_t d, double t) { row[d] = t; },
            [&](std::uint32_t n, double t) {
                double *k = &node_k[std::size_t(n) * keep];
                if (t >= k[keep - 1]) return;
                std::size_t i = keep - 1;
                while (i > 0 && k[i - 1] > t) {
                    k[i] = k[i - 1];
                    --i;
                }
                k[i] = t;
            });
    }
    std::vector<double> node_bound(net.node_count());
    for (std::size_t n = 0; n < net.node_count(); ++n)
        node_bound[n] = node_k[n * keep + keep - 1];
    node_k = {};
    tab.bound.assign(tab.nd, inf);
    {
        std::vector<double> k(keep);
        for (std::size_t d = 0; d < tab.nd; ++d) {
            std::fill(k.begin(), k.end(), inf);
            for (std::size_t f = 0; f < tab.nf; ++f) {
                const double t = tab.fixed[f * tab.nd + d];
                if (t >= k[keep - 1]) continue;
                std::size_t i = keep - 1;
                while (i > 0 && k[i - 1] > t) {
                    k[i] = k[i - 1];
                    --i;
                }
                k[i] = t;
            }
            tab.bound[d] = k[keep - 1];
        }
    }
    const bool cover = o.objective == SiteObjective::cover;
    const double limit = cover ? o.within_s : inf;
    const double t_new = turnout(o.new_kind);
    tab.row_off.assign(tab.nc + 1, 0);
    for (std::size_t c = 0; c < tab.nc; ++c) {
        if ((c & 255) == 0 &&
            !report(0.8 * double(c) / double(std::max<std::size_t>(1, tab.nc)), "distance table"))
            throw Error(ErrorCode::invalid_argument, "siting cancelled");
        search.run(
            Place{cand_snaps[c].edge, cand_snaps[c].offset_m}, t_new, limit, &node_bound,
            [&](std::uint32_t d, double t) {
                if (!(t < tab.bound[d])) return;
                if (cover && tab.bound[d] <= o.within_s) return; // covered whatever happens
                tab.entries.push_back({d, static_cast<float>(t)});
            },
            [](std::uint32_t, double) {});
        if (tab.entries.size() > o.max_table_entries)
            throw Error(
                ErrorCode::invalid_argument, ErrorContext::of_parameter("max_table_entries"),
                "the distance table would hold more than " + std::to_string(o.max_table_entries) +
                    " entries; use fewer candidates or demand points, or keep more "
                    "existing units");
        // entries of one row by demand (deterministic order)
        std::sort(tab.entries.begin() + static_cast<std::ptrdiff_t>(tab.row_off[c]),
                  tab.entries.end(),
                  [](const Entry &a, const Entry &b) { return a.demand < b.demand; });
        tab.row_off[c + 1] = tab.entries.size();
    }
    res.table_entries = tab.entries.size();
    tab.transpose();
    res.seconds_table = seconds_since(t_start);
    const auto t_search = std::chrono::steady_clock::now();

    Problem pb{tab, o.objective, o.within_s, o.relocate};
    pb.total_weight = std::accumulate(tab.weight.begin(), tab.weight.end(), 0.0);

    // ---- search ----
    Solution sol;
    sol.fixed_open.assign(tab.nf, true);
    const std::vector<double> t_before = times_of(tab, sol);
    const std::size_t k = o.add;
    const std::uint64_t solutions =
        binomial_capped(tab.nc, k, std::max<std::uint64_t>(o.exhaustive_max, 1) * 100);
    const bool small = solutions <= o.exhaustive_max && (o.objective != SiteObjective::center ||
                                                         double(solutions) * double(tab.nd) <= 2e8);
    if (k == 0 && o.relocate == 0) {
        res.method = SiteMethod::none;
    } else if (o.relocate == 0 && (o.search == SiteSearch::exhaustive ||
                                   (o.search == SiteSearch::automatic && small))) {
        if (solutions > std::max<std::uint64_t>(o.exhaustive_max, 1) * 100)
            throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("search"),
                        "exhaustive search over more than " +
                            std::to_string(o.exhaustive_max * 100) + " solutions asked for");
        Exhaustive ex{pb, k, t_before, 0.0, {}, {}, 0.0, false, 0};
        for (std::size_t d = 0; d < tab.nd; ++d)
            ex.cost_sum += tab.weight[d] * pb.cost(t_before[d]);
        ex.recurse(0);
        sol.picks = ex.best_set;
        res.method = SiteMethod::exhaustive;
        res.solutions_evaluated = ex.evaluated;
    } else if (o.objective == SiteObjective::center) {
        // Which existing units move (a set C, |C| <= relocate) and k + |C| new sites: each C
        // is a center problem over the units that stay. Every C is tried when there are at most
        // center_closings_max of them, else C grows greedily (one unit more while that
        // lowers the worst time). Each problem is enumerated when small, else radius search.
        const std::size_t R = std::min(o.relocate, tab.nf);
        std::uint64_t closings = 0;
        for (std::size_t r = 0; r <= R; ++r)
            closings += binomial_capped(tab.nf, r, center_closings_max);
        const bool all_closings = closings <= center_closings_max;
        auto enumerable = [&](std::size_t kk) {
            const std::uint64_t n =
                binomial_capped(tab.nc, kk, std::max<std::uint64_t>(o.exhaustive_max, 1) * 100);
            if (o.search == SiteSearch::exhaustive) return true;
            return o.search == SiteSearch::automatic && n <= o.exhaustive_max &&
                   double(n) * double(tab.nd) <= 2e8 && all_closings;
        };
        if (o.search == SiteSearch::exhaustive &&
            (!all_closings ||
             binomial_capped(tab.nc, k + R, std::max<std::uint64_t>(o.exhaustive_max, 1) * 100) >
                 std::max<std::uint64_t>(o.exhaustive_max, 1) * 100))
            throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("search"),
                        "exhaustive search over more than " +
                            std::to_string(o.exhaustive_max * 100) + " solutions asked for");
        bool exact = true, have_best = false;
        double best_v = inf, lb_all = inf;
        Solution best_sol = sol;
        auto try_closing = [&](const std::vector<bool> &open) {
            Solution s0;
            s0.fixed_open = open;
            const auto base = times_of(tab, s0);
            std::size_t closed = 0;
            for (bool b : open)
                closed += b ? 0 : 1;
            const std::size_t kk = k + closed;
            if (kk > tab.nc) return inf;
            const CenterAnswer a = solve_center(pb, base, open, kk, enumerable(kk));
            res.solutions_evaluated += a.evaluated;
            exact = exact && a.exhaustive;
            lb_all = std::min(lb_all, a.lower_bound);
            if (!have_best || better(SiteObjective::center, a.value, best_v)) {
                have_best = true;
                best_v = a.value;
                best_sol.fixed_open = open;
                best_sol.picks = a.picks;
            }
            return a.value;
        };
        if (all_closings) {
            std::vector<bool> open(tab.nf, true);
            std::function<void(std::size_t, std::size_t)> rec = [&](std::size_t from,
                                                                    std::size_t left) {
                try_closing(open);
                if (left == 0) return;
                for (std::size_t f = from; f < tab.nf; ++f) {
                    open[f] = false;
                    rec(f + 1, left - 1);
                    open[f] = true;
                }
            };
            rec(0, R);
        } else {
            exact = false;
            std::vector<bool> open(tab.nf, true);
            double cur = try_closing(open);
            for (std::size_t step = 0; step < R; ++step) {
                double step_best = cur;
                std::size_t step_f = tab.nf;
                for (std::size_t f = 0; f < tab.nf; ++f) {
                    if (!open[f]) continue;
                    open[f] = false;
                    const double v = try_closing(open);
                    open[f] = true;
                    if ((std::isinf(step_best) && v < step_best) ||
                        better(SiteObjective::center, v, step_best)) {
                        step_best = v;
                        step_f = f;
                    }
                }
                if (step_f == tab.nf) break;
                open[step_f] = false;
                cur = step_best;
            }
            // a valid bound over every choice: each demand point keeps at least one of its
            // R+1 fastest existing units, or is served by a candidate
            double lb = 0;
            for (std::size_t d = 0; d < tab.nd; ++d) {
                double m = tab.bound[d];
                for (std::size_t i = tab.col_off[d]; i < tab.col_off[d + 1]; ++i)
                    m = std::min(m, double(tab.col[i].time_s));
                lb = std::max(lb, m);
            }
            lb_all = lb;
        }
        sol = best_sol;
        res.lower_bound = std::min(lb_all, best_v);
        res.method = exact ? SiteMethod::exhaustive : SiteMethod::radius_search;
    } else {
        // restarts: greedy from each of the `restarts` best first picks, each followed by the
        // swap search; the best local optimum wins (the first start is plain greedy)
        std::vector<std::uint32_t> firsts;
        if (k > 0) {
            const Best b = best_of(tab, sol);
            std::vector<std::pair<double, std::uint32_t>> g;
            for (std::uint32_t c = 0; c < tab.nc; ++c)
                g.push_back({-row_gain(pb, c, b.b1), c});
            const std::size_t r = std::min<std::size_t>(std::max(1, o.restarts), g.size());
            std::partial_sort(g.begin(), g.begin() + static_cast<std::ptrdiff_t>(r), g.end());
            for (std::size_t i = 0; i < r; ++i)
                firsts.push_back(g[i].second);
        }
        auto total_cost = [&](const Solution &s) {
            const Best b = best_of(tab, s);
            double acc = 0;
            for (std::size_t d = 0; d < tab.nd; ++d)
                acc += tab.weight[d] * pb.cost(b.b1[d]);
            return acc;
        };
        Solution best_sol;
        double best_cost = inf;
        const std::size_t starts = std::max<std::size_t>(1, firsts.size());
        for (std::size_t i = 0; i < starts; ++i) {
            Solution trial = sol;
            if (!firsts.empty()) {
                trial.picks.push_back(firsts[i]);
                greedy_add(pb, trial, k - 1);
            }
            res.swap_passes += swap_search(pb, trial, o.max_swap_passes, res.solutions_evaluated);
            const double cst = total_cost(trial);
            if (i == 0 || cst < best_cost - 1e-9 * std::max(1.0, std::fabs(best_cost))) {
                best_cost = cst;
                best_sol = trial;
            }
        }
        sol = best_sol;
        res.method = SiteMethod::greedy_swap;
    }
    report(0.95, "figures");

    // ---- exact times for the figures: full rows for the chosen sites (the table is pruned
    // where the units that stay are faster and, for cover, bounded by the standard) ----
    std::map<std::uint32_t, std::vector<double>> exact_rows;
    for (auto c : sol.picks) {
        auto &row = exact_rows[c];
        row.assign(tab.nd, inf);
        search.run(
            Place{cand_snaps[c].edge, cand_snaps[c].offset_m}, t_new, inf, nullptr,
            [&](std::uint32_t d, double t) { row[d] = t; }, [](std::uint32_t, double) {});
    }
    auto times_of = [&](const Table &, const Solution &so,
                        std::vector<std::uint32_t> *site = nullptr) {
        std::vector<double> t(tab.nd, inf);
        std::vector<std::uint32_t> by(tab.nd, npos);
        for (std::uint32_t f = 0; f < tab.nf; ++f) {
            if (!so.fixed_open[f]) continue;
            const double *row = &tab.fixed[std::size_t(f) * tab.nd];
            for (std::size_t d = 0; d < tab.nd; ++d)
                if (row[d] < t[d]) {
                    t[d] = row[d];
                    by[d] = f;
                }
        }
        for (auto c : so.picks) {
            const auto &row = exact_rows.at(c);
            for (std::size_t d = 0; d < tab.nd; ++d)
                if (row[d] < t[d]) {
                    t[d] = row[d];
                    by[d] = static_cast<std::uint32_t>(tab.nf + c);
                }
        }
        if (site) *site = std::move(by);
        return t;
    };

    // ---- order the new sites greedily from the units that stay; the curve ----
    Solution stay;
    stay.fixed_open = sol.fixed_open;
    std::vector<std::uint32_t> left = sol.picks, ordered;
    std::vector<double> t_cur = times_of(tab, stay);
    // gains from the figures before (a moved unit in its old place), so that they add up to
    // after - before also when units move (against the units that stay, the first site's
    // gain would count again what the move away lost)
    double v_cur = objective_of(pb, times_of(tab, Solution{std::vector<bool>(tab.nf, true), {}}));
    while (!left.empty()) {
        std::size_t best_i = 0;
        double best_v = 0;
        double best_tie = 0;
        for (std::size_t i = 0; i < left.size(); ++i) {
            Solution trial = stay;
            trial.picks = ordered;
            trial.picks.push_back(left[i]);
            const auto t = times_of(tab, trial);
            const double v = objective_of(pb, t);
            Problem med = pb;
            med.objective = SiteObjective::median;
            const double tie = objective_of(med, t);
            if (i == 0 || better(pb.objective, v, best_v) ||
                (!better(pb.objective, best_v, v) && tie < best_tie)) {
                best_i = i;
                best_v = v;
                best_tie = tie;
            }
        }
        ordered.push_back(left[best_i]);
        left.erase(left.begin() + static_cast<std::ptrdiff_t>(best_i));
        Solution now = stay;
        now.picks = ordered;
        t_cur = times_of(tab, now);
        const double v = objective_of(pb, t_cur);
        SitePick p;
        p.candidate = cand_index[ordered.back()];
        const auto &cand = in.candidates[p.candidate];
        p.id = cand.id;
        p.name = cand.name;
        p.position = cand.position;
        p.snapped = cand_snaps[ordered.back()].point;
        p.gain = gain_of(pb.objective, v_cur, v);
        p.objective = v;
        p.figures = figures_of(tab, t_cur, o.within_s);
        res.sites.push_back(std::move(p));
        v_cur = v;
    }
    sol.picks = ordered;
    // relocations: which new site each moved unit goes to (nearest pairs first)
    {
        std::vector<std::tuple<double, std::size_t, std::size_t>> pairs;
        for (std::size_t f = 0; f < tab.nf; ++f)
            if (!sol.fixed_open[f])
                for (std::size_t i = 0; i < res.sites.size(); ++i)
                    pairs.emplace_back(distance(in.fixed[f].position, res.sites[i].position), f, i);
        std::sort(pairs.begin(), pairs.end());
        std::vector<bool> unit_done(tab.nf, false), site_done(res.sites.size(), false);
        for (const auto &[dist, f, i] : pairs) {
            if (unit_done[f] || site_done[i]) continue;
            unit_done[f] = site_done[i] = true;
            res.moves.push_back({f, i});
        }
        std::sort(res.moves.begin(), res.moves.end(),
                  [](const SiteMove &a, const SiteMove &b) { return a.unit < b.unit; });
    }

    // ---- figures before / after, per zone ----
    std::vector<std::uint32_t> site_before, site_after;
    const auto tb = times_of(tab, Solution{std::vector<bool>(tab.nf, true), {}}, &site_before);
    const auto ta = times_of(tab, sol, &site_after);
    res.before = figures_of(tab, tb, o.within_s);
    res.after = figures_of(tab, ta, o.within_s);
    res.objective_before = objective_of(pb, tb);
    res.objective_after = objective_of(pb, ta);
    if (o.objective == SiteObjective::median) { // the mean, not the penalised cost
        res.objective_before = res.before.mean_time_s;
        res.objective_after = res.after.mean_time_s;
    }
    if (res.method == SiteMethod::exhaustive || res.method == SiteMethod::none)
        res.lower_bound = res.objective_after;
    // zones: before = every existing unit; after = units that stay, then the new sites
    std::vector<std::uint32_t> zone_of_site(tab.nf + tab.nc, npos);
    for (std::size_t f = 0; f < tab.nf; ++f)
        res.zones_before.push_back({in.fixed[f].id, in.fixed[f].name, false, {}});
    for (std::size_t f = 0; f < tab.nf; ++f)
        if (sol.fixed_open[f]) {
            zone_of_site[f] = static_cast<std::uint32_t>(res.zones_after.size());
            res.zones_after.push_back({in.fixed[f].id, in.fixed[f].name, false, {}});
        }
    for (std::size_t i = 0; i < sol.picks.size(); ++i) {
        zone_of_site[tab.nf + sol.picks[i]] = static_cast<std::uint32_t>(res.zones_after.size());
        res.zones_after.push_back({res.sites[i].id, res.sites[i].name, true, {}});
    }
    auto add_fig = [&](SiteFigures &f, double &sum, double w, double t) {
        ++f.points;
        f.weight += w;
        if (t <= o.within_s) {
            f.covered_weight += w;
            ++f.covered_points;
        }
        sum += w * t;
        f.worst_time_s = std::max(f.worst_time_s, t);
    };
    std::vector<double> sum_b(res.zones_before.size(), 0), sum_a(res.zones_after.size(), 0);
    for (std::size_t d = 0; d < tab.nd; ++d) {
        auto &p = res.points[d];
        p.time_before_s = tb[d];
        p.time_after_s = ta[d];
        p.zone_before = site_before[d] < tab.nf ? site_before[d] : npos;
        p.zone_after = site_after[d] == npos ? npos : zone_of_site[site_after[d]];
        if (p.zone_before != npos)
            add_fig(res.zones_before[p.zone_before].figures, sum_b[p.zone_before], p.weight, tb[d]);
        if (p.zone_after != npos)
            add_fig(res.zones_after[p.zone_after].figures, sum_a[p.zone_after], p.weight, ta[d]);
    }
    for (std::size_t z = 0; z < res.zones_before.size(); ++z) {
        auto &f = res.zones_before[z].figures;
        f.mean_time_s = f.weight > 0 ? sum_b[z] / f.weight : 0;
    }
    for (std::size_t z = 0; z < res.zones_after.size(); ++z) {
        auto &f = res.zones_after[z].figures;
        f.mean_time_s = f.weight > 0 ? sum_a[z] / f.weight : 0;
    }
    res.seconds_search = seconds_since(t_search);
    report(1.0, "done");
    return res;
}

} // namespace lugeo
