// lugeo serve: a request's parameters read and checked without HTTP or a loaded scene — the
// query (names and values as httplib decodes them) and a PUT /units body. The server
// (server.cpp) and the fuzzer (fuzz/fuzz_request.cpp) run the same checks. Every bad request
// is a Refusal: an HTTP status, an error code and the parameter at fault.
#pragma once

#include "../positions.hpp"
#include "../present.hpp"

#include <lugeo/dispatch.hpp>
#include <lugeo/error.hpp>
#include <lugeo/incident.hpp>
#include <lugeo/isochrone.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lugeo::cli {

/// A request the server refuses: its HTTP status, an error code and the parameter at fault.
struct Refusal : std::runtime_error {
    Refusal(int status, std::string code, const std::string &message, std::string parameter = {})
        : std::runtime_error(message), status(status), code(std::move(code)),
          parameter(std::move(parameter)) {}
    int status;
    std::string code, parameter;
};

/// A 400 bad_parameter refusal.
Refusal bad(const std::string &message, const std::string &parameter = {});

/// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing cut short).
bool valid_utf8(std::string_view s);

/// A request's query parameters as httplib decodes them (httplib::Params).
using QueryParams = std::multimap<std::string, std::string>;

/// The query parameters of one request, checked: only the known names, one value each, UTF-8.
class Query {
public:
    /// `known`: the names this endpoint takes (any other is refused).
    Query(const QueryParams &params, const std::set<std::string> &known);
    std::optional<std::string> get(const char *name) const;
    std::string required(const char *name, const char *what) const;
    std::optional<double> number(const char *name, double lo, double hi, const char *unit) const;
    std::optional<std::size_t> count(const char *name, std::size_t lo, std::size_t hi) const;
    /// near_crs as PositionArgs (positions given in that system; printed in WGS84).
    PositionArgs positions() const;

private:
    const QueryParams &m_params;
};

/// The query parameters each endpoint takes (the others take none).
namespace takes {
inline const std::set<std::string> locate = {"q", "near", "near_crs", "also", "road", "cross", "k"};
inline const std::set<std::string> nearest = {"at", "k", "near_crs"};
inline const std::set<std::string> incident = {"plate",   "at",    "near_crs", "profile",
                                               "cameras", "units", "limit"};
inline const std::set<std::string> isochrone = {"from", "minutes", "profile", "near_crs"};
inline const std::set<std::string> seal = {"plate", "at", "near_crs", "head_start", "suspect"};
inline const std::set<std::string> layer = {"bbox", "classes"};
inline const std::set<std::string> none;
} // namespace takes

/// Runs `f`, naming `parameter` in a lugeo::Error it throws (a position that does not parse).
template <class F> auto with_parameter(const char *parameter, F f) {
    try {
        return f();
    } catch (const Error &e) {
        throw Refusal(e.code() == ErrorCode::off_network ? 422 : 400, error_code_name(e.code()),
                      e.what(), parameter);
    }
}

/// What the checks need to know of the scene.
struct SceneFacts {
    Box lonlat_extent; ///< positions farther than the default max-outside from it are refused
    bool has_plates = false;
    bool has_roads = false;
};

/// A position parameter `name` (LON,LAT, LON,LAT,RADIUS when `radius`, a geo: URI) in
/// near_crs, refused when it does not parse or lies far outside the scene.
ParsedPosition position_parameter(const std::string &text, const PositionArgs &pos,
                                  const Box &lonlat_extent, const char *name, bool radius);

/// GET /locate: q, near, near_crs, also, road, cross, k.
struct LocateRequest {
    std::string id;
    PositionArgs pos;
    std::optional<ParsedPosition> near;
    std::string also, road, cross;
    std::optional<std::size_t> k; ///< candidates asked for (1-100): fuzzy search always
};
LocateRequest locate_request(const Query &q, const SceneFacts &scene);

/// GET /nearest: at, k, near_crs.
struct NearestRequest {
    PositionArgs pos;
    ParsedPosition at;
    std::size_t k = 5;
};
NearestRequest nearest_request(const Query &q, const SceneFacts &scene);

/// The point of an incident or seal question as given: `at` (a position) or `plate` (an ID the
/// server looks up; refused here when the scene has no plate layer).
struct QuestionPoint {
    std::optional<ParsedPosition> at;
    std::string plate;
};
QuestionPoint question_point(const Query &q, const SceneFacts &scene, const PositionArgs &pos);

/// GET /incident after the point: profile, cameras, units, limit (the units to use are the
/// server's to set).
IncidentOptions incident_options(const Query &q);

/// GET /isochrone: from, minutes, profile, near_crs; as `lugeo isochrones --from LON,LAT
/// --no-per-source` with the scene's [isochrones] settings.
struct IsochroneRequest {
    PositionArgs pos;
    ParsedPosition from;
    IsochroneOptions options;
};
IsochroneRequest isochrone_request(const Query &q, const SceneFacts &scene,
                                   const IsochroneSettings &settings);

/// GET /seal after the point: suspect and head_start.
SealRequest seal_request(const Query &q);

/// GET /layers/NAME.geojson: `bbox` "minlon,minlat,maxlon,maxlat" in degrees (min <= max) keeps
/// the features whose box meets it; `classes` "primary,secondary" keeps roads of these classes
/// (empty items ignored, at most limits' 64 names of 1-64 bytes).
struct LayerRequest {
    std::optional<Box> bbox;
    std::vector<std::string> classes;
};
LayerRequest layer_request(const Query &q);

/// PUT /units/ID: the unit ID (1-128 bytes of UTF-8) and the JSON body
/// {"lon", "lat", "status", "kind", "name", "crs"}.
struct UnitReport {
    ParsedPosition position;
    UnitStatus status = UnitStatus::available;
    std::string kind, name;
};
UnitReport unit_report(const std::string &id, const std::string &body, const Box &lonlat_extent);

} // namespace lugeo::cli
