// What coverage reads besides the network, assembled from the scene's layers.
#include <lugeo/coverage.hpp>

#include <cmath>

namespace lugeo {

Occluders occluders_of(const Buildings &buildings) {
    return Occluders(buildings.footprints, buildings.ids);
}

CoverageInput coverage_input(const SceneData &data) {
    CoverageInput in;
    in.cameras = data.cameras;
    if (const LayerReport *r = data.report(LayerRole::cameras)) in.warnings = r->notes;
    in.occluders = occluders_of(data.buildings);
    for (const auto &p : data.plates.plates) // rows kept only for the registry checks: not here
        if (std::isfinite(p.position.x) && std::isfinite(p.position.y)) in.plates.push_back(p);
    in.key_sites = data.key_sites;
    in.zones = data.zones;
    for (const auto &i : data.incidents)
        in.incidents.push_back(i.position);
    in.boundary = data.boundary;
    return in;
}

} // namespace lugeo
