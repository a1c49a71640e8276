// Polygon layers: buildings (occluders), the study boundary, patrol zones and grid cells.
#include "geometry/geos.hpp"
#include "layers/reading.hpp"

#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>

namespace lugeo {

Buildings read_buildings(const LayerSpec &spec, const LayerReadContext &ctx, LayerReport *report) {
    detail::LayerReading reading(spec, LayerRole::buildings, ctx, report);
    const FeatureTable t = reading.read();
    const std::size_t fi = t.field_index("id");
    Buildings out;
    std::size_t not_polygons = 0, degenerate = 0;
    Box extent;
    for (const Feature &f : t.features) {
        if (f.geometry.type != Geometry::Type::polygon) {
            ++not_polygons;
            continue;
        }
        std::string id = detail::LayerReading::text(f, fi);
        if (id.empty()) id = std::to_string(f.fid);
        for (const Polygon &p : f.geometry.polygons) {
            if (p.outer.size() < 4) {
                ++degenerate;
                continue;
            }
            for (XY q : p.outer)
                extent.extend(q);
            out.footprints.push_back(p);
            out.ids.push_back(id);
        }
    }
    reading.note(not_polygons, "features that are not polygons skipped");
    reading.note(degenerate, "rings of fewer than 4 vertices skipped");
    reading.finish(out.footprints.size(), extent, "is a polygon");
    return out;
}

MultiPolygon read_boundary(const LayerSpec &spec, const LayerReadContext &ctx,
                           LayerReport *report) {
    detail::LayerReading reading(spec, LayerRole::boundary, ctx, report);
    const FeatureTable t = reading.read();
    MultiPolygon all;
    Box extent;
    for (const auto &f : t.features) {
        if (f.geometry.type != Geometry::Type::polygon) {
            reading.reject(
                ErrorCode::invalid_geometry, f.fid, "", "",
                "the boundary must be polygons (this feature is a " +
                    std::string(f.geometry.type == Geometry::Type::line ? "line" : "point") + ")",
                "boundary features that are not polygons left out");
            continue;
        }
        for (const auto &p : f.geometry.polygons) {
            all.push_back(p);
            for (XY q : p.outer)
                extent.extend(q);
        }
    }
    if (all.size() > 1) {
        auto u = geos::unary_union(geos::make_valid(geos::multi_polygon(all).get()).get());
        all = geos::to_multi_polygon(u.get());
    }
    reading.finish(all.size(), extent, "is a polygon");
    return all;
}

std::vector<NamedArea> read_areas(const LayerSpec &spec, const LayerReadContext &ctx,
                                  LayerReport *report, LayerRole role) {
    if (role != LayerRole::zones && role != LayerRole::grids)
        throw Error(ErrorCode::internal, "read_areas: zones or grids only");
    detail::LayerReading reading(spec, role, ctx, report);
    const std::string parent_field = role == LayerRole::zones ? "kiosk" : "zone";
    ReadOptions ro;
    ro.optional_fields = {"id", "name", parent_field};
    const FeatureTable t = reading.read(ro);
    const std::size_t fi = t.field_index("id"), fn = t.field_index("name"),
                      fp = t.field_index(parent_field);
    using R = detail::LayerReading;
    std::vector<NamedArea> out;
    Box extent;
    for (const auto &f : t.features) {
        if (f.geometry.type != Geometry::Type::polygon) {
            reading.reject(ErrorCode::invalid_geometry, f.fid, "", "",
                           std::string("a ") + (role == LayerRole::zones ? "zone" : "grid cell") +
                               " must be a polygon",
                           "features that are not polygons left out");
            continue;
        }
        NamedArea a;
        a.id = R::text(f, fi);
        if (a.id.empty()) a.id = std::to_string(f.fid);
        a.name = R::text(f, fn);
        a.parent = R::text(f, fp);
        a.area = f.geometry.polygons;
        a.origin = reading.at(f.fid);
        for (const auto &p : a.area)
            for (XY q : p.outer)
                extent.extend(q);
        out.push_back(std::move(a));
    }
    reading.finish(out.size(), extent, "is a polygon");
    return out;
}

} // namespace lugeo
