// Road ways of an OSM file: libosmium (osm/osm_read.hpp) for a layer read as it is, GDAL's OSM
// driver (lines + area highways in multipolygons) for a layer with a `where` filter or another
// field map, which only GDAL's OGR SQL can evaluate.
#include "layers/osm_roads.hpp"
#include "osm/osm_read.hpp"

#include <lugeo/crs.hpp>
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

namespace {

/// The spec reads the whole highway layer with OSM's own tag names: libosmium can read it.
bool libosmium_can_read(const LayerSpec &spec, std::string &why_not) {
    if (is_virtual_source(spec.source)) {
        why_not = "a GDAL virtual path";
        return false;
    }
    if (!spec.where.empty()) {
        why_not = "a where filter";
        return false;
    }
    if (!spec.layer.empty() && spec.layer != "lines") {
        why_not = "layer '" + spec.layer + "'";
        return false;
    }
    if (!spec.crs.empty() && spec.crs != "EPSG:4326") {
        why_not = "crs '" + spec.crs + "'";
        return false;
    }
    for (const auto &[key, source] : spec.fields) {
        const bool same = source == key || (key == "class" && source == "highway");
        if (!same) {
            why_not = "field " + key + " = '" + source + "'";
            return false;
        }
    }
    return true;
}

Roads read_osm_roads_libosmium(LayerReading &reading, WayCounters &counts) {
    const LayerReadContext &ctx = reading.context();
    const LayerSpec &spec = reading.spec();
    osm::ReadWhat what;
    what.roads = true;
    osm::Extract x = [&] {
        try {
            return osm::read(spec.source, what, ctx.progress);
        } catch (const Error &e) {
            // name the layer and the scene key, as the GDAL readers do
            ErrorContext c = e.context();
            if (c.file.empty()) c.file = spec.source;
            if (c.layer.empty()) c.layer = "lines";
            throw Error(e.code(), c,
                        e.message() + (spec.origin.empty() ? "" : " (" + spec.origin + ")"));
        }
    }();

    FeatureTable t;
    t.layer_name = "lines";
    t.source_crs = "EPSG:4326";
    t.fields = {"class", "name",  "oneway", "maxspeed", "junction",
                "area",  "layer", "bridge", "tunnel"};
    t.source_fields = {"osm_id",   "highway", "name",  "oneway", "maxspeed",
                       "junction", "area",    "layer", "bridge", "tunnel"};
    t.field_present.assign(t.fields.size(), false);
    t.field_present[0] = true;
    std::string target = ctx.metric_crs;
    if (target.empty() && x.lonlat_box.valid()) {
        // the metric CRS for the area (CGCS2000 Gauss-Kruger in China, UTM elsewhere), said
        const MetricCrsChoice choice = choose_metric_crs(x.lonlat_box);
        target = choice.crs;
        t.warnings.push_back("metric CRS " + choice.crs + " (" + choice.name +
                             ") chosen for the data: " + choice.reason);
    }
    if (target.empty() || target == "UTM" || target == "utm")
        target = x.lonlat_box.valid() ? utm_crs_for({(x.lonlat_box.minx + x.lonlat_box.maxx) / 2,
                                                     (x.lonlat_box.miny + x.lonlat_box.maxy) / 2})
                                      : std::string("EPSG:4326");
    validate_crs(target, "target CRS");
    t.crs = target;
    Transformer tr("EPSG:4326", target);
    t.features.reserve(x.roads.size());
    for (auto &w : x.roads) {
        Feature f;
        f.fid = w.id;
        const osm::RoadTags &g = w.tags;
        const std::string *vals[] = {&g.highway, &g.name,  &g.oneway, &g.maxspeed, &g.junction,
                                     &g.area,    &g.layer, &g.bridge, &g.tunnel};
        f.values.reserve(t.fields.size());
        for (std::size_t i = 0; i < t.fields.size(); ++i) {
            if (vals[i]->empty()) {
                f.values.emplace_back(std::nullopt);
            } else {
                f.values.emplace_back(*vals[i]);
                t.field_present[i] = true;
            }
        }
        try {
            tr.forward(w.line);
        } catch (const Error &e) {
            ErrorContext c = ErrorContext::of_file(spec.source, "lines");
            c.feature = w.id;
            throw Error(ErrorCode::crs, c,
                        e.message() + " (an OSM way, into the scene's metric CRS " + target +
                            "): is [scene] crs right for this extract?");
        }
        if (w.is_area) {
            f.geometry.type = Geometry::Type::polygon;
            Polygon p;
            p.outer = std::move(w.line);
            f.geometry.polygons.push_back(std::move(p));
        } else {
            f.geometry = Geometry::of_line(std::move(w.line));
        }
        t.features.push_back(std::move(f));
    }
    x.roads.clear();
    if (x.road_ways_cut)
        t.warnings.push_back(std::to_string(x.road_ways_cut) +
                             " OSM ways reference nodes missing from the extract (cut at its "
                             "edge): kept with the nodes present");
    if (x.road_ways_dropped)
        t.warnings.push_back(std::to_string(x.road_ways_dropped) +
                             " OSM ways had fewer than 2 nodes in the extract: dropped");
    t = reading.adopt(spec, std::move(t));
    Roads roads;
    roads.crs = t.crs;
    roads.read.warnings = t.warnings;
    append_ways(t, roads.ways, counts);
    counts.features += x.other_lines;
    counts.no_class += x.other_lines;
    return roads;
}

} // namespace

Roads read_osm_roads(LayerReading &reading, WayCounters &counts) {
    const char *env = std::getenv("LUGEO_OSM_READER");
    const std::string forced = env ? env : "";
    std::string why_not;
    if (forced != "gdal" && libosmium_can_read(reading.spec(), why_not))
        return read_osm_roads_libosmium(reading, counts);
    if (forced != "gdal")
        reading.note("read through GDAL's OSM driver (libosmium reads a whole highway layer "
                     "only; this one has " +
                     why_not + ")");
    return read_osm_roads_gdal(reading, counts);
}

Roads read_osm_roads_gdal(LayerReading &reading, WayCounters &counts) {
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
