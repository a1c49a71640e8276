// The one uniform grid index (lugeo/detail/bucket_grid.hpp) and the nearest point of polylines
// on it (geometry/segment_index.hpp), against brute force: nearest and k nearest by rings,
// cells meeting a box, points far outside the grid, a limit on the distance, and NaN.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <lugeo/detail/bucket_grid.hpp>
#include "geometry/segment_index.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <vector>

using namespace lugeo;

namespace {

/// Points clustered in a few blobs (empty cells between them), `n` of them.
std::vector<XY> blobs(std::mt19937 &rng, std::size_t n) {
    std::uniform_real_distribution<double> u(0, 1);
    std::normal_distribution<double> g(0, 40);
    std::vector<XY> centres;
    for (int i = 0; i < 5; ++i)
        centres.push_back({u(rng) * 3000, u(rng) * 2000});
    std::vector<XY> pts;
    for (std::size_t i = 0; i < n; ++i) {
        const XY c = centres[i % centres.size()];
        pts.push_back({c.x + g(rng), c.y + g(rng)});
    }
    return pts;
}

/// k nearest of `pts` to p by rings (ties: the lower index), as (distance, index).
std::vector<std::pair<double, std::uint32_t>> k_nearest(const detail::BucketGrid<> &grid,
                                                        const std::vector<XY> &pts, XY p,
                                                        std::size_t k, double max_d = INFINITY) {
    std::vector<std::pair<double, std::uint32_t>> heap;
    grid.rings(
        p,
        [&](std::span<const std::uint32_t> items) {
            for (const std::uint32_t i : items) {
                const std::pair<double, std::uint32_t> e{distance(p, pts[i]), i};
                if (e.first > max_d) continue;
                if (heap.size() < k) {
                    heap.push_back(e);
                    std::push_heap(heap.begin(), heap.end());
                } else if (e < heap.front()) {
                    std::pop_heap(heap.begin(), heap.end());
                    heap.back() = e;
                    std::push_heap(heap.begin(), heap.end());
                }
            }
            return heap.size() < k ? INFINITY : heap.front().first;
        },
        max_d);
    std::sort_heap(heap.begin(), heap.end());
    return heap;
}

std::vector<std::pair<double, std::uint32_t>> brute(const std::vector<XY> &pts, XY p, std::size_t k,
                                                    double max_d = INFINITY) {
    std::vector<std::pair<double, std::uint32_t>> all;
    for (std::uint32_t i = 0; i < pts.size(); ++i)
        if (distance(p, pts[i]) <= max_d) all.push_back({distance(p, pts[i]), i});
    std::sort(all.begin(), all.end());
    all.resize(std::min(k, all.size()));
    return all;
}

} // namespace

TEST_CASE("BucketGrid rings: the k nearest agree with brute force, inside and far outside") {
    std::mt19937 rng(20261203);
    for (double cell : {7.0, 60.0, 900.0}) {
        const auto pts = blobs(rng, 400);
        Box b;
        for (XY p : pts)
            b.extend(p);
        detail::BucketGrid<> grid(b, cell);
        grid.fill_points(pts);
        std::uniform_real_distribution<double> u(-0.5, 1.5);
        for (int q = 0; q < 300; ++q) {
            // inside, beside and far outside the box (1e6 and 1e12 m away: no ring walk)
            XY p{b.minx + u(rng) * (b.maxx - b.minx), b.miny + u(rng) * (b.maxy - b.miny)};
            if (q % 50 == 0) p.x += 1e6;
            if (q % 75 == 0) p.y -= 1e12;
            for (std::size_t k : {1u, 3u, 10u}) {
                CAPTURE(cell);
                CAPTURE(k);
                CHECK(k_nearest(grid, pts, p, k) == brute(pts, p, k));
            }
            // with a distance limit: those within it only
            CHECK(k_nearest(grid, pts, p, 5, 100.0) == brute(pts, p, 5, 100.0));
        }
    }
}

TEST_CASE("BucketGrid: ties go to the lower index; NaN finds nothing; empty grids answer") {
    const std::vector<XY> pts{{0, 0}, {10, 0}, {0, 10}, {10, 10}, {5, 5}, {5, 5}};
    Box b;
    for (XY p : pts)
        b.extend(p);
    detail::BucketGrid<> grid(b, 3.0);
    grid.fill_points(pts);
    CHECK(k_nearest(grid, pts, {5, 5}, 1).front().second == 4);
    CHECK(k_nearest(grid, pts, {5, -5}, 2) == brute(pts, {5, -5}, 2)); // 0 and 1 tie at 7.07
    CHECK(k_nearest(grid, pts, {NAN, 1}, 3).empty());
    CHECK(k_nearest(grid, pts, {1, INFINITY}, 3).empty());
    const detail::BucketGrid<> none;
    CHECK(k_nearest(none, pts, {1, 1}, 3).empty());
}

TEST_CASE("BucketGrid cells_meeting: every item whose box meets the query box is seen") {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0, 1000), len(0, 120);
    std::vector<Box> boxes;
    Box all;
    for (int i = 0; i < 500; ++i) {
        const double x = u(rng), y = u(rng);
        boxes.push_back({x, y, x + len(rng), y + len(rng)});
        all.extend({boxes.back().minx, boxes.back().miny});
        all.extend({boxes.back().maxx, boxes.back().maxy});
    }
    detail::BucketGrid<> grid(all, 35.0);
    grid.fill([&](auto &&put) {
        for (std::uint32_t i = 0; i < boxes.size(); ++i)
            put(boxes[i], i);
    });
    for (int q = 0; q < 200; ++q) {
        const double x = u(rng) * 1.4 - 200, y = u(rng) * 1.4 - 200, s = len(rng);
        const Box query{x, y, x + s, y + s};
        std::set<std::uint32_t> seen;
        grid.cells_meeting(query, [&](std::span<const std::uint32_t> items) {
            seen.insert(items.begin(), items.end());
        });
        for (std::uint32_t i = 0; i < boxes.size(); ++i) {
            const Box &o = boxes[i];
            const bool meets = o.minx <= query.maxx && o.maxx >= query.minx &&
                               o.miny <= query.maxy && o.maxy >= query.miny;
            if (meets) CHECK(seen.count(i) == 1);
        }
    }
}

TEST_CASE("SegmentIndex: the nearest point of polylines agrees with brute force") {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(0, 2000), step(-80, 80);
    std::vector<LineString> lines;
    for (int l = 0; l < 60; ++l) {
        LineString ls{{u(rng), u(rng)}};
        for (int k = 0; k < 5; ++k)
            ls.push_back({ls.back().x + step(rng), ls.back().y + step(rng)});
        lines.push_back(ls);
    }
    lines.push_back({{500, 500}}); // a point
    for (double cell : {20.0, 200.0}) {
        const SegmentIndex index(lines, cell);
        for (int q = 0; q < 300; ++q) {
            const XY p{u(rng) * 1.6 - 600, u(rng) * 1.6 - 600};
            double best = INFINITY;
            for (const auto &ls : lines)
                for (std::size_t i = 0; i + 1 < std::max<std::size_t>(ls.size(), 2); ++i) {
                    double t = 0;
                    const XY a = ls[i], b = ls.size() > 1 ? ls[i + 1] : ls[i];
                    best = std::min(best, distance(p, closest_on_segment(a, b, p, t)));
                }
            const auto hit = index.nearest(p);
            REQUIRE(hit.line != SegmentIndex::npos);
            CHECK(hit.distance_m == doctest::Approx(best).epsilon(1e-12));
            CHECK(distance(p, hit.point) == doctest::Approx(best).epsilon(1e-12));
        }
    }
    CHECK(SegmentIndex({}, 50.0).nearest({1, 2}).line == SegmentIndex::npos);
}
