// Raster construction of isochrone polygons (see raster_polygon.hpp).
#include "isochrone/raster_polygon.hpp"

#include <lugeo/error.hpp>
#include <lugeo/limits.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <thread>

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
    g.band.assign(static_cast<std::size_t>(g.w) * static_cast<std::size_t>(g.h), BandGrid::none);
    return g;
}

namespace {

/// {x : lo <= a x + b <= hi} intersected into [l, r]; false when empty.
bool clip_linear(double a, double b, double lo, double hi, double &l, double &r) {
    if (std::abs(a) < 1e-12) return b >= lo && b <= hi;
    double x1 = (lo - b) / a, x2 = (hi - b) / a;
    if (x1 > x2) std::swap(x1, x2);
    l = std::max(l, x1);
    r = std::min(r, x2);
    return l <= r;
}

/// The cells of rows [jlo, jhi] (never the border rows) whose centre x lies in [xl, xr],
/// per row: `interval(yc, xl, xr)` returns false when the row holds none.
template <class Interval>
void burn_rows_of(BandGrid &g, double ymin, double ymax, std::uint8_t value, int jlo, int jhi,
                  Interval &&interval) {
    const double c = g.cell;
    const int j0 = std::max(jlo, static_cast<int>(std::ceil((ymin - g.y0) / c - 0.5)));
    const int j1 = std::min(jhi, static_cast<int>(std::floor((ymax - g.y0) / c - 0.5)));
    for (int j = j0; j <= j1; ++j) {
        const double yc = g.y0 + (j + 0.5) * c;
        double xl = -INFINITY, xr = INFINITY;
        if (!interval(yc, xl, xr) || !(xl <= xr)) continue;
        const int i0 = std::max(1, static_cast<int>(std::ceil((xl - g.x0) / c - 0.5)));
        const int i1 = std::min(g.w - 2, static_cast<int>(std::floor((xr - g.x0) / c - 0.5)));
        std::uint8_t *row =
            g.band.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(g.w);
        for (int i = i0; i <= i1; ++i)
            row[i] = std::min(row[i], value);
    }
}

void burn_disc(BandGrid &g, XY p, double r, std::uint8_t value, int jlo, int jhi) {
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
void burn_rect(BandGrid &g, XY a, XY b, double r, std::uint8_t value, int jlo, int jhi) {
    const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy, len = std::sqrt(len2);
    // t(x) = ((x - ax) dx + ey dy) / len2 in [0, 1]; s(x) = (dx ey - dy (x - ax)) / len in
    // [-r, r], with ey = yc - ay
    const double ta = dx / len2, sa = -dy / len;
    const double ext = r * std::abs(dx) / len; // the rectangle's half height in y, beyond ab
    burn_rows_of(g, std::min(a.y, b.y) - ext, std::max(a.y, b.y) + ext, value, jlo, jhi,
                 [&](double yc, double &l, double &rr) {
                     const double ey = yc - a.y;
                     return clip_linear(ta, (ey * dy - a.x * dx) / len2, 0.0, 1.0, l, rr) &&
                            clip_linear(sa, (dx * ey + dy * a.x) / len, -r, r, l, rr);
                 });
}

/// At a vertex v between unit directions d1 (in) and d2 (out): the part of v's disc the two
/// rectangles leave, the sector {(p - v).d1 >= 0, (p - v).d2 <= 0}.
void burn_wedge(BandGrid &g, XY v, XY d1, XY d2, double r, std::uint8_t value, int jlo, int jhi) {
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
    burn_rows_of(g, v.y + r * lo, v.y + r * hi, value, jlo, jhi,
                 [&](double yc, double &l, double &rr) {
                     const double ey = yc - v.y;
                     if (ey * ey > r2) return false;
                     const double half = std::sqrt(r2 - ey * ey);
                     l = v.x - half;
                     rr = v.x + half;
                     return clip_linear(d1.x, ey * d1.y - v.x * d1.x, 0.0, INFINITY, l, rr) &&
                            clip_linear(d2.x, ey * d2.y - v.x * d2.x, -INFINITY, 0.0, l, rr);
                 });
}

/// A line's rectangles and the wedges at its inner vertices, in rows [jlo, jhi]; with its
/// end discs when `ends`. With the end discs this is the set of points within r of the line:
/// a point of an inner vertex's disc outside its wedge projects onto one of the two
/// segments (or lies in the disc of the vertex before or after, and so on to an end).
void burn_rows(BandGrid &g, const LineString &line, double r, std::uint8_t value, bool ends,
               int jlo, int jhi) {
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
    burn_rows(g, line, r, value, true, 1, g.h - 2);
}

void burn_lines(BandGrid &g, const std::vector<std::pair<LineString, std::uint8_t>> &lines,
                double r, unsigned threads) {
    if (g.band.empty()) return;
    // the end discs once per point (pieces meet at nodes), with the lowest value
    struct End {
        double x, y;
        std::uint8_t v;
    };
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
    threads = std::max(1u, std::min(threads, static_cast<unsigned>(g.h / 64 + 1)));
    // rows [1, h - 2] in `threads` slices: each thread writes its own rows only
    auto part = [&](unsigned t) {
        const long n = g.h - 2;
        const int jlo = 1 + static_cast<int>(n * t / threads);
        const int jhi = static_cast<int>(n * (t + 1) / threads);
        for (const End &e : ends)
            burn_disc(g, {e.x, e.y}, r, e.v, jlo, jhi);
        for (const auto &[l, v] : lines)
            burn_rows(g, l, r, v, false, jlo, jhi);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(part, t);
    part(0);
    for (auto &th : pool)
        th.join();
}

namespace {

// Sides of a cell, and the direction a boundary edge on that side runs with the inside on
// its left: S runs east, E north, N west, W south.
enum Side : int { S = 0, E = 1, N = 2, W = 3 };

struct RingInfo {
    std::vector<std::pair<long, long>> lat; ///< vertices in half cells from the grid's corner
    double area_m2 = 0;                     ///< signed: > 0 outer (counter-clockwise), < 0 hole
    std::size_t left_e = 0, left_w = 0;     ///< cells of the leftmost E-side and W-side edges
    int left_e_col = 1 << 30, left_w_col = 1 << 30;
    int owner = -1; ///< hole: its outer ring; outer: the hole it lies in (-1: none)
    bool resolved = false;
    int state = -1; ///< -1 unknown, 0 kept, 1 filled (holes), 2 dropped
};

} // namespace

namespace {

/// What the tracer traces (see trace).
enum class Mode { mask, label, nested };

/// The tracer behind polygonize, polygonize_label and polygonize_nested.
///  - mask: the mask is band <= k; diagonally touching inside cells are always joined.
///  - label: the mask is band == k, and the multi-label rules of polygonize_label decide
///    saddles and add the shared corner where three or four labels meet.
///  - nested: the mask is band <= k, traced as the union of the polygonize_label regions of
///    the labels <= k (see polygonize_nested); a ring that touches itself at a marching-
///    squares cell centre is split there into two rings.
/// `filled` (optional) receives the filled holes, in half cells from the grid's corner.
MultiPolygon trace(const BandGrid &g, std::uint8_t k, Mode mode, double fill_holes_below_m2,
                   std::vector<std::uint8_t> &scratch,
                   std::vector<std::vector<std::pair<long, long>>> *filled = nullptr) {
    MultiPolygon out;
    if (g.band.empty()) return out;
    if (!g.extent.empty()) {
        // the window of the values <= k (the traced cells: band <= k, or == k), grown by
        // one cell so that the labels next to every traced cell are there
        int i0 = g.w, j0 = g.h, i1 = -1, j1 = -1;
        for (std::size_t v = 0; v <= k && v < g.extent.size(); ++v) {
            const auto &e = g.extent[v];
            if (e[0] > e[2]) continue;
            i0 = std::min(i0, e[0] - 1);
            j0 = std::min(j0, e[1] - 1);
            i1 = std::max(i1, e[2] + 1);
            j1 = std::max(j1, e[3] + 1);
        }
        if (i0 > i1) return out; // nothing traced
        i0 = std::max(i0, 0);
        j0 = std::max(j0, 0);
        i1 = std::min(i1, g.w - 1);
        j1 = std::min(j1, g.h - 1);
        const long cw = i1 - i0 + 1, ch = j1 - j0 + 1;
        if (cw * ch < static_cast<long>(g.band.size()) * 3 / 4) {
            BandGrid crop;
            crop.cell = g.cell;
            crop.x0 = g.x0 + i0 * g.cell;
            crop.y0 = g.y0 + j0 * g.cell;
            crop.w = static_cast<int>(cw);
            crop.h = static_cast<int>(ch);
            crop.band.resize(static_cast<std::size_t>(cw * ch));
            for (long j = 0; j < ch; ++j)
                std::memcpy(crop.band.data() + j * cw, g.band.data() + (j + j0) * g.w + i0,
                            static_cast<std::size_t>(cw));
            const std::size_t before = filled ? filled->size() : 0;
            out = trace(crop, k, mode, fill_holes_below_m2, scratch, filled);
            if (filled)
                for (std::size_t q = before; q < filled->size(); ++q)
                    for (auto &p : (*filled)[q]) {
                        p.first += 2L * i0;
                        p.second += 2L * j0;
                    }
            return out;
        }
    }
    const std::size_t nx = static_cast<std::size_t>(g.w), ny = static_cast<std::size_t>(g.h);
    const std::uint8_t *labels = g.band.data();
    // per cell: bit 0 inside (band <= k, or label == k), bits 1..4 the sides already traced
    scratch.resize(nx * ny);
    std::uint8_t *flags = scratch.data();
    {
        const std::uint8_t *band = g.band.data();
        if (mode == Mode::label)
            for (std::size_t c = 0; c < nx * ny; ++c)
                flags[c] = band[c] == k ? 1 : 0;
        else
            for (std::size_t c = 0; c < nx * ny; ++c)
                flags[c] = band[c] <= k ? 1 : 0;
    }
    auto inside = [&](std::size_t c) { return (flags[c] & 1) != 0; };
    auto visited = [&](std::size_t c, int side) { return ((flags[c] >> (side + 1)) & 1) != 0; };
    auto word = [&](std::size_t c) {
        std::uint64_t v;
        std::memcpy(&v, flags + c, sizeof v);
        return v;
    };
    const std::ptrdiff_t off[4] = {-static_cast<std::ptrdiff_t>(nx), 1,
                                   static_cast<std::ptrdiff_t>(nx), -1};
    auto at = [](std::size_t c, std::ptrdiff_t d) {
        return static_cast<std::size_t>(static_cast<std::ptrdiff_t>(c) + d);
    };
    // midpoint of each side, in half cells from the cell's lower-left corner
    const int mid[4][2] = {{1, 0}, {2, 1}, {1, 2}, {0, 1}};
    // the cell corner between side s and side s + 1 (the centre of a marching-squares cell)
    const int corner[4][2] = {{2, 0}, {2, 2}, {0, 2}, {0, 0}};
    std::vector<std::pair<std::uint64_t, int>> ring_of; // (cell * 4 + side, ring), E and W sides
    std::vector<RingInfo> rings;
    const double half = g.cell / 2;

    using Pt = std::pair<long, long>;
    std::vector<Pt> pts;
    std::vector<std::pair<std::uint64_t, std::size_t>> sides; // (cell * 4 + side, index in pts)
    std::vector<std::size_t> pinches;                         // indices in pts of pinch points
    std::vector<int> sub_of;                                  // per index in pts: its sub-ring
    std::vector<std::vector<std::size_t>> subs;

    // one closed sequence of lattice points into a ring: collinear points dropped, area
    auto make_ring = [&](const std::vector<std::size_t> &idx) {
        RingInfo ring;
        const std::size_t n = idx.size();
        long long twice = 0;
        for (std::size_t q = 0; q < n; ++q) {
            const Pt &p = pts[idx[q]];
            const Pt &pn = pts[idx[(q + 1) % n]];
            twice += static_cast<long long>(p.first) * pn.second -
                     static_cast<long long>(pn.first) * p.second;
            const Pt &pv = pts[idx[(q + n - 1) % n]];
            const long ax = p.first - pv.first, ay = p.second - pv.second;
            const long bx = pn.first - p.first, by = pn.second - p.second;
            if (ax * by - ay * bx != 0) ring.lat.push_back(p);
        }
        ring.lat.push_back(ring.lat.front());
        ring.area_m2 = static_cast<double>(twice) / 2 * half * half;
        return ring;
    };

    for (std::size_t j = 1; j + 1 < ny; ++j)
        for (std::size_t i = 1; i + 1 < nx; ++i) {
            const std::size_t c0 = j * nx + i;
            // eight cells at once equal to their four neighbours (no boundary among them)
            if (i + 9 < nx) {
                const std::uint64_t v = word(c0);
                if (v == word(c0 - 1) && v == word(c0 + 1) && v == word(c0 - nx) &&
                    v == word(c0 + nx)) {
                    i += 7;
                    continue;
                }
            }
            if (!inside(c0)) continue;
            for (int s0 = 0; s0 < 4; ++s0) {
                if (visited(c0, s0)) continue;
                if (inside(at(c0, off[s0]))) continue;
                // trace a new ring
                pts.clear();
                sides.clear();
                pinches.clear();
                std::size_t c = c0;
                int s = s0;
                do {
                    flags[c] |= static_cast<std::uint8_t>(2 << s);
                    const long ci = static_cast<long>(c % nx), cj = static_cast<long>(c / nx);
                    pts.emplace_back(2 * ci + mid[s][0], 2 * cj + mid[s][1]);
                    if (s == E || s == W)
                        sides.emplace_back(static_cast<std::uint64_t>(c) * 4 +
                                               static_cast<std::uint64_t>(s),
                                           pts.size() - 1);
                    const int s1 = (s + 1) % 4;
                    const std::size_t nb = at(c, off[s]);
                    const std::size_t diag = at(c, off[s] + off[s1]);
                    const std::size_t ahead = at(c, off[s1]);
                    bool go_diag = inside(diag), go_ahead = false, centre = false;
                    const bool saddle = go_diag && !inside(ahead);
                    if (mode == Mode::label && saddle) {
                        // saddle: k joins its diagonal cells unless the other two cells
                        // are one lower label (that label joins instead)
                        go_diag = labels[ahead] != labels[nb] || k < labels[nb];
                    } else if (mode == Mode::nested && saddle) {
                        // two inside labels on a diagonal join only if they are one label
                        go_diag = labels[c] == labels[diag];
                    } else if (mode == Mode::nested && go_diag) {
                        // three inside: the outside cell keeps a quarter (not a triangle)
                        // when its two neighbours hold different labels
                        centre = labels[c] != labels[diag];
                    }
                    if (!go_diag) go_ahead = inside(ahead);
                    if (centre) pts.emplace_back(2 * ci + corner[s][0], 2 * cj + corner[s][1]);
                    if (go_diag) {
                        c = diag;
                        s = (s + 3) % 4;
                    } else if (go_ahead) {
                        c = ahead;
                    } else {
                        // this cell holds one corner of its label (label, nested) in this
                        // marching-squares cell: when the two neighbouring corners differ,
                        // it takes its quarter, through the shared corner point
                        if (mode != Mode::mask && labels[nb] != labels[ahead]) {
                            pts.emplace_back(2 * ci + corner[s][0], 2 * cj + corner[s][1]);
                            if (mode == Mode::nested && saddle) pinches.push_back(pts.size() - 1);
                        }
                        s = s1;
                    }
                } while (c != c0 || s != s0);
                // split at pinch points visited twice (nested: two quarters of different
                // labels on a diagonal), so that every ring is simple
                subs.clear();
                subs.emplace_back(pts.size());
                for (std::size_t q = 0; q < pts.size(); ++q)
                    subs[0][q] = q;
                if (pinches.size() > 1) {
                    std::sort(pinches.begin(), pinches.end(), [&](std::size_t a, std::size_t b) {
                        return pts[a] != pts[b] ? pts[a] < pts[b] : a < b;
                    });
                    for (std::size_t q = 0; q + 1 < pinches.size(); ++q) {
                        if (pts[pinches[q]] != pts[pinches[q + 1]]) continue;
                        const std::size_t a = pinches[q], b = pinches[q + 1]; // a < b
                        // the sub-sequence holding a (and then b): cut [a, b) out of it
                        for (auto &seq : subs) {
                            auto ia = std::find(seq.begin(), seq.end(), a);
                            if (ia == seq.end()) continue;
                            auto ib = std::find(ia, seq.end(), b);
                            if (ib == seq.end()) break;
                            std::vector<std::size_t> loop(ia, ib);
                            seq.erase(ia, ib);
                            subs.push_back(std::move(loop));
                            break;
                        }
                    }
                }
                sub_of.assign(pts.size(), 0);
                const int first_id = static_cast<int>(rings.size());
                for (std::size_t t = 0; t < subs.size(); ++t) {
                    for (std::size_t q : subs[t])
                        sub_of[q] = first_id + static_cast<int>(t);
                    rings.push_back(make_ring(subs[t]));
                }
                for (const auto &[key, q] : sides) {
                    const int id = sub_of[q];
                    ring_of.emplace_back(key, id);
                    RingInfo &ring = rings[static_cast<std::size_t>(id)];
                    const std::size_t cell = static_cast<std::size_t>(key / 4);
                    const int side = static_cast<int>(key % 4);
                    const int ci = static_cast<int>(cell % nx);
                    int &col = side == E ? ring.left_e_col : ring.left_w_col;
                    if (ci < col) {
                        col = ci;
                        (side == E ? ring.left_e : ring.left_w) = cell;
                    }
                }
            }
        }

    // owners by casting a ray west on the grid from each ring's leftmost edge
    // every E and W boundary edge was traced: the lookup cannot miss
    std::sort(ring_of.begin(), ring_of.end());
    auto ring_at = [&](std::size_t c, int side) {
        const std::uint64_t key =
            static_cast<std::uint64_t>(c) * 4 + static_cast<std::uint64_t>(side);
        const auto it = std::lower_bound(ring_of.begin(), ring_of.end(),
                                         std::pair<std::uint64_t, int>{key, -1});
        if (it == ring_of.end() || it->first != key)
            throw std::logic_error("raster polygonize: untraced edge");
        return it->second;
    };
    // a hole: from the cell left of its leftmost E edge (inside), west to the run's start,
    // whose W edge belongs to this polygon's outer ring or to another of its holes
    // (farther left). An outer ring: from its leftmost W edge west across outside cells to
    // the first inside cell, whose E edge belongs to the hole it lies in, or to a sibling
    // island (farther left); none: top level.
    std::vector<int> step(rings.size(), -1);
    for (std::size_t r = 0; r < rings.size(); ++r) {
        RingInfo &ring = rings[r];
        if (ring.area_m2 < 0) {
            std::size_t c = ring.left_e;
            while (inside(c - 1))
                --c;
            step[r] = ring_at(c, W);
        } else {
            std::size_t c = ring.left_w - 1;
            const std::size_t row_start = (c / nx) * nx;
            while (c > row_start && !inside(c))
                --c;
            if (inside(c)) step[r] = ring_at(c, E);
        }
    }
    // resolve: a hole's owner is the outer ring it reaches, an outer's the hole it reaches
    std::vector<int> chain;
    for (std::size_t r = 0; r < rings.size(); ++r) {
        chain.clear();
        int q = static_cast<int>(r);
        const bool hole = rings[r].area_m2 < 0;
        while (q >= 0 && !rings[static_cast<std::size_t>(q)].resolved) {
            const int next = step[static_cast<std::size_t>(q)];
            if (next < 0 || (rings[static_cast<std::size_t>(next)].area_m2 < 0) != hole) {
                rings[static_cast<std::size_t>(q)].owner = next;
                rings[static_cast<std::size_t>(q)].resolved = true;
                break;
            }
            chain.push_back(q);
            q = next;
        }
        const int owner = q >= 0 ? rings[static_cast<std::size_t>(q)].owner : -1;
        for (int x : chain) {
            rings[static_cast<std::size_t>(x)].owner = owner;
            rings[static_cast<std::size_t>(x)].resolved = true;
        }
    }
    // state: holes below the area filled; whatever lies in a filled or dropped hole dropped
    auto state_of = [&](auto &&self, int r) -> int {
        RingInfo &ring = rings[static_cast<std::size_t>(r)];
        if (ring.state >= 0) return ring.state;
        if (ring.area_m2 < 0) {
            const int outer_state = self(self, ring.owner);
            ring.state = outer_state == 2 ? 2 : (-ring.area_m2 < fill_holes_below_m2 ? 1 : 0);
        } else {
            ring.state = ring.owner < 0 ? 0 : (self(self, ring.owner) == 0 ? 0 : 2);
        }
        return ring.state;
    };
    auto world = [&](const std::vector<std::pair<long, long>> &lat) {
        Ring r;
        r.reserve(lat.size());
        for (const auto &[x, y] : lat)
            r.push_back(
                {g.x0 + static_cast<double>(x) * half, g.y0 + static_cast<double>(y) * half});
        return r;
    };
    std::vector<int> poly_of(rings.size(), -1);
    for (std::size_t r = 0; r < rings.size(); ++r)
        if (rings[r].area_m2 > 0 && state_of(state_of, static_cast<int>(r)) == 0) {
            poly_of[r] = static_cast<int>(out.size());
            out.push_back(Polygon{world(rings[r].lat), {}});
        }
    for (std::size_t r = 0; r < rings.size(); ++r) {
        if (rings[r].area_m2 >= 0) continue;
        const int st = state_of(state_of, static_cast<int>(r));
        if (st == 0)
            out[static_cast<std::size_t>(poly_of[static_cast<std::size_t>(rings[r].owner)])]
                .holes.push_back(world(rings[r].lat));
        else if (st == 1 && filled)
            filled->push_back(std::move(rings[r].lat));
    }
    return out;
}

} // namespace

MultiPolygon polygonize(const BandGrid &g, std::uint8_t k, double fill_holes_below_m2,
                        std::vector<std::uint8_t> &scratch) {
    return trace(g, k, Mode::mask, fill_holes_below_m2, scratch);
}

MultiPolygon polygonize_label(const BandGrid &g, std::uint8_t label,
                              std::vector<std::uint8_t> &scratch) {
    return trace(g, label, Mode::label, 0.0, scratch);
}

MultiPolygon polygonize_nested(const BandGrid &g, std::uint8_t k,
                               std::vector<std::uint8_t> &scratch) {
    return trace(g, k, Mode::nested, 0.0, scratch);
}

std::vector<std::optional<MultiPolygon>> fill_holes(BandGrid &g, std::size_t bands, double below_m2,
                                                    std::vector<std::uint8_t> &scratch) {
    std::vector<std::optional<MultiPolygon>> traced(bands);
    if (g.band.empty()) return traced;
    std::vector<std::vector<std::pair<long, long>>> holes;
    std::vector<double> xs;
    const std::size_t nx = static_cast<std::size_t>(g.w);
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
                ymin = std::min(ymin, p.second);
                ymax = std::max(ymax, p.second);
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
                std::uint8_t *row = g.band.data() + static_cast<std::size_t>(j) * nx;
                for (std::size_t q = 0; q + 1 < xs.size(); q += 2) {
                    // centres 2i + 1 strictly between xs[q] and xs[q + 1]
                    const long i0 = static_cast<long>(std::floor((xs[q] - 1) / 2)) + 1;
                    const long i1 = static_cast<long>(std::ceil((xs[q + 1] - 1) / 2)) - 1;
                    for (long i = std::max(1L, i0); i <= i1 && i + 1 < g.w; ++i) {
                        if (row[i] <= kb) continue;
                        row[i] = kb;
                        if (j < 1 || j + 1 >= g.h) continue;
                        for (long dj = -1; dj <= 1; ++dj)
                            for (long di = -1; di <= 1; ++di)
                                touched[k] =
                                    std::min(touched[k], row[static_cast<std::ptrdiff_t>(dj) *
                                                                 static_cast<std::ptrdiff_t>(nx) +
                                                             i + di]);
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

std::uint8_t label_at(const BandGrid &g, XY p) {
    if (g.band.empty()) return BandGrid::none;
    // the marching-squares cell (four cell centres) holding p, corners counter-clockwise
    const double u = (p.x - g.x0) / g.cell - 0.5, v = (p.y - g.y0) / g.cell - 0.5;
    const double fi = std::floor(u), fj = std::floor(v);
    if (!(fi >= 0 && fj >= 0 && fi + 1 < g.w && fj + 1 < g.h)) return BandGrid::none;
    const double fu = u - fi, fv = v - fj;
    const std::size_t w = static_cast<std::size_t>(g.w);
    const std::size_t c0 = static_cast<std::size_t>(fj) * w + static_cast<std::size_t>(fi);
    const std::uint8_t l[4] = {g.band[c0], g.band[c0 + 1], g.band[c0 + w + 1], g.band[c0 + w]};
    const int q = fv < 0.5 ? (fu < 0.5 ? 0 : 1) : (fu < 0.5 ? 3 : 2);
    const std::uint8_t x = l[q], n1 = l[(q + 1) % 4], n2 = l[(q + 3) % 4], opp = l[(q + 2) % 4];
    // local coordinates from x's corner, in cells
    const double a = (q == 0 || q == 3) ? fu : 1 - fu, b = q < 2 ? fv : 1 - fv;
    // x owns its quarter, except the triangle next to the centre when its two neighbours
    // share a label that joins across this cell (polygonize_label's saddle rule)
    if (n1 == n2 && n1 != x && !(opp == x && x < n1) && a + b >= 0.5) return n1;
    return x;
}

} // namespace lugeo::raster
