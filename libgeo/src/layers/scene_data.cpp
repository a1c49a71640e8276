// Roles and their fields, the cross-checks, and a whole scene read through the layers.
#include "layers/internal.hpp"
#include "layers/reading.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/registry.hpp>
#include <lugeo/scene.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <future>
#include <thread>

namespace lugeo {

namespace {

constexpr std::array<const char *, layer_role_count> role_names = {
    "roads",     "poles",    "lamps",     "cameras", "units", "buildings",
    "key_sites", "boundary", "incidents", "zones",   "grids"};

std::vector<LayerFieldInfo> fields_of(LayerRole role) {
    switch (role) {
    case LayerRole::roads:
        return {{"class", true,
                 "road class (OSM highway); unmapped: highway, class or Geofabrik's fclass"},
                {"name", false, "road name"},
                {"oneway", false, "one-way value ([network] oneway_forward / _backward / _closed)"},
                {"maxspeed", false, "speed limit (\"50\", \"30 mph\"); lowers the class speed"},
                {"junction", false, "roundabout / circular: one-way"},
                {"area", false, "area=yes: a square, routed along its outline"},
                {"layer", false, "vertical level (OSM layer=*)"},
                {"bridge", false, "a bridge (level +1 when no layer)"},
                {"tunnel", false, "a tunnel (level -1 when no layer)"}};
    case LayerRole::poles:
    case LayerRole::lamps:
        return {{"id", true, "plate ID, e.g. G207-0042 (normalised: case, full-width, dashes)"},
                {"road", false, "road name"},
                {"status", false, "ok / damaged / missing / unknown (正常 / 损坏 / 缺失)"},
                {"installed", false, "install date, as given"}};
    case LayerRole::cameras:
        return {{"id", true, "camera id"},
                {"type", false, "bullet / dome / ptz / checkpoint (dome, ptz: 360°)"},
                {"heading", false, "degrees clockwise from north"},
                {"hfov", false, "horizontal field of view, degrees"},
                {"range", false, "metres"},
                {"phase", false, "construction phase (whole number)"},
                {"owner", false, "owner"},
                {"dori", false, "DORI level for a range from the resolution"},
                {"resolution", false, "horizontal pixels"}};
    case LayerRole::units:
        return {{"id", true, "unit id (unique)"},
                {"kind", false, "kiosk / station / community_room / patrol_car / …"},
                {"name", false, "name"},
                {"crew", false, "crew size (whole number)"}};
    case LayerRole::buildings:
        return {{"id", false, "building id"},
                {"building", false, "building type (not used yet)"},
                {"levels", false, "storeys (not used yet)"}};
    case LayerRole::key_sites:
        return {{"id", false, "site id"},
                {"kind", false, "school / hospital / bank / police / station / fuel / …"},
                {"name", false, "name"}};
    case LayerRole::boundary:
        return {{"name", false, "name"}};
    case LayerRole::incidents:
        return {{"id", false, "incident id"},
                {"time", false, "time, as given"},
                {"grade", false, "red / orange / blue / green (红 / 橙 / 蓝 / 绿); none: green"}};
    case LayerRole::zones:
        return {{"id", false, "zone id"},
                {"name", false, "name"},
                {"kiosk", false, "the id of the zone's kiosk (a unit)"}};
    case LayerRole::grids:
        return {{"id", false, "grid cell id"},
                {"name", false, "name"},
                {"zone", false, "the id of the cell's patrol zone"}};
    }
    return {};
}

struct LonLatBox {
    double minlon, minlat, maxlon, maxlat;
};

LonLatBox to_lonlat(const Box &b, const std::string &metric_crs) {
    const Transformer tr(metric_crs, "EPSG:4326");
    std::vector<XY> pts = {{b.minx, b.miny}, {b.maxx, b.miny}, {b.maxx, b.maxy}, {b.minx, b.maxy}};
    tr.forward(pts);
    LonLatBox o{INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (XY p : pts) {
        o.minlon = std::min(o.minlon, p.x);
        o.maxlon = std::max(o.maxlon, p.x);
        o.minlat = std::min(o.minlat, p.y);
        o.maxlat = std::max(o.maxlat, p.y);
    }
    return o;
}

std::string text(const LonLatBox &b) {
    return "lon " + number_text(b.minlon, 4) + " to " + number_text(b.maxlon, 4) + ", lat " +
           number_text(b.minlat, 4) + " to " + number_text(b.maxlat, 4);
}

bool overlaps(const LonLatBox &a, const LonLatBox &b) {
    return a.minlon <= b.maxlon && b.minlon <= a.maxlon && a.minlat <= b.maxlat &&
           b.minlat <= a.maxlat;
}

/// Whether `layer` would lie on the roads (`roads`, lon/lat) with its two axes swapped in the
/// CRS it was read from: lon/lat for a geographic source, easting/northing for a projected one.
bool swapped_would_overlap(const Box &layer, const std::string &source_crs,
                           const std::string &metric_crs, const LonLatBox &roads) {
    if (source_crs.empty()) return false;
    try {
        const Transformer to_source(metric_crs, source_crs);
        std::vector<XY> pts = {{layer.minx, layer.miny},
                               {layer.maxx, layer.miny},
                               {layer.maxx, layer.maxy},
                               {layer.minx, layer.maxy}};
        to_source.forward(pts);
        for (XY &p : pts)
            std::swap(p.x, p.y);
        if (!is_projected_crs(source_crs))
            for (XY p : pts)
                if (!(std::abs(p.x) <= 180.0 && std::abs(p.y) <= 90.0)) return false;
        const Transformer to_ll(source_crs, "EPSG:4326");
        to_ll.forward(pts);
        LonLatBox o{INFINITY, INFINITY, -INFINITY, -INFINITY};
        for (XY p : pts) {
            if (!std::isfinite(p.x) || !std::isfinite(p.y)) return false;
            o.minlon = std::min(o.minlon, p.x);
            o.maxlon = std::max(o.maxlon, p.x);
            o.minlat = std::min(o.minlat, p.y);
            o.maxlat = std::max(o.maxlat, p.y);
        }
        return overlaps(o, roads);
    } catch (const Error &) {
        return false;
    }
}

} // namespace

const char *layer_role_name(LayerRole role) noexcept {
    const auto i = static_cast<std::size_t>(role);
    return i < role_names.size() ? role_names[i] : "?";
}

std::optional<LayerRole> layer_role_from_name(std::string_view name) noexcept {
    for (LayerRole r : all_layer_roles())
        if (name == layer_role_name(r)) return r;
    return std::nullopt;
}

const std::array<LayerRole, layer_role_count> &all_layer_roles() noexcept {
    static const std::array<LayerRole, layer_role_count> roles = {
        LayerRole::roads,     LayerRole::poles,     LayerRole::lamps,     LayerRole::cameras,
        LayerRole::units,     LayerRole::buildings, LayerRole::key_sites, LayerRole::boundary,
        LayerRole::incidents, LayerRole::zones,     LayerRole::grids};
    return roles;
}

const std::vector<LayerFieldInfo> &layer_fields(LayerRole role) {
    static const auto all = [] {
        std::array<std::vector<LayerFieldInfo>, layer_role_count> a;
        for (LayerRole r : all_layer_roles())
            a[static_cast<std::size_t>(r)] = fields_of(r);
        return a;
    }();
    return all[static_cast<std::size_t>(role)];
}

bool SceneData::has(LayerRole role) const {
    return report(role) != nullptr;
}

const LayerReport *SceneData::report(LayerRole role) const {
    for (const auto &r : reports)
        if (r.role == role) return &r;
    return nullptr;
}

void check_overlaps_roads(const LayerReport &layer, const LayerReport &roads,
                          const std::string &metric_crs) {
    if (!layer.extent.valid() || !roads.extent.valid()) return;
    const Box &r = roads.extent;
    const double margin = std::max(1000.0, 0.1 * std::max(r.maxx - r.minx, r.maxy - r.miny));
    const Box &l = layer.extent;
    if (l.minx <= r.maxx + margin && r.minx - margin <= l.maxx && l.miny <= r.maxy + margin &&
        r.miny - margin <= l.maxy)
        return;
    const LonLatBox ll = to_lonlat(l, metric_crs), rl = to_lonlat(r, metric_crs);
    const LonLatBox swapped{ll.minlat, ll.minlon, ll.maxlat, ll.maxlon};
    const bool geographic = !layer.source_crs.empty() && !is_projected_crs(layer.source_crs);
    const std::string declared = layer.source_crs.empty() ? std::string("none") : layer.source_crs;
    std::string cause;
    if (overlaps(swapped, rl) ||
        (geographic && swapped_would_overlap(l, layer.source_crs, metric_crs, rl)))
        cause = "its longitude and latitude look swapped (with them swapped it would lie on "
                "the roads): check the axis order of the source (x = longitude, y = latitude)";
    else if (swapped_would_overlap(l, layer.source_crs, metric_crs, rl))
        cause = "its x and y look swapped (with them swapped, in its CRS " + declared +
                ", it would lie on the roads): check the axis order of the source "
                "(x = easting, y = northing)";
    else
        cause = "is its CRS right? The source declares " + declared +
                "; set the layer's crs = \"…\" in the scene if that is wrong (a projected "
                "layer read as lon/lat, or the wrong zone, lands far away)";
    ErrorContext c;
    c.file = layer.path;
    c.layer = layer.layer;
    c.parameter = std::string("layers.") + layer_role_name(layer.role);
    char m[32];
    std::snprintf(m, sizeof m, "%.0f", margin);
    throw Error(ErrorCode::invalid_geometry, c,
                std::string("the ") + layer_role_name(layer.role) +
                    " layer lies away from the roads: its extent is " + text(ll) +
                    ", the roads' is " + text(rl) +
                    (roads.kept == 0 ? " (as the roads' source declares it)" : "") +
                    " (not even within " + m + " m of each other); " + cause);
}

LayerReadContext layer_read_context(const Scene &scene, const SceneReadOptions &options,
                                    const std::string &metric_crs) {
    LayerReadContext ctx;
    ctx.metric_crs = metric_crs.empty() ? scene.crs : metric_crs;
    ctx.cameras = scene.settings.cameras;
    ctx.lenient = options.lenient;
    ctx.keep_invalid_plates = options.keep_invalid_plates;
    ctx.plate_scheme = options.plate_scheme;
    return ctx;
}

namespace {

/// What a layer's reading leaves to be merged in role order: its report, and the plates of
/// a poles or lamps layer (appended after those read before).
struct LayerRead {
    LayerReport report;
    Plates plates;
};

/// One layer but the roads: its features go straight into its own member of `data` (layers
/// read at once each write a different member; the plates and the report are merged later).
LayerRead read_one_layer(const Scene &scene, LayerRole role, const LayerReadContext &ctx,
                         SceneData &data) {
    const LayerSpec &spec = scene.layer(role);
    LayerRead out;
    LayerReport *rep = &out.report;
    switch (role) {
    case LayerRole::poles:
    case LayerRole::lamps:
        out.plates = read_plates(spec, role == LayerRole::poles ? "pole" : "lamp", ctx, rep);
        break;
    case LayerRole::cameras:
        data.cameras = read_cameras(spec, ctx, rep);
        break;
    case LayerRole::units:
        data.units = read_units(spec, ctx, rep);
        break;
    case LayerRole::buildings:
        data.buildings = read_buildings(spec, ctx, rep);
        break;
    case LayerRole::key_sites:
        data.key_sites = read_key_sites(spec, ctx, rep);
        break;
    case LayerRole::boundary:
        data.boundary = read_boundary(spec, ctx, rep);
        break;
    case LayerRole::incidents:
        data.incidents = read_incidents(spec, ctx, rep);
        break;
    case LayerRole::zones:
        data.zones = read_areas(spec, ctx, rep, LayerRole::zones);
        break;
    case LayerRole::grids:
        data.grids = read_areas(spec, ctx, rep, LayerRole::grids);
        break;
    case LayerRole::roads:
        break;
    }
    return out;
}

/// The plates of `p` after those of `data` (poles, then lamps), with the lamps' IDs checked
/// against the poles'.
void append_plates(Plates p, const LayerReadContext &ctx, SceneData &data) {
    const std::size_t offset = data.plates.plates.size();
    for (auto &r : p.rejected)
        if (r.plate != SIZE_MAX) r.plate += offset;
    data.plates.plates.insert(data.plates.plates.end(), std::make_move_iterator(p.plates.begin()),
                              std::make_move_iterator(p.plates.end()));
    data.plates.origins.insert(data.plates.origins.end(), p.origins.begin(), p.origins.end());
    data.plates.rejected.insert(data.plates.rejected.end(), p.rejected.begin(), p.rejected.end());
    if (!data.plates.scheme) {
        data.plates.scheme = p.scheme;
    } else if (p.scheme) {
        auto merged = std::make_shared<PlateScheme>(*data.plates.scheme);
        merged->types.insert(merged->types.end(), p.scheme->types.begin(), p.scheme->types.end());
        data.plates.scheme = std::move(merged);
    }
    // an ID in both layers: the lamps against the poles
    if (offset > 0) detail::check_duplicate_plates(data.plates, ctx, offset);
}

/// Every wanted layer but the roads, read into `data` in role order (plates: poles, then
/// lamps), each with its report: each on a thread of its own when `threads` (the errors
/// the same, in role order: a failed layer's error leaves once the others are done), else
/// one after the other, stopping at the first error.
void read_other_layers(const Scene &scene, const std::function<bool(LayerRole)> &wanted,
                       const LayerReadContext &ctx, SceneData &data, bool threads) {
    std::vector<LayerRole> roles;
    for (LayerRole role : all_layer_roles())
        if (role != LayerRole::roads && wanted(role)) roles.push_back(role);
    std::vector<std::future<LayerRead>> parts;
    for (LayerRole role : roles)
        parts.push_back(std::async(threads ? std::launch::async : std::launch::deferred,
                                   [&, role] { return read_one_layer(scene, role, ctx, data); }));
    for (std::size_t i = 0; i < roles.size(); ++i) {
        LayerRead r = parts[i].get();
        if (roles[i] == LayerRole::poles || roles[i] == LayerRole::lamps)
            append_plates(std::move(r.plates), ctx, data);
        data.reports.push_back(std::move(r.report));
    }
}

} // namespace

SceneData read_scene_data(const Scene &scene, const std::vector<LayerRole> &roles,
                          const SceneReadOptions &options) {
    SceneData data;
    data.name = scene.name;
    data.crs = scene.crs;
    data.attribution = scene.attribution;
    data.path = scene.path;
    data.settings = scene.settings;
    const std::function<bool(LayerRole)> wanted = [&](LayerRole r) {
        return scene.has_layer(r) && std::find(roles.begin(), roles.end(), r) != roles.end();
    };
    LayerReadContext ctx = layer_read_context(scene, options);
    const bool read_roads_layer =
        wanted(LayerRole::roads) || (data.crs.empty() && scene.has_layer(LayerRole::roads));
    auto roads_read = [&](LayerReport &rep) { // with the progress: the calling thread's only
        LayerReadContext rc = ctx;
        rc.progress = options.progress;
        return read_roads(scene.layer(LayerRole::roads), rc, &rep);
    };
    bool others = false;
    for (LayerRole role : all_layer_roles())
        others = others || (role != LayerRole::roads && wanted(role));
    // With the scene's CRS known, the other layers are read each on a thread of its own
    // while the roads are read (on the demo 100 -> 60 ms); the errors are the same and in
    // the same order: the roads' first (the layers are waited for before its error leaves),
    // then the layers' in role order.
    const bool threads = std::thread::hardware_concurrency() > 1;
    if (read_roads_layer && others && !data.crs.empty() && threads) {
        data.settings.network.metric_crs = data.crs;
        auto rest = std::async(std::launch::async,
                               [&] { read_other_layers(scene, wanted, ctx, data, true); });
        LayerReport rep;
        Roads roads;
        try {
            roads = roads_read(rep);
        } catch (...) {
            rest.wait();
            throw;
        }
        rest.get();
        data.roads = std::move(roads);
        data.reports.insert(data.reports.begin(), std::move(rep));
    } else {
        // roads first: they settle the metric CRS of a scene made from roads alone
        if (read_roads_layer) {
            LayerReport rep;
            data.roads = roads_read(rep);
            data.reports.push_back(std::move(rep));
            if (data.crs.empty()) data.crs = data.roads.crs;
            ctx.metric_crs = data.crs;
            data.settings.network.metric_crs = data.crs;
        }
        if (data.crs.empty())
            throw Error(ErrorCode::invalid_config,
                        ErrorContext::of_parameter("scene.crs", scene.path),
                        "the scene has no metric CRS; set [scene] crs");
        read_other_layers(scene, wanted, ctx, data, threads);
    }
    // cross-checks: every layer lies where the roads are. A command that does not need the
    // roads (nearest, locate) checks against the extent the roads layer declares, when its
    // source knows it without being read (GeoPackage and Shapefile headers, OSM bounds).
    if (const LayerReport *roads = data.report(LayerRole::roads)) {
        for (const auto &r : data.reports)
            if (r.role != LayerRole::roads) check_overlaps_roads(r, *roads, data.crs);
    } else if (scene.has_layer(LayerRole::roads) && !data.reports.empty()) {
        const LayerSpec &spec = scene.layer(LayerRole::roads);
        if (const auto extent = declared_extent(spec, data.crs)) {
            LayerReport roads;
            roads.role = LayerRole::roads;
            roads.source = spec.describe();
            roads.path = spec.source;
            roads.extent = *extent;
            try {
                for (const auto &r : data.reports)
                    check_overlaps_roads(r, roads, data.crs);
            } catch (const Error &) {
                // Before blaming a layer (its CRS) on a declared extent, read the roads: a
                // damaged roads file then names itself (a truncated .osm.pbf keeps its header's
                // bounds), and a file whose header is wrong is judged by what it holds.
                LayerReport read;
                (void)read_roads(spec, ctx, &read);
                for (const auto &r : data.reports)
                    check_overlaps_roads(r, read, data.crs);
            }
        }
    }
    return data;
}

SceneData read_scene_data(const Scene &scene, const SceneReadOptions &options) {
    std::vector<LayerRole> roles;
    for (const auto &[role, spec] : scene.layers)
        roles.push_back(role);
    return read_scene_data(scene, roles, options);
}

} // namespace lugeo
