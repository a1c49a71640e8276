// Private: the nearest point of a set of polylines to a query point, by a uniform grid of
// their segments searched ring by ring (exact: the ring search stops only when no unseen
// segment can be nearer).
#pragma once

#include <lugeo/geometry.hpp>

#include <cstdint>
#include <limits>
#include <vector>

namespace lugeo {

class SegmentIndex {
public:
    static constexpr std::uint32_t npos = std::numeric_limits<std::uint32_t>::max();
    struct Hit {
        std::uint32_t line = npos; ///< index of the line given to the constructor
        double offset_m = 0;       ///< along the line from its first vertex
        double distance_m = 0;
        XY point;
    };

    SegmentIndex() = default;
    /// The segments of `lines`, in grid cells of `cell_m` (> 0).
    SegmentIndex(const std::vector<LineString> &lines, double cell_m);

    /// The nearest point of the lines to p (line npos when there are none). Ties: the lower
    /// line, then the lower segment.
    Hit nearest(XY p) const;

private:
    struct Seg {
        XY a, b;
        std::uint32_t line;
        double start_m; ///< offset of a along its line
    };
    std::vector<Seg> m_segs;
    double m_cell = 1, m_minx = 0, m_miny = 0;
    long m_nx = 0, m_ny = 0;
    std::vector<std::uint32_t> m_offsets, m_items; ///< per grid cell: its segments
};

} // namespace lugeo
