// Example: resolve a plate ID (as typed or heard) with the installed lugeo library, then
// describe the incident's surroundings — what a command platform does for a 110 call.
//   resolve_plate [ID] [scene.toml]        (defaults: "路灯幺洞四 洞洞洞拐" and the demo scene)
#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/incident.hpp>
#include <lugeo/registry.hpp>
#include <lugeo/scene.hpp>

#include <cstdio>
#include <string>

int main(int argc, char **argv) {
    const std::string heard = argc > 1 ? argv[1] : "路灯幺洞四 洞洞洞拐"; // L104-0007, radio digits
    try {
        const lugeo::Scene scene =
            lugeo::load_scene(argc > 2 ? argv[2] : lugeo::default_scene_path());
        // Read the scene's layers once (the layers module validates them); a Registry is
        // immutable and answers from many threads at once.
        lugeo::SceneData data = lugeo::read_scene_data(scene);
        const lugeo::Registry registry(std::move(data.plates.plates));
        std::printf("registry: %zu plates\n", registry.size());

        const lugeo::LocateResult r = registry.locate(heard);
        std::printf("heard: %s -> %s (%s)\n", heard.c_str(), r.normalized.c_str(),
                    lugeo::match_kind_name(r.kind));
        if (r.kind == lugeo::MatchKind::invalid) {
            std::fprintf(stderr, "not a plate ID: %s\n", r.error.c_str());
            return 3;
        }
        for (const auto &c : r.candidates) {
            const lugeo::Plate &p = registry.plates()[c.plate];
            std::printf("  %s  %.1f%%  %s  %.7f, %.7f  %s  [%s]\n", c.id.c_str(),
                        100.0 * c.confidence, p.kind.c_str(), p.lonlat.lon, p.lonlat.lat,
                        p.road.c_str(), c.explanation.c_str());
        }
        if (r.candidates.empty()) return 1;

        // The incident's surroundings at the best candidate.
        const lugeo::Network net = lugeo::build_network(data.roads, data.settings.network);
        const lugeo::IncidentContext ctx = lugeo::incident_context(data);
        const lugeo::JunctionIndex junctions(net);
        const lugeo::Plate &best = registry.plates()[r.candidates.front().plate];
        const lugeo::IncidentResult inc =
            lugeo::describe_incident(ctx, best.position, {}, &net, &junctions);
        std::printf("cameras seeing the plate: %zu\n", inc.cameras_seeing);
        for (const auto &ring : inc.rings)
            std::printf("units within %.0f m: %zu\n", ring.radius_m, ring.units.size());
        if (!inc.by_road.empty())
            std::printf("fastest unit by road: %s (%.1f min)\n",
                        ctx.units[inc.by_road.front().unit].id.c_str(),
                        inc.by_road.front().time_s / 60.0);
        return 0;
    } catch (const lugeo::Error &e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 3;
    }
}
