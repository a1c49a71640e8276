// OSM reading with libosmium: the roads layer agrees with GDAL's OSM driver, area highways
// (closed ways tagged area=yes) are routed along their outline, road levels, the features a
// scene is made of, compass directions.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <algorithm>
#include <doctest/doctest.h>

#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>

#include "osm/osm_read.hpp"

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>

using namespace lugeo;

namespace {

const std::string fixtures = LUGEO_TEST_FIXTURES;
const std::string malta = fixtures + "/osm/malta-2016-11-09.osm.pbf";
const std::string taipei = fixtures + "/osm/tw-taipei-zhongshan-2024-03.osm";

double length_m(const LineString &l) {
    double s = 0;
    for (std::size_t i = 1; i < l.size(); ++i)
        s += std::hypot(l[i].x - l[i - 1].x, l[i].y - l[i - 1].y);
    return s;
}

/// The roads of a file read by one reader ("gdal" or "libosmium"), in a fixed metric CRS.
Roads roads_by(const std::string &reader, const std::string &path, LayerReport *report = nullptr) {
    ::setenv("LUGEO_OSM_READER", reader.c_str(), 1);
    LayerSpec spec;
    spec.role = "roads";
    spec.source = path;
    LayerReadContext ctx;
    ctx.metric_crs = "EPSG:32633";
    Roads r = read_roads(spec, ctx, report);
    ::unsetenv("LUGEO_OSM_READER");
    return r;
}

struct Totals {
    double all = 0, areas = 0;
    std::size_t area_ways = 0;
};

} // namespace

TEST_CASE("libosmium and GDAL read the same road network from Malta") {
    LayerReport ro, rg;
    const Roads o = roads_by("libosmium", malta, &ro);
    const Roads g = roads_by("gdal", malta, &rg);
    REQUIRE(o.crs == g.crs);
    // every way by its OSM id: the same class, one-way tag, level and length in both readers
    std::map<std::int64_t, const RoadInput *> by_id;
    double len_o = 0, len_g = 0, len_common = 0;
    std::size_t common = 0, level_differs = 0, class_differs = 0, elevated = 0, highways_g = 0;
    for (const auto &w : g.ways) {
        if (w.road_class.empty()) continue; // GDAL's lines layer has every line: not roads
        by_id[w.fid] = &w;
        len_g += length_m(w.line);
        ++highways_g;
    }
    for (const auto &w : o.ways) {
        len_o += length_m(w.line);
        if (w.level != 0) ++elevated;
        const auto it = by_id.find(w.fid);
        if (it == by_id.end()) continue;
        ++common;
        len_common += length_m(w.line);
        if (it->second->level != w.level) ++level_differs;
        if (it->second->road_class != w.road_class || it->second->oneway != w.oneway)
            ++class_differs;
    }
    MESSAGE("libosmium " << o.ways.size() << " ways " << len_o / 1000 << " km; GDAL " << highways_g
                         << " ways " << len_g / 1000 << " km; common " << common);
    CHECK(std::abs(len_o - len_g) / len_g < 0.001);
    CHECK(common >= highways_g * 99 / 100);
    CHECK(level_differs == 0);
    CHECK(class_differs == 0);
    CHECK(elevated > 0); // Malta has bridges and tunnels
    CHECK(ro.layer == "lines");
    CHECK(ro.kept == o.ways.size());
}

TEST_CASE("closed highway ways tagged area=yes are roads along their outline") {
    osm::ReadWhat what;
    const osm::Extract x = osm::read(malta, what);
    Totals t;
    std::size_t ordinary = 0;
    for (const auto &w : x.roads) {
        if (!w.is_area) {
            ++ordinary;
            continue;
        }
        // an area is a closed ring of an area=yes way, or a ring of a highway multipolygon
        CHECK((w.from_relation || w.tags.area == "yes"));
        REQUIRE(w.line.size() >= 4);
        CHECK(w.line.front().x == w.line.back().x);
        CHECK(w.line.front().y == w.line.back().y);
        ++t.area_ways;
    }
    CHECK(ordinary > 10000);
    CHECK(t.area_ways > 400);
    // the network counts them and their length is there
    LayerReport rep;
    const Roads r = roads_by("libosmium", malta, &rep);
    CHECK(r.read.features_area == t.area_ways);
    double area_km = 0;
    std::map<std::int64_t, bool> area_ids;
    for (const auto &w : x.roads)
        if (w.is_area && !w.from_relation) area_ids[w.id] = true;
    for (const auto &w : r.ways)
        if (area_ids.count(w.fid)) area_km += length_m(w.line) / 1000;
    MESSAGE(t.area_ways << " area highways, " << area_km << " km (area=yes ways)");
    CHECK(area_km > 30);
    const Network net = build_network(r, NetworkOptions{});
    CHECK(net.edges().size() > 0);
}

TEST_CASE("a way's level: layer first, else a bridge +1 and a tunnel -1") {
    auto set = [](const std::string &v) {
        return !v.empty() && v != "no" && v != "false" && v != "0";
    };
    osm::ReadWhat what;
    const osm::Extract x = osm::read(malta, what);
    const Roads r = roads_by("libosmium", malta);
    std::map<std::int64_t, int> level;
    for (const auto &w : r.ways)
        level[w.fid] = w.level;
    std::size_t bridges = 0, tunnels = 0, layered = 0;
    for (const auto &w : x.roads) {
        if (w.from_relation || !level.count(w.id)) continue;
        const int l = level[w.id];
        char *end = nullptr;
        const long n = w.tags.layer.empty() ? 0 : std::strtol(w.tags.layer.c_str(), &end, 10);
        if (!w.tags.layer.empty() && end && *end == '\0') {
            CHECK(l == n);
            ++layered;
        } else if (set(w.tags.bridge)) {
            CHECK(l == 1);
            ++bridges;
        } else if (set(w.tags.tunnel) && w.tags.tunnel != "building_passage") {
            CHECK(l == -1);
            ++tunnels;
        } else {
            CHECK(l == 0);
        }
    }
    CHECK(layered > 0);
    CHECK(bridges + tunnels + layered > 0);
}

TEST_CASE("XML, gzip and bzip2 XML read the same; scene features are what they say") {
    osm::ReadWhat what;
    what.features = true;
    what.buildings = true;
    what.boundaries = true;
    const osm::Extract x = osm::read(taipei, what);
    CHECK(x.roads.size() > 20);
    CHECK(x.buildings.size() > 0);
    CHECK(x.key_sites.size() > 0);
    for (const auto &s : x.key_sites)
        CHECK(!osm::key_site_kind(s).empty());
    for (const auto &c : x.cameras)
        CHECK(c.tag("man_made") == "surveillance");
    for (const auto &p : x.poles)
        CHECK(p.tag("power") == "pole");
    for (const auto &b : x.boundaries) {
        CHECK(b.tag("boundary") == "administrative");
        CHECK(b.geometry.type == Geometry::Type::polygon);
    }
    // the same file gzip- and bzip2-compressed reads the same
    for (const char *tool : {"gzip", "bzip2"}) {
        const std::string ext = std::string(tool) == "gzip" ? ".gz" : ".bz2";
        const std::string copy = std::string(LUGEO_TEST_TMP) + "/taipei.osm" + ext;
        const std::string cmd = std::string(tool) + " -c '" + taipei + "' > '" + copy + "'";
        if (std::system(cmd.c_str()) != 0) continue;
        const osm::Extract c = osm::read(copy, what);
        CHECK(c.roads.size() == x.roads.size());
        CHECK(c.buildings.size() == x.buildings.size());
        CHECK(c.lonlat_box.minx == x.lonlat_box.minx);
        CHECK(c.lonlat_box.maxy == x.lonlat_box.maxy);
    }
    // all positions inside the roads' box grown by a degree (one file, one place)
    Box big = x.lonlat_box;
    for (const auto *layer : {&x.key_sites, &x.buildings, &x.lamps, &x.cameras})
        for (const auto &f : *layer) {
            const XY p = f.geometry.type == Geometry::Type::point
                             ? f.geometry.points.front()
                             : f.geometry.polygons.front().outer.front();
            CHECK(p.x > big.minx - 1);
            CHECK(p.x < big.maxx + 1);
        }
}

TEST_CASE("an XML file read once, into memory, reads the same as read twice") {
    // The demo's extract: its multipolygon relations (14 buildings) are assembled from ways
    // read before them; in memory, the relations are taken first from the kept buffers.
    osm::ReadWhat what;
    what.features = true;
    what.buildings = true;
    what.boundaries = true;
    const std::string demo = std::string(LUGEO_DATA_DIR) + "/chengdu-centre-2018.osm";
    const osm::Extract once = osm::read(demo, what);
    what.read_once_max_bytes = 0;
    const osm::Extract twice = osm::read(demo, what);
    REQUIRE(once.roads.size() == twice.roads.size());
    CHECK(once.roads.size() > 1000);
    const auto same = [](const LineString &a, const LineString &b) {
        if (a.size() != b.size()) return false;
        for (std::size_t k = 0; k < a.size(); ++k)
            if (a[k].x != b[k].x || a[k].y != b[k].y) return false;
        return true;
    };
    std::size_t differ = 0;
    for (std::size_t i = 0; i < once.roads.size(); ++i)
        differ +=
            once.roads[i].id != twice.roads[i].id || !same(once.roads[i].line, twice.roads[i].line);
    CHECK(differ == 0);
    const auto relations = [](const std::vector<osm::Feature> &fs) {
        return std::count_if(fs.begin(), fs.end(), [](const auto &f) { return f.type == 'r'; });
    };
    CHECK(relations(once.buildings) >= 10);
    CHECK(relations(once.buildings) == relations(twice.buildings));
    using Layer = std::vector<osm::Feature> osm::Extract::*;
    for (const Layer l :
         {&osm::Extract::buildings, &osm::Extract::boundaries, &osm::Extract::key_sites,
          &osm::Extract::cameras, &osm::Extract::lamps, &osm::Extract::police}) {
        REQUIRE((once.*l).size() == (twice.*l).size());
        for (std::size_t i = 0; i < (once.*l).size(); ++i) {
            CHECK((once.*l)[i].id == (twice.*l)[i].id);
            CHECK((once.*l)[i].type == (twice.*l)[i].type);
        }
    }
    CHECK(once.road_ways_cut == twice.road_ways_cut);
    CHECK(once.other_lines == twice.other_lines);
}

TEST_CASE("a missing or broken OSM file is an io error naming it") {
    try {
        osm::read(fixtures + "/osm/no-such.osm.pbf", {});
        FAIL("no error");
    } catch (const Error &e) {
        CHECK(e.code() == ErrorCode::io);
        CHECK(e.context().file.find("no-such") != std::string::npos);
    }
    try {
        osm::read(fixtures + "/osm/SOURCES.md", {}); // not OSM (no OSM suffix: XML is tried)
        FAIL("no error");
    } catch (const Error &e) {
        CHECK(e.code() == ErrorCode::io);
    }
}

TEST_CASE("compass points and degrees") {
    const char *points[] = {"N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
                            "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"};
    for (int i = 0; i < 16; ++i) {
        CHECK(osm::parse_direction(points[i]).value() == doctest::Approx(22.5 * i));
        std::string lower = points[i];
        for (char &c : lower)
            c = static_cast<char>(std::tolower(c));
        CHECK(osm::parse_direction(lower).value() == doctest::Approx(22.5 * i));
    }
    for (double d = -720; d <= 720; d += 37.5) {
        const auto v = osm::parse_direction(std::to_string(d));
        REQUIRE(v);
        CHECK(*v >= 0);
        CHECK(*v < 360);
        CHECK(std::fmod(*v - d + 3600, 360.0) == doctest::Approx(0).epsilon(1e-9));
    }
    CHECK(!osm::parse_direction("0;180"));
    CHECK(!osm::parse_direction("forward"));
    CHECK(!osm::parse_direction(""));
}
