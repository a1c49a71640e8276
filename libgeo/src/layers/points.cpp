// Point layers: key sites and incidents; the points of any layer as sites.
#include "layers/reading.hpp"

#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>

#include <cmath>

namespace lugeo {

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
    const std::string n = detail::lower_ascii(std::string(name));
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

std::vector<KeySite> read_key_sites(const LayerSpec &spec, const LayerReadContext &ctx,
                                    LayerReport *report) {
    detail::LayerReading reading(spec, LayerRole::key_sites, ctx, report);
    const FeatureTable t = reading.read();
    const std::size_t fi = t.field_index("id"), fk = t.field_index("kind"),
                      fn = t.field_index("name");
    using R = detail::LayerReading;
    std::vector<KeySite> out;
    Box extent;
    for (const auto &f : t.features) {
        const auto p = detail::representative_point(f.geometry);
        if (!p) continue; // read_layer keeps no empty geometry
        KeySite k;
        k.id = R::text(f, fi);
        if (k.id.empty()) k.id = std::to_string(f.fid);
        k.kind = R::text(f, fk);
        k.name = R::text(f, fn);
        k.position = *p;
        extent.extend(k.position);
        out.push_back(std::move(k));
    }
    reading.finish(out.size(), extent, "has a geometry");
    return out;
}

std::vector<Incident> read_incidents(const LayerSpec &spec, const LayerReadContext &ctx,
                                     LayerReport *report) {
    detail::LayerReading reading(spec, LayerRole::incidents, ctx, report);
    const FeatureTable t = reading.read();
    const std::size_t fi = t.field_index("id"), fg = t.field_index("grade"),
                      ft = t.field_index("time");
    using R = detail::LayerReading;
    std::vector<Incident> out;
    std::size_t not_points = 0, no_grade = 0;
    Box extent;
    for (const auto &f : t.features) {
        if (f.geometry.type != Geometry::Type::point || f.geometry.points.empty()) {
            ++not_points;
            continue;
        }
        Incident in;
        in.id = R::text(f, fi);
        if (in.id.empty()) in.id = std::to_string(f.fid);
        in.time = R::text(f, ft);
        in.position = f.geometry.points.front();
        if (const std::string g = R::text(f, fg); !g.empty()) {
            const auto grade = incident_grade_from_name(g);
            if (!grade) {
                reading.reject(ErrorCode::invalid_argument, f.fid, "grade", g,
                               "unknown grade (red, orange, blue or green)",
                               "incidents of an unknown grade left out");
                continue;
            }
            in.grade = *grade;
        } else {
            ++no_grade; // no grade: the lowest weight
        }
        extent.extend(in.position);
        out.push_back(std::move(in));
    }
    reading.note(not_points, "features that are not points skipped");
    if (t.field_present[fg]) reading.note(no_grade, "incidents without a grade counted as green");
    reading.finish(out.size(), extent, "is a point");
    return out;
}

std::vector<LayerPoint> points_of(const SceneData &data, LayerRole role, std::string_view kind) {
    std::vector<LayerPoint> out;
    auto add = [&](std::string id, std::string name, std::string k, XY at,
                   const ErrorContext &origin = {}) {
        if (kind.empty() || k == kind)
            out.push_back({std::move(id), std::move(name), std::move(k), at, origin});
    };
    switch (role) {
    case LayerRole::units:
        for (const auto &u : data.units)
            add(u.id, u.name, u.kind, u.position, u.origin);
        break;
    case LayerRole::key_sites:
        for (const auto &k : data.key_sites)
            add(k.id, k.name, k.kind, k.position);
        break;
    case LayerRole::cameras:
        for (const auto &c : data.cameras)
            add(c.id, "", c.type, c.position);
        break;
    case LayerRole::incidents:
        for (const auto &i : data.incidents)
            add(i.id, "", incident_grade_name(i.grade), i.position);
        break;
    case LayerRole::poles:
    case LayerRole::lamps: {
        const std::string want = role == LayerRole::poles ? "pole" : "lamp";
        for (const auto &p : data.plates.plates)
            if (p.kind == want && std::isfinite(p.position.x))
                add(p.id, p.road, p.kind, p.position);
        break;
    }
    case LayerRole::zones:
    case LayerRole::grids:
        for (const auto &a : role == LayerRole::zones ? data.zones : data.grids)
            if (const auto p = detail::representative_point(Geometry::of_polygons(a.area)))
                add(a.id, a.name, "", *p);
        break;
    case LayerRole::roads:
    case LayerRole::buildings:
    case LayerRole::boundary:
        throw Error(ErrorCode::invalid_argument,
                    std::string("the ") + layer_role_name(role) +
                        " layer has no points to start from; use units, key_sites, cameras, "
                        "incidents, poles, lamps, zones or grids");
    }
    return out;
}

} // namespace lugeo
