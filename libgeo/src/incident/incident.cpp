// Incident surroundings: cameras, units in rings and by road, zone, grid, nearest junction.
#include <lugeo/detail/bucket_grid.hpp>
#include <lugeo/error.hpp>
#include <lugeo/incident.hpp>
#include <lugeo/routing.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace lugeo {

namespace {

double bearing_from(XY from, XY to) {
    if (from.x == to.x && from.y == to.y) return 0.0;
    double b = std::atan2(to.x - from.x, to.y - from.y) * 180.0 / 3.14159265358979323846;
    if (b < 0) b += 360.0;
    return b;
}

/// Within range and angle (no occlusion), the same sector test as the coverage model.
bool in_sector(const Camera &cam, XY p) {
    const double d = distance(cam.position, p);
    if (d > cam.range_m) return false;
    if (cam.all_around() || d == 0.0) return true;
    double diff = std::fmod(bearing_from(cam.position, p) - cam.heading_deg + 540.0, 360.0) - 180.0;
    return std::abs(diff) <= cam.hfov_deg / 2.0 + 1e-9;
}

} // namespace

// ------------------------------------------------------------------------------- context

IncidentContext incident_context(const SceneData &data) {
    IncidentContext ctx;
    ctx.cameras = data.cameras;
    if (const LayerReport *r = data.report(LayerRole::cameras)) ctx.warnings = r->notes;
    ctx.occluders = occluders_of(data.buildings);
    ctx.units = data.units;
    ctx.zones = data.zones;
    ctx.grids = data.grids;
    return ctx;
}

// ------------------------------------------------------------------------------- junctions

struct JunctionIndex::Impl {
    const Network *net = nullptr;
    std::vector<std::uint32_t> nodes;            ///< junction nodes
    std::vector<std::vector<std::string>> names; ///< per junction
    detail::BucketGrid<> grid;                   ///< junction numbers by cell
};

JunctionIndex::JunctionIndex(const Network &net, double cell_m) : m_impl(std::make_unique<Impl>()) {
    Impl &im = *m_impl;
    im.net = &net;
    const std::size_t nn = net.node_count();
    std::vector<std::uint32_t> degree(nn, 0);
    for (const auto &e : net.edges()) {
        ++degree[e.from];
        ++degree[e.to];
    }
    std::vector<std::uint32_t> junction_of(nn, Network::npos);
    for (std::uint32_t n = 0; n < nn; ++n)
        if (degree[n] >= 3) {
            junction_of[n] = static_cast<std::uint32_t>(im.nodes.size());
            im.nodes.push_back(n);
        }
    im.names.resize(im.nodes.size());
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        const std::string &name = net.name_of(e);
        if (name.empty()) continue;
        for (std::uint32_t n : {net.edge(e).from, net.edge(e).to}) {
            const auto j = junction_of[n];
            if (j == Network::npos) continue;
            auto &v = im.names[j];
            if (std::find(v.begin(), v.end(), name) == v.end()) v.push_back(name);
        }
    }
    for (auto &v : im.names)
        std::sort(v.begin(), v.end());
    if (im.nodes.empty()) return;
    std::vector<XY> at;
    Box box;
    for (auto n : im.nodes) {
        at.push_back(net.node(n));
        box.extend(at.back());
    }
    im.grid = detail::BucketGrid<>(box, std::max(cell_m, 1.0));
    im.grid.fill_points(at);
}

JunctionIndex::~JunctionIndex() = default;
JunctionIndex::JunctionIndex(JunctionIndex &&) noexcept = default;
JunctionIndex &JunctionIndex::operator=(JunctionIndex &&) noexcept = default;
std::size_t JunctionIndex::size() const {
    return m_impl->nodes.size();
}

std::optional<Junction> JunctionIndex::nearest(XY p, double max_m) const {
    const Impl &im = *m_impl;
    if (im.nodes.empty() || !std::isfinite(p.x) || !std::isfinite(p.y) || !(max_m >= 0))
        return std::nullopt;
    double best = max_m;
    std::optional<std::uint32_t> pick;
    im.grid.cells_meeting(Box{p.x - max_m, p.y - max_m, p.x + max_m, p.y + max_m},
                          [&](std::span<const std::uint32_t> items) {
                              for (const std::uint32_t j : items) {
                                  const double d = distance(p, im.net->node(im.nodes[j]));
                                  if (d < best || (d == best && pick && j < *pick) ||
                                      (d <= best && !pick)) {
                                      best = d;
                                      pick = j;
                                  }
                              }
                          });
    if (!pick) return std::nullopt;
    Junction out;
    out.node = im.nodes[*pick];
    out.position = im.net->node(out.node);
    out.distance_m = best;
    out.bearing_deg = bearing_from(p, out.position);
    out.roads = im.names[*pick];
    return out;
}

// ------------------------------------------------------------------------------- incident

namespace {

/// The o.road_units units nearest the incident by road (time TO it), within o.limit_s. The
/// inbound search runs to a growing limit (4 minutes, doubled up to o.limit_s) and stops as
/// soon as enough units lie within it: a unit not reached by a search to L takes longer than
/// L, so it cannot be nearer than those found, and a time found below L is the time of the
/// whole search (a front from beyond L cannot be faster). Most incidents have their nearest
/// units within minutes; the half-hour search over the whole city was most of the answer's time.
std::vector<UnitByRoad> units_by_road(const Network &net, const Network::Snap &at, XY point,
                                      const std::vector<Unit> &units,
                                      const Network::SnapOptions &so, const IncidentOptions &o) {
    std::vector<std::optional<Network::Snap>> snaps(units.size());
    for (std::size_t i = 0; i < units.size(); ++i)
        snaps[i] = net.snap(units[i].position, so);
    std::vector<UnitByRoad> found;
    RoutingOptions ro;
    ro.profile = o.profile;
    ro.direction = Direction::inbound;
    for (double limit = std::min(240.0, o.limit_s);; limit = std::min(2 * limit, o.limit_s)) {
        ro.limit_s = limit;
        const Reach reach = shortest_times(net, {RoutingSource{at, 0.0}}, ro);
        found.clear();
        for (std::size_t i = 0; i < units.size(); ++i) {
            if (!snaps[i]) continue;
            const double t = time_at(net, reach, snaps[i]->edge, snaps[i]->offset_m);
            if (!std::isfinite(t) || t > limit) continue;
            found.push_back({i, t, snaps[i]->distance_m, distance(point, units[i].position)});
        }
        if (found.size() >= o.road_units || limit >= o.limit_s || !reach.cut) break;
    }
    std::sort(found.begin(), found.end(), [](const UnitByRoad &a, const UnitByRoad &b) {
        return a.time_s != b.time_s ? a.time_s < b.time_s : a.unit < b.unit;
    });
    if (found.size() > o.road_units) found.resize(o.road_units);
    return found;
}

} // namespace

IncidentResult describe_incident(const IncidentContext &ctx, XY point, const IncidentOptions &o,
                                 const Network *net, const JunctionIndex *junctions) {
    IncidentResult r;
    r.point = point;
    if (!std::isfinite(point.x) || !std::isfinite(point.y)) return r;
    const std::vector<Unit> &all_units = o.units ? *o.units : ctx.units;

    // cameras: those that see the point first, then the nearest others
    std::vector<CameraNear> seeing, others;
    for (std::size_t i = 0; i < ctx.cameras.size(); ++i) {
        const Camera &cam = ctx.cameras[i];
        const double d = distance(cam.position, point);
        if (d > o.camera_radius_m) continue;
        CameraNear c;
        c.camera = i;
        c.distance_m = d;
        c.bearing_deg = bearing_from(cam.position, point);
        c.in_sector = in_sector(cam, point);
        c.sees = c.in_sector && camera_sees(cam, ctx.occluders, point);
        (c.sees ? seeing : others).push_back(c);
    }
    auto by_distance = [](const CameraNear &a, const CameraNear &b) {
        return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.camera < b.camera;
    };
    std::sort(seeing.begin(), seeing.end(), by_distance);
    std::sort(others.begin(), others.end(), by_distance);
    r.cameras_seeing = seeing.size();
    r.cameras = std::move(seeing);
    for (const auto &c : others) {
        if (r.cameras.size() >= std::max(o.cameras, r.cameras_seeing)) break;
        r.cameras.push_back(c);
    }

    // units in straight-line rings
    std::vector<UnitNear> units;
    for (std::size_t i = 0; i < all_units.size(); ++i)
        units.push_back({i, distance(point, all_units[i].position),
                         bearing_from(point, all_units[i].position)});
    std::sort(units.begin(), units.end(), [](const UnitNear &a, const UnitNear &b) {
        return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.unit < b.unit;
    });
    std::vector<double> rings = o.rings_m;
    std::sort(rings.begin(), rings.end());
    for (double radius : rings) {
        UnitRing ring;
        ring.radius_m = radius;
        for (const auto &u : units)
            if (u.distance_m <= radius) ring.units.push_back(u);
        r.rings.push_back(std::move(ring));
    }

    // zone and grid: the first polygon that holds the point
    for (std::size_t i = 0; i < ctx.zones.size() && !r.zone; ++i)
        if (contains(ctx.zones[i].area, point)) r.zone = i;
    for (std::size_t i = 0; i < ctx.grids.size() && !r.grid; ++i)
        if (contains(ctx.grids[i].area, point)) r.grid = i;

    if (junctions) r.junction = junctions->nearest(point, o.junction_max_m);

    // units by road: one inbound search from the incident (time TO the incident)
    if (net && !all_units.empty()) {
        Network::SnapOptions so;
        so.profile = o.profile;
        so.max_distance_m = o.snap_max_m;
        so.largest_component_only = true;
        r.snap = net->snap(point, so);
        if (r.snap) r.by_road = units_by_road(*net, *r.snap, point, all_units, so, o);
    }
    return r;
}

} // namespace lugeo
