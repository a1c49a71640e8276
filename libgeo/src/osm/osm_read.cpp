// OSM files through libosmium (osm_read.hpp).
#include "osm/osm_read.hpp"

#include <lugeo/error.hpp>

#include <osmium/area/assembler.hpp>
#include <osmium/area/multipolygon_manager.hpp>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/relations/relations_manager.hpp>
#include <osmium/tags/tags_filter.hpp>
#include <osmium/visitor.hpp>

#include <chrono>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#if defined(__GLIBC__)
#include <malloc.h> // malloc_trim
#endif

namespace lugeo::osm {

namespace {

using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
using LocationHandler = osmium::handler::NodeLocationsForWays<Index>;

std::string get(const osmium::TagList &tags, const char *key) {
    const char *v = tags.get_value_by_key(key);
    return v ? std::string(v) : std::string();
}

bool is(const osmium::TagList &tags, const char *key, const char *value) {
    const char *v = tags.get_value_by_key(key);
    return v && std::strcmp(v, value) == 0;
}

std::vector<std::pair<std::string, std::string>> all_tags(const osmium::TagList &tags) {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(tags.size());
    for (const auto &t : tags)
        out.emplace_back(t.key(), t.value());
    return out;
}

RoadTags road_tags(const osmium::TagList &t) {
    RoadTags r;
    r.highway = get(t, "highway");
    r.name = get(t, "name");
    r.oneway = get(t, "oneway");
    r.maxspeed = get(t, "maxspeed");
    r.junction = get(t, "junction");
    r.area = get(t, "area");
    r.layer = get(t, "layer");
    r.bridge = get(t, "bridge");
    r.tunnel = get(t, "tunnel");
    return r;
}

/// Highway values that are not roads one can travel on (GDAL keeps them as lines too; the
/// network builder drops classes it does not know, so they are kept here alike).
bool is_point_kind(const osmium::TagList &t) {
    return is(t, "highway", "street_lamp") || is(t, "power", "pole") ||
           is(t, "man_made", "surveillance") || is(t, "amenity", "police");
}

/// A way GDAL's OSM driver puts in its `lines` layer: open, or closed without area=yes and
/// without a key of its default closed_ways_are_polygons list.
bool is_gdal_line(const osmium::Way &w) {
    if (!w.is_closed()) return true;
    const osmium::TagList &t = w.tags();
    if (is(t, "area", "yes")) return false;
    for (const char *k : {"aeroway", "amenity", "boundary", "building", "craft", "geological",
                          "historic", "landuse", "leisure", "military", "natural", "office",
                          "place", "shop", "sport", "tourism"})
        if (t.has_key(k)) return false;
    return true;
}

template <typename NodeRefs> Ring ring_of(const NodeRefs &refs) {
    Ring r;
    r.reserve(refs.size());
    for (const auto &n : refs)
        if (n.location().valid()) r.push_back({n.location().lon(), n.location().lat()});
    return r;
}

Polygon polygon_of_way(const osmium::Way &w) {
    Polygon p;
    p.outer = ring_of(w.nodes());
    return p;
}

class Collector : public osmium::handler::Handler {
public:
    Collector(const ReadWhat &what, Extract &x, const osmium::io::Reader *reader,
              const ProgressFn &progress)
        : m_what(what), m_x(x), m_reader(reader), m_progress(progress) {}

    void node(const osmium::Node &n) {
        if (!m_what.features || n.tags().empty() || !n.location().valid()) return;
        classify('n', n.id(), n.tags(),
                 Geometry::of_point({n.location().lon(), n.location().lat()}));
    }

    void way(const osmium::Way &w) {
        if ((++m_ways & 0x3fff) == 0) report_progress();
        const osmium::TagList &t = w.tags();
        if (m_what.roads && t.has_key("highway") && !is(t, "highway", "street_lamp"))
            road(w);
        else if (m_what.roads && !t.empty() && is_gdal_line(w))
            ++m_x.other_lines;
        // closed ways of the point kinds (a police station drawn as its building): their centre
        if (m_what.features && w.is_closed() && w.nodes().size() >= 4 &&
            (is_point_kind(t) || t.has_key("amenity") || t.has_key("railway") ||
             t.has_key("public_transport") || t.has_key("shop") || t.has_key("man_made") ||
             t.has_key("landuse"))) {
            Polygon p = polygon_of_way(w);
            if (p.outer.size() >= 4) {
                Geometry g;
                g.type = Geometry::Type::polygon;
                g.polygons.push_back(std::move(p));
                classify('w', w.id(), t, std::move(g));
            }
        }
    }

    /// Areas the multipolygon manager assembled: relations, and closed ways of its filter.
    void area(const osmium::Area &a) {
        const osmium::TagList &t = a.tags();
        const bool from_way = a.from_way();
        const std::int64_t id = a.orig_id();
        Geometry g;
        g.type = Geometry::Type::polygon;
        for (const auto &outer : a.outer_rings()) {
            Polygon p;
            p.outer = ring_of(outer);
            for (const auto &inner : a.inner_rings(outer))
                p.holes.push_back(ring_of(inner));
            if (p.outer.size() >= 4) g.polygons.push_back(std::move(p));
        }
        if (g.polygons.empty()) return;
        if (m_what.roads && !from_way && t.has_key("highway")) {
            // a highway multipolygon (a square mapped as a relation): route along its rings
            for (const auto &p : g.polygons) {
                RoadWay r;
                r.id = id;
                r.from_relation = true;
                r.is_area = true;
                r.tags = road_tags(t);
                r.line = p.outer;
                extend(r.line);
                m_x.roads.push_back(std::move(r));
            }
        }
        if (m_what.buildings && t.has_key("building") && !is(t, "building", "no"))
            m_x.buildings.push_back(feature(from_way ? 'w' : 'r', id, t, g));
        if (m_what.boundaries && is(t, "boundary", "administrative") && t.has_key("admin_level"))
            m_x.boundaries.push_back(feature(from_way ? 'w' : 'r', id, t, g));
        if (m_what.features && !from_way) classify('r', id, t, std::move(g));
    }

    void report_progress() {
        if (!m_progress || !m_reader) return;
        const std::size_t size = m_reader->file_size();
        if (size == 0) return;
        const double f = static_cast<double>(m_reader->offset()) / static_cast<double>(size);
        m_progress(std::min(0.99, f), "reading OSM");
    }

private:
    void extend(const LineString &l) {
        for (XY p : l)
            m_x.lonlat_box.extend(p);
    }

    void road(const osmium::Way &w) {
        RoadWay r;
        r.id = w.id();
        r.tags = road_tags(w.tags());
        r.line.reserve(w.nodes().size());
        bool cut = false;
        for (const auto &n : w.nodes()) {
            if (!n.location().valid()) {
                cut = true;
                continue;
            }
            const XY p{n.location().lon(), n.location().lat()};
            if (!r.line.empty() && r.line.back().x == p.x && r.line.back().y == p.y) continue;
            r.line.push_back(p);
        }
        if (r.line.size() < 2) {
            if (cut) ++m_x.road_ways_dropped;
            return;
        }
        if (cut) ++m_x.road_ways_cut;
        r.is_area = w.is_closed() && r.tags.area == "yes";
        extend(r.line);
        m_x.roads.push_back(std::move(r));
    }

    static Feature feature(char type, std::int64_t id, const osmium::TagList &t, Geometry g) {
        Feature f;
        f.type = type;
        f.id = id;
        f.geometry = std::move(g);
        f.tags = all_tags(t);
        return f;
    }

    void classify(char type, std::int64_t id, const osmium::TagList &t, Geometry g) {
        if (is(t, "highway", "street_lamp")) m_x.lamps.push_back(feature(type, id, t, g));
        if (is(t, "power", "pole")) m_x.poles.push_back(feature(type, id, t, g));
        if (is(t, "man_made", "surveillance")) m_x.cameras.push_back(feature(type, id, t, g));
        if (is(t, "amenity", "police")) m_x.police.push_back(feature(type, id, t, g));
        Feature f = feature(type, id, t, std::move(g));
        if (!key_site_kind(f).empty()) m_x.key_sites.push_back(std::move(f));
    }

    const ReadWhat &m_what;
    Extract &m_x;
    const osmium::io::Reader *m_reader;
    const ProgressFn &m_progress;
    std::size_t m_ways = 0;
};

} // namespace

std::string Feature::tag(const std::string &key) const {
    for (const auto &[k, v] : tags)
        if (k == key) return v;
    return {};
}

std::string Feature::osm_id() const {
    return std::string(1, type) + std::to_string(id);
}

std::string key_site_kind(const Feature &f) {
    const std::string amenity = f.tag("amenity");
    if (amenity == "school" || amenity == "kindergarten" || amenity == "college" ||
        amenity == "university")
        return "school";
    if (amenity == "hospital" || amenity == "clinic") return "hospital";
    if (amenity == "bank") return "bank";
    if (amenity == "police") return "police";
    if (amenity == "fuel") return "fuel";
    if (amenity == "bus_station" || f.tag("railway") == "station" ||
        f.tag("public_transport") == "station")
        return "station";
    const std::string shop = f.tag("shop"), man_made = f.tag("man_made");
    if (shop == "gas" || shop == "fireworks" || shop == "weapons" || shop == "chemist" ||
        man_made == "storage_tank" || !f.tag("hazard").empty() || f.tag("landuse") == "depot")
        return "hazardous";
    return {};
}

std::optional<double> parse_direction(const std::string &value) {
    std::string s;
    for (char c : value)
        if (!std::isspace(static_cast<unsigned char>(c)))
            s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (s.empty()) return std::nullopt;
    static const char *points[] = {"N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
                                   "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"};
    for (int i = 0; i < 16; ++i)
        if (s == points[i]) return 22.5 * i;
    char *end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || !std::isfinite(d)) return std::nullopt;
    return std::fmod(std::fmod(d, 360.0) + 360.0, 360.0);
}

namespace {

/// Whether the file is read once, into memory (ReadWhat::read_once_max_bytes).
bool read_once(const osmium::io::File &file, const std::string &path, std::uintmax_t most) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (file.compression() != osmium::io::file_compression::none) most /= 8;
    return !ec && file.format() != osmium::io::file_format::pbf && size <= most;
}

} // namespace

Extract read(const std::string &path, const ReadWhat &what, const ProgressFn &progress) {
    const auto t0 = std::chrono::steady_clock::now();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(ErrorCode::io, ErrorContext::of_file(path), "no such OSM file");
    Extract x;
    try {
        const osmium::io::File file{path};
        osmium::TagsFilter filter{false};
        if (what.roads) filter.add_rule(true, osmium::TagMatcher{"highway"});
        if (what.buildings) filter.add_rule(true, osmium::TagMatcher{"building"});
        if (what.boundaries)
            filter.add_rule(true, osmium::TagMatcher{"boundary", "administrative"});
        if (what.features) {
            for (const char *k : {"amenity", "railway", "public_transport", "shop", "man_made"})
                filter.add_rule(true, osmium::TagMatcher{k});
        }
        osmium::area::Assembler::config_type config;
        osmium::area::MultipolygonManager<osmium::area::Assembler> areas{config, filter};
        Index index;
        LocationHandler locations{index};
        locations.ignore_errors();
        constexpr auto entities = osmium::osm_entity_bits::node | osmium::osm_entity_bits::way |
                                  osmium::osm_entity_bits::relation;
        // The multipolygons need the relations before the ways, which files hold after them:
        // a file is read twice (relations first), except a small one that is not PBF, read
        // once into memory (an XML file's parse is the read's cost: the demo's 3.4 MB 0.10 ->
        // 0.047 s; a PBF's relation pass costs little and its objects take ten times its
        // size). Closed ways of the filter that are only highways are routed as ways, not as
        // areas.
        if (read_once(file, path, what.read_once_max_bytes)) {
            std::vector<osmium::memory::Buffer> buffers;
            osmium::io::Reader reader{file, entities};
            while (osmium::memory::Buffer b = reader.read()) {
                buffers.push_back(std::move(b));
                if (progress && reader.file_size() > 0)
                    progress(std::min(0.9, 0.9 * static_cast<double>(reader.offset()) /
                                               static_cast<double>(reader.file_size())),
                             "reading OSM");
            }
            reader.close();
            for (const auto &b : buffers)
                for (const auto &r : b.select<osmium::Relation>())
                    areas.relation(r);
            areas.prepare_for_lookup();
            Collector collector{what, x, nullptr, progress};
            auto assembled = areas.handler(
                [&](osmium::memory::Buffer &&buffer) { osmium::apply(buffer, collector); });
            for (auto &b : buffers)
                osmium::apply(b, locations, collector, assembled);
        } else {
            if (progress) progress(0.0, "reading OSM relations");
            osmium::relations::read_relations(file, areas);
            osmium::io::Reader reader{file, entities};
            Collector collector{what, x, &reader, progress};
            osmium::apply(reader, locations, collector,
                          areas.handler([&](osmium::memory::Buffer &&buffer) {
                              osmium::apply(buffer, collector);
                          }));
            reader.close();
        }
    } catch (const Error &) {
        throw;
    } catch (const std::exception &e) {
        throw Error(ErrorCode::io, ErrorContext::of_file(path),
                    std::string("cannot read the OSM file: ") + e.what());
    }
#if defined(__GLIBC__)
    // The reader's threads and the node index leave their freed memory in malloc's arenas,
    // where the network build (on this thread) cannot reuse it: give it back to the system
    // (a prefecture's resident memory after the read 273 -> 176 MiB).
    malloc_trim(0);
#endif
    if (progress) progress(1.0, "read OSM");
    x.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return x;
}

} // namespace lugeo::osm
