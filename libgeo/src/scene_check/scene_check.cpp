// scene check: every layer through read_scene_data, one role at a time (scene_check.hpp).
#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/scene_check.hpp>

#include <algorithm>

namespace lugeo {

bool SceneCheck::ok() const {
    return std::all_of(layers.begin(), layers.end(),
                       [](const LayerCheck &l) { return !l.declared || l.usable; });
}

const LayerCheck &SceneCheck::layer(LayerRole role) const {
    for (const auto &l : layers)
        if (l.role == role) return l;
    throw Error(ErrorCode::internal, "scene check: no role");
}

SceneCheck check_scene(const Scene &scene, const SceneReadOptions &options) {
    SceneCheck c;
    c.scene_path = scene.path;
    c.crs = scene.crs;
    std::optional<LayerReport> roads_report;
    std::vector<XY> car_nodes;            ///< the largest car component's nodes (for seal)
    std::optional<std::size_t> nodes_out; ///< of them, outside the study boundary
    Scene sc = scene;
    for (LayerRole role : all_layer_roles()) {
        LayerCheck l;
        l.role = role;
        l.declared = scene.has_layer(role);
        if (!l.declared) {
            c.layers.push_back(std::move(l));
            continue;
        }
        if (role != LayerRole::roads && !roads_report && !scene.has_layer(LayerRole::roads) &&
            sc.crs.empty()) {
            l.error = "not read: the scene has neither a metric CRS nor roads";
            c.layers.push_back(std::move(l));
            continue;
        }
        try {
            SceneReadOptions ro = options;
            SceneData d = read_scene_data(sc, {role}, ro);
            if (const LayerReport *r = d.report(role)) l.report = *r;
            if (role == LayerRole::roads) {
                roads_report = l.report;
                if (sc.crs.empty()) sc.crs = d.crs;
                c.crs = d.crs;
                const Network net = build_network(std::move(d.roads), d.settings.network);
                c.network = summarize(net);
                c.network_build = net.report();
                const std::uint32_t comp = net.largest_component(Profile::car);
                for (std::uint32_t v = 0; v < net.node_count(); ++v)
                    if (net.node_components(Profile::car)[v] == comp)
                        car_nodes.push_back(net.node(v));
                for (std::uint32_t e = 0; e < net.edge_count(); ++e)
                    if (net.is_usable(Profile::car, e) &&
                        net.edge_component(Profile::car, e) == comp)
                        c.car_km_largest += net.edge(e).length_m / 1000.0;
                try {
                    const ScaleCheck s =
                        check_metric_crs(d.crs, lonlat_extent(l.report.extent, d.crs));
                    if (s.verdict != ScaleVerdict::ok) c.crs_note = s.message;
                } catch (const Error &e) {
                    c.crs_note = e.message();
                }
            } else if (roads_report) {
                check_overlaps_roads(l.report, *roads_report, sc.crs);
            }
            if (role == LayerRole::boundary && roads_report) {
                std::size_t out = 0;
                for (const XY &p : car_nodes)
                    out += contains(d.boundary, p) ? 0 : 1;
                nodes_out = out;
            }
            if (role == LayerRole::units)
                l.kept_of_kind = units_of_kind(d.units, scene.settings.zones.kiosk_kind).size();
            l.usable = true;
        } catch (const Error &e) {
            l.error = e.what();
        }
        c.layers.push_back(std::move(l));
    }

    // ---- which commands can run ----
    auto has = [&](LayerRole r) {
        const LayerCheck &l = c.layer(r);
        return l.declared && l.usable && l.report.kept > 0;
    };
    const bool roads = has(LayerRole::roads) && c.car_km_largest > 0;
    const bool plates = has(LayerRole::poles) || has(LayerRole::lamps);
    auto add = [&](const std::string &cmd, bool ok, const std::string &why) {
        c.commands.push_back({cmd, ok, why});
    };
    const std::string no_roads = "no usable roads layer — declare [layers.roads]";
    add("network info / export", roads, roads ? "roads" : no_roads);
    if (!roads) {
        for (const char *cmd :
             {"isochrones", "zones", "coverage", "coverage plan", "nearest", "incident LON,LAT",
              "incident PLATE_ID", "seal LON,LAT", "site", "report"})
            add(cmd, false, no_roads);
    } else {
        const std::size_t units = c.layer(LayerRole::units).report.kept;
        const std::size_t kiosks = c.layer(LayerRole::units).kept_of_kind;
        add("isochrones", true,
            has(LayerRole::units) ? "from the " + std::to_string(units) + " units (or --from)"
                                  : "only with --from LON,LAT or another layer — no units layer");
        const std::string kind = scene.settings.zones.kiosk_kind;
        add("zones", kiosks > 0 || has(LayerRole::units),
            kiosks > 0 ? std::to_string(kiosks) + " units of kind '" + kind + "'"
            : has(LayerRole::units)
                ? "no unit of kind '" + kind + "' — set [zones] kiosk_kind or give --kiosks"
                : "no units — add a units layer or give --kiosks FILE");
        if (kiosks == 0 && has(LayerRole::units)) c.commands.back().can_run = false;
        add("coverage", has(LayerRole::cameras),
            has(LayerRole::cameras)
                ? std::to_string(c.layer(LayerRole::cameras).report.kept) + " cameras" +
                      (has(LayerRole::buildings) ? ", buildings occlude"
                                                 : ", no buildings: nothing occludes")
                : "no cameras — add a cameras layer (or --osm-cameras FILE)");
        add("coverage plan", true,
            plates ? "candidate mounts on the plates (poles, lamps)"
                   : "candidate mounts on points along the roads every 100 m (no plates; "
                     "or a point layer as mounts)");
        add("nearest", true,
            plates ? "plates" : "the nearest junction and its streets (no plates)");
        add("locate / poles check", plates,
            plates ? "plates" : "no plates — add a poles or lamps layer with IDs of the scheme");
        // seal rings the incident against "outside": the nodes outside the study boundary
        const bool ring = nodes_out && *nodes_out > 0;
        add("seal LON,LAT", has(LayerRole::units) && ring,
            !has(LayerRole::units) ? "no units — add a units layer"
            : ring ? "roads, units and the study boundary (" + std::to_string(*nodes_out) +
                         " road junctions outside it: the ways out)"
            : nodes_out
                ? "every road junction lies inside the study boundary: nothing to seal off "
                  "from — declare the jurisdiction's boundary (roads must cross it) or give "
                  "--exits LAYER"
                : "no study boundary — declare [layers.boundary] or give --exits LAYER");
        add("site", has(LayerRole::units),
            has(LayerRole::units) ? "roads and units" : "no units — add a units layer");
        add("incident LON,LAT", true, "roads; cameras, units, zones, grids as declared");
        add("incident PLATE_ID", plates,
            plates ? "the plate registry (poles, lamps)"
                   : "no plates — a plate ID needs a poles or lamps layer");
        add("report", true, "roads and whatever else is declared");
    }
    return c;
}

} // namespace lugeo
