// The raster kernel: burning pieces into a band grid and tracing its polygons (raster.hpp).
#include "raster/raster.hpp"
#include "core/huge_pages.hpp"

#include <lugeo/error.hpp>
#include <lugeo/limits.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>
#include <atomic>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lugeo::raster {

BandGrid make_grid(const Box &box, double margin, double cell, XY origin,
                   std::vector<std::uint8_t> reuse) {
    BandGrid g;
    g.band = std::move(reuse);
    g.band.clear();
    g.cell = cell;
    if (!box.valid()) return g;
    const double pad = margin + 2 * cell;
    g.x0 = origin.x + std::floor((box.minx - pad - origin.x) / cell) * cell;
    g.y0 = origin.y + std::floor((box.miny - pad - origin.y) / cell) * cell;
    // the size in doubles first: a tiny cell must not overflow an int (or ask for 2^62 bytes)
    const double w = std::ceil((box.maxx + pad - g.x0) / cell) + 1;
    const double h = std::ceil((box.maxy + pad - g.y0) / cell) + 1;
    if (!(cell > 0) || !std::isfinite(w) || !std::isfinite(h) || w * h > limits::max_raster_cells ||
        w > 1e9 || h > 1e9) {
        const double fit =
            std::max(cell, 0.0) * std::sqrt(std::max(w * h, 1.0) / limits::max_raster_cells);
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      "a raster of %.3g x %.3g cells of %.3g m exceeds the limit of %.0f million "
                      "cells; a cell of %.3g m or more would work",
                      w, h, cell, limits::max_raster_cells / 1e6, std::ceil(fit * 100) / 100);
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("cell_m"), buf);
    }
    g.w = static_cast<int>(w);
    g.h = static_cast<int>(h);
    detail::assign_huge(g.band, static_cast<std::size_t>(g.w) * static_cast<std::size_t>(g.h),
                        BandGrid::none);
    return g;
}

namespace {

/// {x : lo <= a x + b <= hi} intersected into [l, r]; false when empty. The divisions by a
/// are done once per shape: `inv_a` is 1 / a (unused when a is 0).
struct Linear {
    double a, inv_a;
    explicit Linear(double a_) : a(a_), inv_a(std::abs(a_) < 1e-12 ? 0.0 : 1.0 / a_) {}
    bool clip(double b, double lo, double hi, double &l, double &r) const {
        if (std::abs(a) < 1e-12) return b >= lo && b <= hi;
        double x1 = (lo - b) * inv_a, x2 = (hi - b) * inv_a;
        if (x1 > x2) std::swap(x1, x2);
        l = std::max(l, x1);
        r = std::min(r, x2);
        return l <= r;
    }
};

/// The cells of rows [jlo, jhi] (never the border rows) whose centre x lies in [xl, xr],
/// per row: `interval(yc, xl, xr)` returns false when the row holds none.
/// Lowers cells i0..i1 of row j to `value` (at most).
void lower_run(BandGrid &g, int j, int i0, int i1, std::uint8_t value) {
    std::uint8_t *row = g.band.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(g.w);
    for (int i = i0; i <= i1; ++i)
        row[i] = std::min(row[i], value);
}

/// Lowers cells q0..q1 (0 <= q0 <= q1 < 64) of the 64-byte tile row at p to `value` (at
/// most): 16 cells at once, the cells outside the run lowered to 255 (unchanged).
inline void lower_tile_run(std::uint8_t *p, int q0, int q1, std::uint8_t value) {
#if defined(__SSE2__)
    const __m128i v = _mm_set1_epi8(static_cast<char>(value));
    const __m128i lo = _mm_set1_epi8(static_cast<char>(q0 - 1)),
                  hi = _mm_set1_epi8(static_cast<char>(q1 + 1));
    for (int a = q0 & ~15; a <= q1; a += 16) {
        const __m128i idx =
            _mm_add_epi8(_mm_set1_epi8(static_cast<char>(a)),
                         _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
        const __m128i in = _mm_and_si128(_mm_cmpgt_epi8(idx, lo), _mm_cmplt_epi8(idx, hi));
        __m128i *q = reinterpret_cast<__m128i *>(p + a);
        _mm_storeu_si128(q, _mm_min_epu8(_mm_loadu_si128(q),
                                         _mm_or_si128(v, _mm_andnot_si128(in, _mm_set1_epi8(-1)))));
    }
#else
    for (int q = q0; q <= q1; ++q)
        p[q] = std::min(p[q], value);
#endif
}

/// The same on the tiled grid, tile by tile (the tiles were allocated beforehand: a cell of
/// a tile that is not is counted in g's `missed`, never written).
inline void lower_run(TiledBandGrid &g, int j, int i0, int i1, std::uint8_t value, int &missed) {
    constexpr int side = TiledBandGrid::side;
    const std::uint32_t *tiles =
        g.tile.data() +
        static_cast<std::size_t>(j >> TiledBandGrid::shift) * static_cast<std::size_t>(g.tx);
    std::uint8_t *row = g.band.data() + static_cast<std::size_t>(j & (side - 1)) * side;
    for (int i = i0; i <= i1;) {
        const int end = std::min(i1, i | (side - 1));
        if (const std::uint32_t t = tiles[i >> TiledBandGrid::shift]; t == 0)
            std::atomic_ref<int>(missed).fetch_add(end - i + 1, std::memory_order_relaxed);
        else
            lower_tile_run(row + static_cast<std::size_t>(t) * TiledBandGrid::tile_cells,
                           i & (side - 1), end & (side - 1), value);
        i = end + 1;
    }
}

/// Where the burn writes: a dense grid, or a tiled one with its count of missed cells.
struct DenseTarget {
    BandGrid &g;
    void lower(int j, int i0, int i1, std::uint8_t v) const { lower_run(g, j, i0, i1, v); }
};
struct TiledTarget {
    TiledBandGrid &g;
    int &missed;
    void lower(int j, int i0, int i1, std::uint8_t v) const { lower_run(g, j, i0, i1, v, missed); }
};

template <class T, class Interval>
void burn_rows_of(const T &t, double ymin, double ymax, std::uint8_t value, int jlo, int jhi,
                  Interval &&interval) {
    const auto &g = t.g;
    const double c = g.cell, inv_c = 1.0 / c;
    const int j0 = std::max(jlo, static_cast<int>(std::ceil((ymin - g.y0) * inv_c - 0.5)));
    const int j1 = std::min(jhi, static_cast<int>(std::floor((ymax - g.y0) * inv_c - 0.5)));
    // (a cell's centre column: the least i with x0 + (i + 0.5) c >= xl, in cell units)
    const double u0 = -g.x0 * inv_c - 0.5;
    for (int j = j0; j <= j1; ++j) {
        const double yc = g.y0 + (j + 0.5) * c;
        double xl = -INFINITY, xr = INFINITY;
        if (!interval(yc, xl, xr) || !(xl <= xr)) continue;
        const double ul = std::max(1.0, std::ceil(xl * inv_c + u0));
        const double ur = std::min(g.w - 2.0, std::floor(xr * inv_c + u0));
        if (ul <= ur) t.lower(j, static_cast<int>(ul), static_cast<int>(ur), value);
    }
}

template <class G>
void burn_disc(const G &g, XY p, double r, std::uint8_t value, int jlo, int jhi) {
    const double r2 = r * r;
    burn_rows_of(g, p.y - r, p.y + r, value, jlo, jhi, [&](double yc, double &l, double &rr) {
        const double ey = yc - p.y;
        if (ey * ey > r2) return false;
        const double half = std::sqrt(r2 - ey * ey);
        l = p.x - half;
        rr = p.x + half;
        return true;
    });
}

/// The rectangle of the points within r of segment ab that project onto it (a != b).
template <class G>
void burn_rect(const G &g, XY a, XY b, double r, std::uint8_t value, int jlo, int jhi) {
    const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy, len = std::sqrt(len2);
    // t(x) = ((x - ax) dx + ey dy) / len2 in [0, 1]; s(x) = (dx ey - dy (x - ax)) / len in
    // [-r, r], with ey = yc - ay
    const Linear ta(dx / len2), sa(-dy / len);
    const double inv_len2 = 1.0 / len2, inv_len = 1.0 / len;
    const double ext = r * std::abs(dx) / len; // the rectangle's half height in y, beyond ab
    burn_rows_of(g, std::min(a.y, b.y) - ext, std::max(a.y, b.y) + ext, value, jlo, jhi,
                 [&](double yc, double &l, double &rr) {
                     const double ey = yc - a.y;
                     return ta.clip((ey * dy - a.x * dx) * inv_len2, 0.0, 1.0, l, rr) &&
                            sa.clip((dx * ey + dy * a.x) * inv_len, -r, r, l, rr);
                 });
}

/// At a vertex v between unit directions d1 (in) and d2 (out): the part of v's disc the two
/// rectangles leave, the sector {(p - v).d1 >= 0, (p - v).d2 <= 0}.
template <class G>
void burn_wedge(const G &g, XY v, XY d1, XY d2, double r, std::uint8_t value, int jlo, int jhi) {
    const double cross = d1.x * d2.y - d1.y * d2.x, dot = d1.x * d2.x + d1.y * d2.y;
    if (std::abs(cross) < 1e-12 && dot > 0) return; // straight on: nothing left
    // the sector's rays: perpendicular to d1 with u.d2 <= 0, perpendicular to d2 with u.d1 >= 0
    XY u1{-d1.y, d1.x}, u2{-d2.y, d2.x};
    if (u1.x * d2.x + u1.y * d2.y > 0) u1 = {-u1.x, -u1.y};
    if (u2.x * d1.x + u2.y * d1.y < 0) u2 = {-u2.x, -u2.y};
    double lo = std::min({0.0, u1.y, u2.y}), hi = std::max({0.0, u1.y, u2.y});
    if (d1.y >= 0 && d2.y <= 0) hi = 1; // straight north lies in the sector
    if (d1.y <= 0 && d2.y >= 0) lo = -1;
    const double r2 = r * r;
    const Linear a1(d1.x), a2(d2.x);
    burn_rows_of(g, v.y + r * lo, v.y + r * hi, value, jlo, jhi,
                 [&](double yc, double &l, double &rr) {
                     const double ey = yc - v.y;
                     if (ey * ey > r2) return false;
                     const double half = std::sqrt(r2 - ey * ey);
                     l = v.x - half;
                     rr = v.x + half;
                     return a1.clip(ey * d1.y - v.x * d1.x, 0.0, INFINITY, l, rr) &&
                            a2.clip(ey * d2.y - v.x * d2.x, -INFINITY, 0.0, l, rr);
                 });
}

/// A line's rectangles and the wedges at its inner vertices, in rows [jlo, jhi]; with its
/// end discs when `ends`. With the end discs this is the set of points within r of the line:
/// a point of an inner vertex's disc outside its wedge projects onto one of the two
/// segments (or lies in the disc of the vertex before or after, and so on to an end).
template <class G>
void burn_rows(const G &g, const LineString &line, double r, std::uint8_t value, bool ends, int jlo,
               int jhi) {
    if (line.empty()) return;
    if (ends) burn_disc(g, line.front(), r, value, jlo, jhi);
    XY prev = line.front(), dprev{0, 0};
    bool have_dir = false;
    for (std::size_t i = 1; i < line.size(); ++i) {
        const XY p = line[i];
        if (p.x == prev.x && p.y == prev.y) continue;
        const double len = distance(prev, p);
        const XY d{(p.x - prev.x) / len, (p.y - prev.y) / len};
        if (have_dir) burn_wedge(g, prev, dprev, d, r, value, jlo, jhi);
        burn_rect(g, prev, p, r, value, jlo, jhi);
        prev = p;
        dprev = d;
        have_dir = true;
    }
    if (ends && have_dir) burn_disc(g, prev, r, value, jlo, jhi);
}

} // namespace

void burn_line(BandGrid &g, const LineString &line, double r, std::uint8_t value) {
    if (g.band.empty()) return;
    g.extent.clear(); // (not kept here: unknown)
    burn_rows(DenseTarget{g}, line, r, value, true, 1, g.h - 2);
}

namespace {

/// An end of a line, with the line's value.
struct End {
    double x, y;
    std::uint8_t v;
};

/// The lines' ends, each point once with the lowest value of the lines ending there (pieces
/// meet at nodes).
std::vector<End> line_ends(const std::vector<std::pair<LineString, std::uint8_t>> &lines) {
    std::vector<End> ends;
    ends.reserve(2 * lines.size());
    for (const auto &[l, v] : lines)
        if (!l.empty()) {
            ends.push_back({l.front().x, l.front().y, v});
            ends.push_back({l.back().x, l.back().y, v});
        }
    std::sort(ends.begin(), ends.end(), [](const End &a, const End &b) {
        return a.x != b.x ? a.x < b.x : a.y != b.y ? a.y < b.y : a.v < b.v;
    });
    ends.erase(std::unique(ends.begin(), ends.end(),
                           [](const End &a, const End &b) { return a.x == b.x && a.y == b.y; }),
               ends.end());
    return ends;
}

/// Every line into the target's rows [1, h - 2], by `threads` threads (each its own slice of
/// rows): the end discs (line_ends), then each line's rectangles and inner wedges.
template <class T>
void burn_all(const T &t, int h, const std::vector<std::pair<LineString, std::uint8_t>> &lines,
              const std::vector<End> &ends, double r, unsigned threads) {
    threads = std::max(1u, std::min(threads, static_cast<unsigned>(h / 64 + 1)));
    // rows [1, h - 2] in `threads` slices: each thread writes its own rows only
    auto part = [&](unsigned th) {
        const long n = h - 2;
        const int jlo = 1 + static_cast<int>(n * th / threads);
        const int jhi = static_cast<int>(n * (th + 1) / threads);
        for (const End &e : ends)
            burn_disc(t, {e.x, e.y}, r, e.v, jlo, jhi);
        for (const auto &[l, v] : lines)
            burn_rows(t, l, r, v, false, jlo, jhi);
    };
    std::vector<std::thread> pool;
    for (unsigned th = 1; th < threads; ++th)
        pool.emplace_back(part, th);
    part(0);
    for (auto &th : pool)
        th.join();
}

} // namespace

void burn_lines(BandGrid &g, const std::vector<std::pair<LineString, std::uint8_t>> &lines,
                double r, unsigned threads) {
    if (g.band.empty()) return;
    // the extent of every value: the cells within r of its lines' boxes
    for (const auto &[l, v] : lines) {
        if (l.empty()) continue;
        if (g.extent.size() <= v) g.extent.resize(v + 1u, {g.w, g.h, -1, -1});
        Box b;
        for (const XY &p : l)
            b.extend(p);
        auto &e = g.extent[v];
        e[0] =
            std::min(e[0], std::max(1, static_cast<int>(std::floor((b.minx - r - g.x0) / g.cell))));
        e[1] =
            std::min(e[1], std::max(1, static_cast<int>(std::floor((b.miny - r - g.y0) / g.cell))));
        e[2] = std::max(
            e[2], std::min(g.w - 2, static_cast<int>(std::ceil((b.maxx + r - g.x0) / g.cell))));
        e[3] = std::max(
            e[3], std::min(g.h - 2, static_cast<int>(std::ceil((b.maxy + r - g.y0) / g.cell))));
    }
    burn_all(DenseTarget{g}, g.h, lines, line_ends(lines), r, threads);
}

void TiledBandGrid::make_room(std::size_t tiles) const {
    if (static_cast<double>(band.size() - tile_cells) + static_cast<double>(tiles) * tile_cells >
        limits::max_raster_cells) {
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "the raster reaches more than the limit of %.0f million cells of %.3g m "
                      "(a larger cell would work)",
                      limits::max_raster_cells / 1e6, cell);
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("cell_m"), buf);
    }
}

void TiledBandGrid::allocate(int ti, int tj) {
    auto &t = tile[static_cast<std::size_t>(tj) * static_cast<std::size_t>(tx) +
                   static_cast<std::size_t>(ti)];
    if (t != 0) return;
    make_room(1);
    t = static_cast<std::uint32_t>(band.size() / tile_cells);
    band.resize(band.size() + tile_cells, BandGrid::none);
}

void TiledBandGrid::allocate_wanted() {
    std::size_t n = 0;
    for (const std::uint32_t t : tile)
        n += t == wanted;
    make_room(n);
    std::uint32_t next = static_cast<std::uint32_t>(band.size() / tile_cells);
    detail::resize_huge(band, band.size() + n * tile_cells, BandGrid::none);
    for (std::uint32_t &t : tile)
        if (t == wanted) t = next++;
}

TiledBandGrid make_tiled_grid(const Box &box, double margin, double cell, XY origin,
                              std::vector<std::uint8_t> reuse) {
    TiledBandGrid g;
    g.band = std::move(reuse);
    g.band.clear();
    g.cell = cell;
    if (!box.valid()) return g;
    const double pad = margin + 2 * cell;
    g.x0 = origin.x + std::floor((box.minx - pad - origin.x) / cell) * cell;
    g.y0 = origin.y + std::floor((box.miny - pad - origin.y) / cell) * cell;
    const double w = std::ceil((box.maxx + pad - g.x0) / cell) + 1;
    const double h = std::ceil((box.maxy + pad - g.y0) / cell) + 1;
    // the tile table is the only memory that follows the box: 4 bytes per 4,096 cells
    constexpr double max_box_cells = 2e10; // a 700 km square at 5 m: a 20 MB tile table
    if (!(cell > 0) || !std::isfinite(w) || !std::isfinite(h) || w > 1e9 || h > 1e9 ||
        w * h > max_box_cells) {
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "a raster of %.3g x %.3g cells of %.3g m exceeds the limit of %.0f million "
                      "cells for its box; a larger cell would work",
                      w, h, cell, max_box_cells / 1e6);
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("cell_m"), buf);
    }
    g.w = static_cast<int>(w);
    g.h = static_cast<int>(h);
    g.tx = (g.w + TiledBandGrid::side - 1) / TiledBandGrid::side;
    g.ty = (g.h + TiledBandGrid::side - 1) / TiledBandGrid::side;
    g.tile.assign(static_cast<std::size_t>(g.tx) * static_cast<std::size_t>(g.ty), 0);
    g.band.assign(TiledBandGrid::tile_cells, BandGrid::none); // storage tile 0: `none`
    return g;
}

void burn_lines(TiledBandGrid &g, const std::vector<std::pair<LineString, std::uint8_t>> &lines,
                double r, unsigned threads) {
    if (g.tile.empty()) return;
    // (the ends sorted on a second thread while the tiles are chosen here)
    std::future<std::vector<End>> ends =
        std::async(threads > 1 ? std::launch::async : std::launch::deferred,
                   [&lines] { return line_ends(lines); });
    // the tiles within r (and a cell) of every segment: each segment cut into steps of at
    // most a tile, each step's box grown by r + a cell (the step's capsule lies inside)
    const double span = TiledBandGrid::side * g.cell, grow = r + 2 * g.cell;
    auto cover = [&](XY a, XY b) {
        const int i0 =
            std::max(0, static_cast<int>(std::floor((std::min(a.x, b.x) - grow - g.x0) / span)));
        const int i1 = std::min(
            g.tx - 1, static_cast<int>(std::floor((std::max(a.x, b.x) + grow - g.x0) / span)));
        const int j0 =
            std::max(0, static_cast<int>(std::floor((std::min(a.y, b.y) - grow - g.y0) / span)));
        const int j1 = std::min(
            g.ty - 1, static_cast<int>(std::floor((std::max(a.y, b.y) + grow - g.y0) / span)));
        for (int tj = j0; tj <= j1; ++tj)
            for (int ti = i0; ti <= i1; ++ti) {
                auto &t = g.tile[static_cast<std::size_t>(tj) * static_cast<std::size_t>(g.tx) +
                                 static_cast<std::size_t>(ti)];
                if (t == 0) t = TiledBandGrid::wanted;
            }
    };
    for (const auto &[l, v] : lines) {
        if (l.size() == 1) cover(l[0], l[0]);
        for (std::size_t i = 0; i + 1 < l.size(); ++i) {
            const XY a = l[i], b = l[i + 1];
            const int n = std::max(1, static_cast<int>(std::ceil(distance(a, b) / span)));
            for (int q = 0; q < n; ++q) {
                const double f0 = static_cast<double>(q) / n, f1 = static_cast<double>(q + 1) / n;
                cover({a.x + (b.x - a.x) * f0, a.y + (b.y - a.y) * f0},
                      {a.x + (b.x - a.x) * f1, a.y + (b.y - a.y) * f1});
            }
        }
    }
    g.allocate_wanted(); // at once: the band vector does not grow (and copy) tile by tile
    int missed = 0;
    burn_all(TiledTarget{g, missed}, g.h, lines, ends.get(), r, threads);
    if (missed > 0) throw std::logic_error("raster: a burnt cell lies outside the allocated tiles");
}

namespace {

// Sides of a cell, and the direction a boundary edge on that side runs with the inside on
// its left: S runs east, E north, N west, W south.
enum Side : int { S = 0, E = 1, N = 2, W = 3 };

/// A lattice point, in half cells from the grid's corner (a grid is at most 1e9 cells wide
/// and high: make_tiled_grid, limits::max_raster_cells).
using Pt = std::pair<std::int32_t, std::int32_t>;

Pt lattice(long x, long y) {
    return {static_cast<std::int32_t>(x), static_cast<std::int32_t>(y)};
}

struct RingInfo {
    std::vector<Pt> lat;                      ///< vertices in half cells from the grid's corner
    double area_m2 = 0;                       ///< signed: > 0 outer (counter-clockwise), < 0 hole
    std::size_t keys_begin = 0, keys_end = 0; ///< its E and W edges in Tracer::m_keys
    std::size_t left_e = 0, left_w = 0;       ///< cells of the leftmost E-side and W-side edges
    int left_e_col = 1 << 30, left_w_col = 1 << 30;
    int owner = -1; ///< hole: its outer ring; outer: the hole it lies in (-1: none)
    bool resolved = false;
    int state = -1; ///< -1 unknown, 0 kept, 1 filled (holes), 2 dropped
};

/// What the tracer traces (see trace).
enum class Mode { mask, label, nested };

/// The window of the cells traced for k (the values <= k, or == k, grown by one cell so
/// that the labels next to every traced cell are in it) as {i0, j0, i1, j1}, from the
/// grid's extent; nullopt when the extent is unknown (the whole grid); i0 > i1 when no
/// cell is traced.
std::optional<std::array<int, 4>> traced_window(const BandGrid &g, std::uint8_t k) {
    if (g.extent.empty()) return std::nullopt;
    int i0 = g.w, j0 = g.h, i1 = -1, j1 = -1;
    for (std::size_t v = 0; v <= k && v < g.extent.size(); ++v) {
        const auto &e = g.extent[v];
        if (e[0] > e[2]) continue;
        i0 = std::min(i0, e[0] - 1);
        j0 = std::min(j0, e[1] - 1);
        i1 = std::max(i1, e[2] + 1);
        j1 = std::max(j1, e[3] + 1);
    }
    if (i0 > i1) return std::array<int, 4>{1, 1, 0, 0};
    return std::array<int, 4>{std::max(i0, 0), std::max(j0, 0), std::min(i1, g.w - 1),
                              std::min(j1, g.h - 1)};
}

/// The cells of window {i0, j0, i1, j1} of g, as a grid of their own (extent unknown).
BandGrid crop(const BandGrid &g, const std::array<int, 4> &win) {
    const long cw = win[2] - win[0] + 1, ch = win[3] - win[1] + 1;
    BandGrid c;
    c.cell = g.cell;
    c.x0 = g.x0 + win[0] * g.cell;
    c.y0 = g.y0 + win[1] * g.cell;
    c.w = static_cast<int>(cw);
    c.h = static_cast<int>(ch);
    c.band.resize(static_cast<std::size_t>(cw * ch));
    for (long j = 0; j < ch; ++j)
        std::memcpy(c.band.data() + j * cw, g.band.data() + (j + win[1]) * g.w + win[0],
                    static_cast<std::size_t>(cw));
    return c;
}

/// The tracers' bits: bit b of word w is stored cell 64 w + b (dense: cell c is bit c; tiled:
/// word t * 64 + row holds one row of storage tile t's cells).
bool bit(const std::uint64_t *bits, std::size_t s) {
    return ((bits[s >> 6] >> (s & 63)) & 1) != 0;
}
void set_bit(std::uint64_t *bits, std::size_t s) {
    bits[s >> 6] |= 1ULL << (s & 63);
}

/// Dense: a cell's index is its storage; rows of nx = w cells.
struct DenseLayout {
    std::size_t nx, ny;
    static std::size_t s(std::size_t c) { return c; }
    long ci(std::size_t c) const { return static_cast<long>(c % nx); }
    long cj(std::size_t c) const { return static_cast<long>(c / nx); }
    /// Words of bits for `cells` stored cells (one more: scan reads a word past the last).
    static std::size_t words(std::size_t cells) { return cells / 64 + 2; }
    static void clear_shared(std::uint64_t *) {}
    /// Every interior cell that is inside with its south neighbour outside and whose south
    /// edge is not `seen` (when f is called), in row-major order: 64 cells at once.
    template <class F> void scan(const std::uint64_t *in, const std::uint64_t *seen, F &&f) const {
        auto get = [](const std::uint64_t *b, std::size_t p) -> std::uint64_t {
            const std::size_t w = p >> 6;
            const unsigned o = static_cast<unsigned>(p & 63);
            return o == 0 ? b[w] : (b[w] >> o) | (b[w + 1] << (64 - o));
        };
        for (std::size_t j = 1; j + 1 < ny; ++j)
            for (std::size_t i = 1; i + 1 < nx; i += 64) {
                const std::size_t c0 = j * nx + i, n = std::min<std::size_t>(64, nx - 1 - i);
                const std::uint64_t valid = n == 64 ? ~0ULL : (1ULL << n) - 1;
                std::uint64_t m = get(in, c0) & ~get(in, c0 - nx) & valid;
                while (m != 0) {
                    const std::size_t c = c0 + static_cast<std::size_t>(std::countr_zero(m));
                    m &= m - 1;
                    if (!bit(seen, c)) f(c);
                }
            }
    }
};

/// Tiled: rows of a power-of-two stride nx >= w (so that i and j are a mask and a shift);
/// a cell's storage is in its tile (the shared tile 0 for a tile not allocated).
struct TiledLayout {
    const TiledBandGrid &g;
    std::size_t nx, ny;
    int lg;
    std::vector<std::vector<int>> cols; ///< per row of tiles: its allocated tile columns
    explicit TiledLayout(const TiledBandGrid &grid)
        : g(grid), nx(1), ny(static_cast<std::size_t>(grid.h)), lg(0),
          cols(static_cast<std::size_t>(grid.ty)) {
        while (nx < static_cast<std::size_t>(grid.w)) {
            nx <<= 1;
            ++lg;
        }
        for (int tj = 0; tj < g.ty; ++tj)
            for (int ti = 0; ti < g.tx; ++ti)
                if (g.allocated(ti, tj) && !enclosed(ti, tj))
                    cols[static_cast<std::size_t>(tj)].push_back(ti);
    }
    /// A tile whose storage backs its four neighbours too: a shared tile of one value
    /// inside a region of that value, holding no boundary (nothing to scan).
    bool enclosed(int ti, int tj) const {
        return ti > 0 && tj > 0 && ti + 1 < g.tx && tj + 1 < g.ty &&
               tile(ti - 1, tj) == tile(ti, tj) && tile(ti + 1, tj) == tile(ti, tj) &&
               tile(ti, tj - 1) == tile(ti, tj) && tile(ti, tj + 1) == tile(ti, tj);
    }
    std::size_t s(std::size_t c) const {
        return g.storage(static_cast<int>(c & (nx - 1)), static_cast<int>(c >> lg));
    }
    long ci(std::size_t c) const { return static_cast<long>(c & (nx - 1)); }
    long cj(std::size_t c) const { return static_cast<long>(c >> lg); }
    static std::size_t words(std::size_t cells) { return cells / 64; }
    /// the shared tile is outside everywhere (it is never marked inside, so never written)
    static void clear_shared(std::uint64_t *in) { std::fill_n(in, TiledBandGrid::side, 0); }
    /// DenseLayout::scan on the allocated tiles: a tile's row of 64 cells is one word, so a
    /// row is tested against the row below at once.
    template <class F> void scan(const std::uint64_t *in, const std::uint64_t *seen, F &&f) const {
        constexpr int side = TiledBandGrid::side;
        auto word = [&](int ti, int j) {
            return static_cast<std::size_t>(tile(ti, j >> TiledBandGrid::shift)) * side +
                   static_cast<std::size_t>(j & (side - 1));
        };
        for (int j = 1; j + 1 < g.h; ++j) {
            const int tj = j >> TiledBandGrid::shift;
            for (const int ti : cols[static_cast<std::size_t>(tj)]) {
                const std::size_t w = word(ti, j);
                std::uint64_t m = in[w] & ~in[word(ti, j - 1)] & interior(ti);
                const std::size_t c0 =
                    (static_cast<std::size_t>(j) << lg) + static_cast<std::size_t>(ti) * side;
                while (m != 0) {
                    const int b = std::countr_zero(m);
                    m &= m - 1;
                    if (!bit(seen, w * side + static_cast<std::size_t>(b)))
                        f(c0 + static_cast<std::size_t>(b));
                }
            }
        }
    }

private:
    std::uint32_t tile(int ti, int tj) const {
        return g.tile[static_cast<std::size_t>(tj) * static_cast<std::size_t>(g.tx) +
                      static_cast<std::size_t>(ti)];
    }
    /// The bits of tile column ti's cells i with 1 <= i <= w - 2.
    std::uint64_t interior(int ti) const {
        const int lo = std::max(1 - ti * TiledBandGrid::side, 0);
        const int hi = std::min(g.w - 2 - ti * TiledBandGrid::side, TiledBandGrid::side - 1);
        if (lo > hi) return 0;
        const std::uint64_t upto = hi == 63 ? ~0ULL : (1ULL << (hi + 1)) - 1;
        return upto & ~((1ULL << lo) - 1);
    }
};

/// The stages of trace on one grid: mark the traced cells, follow the rings of their
/// boundary, find each ring's owner (by rays on the grid), decide which rings are kept,
/// filled or dropped, and assemble the polygons. A cell is named by its index
/// c = j * nx + i (nx: the layout's row stride); the layout says where its band is stored
/// (dense: at c; tiled: in its tile) and so which bits are its own.
template <class L> class Tracer {
public:
    Tracer(const L &layout, const std::uint8_t *labels, std::size_t storage_cells, double x0,
           double y0, double cell, std::uint8_t k, Mode mode, Scratch &scratch)
        : m_L(layout), m_x0(x0), m_y0(y0), m_k(k), m_mode(mode), m_nx(layout.nx), m_ny(layout.ny),
          m_labels(labels), m_cells(storage_cells), m_off{-static_cast<std::ptrdiff_t>(m_nx), 1,
                                                          static_cast<std::ptrdiff_t>(m_nx), -1},
          m_half(cell / 2), m_words(L::words(storage_cells)) {
        scratch.resize(2 * m_words);
        m_in = scratch.data();
        m_seen = m_in + m_words;
    }

    /// Stage 1: the inside bits (band <= k, or label == k), 64 cells to a word.
    void mark() {
        const std::size_t full = m_cells / 64;
        const bool eq = m_mode == Mode::label;
        for (std::size_t w = 0; w < full; ++w)
            m_in[w] = inside_bits(m_labels + 64 * w, eq);
        for (std::size_t w = full; w < m_words; ++w)
            m_in[w] = 0;
        for (std::size_t c = 64 * full; c < m_cells; ++c)
            if (eq ? m_labels[c] == m_k : m_labels[c] <= m_k) set_bit(m_in, c);
        m_L.clear_shared(m_in);
        std::fill_n(m_seen, m_words, 0);
    }

    /// Stage 2: every ring of the boundary between inside and outside cells, with the ring
    /// of every E and W boundary edge. Every ring has an edge on a south side (the sides of
    /// a walk turn through all four directions: a walk without S edges never runs east and
    /// cannot close), so the walks start there only, at the S edges not yet traced.
    void follow_rings() {
        m_L.scan(m_in, m_seen, [&](std::size_t c0) {
            walk(c0, S);
            add_rings();
        });
    }

    /// Stage 3: each ring's owner, by casting a ray west on the grid from its leftmost edge
    /// (every E and W boundary edge was traced: the lookup cannot miss). A hole: from the
    /// cell left of its leftmost E edge (inside), west to the run's start, whose W edge
    /// belongs to this polygon's outer ring or to another of its holes (farther left). An
    /// outer ring: from its leftmost W edge west across outside cells to the first inside
    /// cell, whose E edge belongs to the hole it lies in, or to a sibling island (farther
    /// left); none: top level. A hole's owner is the outer ring it reaches, an outer's the
    /// hole it reaches.
    void find_owners() {
        constexpr std::uint64_t no_edge = ~0ULL;
        std::vector<std::uint64_t> reached(m_rings.size(), no_edge); // cell * 4 + side
        for (std::size_t r = 0; r < m_rings.size(); ++r) {
            RingInfo &ring = m_rings[r];
            if (ring.area_m2 < 0) {
                std::size_t c = ring.left_e;
                while (inside(c - 1))
                    --c;
                reached[r] = static_cast<std::uint64_t>(c) * 4 + W;
            } else {
                std::size_t c = ring.left_w - 1;
                const std::size_t row_start = c - static_cast<std::size_t>(m_L.ci(c));
                while (c > row_start && !inside(c))
                    --c;
                if (inside(c)) reached[r] = static_cast<std::uint64_t>(c) * 4 + E;
            }
        }
        std::vector<int> step = rings_of(reached, no_edge);
        std::vector<int> chain;
        for (std::size_t r = 0; r < m_rings.size(); ++r) {
            chain.clear();
            int q = static_cast<int>(r);
            const bool hole = m_rings[r].area_m2 < 0;
            while (q >= 0 && !ring(q).resolved) {
                const int next = step[static_cast<std::size_t>(q)];
                if (next < 0 || (ring(next).area_m2 < 0) != hole) {
                    ring(q).owner = next;
                    ring(q).resolved = true;
                    break;
                }
                chain.push_back(q);
                q = next;
            }
            const int owner = q >= 0 ? ring(q).owner : -1;
            for (int x : chain) {
                ring(x).owner = owner;
                ring(x).resolved = true;
            }
        }
    }

    /// Stage 4: each ring's state: holes below the area filled; whatever lies in a filled
    /// or dropped hole dropped.
    void decide(double fill_holes_below_m2) {
        for (std::size_t r = 0; r < m_rings.size(); ++r)
            state_of(static_cast<int>(r), fill_holes_below_m2);
    }

    /// Stage 5: the kept outer rings with their kept holes, in world coordinates; the filled
    /// holes into `filled` (optional).
    MultiPolygon assemble(std::vector<std::vector<Pt>> *filled) {
        MultiPolygon out;
        std::vector<int> poly_of(m_rings.size(), -1);
        for (std::size_t r = 0; r < m_rings.size(); ++r)
            if (m_rings[r].area_m2 > 0 && m_rings[r].state == 0) {
                poly_of[r] = static_cast<int>(out.size());
                out.push_back(Polygon{world(std::move(m_rings[r].lat)), {}});
            }
        for (std::size_t r = 0; r < m_rings.size(); ++r) {
            if (m_rings[r].area_m2 >= 0) continue;
            const int st = m_rings[r].state;
            if (st == 0)
                out[static_cast<std::size_t>(poly_of[static_cast<std::size_t>(m_rings[r].owner)])]
                    .holes.push_back(world(std::move(m_rings[r].lat)));
            else if (st == 1 && filled)
                filled->push_back(std::move(m_rings[r].lat));
        }
        return out;
    }

private:
    bool inside(std::size_t c) const { return bit(m_in, m_L.s(c)); }
    /// Bit q: cell p[q] is inside (== k when eq, else <= k).
    std::uint64_t inside_bits(const std::uint8_t *p, bool eq) const {
        std::uint64_t out = 0;
#if defined(__SSE2__)
        const __m128i k = _mm_set1_epi8(static_cast<char>(m_k));
        for (int q = 0; q < 4; ++q) {
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 16 * q));
            const __m128i m = eq ? _mm_cmpeq_epi8(x, k) : _mm_cmpeq_epi8(_mm_min_epu8(x, k), x);
            out |= static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(m)))
                   << (16 * q);
        }
#else
        for (int q = 0; q < 64; ++q)
            out |= static_cast<std::uint64_t>(eq ? p[q] == m_k : p[q] <= m_k) << q;
#endif
        return out;
    }
    std::uint8_t label(std::size_t c) const {
        return m_labels[m_L.s(c)];
    }
    static std::size_t at(std::size_t c, std::ptrdiff_t d) {
        return static_cast<std::size_t>(static_cast<std::ptrdiff_t>(c) + d);
    }
    RingInfo &ring(int r) {
        return m_rings[static_cast<std::size_t>(r)];
    }

    /// One ring from side s0 of cell c0 into m_pts (with its E/W sides and pinch points).
    void walk(std::size_t c0, int s0) {
        // midpoint of each side, in half cells from the cell's lower-left corner
        static constexpr int mid[4][2] = {{1, 0}, {2, 1}, {1, 2}, {0, 1}};
        // the cell corner between side s and side s + 1 (the centre of a marching-squares cell)
        static constexpr int corner[4][2] = {{2, 0}, {2, 2}, {0, 2}, {0, 0}};
        m_pts.clear();
        m_side_at.clear();
        m_pinches.clear();
        m_walk_keys = m_keys.size();
        std::size_t c = c0;
        int s = s0;
        do {
            if (s == S) set_bit(m_seen, m_L.s(c));
            const long ci = m_L.ci(c), cj = m_L.cj(c);
            m_pts.push_back(lattice(2 * ci + mid[s][0], 2 * cj + mid[s][1]));
            if (s == E || s == W) {
                m_keys.push_back(static_cast<std::uint64_t>(c) * 4 + static_cast<std::uint64_t>(s));
                // (only a nested walk can split at pinches and needs to know where it was)
                if (m_mode == Mode::nested)
                    m_side_at.push_back(static_cast<std::uint32_t>(m_pts.size() - 1));
            }
            const int s1 = (s + 1) % 4;
            const std::size_t nb = at(c, m_off[s]);
            const std::size_t diag = at(c, m_off[s] + m_off[s1]);
            const std::size_t ahead = at(c, m_off[s1]);
            bool go_diag = inside(diag), go_ahead = false, centre = false;
            const bool saddle = go_diag && !inside(ahead);
            if (m_mode == Mode::label && saddle) {
                // saddle: k joins its diagonal cells unless the other two cells are one
                // lower label (that label joins instead)
                go_diag = label(ahead) != label(nb) || m_k < label(nb);
            } else if (m_mode == Mode::nested && saddle) {
                // two inside labels on a diagonal join only if they are one label
                go_diag = label(c) == label(diag);
            } else if (m_mode == Mode::nested && go_diag) {
                // three inside: the outside cell keeps a quarter (not a triangle) when its
                // two neighbours hold different labels
                centre = label(c) != label(diag);
            }
            if (!go_diag) go_ahead = inside(ahead);
            if (centre) m_pts.push_back(lattice(2 * ci + corner[s][0], 2 * cj + corner[s][1]));
            if (go_diag) {
                c = diag;
                s = (s + 3) % 4;
            } else if (go_ahead) {
                c = ahead;
            } else {
                // this cell holds one corner of its label (label, nested) in this
                // marching-squares cell: when the two neighbouring corners differ, it takes
                // its quarter, through the shared corner point
                if (m_mode != Mode::mask && label(nb) != label(ahead)) {
                    m_pts.push_back(lattice(2 * ci + corner[s][0], 2 * cj + corner[s][1]));
                    if (m_mode == Mode::nested && saddle) m_pinches.push_back(m_pts.size() - 1);
                }
                s = s1;
            }
        } while (c != c0 || s != s0);
    }

    /// The walked sequence split at pinch points visited twice (nested: two quarters of
    /// different labels on a diagonal), so that every ring is simple: sequences of indices
    /// into m_pts; false (and m_subs untouched) when the walk is one ring.
    bool split_at_pinches() {
        if (m_pinches.size() < 2) return false;
        std::sort(m_pinches.begin(), m_pinches.end(), [&](std::size_t a, std::size_t b) {
            return m_pts[a] != m_pts[b] ? m_pts[a] < m_pts[b] : a < b;
        });
        bool split = false;
        for (std::size_t q = 0; q + 1 < m_pinches.size(); ++q) {
            if (m_pts[m_pinches[q]] != m_pts[m_pinches[q + 1]]) continue;
            if (!split) {
                m_subs.assign(1, std::vector<std::size_t>(m_pts.size()));
                for (std::size_t i = 0; i < m_pts.size(); ++i)
                    m_subs[0][i] = i;
                split = true;
            }
            const std::size_t a = m_pinches[q], b = m_pinches[q + 1]; // a < b
            // the sub-sequence holding a (and then b): cut [a, b) out of it
            for (auto &seq : m_subs) {
                auto ia = std::find(seq.begin(), seq.end(), a);
                if (ia == seq.end()) continue;
                auto ib = std::find(ia, seq.end(), b);
                if (ib == seq.end()) break;
                std::vector<std::size_t> loop(ia, ib);
                seq.erase(ia, ib);
                m_subs.push_back(std::move(loop));
                break;
            }
        }
        return split;
    }

    /// One closed sequence of n lattice points (point q: pt(q)) into a ring: collinear
    /// points dropped, area.
    template <class At> RingInfo make_ring(std::size_t n, At &&pt) const {
        RingInfo ring;
        auto corner = [&](std::size_t q) {
            const Pt &p = pt(q), &pn = pt(q + 1 == n ? 0 : q + 1), &pv = pt(q == 0 ? n - 1 : q - 1);
            const long ax = p.first - pv.first, ay = p.second - pv.second;
            const long bx = pn.first - p.first, by = pn.second - p.second;
            return ax * by - ay * bx != 0;
        };
        std::size_t corners = 0; // counted first: the ring's memory is exact
        for (std::size_t q = 0; q < n; ++q)
            corners += corner(q);
        ring.lat.reserve(corners + 1);
        long long twice = 0;
        for (std::size_t q = 0; q < n; ++q) {
            const Pt &p = pt(q), &pn = pt(q + 1 == n ? 0 : q + 1);
            twice += static_cast<long long>(p.first) * pn.second -
                     static_cast<long long>(pn.first) * p.second;
            if (corner(q)) ring.lat.push_back(p);
        }
        ring.lat.push_back(ring.lat.front());
        ring.area_m2 = static_cast<double>(twice) / 2 * m_half * m_half;
        return ring;
    }

    /// The walked sequence as rings (split at pinches), each ring with its E/W edges (a
    /// range of m_keys) and its leftmost E and W edges.
    void add_rings() {
        const std::size_t first = m_rings.size();
        if (!split_at_pinches()) {
            m_rings.push_back(
                make_ring(m_pts.size(), [&](std::size_t q) -> const Pt & { return m_pts[q]; }));
            m_rings.back().keys_begin = m_walk_keys;
        } else {
            // the walk's keys regrouped by ring (a counting sort: rings keep their order)
            std::vector<std::uint32_t> sub_of(m_pts.size(), 0);
            std::vector<std::size_t> begin(m_subs.size() + 1, 0);
            for (std::size_t t = 0; t < m_subs.size(); ++t) {
                for (std::size_t q : m_subs[t])
                    sub_of[q] = static_cast<std::uint32_t>(t);
                const auto &seq = m_subs[t];
                m_rings.push_back(make_ring(
                    seq.size(), [&](std::size_t q) -> const Pt & { return m_pts[seq[q]]; }));
            }
            for (const std::uint32_t q : m_side_at)
                ++begin[sub_of[q] + 1];
            for (std::size_t t = 0; t < m_subs.size(); ++t)
                begin[t + 1] += begin[t];
            std::vector<std::uint64_t> keys(m_side_at.size());
            std::vector<std::size_t> next(begin.begin(), begin.end() - 1);
            for (std::size_t e = 0; e < m_side_at.size(); ++e)
                keys[next[sub_of[m_side_at[e]]]++] = m_keys[m_walk_keys + e];
            std::copy(keys.begin(), keys.end(), m_keys.begin() + static_cast<long>(m_walk_keys));
            for (std::size_t t = 0; t < m_subs.size(); ++t)
                m_rings[first + t].keys_begin = m_walk_keys + begin[t];
        }
        for (std::size_t r = first; r < m_rings.size(); ++r) {
            RingInfo &ring = m_rings[r];
            ring.keys_end = r + 1 < m_rings.size() ? m_rings[r + 1].keys_begin : m_keys.size();
            for (std::size_t e = ring.keys_begin; e < ring.keys_end; ++e) {
                const std::size_t cell = static_cast<std::size_t>(m_keys[e] / 4);
                const int side = static_cast<int>(m_keys[e] % 4);
                const int ci = static_cast<int>(m_L.ci(cell));
                int &col = side == E ? ring.left_e_col : ring.left_w_col;
                if (ci < col) {
                    col = ci;
                    (side == E ? ring.left_e : ring.left_w) = cell;
                }
            }
        }
    }

    /// The ring of each edge in `edges` (cell * 4 + side; -1 for `none`), in one pass over
    /// the traced E and W edges: the few edges asked for go into a small hash table.
    std::vector<int> rings_of(const std::vector<std::uint64_t> &edges, std::uint64_t none) const {
        std::size_t size = 16;
        while (size < 2 * edges.size())
            size <<= 1;
        const int bits = std::countr_zero(size);
        std::vector<std::pair<std::uint64_t, int>> table(size, {none, -1});
        auto slot = [&](std::uint64_t key) {
            std::size_t q = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
            while (table[q].first != key && table[q].first != none)
                q = (q + 1) & (size - 1);
            return q;
        };
        for (const std::uint64_t e : edges)
            if (e != none) table[slot(e)].first = e;
        for (std::size_t r = 0; r < m_rings.size(); ++r)
            for (std::size_t e = m_rings[r].keys_begin; e < m_rings[r].keys_end; ++e)
                if (auto &t = table[slot(m_keys[e])]; t.first == m_keys[e])
                    t.second = static_cast<int>(r);
        std::vector<int> out(edges.size(), -1);
        for (std::size_t r = 0; r < edges.size(); ++r) {
            if (edges[r] == none) continue;
            out[r] = table[slot(edges[r])].second;
            if (out[r] < 0) throw std::logic_error("raster polygonize: untraced edge");
        }
        return out;
    }

    int state_of(int r, double fill_below) {
        RingInfo &rg = ring(r);
        if (rg.state >= 0) return rg.state;
        if (rg.area_m2 < 0) {
            const int outer_state = state_of(rg.owner, fill_below);
            rg.state = outer_state == 2 ? 2 : (-rg.area_m2 < fill_below ? 1 : 0);
        } else {
            rg.state = rg.owner < 0 ? 0 : (state_of(rg.owner, fill_below) == 0 ? 0 : 2);
        }
        return rg.state;
    }

    /// A ring in world coordinates (its lattice points freed: a ring is in memory once).
    Ring world(std::vector<Pt> &&lat) const {
        Ring r;
        r.reserve(lat.size());
        for (const auto &[x, y] : lat)
            r.push_back(
                {m_x0 + static_cast<double>(x) * m_half, m_y0 + static_cast<double>(y) * m_half});
        std::vector<Pt>().swap(lat);
        return r;
    }

    const L &m_L;
    double m_x0, m_y0;
    std::uint8_t m_k;
    Mode m_mode;
    std::size_t m_nx, m_ny;
    const std::uint8_t *m_labels;
    std::size_t m_cells;
    std::ptrdiff_t m_off[4];
    double m_half;
    std::size_t m_words;             ///< per bit array
    std::uint64_t *m_in = nullptr;   ///< per stored cell: inside
    std::uint64_t *m_seen = nullptr; ///< per stored cell: its S edge traced
    std::vector<RingInfo> m_rings;
    /// every traced E and W edge (cell * 4 + side), grouped by ring (RingInfo::keys_begin)
    std::vector<std::uint64_t> m_keys;
    // the ring being walked
    std::vector<Pt> m_pts;
    std::size_t m_walk_keys = 0;          ///< where its edges begin in m_keys
    std::vector<std::uint32_t> m_side_at; ///< nested: per edge of the walk, its index in m_pts
    std::vector<std::size_t> m_pinches;   ///< indices in m_pts
    std::vector<std::vector<std::size_t>> m_subs; ///< the walk split at pinches
};

/// The tracer behind polygonize, polygonize_label and polygonize_nested.
///  - mask: the mask is band <= k; diagonally touching inside cells are always joined.
///  - label: the mask is band == k, and the multi-label rules of polygonize_label decide
///    saddles and add the shared corner where three or four labels meet.
///  - nested: the mask is band <= k, traced as the union of the polygonize_label regions of
///    the labels <= k (see polygonize_nested); a ring that touches itself at a marching-
///    squares cell centre is split there into two rings.
/// `filled` (optional) receives the filled holes, in half cells from the grid's corner.
/// When the grid's extent says the traced cells fill less than 3/4 of it, only their window
/// is traced (a cropped copy).
MultiPolygon trace(const BandGrid &g, std::uint8_t k, Mode mode, double fill_holes_below_m2,
                   Scratch &scratch, std::vector<std::vector<Pt>> *filled = nullptr) {
    if (g.band.empty()) return {};
    if (const auto win = traced_window(g, k)) {
        const auto [i0, j0, i1, j1] = *win;
        if (i0 > i1) return {}; // nothing traced
        const long cw = i1 - i0 + 1, ch = j1 - j0 + 1;
        if (cw * ch < static_cast<long>(g.band.size()) * 3 / 4) {
            const std::size_t before = filled ? filled->size() : 0;
            MultiPolygon out = trace(crop(g, *win), k, mode, fill_holes_below_m2, scratch, filled);
            if (filled)
                for (std::size_t q = before; q < filled->size(); ++q)
                    for (auto &p : (*filled)[q]) {
                        p.first += 2 * i0;
                        p.second += 2 * j0;
                    }
            return out;
        }
    }
    const DenseLayout layout{static_cast<std::size_t>(g.w), static_cast<std::size_t>(g.h)};
    Tracer<DenseLayout> t(layout, g.band.data(), g.band.size(), g.x0, g.y0, g.cell, k, mode,
                          scratch);
    t.mark();
    t.follow_rings();
    t.find_owners();
    t.decide(fill_holes_below_m2);
    return t.assemble(filled);
}

/// trace on the tiled grid (no window: the tiles are the window).
MultiPolygon trace(const TiledBandGrid &g, std::uint8_t k, Mode mode, double fill_holes_below_m2,
                   Scratch &scratch, std::vector<std::vector<Pt>> *filled = nullptr) {
    if (g.tile.empty()) return {};
    const TiledLayout layout(g);
    Tracer<TiledLayout> t(layout, g.band.data(), g.band.size(), g.x0, g.y0, g.cell, k, mode,
                          scratch);
    t.mark();
    t.follow_rings();
    t.find_owners();
    t.decide(fill_holes_below_m2);
    return t.assemble(filled);
}

} // namespace

MultiPolygon polygonize(const BandGrid &g, std::uint8_t k, double fill_holes_below_m2,
                        Scratch &scratch) {
    return trace(g, k, Mode::mask, fill_holes_below_m2, scratch);
}

MultiPolygon polygonize_label(const BandGrid &g, std::uint8_t label, Scratch &scratch) {
    return trace(g, label, Mode::label, 0.0, scratch);
}

MultiPolygon polygonize_nested(const BandGrid &g, std::uint8_t k, Scratch &scratch) {
    return trace(g, k, Mode::nested, 0.0, scratch);
}

namespace {

std::uint8_t cell_at(const BandGrid &g, long i, long j) {
    return g.band[static_cast<std::size_t>(j) * static_cast<std::size_t>(g.w) +
                  static_cast<std::size_t>(i)];
}
std::uint8_t &cell_ref(BandGrid &g, long i, long j) {
    return g.band[static_cast<std::size_t>(j) * static_cast<std::size_t>(g.w) +
                  static_cast<std::size_t>(i)];
}
std::uint8_t cell_at(const TiledBandGrid &g, long i, long j) {
    return g.at(static_cast<int>(i), static_cast<int>(j));
}
/// (allocates the cell's tile: a hole above a tile's area may hold one no line reaches)
std::uint8_t &cell_ref(TiledBandGrid &g, long i, long j) {
    g.allocate(static_cast<int>(i >> TiledBandGrid::shift),
               static_cast<int>(j >> TiledBandGrid::shift));
    return g.band[g.storage(static_cast<int>(i), static_cast<int>(j))];
}
bool empty_grid(const BandGrid &g) {
    return g.band.empty();
}
bool empty_grid(const TiledBandGrid &g) {
    return g.tile.empty();
}

template <class G>
std::vector<std::optional<MultiPolygon>> fill_holes_of(G &g, std::size_t bands, double below_m2,
                                                       Scratch &scratch) {
    std::vector<std::optional<MultiPolygon>> traced(bands);
    if (empty_grid(g)) return traced;
    std::vector<std::vector<Pt>> holes;
    std::vector<double> xs;
    // per level: the lowest band next to (8 neighbours) a cell its fill changed
    std::vector<std::uint8_t> touched(bands, BandGrid::none);
    for (std::size_t k = 0; k < bands; ++k) {
        holes.clear();
        const auto kb = static_cast<std::uint8_t>(k);
        traced[k] = trace(g, kb, Mode::nested, below_m2, scratch, &holes);
        // every cell whose centre (2i + 1, 2j + 1 in half cells) lies inside a filled hole
        // (even-odd rule; no centre lies on a ring) joins band k
        for (const auto &h : holes) {
            long ymin = h[0].second, ymax = ymin;
            for (const auto &p : h) {
                ymin = std::min<long>(ymin, p.second);
                ymax = std::max<long>(ymax, p.second);
            }
            for (long j = std::max(0L, (ymin - 1) / 2); 2 * j + 1 <= ymax && j < g.h; ++j) {
                const long y = 2 * j + 1;
                xs.clear();
                for (std::size_t q = 0; q + 1 < h.size(); ++q) {
                    const auto &p = h[q], &pn = h[q + 1];
                    if ((p.second > y) == (pn.second > y)) continue;
                    xs.push_back(static_cast<double>(p.first) +
                                 static_cast<double>(y - p.second) *
                                     static_cast<double>(pn.first - p.first) /
                                     static_cast<double>(pn.second - p.second));
                }
                std::sort(xs.begin(), xs.end());
                for (std::size_t q = 0; q + 1 < xs.size(); q += 2) {
                    // centres 2i + 1 strictly between xs[q] and xs[q + 1]
                    const long i0 = static_cast<long>(std::floor((xs[q] - 1) / 2)) + 1;
                    const long i1 = static_cast<long>(std::ceil((xs[q + 1] - 1) / 2)) - 1;
                    for (long i = std::max(1L, i0); i <= i1 && i + 1 < g.w; ++i) {
                        if (cell_at(g, i, j) <= kb) continue;
                        cell_ref(g, i, j) = kb;
                        if (j < 1 || j + 1 >= g.h) continue;
                        for (long dj = -1; dj <= 1; ++dj)
                            for (long di = -1; di <= 1; ++di)
                                touched[k] = std::min(touched[k], cell_at(g, i + di, j + dj));
                    }
                }
            }
        }
    }
    // polygon k as traced is the final one unless a later fill changed a cell next to a
    // cell of band <= k (the shares where labels meet depend on the neighbours' labels)
    std::uint8_t lowest_later = BandGrid::none;
    for (std::size_t k = bands; k-- > 0;) {
        if (lowest_later <= k) traced[k].reset();
        lowest_later = std::min(lowest_later, touched[k]);
    }
    return traced;
}

} // namespace

std::vector<std::optional<MultiPolygon>> fill_holes(BandGrid &g, std::size_t bands, double below_m2,
                                                    Scratch &scratch) {
    return fill_holes_of(g, bands, below_m2, scratch);
}

std::vector<std::optional<MultiPolygon>> fill_holes(TiledBandGrid &g, std::size_t bands,
                                                    double below_m2, Scratch &scratch) {
    return fill_holes_of(g, bands, below_m2, scratch);
}

namespace {

template <class G> std::uint8_t label_at_of(const G &g, XY p) {
    if (empty_grid(g)) return BandGrid::none;
    // the marching-squares cell (four cell centres) holding p, corners counter-clockwise
    const double u = (p.x - g.x0) / g.cell - 0.5, v = (p.y - g.y0) / g.cell - 0.5;
    const double fi = std::floor(u), fj = std::floor(v);
    if (!(fi >= 0 && fj >= 0 && fi + 1 < g.w && fj + 1 < g.h)) return BandGrid::none;
    const double fu = u - fi, fv = v - fj;
    const long i = static_cast<long>(fi), j = static_cast<long>(fj);
    const std::uint8_t l[4] = {cell_at(g, i, j), cell_at(g, i + 1, j), cell_at(g, i + 1, j + 1),
                               cell_at(g, i, j + 1)};
    const int q = fv < 0.5 ? (fu < 0.5 ? 0 : 1) : (fu < 0.5 ? 3 : 2);
    const std::uint8_t x = l[q], n1 = l[(q + 1) % 4], n2 = l[(q + 3) % 4], opp = l[(q + 2) % 4];
    // local coordinates from x's corner, in cells
    const double a = (q == 0 || q == 3) ? fu : 1 - fu, b = q < 2 ? fv : 1 - fv;
    // x owns its quarter, except the triangle next to the centre when its two neighbours
    // share a label that joins across this cell (polygonize_label's saddle rule)
    if (n1 == n2 && n1 != x && !(opp == x && x < n1) && a + b >= 0.5) return n1;
    return x;
}

} // namespace

std::uint8_t label_at(const BandGrid &g, XY p) {
    return label_at_of(g, p);
}

TiledBandGrid relabel_within(const TiledBandGrid &g, const TiledBandGrid &over, std::uint8_t k) {
    TiledBandGrid out = g;
    if (g.tile.empty()) return out;
    constexpr int side = TiledBandGrid::side;
    const long di = std::lround((g.x0 - over.x0) / g.cell),
               dj = std::lround((g.y0 - over.y0) / g.cell);
    const bool same =
        std::abs(over.cell - g.cell) <= 1e-9 * g.cell &&
        std::abs(g.x0 - over.x0 - static_cast<double>(di) * g.cell) <= 1e-6 * g.cell &&
        std::abs(g.y0 - over.y0 - static_cast<double>(dj) * g.cell) <= 1e-6 * g.cell;
    if (!same) throw std::logic_error("raster: relabel_within needs grids on one lattice");
    for (int tj = 0; tj < g.ty; ++tj)
        for (int ti = 0; ti < g.tx; ++ti) {
            if (!g.allocated(ti, tj)) continue;
            for (int j = tj * side; j < std::min(g.h, (tj + 1) * side); ++j)
                for (int i = ti * side; i < std::min(g.w, (ti + 1) * side); ++i) {
                    std::uint8_t &b = out.band[out.storage(i, j)];
                    if (b > k) {
                        b = BandGrid::none;
                        continue;
                    }
                    const long oi = i + di, oj = j + dj;
                    b = oi >= 0 && oj >= 0 && oi < over.w && oj < over.h
                            ? over.at(static_cast<int>(oi), static_cast<int>(oj))
                            : BandGrid::none;
                    if (b > k) b = BandGrid::none; // (not inside over's polygon k either)
                }
        }
    return out;
}

std::uint8_t label_at(const TiledBandGrid &g, XY p) {
    return label_at_of(g, p);
}

MultiPolygon polygonize(const TiledBandGrid &g, std::uint8_t k, double fill_holes_below_m2,
                        Scratch &scratch) {
    return trace(g, k, Mode::mask, fill_holes_below_m2, scratch);
}

MultiPolygon polygonize_label(const TiledBandGrid &g, std::uint8_t label, Scratch &scratch) {
    return trace(g, label, Mode::label, 0.0, scratch);
}

MultiPolygon polygonize_nested(const TiledBandGrid &g, std::uint8_t k, Scratch &scratch) {
    return trace(g, k, Mode::nested, 0.0, scratch);
}

} // namespace lugeo::raster
