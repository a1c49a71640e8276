// Road ways of an OSM file through GDAL's OSM driver (lines + area highways).
#include "layers/osm_roads.hpp"

#include <lugeo/error.hpp>

#include <cstdlib>

namespace lugeo::detail {

namespace {

bool ends_with(const std::string &s, const std::string &tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// OSM layer=* ("1", "-2", " 1 "): the whole number, or none.
std::optional<int> layer_number(const std::string &v) {
    if (v.empty()) return std::nullopt;
    char *end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (end == v.c_str() || *end != '\0' || n < -20 || n > 20) return std::nullopt;
    return static_cast<int>(n);
}

bool is_set(const std::string &v) {
    return !v.empty() && v != "no" && v != "false" && v != "0";
}

} // namespace

bool is_osm_source(const std::string &source) {
    const std::string s = lower_ascii(source);
    for (const char *ext : {".osm", ".osm.pbf", ".pbf", ".osm.gz", ".osm.bz2", ".osm.xml"})
        if (ends_with(s, ext)) return true;
    return false;
}

void append_ways(const FeatureTable &t, std::vector<RoadInput> &ways, WayCounters &counts) {
    const std::size_t ic = t.field_index("class"), iname = t.field_index("name"),
                      iow = t.field_index("oneway"), ims = t.field_index("maxspeed"),
                      ij = t.field_index("junction"), ilayer = t.field_index("layer"),
                      ibridge = t.field_index("bridge"), itunnel = t.field_index("tunnel");
    counts.features += t.features.size() + t.skipped_empty;
    counts.degenerate += t.skipped_empty;
    for (const auto &f : t.features) {
        auto val = [&](std::size_t i) { return LayerReading::text(f, i); };
        RoadInput proto;
        proto.road_class = val(ic);
        proto.name = val(iname);
        proto.oneway = val(iow);
        proto.maxspeed = val(ims);
        proto.junction = val(ij);
        proto.fid = f.fid;
        const std::string layer = val(ilayer);
        if (const auto n = layer_number(layer)) {
            proto.level = *n;
        } else {
            if (!layer.empty()) ++counts.bad_layer;
            const std::string tunnel = lower_ascii(val(itunnel));
            if (is_set(lower_ascii(val(ibridge))))
                proto.level = 1;
            else if (is_set(tunnel) && tunnel != "building_passage")
                proto.level = -1;
        }
        if (f.geometry.type == Geometry::Type::line) {
            for (const auto &l : f.geometry.lines) {
                RoadInput r = proto;
                r.line = l;
                ways.push_back(std::move(r));
            }
        } else if (f.geometry.type == Geometry::Type::polygon) {
            // an area highway: route along its outline (the outer ring, closed)
            ++counts.areas;
            for (const auto &p : f.geometry.polygons) {
                RoadInput r = proto;
                r.line = p.outer;
                ways.push_back(std::move(r));
            }
        } else {
            ++counts.degenerate;
        }
    }
}

ReadOptions road_read_options() {
    ReadOptions ro;
    ro.required_fields = {"class"};
    ro.optional_fields = {"name", "oneway", "maxspeed", "junction",
                          "area", "layer",  "bridge",   "tunnel"};
    return ro;
}

Roads read_osm_roads(LayerReading &reading, WayCounters &counts) {
    const LayerReadContext &ctx = reading.context();
    LayerSpec lines = reading.spec();
    if (!lines.fields.count("class")) lines.fields["class"] = "highway";
    ReadOptions ro = road_read_options();
    ro.progress = ctx.progress;
    const FeatureTable t =
        reading.read_spec(lines, ctx.metric_crs.empty() ? "auto" : ctx.metric_crs, ro);
    Roads roads;
    roads.crs = t.crs;
    roads.read.warnings = t.warnings;
    append_ways(t, roads.ways, counts);
    if (!lines.layer.empty() && lines.layer != "lines") return roads;

    // Closed highway ways tagged area=yes are polygons for GDAL's OSM driver.
    LayerSpec areas = lines;
    areas.layer = "multipolygons";
    const std::string has_class = "other_tags LIKE '%\"" + lines.fields["class"] + "\"=>%'";
    areas.where = lines.where.empty() ? has_class : "(" + lines.where + ") AND " + has_class;
    try {
        const FeatureTable a = reading.read_spec(areas, roads.crs, road_read_options());
        append_ways(a, roads.ways, counts);
    } catch (const Error &e) {
        if (e.code() != ErrorCode::invalid_config) throw;
        reading.note("area highways (OSM multipolygons) not read: the where filter does not "
                     "apply to that layer (" +
                     e.message() + ")");
    }
    return roads;
}

} // namespace lugeo::detail
