// Shared pieces of the plate commands.
#include "plate_common.hpp"

#include <lugeo/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <limits>

namespace lugeo::cli {

namespace {

std::optional<double> to_number(const std::string &s) {
    if (s.empty()) return std::nullopt;
    char *end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::vector<std::string> split_commas(const std::string &text) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : text) {
        if (c == ',') {
            parts.push_back(cur);
            cur.clear();
        } else if (c != ' ') {
            cur += c;
        }
    }
    parts.push_back(cur);
    return parts;
}

} // namespace

bool looks_like_lonlat(const std::string &text) {
    const auto parts = split_commas(text);
    return parts.size() >= 2 && to_number(parts[0]) && to_number(parts[1]);
}

LonLatArg parse_lonlat_arg(const std::string &text, const std::string &option, bool allow_radius) {
    const auto parts = split_commas(text);
    const std::string form = allow_radius ? "LON,LAT[,RADIUS_M]" : "LON,LAT";
    auto bad = [&](const std::string &why) {
        return Error(ErrorCode::invalid_argument, option + " '" + text + "': " + why +
                                                      " (expected " + form +
                                                      ", WGS84 degrees, e.g. 104.0665,30.6598" +
                                                      (allow_radius ? ",300" : "") + ")");
    };
    if (parts.size() < 2 || parts.size() > (allow_radius ? 3u : 2u))
        throw bad("wrong number of values");
    const auto lon = to_number(parts[0]), lat = to_number(parts[1]);
    if (!lon || !lat) throw bad("not numbers");
    if (std::abs(*lon) > 180.0) throw bad("longitude outside [-180, 180]");
    if (std::abs(*lat) > 90.0) throw bad("latitude outside [-90, 90]");
    LonLatArg out;
    out.lonlat = {*lon, *lat};
    if (parts.size() == 3) {
        const auto r = to_number(parts[2]);
        if (!r || *r <= 0.0) throw bad("the radius must be a positive number of metres");
        out.radius_m = *r;
    }
    return out;
}

PlateWorld load_plate_world(const SceneArgs &args, bool with_network,
                            const std::vector<LayerRole> &other, bool require_plates) {
    Scene scene = resolve_scene(args);
    const bool has_plates = scene.has_layer(LayerRole::poles) || scene.has_layer(LayerRole::lamps);
    if (!has_plates && require_plates)
        throw Error(ErrorCode::missing_layer, ErrorContext::of_file(scene.path),
                    "the scene declares no plate layer ([layers.poles] or [layers.lamps])");
    std::vector<LayerRole> roles = other;
    roles.push_back(LayerRole::poles);
    roles.push_back(LayerRole::lamps);
    const bool network = with_network && scene.has_layer(LayerRole::roads);
    if (network) roles.push_back(LayerRole::roads);
    SceneReadOptions ro;
    // a bad plate row (no position, an ID that fits no scheme, a duplicate) is reported and
    // left out; every good row is served (--strict: refused)
    ro.keep_invalid_plates = !args.strict;
    SceneData data = read_data(scene, args, roles, ro);
    std::vector<Plate> plates;
    std::vector<std::uint8_t> bad(data.plates.plates.size(), 0);
    for (const auto &r : data.plates.rejected)
        if (r.plate < bad.size()) bad[r.plate] = 1;
    std::size_t shown = 0;
    for (const auto &r : data.plates.rejected) {
        if (shown++ == 10) {
            std::cerr << "lugeo: warning: … " << data.plates.rejected.size() - 10
                      << " more (lugeo poles check lists them all)\n";
            break;
        }
        ErrorContext at = ErrorContext::of_file(r.origin.file, r.origin.layer_name);
        at.feature = r.origin.fid;
        std::cerr << "lugeo: warning: " << at.describe() << " left out: " << r.reason << "\n";
    }
    plates.reserve(data.plates.plates.size());
    for (std::size_t i = 0; i < data.plates.plates.size(); ++i)
        if (!bad[i]) plates.push_back(std::move(data.plates.plates[i]));
    data.plates.plates.clear();
    PlateScheme scheme = data.plates.scheme ? *data.plates.scheme : PlateScheme{};
    Registry reg(std::move(plates), std::move(scheme));
    MetricFrame frame(data.crs);
    PlateWorld w{std::move(scene), std::move(data), std::move(reg),
                 std::move(frame), std::nullopt,    std::nullopt};
    w.has_plates = has_plates;
    if (network) {
        w.network.emplace(load_network(w.data, args));
        w.junctions.emplace(*w.network);
    }
    return w;
}

void add_strict_option(CLI::App &cmd, SceneArgs &args) {
    cmd.add_flag("--strict", args.strict,
                 "Refuse a plate layer with a bad row (no position, an ID that fits no scheme, "
                 "a duplicate) instead of leaving the row out with a warning");
}

const char *compass(double b) {
    static const char *names[] = {"N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
                                  "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"};
    const int i = static_cast<int>(std::floor(std::fmod(b + 11.25 + 720.0, 360.0) / 22.5)) % 16;
    return names[i];
}

nlohmann::json plate_json(const Plate &p, const std::string &crs) {
    nlohmann::json j;
    j["id"] = p.id;
    j["kind"] = p.kind;
    j["road"] = p.road;
    j["status"] = plate_status_name(p.status);
    j["installed"] = p.installed.empty() ? nlohmann::json() : nlohmann::json(p.installed);
    j["lon"] = std::round(p.lonlat.lon * 1e7) / 1e7;
    j["lat"] = std::round(p.lonlat.lat * 1e7) / 1e7;
    j["x"] = std::round(p.position.x * 100) / 100;
    j["y"] = std::round(p.position.y * 100) / 100;
    j["crs"] = crs;
    return j;
}

nlohmann::json junction_json(const std::optional<Junction> &j, const MetricFrame &frame) {
    if (!j) return nullptr;
    const LonLat ll = frame.to_lonlat(j->position);
    return {{"node", j->node},
            {"distance_m", std::round(j->distance_m * 10) / 10},
            {"bearing_deg", std::round(j->bearing_deg * 10) / 10},
            {"lon", std::round(ll.lon * 1e7) / 1e7},
            {"lat", std::round(ll.lat * 1e7) / 1e7},
            {"roads", j->roads}};
}

std::string cross_streets(const Junction &j, const std::string &own_road) {
    std::string s;
    const bool has_own = std::find(j.roads.begin(), j.roads.end(), own_road) != j.roads.end();
    if (has_own) s = own_road;
    for (const auto &r : j.roads)
        if (!has_own || r != own_road) s += (s.empty() ? "" : " × ") + r;
    return s.empty() ? std::string("(unnamed roads)") : s;
}

std::function<double(XY, const std::string &)> road_distance(const Network *net,
                                                             const std::string &name) {
    if (!net || name.empty()) return {};
    const auto &names = net->names();
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) return {};
    const auto index = static_cast<std::uint32_t>(it - names.begin());
    std::vector<std::uint32_t> edges;
    for (std::uint32_t e = 0; e < net->edges().size(); ++e)
        if (net->edges()[e].name == index) edges.push_back(e);
    return [net, edges = std::move(edges)](XY p, const std::string &) {
        double best = std::numeric_limits<double>::infinity();
        for (const std::uint32_t e : edges) {
            const auto g = net->edge_geometry(e);
            for (std::size_t i = 1; i < g.size(); ++i) {
                double t = 0;
                best = std::min(best, distance(p, closest_on_segment(g[i - 1], g[i], p, t)));
            }
        }
        return best;
    };
}

} // namespace lugeo::cli
