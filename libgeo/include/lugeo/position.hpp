// lugeo: positions as dispatchers receive them (docs/positions.md).
//
// A caller's position reaches the 110 desk typed from a handset screen, pasted from a map app,
// or as a geo: link, in one of four systems: WGS84 (GNSS, Google, OpenStreetMap), CGCS2000
// (China's national datum, EPSG:4490), GCJ-02 (Amap/AutoNavi, Tencent Maps, WeChat location
// sharing) or BD-09 (Baidu Maps). PROJ does not do GCJ-02 or BD-09; lugeo implements their
// published forward formulas and iterative inverses (round-trip error below 1e-6 m over China,
// docs/positions.md), applied only inside China (china_area() in crs.hpp); elsewhere the
// apps' positions are plain WGS84 and the conversions are the identity.
//
//   const ParsedPosition p = parse_position("104.0703,30.6570", {PositionCrs::gcj02});
//   require_position_near_extent(p.wgs84, lonlat_extent(roads_box, scene.crs));
//   const XY at = MetricFrame(scene.crs).to_metric(p.wgs84);
#pragma once

#include <lugeo/crs.hpp>
#include <lugeo/geometry.hpp>
#include <lugeo/types.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace lugeo {

/// The systems positions are given in.
enum class PositionCrs {
    wgs84,    ///< GNSS, Google Maps, OpenStreetMap, geo: URIs (RFC 5870)
    cgcs2000, ///< China Geodetic Coordinate System 2000 (EPSG:4490): taken as WGS84 (see docs)
    gcj02,    ///< Amap/AutoNavi, Tencent Maps, WeChat location sharing ("Mars coordinates")
    bd09      ///< Baidu Maps (BD-09 lon/lat, not Baidu's Mercator metres BD09MC)
};
const char *position_crs_name(PositionCrs crs) noexcept; ///< "wgs84", "cgcs2000", "gcj02", "bd09"
/// Case-insensitive "wgs84" | "cgcs2000" | "gcj02" | "bd09"; nullopt for anything else.
std::optional<PositionCrs> position_crs_from_name(std::string_view name) noexcept;
/// position_crs_from_name, throwing Error(invalid_argument) that lists the known names.
PositionCrs parse_position_crs(std::string_view name);

/// A position given in `from` as WGS84. Identity for wgs84 and cgcs2000, and outside China.
/// Always a WGS84 position that from_wgs84 takes back to `p` when there is one (see
/// position_readings for the band along China's outline where there are two, or none).
/// Throws Error(invalid_argument) for a longitude or latitude out of range or not finite.
LonLat to_wgs84(LonLat p, PositionCrs from);
/// A WGS84 position in `to` (for display on that system's maps): the offsets apply where the
/// WGS84 position lies inside China's outline; same errors as to_wgs84.
LonLat from_wgs84(LonLat p, PositionCrs to);

/// The WGS84 readings of a GCJ-02 / BD-09 position. from_wgs84 applies the offset inside the
/// outline and not outside, so within about the offset (0.3–1.2 km) of the outline a position
/// can have two readings — `shifted` (the offset removed: a WGS84 point inside that the
/// offset carried out, or to here) and `unshifted` (itself: a WGS84 point outside) — or none
/// (a point inside that no WGS84 point maps to). to_wgs84 returns `shifted` when it exists
/// (the position was declared in the offset system, and apps that use it apply the offset
/// over a box wider than the outline), else `unshifted`, else the offset removed anyway.
struct PositionReadings {
    std::optional<LonLat> shifted;   ///< from_wgs84(*shifted) == p (to 1 mm), *shifted inside
    std::optional<LonLat> unshifted; ///< p itself, when p lies outside
    bool ambiguous() const { return shifted && unshifted; }
};
PositionReadings position_readings(LonLat p, PositionCrs from);

/// A position as typed, converted.
struct ParsedPosition {
    LonLat wgs84; ///< the position in WGS84
    LonLat given; ///< as typed, longitude first, in `crs`
    PositionCrs crs = PositionCrs::wgs84;
    std::optional<double> radius_m;   ///< LON,LAT,RADIUS or a geo: URI's u= (metres, > 0)
    std::optional<double> altitude_m; ///< a geo: URI's third coordinate
    bool geo_uri = false;             ///< given as a geo: URI
    /// Along China's outline: the other WGS84 reading of an ambiguous GCJ-02 / BD-09 position
    /// (position_readings; `wgs84` is the shifted one), for a caller to warn about.
    std::optional<LonLat> other_reading;
};

struct PositionParseOptions {
    /// The system the position was declared in (e.g. by the caller's app). Unset: WGS84 for
    /// LON,LAT; for a geo: URI its own ;crs= (WGS84 when it has none, as RFC 5870 says). Set,
    /// it applies to a geo: URI without ;crs= too (Chinese apps write their own coordinates
    /// into geo: links); a URI whose ;crs= says otherwise is an error.
    std::optional<PositionCrs> crs;
};

/// Parses a position as typed: "LON,LAT", "LON,LAT,RADIUS" (degrees, metres; spaces and a
/// full-width comma allowed), or a geo: URI (RFC 5870) "geo:LAT,LON[,ALT][;crs=LABEL][;u=M]"
/// — latitude first — with LABEL wgs84 (or lugeo's cgcs2000, gcj02, bd09), and Android's
/// "geo:0,0?q=LAT,LON(label)". Throws Error(invalid_argument) that quotes the text and says what
/// is wrong: not numbers, NaN or infinite, a longitude outside [-180, 180] or a latitude outside
/// [-90, 90] (with the swap spelled out when LAT,LON was typed), a radius that is not a positive
/// number, an unknown crs label, a query that is a search rather than a position. The message
/// names no command-line option; callers add theirs.
ParsedPosition parse_position(std::string_view text, const PositionParseOptions &options = {});

/// Whether a WGS84 position lies near an extent (WGS84 lon/lat box, e.g. lonlat_extent() of the
/// roads): `far` when it lies more than `max_distance_m` outside it. A position that far can
/// only be wrong for this city — (0, 0) from a handset with no fix, latitude and longitude
/// swapped, another city's data — and must not be used as if it were in it.
struct ExtentCheck {
    double distance_m = 0.0; ///< from the box (0 inside); great-circle, approximate
    bool far = false;
    std::string message; ///< empty unless far: where it is, how far, and the likely cause
};
inline constexpr double default_max_distance_from_extent_m = 20000.0;
ExtentCheck check_position_near_extent(LonLat p, const Box &lonlat_extent,
                                       double max_distance_m = default_max_distance_from_extent_m);
/// check_position_near_extent, throwing Error(invalid_argument) with its message when far.
void require_position_near_extent(LonLat p, const Box &lonlat_extent,
                                  double max_distance_m = default_max_distance_from_extent_m);

} // namespace lugeo
