// Loading plates from the scene's plate layers (poles, lamps) through lugeo's io module.
#include "registry_internal.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/scene.hpp>

#include <cmath>
#include <limits>
#include <unordered_map>

namespace lugeo {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::string feature_context(const LayerSpec &spec, std::int64_t fid) {
    return spec.describe() + " feature " + std::to_string(fid);
}

std::string field_context(const LayerSpec &spec, std::int64_t fid, const std::string &field) {
    return feature_context(spec, fid) + " field '" + spec.source_field(field) + "'";
}

/// A printable excerpt of a value from the file (control bytes escaped, long values cut).
std::string printable(const std::string &v) {
    std::string out;
    for (std::size_t i = 0; i < v.size() && out.size() < 60; ++i) {
        const auto c = static_cast<unsigned char>(v[i]);
        if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    if (out.size() >= 60) out += "…";
    return out;
}

} // namespace

PlateSet read_plates(const LayerSpec &layer, const std::string &kind,
                     const PlateReadOptions &options, const PlateScheme &scheme) {
    if (options.metric_crs.empty())
        throw Error(ErrorCode::invalid_argument,
                    "read_plates: no metric CRS given for " + layer.describe());
    std::optional<std::size_t> type;
    for (std::size_t t = 0; t < scheme.types.size(); ++t)
        if (scheme.types[t].kind == kind) type = t;
    if (!type)
        throw Error(ErrorCode::invalid_config,
                    layer.describe() + ": the plate scheme has no kind '" + kind + "'");

    ReadOptions ro;
    ro.target_crs = "EPSG:4326"; // keep lon/lat; transformed to the metric CRS below
    ro.required_fields = {"id"};
    ro.optional_fields = {"road", "status", "installed"};
    ro.empty_geometry_is_error = options.strict; // read_layer names the feature
    const FeatureTable table = read_layer(layer, ro);
    const std::size_t f_id = table.field_index("id"), f_road = table.field_index("road"),
                      f_status = table.field_index("status"),
                      f_installed = table.field_index("installed");

    PlateSet out;
    const std::size_t n = table.features.size();
    out.plates.reserve(n + table.skipped_empty);
    out.origins.reserve(n + table.skipped_empty);

    std::vector<XY> metric;
    std::vector<std::size_t> to_transform;
    for (const Feature &f : table.features) {
        Plate p;
        p.kind = kind;
        const std::string raw = f.values[f_id].value_or("");
        const NormalizedId norm = normalize_plate_id(raw, scheme);
        const auto parts = norm.is_canonical ? parse_plate_id(norm.id, scheme) : std::nullopt;
        if (!parts) {
            if (options.strict)
                throw Error(ErrorCode::invalid_argument,
                            field_context(layer, f.fid, "id") + ": '" + printable(raw) +
                                "' is not a plate ID" +
                                (norm.error.empty() ? std::string() : " (" + norm.error + ")") +
                                "; expected the form " + scheme.types[*type].prefix + "207-0042");
            p.id = raw; // kept as given: check_plates reports it
        } else {
            p.id = norm.id;
            if (parts->type != *type && options.strict)
                throw Error(ErrorCode::invalid_argument,
                            field_context(layer, f.fid, "id") + ": '" + p.id +
                                "' has the prefix of a " + scheme.types[parts->type].kind +
                                ", but this is the " + kind + " layer");
        }
        p.road = f.values[f_road].value_or("");
        p.installed = f.values[f_installed].value_or("");
        if (const auto &st = f.values[f_status]; st && !st->empty()) {
            const auto status = plate_status_from_name(*st);
            if (!status) {
                if (options.strict)
                    throw Error(ErrorCode::invalid_argument,
                                field_context(layer, f.fid, "status") + ": '" + printable(*st) +
                                    "' is not a plate status (ok, damaged, missing, unknown)");
                p.status = PlateStatus::unknown;
            } else {
                p.status = *status;
            }
        } else {
            p.status = table.field_present[f_status] ? PlateStatus::unknown : PlateStatus::ok;
        }

        const auto pt = first_point(f.geometry);
        p.position = {nan, nan};
        if (!pt) {
            if (options.strict)
                throw Error(ErrorCode::invalid_geometry, feature_context(layer, f.fid) +
                                                             " (plate '" + p.id +
                                                             "'): no position (empty geometry)");
            p.lonlat = {nan, nan};
        } else {
            p.lonlat = {pt->x, pt->y};
            const bool ok = std::isfinite(pt->x) && std::isfinite(pt->y) &&
                            std::abs(pt->x) <= 180.0 && std::abs(pt->y) <= 90.0;
            if (!ok) {
                if (options.strict) {
                    char buf[96];
                    std::snprintf(buf, sizeof buf, "%.7g, %.7g", pt->x, pt->y);
                    throw Error(ErrorCode::invalid_geometry,
                                feature_context(layer, f.fid) + " (plate '" + p.id +
                                    "'): position " + buf +
                                    " is outside the valid longitude/latitude range [-180, 180] x "
                                    "[-90, 90]" +
                                    " (source CRS " + table.source_crs + ")");
                }
            } else {
                to_transform.push_back(out.plates.size());
                metric.push_back(*pt);
            }
        }
        out.plates.push_back(std::move(p));
        out.origins.push_back({layer.describe(), f.fid});
    }
    if (!metric.empty()) {
        const Transformer tr("EPSG:4326", options.metric_crs);
        tr.forward(metric);
        for (std::size_t k = 0; k < metric.size(); ++k)
            out.plates[to_transform[k]].position = metric[k];
    }
    return out;
}

PlateSet read_scene_plates(const Scene &scene, const PlateReadOptions &options,
                           const PlateScheme &scheme) {
    PlateReadOptions o = options;
    if (o.metric_crs.empty()) o.metric_crs = scene.crs;
    PlateSet all;
    for (const auto &[role, kind] :
         {std::pair<const char *, const char *>{"poles", "pole"}, {"lamps", "lamp"}}) {
        if (!scene.has_layer(role)) continue;
        PlateSet s = read_plates(scene.layer(role), kind, o, scheme);
        all.plates.insert(all.plates.end(), std::make_move_iterator(s.plates.begin()),
                          std::make_move_iterator(s.plates.end()));
        all.origins.insert(all.origins.end(), s.origins.begin(), s.origins.end());
    }
    if (o.strict) {
        // duplicates (an ID with and without check digit counts as one number)
        std::unordered_map<std::string, std::size_t> seen;
        seen.reserve(all.plates.size());
        for (std::size_t i = 0; i < all.plates.size(); ++i) {
            const auto parts = parse_plate_id(all.plates[i].id, scheme);
            const std::string base =
                parts ? format_plate_id(*parts, false, scheme) : all.plates[i].id;
            const auto [it, fresh] = seen.emplace(base, i);
            if (!fresh) {
                const auto &a = all.origins[it->second];
                const auto &b = all.origins[i];
                throw Error(ErrorCode::duplicate_id, b.layer + " feature " + std::to_string(b.fid) +
                                                         " field 'id': duplicate plate ID '" +
                                                         all.plates[i].id + "' (also " + a.layer +
                                                         " feature " + std::to_string(a.fid) +
                                                         ", '" + all.plates[it->second].id + "')");
            }
        }
    }
    return all;
}

Registry load_registry(const Scene &scene, const PlateScheme &scheme) {
    if (!scene.has_layer("poles") && !scene.has_layer("lamps"))
        throw Error(ErrorCode::missing_layer,
                    (scene.path.empty() ? std::string("the scene") : scene.path) +
                        " declares no plate layer ([layers.poles] or [layers.lamps])");
    PlateSet s = read_scene_plates(scene, PlateReadOptions{}, scheme);
    return Registry(std::move(s.plates), scheme);
}

} // namespace lugeo
