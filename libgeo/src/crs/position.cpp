// Positions as dispatchers receive them: systems, conversions, parsing, the extent check.
#include <lugeo/error.hpp>
#include <lugeo/position.hpp>

#include "crs/offsets.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace lugeo {

namespace {

constexpr std::array<PositionCrs, 4> k_systems = {PositionCrs::wgs84, PositionCrs::cgcs2000,
                                                  PositionCrs::gcj02, PositionCrs::bd09};

std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string known_names() {
    std::string list;
    for (PositionCrs c : k_systems)
        list += (list.empty() ? "" : ", ") + std::string(position_crs_name(c));
    return list;
}

std::string num(double v) {
    return number_text(v, 6);
}

void require_lonlat(LonLat p) {
    if (!(std::isfinite(p.lon) && std::isfinite(p.lat) && std::abs(p.lon) <= 180.0 &&
          std::abs(p.lat) <= 90.0))
        throw Error(ErrorCode::invalid_argument,
                    "(" + num(p.lon) + ", " + num(p.lat) +
                        ") is not a longitude, latitude (longitude -180..180, latitude -90..90)");
}

/// The offsets apply where the WGS84 position lies inside China (china_area): from_wgs84 tests
/// the WGS84 point it is given, to_wgs84 the WGS84 readings it returns (position_readings).
bool offsets_apply(LonLat wgs84) {
    return china_area(wgs84) != ChinaArea::outside;
}
/// Cheap test first: more than 0.2 degree (ten times the largest offset) outside the outlines.
bool far_from_china(LonLat p) {
    static const Box b = detail::china_outline_box();
    return p.lon < b.minx - 0.2 || p.lon > b.maxx + 0.2 || p.lat < b.miny - 0.2 ||
           p.lat > b.maxy + 0.2;
}

// ---- parsing ----

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

/// Splits on ',' and on the full-width comma U+FF0C (as a Chinese input method types it).
std::vector<std::string_view> split_commas(std::string_view s) {
    static constexpr std::string_view wide = "\xEF\xBC\x8C";
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t len = s[i] == ',' ? 1 : (s.substr(i, 3) == wide ? 3 : 0);
        if (len) {
            parts.push_back(trim(s.substr(start, i - start)));
            i += len;
            start = i;
        } else {
            ++i;
        }
    }
    parts.push_back(trim(s.substr(start)));
    return parts;
}

struct Parser {
    std::string_view text; ///< the whole input, for messages

    [[noreturn]] void fail(const std::string &why) const {
        throw Error(ErrorCode::invalid_argument, "position '" + std::string(text) + "': " + why);
    }

    double number(std::string_view s, const char *what) const {
        if (!s.empty() && s.front() == '+') s.remove_prefix(1);
        double v = 0.0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size())
            fail(std::string(what) + " '" + std::string(s) + "' is not a number");
        if (!std::isfinite(v)) fail(std::string(what) + " is " + std::string(s) + ", not a number");
        return v;
    }

    double radius(std::string_view s) const {
        const double r = number(s, "the radius");
        if (r <= 0.0) fail("the radius must be a positive number of metres, not " + std::string(s));
        return r;
    }

    /// Range checks with the swap spelled out: LON,LAT typed as LAT,LON is the usual slip.
    void check_ranges(double lon, double lat, bool lat_first) const {
        const std::string order =
            lat_first ? "a geo: URI takes the latitude first" : "LON,LAT takes the longitude first";
        if (std::abs(lat) > 90.0) {
            std::string m = "latitude " + num(lat) + " is outside [-90, 90]; " + order;
            if (std::abs(lon) <= 90.0)
                m += lat_first ? " (geo:" + num(lon) + "," + num(lat) + ")"
                               : " (" + num(lat) + "," + num(lon) + ")";
            fail(m);
        }
        if (std::abs(lon) > 180.0) fail("longitude " + num(lon) + " is outside [-180, 180]");
    }

    ParsedPosition plain(std::string_view s) const {
        const auto parts = split_commas(s);
        if (parts.size() < 2 || parts.size() > 3)
            fail("expected LON,LAT or LON,LAT,RADIUS (degrees, metres), e.g. 104.0665,30.6598 "
                 "or 104.0665,30.6598,300, or a geo: URI");
        ParsedPosition p;
        p.given = {number(parts[0], "the longitude"), number(parts[1], "the latitude")};
        check_ranges(p.given.lon, p.given.lat, false);
        if (parts.size() == 3) p.radius_m = radius(parts[2]);
        return p;
    }

    /// geo:LAT,LON[,ALT][;crs=LABEL][;u=M][;other=…][?q=LAT,LON(label)]
    ParsedPosition geo(std::string_view s, std::optional<PositionCrs> &uri_crs) const {
        std::string_view query;
        if (const auto q = s.find('?'); q != std::string_view::npos) {
            query = s.substr(q + 1);
            s = s.substr(0, q);
        }
        std::vector<std::string_view> params;
        std::string_view path = s;
        if (const auto semi = s.find(';'); semi != std::string_view::npos) {
            path = s.substr(0, semi);
            std::string_view rest = s.substr(semi + 1);
            while (true) {
                const auto next = rest.find(';');
                params.push_back(trim(rest.substr(0, next)));
                if (next == std::string_view::npos) break;
                rest = rest.substr(next + 1);
            }
        }
        const auto coords = split_commas(path);
        if (coords.size() < 2 || coords.size() > 3)
            fail("a geo: URI is geo:LAT,LON[,ALT][;u=METRES] (latitude first), e.g. "
                 "geo:30.6598,104.0665;u=30");
        ParsedPosition p;
        p.geo_uri = true;
        const double lat = number(coords[0], "the latitude");
        const double lon = number(coords[1], "the longitude");
        check_ranges(lon, lat, true);
        p.given = {lon, lat};
        if (coords.size() == 3) p.altitude_m = number(coords[2], "the altitude");
        for (std::size_t i = 0; i < params.size(); ++i) {
            const std::string_view param = params[i];
            const auto eq = param.find('=');
            const std::string name = lower(trim(param.substr(0, eq)));
            const std::string_view value =
                eq == std::string_view::npos ? std::string_view() : trim(param.substr(eq + 1));
            if (name == "crs") {
                if (i != 0) fail("a geo: URI's ;crs= must come first (RFC 5870)");
                const auto c = position_crs_from_name(value);
                if (!c)
                    fail("unknown crs '" + std::string(value) +
                         "' in the geo: URI (known: " + known_names() + ")");
                uri_crs = c;
            } else if (name == "u") {
                const double u = number(value, "the uncertainty u=");
                if (u < 0.0) fail("the uncertainty u= must not be negative");
                if (u > 0.0) p.radius_m = u; // u=0: exact, so no radius of its own
            } // other parameters (RFC 5870 allows them) carry nothing lugeo uses
        }
        if (!query.empty()) android_query(query, p);
        return p;
    }

    /// Android's geo:0,0?q=LAT,LON(label): the position is in the query.
    void android_query(std::string_view query, ParsedPosition &p) const {
        std::string_view q;
        for (std::string_view rest = query;;) {
            const auto amp = rest.find('&');
            const std::string_view kv = rest.substr(0, amp);
            if (lower(kv.substr(0, 2)) == "q=") q = kv.substr(2);
            if (amp == std::string_view::npos) break;
            rest = rest.substr(amp + 1);
        }
        if (q.empty()) return; // ?z=zoom and the like: the path holds the position
        if (const auto paren = q.find('('); paren != std::string_view::npos) q = q.substr(0, paren);
        const auto parts = split_commas(q);
        const auto is_number = [](std::string_view s) {
            double v = 0.0;
            if (!s.empty() && s.front() == '+') s.remove_prefix(1);
            const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            return !s.empty() && ec == std::errc() && end == s.data() + s.size();
        };
        if (parts.size() != 2 || !is_number(parts[0]) || !is_number(parts[1]))
            fail("the geo: URI's query q=" + std::string(q) +
                 " is a search, not a position: give the coordinates");
        const double lat = number(parts[0], "the latitude"),
                     lon = number(parts[1], "the longitude");
        check_ranges(lon, lat, true);
        p.given = {lon, lat};
    }
};

} // namespace

const char *position_crs_name(PositionCrs crs) noexcept {
    switch (crs) {
    case PositionCrs::cgcs2000:
        return "cgcs2000";
    case PositionCrs::gcj02:
        return "gcj02";
    case PositionCrs::bd09:
        return "bd09";
    case PositionCrs::wgs84:
        break;
    }
    return "wgs84";
}

std::optional<PositionCrs> position_crs_from_name(std::string_view name) noexcept {
    const std::string n = lower(trim(name));
    for (PositionCrs c : k_systems)
        if (n == position_crs_name(c)) return c;
    return std::nullopt;
}

PositionCrs parse_position_crs(std::string_view name) {
    if (const auto c = position_crs_from_name(name)) return *c;
    throw Error(ErrorCode::invalid_argument, "unknown position system '" + std::string(name) +
                                                 "' (known: " + known_names() + ")");
}

namespace {

/// The offset of `to` applied (no inside test), and its iterative inverse.
LonLat offset_forward(LonLat p, PositionCrs to) {
    return to == PositionCrs::bd09 ? detail::bd09_forward(detail::gcj02_forward(p))
                                   : detail::gcj02_forward(p);
}
LonLat offset_inverse(LonLat p, PositionCrs from) {
    return from == PositionCrs::bd09 ? detail::gcj02_inverse(detail::bd09_inverse(p))
                                     : detail::gcj02_inverse(p);
}

} // namespace

PositionReadings position_readings(LonLat p, PositionCrs from) {
    require_lonlat(p);
    PositionReadings r;
    if (from == PositionCrs::wgs84 || from == PositionCrs::cgcs2000 || far_from_china(p)) {
        r.unshifted = p;
        return r;
    }
    const LonLat w = offset_inverse(p, from);
    // a reading is one the forward conversion, with its own inside test, takes back to p
    if (offsets_apply(w) && detail::haversine_m(offset_forward(w, from), p) < 1e-3) r.shifted = w;
    if (!offsets_apply(p)) r.unshifted = p;
    return r;
}

LonLat to_wgs84(LonLat p, PositionCrs from) {
    const PositionReadings r = position_readings(p, from);
    if (r.shifted) return *r.shifted;
    if (r.unshifted) return *r.unshifted;
    return offset_inverse(p, from); // no WGS84 point maps here: the offset removed anyway
}

LonLat from_wgs84(LonLat p, PositionCrs to) {
    require_lonlat(p);
    if (!offsets_apply(p)) return p;
    switch (to) {
    case PositionCrs::gcj02:
        return detail::gcj02_forward(p);
    case PositionCrs::bd09:
        return detail::bd09_forward(detail::gcj02_forward(p));
    case PositionCrs::wgs84:
    case PositionCrs::cgcs2000:
        break;
    }
    return p;
}

ParsedPosition parse_position(std::string_view text, const PositionParseOptions &options) {
    const Parser parser{text};
    const std::string_view s = trim(text);
    if (s.empty()) parser.fail("empty (expected LON,LAT, LON,LAT,RADIUS or a geo: URI)");
    ParsedPosition p;
    std::optional<PositionCrs> uri_crs;
    if (lower(s.substr(0, 4)) == "geo:") {
        p = parser.geo(s.substr(4), uri_crs);
        if (uri_crs && options.crs && *uri_crs != *options.crs)
            parser.fail(std::string("the geo: URI says crs=") + position_crs_name(*uri_crs) +
                        " but the position was declared " + position_crs_name(*options.crs));
    } else {
        p = parser.plain(s);
    }
    p.crs = uri_crs ? *uri_crs : options.crs.value_or(PositionCrs::wgs84);
    const PositionReadings r = position_readings(p.given, p.crs);
    p.wgs84 = to_wgs84(p.given, p.crs);
    if (r.ambiguous()) p.other_reading = *r.unshifted;
    return p;
}

ExtentCheck check_position_near_extent(LonLat p, const Box &b, double max_distance_m) {
    ExtentCheck out;
    if (!b.valid()) return out;
    const LonLat nearest{std::clamp(p.lon, b.minx, b.maxx), std::clamp(p.lat, b.miny, b.maxy)};
    out.distance_m = detail::haversine_m(p, nearest);
    out.far = out.distance_m > max_distance_m;
    if (!out.far) return out;
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "position (%.6f, %.6f) lies %.1f km outside the data's extent "
                  "(longitude %.4f to %.4f, latitude %.4f to %.4f), more than the %.1f km "
                  "allowed: it is not used",
                  p.lon, p.lat, out.distance_m / 1000.0, b.minx, b.maxx, b.miny, b.maxy,
                  max_distance_m / 1000.0);
    out.message = buf;
    const LonLat swapped{p.lat, p.lon};
    if (p.lon == 0.0 && p.lat == 0.0)
        out.message += "; (0, 0) is what a handset without a position fix sends";
    else if (std::abs(swapped.lat) <= 90.0 &&
             detail::haversine_m(swapped, {std::clamp(swapped.lon, b.minx, b.maxx),
                                           std::clamp(swapped.lat, b.miny, b.maxy)}) <=
                 max_distance_m)
        out.message += "; with longitude and latitude swapped it would lie in the area: was "
                       "it typed LAT,LON?";
    return out;
}

void require_position_near_extent(LonLat p, const Box &b, double max_distance_m) {
    const ExtentCheck c = check_position_near_extent(p, b, max_distance_m);
    if (c.far) throw Error(ErrorCode::invalid_argument, c.message);
}

} // namespace lugeo
