// Raster construction of isochrone polygons (see raster_polygon.hpp).
#include "isochrone/raster_polygon.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

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
    g.w = static_cast<int>(std::ceil((box.maxx + pad - g.x0) / cell)) + 1;
    g.h = static_cast<int>(std::ceil((box.maxy + pad - g.y0) / cell)) + 1;
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

void burn_segment(BandGrid &g, XY a, XY b, double r, std::uint8_t value) {
    const double c = g.cell;
    // rows whose centre y lies within [min y - r, max y + r], never the border rows
    const int j0 =
        std::max(1, static_cast<int>(std::ceil((std::min(a.y, b.y) - r - g.y0) / c - 0.5)));
    const int j1 =
        std::min(g.h - 2, static_cast<int>(std::floor((std::max(a.y, b.y) + r - g.y0) / c - 0.5)));
    const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy, len = std::sqrt(len2);
    const double r2 = r * r;
    for (int j = j0; j <= j1; ++j) {
        const double yc = g.y0 + (j + 0.5) * c;
        double xl = INFINITY, xr = -INFINITY;
        for (const XY &p : {a, b}) { // the discs at the ends
            const double ey = yc - p.y;
            if (ey * ey <= r2) {
                const double half = std::sqrt(r2 - ey * ey);
                xl = std::min(xl, p.x - half);
                xr = std::max(xr, p.x + half);
            }
        }
        if (len2 > 0) { // the rectangle: 0 <= t <= 1 and |signed distance| <= r
            double l = -INFINITY, rr = INFINITY;
            const double ey = yc - a.y;
            // t(x) = ((x - ax) dx + ey dy) / len2 ; s(x) = (dx ey - dy (x - ax)) / len
            if (clip_linear(dx / len2, (ey * dy - a.x * dx) / len2, 0.0, 1.0, l, rr) &&
                clip_linear(-dy / len, (dx * ey + dy * a.x) / len, -r, r, l, rr)) {
                xl = std::min(xl, l);
                xr = std::max(xr, rr);
            }
        }
        if (!(xl <= xr)) continue;
        const int i0 = std::max(1, static_cast<int>(std::ceil((xl - g.x0) / c - 0.5)));
        const int i1 = std::min(g.w - 2, static_cast<int>(std::floor((xr - g.x0) / c - 0.5)));
        std::uint8_t *row =
            g.band.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(g.w);
        for (int i = i0; i <= i1; ++i)
            row[i] = std::min(row[i], value);
    }
}

} // namespace

void burn_line(BandGrid &g, const LineString &line, double r, std::uint8_t value) {
    if (g.band.empty()) return;
    if (line.size() == 1) burn_segment(g, line[0], line[0], r, value);
    for (std::size_t i = 0; i + 1 < line.size(); ++i)
        burn_segment(g, line[i], line[i + 1], r, value);
}

namespace {

// Sides of a cell, and the direction a boundary edge on that side runs with the inside on
// its left: S runs east, E north, N west, W south.
enum Side : int { S = 0, E = 1, N = 2, W = 3 };

struct RingInfo {
    std::vector<XY> coords;
    double area_m2 = 0;                 ///< signed: > 0 outer (counter-clockwise), < 0 hole
    std::size_t left_e = 0, left_w = 0; ///< cells of the leftmost E-side and W-side edges
    int left_e_col = 1 << 30, left_w_col = 1 << 30;
    int owner = -1; ///< hole: its outer ring; outer: the hole it lies in (-1: none)
    bool resolved = false;
    int state = -1; ///< -1 unknown, 0 kept, 1 filled (holes), 2 dropped
};

} // namespace

namespace {

/// The tracer behind polygonize and polygonize_label. `labels` null: the mask is band <= k
/// and diagonally touching inside cells are always joined. `labels` non-null: the mask is
/// labels == k, and the multi-label rules of polygonize_label decide saddles and add the
/// shared corner where three or four labels meet.
MultiPolygon trace(const BandGrid &g, std::uint8_t k, const std::uint8_t *labels,
                   double fill_holes_below_m2, std::vector<std::uint8_t> &scratch) {
    MultiPolygon out;
    if (g.band.empty()) return out;
    const std::size_t nx = static_cast<std::size_t>(g.w), ny = static_cast<std::size_t>(g.h);
    // per cell: bit 0 inside (band <= k, or label == k), bits 1..4 the sides already traced
    scratch.resize(nx * ny);
    std::uint8_t *flags = scratch.data();
    {
        const std::uint8_t *band = g.band.data();
        if (labels)
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
    // midpoint of each side, in half cells from the cell's lower-left corner
    const int mid[4][2] = {{1, 0}, {2, 1}, {1, 2}, {0, 1}};
    // the cell corner between side s and side s + 1 (the centre of a marching-squares cell)
    const int corner[4][2] = {{2, 0}, {2, 2}, {0, 2}, {0, 0}};
    std::vector<std::pair<std::uint64_t, int>> ring_of; // (cell * 4 + side, ring), E and W sides
    std::vector<RingInfo> rings;
    const double half = g.cell / 2;

    std::vector<std::pair<long, long>> pts;
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
                if (inside(static_cast<std::size_t>(static_cast<std::ptrdiff_t>(c0) + off[s0])))
                    continue;
                // trace a new ring
                const int id = static_cast<int>(rings.size());
                RingInfo ring;
                pts.clear();
                std::size_t c = c0;
                int s = s0;
                do {
                    flags[c] |= static_cast<std::uint8_t>(2 << s);
                    const long ci = static_cast<long>(c % nx), cj = static_cast<long>(c / nx);
                    pts.emplace_back(2 * ci + mid[s][0], 2 * cj + mid[s][1]);
                    if (s == E || s == W) {
                        ring_of.emplace_back(
                            static_cast<std::uint64_t>(c) * 4 + static_cast<std::uint64_t>(s), id);
                        int &col = s == E ? ring.left_e_col : ring.left_w_col;
                        if (ci < col) {
                            col = static_cast<int>(ci);
                            (s == E ? ring.left_e : ring.left_w) = c;
                        }
                    }
                    const int s1 = (s + 1) % 4;
                    const std::size_t diag =
                        static_cast<std::size_t>(static_cast<std::ptrdiff_t>(c) + off[s] + off[s1]);
                    const std::size_t ahead =
                        static_cast<std::size_t>(static_cast<std::ptrdiff_t>(c) + off[s1]);
                    bool go_diag = inside(diag), go_ahead = false;
                    if (labels && go_diag && !inside(ahead)) {
                        // saddle: k joins its diagonal cells unless the other two cells
                        // are one label, lower than k (that label joins instead)
                        const std::uint8_t lo = labels[static_cast<std::size_t>(
                            static_cast<std::ptrdiff_t>(c) + off[s])];
                        go_diag = labels[ahead] != lo || k < lo;
                    }
                    if (!go_diag) go_ahead = inside(ahead);
                    if (go_diag) {
                        c = diag;
                        s = (s + 3) % 4;
                    } else if (go_ahead) {
                        c = ahead;
                    } else {
                        // k holds one corner of this marching-squares cell: when the two
                        // neighbouring corners differ, three or four labels meet and each
                        // takes its quarter, through the shared corner point
                        if (labels &&
                            labels[static_cast<std::size_t>(static_cast<std::ptrdiff_t>(c) +
                                                            off[s])] != labels[ahead])
                            pts.emplace_back(2 * ci + corner[s][0], 2 * cj + corner[s][1]);
                        s = s1;
                    }
                } while (c != c0 || s != s0);
                // drop collinear midpoints; area by the shoelace formula in half cells
                const std::size_t n = pts.size();
                long long twice = 0;
                for (std::size_t q = 0; q < n; ++q) {
                    const auto &p = pts[q];
                    const auto &pn = pts[(q + 1) % n];
                    twice += static_cast<long long>(p.first) * pn.second -
                             static_cast<long long>(pn.first) * p.second;
                    const auto &pv = pts[(q + n - 1) % n];
                    const long ax = p.first - pv.first, ay = p.second - pv.second;
                    const long bx = pn.first - p.first, by = pn.second - p.second;
                    if (ax * by - ay * bx != 0)
                        ring.coords.push_back({g.x0 + static_cast<double>(p.first) * half,
                                               g.y0 + static_cast<double>(p.second) * half});
                }
                ring.coords.push_back(ring.coords.front());
                ring.area_m2 = static_cast<double>(twice) / 2 * half * half;
                rings.push_back(std::move(ring));
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
    std::vector<int> poly_of(rings.size(), -1);
    for (std::size_t r = 0; r < rings.size(); ++r)
        if (rings[r].area_m2 > 0 && state_of(state_of, static_cast<int>(r)) == 0) {
            poly_of[r] = static_cast<int>(out.size());
            out.push_back(Polygon{std::move(rings[r].coords), {}});
        }
    for (std::size_t r = 0; r < rings.size(); ++r)
        if (rings[r].area_m2 < 0 && state_of(state_of, static_cast<int>(r)) == 0)
            out[static_cast<std::size_t>(poly_of[static_cast<std::size_t>(rings[r].owner)])]
                .holes.push_back(std::move(rings[r].coords));
    return out;
}

} // namespace

MultiPolygon polygonize(const BandGrid &g, std::uint8_t k, double fill_holes_below_m2,
                        std::vector<std::uint8_t> &scratch) {
    return trace(g, k, nullptr, fill_holes_below_m2, scratch);
}

MultiPolygon polygonize_label(const BandGrid &g, std::uint8_t label,
                              std::vector<std::uint8_t> &scratch) {
    return trace(g, label, g.band.data(), 0.0, scratch);
}

} // namespace lugeo::raster
