// The JSON answers of the alarm questions, shared by the commands and `lugeo serve`.
#include "present.hpp"
#include "plate_common.hpp"

#include <lugeo/error.hpp>
#include <lugeo/json_contract.hpp>

#include <cmath>

namespace lugeo::cli {

namespace {

double round_to(double v, double step) {
    return std::round(v / step) * step;
}
double r1(double v) {
    return std::round(v * 10) / 10;
}
/// A rounded number; null when not finite (never, unreached).
nlohmann::json num(double v, double step = 0.1) {
    if (!std::isfinite(v)) return nullptr;
    return std::round(v / step) * step;
}
nlohmann::json lonlat_json(const MetricFrame &f, XY p) {
    const LonLat ll = f.to_lonlat(p);
    return {{"lon", std::round(ll.lon * 1e7) / 1e7}, {"lat", std::round(ll.lat * 1e7) / 1e7}};
}

} // namespace

// ---- locate ---------------------------------------------------------------------------------

nlohmann::json locate_json(const std::string &input, const LocateResult &r,
                           const Registry &registry, const std::string &crs,
                           const MetricFrame &frame, const JunctionIndex *junctions,
                           const std::optional<CallerPosition> &near, const PositionArgs &pos,
                           double reach_m) {
    const auto &plates = registry.plates();
    nlohmann::json j;
    j["input"] = input;
    j["normalized"] = r.normalized;
    j["match"] = match_kind_name(r.kind);
    if (r.kind == MatchKind::invalid) j["error"] = r.error;
    j["exact"] = r.exact ? nlohmann::json(plates[*r.exact].id) : nlohmann::json();
    j["far_from_caller"] = r.far_from_caller;
    if (near) {
        const LonLat ll = frame.to_lonlat(near->position);
        j["near"] = {{"lon", ll.lon}, {"lat", ll.lat}, {"radius_m", near->radius_m}};
    }
    nlohmann::json cands = nlohmann::json::array();
    for (const auto &c : r.candidates) {
        const Plate &p = plates[c.plate];
        nlohmann::json cj = plate_json(p, crs);
        cj["score"] = c.score;
        cj["confidence"] = round_to(c.confidence, 1e-4);
        cj["prior"] = c.prior;
        cj["edits"] = c.edits;
        cj["explanation"] = c.explanation;
        cj["distance_m"] =
            c.distance_m >= 0 ? nlohmann::json(round_to(c.distance_m, 0.1)) : nlohmann::json();
        if (junctions) {
            const auto jn = junctions->nearest(p.position, 500.0);
            cj["junction"] = junction_json(jn, frame);
            cj["cross_street"] = jn ? nlohmann::json(cross_streets(*jn, p.road)) : nlohmann::json();
        }
        if (c.partner) {
            cj["partner"] = plates[*c.partner].id;
            cj["partner_distance_m"] = round_to(c.partner_distance_m, 0.1);
            cj["partner_explanation"] = c.partner_explanation;
        }
        cands.push_back(std::move(cj));
    }
    j["candidates"] = std::move(cands);
    j["unexplained"] = round_to(r.unexplained, 1e-4);
    j["none_near"] = r.none_near;
    j["position_ignored"] = r.position_ignored;
    nlohmann::json nearby = nlohmann::json::array();
    for (const auto &n : r.nearby) {
        nlohmann::json pj = plate_json(plates[n.plate], crs);
        pj["distance_m"] = round_to(n.distance_m, 0.1);
        pj["bearing_deg"] = round_to(n.bearing_deg, 0.1);
        nearby.push_back(std::move(pj));
    }
    j["nearby"] = std::move(nearby);
    j["ask"] = r.ask.empty() ? nlohmann::json()
                             : nlohmann::json({{"question", r.ask}, {"detail", r.ask_detail}});
    j["cross_unknown"] = r.cross_unknown;
    // where to send the unit: the plate whose neighbourhood most likely holds the caller
    if (r.dispatch) {
        const Plate &p = plates[r.dispatch->plate];
        nlohmann::json dj = plate_json(p, crs);
        dj["confidence"] = round_to(r.dispatch_confidence, 1e-4);
        dj["reach_m"] = reach_m;
        dj["first"] = !r.candidates.empty() && r.candidates.front().plate == r.dispatch->plate;
        dj["distance_m"] = r.dispatch->distance_m >= 0
                               ? nlohmann::json(round_to(r.dispatch->distance_m, 0.1))
                               : nlohmann::json();
        j["dispatch"] = std::move(dj);
    } else {
        j["dispatch"] = nullptr;
    }
    output_positions(j, pos);
    return j;
}

// ---- nearest --------------------------------------------------------------------------------

nlohmann::json nearest_json(const ParsedPosition &at, const std::vector<NearbyPlate> &near,
                            const Registry &registry, const std::string &crs, bool has_plates,
                            const std::optional<Junction> &junction, const MetricFrame &frame,
                            const PositionArgs &pos) {
    nlohmann::json j;
    j["lon"] = at.wgs84.lon;
    j["lat"] = at.wgs84.lat;
    j["position"] = given_position_json(at);
    j["plate_layer"] = has_plates;
    if (!has_plates) {
        j["junction"] = junction_json(junction, frame);
        j["cross_streets"] =
            junction ? nlohmann::json(cross_streets(*junction, "")) : nlohmann::json();
    }
    j["plates"] = nlohmann::json::array();
    for (const auto &n : near) {
        nlohmann::json pj = plate_json(registry.plates()[n.plate], crs);
        pj["distance_m"] = std::round(n.distance_m * 10) / 10;
        pj["bearing_deg"] = std::round(n.bearing_deg * 10) / 10;
        pj["compass"] = compass(n.bearing_deg);
        j["plates"].push_back(std::move(pj));
    }
    output_positions(j, pos);
    return j;
}

// ---- incident -------------------------------------------------------------------------------

nlohmann::json incident_json(const IncidentQuestion &q, const IncidentResult &res,
                             const IncidentContext &ctx, const std::vector<Unit> &units,
                             Profile profile, const std::string &crs, const MetricFrame &frame,
                             const PositionArgs &pos) {
    nlohmann::json j;
    j["lon"] = q.lonlat.lon;
    j["lat"] = q.lonlat.lat;
    j["x"] = r1(q.point.x);
    j["y"] = r1(q.point.y);
    j["crs"] = crs;
    j["plate"] = q.plate ? plate_json(*q.plate, crs) : nlohmann::json();
    j["cameras_seeing"] = res.cameras_seeing;
    j["cameras"] = nlohmann::json::array();
    for (const auto &c : res.cameras) {
        const Camera &cam = ctx.cameras[c.camera];
        j["cameras"].push_back({{"id", cam.id},
                                {"type", cam.type},
                                {"distance_m", r1(c.distance_m)},
                                {"bearing_deg", r1(c.bearing_deg)},
                                {"sees", c.sees},
                                {"in_sector", c.in_sector},
                                {"heading_deg", cam.heading_deg},
                                {"hfov_deg", cam.hfov_deg},
                                {"range_m", cam.range_m}});
    }
    j["rings"] = nlohmann::json::array();
    for (const auto &ring : res.rings) {
        nlohmann::json ring_units = nlohmann::json::array();
        for (const auto &u : ring.units) {
            const Unit &un = units[u.unit];
            ring_units.push_back({{"id", un.id},
                                  {"kind", un.kind},
                                  {"name", un.name},
                                  {"distance_m", r1(u.distance_m)},
                                  {"bearing_deg", r1(u.bearing_deg)}});
        }
        j["rings"].push_back({{"radius_m", ring.radius_m}, {"units", ring_units}});
    }
    j["by_road"] = {
        {"profile", profile_name(profile)},
        {"direction", "inbound: time for each unit to drive to the incident"},
        {"snap_m", res.snap ? nlohmann::json(r1(res.snap->distance_m)) : nlohmann::json()},
        {"units", nlohmann::json::array()}};
    for (const auto &u : res.by_road) {
        const Unit &un = units[u.unit];
        j["by_road"]["units"].push_back({{"id", un.id},
                                         {"kind", un.kind},
                                         {"name", un.name},
                                         {"time_s", r1(u.time_s)},
                                         {"distance_m", r1(u.distance_m)},
                                         {"unit_snap_m", r1(u.unit_snap_m)}});
    }
    j["zone"] =
        res.zone
            ? nlohmann::json({{"id", ctx.zones[*res.zone].id}, {"name", ctx.zones[*res.zone].name}})
            : nlohmann::json();
    j["grid"] =
        res.grid
            ? nlohmann::json({{"id", ctx.grids[*res.grid].id}, {"name", ctx.grids[*res.grid].name}})
            : nlohmann::json();
    j["zones_layer"] = !ctx.zones.empty();
    j["grids_layer"] = !ctx.grids.empty();
    j["junction"] = junction_json(res.junction, frame);
    if (q.at) j["position"] = given_position_json(*q.at);
    output_positions(j, pos);
    return j;
}

// ---- seal -----------------------------------------------------------------------------------

SealSetup seal_setup(const SealSettings &settings, const UnitSettings &units, const SealRequest &o,
                     const std::string &suspect_option) {
    SealSetup s;
    SealSettings st = settings;
    if (!o.suspect.empty()) {
        if (!st.suspects.count(o.suspect)) {
            std::string known;
            for (const auto &[k, v] : st.suspects)
                known += (known.empty() ? "" : ", ") + k;
            throw Error(ErrorCode::invalid_argument,
                        suspect_option + " '" + o.suspect + "': not a suspect profile (" + known +
                            "; [seal.suspects] in the scene adds more)");
        }
        st.suspect = o.suspect;
    }
    s.suspect_name = st.suspect;
    s.options = seal_options(st);
    s.units = seal_unit_options(st, units);
    if (o.head_start_min) s.options.head_start_s = *o.head_start_min * 60.0;
    if (o.within_min) s.options.within_s = *o.within_min * 60.0;
    if (o.margin_s) s.options.margin_s = *o.margin_s;
    if (o.blocks_per_unit) s.options.blocks_per_unit = *o.blocks_per_unit;
    if (o.turnout_min) s.units.turnout_all_s = *o.turnout_min * 60.0;
    s.options.find_head_start = !o.no_head_start_search;
    s.units.limit_s = std::max(1800.0, s.options.within_s);
    return s;
}

nlohmann::json seal_json(const SealContext &ctx, const SealPlan &plan, const SealSetup &setup,
                         XY point, const std::string &plate_id, const std::string &crs,
                         const MetricFrame &frame, const std::string &outside, double context_s,
                         double plan_s) {
    const Network &net = ctx.network();
    const SealOptions &so = setup.options;
    nlohmann::json j;
    j["incident"] = lonlat_json(frame, point);
    j["incident"]["x"] = r1(point.x);
    j["incident"]["y"] = r1(point.y);
    j["incident"]["crs"] = crs;
    j["incident"]["plate"] = plate_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(plate_id);
    j["incident"]["snap_m"] = r1(plan.at.distance_m);
    j["suspect"] = {{"name", setup.suspect_name},
                    {"profile", profile_name(so.suspect.profile)},
                    {"speed_factor", so.suspect.speed_factor},
                    {"obey_oneway", so.suspect.obey_oneway},
                    {"head_start_s", so.head_start_s}};
    j["within_s"] = so.within_s;
    j["margin_s"] = so.margin_s;
    j["blocks_per_unit"] = so.blocks_per_unit;
    j["outside"] = outside;
    j["sealed"] = plan.sealed;
    j["ring_complete_s"] = plan.sealed ? num(plan.ring_complete_s) : nullptr;
    j["lower_bound"] = {{"ring_s", num(plan.lower_bound_ring_s)},
                        {"blocks", plan.lower_bound_blocks}};
    j["exact"] = plan.exact;
    j["minimal"] = plan.minimal;
    j["method"] = plan.method;
    j["blocks"] = nlohmann::json::array();
    for (std::size_t i = 0; i < plan.blocks.size(); ++i) {
        const SealBlock &b = plan.blocks[i];
        nlohmann::json bj = lonlat_json(frame, b.position);
        bj["unit"] = b.fixed ? nlohmann::json(nullptr) : nlohmann::json(ctx.units()[b.unit].id);
        bj["kind"] = b.fixed ? "checkpoint" : ctx.units()[b.unit].kind;
        bj["name"] = b.fixed ? "" : ctx.units()[b.unit].name;
        bj["fixed"] = b.fixed;
        bj["node"] = b.node;
        bj["x"] = r1(b.position.x);
        bj["y"] = r1(b.position.y);
        bj["arrival_s"] = num(b.arrival_s);
        bj["suspect_s"] = num(b.suspect_s);
        bj["margin_s"] = num(b.margin_s);
        bj["roads"] = roads_at(net, b.node);
        j["blocks"].push_back(bj);
    }
    const SealCertificate &c = plan.certificate;
    j["certificate"] = {{"holds", c.holds},
                        {"search", "time-dependent Dijkstra of the suspect, each block closing "
                                   "at its arrival"},
                        {"settled", c.settled},
                        {"min_margin_s", num(c.min_margin_s)},
                        {"blocks", nlohmann::json::array()},
                        {"escape", nullptr}};
    for (std::size_t i = 0; i < c.block_margin_s.size(); ++i)
        j["certificate"]["blocks"].push_back(
            {{"suspect_s", num(c.block_suspect_s[i])}, {"margin_s", num(c.block_margin_s[i])}});
    if (c.escape_node) {
        j["certificate"]["escape"] = lonlat_json(frame, net.node(*c.escape_node));
        j["certificate"]["escape"]["out_s"] = num(c.escape_s);
        j["certificate"]["escape"]["roads"] = roads_at(net, *c.escape_node);
    }
    j["enclosed"] = {{"nodes", plan.enclosed_nodes},
                     {"road_km", num(plan.enclosed_road_m / 1000.0, 0.001)}};
    j["reason"] = plan.sealed ? nlohmann::json(nullptr) : nlohmann::json(plan.reason);
    j["reason_code"] = plan.sealed ? nlohmann::json(nullptr) : nlohmann::json(plan.reason_code);
    j["open_routes"] = nlohmann::json::array();
    for (const auto &r : plan.open_routes) {
        nlohmann::json rj = lonlat_json(frame, net.node(r.open_node));
        rj["out_s"] = num(r.out_s);
        rj["open_at"] = roads_at(net, r.open_node);
        rj["why"] = r.why;
        rj["nodes"] = r.nodes.size();
        j["open_routes"].push_back(rj);
    }
    j["seal_head_start_s"] =
        plan.seal_head_start_s ? num(*plan.seal_head_start_s, 1) : nlohmann::json(nullptr);
    j["warnings"] = ctx.warnings();
    j["timings_s"] = {{"context", context_s}, {"plan", plan_s}};
    return j;
}

// ---- isochrone GeoJSON ----------------------------------------------------------------------

namespace {

nlohmann::json ring_coords(const Ring &ring, const MetricFrame &frame) {
    std::vector<XY> ll(ring.begin(), ring.end());
    frame.to_lonlat(ll);
    nlohmann::json a = nlohmann::json::array();
    for (const XY &p : ll)
        a.push_back({std::round(p.x * 1e7) / 1e7, std::round(p.y * 1e7) / 1e7});
    return a;
}

} // namespace

nlohmann::json isochrone_geojson(const IsochroneResult &r, const std::vector<XY> &sources,
                                 const MetricFrame &frame) {
    nlohmann::json features = nlohmann::json::array();
    for (const auto &u : r.unions) {
        nlohmann::json polys = nlohmann::json::array();
        for (const Polygon &p : u.polygon) {
            nlohmann::json rings = nlohmann::json::array();
            rings.push_back(ring_coords(p.outer, frame));
            for (const Ring &h : p.holes)
                rings.push_back(ring_coords(h, frame));
            polys.push_back(std::move(rings));
        }
        features.push_back(
            {{"type", "Feature"},
             {"properties",
              {{"minutes", u.minutes},
               {"profile", profile_name(u.profile)},
               {"area_m2", std::round(u.area_m2)},
               {"road_km", round_to(u.road_length_m / 1000.0, 1e-3)},
               {"key_sites", u.key_sites},
               {"cameras", u.cameras}}},
             {"geometry", {{"type", "MultiPolygon"}, {"coordinates", std::move(polys)}}}});
    }
    nlohmann::json src = nlohmann::json::array();
    for (std::size_t i = 0; i < sources.size() && i < r.sources.size(); ++i) {
        nlohmann::json s = lonlat_json(frame, sources[i]);
        s["snap_m"] = round_to(r.sources[i].distance_m, 0.01);
        src.push_back(std::move(s));
    }
    return {{"type", "FeatureCollection"}, {"features", std::move(features)}, {"sources", src}};
}

// ---- the envelope ---------------------------------------------------------------------------

nlohmann::json json_document(const std::string &command, nlohmann::json body) {
    return json_contract::document(command, std::move(body));
}

nlohmann::json json_error(const std::string &command, const std::string &code,
                          const std::string &message, const std::string &parameter) {
    nlohmann::json e = {{"code", code}, {"message", message}};
    e["parameter"] = parameter.empty() ? nlohmann::json(nullptr) : nlohmann::json(parameter);
    return json_contract::error_document(command, std::move(e));
}

} // namespace lugeo::cli
