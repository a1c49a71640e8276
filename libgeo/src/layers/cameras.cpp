// Camera layers: the camera model's inputs (position, heading, angle, range or DORI level),
// from a scene layer or from OSM surveillance nodes.
#include "layers/reading.hpp"

#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/limits.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <unordered_map>

namespace lugeo {

namespace {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

/// OSM camera:direction: degrees, or a compass point (N, NNE, …).
std::optional<double> osm_direction(const std::string &s) {
    if (s.empty()) return std::nullopt;
    static const char *points[] = {"N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
                                   "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"};
    std::string up = s;
    for (char &c : up)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (int i = 0; i < 16; ++i)
        if (up == points[i]) return 22.5 * i;
    char *end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || !std::isfinite(d))
        return std::nullopt; // "0;180" and other forms: no single direction
    return std::fmod(std::fmod(d, 360.0) + 360.0, 360.0);
}

bool is_all_around_type(const std::string &type) {
    const std::string t = detail::lower_ascii(type);
    return t == "dome" || t == "ptz" || t == "panning" || t == "360";
}

DoriLevel settings_dori(const CameraSettings &s) {
    const auto l = dori_level_from_name(s.dori);
    if (!l)
        throw Error(ErrorCode::invalid_config, ErrorContext::of_parameter("cameras.dori"),
                    "'" + s.dori +
                        "' is not a DORI level (detection, observation, recognition, "
                        "identification)");
    return *l;
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
    const std::string s = detail::lower_ascii(std::string(name));
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
                        num(hfov_deg));
    if (!(horizontal_pixels > 0.0))
        throw Error(ErrorCode::invalid_argument,
                    "DORI range needs a positive horizontal resolution, got " +
                        num(horizontal_pixels));
    const double half = hfov_deg * std::numbers::pi / 360.0;
    return horizontal_pixels / (2.0 * std::tan(half) * dori_pixels_per_metre(level));
}

std::vector<Camera> read_cameras(const LayerSpec &spec, const LayerReadContext &ctx,
                                 LayerReport *report) {
    detail::LayerReading reading(spec, LayerRole::cameras, ctx, report);
    const CameraSettings &o = ctx.cameras;
    const DoriLevel default_dori = settings_dori(o);
    const FeatureTable t = reading.read();
    const std::size_t f_id = t.field_index("id"), f_type = t.field_index("type"),
                      f_head = t.field_index("heading"), f_hfov = t.field_index("hfov"),
                      f_range = t.field_index("range"), f_phase = t.field_index("phase"),
                      f_owner = t.field_index("owner"), f_dori = t.field_index("dori"),
                      f_res = t.field_index("resolution");
    using R = detail::LayerReading;
    std::vector<Camera> out;
    std::unordered_map<std::string, std::int64_t> seen;
    std::size_t no_heading = 0, default_range = 0, dori_range = 0, not_points = 0, no_id = 0;
    Box extent;
    for (const Feature &f : t.features) {
        if (f.geometry.type != Geometry::Type::point || f.geometry.points.empty()) {
            ++not_points;
            continue;
        }
        Camera c;
        c.id = R::text(f, f_id);
        if (c.id.empty()) {
            c.id = std::to_string(f.fid);
            ++no_id;
        }
        if (const auto [it, fresh] = seen.emplace(c.id, f.fid); !fresh) reading.count_duplicate();
        c.position = f.geometry.points.front();
        c.type = R::text(f, f_type);
        c.owner = R::text(f, f_owner);
        if (auto p = reading.number(f, f_phase, "phase"))
            c.phase = static_cast<int>(std::lround(*p));
        const auto heading = reading.number(f, f_head, "heading");
        const auto hfov = reading.number(f, f_hfov, "hfov");
        const auto range = reading.number(f, f_range, "range");
        // values out of range are errors, never silently folded or replaced by a default
        if (heading && !(*heading >= 0 && *heading <= 360)) {
            reading.reject(ErrorCode::invalid_argument, f.fid, "heading", num(*heading),
                           "out of range: a heading is 0 to 360 degrees clockwise from north",
                           "cameras with a heading outside [0, 360] left out");
            continue;
        }
        if (hfov && !(*hfov > 0 && *hfov <= 360)) {
            reading.reject(ErrorCode::invalid_argument, f.fid, "hfov", num(*hfov),
                           "out of range: a horizontal angle is above 0 and at most 360 degrees",
                           "cameras with an angle outside (0, 360] left out");
            continue;
        }
        if (range && !(*range > 0 && *range <= limits::max_camera_range_m)) {
            reading.reject(ErrorCode::invalid_argument, f.fid, "range", num(*range),
                           "out of range: a camera range is above 0 and at most " +
                               num(limits::max_camera_range_m) + " m",
                           "cameras with a range outside (0, " + num(limits::max_camera_range_m) +
                               "] m left out");
            continue;
        }
        if (is_all_around_type(c.type)) {
            c.hfov_deg = 360.0;
        } else if (!heading) {
            c.hfov_deg = 360.0;
            ++no_heading;
        } else {
            c.heading_deg = std::fmod(std::fmod(*heading, 360.0) + 360.0, 360.0);
            c.hfov_deg = hfov ? *hfov : o.default_hfov_deg;
        }
        if (range) {
            c.range_m = *range;
        } else {
            const auto res = reading.number(f, f_res, "resolution");
            const double px = res ? *res : o.default_resolution_px;
            DoriLevel level = default_dori;
            if (const std::string d = R::text(f, f_dori); !d.empty()) {
                const auto l = dori_level_from_name(d);
                if (!l) {
                    reading.reject(ErrorCode::invalid_argument, f.fid, "dori", d,
                                   "not a DORI level (detection, observation, recognition, "
                                   "identification)",
                                   "cameras with an unknown DORI level left out");
                    continue;
                }
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
        if (!(c.range_m > 0 && c.range_m <= limits::max_camera_range_m)) {
            reading.reject(ErrorCode::invalid_argument, f.fid, "resolution", R::text(f, f_res),
                           "the range derived from the DORI level and resolution, " +
                               num(c.range_m) + " m, is outside (0, " +
                               num(limits::max_camera_range_m) + "] m",
                           "cameras with a derived range outside (0, " +
                               num(limits::max_camera_range_m) + "] m left out");
            continue;
        }
        extent.extend(c.position);
        out.push_back(std::move(c));
    }
    reading.note(not_points, "features that are not points skipped");
    reading.note(no_id, "cameras without an id named by their feature id");
    reading.note(no_heading, "cameras without a heading modelled as 360°");
    reading.note(dori_range, "ranges derived from DORI level and resolution");
    reading.note(default_range,
                 "cameras without a range: " + num(o.default_range_m) + " m assumed");
    reading.finish(out.size(), extent, "is a point");
    return out;
}

std::vector<Camera> read_osm_cameras(const std::string &osm_path, const LayerReadContext &ctx,
                                     LayerReport *report) {
    LayerSpec spec;
    spec.role = "cameras";
    spec.source = osm_path;
    spec.layer = "points";
    spec.where = "man_made = 'surveillance'";
    detail::LayerReading reading(spec, LayerRole::cameras, ctx, report);
    const CameraSettings &o = ctx.cameras;
    ReadOptions ro;
    ro.required_fields = {"osm_id"};
    ro.optional_fields = {"camera:direction", "camera:type", "surveillance:type", "surveillance",
                          "operator"};
    // the OSM tags are not lugeo fields of the cameras role: read them as they are named
    const FeatureTable t = reading.read_spec(spec, ctx.metric_crs, ro);
    const std::size_t f_id = t.field_index("osm_id"), f_dir = t.field_index("camera:direction"),
                      f_ctype = t.field_index("camera:type"),
                      f_stype = t.field_index("surveillance:type"),
                      f_surv = t.field_index("surveillance"), f_op = t.field_index("operator");
    using R = detail::LayerReading;
    std::vector<Camera> out;
    std::size_t indoor = 0, not_camera = 0, no_direction = 0;
    Box extent;
    for (const Feature &f : t.features) {
        const std::string surv = detail::lower_ascii(R::text(f, f_surv));
        std::string stype = detail::lower_ascii(R::text(f, f_stype));
        if (stype.empty()) stype = "camera";
        if (surv == "indoor") {
            ++indoor;
            continue;
        }
        if (stype == "guard") {
            ++not_camera;
            continue;
        }
        Camera c;
        const std::string id = R::text(f, f_id);
        c.id = "osm:n" + (id.empty() ? std::to_string(f.fid) : id);
        c.position = first_point(f.geometry).value_or(XY{});
        c.owner = R::text(f, f_op);
        if (c.owner.empty()) c.owner = surv;
        const std::string ctype = detail::lower_ascii(R::text(f, f_ctype));
        c.type = stype == "alpr" ? "checkpoint" : (ctype.empty() ? "camera" : ctype);
        c.range_m = o.default_range_m;
        const auto dir = osm_direction(R::text(f, f_dir));
        if (is_all_around_type(ctype)) {
            c.hfov_deg = 360.0;
        } else if (!dir) {
            c.hfov_deg = 360.0;
            ++no_direction;
        } else {
            c.heading_deg = *dir;
            c.hfov_deg = o.default_hfov_deg;
        }
        extent.extend(c.position);
        out.push_back(std::move(c));
    }
    reading.note(indoor, "indoor cameras (surveillance=indoor) left out");
    reading.note(not_camera, "surveillance:type=guard nodes left out");
    reading.note(no_direction, "fixed cameras without camera:direction modelled as 360°");
    reading.note("OSM cameras: range " + num(o.default_range_m) + " m, angle " +
                 num(o.default_hfov_deg) + "° assumed (OSM has neither)");
    reading.finish(out.size(), extent, "is a camera (indoor cameras and guards are left out)");
    return out;
}

} // namespace lugeo
