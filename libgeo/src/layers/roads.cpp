// The roads layer: ways for the network builder, from OSM or any GDAL line layer.
#include "layers/osm_roads.hpp"
#include "layers/reading.hpp"

#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>

#include <chrono>
#include <optional>

namespace lugeo {

namespace {

/// Any GDAL line layer. Without a `class` mapping: OSM's "highway", a field called "class",
/// or Geofabrik's "fclass", the first the layer has.
Roads read_generic_roads(detail::LayerReading &reading, detail::WayCounters &counts) {
    const LayerReadContext &ctx = reading.context();
    const std::string target = ctx.metric_crs.empty() ? "auto" : ctx.metric_crs;
    ReadOptions ro = detail::road_read_options();
    ro.progress = ctx.progress;
    FeatureTable t;
    if (reading.spec().fields.count("class")) {
        t = reading.read_spec(reading.spec(), target, ro);
    } else {
        std::optional<Error> first;
        for (const char *guess : {"highway", "class", "fclass"}) {
            LayerSpec spec = reading.spec();
            spec.fields["class"] = guess;
            try {
                t = reading.read_spec(spec, target, ro);
                first.reset();
                break;
            } catch (const Error &e) {
                if (e.code() != ErrorCode::missing_field) throw;
                if (!first) first = e;
            }
        }
        if (first) {
            ErrorContext c = first->context();
            c.field.clear();
            c.parameter = "layers." + reading.spec().role + ".fields.class";
            throw Error(ErrorCode::missing_field, c,
                        "no road class field: no 'highway', 'class' or 'fclass' field; map the "
                        "road class field with [layers." +
                            reading.spec().role + ".fields] class = \"…\" (" + first->message() +
                            ")");
        }
    }
    Roads roads;
    roads.crs = t.crs;
    roads.read.warnings = t.warnings;
    detail::append_ways(t, roads.ways, counts);
    return roads;
}

std::size_t count_in_warnings(const std::vector<std::string> &warnings, const std::string &key) {
    std::size_t n = 0;
    for (const auto &w : warnings)
        if (w.find(key) != std::string::npos) n += std::stoul(w);
    return n;
}

} // namespace

Roads read_roads(const LayerSpec &spec, const LayerReadContext &ctx, LayerReport *report) {
    const auto t0 = std::chrono::steady_clock::now();
    detail::LayerReading reading(spec, LayerRole::roads, ctx, report);
    detail::WayCounters counts;
    Roads roads = detail::is_osm_source(spec.source) ? detail::read_osm_roads(reading, counts)
                                                     : read_generic_roads(reading, counts);
    NetworkBuildReport &r = roads.read;
    r.features_read = counts.features;
    r.features_degenerate = counts.degenerate;
    r.features_area = counts.areas;
    r.features_no_class = counts.no_class; // the network builder adds the ways without one
    r.ways_missing_nodes = count_in_warnings(r.warnings, "cut at its edge");
    reading.note(counts.areas, "area highways (squares, service areas) routed along their outline");
    reading.note(counts.bad_layer, "layer values that are not whole numbers ignored");
    Box extent;
    for (const auto &w : roads.ways)
        for (XY p : w.line)
            extent.extend(p);
    reading.finish(roads.ways.size(), extent, "is a line or a polygon");
    r.read_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return roads;
}

Network build_network(const Roads &roads, const NetworkOptions &options) {
    return build_network(roads.ways, roads.crs, options, roads.read);
}

Network build_network(Roads &&roads, const NetworkOptions &options) {
    return build_network(std::move(roads.ways), roads.crs, options, std::move(roads.read));
}

} // namespace lugeo
