// Camera model: DORI ranges, cameras from a scene layer or from OSM surveillance nodes,
// and the other inputs of coverage (buildings, plates, key sites, zones, incidents).
#include <lugeo/coverage.hpp>
#include <lugeo/error.hpp>
#include <lugeo/scene.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <numbers>

namespace lugeo {

namespace {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

std::string lower(std::string s) {
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string &s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        --e;
    return s.substr(b, e - b);
}

/// Parses a number; empty optional for null/empty; Error naming the feature otherwise.
std::optional<double> number(const std::optional<std::string> &v, const LayerSpec &spec,
                             std::int64_t fid, const std::string &field) {
    if (!v) return std::nullopt;
    const std::string s = trim(*v);
    if (s.empty()) return std::nullopt;
    try {
        std::size_t used = 0;
        const double d = std::stod(s, &used);
        if (used != s.size() || !std::isfinite(d)) throw std::invalid_argument(s);
        return d;
    } catch (const std::exception &) {
        throw Error(ErrorCode::invalid_argument,
                    spec.describe() + " feature " + std::to_string(fid) + " field '" +
                        spec.source_field(field) + "': '" + s + "' is not a number");
    }
}

/// OSM camera:direction: degrees, or a compass point (N, NNE, …).
std::optional<double> osm_direction(const std::string &raw) {
    const std::string s = trim(raw);
    if (s.empty()) return std::nullopt;
    static const char *points[] = {"N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
                                   "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"};
    std::string up = s;
    for (char &c : up)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (int i = 0; i < 16; ++i)
        if (up == points[i]) return 22.5 * i;
    try {
        std::size_t used = 0;
        const double d = std::stod(s, &used);
        if (!std::isfinite(d)) return std::nullopt;
        return std::fmod(std::fmod(d, 360.0) + 360.0, 360.0);
    } catch (const std::exception &) {
        return std::nullopt; // "0;180" and other forms: no single direction
    }
}

bool is_all_around_type(const std::string &type) {
    const std::string t = lower(type);
    return t == "dome" || t == "ptz" || t == "panning" || t == "360";
}

} // namespace

double dori_pixels_per_metre(DoriLevel level) noexcept {
    switch (level) {
    case DoriLevel::detection:
        return 25.0;
    case DoriLevel::observation:
        return 62.5;
    case DoriLevel::recognition:
        return 125.0;
    case DoriLevel::identification:
        return 250.0;
    }
    return 62.5;
}

const char *dori_level_name(DoriLevel level) noexcept {
    switch (level) {
    case DoriLevel::detection:
        return "detection";
    case DoriLevel::observation:
        return "observation";
    case DoriLevel::recognition:
        return "recognition";
    case DoriLevel::identification:
        return "identification";
    }
    return "observation";
}

std::optional<DoriLevel> dori_level_from_name(std::string_view name) noexcept {
    std::string s(name);
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s == "detection" || s == "d") return DoriLevel::detection;
    if (s == "observation" || s == "o") return DoriLevel::observation;
    if (s == "recognition" || s == "r") return DoriLevel::recognition;
    if (s == "identification" || s == "i") return DoriLevel::identification;
    return std::nullopt;
}

double dori_range_m(double horizontal_pixels, double hfov_deg, DoriLevel level) {
    if (!(hfov_deg > 0.0 && hfov_deg < 180.0))
        throw Error(ErrorCode::invalid_argument,
                    "DORI range needs a horizontal angle between 0 and 180 degrees, got " +
                        std::to_string(hfov_deg));
    if (!(horizontal_pixels > 0.0))
        throw Error(ErrorCode::invalid_argument,
                    "DORI range needs a positive horizontal resolution, got " +
                        std::to_string(horizontal_pixels));
    const double half = hfov_deg * std::numbers::pi / 360.0;
    return horizontal_pixels / (2.0 * std::tan(half) * dori_pixels_per_metre(level));
}

CameraSet read_cameras(const LayerSpec &spec, const CameraReadOptions &o) {
    ReadOptions ro;
    ro.target_crs = o.metric_crs;
    ro.required_fields = {"id"};
    ro.optional_fields = {"type",  "heading", "hfov", "range",
                          "phase", "owner",   "dori", "resolution"};
    const FeatureTable t = read_layer(spec, ro);
    const std::size_t f_id = t.field_index("id"), f_type = t.field_index("type"),
                      f_head = t.field_index("heading"), f_hfov = t.field_index("hfov"),
                      f_range = t.field_index("range"), f_phase = t.field_index("phase"),
                      f_owner = t.field_index("owner"), f_dori = t.field_index("dori"),
                      f_res = t.field_index("resolution");
    CameraSet out;
    out.skipped = t.skipped_empty;
    std::size_t no_heading = 0, default_range = 0, dori_range = 0;
    for (const Feature &f : t.features) {
        if (f.geometry.type != Geometry::Type::point || f.geometry.points.empty()) {
            ++out.skipped;
            continue;
        }
        Camera c;
        c.id = f.values[f_id].value_or("");
        if (c.id.empty()) c.id = std::to_string(f.fid);
        c.position = f.geometry.points.front();
        c.type = f.values[f_type].value_or("");
        c.owner = f.values[f_owner].value_or("");
        if (auto p = number(f.values[f_phase], spec, f.fid, "phase"))
            c.phase = static_cast<int>(std::lround(*p));
        const auto heading = number(f.values[f_head], spec, f.fid, "heading");
        const auto hfov = number(f.values[f_hfov], spec, f.fid, "hfov");
        if (is_all_around_type(c.type)) {
            c.hfov_deg = 360.0;
        } else if (!heading) {
            c.hfov_deg = 360.0;
            ++no_heading;
        } else {
            c.heading_deg = std::fmod(std::fmod(*heading, 360.0) + 360.0, 360.0);
            c.hfov_deg = hfov && *hfov > 0 ? std::min(*hfov, 360.0) : o.default_hfov_deg;
        }
        if (auto r = number(f.values[f_range], spec, f.fid, "range"); r && *r > 0) {
            c.range_m = *r;
        } else {
            const auto res = number(f.values[f_res], spec, f.fid, "resolution");
            const double px = res ? *res : o.default_resolution_px;
            DoriLevel level = o.dori;
            if (f.values[f_dori] && !trim(*f.values[f_dori]).empty()) {
                auto l = dori_level_from_name(trim(*f.values[f_dori]));
                if (!l)
                    throw Error(ErrorCode::invalid_argument,
                                spec.describe() + " feature " + std::to_string(f.fid) + " field '" +
                                    spec.source_field("dori") + "': '" + *f.values[f_dori] +
                                    "' is not a DORI level (detection, observation, recognition, "
                                    "identification)");
                level = *l;
            }
            const double lens =
                hfov && *hfov > 0 && *hfov < 180 ? *hfov : (c.hfov_deg < 180 ? c.hfov_deg : 0.0);
            if (px > 0 && lens > 0) {
                c.range_m = dori_range_m(px, lens, level);
                ++dori_range;
            } else {
                c.range_m = o.default_range_m;
                ++default_range;
            }
        }
        out.cameras.push_back(std::move(c));
    }
    if (no_heading)
        out.warnings.push_back(std::to_string(no_heading) +
                               " cameras without a heading modelled as 360°");
    if (dori_range)
        out.warnings.push_back(std::to_string(dori_range) +
                               " ranges derived from DORI level and resolution");
    if (default_range)
        out.warnings.push_back(std::to_string(default_range) + " cameras without a range: " +
                               num(o.default_range_m) + " m assumed");
    return out;
}

CameraSet read_osm_cameras(const std::string &osm_path, const CameraReadOptions &o) {
    LayerSpec spec;
    spec.role = "cameras";
    spec.source = osm_path;
    spec.layer = "points";
    spec.where = "man_made = 'surveillance'";
    spec.origin = osm_path;
    ReadOptions ro;
    ro.target_crs = o.metric_crs;
    ro.required_fields = {"osm_id"};
    ro.optional_fields = {"camera:direction", "camera:type", "surveillance:type", "surveillance",
                          "operator"};
    const FeatureTable t = read_layer(spec, ro);
    const std::size_t f_id = t.field_index("osm_id"), f_dir = t.field_index("camera:direction"),
                      f_ctype = t.field_index("camera:type"),
                      f_stype = t.field_index("surveillance:type"),
                      f_surv = t.field_index("surveillance"), f_op = t.field_index("operator");
    CameraSet out;
    out.skipped = t.skipped_empty;
    std::size_t indoor = 0, not_camera = 0, no_direction = 0;
    for (const Feature &f : t.features) {
        if (f.geometry.empty()) {
            ++out.skipped;
            continue;
        }
        const std::string surv = lower(f.values[f_surv].value_or(""));
        const std::string stype = lower(f.values[f_stype].value_or("camera"));
        if (surv == "indoor") {
            ++indoor;
            ++out.skipped;
            continue;
        }
        if (stype == "guard") {
            ++not_camera;
            ++out.skipped;
            continue;
        }
        Camera c;
        c.id = "osm:n" + f.values[f_id].value_or(std::to_string(f.fid));
        c.position = first_point(f.geometry).value_or(XY{});
        c.owner = f.values[f_op].value_or(surv);
        const std::string ctype = lower(f.values[f_ctype].value_or(""));
        c.type = stype == "alpr" ? "checkpoint" : (ctype.empty() ? "camera" : ctype);
        c.range_m = o.default_range_m;
        const auto dir = f.values[f_dir] ? osm_direction(*f.values[f_dir]) : std::nullopt;
        if (is_all_around_type(ctype)) {
            c.hfov_deg = 360.0;
        } else if (!dir) {
            c.hfov_deg = 360.0;
            ++no_direction;
        } else {
            c.heading_deg = *dir;
            c.hfov_deg = o.default_hfov_deg;
        }
        out.cameras.push_back(std::move(c));
    }
    if (indoor)
        out.warnings.push_back(std::to_string(indoor) +
                               " indoor cameras (surveillance=indoor) left out");
    if (not_camera)
        out.warnings.push_back(std::to_string(not_camera) +
                               " surveillance:type=guard nodes left out");
    if (no_direction)
        out.warnings.push_back(std::to_string(no_direction) +
                               " fixed cameras without camera:direction modelled as 360°");
    out.warnings.push_back("OSM cameras: range " + num(o.default_range_m) + " m, angle " +
                           num(o.default_hfov_deg) + "° assumed (OSM has neither)");
    return out;
}

Occluders read_occluders(const LayerSpec &spec, const std::string &metric_crs) {
    ReadOptions ro;
    ro.target_crs = metric_crs;
    ro.optional_fields = {"id"};
    const FeatureTable t = read_layer(spec, ro);
    const std::size_t f_id = t.field_index("id");
    std::vector<Polygon> polys;
    std::vector<std::string> ids;
    for (const Feature &f : t.features) {
        if (f.geometry.type != Geometry::Type::polygon) continue;
        for (const Polygon &p : f.geometry.polygons) {
            if (p.outer.size() < 4) continue;
            polys.push_back(p);
            ids.push_back(f.values[f_id].value_or(std::to_string(f.fid)));
        }
    }
    return Occluders(std::move(polys), std::move(ids));
}

CoverageInput read_coverage_input(const Scene &scene, const CameraReadOptions &options) {
    CoverageInput in;
    CameraReadOptions o = options;
    if (o.metric_crs.empty()) o.metric_crs = scene.crs;
    if (scene.has_layer("cameras")) {
        CameraSet cs = read_cameras(scene.layer("cameras"), o);
        in.cameras = std::move(cs.cameras);
        in.warnings = std::move(cs.warnings);
    }
    if (scene.has_layer("buildings"))
        in.occluders = read_occluders(scene.layer("buildings"), o.metric_crs);
    for (const char *role : {"poles", "lamps"}) {
        if (!scene.has_layer(role)) continue;
        ReadOptions ro;
        ro.target_crs = o.metric_crs;
        ro.required_fields = {"id"};
        ro.optional_fields = {"road"};
        const FeatureTable t = read_layer(scene.layer(role), ro);
        for (const Feature &f : t.features) {
            if (f.geometry.empty()) continue;
            Plate plate;
            plate.id = f.values[0].value_or("");
            plate.kind = std::string(role) == "poles" ? "pole" : "lamp";
            plate.position = first_point(f.geometry).value_or(XY{});
            plate.road = f.values[1].value_or("");
            in.plates.push_back(std::move(plate));
        }
    }
    if (scene.has_layer("key_sites")) {
        ReadOptions ro;
        ro.target_crs = o.metric_crs;
        ro.optional_fields = {"id", "kind", "name"};
        const FeatureTable t = read_layer(scene.layer("key_sites"), ro);
        for (const Feature &f : t.features) {
            if (f.geometry.empty()) continue;
            in.key_sites.push_back({f.values[0].value_or(std::to_string(f.fid)),
                                    f.values[1].value_or(""), f.values[2].value_or(""),
                                    first_point(f.geometry).value_or(XY{})});
        }
    }
    if (scene.has_layer("zones")) {
        ReadOptions ro;
        ro.target_crs = o.metric_crs;
        ro.optional_fields = {"id", "name"};
        const FeatureTable t = read_layer(scene.layer("zones"), ro);
        for (const Feature &f : t.features) {
            if (f.geometry.type != Geometry::Type::polygon) continue;
            std::string id = f.values[0].value_or(f.values[1].value_or(std::to_string(f.fid)));
            in.zones.push_back({std::move(id), f.geometry.polygons});
        }
    }
    if (scene.has_layer("boundary")) {
        ReadOptions ro;
        ro.target_crs = o.metric_crs;
        const FeatureTable t = read_layer(scene.layer("boundary"), ro);
        for (const Feature &f : t.features)
            if (f.geometry.type == Geometry::Type::polygon)
                in.boundary.insert(in.boundary.end(), f.geometry.polygons.begin(),
                                   f.geometry.polygons.end());
    }
    if (scene.has_layer("incidents")) {
        ReadOptions ro;
        ro.target_crs = o.metric_crs;
        const FeatureTable t = read_layer(scene.layer("incidents"), ro);
        for (const Feature &f : t.features)
            if (!f.geometry.empty()) in.incidents.push_back(first_point(f.geometry).value_or(XY{}));
    }
    return in;
}

} // namespace lugeo
