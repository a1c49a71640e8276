// The nearest point of a set of polylines (segment_index.hpp).
#include "geometry/segment_index.hpp"

#include <algorithm>
#include <cmath>

namespace lugeo {

SegmentIndex::SegmentIndex(const std::vector<LineString> &lines, double cell_m) {
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
    // each segment in every cell of its box (segments are short against the cells)
    m_grid = detail::BucketGrid<>(b, cell_m);
    m_grid.fill([&](auto &&put) {
        for (std::uint32_t k = 0; k < m_segs.size(); ++k) {
            const Seg &s = m_segs[k];
            put(Box{std::min(s.a.x, s.b.x), std::min(s.a.y, s.b.y), std::max(s.a.x, s.b.x),
                    std::max(s.a.y, s.b.y)},
                k);
        }
    });
}

SegmentIndex::Hit SegmentIndex::nearest(XY p) const {
    Hit best;
    if (m_segs.empty()) return best;
    double best_d2 = INFINITY;
    std::uint32_t best_seg = npos;
    m_grid.rings(p, [&](std::span<const std::uint32_t> items) {
        for (const std::uint32_t si : items) {
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
        return std::sqrt(best_d2);
    });
    if (best_seg == npos) return best;
    best.line = m_segs[best_seg].line;
    best.distance_m = std::sqrt(best_d2);
    return best;
}

} // namespace lugeo
