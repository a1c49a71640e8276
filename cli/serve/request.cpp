// lugeo serve: the requests' parameters checked (request.hpp).
#include "request.hpp"

#include "../common.hpp"

#include <lugeo/limits.hpp>
#include <lugeo/network.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace lugeo::cli {

Refusal bad(const std::string &message, const std::string &parameter) {
    return Refusal(400, "bad_parameter", message, parameter);
}

namespace {

/// The text as one finite number (all of it), else nullopt.
std::optional<double> finite_number(const std::string &t) {
    char *end = nullptr;
    const double d = std::strtod(t.c_str(), &end);
    if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(d)) return std::nullopt;
    return d;
}

} // namespace

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        int n = 0;
        std::uint32_t cp = c;
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + static_cast<std::size_t>(n) >= s.size()) return false; // cut short
        for (int k = 1; k <= n; ++k) {
            const auto d = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += static_cast<std::size_t>(n) + 1;
    }
    return true;
}

// ---- the query -------------------------------------------------------------------------------

Query::Query(const QueryParams &params, const std::set<std::string> &k) : m_params(params) {
    for (const auto &[name, value] : params) {
        if (!valid_utf8(name) || !k.count(name)) {
            std::string list;
            for (const auto &n : k)
                list += (list.empty() ? "" : ", ") + n;
            throw bad("unknown parameter '" + printable_value(name) + "' (this endpoint takes " +
                          (list.empty() ? std::string("none") : list) + ")",
                      valid_utf8(name) ? name : "");
        }
        if (params.count(name) > 1)
            throw bad("parameter '" + name + "' given more than once", name);
        if (!valid_utf8(value)) throw bad("parameter '" + name + "' is not valid UTF-8", name);
    }
}

std::optional<std::string> Query::get(const char *name) const {
    const auto it = m_params.find(name);
    if (it == m_params.end()) return std::nullopt;
    return it->second;
}

std::string Query::required(const char *name, const char *what) const {
    auto v = get(name);
    if (!v || v->empty())
        throw bad(std::string("missing parameter '") + name + "' (" + what + ")", name);
    return *v;
}

std::optional<double> Query::number(const char *name, double lo, double hi,
                                    const char *unit) const {
    const auto v = get(name);
    if (!v) return std::nullopt;
    const auto d = finite_number(*v);
    if (!d || *d < lo || *d > hi)
        throw bad(std::string("parameter '") + name + "': '" + printable_value(*v) +
                      "' is not a number in [" + fmt(lo, 0) + ", " + fmt(hi, 0) + "] " + unit,
                  name);
    return *d;
}

std::optional<std::size_t> Query::count(const char *name, std::size_t lo, std::size_t hi) const {
    const auto v = get(name);
    if (!v) return std::nullopt;
    std::size_t n = 0;
    bool ok = !v->empty() && v->size() <= 9;
    for (char c : *v)
        if (c < '0' || c > '9')
            ok = false;
        else
            n = n * 10 + static_cast<std::size_t>(c - '0');
    if (!ok || n < lo || n > hi)
        throw bad(std::string("parameter '") + name + "': '" + printable_value(*v) +
                      "' is not a whole number in [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "]",
                  name);
    return n;
}

namespace {

bool known_crs(const std::string &c) {
    return c == "wgs84" || c == "cgcs2000" || c == "gcj02" || c == "bd09";
}

} // namespace

PositionArgs Query::positions() const {
    PositionArgs p;
    if (auto c = get("near_crs")) {
        if (!known_crs(*c))
            throw bad("parameter 'near_crs': '" + printable_value(*c) +
                          "' is not wgs84, cgcs2000, gcj02 or bd09",
                      "near_crs");
        p.near_crs = *c;
    }
    return p;
}

ParsedPosition position_parameter(const std::string &text, const PositionArgs &pos,
                                  const Box &lonlat_extent, const char *name, bool radius) {
    return with_parameter(name, [&] {
        ParsedPosition pp = parse_position_arg(text, pos, name, radius);
        require_in_scene(pp, lonlat_extent, pos, name);
        return pp;
    });
}

// ---- the endpoints' parameters -----------------------------------------------------------------

LocateRequest locate_request(const Query &q, const SceneFacts &scene) {
    LocateRequest r;
    r.id = q.required("q", "the plate ID as typed or heard");
    if (!scene.has_plates)
        throw Refusal(404, "no_plate_layer", "the scene has no plate layer", "q");
    r.pos = q.positions();
    if (const auto n = q.get("near"))
        r.near = position_parameter(*n, r.pos, scene.lonlat_extent, "near", true);
    r.also = q.get("also").value_or("");
    r.road = q.get("road").value_or("");
    r.cross = q.get("cross").value_or("");
    r.k = q.count("k", 1, 100);
    return r;
}

NearestRequest nearest_request(const Query &q, const SceneFacts &scene) {
    NearestRequest r;
    r.pos = q.positions();
    const std::string text = q.required("at", "LON,LAT");
    r.at = position_parameter(text, r.pos, scene.lonlat_extent, "at", false);
    r.k = q.count("k", 1, 1000).value_or(5);
    return r;
}

QuestionPoint question_point(const Query &q, const SceneFacts &scene, const PositionArgs &pos) {
    const auto plate = q.get("plate"), at = q.get("at");
    if (plate && at) throw bad("give plate or at, not both", "at");
    if (!plate && !at)
        throw bad("missing parameter 'plate' (a plate ID) or 'at' (LON,LAT)", "plate");
    QuestionPoint p;
    if (at) {
        p.at = position_parameter(*at, pos, scene.lonlat_extent, "at", false);
        return p;
    }
    if (!scene.has_plates)
        throw Refusal(404, "no_plate_layer", "the scene has no plate layer: ask with at=LON,LAT",
                      "plate");
    p.plate = *plate;
    return p;
}

IncidentOptions incident_options(const Query &q) {
    const auto profile = profile_from_name(q.get("profile").value_or("car"));
    if (!profile) throw bad("parameter 'profile': expected walk, ebike or car", "profile");
    IncidentOptions io;
    io.profile = *profile;
    io.cameras = q.count("cameras", 0, 100000).value_or(io.cameras);
    io.road_units = q.count("units", 0, 1000).value_or(io.road_units);
    io.limit_s = q.number("limit", 0.1, limits::max_minutes, "minutes").value_or(30.0) * 60.0;
    return io;
}

namespace {

/// minutes=A,B,…: one to eight increasing thresholds in (0, 1440].
std::vector<double> minutes_list(const std::string &text) {
    std::vector<double> minutes;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto d = finite_number(item);
        if (!d || *d <= 0 || *d > limits::max_minutes)
            throw bad("parameter 'minutes': '" + printable_value(item) +
                          "' is not a number of minutes in (0, 1440]",
                      "minutes");
        if (!minutes.empty() && *d <= minutes.back())
            throw bad("parameter 'minutes': thresholds must increase", "minutes");
        minutes.push_back(*d);
    }
    if (minutes.empty() || minutes.size() > 8)
        throw bad("parameter 'minutes': one to eight thresholds", "minutes");
    return minutes;
}

} // namespace

IsochroneRequest isochrone_request(const Query &q, const SceneFacts &scene,
                                   const IsochroneSettings &settings) {
    if (!scene.has_roads) throw Refusal(404, "no_roads", "the scene has no roads", "from");
    IsochroneRequest r;
    r.pos = q.positions();
    const std::string text = q.required("from", "LON,LAT");
    r.from = position_parameter(text, r.pos, scene.lonlat_extent, "from", false);
    IsochroneOptions &io = r.options;
    io = isochrone_options(settings);
    if (const auto m = q.get("minutes")) {
        io.minutes = minutes_list(*m);
        if (settings.profiles.empty() && io.minutes != std::vector<double>{1, 5, 30})
            io.profiles = {Profile::car};
    }
    if (const auto pr = q.get("profile")) {
        const auto p = profile_from_name(*pr);
        if (!p) throw bad("parameter 'profile': expected walk, ebike or car", "profile");
        io.profiles = {*p};
    }
    if (io.profiles.size() > 1 && io.profiles.size() != io.minutes.size())
        throw bad("the scene's [isochrones] profiles do not match these thresholds: give profile",
                  "profile");
    io.fill_holes_below_m2 = 20000.0;
    io.cell_m = 5.0;
    io.max_snap_m = 500.0;
    io.per_source = false;
    io.city_figures = false;   // the polygons only (as `lugeo isochrones --geojson`)
    io.polygon_checks = false; // recall is not in the answer
    return r;
}

SealRequest seal_request(const Query &q) {
    SealRequest rq;
    rq.suspect = q.get("suspect").value_or("");
    rq.head_start_min = q.number("head_start", 0, limits::max_minutes, "minutes");
    return rq;
}

UnitReport unit_report(const std::string &id, const std::string &body, const Box &lonlat_extent) {
    if (id.empty() || id.size() > 128 || !valid_utf8(id))
        throw bad("the unit ID must be 1 to 128 bytes of UTF-8", "id");
    const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw bad("the body must be a JSON object {\"lon\":…, \"lat\":…, \"status\":…}", "body");
    for (const auto &[k, val] : j.items())
        if (k != "lon" && k != "lat" && k != "status" && k != "kind" && k != "name" && k != "crs")
            throw bad("unknown member '" + printable_value(k) +
                          "' (lon, lat, status, kind, name, crs)",
                      // the member names the parameter; an empty or unprintable name: the body
                      // (found by fuzz_request: {"lon":141.5,"":1011} gave an empty parameter)
                      !k.empty() && valid_utf8(k) && printable_value(k) == k ? k : "body");
    auto number = [&](const char *k) {
        if (!j.contains(k) || !j[k].is_number() || !std::isfinite(j[k].get<double>()))
            throw bad(std::string("'") + k + "' must be a finite number", k);
        return j[k].get<double>();
    };
    auto text = [&](const char *k) -> std::string {
        if (!j.contains(k)) return "";
        if (!j[k].is_string()) throw bad(std::string("'") + k + "' must be a string", k);
        return j[k].get<std::string>();
    };
    const double lon = number("lon"), lat = number("lat");
    const std::string st = text("status");
    const auto status =
        st.empty() ? std::optional(UnitStatus::available) : unit_status_from_name(st);
    if (!status) throw bad("'status' must be available, busy or off_duty", "status");
    PositionArgs pos;
    pos.near_crs = text("crs");
    if (!pos.near_crs.empty() && !known_crs(pos.near_crs))
        throw bad("'crs' must be wgs84, cgcs2000, gcj02 or bd09", "crs");
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9f,%.9f", lon, lat);
    UnitReport r;
    r.position = with_parameter("lon", [&] {
        ParsedPosition pp = parse_position_arg(buf, pos, "position", false);
        require_in_scene(pp, lonlat_extent, pos, "position");
        return pp;
    });
    r.status = *status;
    r.kind = text("kind");
    r.name = text("name");
    return r;
}

namespace {

Box parse_bbox(const std::string &t) {
    std::vector<double> v;
    std::stringstream ss(t);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto d = finite_number(item);
        if (!d)
            throw bad("bbox '" + printable_value(t) +
                          "': not numbers (minlon,minlat,maxlon,maxlat)",
                      "bbox");
        v.push_back(*d);
    }
    if (v.size() != 4 || v[0] > v[2] || v[1] > v[3] || std::abs(v[0]) > 180 ||
        std::abs(v[2]) > 180 || std::abs(v[1]) > 90 || std::abs(v[3]) > 90)
        throw bad("bbox '" + printable_value(t) +
                      "': expected minlon,minlat,maxlon,maxlat in degrees, min <= max",
                  "bbox");
    return Box{v[0], v[1], v[2], v[3]};
}

constexpr std::size_t max_classes = 64, max_class_bytes = 64;

std::vector<std::string> parse_classes(const std::string &t) {
    std::vector<std::string> classes;
    std::stringstream ss(t);
    std::string c;
    while (std::getline(ss, c, ',')) {
        if (c.empty()) continue;
        if (c.size() > max_class_bytes || classes.size() == max_classes)
            throw bad("classes: at most " + std::to_string(max_classes) + " road classes of 1-" +
                          std::to_string(max_class_bytes) + " bytes, comma-separated",
                      "classes");
        classes.push_back(c);
    }
    return classes;
}

} // namespace

LayerRequest layer_request(const Query &q) {
    LayerRequest r;
    if (const auto b = q.get("bbox"); b && !b->empty()) r.bbox = parse_bbox(*b);
    if (const auto c = q.get("classes")) r.classes = parse_classes(*c);
    return r;
}

} // namespace lugeo::cli
