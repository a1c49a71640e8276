// lugeo serve: the HTTP side (cpp-httplib, Debian's libcpp-httplib-dev). Each handler reads its
// parameters, asks the dispatch scene (lugeo/dispatch.hpp) and answers with the presenter the
// command's --json uses (cli/present.hpp).
#include "server.hpp"
#include "layers_geojson.hpp"

#include "../plate_common.hpp"
#include "../positions.hpp"
#include "../present.hpp"

#include <lugeo/dispatch.hpp>
#include <lugeo/error.hpp>
#include <lugeo/isochrone.hpp>
#include <lugeo/limits.hpp>
#include <lugeo/version.hpp>

#include <httplib.h>

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#ifndef LUGEO_LEAFLET_DIR
#define LUGEO_LEAFLET_DIR "/usr/share/javascript/leaflet"
#endif

namespace lugeo::cli {

namespace {

using Clock = std::chrono::steady_clock;

// ---- replies and bad requests --------------------------------------------------------------

/// A request the server refuses: its HTTP status, an error code and the parameter at fault.
struct Refusal : std::runtime_error {
    Refusal(int status, std::string code, const std::string &message, std::string parameter = {})
        : std::runtime_error(message), status(status), code(std::move(code)),
          parameter(std::move(parameter)) {}
    int status;
    std::string code, parameter;
};

Refusal bad(const std::string &message, const std::string &parameter = {}) {
    return Refusal(400, "bad_parameter", message, parameter);
}

/// The text of a JSON document: compact, text that is not UTF-8 replaced. (Answers hold no
/// source names; error messages may, and are redacted where they are made: send_error.)
std::string dump(const nlohmann::json &j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void send(httplib::Response &res, int status, const nlohmann::json &doc) {
    res.status = status;
    res.set_content(dump(doc), "application/json; charset=utf-8");
}

void send_error(httplib::Response &res, const std::string &command, int status,
                const std::string &code, const std::string &message,
                const std::string &parameter = {}) {
    send(res, status, json_error(command, code, redact_secrets(message), parameter));
}

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

/// The query parameters of one request, checked: only the known names, one value each, UTF-8.
class Query {
public:
    Query(const httplib::Request &req, std::initializer_list<const char *> known) : m_req(req) {
        std::set<std::string> k(known.begin(), known.end());
        for (const auto &[name, value] : req.params) {
            if (!valid_utf8(name) || !k.count(name)) {
                std::string list;
                for (const auto &n : k)
                    list += (list.empty() ? "" : ", ") + n;
                throw bad("unknown parameter '" + printable_value(name) +
                              "' (this endpoint takes " +
                              (list.empty() ? std::string("none") : list) + ")",
                          valid_utf8(name) ? name : "");
            }
            if (req.get_param_value_count(name) > 1)
                throw bad("parameter '" + name + "' given more than once", name);
            if (!valid_utf8(value)) throw bad("parameter '" + name + "' is not valid UTF-8", name);
        }
    }
    std::optional<std::string> get(const char *name) const {
        if (!m_req.has_param(name)) return std::nullopt;
        return m_req.get_param_value(name);
    }
    std::string required(const char *name, const char *what) const {
        auto v = get(name);
        if (!v || v->empty())
            throw bad(std::string("missing parameter '") + name + "' (" + what + ")", name);
        return *v;
    }
    std::optional<double> number(const char *name, double lo, double hi, const char *unit) const {
        const auto v = get(name);
        if (!v) return std::nullopt;
        char *end = nullptr;
        const double d = std::strtod(v->c_str(), &end);
        if (v->empty() || end != v->c_str() + v->size() || !std::isfinite(d) || d < lo || d > hi)
            throw bad(std::string("parameter '") + name + "': '" + printable_value(*v) +
                          "' is not a number in [" + fmt(lo, 0) + ", " + fmt(hi, 0) + "] " + unit,
                      name);
        return d;
    }
    std::optional<std::size_t> count(const char *name, std::size_t lo, std::size_t hi) const {
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
    /// near_crs as PositionArgs (positions given in that system; printed in WGS84).
    PositionArgs positions() const {
        PositionArgs p;
        if (auto c = get("near_crs")) {
            if (*c != "wgs84" && *c != "cgcs2000" && *c != "gcj02" && *c != "bd09")
                throw bad("parameter 'near_crs': '" + printable_value(*c) +
                              "' is not wgs84, cgcs2000, gcj02 or bd09",
                          "near_crs");
            p.near_crs = *c;
        }
        return p;
    }

private:
    const httplib::Request &m_req;
};

/// Runs `f`, naming `parameter` in a lugeo::Error it throws (a position that does not parse).
template <class F> auto with_parameter(const char *parameter, F f) {
    try {
        return f();
    } catch (const Error &e) {
        throw Refusal(e.code() == ErrorCode::off_network ? 422 : 400, error_code_name(e.code()),
                      e.what(), parameter);
    }
}

// ---- the service ---------------------------------------------------------------------------

std::shared_ptr<const DispatchScene> load_dispatch_scene(const SceneArgs &args) {
    PlateWorld w = load_plate_world(args, true,
                                    {LayerRole::cameras, LayerRole::buildings, LayerRole::units,
                                     LayerRole::zones, LayerRole::grids, LayerRole::boundary,
                                     LayerRole::key_sites, LayerRole::incidents},
                                    false);
    const Box extent = scene_lonlat_extent(w.scene, w.data);
    w.junctions.reset(); // the dispatch scene indexes its own network
    return std::make_shared<const DispatchScene>(
        std::move(w.scene), std::move(w.data), std::move(w.registry), std::move(w.network), extent);
}

/// A line on stderr in one write (request threads log concurrently).
void log_line(const std::string &line) {
    const std::string s = safe_text(line) + "\n";
    [[maybe_unused]] const auto n = ::write(2, s.data(), s.size());
}

struct Service {
    ServeOptions options;
    std::string token;
    std::string www;
    Dispatch dispatch;
    std::mutex reload_mutex;
    LayerCache layers;

    Service(ServeOptions o, std::shared_ptr<const DispatchScene> scene)
        : options(std::move(o)), dispatch(std::move(scene)) {}
};

nlohmann::json scene_summary(const Dispatch::View &v) {
    const DispatchScene &s = *v.scene;
    return {{"scene", s.data().name},
            {"attribution", s.data().attribution},
            {"crs", s.crs()},
            {"loaded_at", s.loaded_at()},
            {"plates", s.registry().plates().size()},
            {"units", v.units->units.size()},
            {"roads", s.network() != nullptr}};
}

/// The point of an incident or seal question: `plate` (exact) or `at` (a position).
struct Point {
    XY xy;
    LonLat lonlat;
    const Plate *plate = nullptr;
    std::optional<ParsedPosition> at;
};

Point question_point(const Query &q, const DispatchScene &s, const PositionArgs &pos) {
    const auto plate = q.get("plate"), at = q.get("at");
    if (plate && at) throw bad("give plate or at, not both", "at");
    if (!plate && !at)
        throw bad("missing parameter 'plate' (a plate ID) or 'at' (LON,LAT)", "plate");
    Point p;
    if (at) {
        p.at = with_parameter("at", [&] {
            ParsedPosition pp = parse_position_arg(*at, pos, "at", false);
            require_in_scene(pp, s.lonlat_extent(), pos, "at");
            return pp;
        });
        p.lonlat = p.at->wgs84;
        p.xy = s.frame().to_metric(p.lonlat);
        return p;
    }
    if (!s.has_plates())
        throw Refusal(404, "no_plate_layer", "the scene has no plate layer: ask with at=LON,LAT",
                      "plate");
    const LocateResult r = s.registry().locate(*plate);
    if (r.kind == MatchKind::invalid)
        throw bad("'" + printable_value(*plate) + "' is not a plate ID: " + r.error, "plate");
    if (!r.exact) {
        std::string msg = "'" + printable_value(*plate) + "' is not a plate in the registry";
        if (!r.candidates.empty()) {
            msg += "; did the caller mean:";
            for (const auto &c : r.candidates)
                msg += " " + c.id + " (" + c.explanation + ")";
        }
        throw Refusal(404, "no_such_plate", msg + "; resolve it first with /locate", "plate");
    }
    p.plate = &s.registry().plates()[*r.exact];
    p.xy = p.plate->position;
    p.lonlat = p.plate->lonlat;
    return p;
}

// ---- the endpoints -------------------------------------------------------------------------

nlohmann::json health(const Query &, const Dispatch::View &v) {
    nlohmann::json j = scene_summary(v);
    j["status"] = "ok";
    return j;
}

nlohmann::json locate(const Query &q, const Dispatch::View &v) {
    const DispatchScene &s = *v.scene;
    const std::string id = q.required("q", "the plate ID as typed or heard");
    if (!s.has_plates()) throw Refusal(404, "no_plate_layer", "the scene has no plate layer", "q");
    const PositionArgs pos = q.positions();
    std::optional<CallerPosition> near;
    if (const auto n = q.get("near")) {
        const ParsedPosition p = with_parameter("near", [&] {
            ParsedPosition pp = parse_position_arg(*n, pos, "near", true);
            require_in_scene(pp, s.lonlat_extent(), pos, "near");
            return pp;
        });
        near = CallerPosition{s.frame().to_metric(p.wgs84), p.radius_m.value_or(300.0)};
    }
    LocateOptions lo;
    lo.near = near;
    lo.also = q.get("also").value_or("");
    lo.road = q.get("road").value_or("");
    lo.cross = q.get("cross").value_or("");
    lo.distance_to_cross = road_distance(s.network(), lo.cross);
    if (const auto k = q.count("k", 1, 100)) {
        lo.candidates = *k;
        lo.always_fuzzy = true;
    }
    const LocateResult r = s.registry().locate(id, lo);
    // one shape for one ID as for many, as `lugeo locate --json` (docs/json.md)
    return {
        {"results", nlohmann::json::array({locate_json(id, r, s.registry(), s.crs(), s.frame(),
                                                       s.junctions(), near, pos, lo.reach_m)})}};
}

nlohmann::json nearest(const Query &q, const Dispatch::View &v) {
    const DispatchScene &s = *v.scene;
    const PositionArgs pos = q.positions();
    const std::string text = q.required("at", "LON,LAT");
    const ParsedPosition at = with_parameter("at", [&] {
        ParsedPosition pp = parse_position_arg(text, pos, "at", false);
        require_in_scene(pp, s.lonlat_extent(), pos, "at");
        return pp;
    });
    const XY p = s.frame().to_metric(at.wgs84);
    const auto near = s.registry().nearest(p, q.count("k", 1, 1000).value_or(5));
    std::optional<Junction> junction;
    if (!s.has_plates() && s.junctions()) junction = s.junctions()->nearest(p);
    return nearest_json(at, near, s.registry(), s.crs(), s.has_plates(), junction, s.frame(), pos);
}

nlohmann::json incident(const Query &q, const Dispatch::View &v) {
    const DispatchScene &s = *v.scene;
    const PositionArgs pos = q.positions();
    const Point p = question_point(q, s, pos);
    const auto profile = profile_from_name(q.get("profile").value_or("car"));
    if (!profile) throw bad("parameter 'profile': expected walk, ebike or car", "profile");
    IncidentOptions io;
    io.profile = *profile;
    io.cameras = q.count("cameras", 0, 100000).value_or(io.cameras);
    io.road_units = q.count("units", 0, 1000).value_or(io.road_units);
    io.limit_s = q.number("limit", 0.1, limits::max_minutes, "minutes").value_or(30.0) * 60.0;
    io.units = &v.units->available; // live positions; busy and off-duty units left out
    const IncidentResult res =
        describe_incident(s.incident(), p.xy, io, s.network(), s.junctions());
    const IncidentQuestion iq{p.xy, p.lonlat, p.plate, p.at ? &*p.at : nullptr};
    return incident_json(iq, res, s.incident(), v.units->available, *profile, s.crs(), s.frame(),
                         pos);
}

std::vector<XY> positions_of(const std::vector<LayerPoint> &points) {
    std::vector<XY> out;
    for (const auto &p : points)
        out.push_back(p.position);
    return out;
}

nlohmann::json isochrone(const Query &q, const Dispatch::View &v) {
    const DispatchScene &s = *v.scene;
    if (!s.network()) throw Refusal(404, "no_roads", "the scene has no roads", "from");
    const PositionArgs pos = q.positions();
    const std::string text = q.required("from", "LON,LAT");
    const ParsedPosition from = with_parameter("from", [&] {
        ParsedPosition pp = parse_position_arg(text, pos, "from", false);
        require_in_scene(pp, s.lonlat_extent(), pos, "from");
        return pp;
    });
    // as `lugeo isochrones --from LON,LAT --no-per-source` with its defaults
    const IsochroneSettings &settings = s.scene().settings.isochrones;
    IsochroneOptions io = isochrone_options(settings);
    if (const auto m = q.get("minutes")) {
        io.minutes.clear();
        std::stringstream ss(*m);
        std::string item;
        while (std::getline(ss, item, ',')) {
            char *end = nullptr;
            const double d = std::strtod(item.c_str(), &end);
            if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(d) || d <= 0 ||
                d > limits::max_minutes)
                throw bad("parameter 'minutes': '" + printable_value(item) +
                              "' is not a number of minutes in (0, 1440]",
                          "minutes");
            if (!io.minutes.empty() && d <= io.minutes.back())
                throw bad("parameter 'minutes': thresholds must increase", "minutes");
            io.minutes.push_back(d);
        }
        if (io.minutes.empty() || io.minutes.size() > 8)
            throw bad("parameter 'minutes': one to eight thresholds", "minutes");
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
    IsochronePoints pts;
    pts.key_sites = positions_of(points_of(s.data(), LayerRole::key_sites));
    pts.cameras = positions_of(points_of(s.data(), LayerRole::cameras));
    pts.incidents = positions_of(points_of(s.data(), LayerRole::incidents));
    const std::vector<XY> src = {s.frame().to_metric(from.wgs84)};
    const IsochroneResult r =
        with_parameter("from", [&] { return compute_isochrones(*s.network(), src, io, pts); });
    return isochrone_geojson(r, src, s.frame());
}

nlohmann::json seal(const Query &q, const Dispatch::View &v, const Dispatch &dispatch) {
    const DispatchScene &s = *v.scene;
    if (!s.network()) throw Refusal(404, "no_roads", "seal-off needs the scene's roads");
    const PositionArgs pos = q.positions();
    const Point p = question_point(q, s, pos);
    SealRequest rq;
    rq.suspect = q.get("suspect").value_or("");
    rq.head_start_min = q.number("head_start", 0, limits::max_minutes, "minutes");
    const SealSetup setup = with_parameter("suspect", [&] {
        return seal_setup(s.data().settings.seal, s.data().settings.units, rq, "suspect");
    });
    const auto t0 = Clock::now();
    std::shared_ptr<const SealContext> ctx;
    try {
        ctx = dispatch.seal_context(v);
    } catch (const Error &e) {
        throw Refusal(404, error_code_name(e.code()), e.what());
    }
    const auto t1 = Clock::now();
    const SealPlan plan = seal_incident(*ctx, p.xy, setup.options);
    const auto t2 = Clock::now();
    if (!plan.snapped)
        throw Refusal(422, "off_network",
                      "the incident is more than " + fmt(setup.options.snap_max_m, 0) +
                          " m from a road the suspect can use");
    return seal_json(*ctx, plan, setup, p.xy, p.plate ? p.plate->id : "", s.crs(), s.frame(),
                     "boundary", std::chrono::duration<double>(t1 - t0).count(),
                     std::chrono::duration<double>(t2 - t1).count());
}

nlohmann::json unit_json(const UnitState &u) {
    return {{"id", u.unit.id},
            {"kind", u.unit.kind},
            {"name", u.unit.name},
            {"lon", std::round(u.lonlat.lon * 1e7) / 1e7},
            {"lat", std::round(u.lonlat.lat * 1e7) / 1e7},
            {"status", unit_status_name(u.status)},
            {"last_seen", u.live() ? nlohmann::json(iso8601_utc(u.last_seen)) : nlohmann::json()},
            {"source", u.live() ? "live" : "scene"},
            {"in_scene", u.in_scene}};
}

nlohmann::json units(const Query &, const Dispatch::View &v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto &u : v.units->units)
        a.push_back(unit_json(u));
    return {{"units", a}, {"available", v.units->available.size()}};
}

nlohmann::json put_unit(const std::string &id, const std::string &body, Dispatch &dispatch) {
    if (id.empty() || id.size() > 128 || !valid_utf8(id))
        throw bad("the unit ID must be 1 to 128 bytes of UTF-8", "id");
    const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw bad("the body must be a JSON object {\"lon\":…, \"lat\":…, \"status\":…}", "body");
    for (const auto &[k, val] : j.items())
        if (k != "lon" && k != "lat" && k != "status" && k != "kind" && k != "name" && k != "crs")
            throw bad("unknown member '" + printable_value(k) +
                          "' (lon, lat, status, kind, name, crs)",
                      k);
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
    if (!pos.near_crs.empty() && pos.near_crs != "wgs84" && pos.near_crs != "cgcs2000" &&
        pos.near_crs != "gcj02" && pos.near_crs != "bd09")
        throw bad("'crs' must be wgs84, cgcs2000, gcj02 or bd09", "crs");
    const Dispatch::View v = dispatch.view();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9f,%.9f", lon, lat);
    const ParsedPosition p = with_parameter("lon", [&] {
        ParsedPosition pp = parse_position_arg(buf, pos, "position", false);
        require_in_scene(pp, v.scene->lonlat_extent(), pos, "position");
        return pp;
    });
    const UnitState u = with_parameter("id", [&] {
        return dispatch.report_unit(id, p.wgs84, *status, std::time(nullptr), text("kind"),
                                    text("name"));
    });
    return {{"unit", unit_json(u)}};
}

nlohmann::json reload(Service &svc) {
    std::unique_lock lock(svc.reload_mutex, std::try_to_lock);
    if (!lock.owns_lock()) throw Refusal(409, "reload_running", "a reload is already running");
    const auto t0 = Clock::now();
    std::shared_ptr<const DispatchScene> scene;
    try {
        scene = load_dispatch_scene(svc.options.scene);
    } catch (const Error &e) {
        throw Refusal(422, error_code_name(e.code()),
                      "the scene did not load; the old scene stays in use: " +
                          redact_secrets(e.what()));
    } catch (const std::exception &e) {
        throw Refusal(500, "internal",
                      "the scene did not load; the old scene stays in use: " +
                          redact_secrets(e.what()));
    }
    svc.dispatch.swap_scene(std::move(scene));
    nlohmann::json j = scene_summary(svc.dispatch.view());
    j["reloaded"] = true;
    j["seconds"] = std::chrono::duration<double>(Clock::now() - t0).count();
    log_line("lugeo serve: scene reloaded (" + j["plates"].dump() + " plates, " +
             j["units"].dump() + " units)");
    return j;
}

// ---- wiring ----------------------------------------------------------------------------------

thread_local Clock::time_point t_start;
thread_local bool t_started = false;

/// Runs an endpoint: its document on success; a Refusal, a lugeo::Error or a bug as JSON.
void answer(httplib::Response &res, const std::string &command,
            const std::function<nlohmann::json()> &f) {
    try {
        send(res, 200, json_document(command, f()));
    } catch (const Refusal &r) {
        send_error(res, command, r.status, r.code, r.what(), r.parameter);
    } catch (const Error &e) {
        const int status = e.code() == ErrorCode::off_network     ? 422
                           : e.code() == ErrorCode::missing_layer ? 404
                           : e.code() == ErrorCode::internal      ? 500
                                                                  : 400;
        send_error(res, command, status, error_code_name(e.code()), redact_secrets(e.what()),
                   e.context().parameter);
    } catch (const std::bad_alloc &) {
        send_error(res, command, 503, "out_of_memory", "out of memory");
    } catch (const std::exception &e) {
        log_line("lugeo serve: internal error in " + command + ": " + e.what());
        send_error(res, command, 500, "internal", redact_secrets(e.what()));
    }
}

std::string read_token(const std::string &path) {
    std::ifstream in(path);
    if (!in) throw Error(ErrorCode::io, ErrorContext::of_file(path), "cannot read the token file");
    std::string t;
    std::getline(in, t);
    while (!t.empty() && (t.back() == '\r' || t.back() == ' ' || t.back() == '\t'))
        t.pop_back();
    if (t.size() < 16)
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_file(path),
                    "the token (the file's first line) must be at least 16 characters");
    return t;
}

bool same_secret(const std::string &a, const std::string &b) {
    unsigned char d = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i)
        d |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
    return d == 0;
}

std::string find_www(const std::string &given) {
    namespace fs = std::filesystem;
    std::vector<std::string> dirs;
    if (!given.empty()) return given;
#ifdef LUGEO_SOURCE_WWW_DIR
    dirs.push_back(LUGEO_SOURCE_WWW_DIR);
#endif
#ifdef LUGEO_INSTALL_WWW_DIR
    dirs.push_back(LUGEO_INSTALL_WWW_DIR);
#endif
    for (const auto &d : dirs)
        if (fs::exists(fs::path(d) / "index.html")) return d;
    return dirs.empty() ? std::string() : dirs.front();
}

void wire(httplib::Server &http, Service &svc) {
#define LUGEO_GET(path, command, fn, ...)                                                          \
    http.Get(path, [&svc](const httplib::Request &req, httplib::Response &res) {                   \
        answer(res, command, [&] {                                                                 \
            const Query q(req, {__VA_ARGS__});                                                     \
            return fn(q, svc.dispatch.view());                                                     \
        });                                                                                        \
    })
    LUGEO_GET("/health", "health", health);
    LUGEO_GET("/locate", "locate", locate, "q", "near", "near_crs", "also", "road", "cross", "k");
    LUGEO_GET("/nearest", "nearest", nearest, "at", "k", "near_crs");
    LUGEO_GET("/incident", "incident", incident, "plate", "at", "near_crs", "profile", "cameras",
              "units", "limit");
    LUGEO_GET("/isochrone", "isochrones", isochrone, "from", "minutes", "profile", "near_crs");
    LUGEO_GET("/units", "units", units);
#undef LUGEO_GET
    http.Get("/seal", [&svc](const httplib::Request &req, httplib::Response &res) {
        answer(res, "seal", [&] {
            const Query q(req, {"plate", "at", "near_crs", "head_start", "suspect"});
            return seal(q, svc.dispatch.view(), svc.dispatch);
        });
    });
    http.Put(R"(/units/([^/]+))", [&svc](const httplib::Request &req, httplib::Response &res) {
        answer(res, "units", [&] {
            const Query q(req, {});
            return put_unit(req.matches[1], req.body, svc.dispatch);
        });
    });
    http.Post("/admin/reload", [&svc](const httplib::Request &req, httplib::Response &res) {
        answer(res, "reload", [&] {
            const Query q(req, {});
            return reload(svc);
        });
    });
    http.Get("/layers", [&svc](const httplib::Request &req, httplib::Response &res) {
        answer(res, "layers", [&] {
            const Query q(req, {});
            return layer_list(svc.dispatch.view());
        });
    });
    http.Get(R"(/layers/([a-z_]+)\.geojson)",
             [&svc](const httplib::Request &req, httplib::Response &res) {
                 try {
                     const Query q(req, {"bbox", "classes"});
                     const std::string text =
                         layer_geojson(svc.layers, svc.dispatch.view(), req.matches[1],
                                       q.get("bbox").value_or(""), q.get("classes").value_or(""));
                     res.set_content(text, "application/geo+json; charset=utf-8");
                 } catch (const LayerNotFound &e) {
                     send_error(res, "layers", 404, "no_such_layer", e.what(), "name");
                 } catch (const Error &e) {
                     send_error(res, "layers", 400, error_code_name(e.code()), e.what(), "bbox");
                 } catch (const Refusal &r) {
                     send_error(res, "layers", r.status, r.code, r.what(), r.parameter);
                 }
             });
    http.Get("/", [&svc](const httplib::Request &, httplib::Response &res) {
        std::ifstream in(std::filesystem::path(svc.www) / "index.html", std::ios::binary);
        if (!in) {
            send_error(res, "page", 404, "no_page",
                       "the dispatcher page is not installed (looked in '" + svc.www +
                           "'; give --www DIR)");
            return;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        res.set_content(ss.str(), "text/html; charset=utf-8");
    });
    if (std::filesystem::exists(LUGEO_LEAFLET_DIR))
        http.set_mount_point("/static/leaflet", LUGEO_LEAFLET_DIR);
    if (!svc.www.empty() && std::filesystem::exists(svc.www))
        http.set_mount_point("/static", svc.www);
    http.set_file_request_handler([](const httplib::Request &req, httplib::Response &res) {
        res.set_header("Cache-Control", "no-cache");
        // httplib Brotli-compresses text/* and exactly "application/javascript" at maximum
        // quality on every request (2.8 s for leaflet.js); with a charset it sends the file as is
        const auto dot = req.path.rfind('.');
        if (dot != std::string::npos && req.path.compare(dot, std::string::npos, ".js") == 0) {
            res.headers.erase("Content-Type");
            res.set_header("Content-Type", "application/javascript; charset=utf-8");
        }
    });

    http.set_pre_routing_handler([&svc](const httplib::Request &req, httplib::Response &res) {
        t_start = Clock::now();
        t_started = true;
        if (svc.token.empty() || req.path == "/" || req.path.rfind("/static/", 0) == 0)
            return httplib::Server::HandlerResponse::Unhandled;
        const std::string h = req.get_header_value("Authorization");
        if (h.rfind("Bearer ", 0) == 0 && same_secret(h.substr(7), svc.token))
            return httplib::Server::HandlerResponse::Unhandled;
        res.set_header("WWW-Authenticate", "Bearer realm=\"lugeo\"");
        send_error(res, "auth", 401, "unauthorized",
                   h.empty() ? "this server needs Authorization: Bearer <token>"
                             : "the token is not this server's");
        return httplib::Server::HandlerResponse::Handled;
    });
    http.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request &, httplib::Response &res) {
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            const int s = res.status;
            const std::string code = s == 404   ? "not_found"
                                     : s == 405 ? "method_not_allowed"
                                     : s == 413 ? "payload_too_large"
                                     : s == 414 ? "uri_too_long"
                                     : s == 416 ? "range_not_satisfiable"
                                     : s >= 500 ? "internal"
                                                : "bad_request";
            const std::string msg =
                s == 404   ? "no such endpoint or file (see GET /layers, docs/serve.md)"
                : s == 413 ? "the request body is larger than the server accepts"
                : s == 414 ? "the request line is longer than the server accepts"
                           : "the request was refused (HTTP " + std::to_string(s) + ")";
            res.set_content(dump(json_error("http", code, msg)), "application/json; charset=utf-8");
            return httplib::Server::HandlerResponse::Handled;
        }));
    http.set_exception_handler(
        [](const httplib::Request &, httplib::Response &res, std::exception_ptr) {
            send_error(res, "http", 500, "internal", "internal error");
        });
    http.set_logger([](const httplib::Request &req, const httplib::Response &res) {
        char ms[32] = "-";
        if (t_started)
            std::snprintf(
                ms, sizeof ms, "%.2f",
                std::chrono::duration<double, std::milli>(Clock::now() - t_start).count());
        t_started = false;
        std::string path = req.path.size() > 200 ? req.path.substr(0, 200) + "…" : req.path;
        log_line(req.method + " " + path + " " + std::to_string(res.status) + " " + ms + " ms");
    });
}

} // namespace

int run_server(const ServeOptions &o) {
    // SIGHUP (reload), SIGINT and SIGTERM (stop) are taken by one thread of ours
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGHUP);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    const auto t0 = Clock::now();
    Service svc(o, load_dispatch_scene(o.scene));
    if (!o.token_file.empty()) svc.token = read_token(o.token_file);
    svc.www = find_www(o.www);
    const int threads =
        o.threads > 0 ? o.threads
                      : std::max(16, 4 * static_cast<int>(std::thread::hardware_concurrency()));

    httplib::Server http;
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    const auto secs = [](double s) {
        return std::pair<time_t, time_t>(static_cast<time_t>(s),
                                         static_cast<time_t>((s - std::floor(s)) * 1e6));
    };
    http.set_read_timeout(secs(o.read_timeout_s).first, secs(o.read_timeout_s).second);
    http.set_write_timeout(5, 0);
    http.set_keep_alive_timeout(static_cast<time_t>(std::max(1.0, o.keep_alive_s)));
    http.set_keep_alive_max_count(100000);
    http.set_payload_max_length(o.max_body);
    http.set_tcp_nodelay(true);
    wire(http, svc);
    // Debian's libcpp-httplib listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG, compiled
    // into the shared library): a dispatch room's 16 clients connecting at once overflow it,
    // the kernel drops their handshakes and the clients retry after a second (bench_serve saw
    // a 1 s p99). Keep the listening socket when it is made and listen on it again with the
    // system's maximum once bound: Linux updates the backlog of a socket already listening.
    int listen_fd = -1;
    http.set_socket_options([&listen_fd](socket_t sock) {
        httplib::default_socket_options(sock);
        listen_fd = sock;
    });

    int port = o.port;
    if (port == 0) {
        port = http.bind_to_any_port(o.bind.c_str());
        if (port < 0) throw Error(ErrorCode::io, "cannot listen on " + o.bind + " (any port)");
    } else if (!http.bind_to_port(o.bind.c_str(), port)) {
        throw Error(ErrorCode::io, "cannot listen on " + o.bind + ":" + std::to_string(port) +
                                       " (in use, or not an address of this machine)");
    }
    if (listen_fd >= 0 && ::listen(listen_fd, SOMAXCONN) != 0)
        log_line("lugeo serve: warning: cannot raise the listen backlog (" +
                 std::string(std::strerror(errno)) + "); clients connecting at once may wait");
    const Dispatch::View v = svc.dispatch.view();
    log_line("lugeo serve: scene '" + v.scene->data().name + "' (" +
             std::to_string(v.scene->registry().plates().size()) + " plates, " +
             std::to_string(v.units->units.size()) + " units) loaded in " +
             fmt(std::chrono::duration<double>(Clock::now() - t0).count(), 2) + " s; " +
             std::to_string(threads) + " threads; " + (svc.token.empty() ? "no token" : "token") +
             "; page " + (svc.www.empty() ? "(none)" : svc.www));
    log_line("lugeo serve: listening on http://" + o.bind + ":" + std::to_string(port) + "/");

    std::thread signals([&] {
        for (;;) {
            int sig = 0;
            if (sigwait(&sigs, &sig) != 0) continue;
            if (sig == SIGHUP) {
                try {
                    reload(svc);
                } catch (const std::exception &e) {
                    log_line(std::string("lugeo serve: SIGHUP reload failed: ") + e.what());
                }
                continue;
            }
            if (sig != SIGUSR2) log_line("lugeo serve: stopping");
            http.stop();
            return;
        }
    });
    const bool ok = http.listen_after_bind();
    pthread_kill(signals.native_handle(), SIGUSR2); // no-op when it already returned
    signals.join();
    return ok ? exit_ok : exit_internal;
}

} // namespace lugeo::cli
