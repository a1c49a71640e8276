// Private pieces shared by the coverage sources: the exact segment visibility test, a grid
// index over road segments, and interval helpers.
#pragma once

#include "geometry/intervals.hpp"

#include <lugeo/coverage.hpp>
#include <lugeo/detail/bucket_grid.hpp>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace lugeo::coverage_detail {

/// A camera prepared for many visibility queries: its walls within range, wedge normals.
struct CameraFrame {
    XY c;
    double r = 0.0, r2 = 0.0;
    bool all_around = true;
    bool convex = true; ///< hfov <= 180: the wedge is the intersection of two half-planes
    XY n1, n2;          ///< inward normals of the wedge's boundary rays
    std::vector<const Occluders::Wall *> walls;
};
CameraFrame make_frame(const Camera &cam, const Occluders &occ);

using TInterval = std::pair<double, double>;
/// Appends the parts of segment a->b (parameter t in [0, 1]) the camera sees, sorted and
/// disjoint. `scratch` is reused between calls.
void segment_visible(const CameraFrame &f, XY a, XY b, std::vector<TInterval> &out,
                     std::vector<TInterval> &scratch);

/// The profile's usable edges with cumulative lengths and a grid over their segments.
class RoadIndex {
public:
    /// `area` non-empty: only edges whose middle lies inside it.
    RoadIndex(const Network &net, Profile profile, const MultiPolygon &area = {},
              double cell_m = 50.0);
    const Network &net() const { return *m_net; }
    const std::vector<std::uint32_t> &edges() const { return m_edges; } ///< usable edge ids
    bool is_road(std::uint32_t e) const { return m_slot[e] != npos; }
    std::uint32_t slot(std::uint32_t e) const { return m_slot[e]; } ///< index in edges()
    double length(std::uint32_t e) const { return m_len[e]; }
    /// Cumulative length at vertex k of edge e (k = 0 … vertices − 1).
    double cum(std::uint32_t e, std::size_t k) const {
        return m_cum[m_net->edge(e).geom_begin + k];
    }
    /// Segments (edge, first vertex index within the edge) whose box meets the box, in
    /// (edge, segment) order, each once.
    void segments_near(const Box &box, std::vector<std::uint64_t> &out) const;
    double total_m() const { return m_total; }

    /// The road spans a camera sees, by edge then offset, merged within each edge.
    void camera_intervals(const Camera &cam, const Occluders &occ,
                          std::vector<EdgeSpan> &out) const;

    static constexpr std::uint32_t npos = 0xffffffffu;

private:
    const Network *m_net;
    std::vector<std::uint32_t> m_edges, m_slot;
    std::vector<double> m_len, m_cum;
    double m_total = 0.0;
    detail::BucketGrid<std::uint64_t> m_grid; ///< (edge << 32 | segment) by cell
};

/// Moves a camera that stands inside a footprint out to the nearest wall (0.1 m outside)
/// when within max_m. Returns the issue (if any); `blind` is set for an indoor camera.
std::optional<CameraIssue> relocate(Camera &cam, const Occluders &occ, double max_m, bool &blind);

} // namespace lugeo::coverage_detail
