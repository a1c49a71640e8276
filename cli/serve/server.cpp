// lugeo serve: the HTTP side (cpp-httplib, Debian's libcpp-httplib-dev). Each handler reads its
// parameters, asks the dispatch scene (lugeo/dispatch.hpp) and answers with the presenter the
// command's --json uses (cli/present.hpp).
#include "server.hpp"
#include "gate.hpp"
#include "layers_geojson.hpp"
#include "request.hpp"

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
#include <cstdlib>
#include <optional>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <thread>

#ifndef LUGEO_LEAFLET_DIR
#define LUGEO_LEAFLET_DIR "/usr/share/javascript/leaflet"
#endif

namespace lugeo::cli {

namespace {

using Clock = std::chrono::steady_clock;

// ---- replies and bad requests --------------------------------------------------------------

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
    /// CPU-bound questions take turns, one per core at a time: isochrones and seal-off plans
    /// through one gate, incidents through another (they never wait behind an isochrone);
    /// locate and the others are answered at once.
    FifoGate heavy{std::thread::hardware_concurrency()};
    FifoGate incidents{std::thread::hardware_concurrency()};

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

/// What the request checks need to know of the scene (request.hpp).
SceneFacts facts(const DispatchScene &s) {
    return {s.lonlat_extent(), s.has_plates(), s.network() != nullptr};
}

/// The point of an incident or seal question: `plate` (exact) or `at` (a position).
struct Point {
    XY xy;
    LonLat lonlat;
    const Plate *plate = nullptr;
    std::optional<ParsedPosition> at;
};

Point point_of(const Query &q, const DispatchScene &s, const PositionArgs &pos) {
    const QuestionPoint given = question_point(q, facts(s), pos);
    Point p;
    if (given.at) {
        p.at = given.at;
        p.lonlat = p.at->wgs84;
        p.xy = s.frame().to_metric(p.lonlat);
        return p;
    }
    const std::string &plate = given.plate;
    const LocateResult r = s.registry().locate(plate);
    if (r.kind == MatchKind::invalid)
        throw bad("'" + printable_value(plate) + "' is not a plate ID: " + r.error, "plate");
    if (!r.exact) {
        std::string msg = "'" + printable_value(plate) + "' is not a plate in the registry";
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
    const LocateRequest rq = locate_request(q, facts(s));
    std::optional<CallerPosition> near;
    if (rq.near)
        near =
            CallerPosition{s.frame().to_metric(rq.near->wgs84), rq.near->radius_m.value_or(300.0)};
    LocateOptions lo;
    lo.near = near;
    lo.also = rq.also;
    lo.road = rq.road;
    lo.cross = rq.cross;
    lo.distance_to_cross = road_distance(s.network(), lo.cross);
    if (rq.k) {
        lo.candidates = *rq.k;
        lo.always_fuzzy = true;
    }
    const LocateResult r = s.registry().locate(rq.id, lo);
    // one shape for one ID as for many, as `lugeo locate --json` (docs/json.md)
    return {
        {"results", nlohmann::json::array({locate_json(rq.id, r, s.registry(), s.crs(), s.frame(),
                                                       s.junctions(), near, rq.pos, lo.reach_m)})}};
}

nlohmann::json nearest(const Query &q, const Dispatch::View &v) {
    const DispatchScene &s = *v.scene;
    const NearestRequest rq = nearest_request(q, facts(s));
    const XY p = s.frame().to_metric(rq.at.wgs84);
    const auto near = s.registry().nearest(p, rq.k);
    std::optional<Junction> junction;
    if (!s.has_plates() && s.junctions()) junction = s.junctions()->nearest(p);
    return nearest_json(rq.at, near, s.registry(), s.crs(), s.has_plates(), junction, s.frame(),
                        rq.pos);
}

nlohmann::json incident(const Query &q, const Dispatch::View &v) {
    const DispatchScene &s = *v.scene;
    const PositionArgs pos = q.positions();
    const Point p = point_of(q, s, pos);
    IncidentOptions io = incident_options(q);
    io.units = &v.units->available; // live positions; busy and off-duty units left out
    const IncidentResult res =
        describe_incident(s.incident(), p.xy, io, s.network(), s.junctions());
    const IncidentQuestion iq{p.xy, p.lonlat, p.plate, p.at ? &*p.at : nullptr};
    return incident_json(iq, res, s.incident(), v.units->available, io.profile, s.crs(), s.frame(),
                         pos);
}

nlohmann::json isochrone(const Query &q, const Dispatch::View &v) {
    const DispatchScene &s = *v.scene;
    const IsochroneRequest rq = isochrone_request(q, facts(s), s.scene().settings.isochrones);
    const std::vector<XY> src = {s.frame().to_metric(rq.from.wgs84)};
    const IsochroneResult r = with_parameter("from", [&] {
        return compute_isochrones(*s.network(), src, rq.options, s.isochrone_points());
    });
    return isochrone_geojson(r, src, s.frame());
}

nlohmann::json seal(const Query &q, const Dispatch::View &v, const Dispatch &dispatch) {
    const DispatchScene &s = *v.scene;
    if (!s.network()) throw Refusal(404, "no_roads", "seal-off needs the scene's roads");
    const PositionArgs pos = q.positions();
    const Point p = point_of(q, s, pos);
    const SealRequest rq = seal_request(q);
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
    const Dispatch::View v = dispatch.view();
    const UnitReport r = unit_report(id, body, v.scene->lonlat_extent());
    const UnitState u = with_parameter("id", [&] {
        return dispatch.report_unit(id, r.position.wgs84, r.status, std::time(nullptr), r.kind,
                                    r.name);
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
#define LUGEO_GET(path, command, fn, known, gate)                                                  \
    http.Get(path, [&svc](const httplib::Request &req, httplib::Response &res) {                   \
        answer(res, command, [&] {                                                                 \
            const Query q(req.params, known);                                                      \
            std::optional<FifoGate::Pass> pass;                                                    \
            if (FifoGate *g = gate) pass.emplace(*g);                                              \
            return fn(q, svc.dispatch.view());                                                     \
        });                                                                                        \
    })
    LUGEO_GET("/health", "health", health, takes::none, nullptr);
    LUGEO_GET("/locate", "locate", locate, takes::locate, nullptr);
    LUGEO_GET("/nearest", "nearest", nearest, takes::nearest, nullptr);
    LUGEO_GET("/incident", "incident", incident, takes::incident, &svc.incidents);
    LUGEO_GET("/isochrone", "isochrones", isochrone, takes::isochrone, &svc.heavy);
    LUGEO_GET("/units", "units", units, takes::none, nullptr);
#undef LUGEO_GET
    http.Get("/seal", [&svc](const httplib::Request &req, httplib::Response &res) {
        answer(res, "seal", [&] {
            const Query q(req.params, takes::seal);
            const FifoGate::Pass pass(svc.heavy);
            return seal(q, svc.dispatch.view(), svc.dispatch);
        });
    });
    http.Put(R"(/units/([^/]+))", [&svc](const httplib::Request &req, httplib::Response &res) {
        answer(res, "units", [&] {
            const Query q(req.params, takes::none);
            return put_unit(req.matches[1], req.body, svc.dispatch);
        });
    });
    http.Post("/admin/reload", [&svc](const httplib::Request &req, httplib::Response &res) {
        answer(res, "reload", [&] {
            const Query q(req.params, takes::none);
            return reload(svc);
        });
    });
    http.Get("/layers", [&svc](const httplib::Request &req, httplib::Response &res) {
        answer(res, "layers", [&] {
            const Query q(req.params, takes::none);
            return layer_list(svc.dispatch.view());
        });
    });
    http.Get(R"(/layers/([a-z_]+)\.geojson)",
             [&svc](const httplib::Request &req, httplib::Response &res) {
                 try {
                     const Query q(req.params, takes::layer);
                     const std::string text = layer_geojson(svc.layers, svc.dispatch.view(),
                                                            req.matches[1], layer_request(q));
                     res.set_content(text, "application/geo+json; charset=utf-8");
                 } catch (const LayerNotFound &e) {
                     send_error(res, "layers", 404, "no_such_layer", e.what(), "name");
                 } catch (const Refusal &r) {
                     send_error(res, "layers", r.status, r.code, r.what(), r.parameter);
                 } catch (const std::exception &e) {
                     log_line(std::string("lugeo serve: internal error in layers: ") + e.what());
                     send_error(res, "layers", 500, "internal", redact_secrets(e.what()));
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

/// glibc gives each thread that allocates at once an arena of its own (up to 8 per core), and
/// the worker threads that answered an isochrone each keep its buffers' high-water mark: the
/// resident set kept growing by a few MB per 2,000 isochrones. Two arenas per core (the gates
/// let one heavy question per core run) hold it flat at a third less memory, at the same
/// latency (docs/benchmarks.md). MALLOC_ARENA_MAX in the environment still wins.
void limit_malloc_arenas() {
#ifdef __GLIBC__
    if (std::getenv("MALLOC_ARENA_MAX") == nullptr)
        mallopt(M_ARENA_MAX,
                2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
#endif
}

} // namespace

int run_server(const ServeOptions &o) {
    limit_malloc_arenas();
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
