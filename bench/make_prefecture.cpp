// make_prefecture: a large synthetic road network for the benchmarks, from real OSM extracts.
//
// SYNTHETIC IN ITS LAYOUT, REAL IN ITS STREETS. Copies of real extracts (by default Malta
// and the Chengdu centre) are laid out on a grid of tiles around Chuxiong (25.04 N,
// 101.55 E), each copy moved as a whole (no rotation, no scaling: lengths are kept within
// the error of a local equirectangular projection), and neighbouring tiles are joined by
// synthetic trunk roads (highway=trunk, name "synthetic link ...", lugeo:synthetic=yes)
// between nodes of their major roads facing each other, chosen among the nodes of each
// copy's largest strongly connected car network (so that the links join the copies' cores,
// not a one-way fragment or a road cut at the extract's edge). The streets, their classes, names,
// one-way and speed tags are the extracts' own: © OpenStreetMap contributors, ODbL 1.0
// (https://www.openstreetmap.org/copyright). The layout, the links and the ids are not OSM.
// Never a test fixture; used by bench/ only (docs/benchmarks.md).
//
//   build/bench/make_prefecture OUT.osm.pbf [--size prefecture|county] [--seed N]
//                               [--malta PATH] [--chengdu PATH]
//
//   prefecture (default): 4 x 4 tiles, 11 Malta copies and 5 Chengdu centres (~515k edges,
//                         ~150 x 130 km, about the size of Chuxiong prefecture)
//   county: two rows, 3 Malta copies and 2 Chengdu centres (~144k edges)
//
// Only ways with a highway tag are copied (and the nodes they use, renumbered densely).
// The seed chooses where, along each shared tile side, the links run (3 per side). The
// output is written to OUT (refused if it exists; it never goes into the repository).
#include <osmium/builder/attr.hpp>
#include <osmium/builder/osm_object_builder.hpp>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/io/any_output.hpp>
#include <osmium/memory/buffer.hpp>
#include <osmium/visitor.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

constexpr double deg = 3.14159265358979323846 / 180.0;
constexpr double earth_r = 6371008.8;
constexpr double centre_lon = 101.55, centre_lat = 25.04; // Chuxiong
constexpr double gap_m = 1500;                            // between neighbouring tiles

/// One extract, its highway ways and their nodes in local metres about the box centre.
struct Extract {
    std::string name;
    std::vector<double> x, y; ///< per node (dense index)
    std::vector<std::vector<std::pair<std::string, std::string>>> node_tags;
    struct Way {
        std::vector<std::uint32_t> nodes;
        std::vector<std::pair<std::string, std::string>> tags;
    };
    std::vector<Way> ways;
    double minx = 1e300, miny = 1e300, maxx = -1e300, maxy = -1e300;
    std::vector<std::uint32_t> major; ///< nodes of primary/secondary/tertiary/trunk ways,
                                      ///< in the largest strongly connected car network
};

/// Whether a car may drive the way (lugeo's default car profile: its road classes, one-way
/// rules and access tags, as far as they decide the largest component): 0 no, else the
/// directions allowed, 1 along, 2 against, 3 both.
int car_directions(const std::vector<std::pair<std::string, std::string>> &tags) {
    static const char *const classes[] = {
        "motorway",     "motorway_link", "trunk",         "trunk_link",     "primary",
        "primary_link", "secondary",     "secondary_link", "tertiary",      "tertiary_link",
        "unclassified", "residential",   "road",          "living_street",  "service"};
    auto get = [&](const char *k) -> std::string {
        for (const auto &[key, v] : tags)
            if (key == k) return v;
        return "";
    };
    const std::string hw = get("highway");
    if (std::none_of(std::begin(classes), std::end(classes), [&](const char *c) { return hw == c; }))
        return 0;
    for (const char *k : {"access", "motor_vehicle", "motorcar", "vehicle"})
        if (const std::string v = get(k); v == "no" || v == "private") return 0;
    const std::string ow = get("oneway"), junction = get("junction");
    if (ow == "yes" || ow == "true" || ow == "1") return 1;
    if (ow == "-1" || ow == "reverse") return 2;
    if (ow.empty() && (junction == "roundabout" || junction == "circular" || hw == "motorway"))
        return 1;
    return 3;
}

/// Per node: whether it lies in the largest strongly connected component of the car graph
/// (Kosaraju, iterative: first the finishing order on the graph, then the components on
/// the reversed graph in reverse finishing order).
std::vector<bool> largest_car_core(std::size_t nodes, const std::vector<Extract::Way> &ways) {
    std::vector<std::vector<std::uint32_t>> fwd(nodes), bwd(nodes);
    for (const auto &w : ways) {
        const int d = car_directions(w.tags);
        for (std::size_t i = 0; d && i + 1 < w.nodes.size(); ++i) {
            const std::uint32_t a = w.nodes[i], b = w.nodes[i + 1];
            if (d & 1) fwd[a].push_back(b), bwd[b].push_back(a);
            if (d & 2) fwd[b].push_back(a), bwd[a].push_back(b);
        }
    }
    std::vector<std::uint32_t> order;
    std::vector<char> seen(nodes, 0);
    std::vector<std::pair<std::uint32_t, std::size_t>> stack;
    for (std::uint32_t s = 0; s < nodes; ++s) {
        if (seen[s]) continue;
        seen[s] = 1;
        stack.push_back({s, 0});
        while (!stack.empty()) {
            auto &[v, next] = stack.back();
            if (next < fwd[v].size()) {
                const std::uint32_t u = fwd[v][next++];
                if (!seen[u]) {
                    seen[u] = 1;
                    stack.push_back({u, 0});
                }
            } else {
                order.push_back(v);
                stack.pop_back();
            }
        }
    }
    std::vector<std::int32_t> comp(nodes, -1);
    std::vector<std::size_t> size;
    std::vector<std::uint32_t> todo;
    for (std::size_t q = order.size(); q-- > 0;) {
        const std::uint32_t s = order[q];
        if (comp[s] >= 0) continue;
        const auto c = static_cast<std::int32_t>(size.size());
        size.push_back(0);
        comp[s] = c;
        todo.push_back(s);
        while (!todo.empty()) {
            const std::uint32_t v = todo.back();
            todo.pop_back();
            ++size.back();
            for (const std::uint32_t u : bwd[v])
                if (comp[u] < 0) {
                    comp[u] = c;
                    todo.push_back(u);
                }
        }
    }
    const auto largest =
        static_cast<std::int32_t>(std::max_element(size.begin(), size.end()) - size.begin());
    std::vector<bool> out(nodes);
    for (std::size_t n = 0; n < nodes; ++n)
        out[n] = comp[n] == largest;
    return out;
}

using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;

struct Collect : osmium::handler::Handler {
    std::vector<osmium::object_id_type> way_ids;
    std::unordered_map<osmium::object_id_type, std::uint32_t> node_of;
    std::vector<osmium::Location> loc;
    std::vector<std::vector<std::pair<std::string, std::string>>> node_tags;
    std::vector<Extract::Way> ways;
    std::vector<bool> major_node;
    void way(const osmium::Way &w) {
        const char *hw = w.tags().get_value_by_key("highway");
        if (!hw) return;
        const bool major = !std::strcmp(hw, "primary") || !std::strcmp(hw, "secondary") ||
                           !std::strcmp(hw, "tertiary") || !std::strcmp(hw, "trunk");
        Extract::Way out;
        for (const auto &nr : w.nodes()) {
            if (!nr.location().valid()) continue; // cut at the extract's edge
            auto [it, fresh] =
                node_of.try_emplace(nr.ref(), static_cast<std::uint32_t>(loc.size()));
            if (fresh) {
                loc.push_back(nr.location());
                node_tags.emplace_back();
                major_node.push_back(false);
            }
            if (major) major_node[it->second] = true;
            if (out.nodes.empty() || out.nodes.back() != it->second)
                out.nodes.push_back(it->second);
        }
        if (out.nodes.size() < 2) return;
        for (const auto &t : w.tags())
            out.tags.emplace_back(t.key(), t.value());
        ways.push_back(std::move(out));
    }
};

/// Node tags (barriers, crossings) of the kept nodes, in a second pass.
struct NodeTags : osmium::handler::Handler {
    Collect *c;
    void node(const osmium::Node &n) {
        const auto it = c->node_of.find(n.id());
        if (it == c->node_of.end() || n.tags().empty()) return;
        for (const auto &t : n.tags())
            c->node_tags[it->second].emplace_back(t.key(), t.value());
    }
};

Extract read_extract(const std::string &path, const std::string &name) {
    Collect c;
    {
        Index index;
        osmium::handler::NodeLocationsForWays<Index> locations{index};
        locations.ignore_errors();
        osmium::io::Reader r{path, osmium::osm_entity_bits::node | osmium::osm_entity_bits::way};
        osmium::apply(r, locations, c);
        r.close();
    }
    {
        NodeTags nt;
        nt.c = &c;
        osmium::io::Reader r{path, osmium::osm_entity_bits::node};
        osmium::apply(r, nt);
        r.close();
    }
    Extract e;
    e.name = name;
    double lon0 = 1e300, lon1 = -1e300, lat0 = 1e300, lat1 = -1e300;
    for (const auto &l : c.loc) {
        lon0 = std::min(lon0, l.lon());
        lon1 = std::max(lon1, l.lon());
        lat0 = std::min(lat0, l.lat());
        lat1 = std::max(lat1, l.lat());
    }
    const double clon = (lon0 + lon1) / 2, clat = (lat0 + lat1) / 2;
    for (const auto &l : c.loc) {
        const double x = (l.lon() - clon) * deg * earth_r * std::cos(clat * deg);
        const double y = (l.lat() - clat) * deg * earth_r;
        e.x.push_back(x);
        e.y.push_back(y);
        e.minx = std::min(e.minx, x);
        e.maxx = std::max(e.maxx, x);
        e.miny = std::min(e.miny, y);
        e.maxy = std::max(e.maxy, y);
    }
    e.node_tags = std::move(c.node_tags);
    e.ways = std::move(c.ways);
    const std::vector<bool> core = largest_car_core(e.x.size(), e.ways);
    for (std::uint32_t n = 0; n < c.major_node.size(); ++n)
        if (c.major_node[n] && core[n]) e.major.push_back(n);
    std::fprintf(stderr,
                 "make_prefecture: %s: %zu highway ways, %zu nodes (%zu in the largest strongly "
                 "connected car network, %zu of them on major roads), %.1f x %.1f km\n",
                 path.c_str(), e.ways.size(), e.x.size(),
                 static_cast<std::size_t>(std::count(core.begin(), core.end(), true)),
                 e.major.size(), (e.maxx - e.minx) / 1e3, (e.maxy - e.miny) / 1e3);
    return e;
}

/// A copy of an extract, its box's lower-left corner at (ox, oy) in layout metres, and the
/// first id of its nodes and ways in the output.
struct Tile {
    const Extract *e;
    double ox, oy;
    std::int64_t node_base, way_base;
    double x(std::uint32_t n) const { return ox + e->x[n] - e->minx; }
    double y(std::uint32_t n) const { return oy + e->y[n] - e->miny; }
    double w() const { return e->maxx - e->minx; }
    double h() const { return e->maxy - e->miny; }
};

osmium::Location to_location(double x, double y) {
    const double lon = centre_lon + x / (deg * earth_r * std::cos(centre_lat * deg));
    const double lat = centre_lat + y / (deg * earth_r);
    return osmium::Location{lon, lat};
}

/// The major-road node of tile t nearest to the point (x, y) of its side.
std::uint32_t nearest_major(const Tile &t, double x, double y) {
    std::uint32_t best = 0;
    double bd = 1e300;
    for (std::uint32_t n : t.e->major) {
        const double d = std::hypot(t.x(n) - x, t.y(n) - y);
        if (d < bd) {
            bd = d;
            best = n;
        }
    }
    return best;
}

int usage() {
    std::fprintf(stderr, "usage: make_prefecture OUT.osm.pbf [--size prefecture|county] [--seed N] "
                         "[--malta PATH] [--chengdu PATH]\n");
    return 2;
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 2 || argv[1][0] == '-') return usage();
    const std::string out = argv[1];
    std::string size = "prefecture";
    unsigned seed = 20261202;
    // byte-exact copies of ../shared/data/osm/'s extracts (tests/fixtures/osm/SOURCES.md)
    std::string malta = LUGEO_TEST_FIXTURES "/osm/malta-2016-11-09.osm.pbf";
    std::string chengdu = LUGEO_DATA_DIR "/chengdu-centre-2018.osm";
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) return usage();
        if (a == "--size")
            size = argv[++i];
        else if (a == "--seed")
            seed = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
        else if (a == "--malta")
            malta = argv[++i];
        else if (a == "--chengdu")
            chengdu = argv[++i];
        else
            return usage();
    }
    if (size != "prefecture" && size != "county") return usage();
    if (std::filesystem::exists(out)) {
        std::fprintf(stderr, "make_prefecture: %s exists; not overwritten\n", out.c_str());
        return 3;
    }
    const Extract m = read_extract(malta, "malta");
    const Extract c = read_extract(chengdu, "chengdu");

    // the layout: rows of tiles, left to right, rows bottom to top
    std::vector<std::vector<const Extract *>> rows;
    if (size == "county")
        rows = {{&m, &c, &m}, {&c, &m}};
    else
        rows = {{&m, &c, &m, &m}, {&m, &m, &c, &m}, {&c, &m, &m, &c}, {&m, &m, &c, &m}};
    std::vector<std::vector<Tile>> tiles(rows.size());
    std::int64_t node_base = 1, way_base = 1;
    double oy = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        double ox = 0, row_h = 0;
        for (const Extract *e : rows[r]) {
            Tile t{e, ox, 0, node_base, way_base};
            row_h = std::max(row_h, t.h());
            ox += t.w() + gap_m;
            node_base += static_cast<std::int64_t>(e->x.size());
            way_base += static_cast<std::int64_t>(e->ways.size());
            tiles[r].push_back(t);
        }
        for (Tile &t : tiles[r])
            t.oy = oy + (row_h - t.h()) / 2; // centred in the row
        oy += row_h + gap_m;
    }

    // the links: 3 per shared side, at seeded positions along it
    struct Link {
        const Tile *a, *b;
        std::uint32_t na, nb;
    };
    std::vector<Link> links;
    std::mt19937_64 rng{seed};
    std::uniform_real_distribution<double> u{0.15, 0.85};
    auto link = [&](const Tile &a, const Tile &b, bool horizontal) {
        for (int k = 0; k < 3; ++k) {
            const double f = u(rng);
            if (horizontal) { // a left of b: a's east side to b's west side
                const double y0 = std::max(a.oy, b.oy), y1 = std::min(a.oy + a.h(), b.oy + b.h());
                const double y = y0 + f * (y1 - y0);
                links.push_back(
                    {&a, &b, nearest_major(a, a.ox + a.w(), y), nearest_major(b, b.ox, y)});
            } else { // a below b
                const double x0 = std::max(a.ox, b.ox), x1 = std::min(a.ox + a.w(), b.ox + b.w());
                const double x = x0 + f * (x1 - x0);
                links.push_back(
                    {&a, &b, nearest_major(a, x, a.oy + a.h()), nearest_major(b, x, b.oy)});
            }
        }
    };
    for (std::size_t r = 0; r < tiles.size(); ++r)
        for (std::size_t i = 0; i + 1 < tiles[r].size(); ++i)
            link(tiles[r][i], tiles[r][i + 1], true);
    for (std::size_t r = 0; r + 1 < tiles.size(); ++r)
        for (std::size_t i = 0; i < std::min(tiles[r].size(), tiles[r + 1].size()); ++i)
            link(tiles[r][i], tiles[r + 1][i], false);

    osmium::io::Header header;
    header.set("generator", "lugeo bench/make_prefecture (synthetic layout of real OSM streets)");
    header.set("lugeo:synthetic", "layout and links synthetic; streets (c) OpenStreetMap "
                                  "contributors, ODbL 1.0");
    osmium::io::Writer writer{out, header};
    osmium::memory::Buffer buf{1 << 20, osmium::memory::Buffer::auto_grow::yes};
    auto flush = [&] {
        if (buf.committed() > (1 << 20) * 0.8) {
            writer(std::move(buf));
            buf = osmium::memory::Buffer{1 << 20, osmium::memory::Buffer::auto_grow::yes};
        }
    };
    std::size_t nodes = 0, ways = 0;
    for (const auto &row : tiles)
        for (const Tile &t : row)
            for (std::uint32_t n = 0; n < t.e->x.size(); ++n) {
                {
                    osmium::builder::NodeBuilder b{buf};
                    b.set_id(t.node_base + n).set_version(1).set_visible(true);
                    b.set_location(to_location(t.x(n), t.y(n)));
                    osmium::builder::TagListBuilder tb{b};
                    for (const auto &[k, v] : t.e->node_tags[n])
                        tb.add_tag(k, v);
                }
                buf.commit();
                ++nodes;
                flush();
            }
    for (const auto &row : tiles)
        for (const Tile &t : row)
            for (std::size_t w = 0; w < t.e->ways.size(); ++w) {
                const auto &way = t.e->ways[w];
                {
                    osmium::builder::WayBuilder b{buf};
                    b.set_id(t.way_base + static_cast<std::int64_t>(w))
                        .set_version(1)
                        .set_visible(true);
                    {
                        osmium::builder::WayNodeListBuilder nb{b};
                        for (std::uint32_t n : way.nodes)
                            nb.add_node_ref(t.node_base + n);
                    }
                    osmium::builder::TagListBuilder tb{b};
                    for (const auto &[k, v] : way.tags)
                        tb.add_tag(k, v);
                }
                buf.commit();
                ++ways;
                flush();
            }
    std::int64_t link_id = way_base;
    for (std::size_t l = 0; l < links.size(); ++l) {
        {
            osmium::builder::WayBuilder b{buf};
            b.set_id(link_id++).set_version(1).set_visible(true);
            {
                osmium::builder::WayNodeListBuilder nb{b};
                nb.add_node_ref(links[l].a->node_base + links[l].na);
                nb.add_node_ref(links[l].b->node_base + links[l].nb);
            }
            osmium::builder::TagListBuilder tb{b};
            tb.add_tag("highway", "trunk");
            tb.add_tag("name", ("synthetic link " + std::to_string(l + 1)).c_str());
            tb.add_tag("lugeo:synthetic", "yes");
        }
        buf.commit();
        ++ways;
    }
    writer(std::move(buf));
    writer.close();
    double w = 0, h = 0;
    std::size_t tile_count = 0;
    for (const auto &row : tiles) {
        tile_count += row.size();
        w = std::max(w, row.back().ox + row.back().w());
        h = std::max(h, row.front().oy + row.front().h());
        for (const Tile &t : row)
            h = std::max(h, t.oy + t.h());
    }
    std::fprintf(stderr,
                 "make_prefecture: wrote %s (%s, seed %u): %zu tiles, %zu nodes, %zu ways (%zu "
                 "synthetic links), %.0f x %.0f km\n",
                 out.c_str(), size.c_str(), seed, tile_count, nodes, ways, links.size(), w / 1e3,
                 h / 1e3);
    return 0;
}
