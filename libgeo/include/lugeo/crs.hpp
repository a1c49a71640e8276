// lugeo: coordinate reference systems (PROJ behind a small value-semantics wrapper).
#pragma once

#include <lugeo/geometry.hpp>
#include <lugeo/types.hpp>

#include <memory>
#include <string>
#include <vector>

namespace lugeo {

/// Throws Error(crs) unless `definition` ("EPSG:4543", a PROJ string, WKT) names a CRS PROJ knows.
/// `context` (e.g. "scene.toml [scene] crs") is put into the message.
void validate_crs(const std::string &definition, const std::string &context = {});

/// True when the CRS is projected (metres), false when geographic. Throws Error(crs) if unknown.
bool is_projected_crs(const std::string &definition);

/// The WGS84 UTM zone CRS ("EPSG:326NN" north, "EPSG:327NN" south) that contains `p`.
std::string utm_crs_for(LonLat p);

/// PROJ's name of a CRS ("CGCS2000 / 3-degree Gauss-Kruger CM 102E"); "" when PROJ has none.
/// Throws Error(crs) for an unknown CRS.
std::string crs_name(const std::string &definition);

// ---------------------------------------------------------------------------------------------
// Inside China?

/// Where a WGS84 position lies for lugeo's China tests: mainland China (with Hainan and the
/// coastal islands, Hong Kong and Macau), Taiwan (with Penghu and Kinmen), or outside. The
/// outlines are Natural Earth's 1:10m borders grown by 0.1 degree (tools/china_outline.sh;
/// docs/positions.md, "The bounds test"): positions within about 5-15 km of a border may be
/// classed either way, and islands that map leaves out (Matsu, the Spratlys) are outside.
/// Mainland is tested first, so where the margins overlap (Xiamen, Kinmen) the mainland wins.
enum class ChinaArea { outside, mainland, taiwan };
ChinaArea china_area(LonLat p) noexcept;
const char *china_area_name(ChinaArea area) noexcept; ///< "outside", "mainland", "taiwan"

// ---------------------------------------------------------------------------------------------
// Choosing a metric CRS

/// The metric CRS lugeo proposes for data and why (docs/scene.md, "Coordinate systems").
struct MetricCrsChoice {
    std::string crs;               ///< "EPSG:4543"
    std::string name;              ///< "CGCS2000 / 3-degree Gauss-Kruger CM 102E" (PROJ's)
    double central_meridian = 0.0; ///< degrees east
    int zones_spanned = 1; ///< zones of that family the extent touches (> 1: centre's zone used)
    /// For a person: where the data is and why this CRS ("the data's centre (101.527E,
    /// 25.049N) lies in mainland China: the national grid …"), and the zones it spans.
    std::string reason;
};

/// The metric CRS for data whose WGS84 extent is `lonlat_extent` (minx/maxx longitude, miny/maxy
/// latitude; an extent that crosses the antimeridian is not supported). Decided by the extent's
/// centre: in mainland China, CGCS2000 / 3-degree Gauss-Kruger (EPSG:4534-4554, central
/// meridians 75E-135E, no zone prefix on the easting) of the nearest central meridian; in
/// Taiwan, TWD97 / TM2 (EPSG:3826 zone 121, EPSG:3825 zone 119 west of 120E), the grid of
/// Taiwan's own survey data; elsewhere the WGS84 UTM zone (north or south). When the extent
/// spans several zones the centre's zone is chosen and the reason says so.
/// Throws Error(invalid_argument) for an empty extent or one outside lon/lat ranges.
MetricCrsChoice choose_metric_crs(const Box &lonlat_extent);

// ---------------------------------------------------------------------------------------------
// How much a CRS distorts distance over an extent

/// The scale of a CRS over an extent: planar length in the CRS's units (taken as metres, as
/// lugeo does) over true length on the WGS84 ellipsoid, in the most stretched (`max_scale`) and
/// the most shrunk (`min_scale`) direction, sampled over the extent.
struct ScaleError {
    double min_scale = 1.0;
    double max_scale = 1.0;
    double max_error = 0.0; ///< max |scale - 1| over directions and samples (0.01 = 1 %)
    LonLat worst;           ///< where max_error occurs
    int samples = 0;
};

/// Samples `per_side` x `per_side` points of the WGS84 extent (corners and edges included) and at
/// each computes the Tissot scales of `crs` from the Jacobian of the WGS84 -> crs transformation
/// (central differences over about 1 m, against the ellipsoid's radii of curvature). Measuring
/// through the same transformation lugeo uses for data makes units and axis order part of the
/// figure: a CRS in US feet shows a scale of 3.28 whatever its projection. Agrees with PROJ's
/// proj_factors to 1e-7 for metre CRSs (tests/test_crs.cpp). Throws Error(crs) when the CRS is
/// unknown, not projected, or cannot transform part of the extent.
ScaleError measure_scale_error(const std::string &crs, const Box &lonlat_extent, int per_side = 9);

/// Tolerances of check_metric_crs (docs/scene.md, "Coordinate systems").
struct ScaleCheckOptions {
    /// Above this, warn: 0.2 % is more than any zone choose_metric_crs proposes reaches over a
    /// city-sized extent (a 3-degree Gauss-Kruger zone stays under 0.05 %; UTM under 0.1 %
    /// inside its zone and 0.13 % for a city astride a zone edge on the equator), so a warning
    /// means the CRS was not chosen for the area; a neighbouring Gauss-Kruger zone (0.1-0.2 %)
    /// passes, two zones away (0.5 %) warns.
    double warn_above = 0.002;
    /// Above this, refuse: 1 % is 10 m on a kilometre, 6 s on a 10-minute drive.
    double refuse_above = 0.01;
};

enum class ScaleVerdict { ok, warn, refuse };
const char *scale_verdict_name(ScaleVerdict v) noexcept; ///< "ok", "warn", "refuse"

struct ScaleCheck {
    ScaleVerdict verdict = ScaleVerdict::ok;
    ScaleError error;            ///< of the CRS checked
    MetricCrsChoice suggestion;  ///< choose_metric_crs over the same extent
    ScaleError suggestion_error; ///< of the suggestion
    /// Empty when ok. Names the CRS, the error and where, and the suggestion with its error.
    std::string message;
};

/// Measures `crs` over `lonlat_extent` and judges it against the options.
ScaleCheck check_metric_crs(const std::string &crs, const Box &lonlat_extent,
                            const ScaleCheckOptions &options = {});
/// check_metric_crs, throwing Error(crs) with "<context>: <message>" when the verdict is refuse.
/// `context` says where the CRS was set ("'city/scene.toml' [scene] crs"). Returns the check
/// otherwise, for the caller to print its message when it warns.
ScaleCheck require_metric_crs(const std::string &crs, const Box &lonlat_extent,
                              const std::string &context, const ScaleCheckOptions &options = {});

/// The WGS84 lon/lat extent of `box` (in `crs`), from 16 points along each of its edges.
/// Throws Error(crs) when the CRS cannot be transformed.
Box lonlat_extent(const Box &box, const std::string &crs);

/// A coordinate transformation between two CRSs, in the GIS axis order (x = east/longitude,
/// y = north/latitude) whatever the CRS's official axis order. Each instance owns its own
/// PROJ context, so one Transformer per thread is safe; a single one must not be shared.
class Transformer {
public:
    Transformer(const std::string &from, const std::string &to);
    ~Transformer();
    Transformer(Transformer &&) noexcept;
    Transformer &operator=(Transformer &&) noexcept;
    Transformer(const Transformer &) = delete;
    Transformer &operator=(const Transformer &) = delete;

    /// Transforms one position; throws Error(crs) when PROJ cannot transform it.
    XY forward(XY p) const;
    XY inverse(XY p) const;
    /// Transforms in place (faster for many points).
    void forward(std::vector<XY> &pts) const;
    void inverse(std::vector<XY> &pts) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Convenience: WGS84 <-> a metric CRS.
class MetricFrame {
public:
    explicit MetricFrame(const std::string &metric_crs);
    /// Throws Error(invalid_argument) for a longitude or latitude out of range.
    XY to_metric(LonLat p) const;
    LonLat to_lonlat(XY p) const;
    /// Many points at once, in place: each becomes {lon, lat} (faster than one at a time).
    void to_lonlat(std::vector<XY> &pts) const;
    const std::string &crs() const { return m_crs; }

private:
    std::string m_crs;
    Transformer m_fwd;
};

} // namespace lugeo
