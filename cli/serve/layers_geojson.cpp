// The scene's layers as GeoJSON for the dispatcher page.
#include "layers_geojson.hpp"

#include "../present.hpp"

#include <lugeo/error.hpp>

#include <cmath>
#include <sstream>

namespace lugeo::cli {

namespace {

const std::vector<std::string> &layer_names() {
    static const std::vector<std::string> names = {"roads",   "buildings", "zones",    "grids",
                                                   "cameras", "plates",    "boundary", "units"};
    return names;
}

std::string text(const nlohmann::json &j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

double r6(double v) {
    return std::round(v * 1e6) / 1e6;
}

struct Maker {
    const MetricFrame &frame;
    Box box;
    nlohmann::json point(XY p) {
        const LonLat ll = frame.to_lonlat(p);
        box.extend({ll.lon, ll.lat});
        return {r6(ll.lon), r6(ll.lat)};
    }
    template <class Range> nlohmann::json line(const Range &pts) {
        nlohmann::json a = nlohmann::json::array();
        for (const XY &p : pts)
            a.push_back(point(p));
        return a;
    }
    nlohmann::json polygon(const Polygon &p) {
        nlohmann::json rings = nlohmann::json::array();
        rings.push_back(line(p.outer));
        for (const auto &h : p.holes)
            rings.push_back(line(h));
        return rings;
    }
    LayerFeature feature(const char *type, nlohmann::json coords, nlohmann::json props,
                         std::string cls = {}) {
        LayerFeature f;
        f.json = text({{"type", "Feature"},
                       {"properties", std::move(props)},
                       {"geometry", {{"type", type}, {"coordinates", std::move(coords)}}}});
        f.box = box;
        f.cls = std::move(cls);
        box = Box{};
        return f;
    }
};

LayerCache::Features make_layer(const DispatchScene &s, const std::string &name) {
    LayerCache::Features out;
    Maker m{s.frame(), {}};
    const SceneData &d = s.data();
    if (name == "roads") {
        const Network *net = s.network();
        if (!net) throw LayerNotFound("the scene has no roads");
        for (std::uint32_t e = 0; e < net->edge_count(); ++e) {
            nlohmann::json coords = m.line(net->edge_geometry(e));
            const auto &ed = net->edge(e);
            out.push_back(m.feature("LineString", std::move(coords),
                                    {{"edge", e},
                                     {"name", net->name_of(e)},
                                     {"class", net->class_of(e)},
                                     {"oneway", ed.oneway}},
                                    net->class_of(e)));
        }
    } else if (name == "buildings") {
        for (std::size_t i = 0; i < d.buildings.footprints.size(); ++i) {
            nlohmann::json coords = m.polygon(d.buildings.footprints[i]);
            out.push_back(m.feature(
                "Polygon", std::move(coords),
                {{"id", i < d.buildings.ids.size() ? d.buildings.ids[i] : std::string()}}));
        }
    } else if (name == "zones" || name == "grids" || name == "boundary") {
        auto area = [&](const MultiPolygon &mp, nlohmann::json props) {
            nlohmann::json polys = nlohmann::json::array();
            for (const auto &p : mp)
                polys.push_back(m.polygon(p));
            out.push_back(m.feature("MultiPolygon", std::move(polys), std::move(props)));
        };
        if (name == "boundary") {
            if (!d.boundary.empty()) area(d.boundary, nlohmann::json::object());
        } else {
            for (const auto &z : name == "zones" ? d.zones : d.grids)
                area(z.area, {{"id", z.id}, {"name", z.name}, {"parent", z.parent}});
        }
    } else if (name == "cameras") {
        for (const auto &c : s.incident().cameras) {
            nlohmann::json pt = m.point(c.position);
            out.push_back(m.feature("Point", std::move(pt),
                                    {{"id", c.id},
                                     {"type", c.type},
                                     {"heading", c.heading_deg},
                                     {"hfov", c.hfov_deg},
                                     {"range", c.range_m},
                                     {"phase", c.phase},
                                     {"owner", c.owner}}));
        }
    } else if (name == "plates") {
        for (const auto &p : s.registry().plates()) {
            nlohmann::json pt = m.point(p.position);
            out.push_back(m.feature("Point", std::move(pt),
                                    {{"id", p.id},
                                     {"kind", p.kind},
                                     {"road", p.road},
                                     {"status", plate_status_name(p.status)}}));
        }
    } else {
        throw LayerNotFound("no layer '" + name + "'");
    }
    return out;
}

bool meets(const Box &a, const Box &b) {
    return a.minx <= b.maxx && b.minx <= a.maxx && a.miny <= b.maxy && b.miny <= a.maxy;
}

} // namespace

std::shared_ptr<const LayerCache::Features>
LayerCache::get(const DispatchScene &scene, const std::shared_ptr<const DispatchScene> &owner,
                const std::string &name) {
    std::lock_guard lock(m_mutex);
    if (m_scene != owner) {
        m_layers.clear();
        m_scene = owner;
    }
    auto &slot = m_layers[name];
    if (!slot) {
        try {
            slot = std::make_shared<const Features>(make_layer(scene, name));
        } catch (...) {
            m_layers.erase(name);
            throw;
        }
    }
    return slot;
}

nlohmann::json layer_list(const Dispatch::View &v) {
    const DispatchScene &s = *v.scene;
    const SceneData &d = s.data();
    nlohmann::json a = nlohmann::json::array();
    auto add = [&](const std::string &name, const char *geometry, std::size_t n, bool bbox) {
        a.push_back({{"name", name},
                     {"geometry", geometry},
                     {"features", n},
                     {"bbox_filter", bbox},
                     {"url", "layers/" + name + ".geojson"}});
    };
    if (s.network()) add("roads", "LineString", s.network()->edge_count(), true);
    if (!d.buildings.footprints.empty())
        add("buildings", "Polygon", d.buildings.footprints.size(), true);
    if (!d.zones.empty()) add("zones", "MultiPolygon", d.zones.size(), true);
    if (!d.grids.empty()) add("grids", "MultiPolygon", d.grids.size(), true);
    if (!s.incident().cameras.empty()) add("cameras", "Point", s.incident().cameras.size(), true);
    if (!s.registry().plates().empty()) add("plates", "Point", s.registry().plates().size(), true);
    if (!d.boundary.empty()) add("boundary", "MultiPolygon", 1, false);
    add("units", "Point", v.units->units.size(), true);
    return {{"layers", a}, {"crs", "WGS84 (EPSG:4326), lon/lat"}};
}

std::string layer_geojson(LayerCache &cache, const Dispatch::View &v, const std::string &name,
                          const LayerRequest &request) {
    const bool known =
        std::find(layer_names().begin(), layer_names().end(), name) != layer_names().end();
    if (!known) throw LayerNotFound("no layer '" + name + "' (GET /layers lists them)");
    const std::optional<Box> &bbox = request.bbox;
    const std::vector<std::string> &classes = request.classes;
    std::shared_ptr<const LayerCache::Features> features;
    LayerCache::Features units;
    if (name == "units") {
        Maker m{v.scene->frame(), {}};
        for (const auto &u : v.units->units) {
            nlohmann::json pt = {r6(u.lonlat.lon), r6(u.lonlat.lat)};
            m.box.extend({u.lonlat.lon, u.lonlat.lat});
            units.push_back(
                m.feature("Point", std::move(pt),
                          {{"id", u.unit.id},
                           {"kind", u.unit.kind},
                           {"name", u.unit.name},
                           {"status", unit_status_name(u.status)},
                           {"source", u.live() ? "live" : "scene"},
                           {"last_seen", u.live() ? nlohmann::json(iso8601_utc(u.last_seen))
                                                  : nlohmann::json()}}));
        }
    } else {
        features = cache.get(*v.scene, v.scene, name);
    }
    const LayerCache::Features &all = features ? *features : units;
    std::string body;
    std::size_t n = 0;
    for (const auto &f : all) {
        if (bbox && f.box.valid() && !meets(*bbox, f.box)) continue;
        if (!classes.empty() && std::find(classes.begin(), classes.end(), f.cls) == classes.end())
            continue;
        if (n++) body += ',';
        body += f.json;
    }
    nlohmann::json head = json_document(
        "layers",
        {{"type", "FeatureCollection"}, {"name", name}, {"count", n}, {"total", all.size()}});
    std::string out = text(head);
    out.pop_back(); // the closing brace: the features follow
    out += ",\"features\":[";
    out += body;
    out += "]}";
    return out;
}

} // namespace lugeo::cli
