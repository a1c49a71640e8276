// Patrol zones: names, and reading kiosks, context layers and hand-drawn plans.
#include "geometry/geos.hpp"

#include <lugeo/error.hpp>
#include <lugeo/scene.hpp>
#include <lugeo/zones.hpp>

#include <algorithm>
#include <cctype>

namespace lugeo {

namespace {

ReadOptions read_in(const std::string &crs, std::vector<std::string> optional = {}) {
    ReadOptions ro;
    ro.target_crs = crs;
    ro.optional_fields = std::move(optional);
    return ro;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string trim(const std::string &s) {
    const auto a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return {};
    const auto b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

std::string feature_ref(const LayerSpec &spec, const Feature &f) {
    return spec.describe() + " feature " + std::to_string(f.fid);
}

std::vector<XY> points_of(const FeatureTable &t) {
    std::vector<XY> out;
    for (const auto &f : t.features) {
        if (f.geometry.type == Geometry::Type::point) {
            for (XY p : f.geometry.points)
                out.push_back(p);
        }
    }
    return out;
}

} // namespace

const char *incident_grade_name(IncidentGrade g) noexcept {
    switch (g) {
    case IncidentGrade::red:
        return "red";
    case IncidentGrade::orange:
        return "orange";
    case IncidentGrade::blue:
        return "blue";
    case IncidentGrade::green:
        return "green";
    }
    return "green";
}

std::optional<IncidentGrade> incident_grade_from_name(std::string_view name) noexcept {
    const std::string n = lower(name);
    if (n == "red" || n == "红" || n == "红色") return IncidentGrade::red;
    if (n == "orange" || n == "橙" || n == "橙色") return IncidentGrade::orange;
    if (n == "blue" || n == "蓝" || n == "蓝色") return IncidentGrade::blue;
    if (n == "green" || n == "绿" || n == "绿色") return IncidentGrade::green;
    return std::nullopt;
}

double incident_grade_weight(IncidentGrade g) noexcept {
    switch (g) {
    case IncidentGrade::red:
        return 8.0;
    case IncidentGrade::orange:
        return 4.0;
    case IncidentGrade::blue:
        return 2.0;
    case IncidentGrade::green:
        return 1.0;
    }
    return 1.0;
}

const char *zone_balance_name(ZoneBalance b) noexcept {
    switch (b) {
    case ZoneBalance::none:
        return "none";
    case ZoneBalance::length:
        return "length";
    case ZoneBalance::incidents:
        return "incidents";
    case ZoneBalance::area:
        return "area";
    }
    return "none";
}

std::optional<ZoneBalance> zone_balance_from_name(std::string_view name) noexcept {
    const std::string n = lower(name);
    if (n == "none" || n.empty()) return ZoneBalance::none;
    if (n == "length") return ZoneBalance::length;
    if (n == "incidents") return ZoneBalance::incidents;
    if (n == "area") return ZoneBalance::area;
    return std::nullopt;
}

std::vector<Kiosk> kiosks_from_layer(const LayerSpec &layer, const std::string &crs,
                                     const std::string &kind) {
    ReadOptions ro;
    ro.target_crs = crs;
    ro.required_fields = {"id"};
    ro.optional_fields = {"name", "kind"};
    const FeatureTable t = read_layer(layer, ro);
    const std::size_t fi = t.field_index("id"), fn = t.field_index("name"),
                      fk = t.field_index("kind");
    const bool has_kind = t.field_present[fk];
    std::vector<Kiosk> out;
    for (const auto &f : t.features) {
        if (!kind.empty() && has_kind && f.values[fk].value_or("") != kind) continue;
        if (f.geometry.type != Geometry::Type::point || f.geometry.points.empty())
            throw Error(ErrorCode::invalid_geometry,
                        feature_ref(layer, f) + ": a kiosk must be a point");
        Kiosk k;
        k.id = trim(f.values[fi].value_or(""));
        if (k.id.empty()) k.id = "fid " + std::to_string(f.fid);
        k.name = f.values[fn].value_or("");
        k.position = f.geometry.points.front();
        out.push_back(std::move(k));
    }
    return out;
}

ZoneContext zone_context_from_scene(const Scene &scene) {
    ZoneContext ctx;
    if (scene.has_layer("boundary")) {
        const FeatureTable t = read_layer(scene.layer("boundary"), read_in(scene.crs));
        MultiPolygon all;
        for (const auto &f : t.features)
            for (const auto &p : f.geometry.polygons)
                all.push_back(p);
        if (all.size() > 1) {
            auto u = geos::unary_union(geos::make_valid(geos::multi_polygon(all).get()).get());
            all = geos::to_multi_polygon(u.get());
        }
        ctx.boundary = std::move(all);
    }
    if (scene.has_layer("incidents")) {
        const auto &spec = scene.layer("incidents");
        const FeatureTable t = read_layer(spec, read_in(scene.crs, {"grade"}));
        const std::size_t fg = t.field_index("grade");
        for (const auto &f : t.features) {
            if (f.geometry.type != Geometry::Type::point || f.geometry.points.empty()) continue;
            const std::string raw = trim(f.values[fg].value_or(""));
            IncidentGrade g = IncidentGrade::green; // no grade: the lowest weight
            if (!raw.empty()) {
                auto pg = incident_grade_from_name(raw);
                if (!pg)
                    throw Error(ErrorCode::invalid_argument,
                                feature_ref(spec, f) + ": field grade: unknown grade '" + raw +
                                    "' (red, orange, blue or green)");
                g = *pg;
            }
            ctx.incidents.push_back(f.geometry.points.front());
            ctx.incident_grades.push_back(g);
        }
    }
    if (scene.has_layer("key_sites"))
        ctx.key_sites = points_of(read_layer(scene.layer("key_sites"), read_in(scene.crs)));
    if (scene.has_layer("cameras"))
        ctx.cameras = points_of(read_layer(scene.layer("cameras"), read_in(scene.crs)));
    return ctx;
}

std::vector<MultiPolygon> zones_from_layer(const LayerSpec &layer, const std::string &crs,
                                           const std::vector<Kiosk> &kiosks) {
    ReadOptions ro;
    ro.target_crs = crs;
    ro.optional_fields = {"kiosk"};
    const FeatureTable t = read_layer(layer, ro);
    const std::size_t fk = t.field_index("kiosk");
    const bool by_field = t.field_present[fk];
    std::vector<MultiPolygon> out(kiosks.size());
    for (const auto &f : t.features) {
        if (f.geometry.type != Geometry::Type::polygon)
            throw Error(ErrorCode::invalid_geometry,
                        feature_ref(layer, f) + ": a zone must be a polygon");
        std::size_t match = kiosks.size();
        if (by_field) {
            const std::string id = trim(f.values[fk].value_or(""));
            for (std::size_t k = 0; k < kiosks.size(); ++k)
                if (kiosks[k].id == id) match = k;
            if (match == kiosks.size())
                throw Error(ErrorCode::invalid_argument,
                            feature_ref(layer, f) + ": field kiosk: no kiosk with id '" + id + "'");
        } else {
            std::size_t hits = 0;
            for (std::size_t k = 0; k < kiosks.size(); ++k)
                if (contains(f.geometry.polygons, kiosks[k].position)) {
                    match = k;
                    ++hits;
                }
            if (hits != 1)
                throw Error(
                    ErrorCode::invalid_argument,
                    feature_ref(layer, f) + ": holds " + std::to_string(hits) +
                        " kiosks; give the layer a 'kiosk' field with the kiosk id of each zone");
        }
        for (const auto &p : f.geometry.polygons)
            out[match].push_back(p);
    }
    return out;
}

} // namespace lugeo
