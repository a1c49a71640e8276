// libFuzzer: the service's request checks (cli/serve/request.hpp) on any query string and any
// PUT /units body, as `lugeo serve` runs them: the query decoded by httplib's own parser, then
// the endpoint's checks against a scene with or without plates and roads. The first byte picks
// the endpoint and the scene; the rest is the query (or `ID\nBODY` for PUT /units/ID; the
// layer endpoint is GET /layers/NAME.geojson's bbox and classes).
// Properties: every input is accepted or refused with a Refusal (never another exception);
// a refusal is 400 or 404 with a code, a message and the parameter at fault (a name the
// request gave or the endpoint takes; none only for an unknown name that is not UTF-8); an
// accepted request's values are in their documented ranges.
#include "serve/request.hpp"

#include <lugeo/limits.hpp>

#include <httplib.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

using namespace lugeo;
using namespace lugeo::cli;

namespace {

[[noreturn]] void fail() {
    std::abort();
}

void check(bool ok) {
    if (!ok) fail();
}

void check_position(const ParsedPosition &p) {
    check(std::isfinite(p.wgs84.lon) && std::isfinite(p.wgs84.lat));
    check(std::abs(p.wgs84.lon) <= 180 && std::abs(p.wgs84.lat) <= 90);
    if (p.radius_m) check(std::isfinite(*p.radius_m) && *p.radius_m > 0);
}

/// Chuxiong's box (the demo scene), or no known extent.
Box extent(bool known) {
    Box b;
    if (known) {
        b.extend({101.45, 24.95});
        b.extend({101.65, 25.12});
    }
    return b;
}

enum class Endpoint { locate, nearest, incident, isochrone, seal, unit, none, layer, count };

const std::set<std::string> &known_names(Endpoint e) {
    switch (e) {
    case Endpoint::locate:
        return takes::locate;
    case Endpoint::nearest:
        return takes::nearest;
    case Endpoint::incident:
        return takes::incident;
    case Endpoint::isochrone:
        return takes::isochrone;
    case Endpoint::seal:
        return takes::seal;
    case Endpoint::layer:
        return takes::layer;
    default:
        return takes::none;
    }
}

IsochroneSettings isochrone_settings(bool two_profiles) {
    IsochroneSettings s;
    if (two_profiles) {
        s.minutes = {5, 15};
        s.profiles = {Profile::walk, Profile::car};
    }
    return s;
}

void accepted(const Query &q, Endpoint e, const SceneFacts &scene, bool two_profiles) {
    switch (e) {
    case Endpoint::locate: {
        const LocateRequest r = locate_request(q, scene);
        check(!r.id.empty() && scene.has_plates);
        if (r.near) check_position(*r.near);
        if (r.k) check(*r.k >= 1 && *r.k <= 100);
        return;
    }
    case Endpoint::nearest: {
        const NearestRequest r = nearest_request(q, scene);
        check_position(r.at);
        check(r.k >= 1 && r.k <= 1000);
        return;
    }
    case Endpoint::incident:
    case Endpoint::seal: {
        const QuestionPoint p = question_point(q, scene, q.positions());
        if (p.at) check(p.plate.empty()); // plate= (empty) is the server's to refuse
        if (p.at) check_position(*p.at);
        if (!p.at) check(scene.has_plates);
        if (e == Endpoint::seal) {
            const SealRequest rq = seal_request(q);
            if (rq.head_start_min)
                check(*rq.head_start_min >= 0 && *rq.head_start_min <= limits::max_minutes);
            return;
        }
        const IncidentOptions io = incident_options(q);
        check(io.limit_s >= 6.0 && io.limit_s <= limits::max_minutes * 60.0);
        check(io.cameras <= 100000 && io.road_units <= 1000);
        return;
    }
    case Endpoint::isochrone: {
        const IsochroneRequest r = isochrone_request(q, scene, isochrone_settings(two_profiles));
        check(scene.has_roads);
        check_position(r.from);
        const auto &m = r.options.minutes;
        check(!m.empty() && m.size() <= 8);
        for (std::size_t i = 0; i < m.size(); ++i)
            check(m[i] > 0 && m[i] <= limits::max_minutes && (i == 0 || m[i] > m[i - 1]));
        check(!r.options.profiles.empty());
        check(r.options.profiles.size() == 1 || r.options.profiles.size() == m.size());
        return;
    }
    case Endpoint::layer: {
        const LayerRequest r = layer_request(q);
        if (r.bbox) {
            const Box &b = *r.bbox;
            check(std::isfinite(b.minx) && std::isfinite(b.miny) && std::isfinite(b.maxx) &&
                  std::isfinite(b.maxy));
            check(b.minx <= b.maxx && b.miny <= b.maxy && std::abs(b.minx) <= 180 &&
                  std::abs(b.maxx) <= 180 && std::abs(b.miny) <= 90 && std::abs(b.maxy) <= 90);
        }
        check(r.classes.size() <= 64);
        for (const auto &c : r.classes)
            check(!c.empty() && c.size() <= 64 && c.find(',') == std::string::npos);
        return;
    }
    default:
        return;
    }
}

/// A refusal names what the request gave or what the endpoint takes.
void check_refusal(const Refusal &r, const std::set<std::string> &allowed, bool bad_name) {
    check(r.status == 400 || r.status == 404);
    check(!r.code.empty() && std::string_view(r.what()).size() > 0);
    check(valid_utf8(r.parameter));
    if (r.parameter.empty()) {
        // only an unknown parameter whose name cannot be shown in JSON
        check(bad_name && std::string_view(r.what()).starts_with("unknown parameter '"));
        return;
    }
    check(allowed.count(r.parameter) == 1);
}

void query_request(Endpoint e, std::uint8_t flags, const std::string &text) {
    QueryParams params;
    httplib::detail::parse_query_text(text, params);
    std::set<std::string> allowed = known_names(e);
    bool bad_name = false;
    for (const auto &[name, value] : params) {
        allowed.insert(name);
        bad_name = bad_name || name.empty() || !valid_utf8(name); // nothing to name
    }
    const SceneFacts scene{extent(flags & 1), (flags & 2) != 0, (flags & 4) != 0};
    try {
        const Query q(params, known_names(e));
        accepted(q, e, scene, (flags & 8) != 0);
    } catch (const Refusal &r) {
        check_refusal(r, allowed, bad_name);
    }
}

void unit_request(std::uint8_t flags, const std::string &text) {
    const auto cut = text.find('\n');
    const std::string id = text.substr(0, cut);
    const std::string body = cut == std::string::npos ? "" : text.substr(cut + 1);
    std::set<std::string> allowed = {"id", "body", "lon", "lat", "status", "kind", "name", "crs"};
    try {
        const UnitReport r = unit_report(id, body, extent(flags & 1));
        check(!id.empty() && id.size() <= 128 && valid_utf8(id));
        check_position(r.position);
        check(valid_utf8(r.kind) && valid_utf8(r.name));
    } catch (const Refusal &r) {
        // an unknown member is named as given (JSON strings are UTF-8)
        if (std::string_view(r.what()).starts_with("unknown member '")) allowed.insert(r.parameter);
        check_refusal(r, allowed, false);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    if (size == 0) return 0;
    const auto e = static_cast<Endpoint>(data[0] % static_cast<int>(Endpoint::count));
    const auto flags = static_cast<std::uint8_t>(data[0] / static_cast<int>(Endpoint::count));
    const std::string text(reinterpret_cast<const char *>(data) + 1, size - 1);
    try {
        if (e == Endpoint::unit)
            unit_request(flags, text);
        else
            query_request(e, flags, text);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "fuzz_request: exception: %s\n", e.what());
        fail(); // a lugeo::Error, a JSON or a standard exception escaped the checks
    }
    return 0;
}
