// Private: the nearest point of a set of polylines to a query point, by a uniform grid of
// their segments (BucketGrid) searched ring by ring (exact: the ring search stops only when no
// unseen segment can be nearer).
#pragma once

#include <lugeo/detail/bucket_grid.hpp>
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
    detail::BucketGrid<> m_grid; ///< the segments by cell
};

} // namespace lugeo
