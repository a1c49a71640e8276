// Farthest-first k-center with refinement (kcenter.hpp).
#include "scene_init/kcenter.hpp"

#include <lugeo/error.hpp>
#include <lugeo/routing.hpp>

#include <cmath>
#include <limits>
#include <set>

namespace lugeo::detail {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

struct Graph {
    const Network &net;
    std::uint32_t comp = Network::npos;
    std::vector<std::uint32_t> candidates; ///< edges a kiosk may stand on
    std::vector<std::uint32_t> node_edge;  ///< per node: a candidate edge touching it (npos)
    std::vector<std::uint32_t> comp_nodes; ///< nodes of the largest car component
};

bool two_way(const Network &net, std::uint32_t e) {
    return std::isfinite(net.travel_time(Profile::car, e, true)) &&
           std::isfinite(net.travel_time(Profile::car, e, false));
}

Network::Snap site_on(const Network &net, std::uint32_t e) {
    Network::Snap s;
    s.edge = e;
    s.offset_m = net.edge(e).length_m / 2;
    s.point = net.point_along(e, s.offset_m);
    return s;
}

/// Worst time and the farthest node of the component.
std::pair<double, std::uint32_t> farthest(const Graph &g, const Reach &r) {
    double worst = 0;
    std::uint32_t at = Network::npos;
    for (std::uint32_t n : g.comp_nodes) {
        const double t = r.time(n);
        if (std::isfinite(t) && t >= worst) {
            worst = t;
            at = n;
        }
    }
    return {worst, at};
}

Reach search(const Network &net, const std::vector<Network::Snap> &sites) {
    std::vector<RoutingSource> src;
    src.reserve(sites.size());
    for (const auto &s : sites)
        src.push_back({s, 0.0});
    RoutingOptions o;
    o.profile = Profile::car;
    o.direction = Direction::outbound;
    return shortest_times(net, src, o);
}

} // namespace

KCenter place_kiosks(const Network &net, int k) {
    Graph g{net, net.largest_component(Profile::car), {}, {}, {}};
    const auto &nc = net.node_components(Profile::car);
    for (std::uint32_t n = 0; n < net.node_count(); ++n)
        if (nc[n] == g.comp && g.comp != Network::npos) g.comp_nodes.push_back(n);
    g.node_edge.assign(net.node_count(), Network::npos);
    for (int pass = 0; pass < 2 && g.candidates.empty(); ++pass)
        for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
            if (!net.is_usable(Profile::car, e) || net.edge_component(Profile::car, e) != g.comp)
                continue;
            if (pass == 0 && !two_way(net, e)) continue; // two-way streets first
            g.candidates.push_back(e);
            for (std::uint32_t n : {net.edge(e).from, net.edge(e).to})
                if (g.node_edge[n] == Network::npos) g.node_edge[n] = e;
        }
    if (g.candidates.empty() || g.comp_nodes.empty())
        throw Error(ErrorCode::invalid_argument,
                    "no road a car may use: placeholder kiosks need a drivable network");

    KCenter out;
    // the first site: the candidate nearest the component's centre
    double cx = 0, cy = 0;
    for (std::uint32_t n : g.comp_nodes) {
        cx += net.node(n).x;
        cy += net.node(n).y;
    }
    cx /= static_cast<double>(g.comp_nodes.size());
    cy /= static_cast<double>(g.comp_nodes.size());
    auto nearest_candidate = [&](double x, double y, const std::vector<std::uint32_t> &among) {
        std::uint32_t best = among.front();
        double bd = inf;
        for (std::uint32_t e : among) {
            const XY p = net.point_along(e, net.edge(e).length_m / 2);
            const double d = std::hypot(p.x - x, p.y - y);
            if (d < bd) {
                bd = d;
                best = e;
            }
        }
        return best;
    };
    std::set<std::uint32_t> used;
    const std::uint32_t first = nearest_candidate(cx, cy, g.candidates);
    out.sites.push_back(site_on(net, first));
    used.insert(first);
    const std::size_t want =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(1, k)), g.candidates.size());
    Reach r = search(net, out.sites);
    while (out.sites.size() < want) {
        const auto [worst, node] = farthest(g, r);
        if (node == Network::npos || worst <= 0) break;
        std::uint32_t e = g.node_edge[node];
        if (e == Network::npos || used.count(e)) e = r.edge(node);
        if (e == Network::npos || used.count(e)) break;
        out.sites.push_back(site_on(net, e));
        used.insert(e);
        r = search(net, out.sites);
    }
    out.first_pass_worst_s = out.worst_s = farthest(g, r).first;

    // refinement: each site to the candidate nearest the centre of the nodes it serves
    for (int round = 0; round < 3; ++round) {
        const std::size_t m = out.sites.size();
        std::vector<double> sx(m, 0), sy(m, 0), cnt(m, 0);
        for (std::uint32_t n : g.comp_nodes) {
            const std::uint32_t s = r.source(n);
            if (s == Reach::npos) continue;
            sx[s] += net.node(n).x;
            sy[s] += net.node(n).y;
            cnt[s] += 1;
        }
        std::vector<std::vector<std::uint32_t>> mine(m);
        for (std::uint32_t e : g.candidates) {
            const std::uint32_t a = r.source(net.edge(e).from), b = r.source(net.edge(e).to);
            if (a != Reach::npos && a == b) mine[a].push_back(e);
        }
        std::vector<Network::Snap> moved = out.sites;
        for (std::size_t s = 0; s < m; ++s)
            if (cnt[s] > 0 && !mine[s].empty())
                moved[s] = site_on(net, nearest_candidate(sx[s] / cnt[s], sy[s] / cnt[s], mine[s]));
        Reach r2 = search(net, moved);
        const double w2 = farthest(g, r2).first;
        if (!(w2 < out.worst_s - 1e-6)) break;
        out.sites = std::move(moved);
        out.worst_s = w2;
        r = std::move(r2);
    }
    return out;
}

} // namespace lugeo::detail
