// Example: load a scene and summarise its road network with the installed lugeo library.
//   network_summary [scene.toml]
#include <lugeo/error.hpp>
#include <lugeo/network.hpp>
#include <lugeo/scene.hpp>
#include <lugeo/version.hpp>

#include <cstdio>

int main(int argc, char **argv) {
    try {
        const lugeo::Scene scene =
            lugeo::load_scene(argc > 1 ? argv[1] : lugeo::default_scene_path());
        // the layers module reads the scene's roads; the network is built from them
        const lugeo::SceneData data = lugeo::read_scene_data(scene, {lugeo::LayerRole::roads});
        const lugeo::Network net = lugeo::build_network(data.roads, data.settings.network);
        const lugeo::NetworkSummary s = lugeo::summarize(net);
        std::printf("lugeo %s\nscene: %s\nnodes: %zu\nedges: %zu\nkm: %.1f\n", lugeo::version(),
                    scene.name.c_str(), s.nodes, s.edges, s.total_km);
        // Snap the centre of the network to the nearest drivable edge.
        const lugeo::XY centre = net.node(static_cast<std::uint32_t>(net.node_count() / 2));
        if (auto snap = net.snap(centre))
            std::printf("snapped to edge %u (%s)\n", snap->edge, net.name_of(snap->edge).c_str());
        return 0;
    } catch (const lugeo::Error &e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
