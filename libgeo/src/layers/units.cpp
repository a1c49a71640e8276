// The units layer: kiosks, police stations, community police rooms, patrol cars.
#include "layers/reading.hpp"

#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>

#include <cmath>
#include <unordered_map>

namespace lugeo {

std::vector<Unit> units_of_kind(const std::vector<Unit> &units, std::string_view kind) {
    std::vector<Unit> out;
    for (const auto &u : units)
        if (kind.empty() || u.kind == kind) out.push_back(u);
    return out;
}

std::vector<Unit> read_units(const LayerSpec &spec, const LayerReadContext &ctx,
                             LayerReport *report) {
    detail::LayerReading reading(spec, LayerRole::units, ctx, report);
    ReadOptions ro;
    ro.required_fields = {"id"};
    ro.optional_fields = {"kind", "name", "crew"};
    ro.empty_geometry_is_error = !ctx.lenient; // a unit without a place: name the feature
    const FeatureTable t = reading.read(ro);
    const std::size_t fi = t.field_index("id"), fk = t.field_index("kind"),
                      fn = t.field_index("name"), fc = t.field_index("crew");
    std::vector<Unit> out;
    std::unordered_map<std::string, std::int64_t> first_fid; // id -> feature
    std::size_t no_id = 0;
    Box extent;
    for (const auto &f : t.features) {
        if (f.geometry.type != Geometry::Type::point || f.geometry.points.empty()) {
            reading.reject(ErrorCode::invalid_geometry, f.fid, "", "", "a unit must be a point",
                           "units that are not points left out");
            continue;
        }
        const XY p = f.geometry.points.front();
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
            reading.reject(ErrorCode::invalid_geometry, f.fid, "", "", "no valid position",
                           "units without a valid position left out");
            continue;
        }
        Unit u;
        u.id = detail::LayerReading::text(f, fi);
        if (u.id.empty()) {
            u.id = "fid " + std::to_string(f.fid);
            ++no_id;
        }
        const auto [it, fresh] = first_fid.emplace(u.id, f.fid);
        if (!fresh) {
            reading.count_duplicate();
            reading.reject(ErrorCode::duplicate_id, f.fid, "id", u.id,
                           "duplicate unit id '" + u.id + "' (also feature " +
                               std::to_string(it->second) + ")",
                           "units with a repeated id left out");
            continue;
        }
        u.kind = detail::LayerReading::text(f, fk);
        u.name = detail::LayerReading::text(f, fn);
        u.crew = reading.count_value(f, fc, "crew", "a crew size").value_or(0);
        u.position = p;
        u.origin = reading.at(f.fid, "id", u.id);
        extent.extend(p);
        out.push_back(std::move(u));
    }
    reading.note(no_id, "units without an id named by their feature id (\"fid N\")");
    reading.finish(out.size(), extent, "is a point");
    return out;
}

} // namespace lugeo
