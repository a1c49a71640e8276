// lugeo: a routable road network built from any GDAL line layer.
//
// Ways are split into edges at every vertex they share with another way (or with
// themselves); a bridge that crosses a road without a shared vertex stays unconnected.
// Each edge has a length in metres (in the scene's metric CRS), a road class, a name, a
// one-way flag and, per profile (walk, e-bike, car), a travel time in each direction
// (infinite where the profile may not go). Adjacency is compressed (CSR) per profile,
// forward (out-arcs) and backward (in-arcs).
#pragma once

#include <lugeo/detail/bucket_grid.hpp>
#include <lugeo/geometry.hpp>
#include <lugeo/io.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lugeo {

enum class Profile : std::uint8_t { walk = 0, ebike = 1, car = 2 };
inline constexpr std::size_t profile_count = 3;
inline constexpr std::array<Profile, profile_count> all_profiles = {Profile::walk, Profile::ebike,
                                                                    Profile::car};
const char *profile_name(Profile p) noexcept; ///< "walk", "ebike", "car"
/// Parses "walk", "ebike" / "e-bike", "car"; empty optional otherwise.
std::optional<Profile> profile_from_name(std::string_view name) noexcept;

/// How fast a profile moves on each road class, and whether it obeys one-way rules.
struct ProfileSpeeds {
    std::map<std::string, double> kmh; ///< road class -> km/h; absent or 0: may not use
    double other_kmh = 0.0;            ///< classes not listed (0: may not use)
    bool obey_oneway = true;
    bool cap_by_maxspeed = true; ///< a tagged maxspeed lowers the class speed
};
/// Urban defaults for a Chinese city (docs/network.md lists them).
ProfileSpeeds default_speeds(Profile p);

/// How a road layer is digitised: one feature per road (two-way unless tagged one-way), or one
/// feature per direction of travel (a two-way street is two reversed copies, a single feature
/// is one-way along its geometry). `detect` (a setting only): decide from the data;
/// `mixed` (a detection result only): some reversed copies, too few for a directed layer.
enum class RoadLayout : std::uint8_t { detect, undirected, directed, mixed };
const char *road_layout_name(RoadLayout l) noexcept; ///< "auto", "undirected", "directed", "mixed"

/// What detect_road_layout found.
struct RoadLayoutReport {
    RoadLayout layout = RoadLayout::undirected; ///< undirected, directed or mixed
    double length_m = 0.0;  ///< road length looked at (features with a road class)
    double twinned_m = 0.0; ///< of it, segments whose reversed copy is in another feature
    double twinned_share() const { return length_m > 0 ? twinned_m / length_m : 0.0; }
    std::size_t features = 0, features_twinned = 0; ///< twinned: every segment has a reversed copy
};
/// Share of road length (features with a class) at or above which a layer is directed, and at
/// or below which it is undirected; in between it is mixed. A directed layer with a one-way
/// share s has a twinned share 2(1 − s)/(2 − s): 0.18 even when 90 % of the road is one-way,
/// while an OSM extract has almost none (a few overlapping ways).
inline constexpr double directed_twin_share = 0.15;
inline constexpr double undirected_twin_share = 0.02;
/// Detects the layout from the geometry: the length of segments (consecutive vertices) whose
/// reversed segment occurs in another feature. Independent of how features are split.
struct RoadInput; // below
RoadLayoutReport detect_road_layout(const std::vector<RoadInput> &roads);

struct NetworkOptions {
    std::array<ProfileSpeeds, profile_count> profiles = {default_speeds(Profile::walk),
                                                         default_speeds(Profile::ebike),
                                                         default_speeds(Profile::car)};
    /// Metric CRS for the graph; "" or "UTM": the UTM zone of the data's centre.
    std::string metric_crs;
    /// One-way values (case-insensitive) of the one-way field: forward / backward / closed.
    std::vector<std::string> oneway_forward = {"yes", "1", "true", "-1r"};
    std::vector<std::string> oneway_backward = {"-1", "reverse"};
    /// OSM "reversible": direction changes by time of day; like OSRM, not routable by car/e-bike.
    std::vector<std::string> oneway_closed = {"reversible", "alternating"};
    /// `[network] directed = "auto" | false | true`: detect, undirected, directed. Detected
    /// `mixed` is built as undirected, with a warning. In a directed layout a feature whose
    /// one-way value is neither forward, backward nor closed runs along its geometry only;
    /// its reversed copy (merged, step 4 of docs/network.md) gives the other direction.
    RoadLayout layout = RoadLayout::detect;
    ProgressFn progress;
};

/// What the build read, kept, merged and dropped.
struct NetworkBuildReport {
    std::size_t features_read = 0;
    std::size_t features_used = 0;
    std::size_t features_no_class = 0;                  ///< no road class (OSM: not a highway)
    std::map<std::string, std::size_t> dropped_classes; ///< class -> features no profile may use
    std::size_t features_area = 0;       ///< area highways (squares), routed along their outline
    std::size_t features_degenerate = 0; ///< fewer than 2 distinct vertices
    std::size_t duplicate_edges_merged = 0;
    std::size_t ways_missing_nodes = 0; ///< OSM ways cut at the extract's edge (GDAL reports)
    /// Roads whose maxspeed is a number but no speed (NaN, infinite, <= 0, > 300 km/h): their
    /// class speed is used, with a warning naming the first.
    std::size_t maxspeed_absurd = 0;
    std::string maxspeed_absurd_example;
    std::int64_t maxspeed_absurd_fid = -1;
    RoadLayoutReport layout;                         ///< what detection found (also when set)
    RoadLayout layout_used = RoadLayout::undirected; ///< how the features were read
    bool layout_from_settings = false;               ///< `[network] directed` said it
    std::vector<std::string> warnings;
    double read_seconds = 0.0;
    double build_seconds = 0.0;
};

/// A stretch of one edge: [from_m, to_m] in metres from the edge's first vertex along its
/// geometry (0 <= from_m <= to_m <= the edge's length). Every "piece of an edge" an analysis
/// returns derives from it and adds its own figures: EdgePiece (routing), IsochronePiece and
/// BeyondPiece (isochrones), ZonePiece (zones), RoadPiece (coverage), SiteDemandPoint (site);
/// Network::sub_line draws any of them.
struct EdgeSpan {
    std::uint32_t edge = 0;
    double from_m = 0, to_m = 0;
    double length_m() const { return to_m - from_m; }
    double mid_m() const { return 0.5 * (from_m + to_m); }
    /// Metres along the edge from offset x to the span (0 within it).
    double distance_to(double x) const {
        return x < from_m ? from_m - x : (x > to_m ? x - to_m : 0.0);
    }
};

/// A span over which a travel time runs linearly from time_from_s at from_m to time_to_s at
/// to_m: the part routing's EdgePiece and zones' ZonePiece share.
struct TimedSpan : EdgeSpan {
    double time_from_s = 0, time_to_s = 0;
    /// The time at offset x (interpolated; time_from_s on an empty span).
    double time_at(double x) const {
        const double len = length_m();
        return len > 0 ? time_from_s + (time_to_s - time_from_s) * (x - from_m) / len : time_from_s;
    }
    double max_time_s() const { return time_from_s > time_to_s ? time_from_s : time_to_s; }
    double min_time_s() const { return time_from_s < time_to_s ? time_from_s : time_to_s; }
    /// Metres of the span reached within t_s seconds.
    double length_within_m(double t_s) const {
        const double a = min_time_s(), b = max_time_s();
        if (t_s >= b) return length_m();
        return t_s > a ? length_m() * (t_s - a) / (b - a) : 0.0;
    }
    /// Narrows the span to [lo, hi] (within it), with the times there.
    void cut_to(double lo, double hi) {
        const double t_lo = time_at(lo), t_hi = time_at(hi);
        from_m = lo;
        to_m = hi;
        time_from_s = t_lo;
        time_to_s = t_hi;
    }
};

class Network {
public:
    struct Edge {
        std::uint32_t from = 0, to = 0; ///< node ids; geometry runs from -> to
        double length_m = 0.0;
        std::uint32_t road_class = 0; ///< index into classes()
        std::uint32_t name = 0;       ///< index into names() (0 = "")
        std::int8_t oneway =
            0; ///< 0 both ways, 1 along the geometry only, -1 against it only, 2 closed to vehicles
        /// Vertical level of its way (RoadInput::level, clamped to [-9, 9]): 0 ground, > 0
        /// bridge or overpass, < 0 tunnel. Routing ignores it; zone polygons give land only
        /// to ground-level edges.
        std::int8_t level = 0;
        float maxspeed_kmh = 0.0f;                  ///< 0: not tagged
        std::uint32_t geom_begin = 0, geom_end = 0; ///< range in geometry_points()
        std::int64_t source_fid = -1;               ///< the feature it came from
    };
    /// A directed arc in a profile's CSR. `node` is the head (forward CSR) or the tail
    /// (backward CSR); `along` says whether it runs in the edge's digitized direction.
    /// 16 bytes (the arcs are a third of a network's memory): an edge id below 2^31.
    struct Arc {
        std::uint32_t node;
        std::uint32_t edge : 31;
        std::uint32_t along : 1;
        double time_s;
    };
    static constexpr std::size_t max_edges = std::size_t{1} << 31;

    Network() = default;

    // ---- nodes and edges ----
    std::size_t node_count() const { return m_nodes.size(); }
    std::size_t edge_count() const { return m_edges.size(); }
    XY node(std::uint32_t n) const { return m_nodes[n]; }
    const std::vector<XY> &nodes() const { return m_nodes; }
    const Edge &edge(std::uint32_t e) const { return m_edges[e]; }
    const std::vector<Edge> &edges() const { return m_edges; }
    std::span<const XY> edge_geometry(std::uint32_t e) const;
    const std::vector<std::string> &classes() const { return m_classes; }
    const std::vector<std::string> &names() const { return m_names; }
    const std::string &class_of(std::uint32_t e) const { return m_classes[m_edges[e].road_class]; }
    const std::string &name_of(std::uint32_t e) const { return m_names[m_edges[e].name]; }
    const std::string &crs() const { return m_crs; }

    /// Point at `offset_m` metres along edge e from its first vertex (clamped).
    XY point_along(std::uint32_t e, double offset_m) const;
    /// The part of edge e between two offsets (metres from its first vertex), from <= to.
    LineString sub_line(std::uint32_t e, double from_m, double to_m) const;
    /// The line of a span (or of any piece of an edge).
    LineString sub_line(const EdgeSpan &s) const { return sub_line(s.edge, s.from_m, s.to_m); }

    // ---- profiles ----
    /// Travel time in seconds over the whole edge, along or against its geometry;
    /// +infinity where the profile may not go that way.
    double travel_time(Profile p, std::uint32_t e, bool along) const {
        return m_time[static_cast<std::size_t>(p)][along ? 0 : 1][e];
    }
    bool is_usable(Profile p, std::uint32_t e) const {
        return std::isfinite(travel_time(p, e, true)) || std::isfinite(travel_time(p, e, false));
    }
    /// Out-arcs of node n (forward CSR) and in-arcs (backward CSR) for profile p.
    std::span<const Arc> out_arcs(Profile p, std::uint32_t n) const;
    std::span<const Arc> in_arcs(Profile p, std::uint32_t n) const;

    // ---- components (strongly connected for car and e-bike; walk is undirected) ----
    /// Component id per node for profile p; nodes no usable edge touches get npos.
    const std::vector<std::uint32_t> &node_components(Profile p) const {
        return m_components[static_cast<std::size_t>(p)];
    }
    std::size_t component_count(Profile p) const {
        return m_component_count[static_cast<std::size_t>(p)];
    }
    /// The component with the most usable road length.
    std::uint32_t largest_component(Profile p) const {
        return m_largest[static_cast<std::size_t>(p)];
    }
    /// Component of an edge: that of both its ends when they agree, else npos.
    std::uint32_t edge_component(Profile p, std::uint32_t e) const;
    static constexpr std::uint32_t npos = std::numeric_limits<std::uint32_t>::max();

    // ---- snapping ----
    struct SnapOptions {
        Profile profile = Profile::car;
        double max_distance_m = 500.0;      ///< beyond this: no snap
        bool largest_component_only = true; ///< skip edges outside the profile's largest component
    };
    struct Snap {
        std::uint32_t edge = 0;
        double offset_m = 0.0;   ///< from the edge's first vertex along its geometry
        double distance_m = 0.0; ///< from the query point to `point`
        XY point;
        double fraction(const Network &net) const {
            const double l = net.edge(edge).length_m;
            return l > 0 ? offset_m / l : 0.0;
        }
    };
    /// A snap this close to an edge's end is at that end's node: routing starts from the node,
    /// whatever the edge's direction (routing.hpp).
    static constexpr double snap_end_tolerance_m = 1e-3;
    /// Nearest usable edge within the limit; empty when there is none. At equal distance (a
    /// point on a junction lies on every edge there) the edge one can leave the point along
    /// in more directions wins, then the lower edge id. Only the grid cells within the limit
    /// are searched, so a far point costs no more than a near one. Throws
    /// Error(invalid_argument) when the limit is negative or NaN (+infinity: no limit).
    std::optional<Snap> snap(XY p, const SnapOptions &options) const;
    std::optional<Snap> snap(XY p) const { return snap(p, SnapOptions{}); }
    /// Why snap(p, options) found no edge, as the end of an error message's sentence: "more
    /// than 500 m from every road usable by car in the network's largest component", and,
    /// when a usable road outside that component lies within the limit, where the nearest
    /// is ("; the nearest, 12 m away, is in a part of 0.4 km of road that is not connected to
    /// it (check the roads' connections there, or move the position)"). Call it only on that
    /// failure (it searches again without the component restriction).
    std::string snap_failure(XY p, const SnapOptions &options) const;
    /// Every edge with a segment whose bounding box meets `box`, by ascending id (from the
    /// snapping index: the cost follows the box, not the network).
    std::vector<std::uint32_t> edges_in(const Box &box) const;
    /// Total length of the edges profile p may use (either way), in metres.
    double usable_length_m(Profile p) const { return m_usable_m[static_cast<std::size_t>(p)]; }

    const NetworkBuildReport &report() const { return m_report; }

    // Construction goes through build_network(); these are for the builder.
    struct Builder;

private:
    friend struct Builder;
    std::string m_crs;
    std::vector<XY> m_nodes;
    std::vector<Edge> m_edges;
    std::vector<XY> m_points;
    std::vector<std::string> m_classes;
    std::vector<std::string> m_names;
    std::array<std::array<std::vector<double>, 2>, profile_count> m_time;
    struct Csr {
        std::vector<std::uint32_t> offsets;
        std::vector<Arc> arcs;
    };
    std::array<Csr, profile_count> m_fwd, m_bwd;
    std::array<std::vector<std::uint32_t>, profile_count> m_components;
    std::array<std::size_t, profile_count> m_component_count{};
    std::array<std::uint32_t, profile_count> m_largest{};
    // snapping index: segment references by cell (the library's one grid index)
    struct SegRef {
        std::uint32_t edge;
        std::uint32_t seg; ///< index of the segment's first point in m_points
    };
    std::array<double, profile_count> m_usable_m{};
    detail::BucketGrid<SegRef> m_grid;
    std::vector<double> m_cumlen; ///< per point: length from its edge's first vertex
    NetworkBuildReport m_report;
};

/// Builds from lines already read (metric coordinates in `crs`): one entry per way. The road
/// layer is read by read_roads (layers.hpp).
struct RoadInput {
    LineString line;
    std::string road_class;
    std::string name;
    std::string oneway;   ///< raw value of the one-way field ("" = none)
    std::string maxspeed; ///< raw value ("50", "50 mph", "")
    std::string junction; ///< "roundabout", "circular" imply one-way
    std::int64_t fid = -1;
    int level = 0; ///< vertical level: OSM layer=*, else +1 bridge / -1 tunnel, 0 ground
};
Network build_network(std::vector<RoadInput> roads, const std::string &crs,
                      const NetworkOptions &options, NetworkBuildReport report = {});

/// Figures for `lugeo network info`.
struct NetworkSummary {
    std::size_t nodes = 0, edges = 0;
    double total_km = 0.0;
    std::map<std::string, double> km_by_class;
    std::array<double, profile_count> km_by_profile{};
    std::array<std::size_t, profile_count> components{};
    std::array<double, profile_count>
        largest_share{};       ///< usable length in the largest component / all usable
    double oneway_share = 0.0; ///< car-usable length that is one-way / car-usable length
};
NetworkSummary summarize(const Network &net);

} // namespace lugeo
