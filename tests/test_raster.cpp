// The raster kernel (libgeo/src/raster/): the tiled (sparse) band grid against the dense one.
// The tiled grid allocates only the tiles a line's r-neighbourhood reaches; every tracer must
// give the dense grid's polygons (same polygons, rings and vertices, coordinates equal to
// 1e-6 m: the dense tracer may work on a cropped window, whose corner rounds differently).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "geometry/geos.hpp"
#include "raster/raster.hpp"

#include <lugeo/error.hpp>
#include <lugeo/routing.hpp>
#include <lugeo/scene.hpp>

#include <cmath>
#include <random>
#include <string>

using namespace lugeo;

namespace {

using Lines = std::vector<std::pair<LineString, std::uint8_t>>;

void same_ring(const Ring &a, const Ring &b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(std::abs(a[i].x - b[i].x) < 1e-6);
        CHECK(std::abs(a[i].y - b[i].y) < 1e-6);
    }
}

void same(const MultiPolygon &a, const MultiPolygon &b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t p = 0; p < a.size(); ++p) {
        same_ring(a[p].outer, b[p].outer);
        REQUIRE(a[p].holes.size() == b[p].holes.size());
        for (std::size_t h = 0; h < a[p].holes.size(); ++h)
            same_ring(a[p].holes[h], b[p].holes[h]);
    }
}

/// Burns `lines` (bands 0 .. bands - 1) into a dense and a tiled grid, fills holes in both,
/// and compares every nested and every label polygon, and label_at at random points.
void compare(const Lines &lines, std::size_t bands, double r, double cell, double fill_m2,
             unsigned seed) {
    Box box;
    for (const auto &[l, v] : lines)
        for (XY p : l)
            box.extend(p);
    raster::BandGrid d = raster::make_grid(box, r, cell);
    raster::TiledBandGrid t = raster::make_tiled_grid(box, r, cell);
    REQUIRE(d.w == t.w);
    REQUIRE(d.h == t.h);
    CHECK(d.x0 == t.x0);
    CHECK(d.y0 == t.y0);
    raster::burn_lines(d, lines, r, 2);
    raster::burn_lines(t, lines, r, 2);
    // every cell: the same band
    std::size_t differ = 0;
    for (int j = 0; j < d.h; ++j)
        for (int i = 0; i < d.w; ++i)
            differ += d.band[static_cast<std::size_t>(j) * d.w + i] != t.at(i, j);
    CHECK(differ == 0);
    raster::Scratch s1, s2;
    auto fd = raster::fill_holes(d, bands, fill_m2, s1);
    auto ft = raster::fill_holes(t, bands, fill_m2, s2);
    for (int j = 0; j < d.h; ++j)
        for (int i = 0; i < d.w; ++i)
            differ += d.band[static_cast<std::size_t>(j) * d.w + i] != t.at(i, j);
    CHECK(differ == 0);
    // the lowest label's polygon is the lowest threshold's (isochrones use one for both)
    same(raster::polygonize_label(t, 0, s2), raster::polygonize_nested(t, 0, s2));
    same(raster::polygonize_label(d, 0, s1), raster::polygonize_nested(d, 0, s1));
    for (std::size_t k = 0; k < bands; ++k) {
        INFO("band ", k);
        const auto kb = static_cast<std::uint8_t>(k);
        CHECK(fd[k].has_value() == ft[k].has_value());
        same(raster::polygonize_nested(d, kb, s1), raster::polygonize_nested(t, kb, s2));
        same(raster::polygonize_label(d, kb, s1), raster::polygonize_label(t, kb, s2));
        same(raster::polygonize(d, kb, fill_m2, s1), raster::polygonize(t, kb, fill_m2, s2));
    }
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> ux(box.minx - r, box.maxx + r),
        uy(box.miny - r, box.maxy + r);
    for (int q = 0; q < 2000; ++q) {
        const XY p{ux(rng), uy(rng)};
        CHECK(raster::label_at(d, p) == raster::label_at(t, p));
    }
    // not vacuous: the last band holds polygons
    CHECK_FALSE(raster::polygonize_nested(t, static_cast<std::uint8_t>(bands - 1), s2).empty());
    // sparse: never more cells than the dense grid's (plus the shared tile)
    CHECK(t.allocated_cells() <= static_cast<std::size_t>(t.tx) * t.ty * 4096);
}

struct Demo {
    Network net;
    std::vector<XY> kiosks;
    Demo() {
        const SceneData data =
            read_scene_data(load_scene(std::string(LUGEO_DATA_DIR) + "/demo/scene.toml"),
                            {LayerRole::roads, LayerRole::units});
        net = build_network(data.roads, data.settings.network);
        for (const auto &u : units_of_kind(data.units, "kiosk"))
            kiosks.push_back(u.position);
    }
};

/// The reached pieces of 1, 5 and 30 minutes by car from `sources`, as lines with their band.
Lines reach_lines(const Network &net, const std::vector<XY> &sources) {
    std::vector<RoutingSource> src;
    for (XY p : sources)
        src.push_back({*net.snap(p), 0.0});
    RoutingOptions ro;
    ro.profile = Profile::car;
    ro.limit_s = 1800;
    const Reach r = shortest_times(net, src, ro);
    Lines out;
    std::vector<std::pair<std::uint32_t, double>> seen;
    for (std::uint8_t k = 0; k < 3; ++k) {
        const double lim = std::array<double, 3>{60, 300, 1800}[k];
        for (const EdgePiece &p : reached_pieces(net, r, lim))
            out.emplace_back(net.sub_line(p), k);
    }
    return out;
}

} // namespace

TEST_CASE("tiled grid = dense grid: random lines (nested bands, holes, labels), seeded") {
    for (unsigned seed : {1u, 2u, 3u, 20261202u}) {
        INFO("seed ", seed);
        std::mt19937 rng(seed);
        std::uniform_real_distribution<double> u(0, 3000), step(-200, 200);
        Lines lines;
        // random walks (roads with bends), a long diagonal (a trunk link across many tiles),
        // a lone point, and a closed square whose hole is below / above the fill area
        for (int w = 0; w < 25; ++w) {
            LineString l{{u(rng), u(rng)}};
            for (int q = 0; q < 8; ++q)
                l.push_back({l.back().x + step(rng), l.back().y + step(rng)});
            lines.emplace_back(l, static_cast<std::uint8_t>(w % 3));
        }
        lines.push_back({{{-500, -400}, {4100, 3900}}, 1});
        lines.push_back({{{1500, 4000}}, 0});
        lines.push_back({{{3500, 0}, {3700, 0}, {3700, 200}, {3500, 200}, {3500, 0}}, 2});
        lines.push_back({{{0, 3500}, {900, 3500}, {900, 4400}, {0, 4400}, {0, 3500}}, 0});
        compare(lines, 3, 50, 5, 20000, seed);
        compare(lines, 3, 50, 5, 1e7,
                seed); // holes above a tile's area: tiles allocated by the fill
        compare(lines, 3, 20, 2.5, 0, seed);
    }
}

TEST_CASE("tiled grid = dense grid: the demo's 1/5/30-minute reach from its kiosks") {
    static const Demo d;
    compare(reach_lines(d.net, d.kiosks), 3, 50, 5, 20000, 7);
    compare(reach_lines(d.net, {d.kiosks[0]}), 3, 50, 5, 20000, 8);
}

TEST_CASE("tiled grid = dense grid: Malta's 30-minute reach from 6 sources, and sparse") {
    const SceneData data = read_scene_data(
        scene_from_roads(std::string(LUGEO_TEST_FIXTURES) + "/osm/malta-2016-11-09.osm.pbf"));
    const Network net = build_network(data.roads, data.settings.network);
    const auto &comp = net.node_components(Profile::car);
    std::vector<XY> src;
    std::vector<std::uint32_t> in_largest;
    for (std::uint32_t n = 0; n < net.node_count(); ++n)
        if (comp[n] == net.largest_component(Profile::car)) in_largest.push_back(n);
    for (int k = 0; k < 6; ++k)
        src.push_back(net.node(in_largest[in_largest.size() * (2 * k + 1) / 12]));
    const Lines lines = reach_lines(net, src);
    compare(lines, 3, 50, 5, 20000, 9);
    // the tiles follow the reach: well below the box on an island network with sea around
    Box box;
    for (const auto &[l, v] : lines)
        for (XY p : l)
            box.extend(p);
    raster::TiledBandGrid t = raster::make_tiled_grid(box, 50, 5);
    raster::burn_lines(t, lines, 50, 1);
    const double dense = static_cast<double>(t.w) * t.h;
    MESSAGE("Malta, 30 min from 6 sources: ", t.allocated_cells(), " cells allocated of ", dense,
            " in the box");
    CHECK(static_cast<double>(t.allocated_cells()) < 0.9 * dense);
}

TEST_CASE("tiled grid: a box too large even for the tile table is refused with the parameter") {
    const Box huge{0, 0, 1e7, 1e7};
    CHECK_THROWS_AS(raster::make_tiled_grid(huge, 50, 0.01), Error);
}

TEST_CASE("relabel_within: the cleared union's polygons lie inside its own and nest (random "
          "labels, every kind of junction), seeded") {
    // random labels cell by cell (0..3 or none) meet in saddles and in three- and four-label
    // junctions far more often than burnt roads do; the source grid marks a random subset of
    // the union's cells with a band no lower than the union's there
    for (unsigned seed : {1u, 7u, 20261203u}) {
        INFO("seed ", seed);
        std::mt19937 rng(seed);
        const double cell = 5;
        raster::TiledBandGrid u = raster::make_tiled_grid({0, 0, 400, 300}, 0, cell);
        for (int tj = 0; tj < u.ty; ++tj)
            for (int ti = 0; ti < u.tx; ++ti)
                u.allocate(ti, tj);
        raster::TiledBandGrid s = u;
        std::uniform_int_distribution<int> label(0, 4), coin(0, 3);
        for (int j = 1; j + 1 < u.h; ++j)
            for (int i = 1; i + 1 < u.w; ++i) {
                const int l = label(rng);
                const std::uint8_t ul = l == 4 ? raster::BandGrid::none : std::uint8_t(l);
                u.band[u.storage(i, j)] = ul;
                // the source: none, or the union's band raised by 0..2 (at most 3)
                const int c = coin(rng);
                s.band[s.storage(i, j)] = ul == raster::BandGrid::none || c == 0
                                              ? raster::BandGrid::none
                                              : std::uint8_t(std::min(3, ul + c - 1));
            }
        raster::Scratch scratch;
        MultiPolygon prev;
        for (std::uint8_t k = 0; k < 4; ++k) {
            INFO("k ", int(k));
            const MultiPolygon up = raster::polygonize_nested(u, k, scratch);
            const MultiPolygon sp =
                raster::polygonize_nested(raster::relabel_within(s, u, k), k, scratch);
            REQUIRE(!sp.empty());
            const auto sg = geos::multi_polygon(sp);
            REQUIRE(geos::is_valid(sg.get()));
            const auto out = geos::difference(sg.get(), geos::multi_polygon(up).get());
            CHECK(geos::area(out.get()) <= 1e-9);
            if (k > 0) {
                const auto lost = geos::difference(geos::multi_polygon(prev).get(), sg.get());
                CHECK(geos::area(lost.get()) <= 1e-9);
            }
            // not vacuous: the source's polygon is a real part of the union's, not all of it
            CHECK(area(sp) > 0.05 * area(up));
            CHECK(area(sp) < area(up));
            prev = sp;
        }
    }
}
