// The nearest point of a set of polylines (segment_index.hpp).
#include "geometry/segment_index.hpp"

#include <algorithm>
#include <cmath>

namespace lugeo {

SegmentIndex::SegmentIndex(const std::vector<LineString> &lines, double cell_m) : m_cell(cell_m) {
    Box b;
    for (std::uint32_t l = 0; l < lines.size(); ++l) {
        double at = 0;
        for (std::size_t i = 0; i + 1 < lines[l].size(); ++i) {
            const XY a = lines[l][i], q = lines[l][i + 1];
            m_segs.push_back({a, q, l, at});
            at += distance(a, q);
            b.extend(a);
            b.extend(q);
        }
        if (lines[l].size() == 1) { // a point: a segment of length 0
            m_segs.push_back({lines[l][0], lines[l][0], l, 0});
            b.extend(lines[l][0]);
        }
    }
    if (m_segs.empty()) return;
    m_minx = b.minx;
    m_miny = b.miny;
    m_nx = std::max(1L, static_cast<long>(std::ceil((b.maxx - b.minx) / m_cell)) + 1);
    m_ny = std::max(1L, static_cast<long>(std::ceil((b.maxy - b.miny) / m_cell)) + 1);
    auto span = [&](const Seg &s, long &x0, long &y0, long &x1, long &y1) {
        x0 =
            std::clamp(static_cast<long>((std::min(s.a.x, s.b.x) - m_minx) / m_cell), 0L, m_nx - 1);
        x1 =
            std::clamp(static_cast<long>((std::max(s.a.x, s.b.x) - m_minx) / m_cell), 0L, m_nx - 1);
        y0 =
            std::clamp(static_cast<long>((std::min(s.a.y, s.b.y) - m_miny) / m_cell), 0L, m_ny - 1);
        y1 =
            std::clamp(static_cast<long>((std::max(s.a.y, s.b.y) - m_miny) / m_cell), 0L, m_ny - 1);
    };
    // each segment in every cell of its box (segments are short against the cells)
    std::vector<std::uint32_t> count(static_cast<std::size_t>(m_nx * m_ny) + 1, 0);
    for (const Seg &s : m_segs) {
        long x0, y0, x1, y1;
        span(s, x0, y0, x1, y1);
        for (long y = y0; y <= y1; ++y)
            for (long x = x0; x <= x1; ++x)
                ++count[static_cast<std::size_t>(y * m_nx + x) + 1];
    }
    for (std::size_t i = 1; i < count.size(); ++i)
        count[i] += count[i - 1];
    m_offsets = count;
    m_items.resize(count.back());
    for (std::uint32_t k = 0; k < m_segs.size(); ++k) {
        long x0, y0, x1, y1;
        span(m_segs[k], x0, y0, x1, y1);
        for (long y = y0; y <= y1; ++y)
            for (long x = x0; x <= x1; ++x)
                m_items[count[static_cast<std::size_t>(y * m_nx + x)]++] = k;
    }
}

SegmentIndex::Hit SegmentIndex::nearest(XY p) const {
    Hit best;
    if (m_segs.empty()) return best;
    double best_d2 = INFINITY;
    std::uint32_t best_seg = npos;
    const long cx = static_cast<long>(std::floor((p.x - m_minx) / m_cell));
    const long cy = static_cast<long>(std::floor((p.y - m_miny) / m_cell));
    auto scan = [&](long x, long y) {
        if (x < 0 || y < 0 || x >= m_nx || y >= m_ny) return;
        const auto c = static_cast<std::size_t>(y * m_nx + x);
        for (std::uint32_t k = m_offsets[c]; k < m_offsets[c + 1]; ++k) {
            const std::uint32_t si = m_items[k];
            const Seg &s = m_segs[si];
            double t = 0;
            const XY q = closest_on_segment(s.a, s.b, p, t);
            const double d2 = (q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y);
            if (d2 < best_d2 || (d2 == best_d2 && si < best_seg)) {
                best_d2 = d2;
                best_seg = si;
                best.point = q;
                best.offset_m = s.start_m + t * distance(s.a, s.b);
            }
        }
    };
    // p's cell, then rings around it; ring r lies at least (r - 1) cells from p
    const long max_ring = std::max({m_nx, m_ny, std::labs(cx) + m_nx, std::labs(cy) + m_ny});
    for (long r = 0; r <= max_ring; ++r) {
        if (best_seg != npos) {
            const double reach = (static_cast<double>(r) - 1.0) * m_cell;
            if (reach > 0 && reach * reach > best_d2) break;
        }
        if (r == 0) {
            scan(cx, cy);
            continue;
        }
        for (long x = cx - r; x <= cx + r; ++x) {
            scan(x, cy - r);
            scan(x, cy + r);
        }
        for (long y = cy - r + 1; y <= cy + r - 1; ++y) {
            scan(cx - r, y);
            scan(cx + r, y);
        }
    }
    best.line = m_segs[best_seg].line;
    best.distance_m = std::sqrt(best_d2);
    return best;
}

} // namespace lugeo
