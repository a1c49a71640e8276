// The road network: noding, edges, profiles, CSR, components, snapping.
#include <lugeo/error.hpp>
#include <lugeo/network.hpp>

#if defined(__GLIBC__)
#include <malloc.h> // malloc_trim
#endif
#include <algorithm>
#include <tuple>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <unordered_map>

namespace lugeo {

const char *profile_name(Profile p) noexcept {
    switch (p) {
    case Profile::walk:
        return "walk";
    case Profile::ebike:
        return "ebike";
    case Profile::car:
        return "car";
    }
    return "?";
}

std::optional<Profile> profile_from_name(std::string_view name) noexcept {
    if (name == "walk" || name == "foot") return Profile::walk;
    if (name == "ebike" || name == "e-bike" || name == "bike") return Profile::ebike;
    if (name == "car" || name == "drive") return Profile::car;
    return std::nullopt;
}

const char *road_layout_name(RoadLayout l) noexcept {
    switch (l) {
    case RoadLayout::detect:
        return "auto";
    case RoadLayout::undirected:
        return "undirected";
    case RoadLayout::directed:
        return "directed";
    case RoadLayout::mixed:
        return "mixed";
    }
    return "?";
}

ProfileSpeeds default_speeds(Profile p) {
    ProfileSpeeds s;
    switch (p) {
    case Profile::walk:
        s.obey_oneway = false;
        s.cap_by_maxspeed = false;
        for (const char *c :
             {"trunk",          "trunk_link", "primary",       "primary_link", "secondary",
              "secondary_link", "tertiary",   "tertiary_link", "unclassified", "residential",
              "living_street",  "service",    "road",          "pedestrian",   "footway",
              "path",           "cycleway",   "track",         "bridleway",    "corridor"})
            s.kmh[c] = 4.5;
        s.kmh["steps"] = 2.0;
        break;
    case Profile::ebike:
        // E-bikes ride in the non-motorised lanes of trunk and primary roads in Chinese cities.
        for (const char *c : {"trunk", "trunk_link", "primary", "primary_link", "secondary",
                              "secondary_link", "tertiary", "tertiary_link"})
            s.kmh[c] = 20.0;
        for (const char *c : {"unclassified", "residential", "road"})
            s.kmh[c] = 18.0;
        s.kmh["cycleway"] = 18.0;
        s.kmh["living_street"] = 10.0;
        s.kmh["service"] = 12.0;
        s.kmh["track"] = 10.0;
        s.kmh["path"] = 8.0;
        s.kmh["pedestrian"] = 6.0;
        break;
    case Profile::car:
        // Typical urban travel speeds (not limits) of a Chinese prefecture-level city.
        s.kmh = {{"motorway", 60.0},      {"motorway_link", 40.0},  {"trunk", 45.0},
                 {"trunk_link", 30.0},    {"primary", 35.0},        {"primary_link", 25.0},
                 {"secondary", 30.0},     {"secondary_link", 25.0}, {"tertiary", 25.0},
                 {"tertiary_link", 20.0}, {"unclassified", 20.0},   {"residential", 15.0},
                 {"road", 20.0},          {"living_street", 8.0},   {"service", 10.0}};
        break;
    }
    return s;
}

// ---------------------------------------------------------------------------------------

namespace {

std::string lower(std::string s) {
    for (auto &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // trim
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool in_list(const std::string &v, const std::vector<std::string> &list) {
    return std::find(list.begin(), list.end(), v) != list.end();
}

/// "50", "50 km/h", "30 mph", "none", "CN:urban" -> km/h (0 when unknown). `absurd` is set
/// for a number that is no speed: NaN, infinite, zero or negative, above 300 km/h.
double parse_maxspeed(const std::string &raw, bool *absurd = nullptr) {
    if (absurd) *absurd = false;
    if (raw.empty()) return 0.0;
    char *end = nullptr;
    const double v = std::strtod(raw.c_str(), &end);
    if (end == raw.c_str()) return 0.0; // "none", "signals", "CN:urban": not a number
    const double kmh = raw.find("mph") != std::string::npos ? v * 1.609344 : v;
    if (!(kmh > 0) || kmh > 300) {
        if (absurd) *absurd = true;
        return 0.0;
    }
    return kmh;
}

struct PointKey {
    std::uint64_t x, y;
    bool operator==(const PointKey &) const = default;
};
struct PointKeyHash {
    std::size_t operator()(const PointKey &k) const noexcept {
        std::uint64_t h = k.x * 0x9E3779B97F4A7C15ull;
        h ^= (k.y + 0x632BE59BD9B4E019ull) + (h << 6) + (h >> 2);
        return static_cast<std::size_t>(h * 0xBF58476D1CE4E5B9ull);
    }
};
PointKey key_of(XY p) {
    // +0.0 and -0.0 are the same place
    const double x = p.x == 0.0 ? 0.0 : p.x, y = p.y == 0.0 ? 0.0 : p.y;
    return {std::bit_cast<std::uint64_t>(x), std::bit_cast<std::uint64_t>(y)};
}

} // namespace

RoadLayoutReport detect_road_layout(const std::vector<RoadInput> &roads) {
    RoadLayoutReport rep;
    // every segment once, by its undirected key {lo, hi} and its direction, sorted (a sort,
    // not a hash map: no allocation per segment); in a group of one undirected segment, a
    // segment has a twin when the other direction holds a feature other than its own
    struct Seg {
        PointKey lo, hi;
        std::uint32_t dir, feature, index; ///< index: the segment's place in `twin`
        auto tie() const { return std::tie(lo.x, lo.y, hi.x, hi.y, dir, feature); }
    };
    std::vector<std::size_t> first(roads.size() + 1, 0); // each feature's first segment
    for (std::uint32_t i = 0; i < roads.size(); ++i) {
        const auto &r = roads[i];
        const bool used = !r.road_class.empty() && r.line.size() > 1;
        first[i + 1] = first[i] + (used ? r.line.size() - 1 : 0);
    }
    std::vector<Seg> seg;
    seg.reserve(first.back());
    for (std::uint32_t i = 0; i < roads.size(); ++i) {
        const auto &r = roads[i];
        if (first[i + 1] == first[i]) continue;
        for (std::size_t k = 0; k + 1 < r.line.size(); ++k) {
            PointKey a = key_of(r.line[k]), b = key_of(r.line[k + 1]);
            const bool fwd = std::tie(a.x, a.y) <= std::tie(b.x, b.y);
            if (!fwd) std::swap(a, b);
            seg.push_back({a, b, fwd ? 0u : 1u, i, static_cast<std::uint32_t>(first[i] + k)});
        }
    }
    std::sort(seg.begin(), seg.end(), [](const Seg &x, const Seg &y) { return x.tie() < y.tie(); });
    std::vector<bool> twin(first.back(), false);
    for (std::size_t g = 0; g < seg.size();) {
        std::size_t mid = g, end = g; // [g, mid): direction 0, [mid, end): direction 1
        while (end < seg.size() && seg[end].lo == seg[g].lo && seg[end].hi == seg[g].hi) {
            if (seg[end].dir == 0) mid = end + 1;
            ++end;
        }
        // the other direction's range is sorted by feature: a feature other than i exists
        // iff its first or its last is not i
        auto other = [&](std::size_t lo, std::size_t hi, std::uint32_t i) {
            return lo != hi && (seg[lo].feature != i || seg[hi - 1].feature != i);
        };
        for (std::size_t q = g; q < end; ++q)
            twin[seg[q].index] =
                q < mid ? other(mid, end, seg[q].feature) : other(g, mid, seg[q].feature);
        g = end;
    }
    for (std::uint32_t i = 0; i < roads.size(); ++i) {
        const auto &r = roads[i];
        if (first[i + 1] == first[i]) continue;
        ++rep.features;
        bool all = true;
        for (std::size_t k = 0; k + 1 < r.line.size(); ++k) {
            const double len = distance(r.line[k], r.line[k + 1]);
            if (len <= 0) continue;
            rep.length_m += len;
            // the reversed segment in another feature (a feature doubling back on itself is
            // not a second direction)
            if (twin[first[i] + k])
                rep.twinned_m += len;
            else
                all = false;
        }
        if (all) ++rep.features_twinned;
    }
    const double share = rep.twinned_share();
    rep.layout = share >= directed_twin_share     ? RoadLayout::directed
                 : share <= undirected_twin_share ? RoadLayout::undirected
                                                  : RoadLayout::mixed;
    return rep;
}

struct Network::Builder {
    static Network build(std::vector<RoadInput> roads, const std::string &crs,
                         const NetworkOptions &opt, NetworkBuildReport report);
    static void build_profiles(Network &net, const std::vector<std::int8_t> &dir,
                               const NetworkOptions &opt);
    static void build_components(Network &net);
    static void build_grid(Network &net);
};

Network Network::Builder::build(std::vector<RoadInput> roads, const std::string &crs,
                                const NetworkOptions &opt, NetworkBuildReport report) {
    const auto t0 = std::chrono::steady_clock::now();
    Network net;
    net.m_crs = crs;
    net.m_names.push_back("");

    // 1. keep the roads some profile may use; clean their geometry
    std::unordered_map<std::string, std::uint32_t> class_ids, name_ids;
    name_ids[""] = 0;
    std::vector<std::size_t> kept;
    kept.reserve(roads.size());
    for (std::size_t i = 0; i < roads.size(); ++i) {
        RoadInput &r = roads[i];
        if (r.road_class.empty()) {
            ++report.features_no_class;
            continue;
        }
        bool usable = false;
        for (const auto &ps : opt.profiles) {
            auto it = ps.kmh.find(r.road_class);
            const double v = it == ps.kmh.end() ? ps.other_kmh : it->second;
            usable |= v > 0;
        }
        if (!usable) {
            ++report.dropped_classes[r.road_class];
            continue;
        }
        auto &l = r.line;
        l.erase(
            std::unique(l.begin(), l.end(), [](XY a, XY b) { return a.x == b.x && a.y == b.y; }),
            l.end());
        if (l.size() < 2) {
            ++report.features_degenerate;
            continue;
        }
        kept.push_back(i);
    }
    report.features_used = kept.size();

    // 1b. the layout: detected always (for the report), used unless the settings say it
    report.layout = detect_road_layout(roads);
    report.layout_from_settings = opt.layout != RoadLayout::detect;
    report.layout_used = report.layout_from_settings                    ? opt.layout
                         : report.layout.layout == RoadLayout::directed ? RoadLayout::directed
                                                                        : RoadLayout::undirected;
    if (!report.layout_from_settings && report.layout.layout == RoadLayout::mixed) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f %%", 100.0 * report.layout.twinned_share());
        report.warnings.push_back(
            std::string("the road layer looks partly digitised once per direction of travel (") +
            buf +
            " of its length has a reversed copy): read as one feature per road, two-way unless "
            "tagged one-way; say `directed = true` in [network] if single features are one-way");
    }
    const bool directed = report.layout_used == RoadLayout::directed;

    // 2. noding: a vertex is a node if it ends a way or occurs more than once
    std::unordered_map<PointKey, std::uint32_t, PointKeyHash> count;
    std::size_t total_pts = 0;
    for (std::size_t i : kept)
        total_pts += roads[i].line.size();
    count.reserve(total_pts);
    for (std::size_t i : kept) {
        const auto &l = roads[i].line;
        for (std::size_t k = 0; k < l.size(); ++k) {
            auto &c = count[key_of(l[k])];
            c += (k == 0 || k + 1 == l.size()) ? 2 : 1;
        }
    }
    std::unordered_map<PointKey, std::uint32_t, PointKeyHash> node_id;
    node_id.reserve(total_pts / 4 + 16);
    auto get_node = [&](XY p) {
        auto [it, inserted] =
            node_id.try_emplace(key_of(p), static_cast<std::uint32_t>(net.m_nodes.size()));
        if (inserted) net.m_nodes.push_back(p);
        return it->second;
    };

    // 3. split ways into edges
    std::vector<std::int8_t> dir; // per edge: 0 both, 1 along, -1 against, 2 closed (vehicles)
    net.m_points.reserve(total_pts + kept.size());
    for (std::size_t i : kept) {
        const RoadInput &r = roads[i];
        auto [cit, cnew] =
            class_ids.try_emplace(r.road_class, static_cast<std::uint32_t>(net.m_classes.size()));
        if (cnew) net.m_classes.push_back(r.road_class);
        auto [nit, nnew] =
            name_ids.try_emplace(r.name, static_cast<std::uint32_t>(net.m_names.size()));
        if (nnew) net.m_names.push_back(r.name);
        const std::string ow = lower(r.oneway), junction = lower(r.junction);
        std::int8_t d = 0;
        if (in_list(ow, opt.oneway_forward))
            d = 1;
        else if (in_list(ow, opt.oneway_backward))
            d = -1;
        else if (in_list(ow, opt.oneway_closed))
            d = 2;
        else if (directed)
            d = 1; // one feature per direction: it runs along its geometry
        else if (ow.empty() &&
                 (junction == "roundabout" || junction == "circular" || r.road_class == "motorway"))
            d = 1;
        bool absurd = false;
        const float maxspeed = static_cast<float>(parse_maxspeed(lower(r.maxspeed), &absurd));
        if (absurd && report.maxspeed_absurd++ == 0) {
            report.maxspeed_absurd_example = r.maxspeed;
            report.maxspeed_absurd_fid = r.fid;
        }

        const auto &l = r.line;
        std::size_t start = 0;
        for (std::size_t k = 1; k < l.size(); ++k) {
            const bool is_node = k + 1 == l.size() || count[key_of(l[k])] >= 2;
            if (!is_node) continue;
            Edge e;
            e.from = get_node(l[start]);
            e.to = get_node(l[k]);
            e.road_class = cit->second;
            e.name = nit->second;
            e.oneway = d;
            e.level = static_cast<std::int8_t>(std::clamp(r.level, -9, 9));
            e.maxspeed_kmh = maxspeed;
            e.source_fid = r.fid;
            e.geom_begin = static_cast<std::uint32_t>(net.m_points.size());
            double len = 0.0;
            for (std::size_t q = start; q <= k; ++q) {
                if (q > start) len += distance(l[q - 1], l[q]);
                net.m_points.push_back(l[q]);
            }
            e.geom_end = static_cast<std::uint32_t>(net.m_points.size());
            e.length_m = len;
            start = k;
            if (len <= 0.0) {
                net.m_points.resize(e.geom_begin);
                continue;
            }
            net.m_edges.push_back(e);
            dir.push_back(d);
        }
    }

    // the ways and the noding maps are in the network now: let the profiles reuse their memory
    std::vector<RoadInput>().swap(roads);
    std::vector<std::size_t>().swap(kept);
    decltype(count)().swap(count);
    decltype(node_id)().swap(node_id);

    // 4. duplicate copies of the same segment (surveyed networks digitised once per direction)
    {
        struct Key {
            std::uint32_t a, b;
            std::uint32_t npts;
            bool operator==(const Key &) const = default;
        };
        struct KeyHash {
            std::size_t operator()(const Key &k) const noexcept {
                return (static_cast<std::size_t>(k.a) * 1000003u) ^
                       (static_cast<std::size_t>(k.b) * 7919u) ^ k.npts;
            }
        };
        std::unordered_map<Key, std::uint32_t, KeyHash> seen;
        std::vector<bool> drop(net.m_edges.size(), false);
        auto same_geometry = [&](const Edge &x, const Edge &y, bool reversed) {
            const std::uint32_t n = x.geom_end - x.geom_begin;
            for (std::uint32_t q = 0; q < n; ++q) {
                const XY p = net.m_points[x.geom_begin + q];
                const XY r = net.m_points[reversed ? y.geom_end - 1 - q : y.geom_begin + q];
                if (p.x != r.x || p.y != r.y) return false;
            }
            return true;
        };
        for (std::uint32_t e = 0; e < net.m_edges.size(); ++e) {
            const Edge &x = net.m_edges[e];
            if (x.from == x.to) continue;
            Key k{std::min(x.from, x.to), std::max(x.from, x.to), x.geom_end - x.geom_begin};
            auto [it, inserted] = seen.try_emplace(k, e);
            if (inserted) continue;
            Edge &y = net.m_edges[it->second];
            const bool reversed = y.from != x.from;
            if (!same_geometry(x, y, reversed) || y.road_class != x.road_class) continue;
            // x duplicates y: merge the directions each allows, relative to y's geometry
            auto along_ok = [](std::int8_t dd) { return dd == 0 || dd == 1; };
            auto against_ok = [](std::int8_t dd) { return dd == 0 || dd == -1; };
            std::int8_t &dy = dir[it->second];
            const std::int8_t dx = dir[e];
            if (dy != 2 && dx != 2) {
                const bool f = along_ok(dy) || (reversed ? against_ok(dx) : along_ok(dx));
                const bool b = against_ok(dy) || (reversed ? along_ok(dx) : against_ok(dx));
                dy = f && b ? 0 : (f ? 1 : -1);
                y.oneway = dy;
            }
            if (y.name == 0) y.name = x.name;
            drop[e] = true;
            ++report.duplicate_edges_merged;
        }
        if (report.duplicate_edges_merged) {
            std::vector<Edge> edges;
            std::vector<std::int8_t> dirs;
            std::vector<XY> pts;
            edges.reserve(net.m_edges.size());
            pts.reserve(net.m_points.size());
            for (std::uint32_t e = 0; e < net.m_edges.size(); ++e) {
                if (drop[e]) continue;
                Edge x = net.m_edges[e];
                const auto b = static_cast<std::uint32_t>(pts.size());
                pts.insert(pts.end(), net.m_points.begin() + x.geom_begin,
                           net.m_points.begin() + x.geom_end);
                x.geom_begin = b;
                x.geom_end = static_cast<std::uint32_t>(pts.size());
                edges.push_back(x);
                dirs.push_back(dir[e]);
            }
            net.m_edges = std::move(edges);
            net.m_points = std::move(pts);
            dir = std::move(dirs);
        }
    }
    if (net.m_edges.empty())
        throw Error(ErrorCode::invalid_geometry,
                    "no usable road in the input: " + std::to_string(report.features_read) +
                        " features read, " + std::to_string(report.features_no_class) +
                        " without a road class, none of a class any profile may use");

    // cumulative lengths along each edge
    net.m_cumlen.assign(net.m_points.size(), 0.0);
    for (const Edge &e : net.m_edges)
        for (std::uint32_t q = e.geom_begin + 1; q < e.geom_end; ++q)
            net.m_cumlen[q] = net.m_cumlen[q - 1] + distance(net.m_points[q - 1], net.m_points[q]);

    if (report.maxspeed_absurd)
        report.warnings.push_back(
            std::to_string(report.maxspeed_absurd) + " road" +
            (report.maxspeed_absurd == 1 ? " has" : "s have") +
            " a maxspeed that is no speed (not above 0 and up to 300 km/h), e.g. '" +
            report.maxspeed_absurd_example + "' on feature " +
            std::to_string(report.maxspeed_absurd_fid) +
            ": the class speed of the profile is used for " +
            (report.maxspeed_absurd == 1 ? "it" : "them"));
    build_profiles(net, dir, opt);
    for (Profile p : all_profiles) { // ascending ids: the sum a loop over the edges would give
        double m = 0;
        for (std::uint32_t e = 0; e < net.m_edges.size(); ++e)
            if (net.is_usable(p, e)) m += net.m_edges[e].length_m;
        net.m_usable_m[static_cast<std::size_t>(p)] = m;
    }
    build_components(net);
    build_grid(net);

    report.build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    net.m_report = std::move(report);
    return net;
}

void Network::Builder::build_profiles(Network &net, const std::vector<std::int8_t> &dir,
                                      const NetworkOptions &opt) {
    const std::size_t ne = net.m_edges.size(), nn = net.m_nodes.size();
    if (ne >= max_edges)
        throw Error(ErrorCode::invalid_argument,
                    "the road network has " + std::to_string(ne) +
                        " edges, more than the 2^31 an arc can name; split the area");
    const double inf = std::numeric_limits<double>::infinity();
    for (Profile p : all_profiles) {
        const std::size_t pi = static_cast<std::size_t>(p);
        const ProfileSpeeds &ps = opt.profiles[pi];
        auto &along = net.m_time[pi][0];
        auto &against = net.m_time[pi][1];
        along.assign(ne, inf);
        against.assign(ne, inf);
        for (std::size_t e = 0; e < ne; ++e) {
            const Edge &ed = net.m_edges[e];
            auto it = ps.kmh.find(net.m_classes[ed.road_class]);
            double v = it == ps.kmh.end() ? ps.other_kmh : it->second;
            if (!(v > 0)) continue;
            if (ps.cap_by_maxspeed && ed.maxspeed_kmh > 0)
                v = std::min(v, static_cast<double>(ed.maxspeed_kmh));
            const double t = ed.length_m / (v / 3.6);
            const std::int8_t d = ps.obey_oneway ? dir[e] : 0;
            if (d == 2) continue;
            if (d == 0 || d == 1) along[e] = t;
            if (d == 0 || d == -1) against[e] = t;
        }
        // CSR forward (out-arcs by tail) and backward (in-arcs by head)
        auto &fwd = net.m_fwd[pi];
        auto &bwd = net.m_bwd[pi];
        fwd.offsets.assign(nn + 1, 0);
        bwd.offsets.assign(nn + 1, 0);
        for (std::size_t e = 0; e < ne; ++e) {
            const Edge &ed = net.m_edges[e];
            if (std::isfinite(along[e])) {
                ++fwd.offsets[ed.from + 1];
                ++bwd.offsets[ed.to + 1];
            }
            if (std::isfinite(against[e])) {
                ++fwd.offsets[ed.to + 1];
                ++bwd.offsets[ed.from + 1];
            }
        }
        for (std::size_t n = 0; n < nn; ++n) {
            fwd.offsets[n + 1] += fwd.offsets[n];
            bwd.offsets[n + 1] += bwd.offsets[n];
        }
        fwd.arcs.resize(fwd.offsets[nn]);
        bwd.arcs.resize(bwd.offsets[nn]);
        std::vector<std::uint32_t> fpos(fwd.offsets.begin(), fwd.offsets.end() - 1),
            bpos(bwd.offsets.begin(), bwd.offsets.end() - 1);
        for (std::size_t e = 0; e < ne; ++e) {
            const Edge &ed = net.m_edges[e];
            const auto eid = static_cast<std::uint32_t>(e);
            if (std::isfinite(along[e])) {
                fwd.arcs[fpos[ed.from]++] = {ed.to, eid, 1, along[e]};
                bwd.arcs[bpos[ed.to]++] = {ed.from, eid, 1, along[e]};
            }
            if (std::isfinite(against[e])) {
                fwd.arcs[fpos[ed.to]++] = {ed.from, eid, 0, against[e]};
                bwd.arcs[bpos[ed.from]++] = {ed.to, eid, 0, against[e]};
            }
        }
    }
}

void Network::Builder::build_components(Network &net) {
    const std::size_t nn = net.m_nodes.size();
    for (Profile p : all_profiles) {
        const std::size_t pi = static_cast<std::size_t>(p);
        const auto &fwd = net.m_fwd[pi];
        auto &comp = net.m_components[pi];
        comp.assign(nn, npos);
        // iterative Tarjan
        std::vector<std::uint32_t> index(nn, npos), low(nn, 0), stack, call_node, call_arc;
        std::vector<bool> on_stack(nn, false);
        std::uint32_t next_index = 0, next_comp = 0;
        for (std::uint32_t root = 0; root < nn; ++root) {
            if (index[root] != npos) continue;
            const bool isolated = fwd.offsets[root] == fwd.offsets[root + 1] &&
                                  net.m_bwd[pi].offsets[root] == net.m_bwd[pi].offsets[root + 1];
            if (isolated) continue;
            call_node.push_back(root);
            call_arc.push_back(fwd.offsets[root]);
            index[root] = low[root] = next_index++;
            stack.push_back(root);
            on_stack[root] = true;
            while (!call_node.empty()) {
                const std::uint32_t v = call_node.back();
                std::uint32_t &ai = call_arc.back();
                if (ai < fwd.offsets[v + 1]) {
                    const std::uint32_t w = fwd.arcs[ai++].node;
                    if (index[w] == npos) {
                        index[w] = low[w] = next_index++;
                        stack.push_back(w);
                        on_stack[w] = true;
                        call_node.push_back(w);
                        call_arc.push_back(fwd.offsets[w]);
                    } else if (on_stack[w]) {
                        low[v] = std::min(low[v], index[w]);
                    }
                    continue;
                }
                if (low[v] == index[v]) {
                    std::uint32_t w;
                    do {
                        w = stack.back();
                        stack.pop_back();
                        on_stack[w] = false;
                        comp[w] = next_comp;
                    } while (w != v);
                    ++next_comp;
                }
                call_node.pop_back();
                call_arc.pop_back();
                if (!call_node.empty()) {
                    const std::uint32_t u = call_node.back();
                    low[u] = std::min(low[u], low[v]);
                }
            }
        }
        // number components by their usable length, largest first (stable ids across runs)
        std::vector<double> len(next_comp, 0.0);
        for (std::uint32_t e = 0; e < net.m_edges.size(); ++e) {
            const Edge &ed = net.m_edges[e];
            if (comp[ed.from] != npos && comp[ed.from] == comp[ed.to] && net.is_usable(p, e))
                len[comp[ed.from]] += ed.length_m;
        }
        std::vector<std::uint32_t> order(next_comp);
        for (std::uint32_t c = 0; c < next_comp; ++c)
            order[c] = c;
        std::stable_sort(order.begin(), order.end(),
                         [&](std::uint32_t a, std::uint32_t b) { return len[a] > len[b]; });
        std::vector<std::uint32_t> rank(next_comp);
        for (std::uint32_t r = 0; r < next_comp; ++r)
            rank[order[r]] = r;
        for (auto &c : comp)
            if (c != npos) c = rank[c];
        net.m_component_count[pi] = next_comp;
        net.m_largest[pi] = next_comp ? 0 : npos;
    }
}

void Network::Builder::build_grid(Network &net) {
    Box b;
    for (XY p : net.m_points)
        b.extend(p);
    // about 4 segments per cell on average, cells between 25 m and 1 km
    const double segs = static_cast<double>(net.m_points.size());
    const double area = std::max((b.maxx - b.minx) * (b.maxy - b.miny), 1.0);
    const double cell = std::clamp(std::sqrt(area / std::max(segs / 4.0, 1.0)), 25.0, 1000.0);
    net.m_grid = detail::BucketGrid<SegRef>(b, cell);
    net.m_grid.fill([&](auto &&put) {
        for (std::uint32_t ei = 0; ei < net.m_edges.size(); ++ei) {
            const Edge &e = net.m_edges[ei];
            for (std::uint32_t q = e.geom_begin; q + 1 < e.geom_end; ++q) {
                const XY p = net.m_points[q], r = net.m_points[q + 1];
                put(Box{std::min(p.x, r.x), std::min(p.y, r.y), std::max(p.x, r.x),
                        std::max(p.y, r.y)},
                    SegRef{ei, q});
            }
        }
    });
}

// ---------------------------------------------------------------------------------------

std::vector<std::uint32_t> Network::edges_in(const Box &box) const {
    std::vector<std::uint32_t> out;
    if (!(box.minx <= box.maxx && box.miny <= box.maxy)) return out;
    auto each = [&](auto &&f) {
        m_grid.cells_meeting(box, [&](std::span<const SegRef> refs) {
            for (const SegRef r : refs) {
                const XY a = m_points[r.seg], b = m_points[r.seg + 1];
                if (std::max(a.x, b.x) < box.minx || std::min(a.x, b.x) > box.maxx ||
                    std::max(a.y, b.y) < box.miny || std::min(a.y, b.y) > box.maxy)
                    continue;
                f(r.edge);
            }
        });
    };
    // a segment is in every cell it crosses and an edge has many segments: a box holding
    // much of the network marks its edges in a bit per edge (a 500k-edge network: 64 KB,
    // where the list of every hit took 12 MB), a small one sorts its few hits
    std::size_t refs = 0;
    m_grid.cells_meeting(box, [&](std::span<const SegRef> r) { refs += r.size(); });
    if (refs < m_edges.size() / 16) {
        out.reserve(refs);
        each([&](std::uint32_t e) { out.push_back(e); });
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }
    std::vector<std::uint64_t> hit((m_edges.size() + 63) / 64, 0);
    each([&](std::uint32_t e) { hit[e / 64] |= 1ULL << (e % 64); });
    std::size_t n = 0;
    for (const std::uint64_t w : hit)
        n += static_cast<std::size_t>(std::popcount(w));
    out.reserve(n);
    for (std::size_t w = 0; w < hit.size(); ++w)
        for (std::uint64_t m = hit[w]; m; m &= m - 1)
            out.push_back(static_cast<std::uint32_t>(64 * w + static_cast<std::size_t>(std::countr_zero(m))));
    return out;
}

std::span<const XY> Network::edge_geometry(std::uint32_t e) const {
    const Edge &ed = m_edges[e];
    return {m_points.data() + ed.geom_begin, ed.geom_end - ed.geom_begin};
}

std::span<const Network::Arc> Network::out_arcs(Profile p, std::uint32_t n) const {
    const auto &c = m_fwd[static_cast<std::size_t>(p)];
    return {c.arcs.data() + c.offsets[n], c.offsets[n + 1] - c.offsets[n]};
}

std::span<const Network::Arc> Network::in_arcs(Profile p, std::uint32_t n) const {
    const auto &c = m_bwd[static_cast<std::size_t>(p)];
    return {c.arcs.data() + c.offsets[n], c.offsets[n + 1] - c.offsets[n]};
}

std::uint32_t Network::edge_component(Profile p, std::uint32_t e) const {
    const auto &comp = m_components[static_cast<std::size_t>(p)];
    const Edge &ed = m_edges[e];
    return comp[ed.from] == comp[ed.to] ? comp[ed.from] : npos;
}

XY Network::point_along(std::uint32_t e, double offset_m) const {
    const Edge &ed = m_edges[e];
    if (offset_m <= 0) return m_points[ed.geom_begin];
    if (offset_m >= ed.length_m) return m_points[ed.geom_end - 1];
    auto first = m_cumlen.begin() + ed.geom_begin, last = m_cumlen.begin() + ed.geom_end;
    auto it = std::upper_bound(first, last, offset_m);
    const std::size_t q = static_cast<std::size_t>(it - m_cumlen.begin());
    const XY a = m_points[q - 1], b = m_points[q];
    const double seg = m_cumlen[q] - m_cumlen[q - 1];
    const double t = seg > 0 ? (offset_m - m_cumlen[q - 1]) / seg : 0.0;
    return {a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
}

LineString Network::sub_line(std::uint32_t e, double from_m, double to_m) const {
    const Edge &ed = m_edges[e];
    from_m = std::clamp(from_m, 0.0, ed.length_m);
    to_m = std::clamp(to_m, from_m, ed.length_m);
    LineString out;
    out.push_back(point_along(e, from_m));
    for (std::uint32_t q = ed.geom_begin + 1; q + 1 < ed.geom_end; ++q)
        if (m_cumlen[q] > from_m && m_cumlen[q] < to_m) out.push_back(m_points[q]);
    out.push_back(point_along(e, to_m));
    return out;
}

std::optional<Network::Snap> Network::snap(XY p, const SnapOptions &o) const {
    if (!(o.max_distance_m >= 0))
        throw Error(ErrorCode::invalid_argument,
                    "snap: the distance limit must be a number >= 0 (got " +
                        std::to_string(o.max_distance_m) + ")");
    if (m_edges.empty() || !std::isfinite(p.x) || !std::isfinite(p.y)) return std::nullopt;
    const std::size_t pi = static_cast<std::size_t>(o.profile);
    const auto &comp = m_components[pi];
    const std::uint32_t largest = m_largest[pi];
    const double max_d = o.max_distance_m;
    std::optional<Snap> best;
    double best_d = max_d;
    int best_score = -1;
    // How many ways one can move along edge e from offset x (0..2): ties at equal distance
    // (a point on a junction is on every edge there) prefer an edge one can leave.
    auto leave_score = [&](std::uint32_t e, double x) {
        const double len = m_edges[e].length_m;
        const bool along = std::isfinite(travel_time(o.profile, e, true));
        const bool against = std::isfinite(travel_time(o.profile, e, false));
        return (along && x < len - snap_end_tolerance_m ? 1 : 0) +
               (against && x > snap_end_tolerance_m ? 1 : 0);
    };
    // the segments of one grid cell; returns the distance to beat (rings stop beyond it)
    auto visit = [&](std::span<const SegRef> refs) {
        for (const SegRef s : refs) {
            const Edge &ed = m_edges[s.edge];
            if (!is_usable(o.profile, s.edge)) continue;
            if (o.largest_component_only && (comp[ed.from] != largest || comp[ed.to] != largest))
                continue;
            double t;
            const XY q = closest_on_segment(m_points[s.seg], m_points[s.seg + 1], p, t);
            const double d = distance(p, q);
            if (d > best_d) continue;
            // the end vertices give offsets 0 and length exactly
            double off = m_cumlen[s.seg] + t * (m_cumlen[s.seg + 1] - m_cumlen[s.seg]);
            if (t == 0.0) off = m_cumlen[s.seg];
            if (t == 1.0) off = m_cumlen[s.seg + 1];
            off = std::clamp(off, 0.0, ed.length_m);
            const bool tie = best && std::abs(d - best_d) <= 1e-9 * std::max(1.0, d);
            if (best && !tie && d >= best_d) continue;
            const int score = leave_score(s.edge, off);
            if (tie && (score < best_score || (score == best_score && s.edge >= best->edge)))
                continue;
            best_d = tie ? std::min(d, best_d) : d;
            best_score = score;
            Snap sn;
            sn.edge = s.edge;
            sn.point = q;
            sn.distance_m = d;
            sn.offset_m = off;
            best = sn;
        }
        return best ? best_d : INFINITY;
    };
    m_grid.rings(p, visit, max_d);
    return best;
}

std::string Network::snap_failure(XY p, const SnapOptions &o) const {
    char buf[400];
    const char *part = o.largest_component_only ? " in the network's largest component" : "";
    if (std::isinf(o.max_distance_m))
        std::snprintf(buf, sizeof buf, "not near any road: the network has no road usable by %s%s",
                      profile_name(o.profile), part);
    else
        std::snprintf(buf, sizeof buf, "more than %.0f m from every road usable by %s%s",
                      o.max_distance_m, profile_name(o.profile), part);
    std::string out = buf;
    if (!o.largest_component_only) return out;
    SnapOptions any = o;
    any.largest_component_only = false;
    const auto s = snap(p, any);
    if (!s) return out;
    const std::uint32_t c = edge_component(o.profile, s->edge);
    if (c == npos) {
        std::snprintf(buf, sizeof buf,
                      "; the nearest, %.0f m away, is a one-way road between parts of the network "
                      "that do not connect back to its largest component (check the roads' "
                      "connections there, or move the position)",
                      s->distance_m);
        return out + buf;
    }
    double m = 0;
    for (std::uint32_t e = 0; e < edge_count(); ++e)
        if (is_usable(o.profile, e) && edge_component(o.profile, e) == c) m += m_edges[e].length_m;
    char length[32];
    if (m < 1000.0)
        std::snprintf(length, sizeof length, "%.0f m", m);
    else
        std::snprintf(length, sizeof length, "%.1f km", m / 1000.0);
    std::snprintf(buf, sizeof buf,
                  "; the nearest, %.0f m away, is in a part of %s of road that is not "
                  "connected to it both ways (check the roads' connections there, or move the "
                  "position)",
                  s->distance_m, length);
    return out + buf;
}

// ---------------------------------------------------------------------------------------

Network build_network(std::vector<RoadInput> roads, const std::string &crs,
                      const NetworkOptions &options, NetworkBuildReport report) {
    if (report.features_read == 0) report.features_read = roads.size();
    Network net = Network::Builder::build(std::move(roads), crs, options, std::move(report));
#if defined(__GLIBC__)
    // the ways as read and the builder's maps are freed: give their memory back to the system,
    // so that what follows starts from the network's own size (a prefecture: 350 -> 263 MiB)
    malloc_trim(0);
#endif
    return net;
}

NetworkSummary summarize(const Network &net) {
    NetworkSummary s;
    s.nodes = net.node_count();
    s.edges = net.edge_count();
    std::array<double, profile_count> in_largest{};
    double car_len = 0.0, car_oneway = 0.0;
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        const auto &ed = net.edge(e);
        const double km = ed.length_m / 1000.0;
        s.total_km += km;
        s.km_by_class[net.class_of(e)] += km;
        for (Profile p : all_profiles) {
            const std::size_t pi = static_cast<std::size_t>(p);
            if (!net.is_usable(p, e)) continue;
            s.km_by_profile[pi] += km;
            if (net.edge_component(p, e) == net.largest_component(p)) in_largest[pi] += km;
        }
        if (net.is_usable(Profile::car, e)) {
            car_len += km;
            if (std::isfinite(net.travel_time(Profile::car, e, true)) !=
                std::isfinite(net.travel_time(Profile::car, e, false)))
                car_oneway += km;
        }
    }
    for (Profile p : all_profiles) {
        const std::size_t pi = static_cast<std::size_t>(p);
        s.components[pi] = net.component_count(p);
        s.largest_share[pi] = s.km_by_profile[pi] > 0 ? in_largest[pi] / s.km_by_profile[pi] : 0.0;
    }
    s.oneway_share = car_len > 0 ? car_oneway / car_len : 0.0;
    return s;
}

} // namespace lugeo
