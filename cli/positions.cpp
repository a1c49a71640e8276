// Positions on the command line (positions.hpp).
#include "positions.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>

#include <cmath>
#include <cstdlib>

namespace lugeo::cli {

void add_position_options(CLI::App &cmd, PositionArgs &a) {
    cmd.add_option("--near-crs", a.near_crs,
                   "System of the position given: wgs84 (GNSS, OpenStreetMap; default), "
                   "cgcs2000, gcj02 (Amap, Tencent, WeChat) or bd09 (Baidu)")
        ->check(CLI::IsMember({"wgs84", "cgcs2000", "gcj02", "bd09"}, CLI::ignore_case))
        ->option_text("SYSTEM");
    cmd.add_option("--show-crs", a.output_crs,
                   "System of the positions printed (wgs84 default, cgcs2000, gcj02, bd09): to "
                   "show them on that app's map")
        ->check(CLI::IsMember({"wgs84", "cgcs2000", "gcj02", "bd09"}, CLI::ignore_case))
        ->option_text("SYSTEM");
    cmd.add_option("--max-outside", a.max_outside_km,
                   "A position further than this outside the scene's data is refused (km)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber)
        ->option_text("KM");
}

ParsedPosition parse_position_arg(const std::string &text, const PositionArgs &args,
                                  const std::string &option, bool allow_radius) {
    PositionParseOptions po;
    if (!args.near_crs.empty()) po.crs = parse_position_crs(args.near_crs);
    ParsedPosition p;
    try {
        p = parse_position(text, po);
    } catch (const Error &e) {
        throw Error(e.code(), option + ": " + e.message() + " (expected LON,LAT" +
                                  (allow_radius ? "[,RADIUS_M]" : "") +
                                  " in degrees, e.g. 104.0665,30.6598, or a geo: URI, e.g. "
                                  "geo:30.6598,104.0665)");
    }
    if (p.radius_m && !allow_radius)
        throw Error(ErrorCode::invalid_argument,
                    option + " '" + text + "': takes no radius (expected LON,LAT or a geo: URI)");
    return p;
}

bool looks_like_position(const std::string &text) {
    if (text.rfind("geo:", 0) == 0 || text.rfind("GEO:", 0) == 0) return true;
    const auto comma = text.find(',');
    if (comma == std::string::npos) return false;
    auto number = [](std::string s) {
        while (!s.empty() && s.front() == ' ')
            s.erase(0, 1);
        while (!s.empty() && s.back() == ' ')
            s.pop_back();
        if (s.empty()) return false;
        char *end = nullptr;
        std::strtod(s.c_str(), &end);
        return end == s.c_str() + s.size();
    };
    const auto next = text.find(',', comma + 1);
    return number(text.substr(0, comma)) &&
           number(text.substr(comma + 1,
                              next == std::string::npos ? std::string::npos : next - comma - 1));
}

Box scene_lonlat_extent(const Scene &scene, const SceneData &data) {
    Box metric;
    for (const auto &r : data.reports)
        if (r.extent.valid()) {
            metric.extend({r.extent.minx, r.extent.miny});
            metric.extend({r.extent.maxx, r.extent.maxy});
        }
    if (metric.valid() && !data.crs.empty()) return lonlat_extent(metric, data.crs);
    if (scene.has_layer(LayerRole::roads))
        if (const auto b = declared_extent(scene.layer(LayerRole::roads), "EPSG:4326")) return *b;
    return {};
}

void require_in_scene(const ParsedPosition &p, const Box &lonlat_extent, const PositionArgs &args,
                      const std::string &option) {
    const ExtentCheck c =
        check_position_near_extent(p.wgs84, lonlat_extent, args.max_outside_km * 1000.0);
    if (!c.far) return;
    std::string msg = option + ": " + c.message;
    if (p.crs != PositionCrs::wgs84)
        msg += std::string(" (given in ") + position_crs_name(p.crs) + ")";
    msg += "; check the position with the caller, or pass --max-outside KM to accept it";
    throw Error(ErrorCode::invalid_argument, msg);
}

PositionCrs output_crs(const PositionArgs &args) {
    return args.output_crs.empty() ? PositionCrs::wgs84 : parse_position_crs(args.output_crs);
}

LonLat output_position(LonLat wgs84, const PositionArgs &args) {
    return from_wgs84(wgs84, output_crs(args));
}

namespace {

double r7(double v) {
    return std::round(v * 1e7) / 1e7;
}

void add_display(nlohmann::json &j, PositionCrs to) {
    if (j.is_object()) {
        if (j.contains("lon") && j.contains("lat") && j["lon"].is_number() &&
            j["lat"].is_number()) {
            const LonLat p = from_wgs84({j["lon"].get<double>(), j["lat"].get<double>()}, to);
            j["display"] = {{"crs", position_crs_name(to)}, {"lon", r7(p.lon)}, {"lat", r7(p.lat)}};
        }
        for (auto it = j.begin(); it != j.end(); ++it)
            if (it.key() != "wgs84" && it.key() != "given" && it.key() != "display")
                add_display(it.value(), to);
    } else if (j.is_array()) {
        for (auto &v : j)
            add_display(v, to);
    }
}

} // namespace

nlohmann::json given_position_json(const ParsedPosition &p) {
    nlohmann::json j = {
        {"given",
         {{"lon", r7(p.given.lon)}, {"lat", r7(p.given.lat)}, {"crs", position_crs_name(p.crs)}}},
        {"wgs84", {{"lon", r7(p.wgs84.lon)}, {"lat", r7(p.wgs84.lat)}}}};
    if (p.radius_m) j["radius_m"] = *p.radius_m;
    if (p.geo_uri) j["geo_uri"] = true;
    return j;
}

void output_positions(nlohmann::json &j, const PositionArgs &args) {
    j["position_crs"] = "wgs84";
    if (args.output_crs.empty()) return;
    const PositionCrs to = output_crs(args);
    add_display(j, to);
    j["output_crs"] = position_crs_name(to);
}

} // namespace lugeo::cli
