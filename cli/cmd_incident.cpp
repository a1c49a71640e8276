// lugeo incident PLATE_ID | LON,LAT
#include "plate_common.hpp"
#include "positions.hpp"
#include "present.hpp"

#include <lugeo/error.hpp>
#include <lugeo/limits.hpp>

#include <cmath>
#include <iostream>

namespace lugeo::cli {

namespace {

struct IncidentCliOptions {
    SceneArgs scene;
    std::string where;
    PositionArgs pos;
    std::string profile = "car";
    std::size_t cameras = 8;
    std::size_t road_units = 5;
    double limit_min = 30.0;
    bool json = false;
};

int run_incident(const IncidentCliOptions &o) {
    const auto profile = profile_from_name(o.profile);
    if (!profile)
        throw Error(ErrorCode::invalid_argument,
                    "--profile '" + o.profile + "': expected walk, ebike or car");
    std::optional<ParsedPosition> at;
    if (looks_like_position(o.where)) at = parse_position_arg(o.where, o.pos, "position", false);
    // a position needs no plate layer; a plate ID does
    PlateWorld w = load_plate_world(o.scene, true,
                                    {LayerRole::cameras, LayerRole::buildings, LayerRole::units,
                                     LayerRole::zones, LayerRole::grids},
                                    !at);
    XY point;
    LonLat lonlat;
    std::optional<std::size_t> plate;
    if (at) {
        require_in_scene(*at, scene_lonlat_extent(w.scene, w.data), o.pos, "position");
        lonlat = at->wgs84;
        point = w.frame.to_metric(lonlat);
    } else {
        const LocateResult r = w.registry.locate(o.where);
        if (r.kind == MatchKind::invalid)
            throw Error(ErrorCode::invalid_argument,
                        "'" + o.where + "' is neither a plate ID nor LON,LAT: " + r.error);
        if (!r.exact) {
            std::cerr << "lugeo: '" << o.where << "' is not a plate in the registry";
            if (!r.candidates.empty()) {
                std::cerr << "; did the caller mean:";
                for (const auto &c : r.candidates)
                    std::cerr << " " << c.id << " (" << c.explanation << ")";
            }
            std::cerr << "\n  resolve it first: lugeo locate '" << o.where << "'\n";
            return exit_findings;
        }
        plate = *r.exact;
        point = w.registry.plates()[*plate].position;
        lonlat = w.registry.plates()[*plate].lonlat;
    }
    const IncidentContext ctx = incident_context(w.data);
    IncidentOptions io;
    io.profile = *profile;
    io.cameras = o.cameras;
    io.road_units = o.road_units;
    io.limit_s = o.limit_min * 60.0;
    const IncidentResult res = describe_incident(ctx, point, io, w.network ? &*w.network : nullptr,
                                                 w.junctions ? &*w.junctions : nullptr);

    if (o.json) {
        IncidentQuestion q{point, lonlat, plate ? &w.registry.plates()[*plate] : nullptr,
                           at ? &*at : nullptr};
        print_json(incident_json(q, res, ctx, ctx.units, *profile, w.data.crs, w.frame, o.pos));
        return exit_ok;
    }
    const LonLat shown = output_position(lonlat, o.pos);
    std::cout << "Incident at " << fmt(shown.lon, 7) << ", " << fmt(shown.lat, 7) << " ("
              << (o.pos.output_crs.empty() ? std::string("WGS84") : o.pos.output_crs) << ")   "
              << fmt(point.x, 1) << ", " << fmt(point.y, 1) << " (" << w.data.crs << ")\n";
    if (plate) {
        const Plate &p = w.registry.plates()[*plate];
        std::cout << "  plate " << p.id << ": " << p.kind << ", " << p.road << ", status "
                  << plate_status_name(p.status) << "\n";
    }
    if (res.junction)
        std::cout << "  nearest junction " << fmt(res.junction->distance_m, 0) << " m "
                  << compass(res.junction->bearing_deg) << ": "
                  << cross_streets(*res.junction, plate ? w.registry.plates()[*plate].road : "")
                  << "\n";
    std::cout << "  patrol zone: "
              << (res.zone            ? ctx.zones[*res.zone].id + " " + ctx.zones[*res.zone].name
                  : ctx.zones.empty() ? std::string("(no zones layer in the scene)")
                                      : std::string("outside every zone"))
              << "\n  grid: "
              << (res.grid            ? ctx.grids[*res.grid].id + " " + ctx.grids[*res.grid].name
                  : ctx.grids.empty() ? std::string("(no grids layer in the scene)")
                                      : std::string("outside every grid"))
              << "\n";
    std::cout << "\nCameras (" << res.cameras_seeing << " see the point; within "
              << fmt(io.camera_radius_m, 0) << " m)\n";
    for (const auto &c : res.cameras) {
        const Camera &cam = ctx.cameras[c.camera];
        char line[256];
        std::snprintf(line, sizeof line, "  %-8s %-10s %5.0f m  from the camera %3.0f° %-3s  %s\n",
                      cam.id.c_str(), cam.type.c_str(), c.distance_m, c.bearing_deg,
                      compass(c.bearing_deg),
                      c.sees        ? "SEES the point"
                      : c.in_sector ? "in its sector but behind a building"
                                    : "does not face it");
        std::cout << line;
    }
    if (res.cameras.empty()) std::cout << "  none within " << fmt(io.camera_radius_m, 0) << " m\n";
    std::cout << "\nUnits in a straight line\n";
    for (const auto &ring : res.rings) {
        std::cout << "  within " << fmt(ring.radius_m, 0) << " m: ";
        if (ring.units.empty()) std::cout << "none";
        for (std::size_t k = 0; k < ring.units.size(); ++k) {
            const Unit &un = ctx.units[ring.units[k].unit];
            std::cout << (k ? "; " : "") << un.id << " " << un.name << " ("
                      << fmt(ring.units[k].distance_m, 0) << " m "
                      << compass(ring.units[k].bearing_deg) << ")";
        }
        std::cout << "\n";
    }
    std::cout << "\nNearest units by road (" << profile_name(*profile)
              << ", time for the unit to drive to the incident, one-way streets respected)\n";
    if (!res.snap)
        std::cout << "  the point is more than " << fmt(io.snap_max_m, 0)
                  << " m from a usable road\n";
    else if (res.by_road.empty())
        std::cout << "  no unit within " << fmt(o.limit_min, 0) << " min\n";
    for (const auto &u : res.by_road) {
        const Unit &un = ctx.units[u.unit];
        char line[256];
        std::snprintf(line, sizeof line, "  %-16s %-15s %5.1f min  (%4.0f m straight)  %s\n",
                      un.id.c_str(), un.kind.c_str(), u.time_s / 60.0, u.distance_m,
                      un.name.c_str());
        std::cout << line;
    }
    return exit_ok;
}

} // namespace

void register_incident(CLI::App &app) {
    auto o = std::make_shared<IncidentCliOptions>();
    auto *cmd = app.add_subcommand(
        "incident", "Cameras, units (straight line and by road), zone and grid around an incident");
    add_scene_options(*cmd, o->scene, false);
    add_strict_option(*cmd, o->scene);
    cmd->add_option("where", o->where,
                    "A plate ID (exact), LON,LAT (WGS84 unless --near-crs says otherwise) or a "
                    "geo: URI")
        ->required()
        ->option_text("PLATE_ID|LON,LAT");
    add_position_options(*cmd, o->pos);
    cmd->add_option("--profile", o->profile,
                    "Travel profile for units by road: car, ebike, walk (car)")
        ->check(one_of({"car", "ebike", "walk"}));
    cmd->add_option("--cameras", o->cameras,
                    "Cameras listed at least (8; all that see the point are listed)")
        ->check(count_in(0, 100000));
    cmd->add_option("--units", o->road_units, "Units by road listed (5)")->check(count_in(0, 1000));
    cmd->add_option("--limit", o->limit_min, "Search limit for units by road, minutes (30)")
        ->check(real_in(0, limits::max_minutes, Bound::open, Bound::closed, "minutes"));
    cmd->add_flag("--json", o->json, "Machine-readable output");
    set_examples(
        *cmd,
        "  lugeo incident L104-0001\n"
        "  lugeo incident 104.0665,30.6598 --json\n"
        "  lugeo incident 104.0690,30.6540 --near-crs gcj02   # a WeChat location share\n"
        "  lugeo incident G101-0001 --profile ebike\n"
        "Exit codes: 0 ok, 1 the ID is not an exact plate (candidates on stderr), 3 bad input.\n");
    cmd->callback([o, cmd] { run_command(cmd, [&] { return run_incident(*o); }); });
}

} // namespace lugeo::cli
