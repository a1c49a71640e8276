// lugeo::detail — not part of the API (it may change between versions); public only because
// Network holds one (network.hpp). The one uniform grid index of the library. Cells of one
// size over a box hold items (indices, or references) in compressed rows: each item in every
// cell its box meets. Searched by a box (the cells it meets) or ring by ring around a point
// for the nearest item (exact: the search stops only when no unseen cell can hold a nearer
// one).
//
// Used by Network's snapping index, SegmentIndex (nearest point of polylines), zones'
// SiteIndex, incident's JunctionIndex, the registry's plates by position and coverage's
// RoadIndex.
#pragma once

#include <lugeo/geometry.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace lugeo::detail {

template <class Item = std::uint32_t> class BucketGrid {
public:
    BucketGrid() = default;
    /// Cells of `cell_m` (> 0) from b's lower left corner, enough to cover b and at most
    /// `max_side` columns and rows (the cell grows when b is larger).
    BucketGrid(const Box &b, double cell_m, long max_side = 4096) : m_cell(cell_m) {
        if (!b.valid()) return;
        m_minx = b.minx;
        m_miny = b.miny;
        const double w = b.maxx - b.minx, h = b.maxy - b.miny;
        m_cell = std::max({m_cell, w / static_cast<double>(max_side) * 1.000001,
                           h / static_cast<double>(max_side) * 1.000001});
        m_nx = std::min(max_side, static_cast<long>(std::floor(w / m_cell)) + 1);
        m_ny = std::min(max_side, static_cast<long>(std::floor(h / m_cell)) + 1);
        m_offsets.assign(static_cast<std::size_t>(m_nx * m_ny) + 1, 0);
    }

    bool empty() const { return m_items.empty(); }
    double cell() const { return m_cell; }
    long cols() const { return m_nx; }
    long rows() const { return m_ny; }
    /// The column and row of x and y, clamped to the grid (NaN: the first).
    long col(double x) const { return clamped(std::floor((x - m_minx) / m_cell), m_nx); }
    long row(double y) const { return clamped(std::floor((y - m_miny) / m_cell), m_ny); }

    /// Fills the grid: `each(put)` calls put(box, item) for every item, in item order; it is
    /// called twice (count, then place), and must make the same calls both times.
    template <class Each> void fill(Each &&each) {
        if (m_nx == 0) return;
        auto span_of = [&](const Box &b, long &x0, long &y0, long &x1, long &y1) {
            x0 = col(b.minx), x1 = col(b.maxx), y0 = row(b.miny), y1 = row(b.maxy);
        };
        each([&](const Box &b, const Item &) {
            long x0, y0, x1, y1;
            span_of(b, x0, y0, x1, y1);
            for (long y = y0; y <= y1; ++y)
                for (long x = x0; x <= x1; ++x)
                    ++m_offsets[static_cast<std::size_t>(y * m_nx + x) + 1];
        });
        for (std::size_t i = 1; i < m_offsets.size(); ++i)
            m_offsets[i] += m_offsets[i - 1];
        m_items.resize(m_offsets.back());
        std::vector<std::uint32_t> next(m_offsets.begin(), m_offsets.end() - 1);
        each([&](const Box &b, const Item &item) {
            long x0, y0, x1, y1;
            span_of(b, x0, y0, x1, y1);
            for (long y = y0; y <= y1; ++y)
                for (long x = x0; x <= x1; ++x)
                    m_items[next[static_cast<std::size_t>(y * m_nx + x)]++] = item;
        });
    }
    /// Points: item i at points[i].
    void fill_points(const std::vector<XY> &points) {
        fill([&](auto &&put) {
            for (std::size_t i = 0; i < points.size(); ++i)
                put(Box{points[i].x, points[i].y, points[i].x, points[i].y}, static_cast<Item>(i));
        });
    }

    /// The items of cell (x, y); empty outside the grid.
    std::span<const Item> at(long x, long y) const {
        if (x < 0 || y < 0 || x >= m_nx || y >= m_ny || m_items.empty()) return {};
        const auto c = static_cast<std::size_t>(y * m_nx + x);
        return {m_items.data() + m_offsets[c], m_items.data() + m_offsets[c + 1]};
    }

    /// visit(items) for every cell that meets b (an item may be in several).
    template <class Visit> void cells_meeting(const Box &b, Visit &&visit) const {
        if (m_items.empty() || b.maxx < m_minx || b.maxy < m_miny ||
            b.minx > m_minx + static_cast<double>(m_nx) * m_cell ||
            b.miny > m_miny + static_cast<double>(m_ny) * m_cell)
            return;
        for (long y = row(b.miny), y1 = row(b.maxy); y <= y1; ++y)
            for (long x = col(b.minx), x1 = col(b.maxx); x <= x1; ++x)
                visit(at(x, y));
    }

    /// The nearest-item search around p: visit(items) for p's cell, then for the cells of
    /// each ring around it, nearest ring first; visit returns the distance of the best item
    /// so far (+infinity while there is none). Stops once no cell of the next ring can hold
    /// an item nearer than that, or beyond `max_distance`.
    template <class Visit> void rings(XY p, Visit &&visit, double max_distance = INFINITY) const {
        if (m_items.empty() || !std::isfinite(p.x) || !std::isfinite(p.y)) return;
        constexpr double big = 1e15; // cells: no overflow for any finite point
        const long cx =
            static_cast<long>(std::clamp(std::floor((p.x - m_minx) / m_cell), -big, big));
        const long cy =
            static_cast<long>(std::clamp(std::floor((p.y - m_miny) / m_cell), -big, big));
        // the rings nearer than the grid hold no cell of it; the last ring reaches its far corner
        const long dx = cx < 0 ? -cx : (cx >= m_nx ? cx - m_nx + 1 : 0);
        const long dy = cy < 0 ? -cy : (cy >= m_ny ? cy - m_ny + 1 : 0);
        const long first = std::max(dx, dy);
        const long last = std::max({cx, m_nx - 1 - cx, cy, m_ny - 1 - cy});
        // every cell of ring r lies at least (r - 1) cells from p
        double best = INFINITY;
        for (long r = first; r <= last; ++r) {
            const double reach = (static_cast<double>(r) - 1.0) * m_cell;
            if (reach > 0 && (reach > best || reach > max_distance)) break;
            if (r == 0) {
                best = visit(at(cx, cy));
                continue;
            }
            const long x0 = std::max(cx - r, 0L), x1 = std::min(cx + r, m_nx - 1);
            if (cy - r >= 0)
                for (long x = x0; x <= x1; ++x)
                    best = visit(at(x, cy - r));
            if (cy + r < m_ny)
                for (long x = x0; x <= x1; ++x)
                    best = visit(at(x, cy + r));
            const long y0 = std::max(cy - r + 1, 0L), y1 = std::min(cy + r - 1, m_ny - 1);
            if (cx - r >= 0)
                for (long y = y0; y <= y1; ++y)
                    best = visit(at(cx - r, y));
            if (cx + r < m_nx)
                for (long y = y0; y <= y1; ++y)
                    best = visit(at(cx + r, y));
        }
    }

private:
    static long clamped(double c, long n) {
        if (!(c > 0)) return 0;
        return c >= static_cast<double>(n - 1) ? n - 1 : static_cast<long>(c);
    }

    double m_cell = 1, m_minx = 0, m_miny = 0;
    long m_nx = 0, m_ny = 0;
    std::vector<std::uint32_t> m_offsets; ///< per cell: the first of its items (+ the end)
    std::vector<Item> m_items;
};

} // namespace lugeo::detail
