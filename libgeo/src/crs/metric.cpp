// Choosing a metric CRS for an extent, and measuring how much a CRS distorts distance over it.
#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace lugeo {

namespace {

constexpr double k_pi = 3.14159265358979323846;
constexpr double k_deg = k_pi / 180.0;
// WGS84 ellipsoid
constexpr double k_a = 6378137.0;
constexpr double k_e2 = 0.00669437999014;

std::string format(const char *fmt, double a, double b = 0.0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, a, b);
    return buf;
}

/// "101.527E, 25.049N"
std::string lonlat_text(LonLat p) {
    return format("%.3f", std::abs(p.lon)) + (p.lon < 0 ? "W" : "E") + ", " +
           format("%.3f", std::abs(p.lat)) + (p.lat < 0 ? "S" : "N");
}
std::string meridian_text(double lon) {
    return format("%g", std::abs(lon)) + (lon < 0 ? "W" : "E");
}
std::string percent(double fraction) {
    const double p = 100.0 * fraction;
    return format(p < 0.0995  ? "%.3f %%"
                  : p < 0.995 ? "%.2f %%"
                  : p < 9.95  ? "%.1f %%"
                              : "%.0f %%",
                  p);
}

void require_lonlat_box(const Box &b) {
    if (!b.valid() || !std::isfinite(b.minx) || !std::isfinite(b.maxx) || !std::isfinite(b.miny) ||
        !std::isfinite(b.maxy))
        throw Error(ErrorCode::invalid_argument, "an empty extent has no metric CRS");
    if (b.minx < -180.0 || b.maxx > 180.0 || b.miny < -90.0 || b.maxy > 90.0)
        throw Error(ErrorCode::invalid_argument, "extent (" + format("%.6f, %.6f", b.minx, b.miny) +
                                                     ") - (" +
                                                     format("%.6f, %.6f", b.maxx, b.maxy) +
                                                     ") is not in WGS84 longitude, latitude");
}

int utm_zone(double lon) {
    return std::clamp(static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1, 1, 60);
}
/// Index of the 3-degree Gauss-Kruger zone (0 = CM 75E ... 20 = CM 135E).
int gk_zone(double lon) {
    return std::clamp(static_cast<int>(std::floor((lon + 1.5) / 3.0)) - 25, 0, 20);
}

MetricCrsChoice named(std::string crs, double cm, int spans, std::string reason) {
    MetricCrsChoice c;
    c.crs = std::move(crs);
    c.name = crs_name(c.crs);
    c.central_meridian = cm;
    c.zones_spanned = spans;
    c.reason = std::move(reason);
    return c;
}

/// Scales at one point from the Jacobian of WGS84 -> crs (see measure_scale_error).
void scales_at(const Transformer &t, LonLat p, double &min_scale, double &max_scale) {
    constexpr double h = 1e-5; // degrees: about 1 m
    const XY e1 = t.forward(XY{p.lon + h, p.lat}), e0 = t.forward(XY{p.lon - h, p.lat});
    const XY n1 = t.forward(XY{p.lon, p.lat + h}), n0 = t.forward(XY{p.lon, p.lat - h});
    const double s = std::sin(p.lat * k_deg);
    const double w = 1.0 - k_e2 * s * s;
    const double n_radius = k_a / std::sqrt(w);                      // prime vertical
    const double m_radius = k_a * (1.0 - k_e2) / (w * std::sqrt(w)); // meridian
    const double east_m = n_radius * std::cos(p.lat * k_deg) * 2.0 * h * k_deg;
    const double north_m = m_radius * 2.0 * h * k_deg;
    const double ex = (e1.x - e0.x) / east_m, ey = (e1.y - e0.y) / east_m;
    const double nx = (n1.x - n0.x) / north_m, ny = (n1.y - n0.y) / north_m;
    // Singular values of the Jacobian: the extreme scales over all directions (Tissot's a, b).
    const double E = ex * ex + ey * ey, G = nx * nx + ny * ny, F = ex * nx + ey * ny;
    const double root = std::sqrt((E - G) * (E - G) + 4.0 * F * F);
    max_scale = std::sqrt((E + G + root) / 2.0);
    min_scale = std::sqrt(std::max(0.0, (E + G - root) / 2.0));
}

} // namespace

MetricCrsChoice choose_metric_crs(const Box &b) {
    require_lonlat_box(b);
    const LonLat c{(b.minx + b.maxx) / 2.0, (b.miny + b.maxy) / 2.0};
    const std::string where = "the data's centre (" + lonlat_text(c) + ") lies ";
    auto spans_note = [&](int spans, double cm) {
        if (spans <= 1) return std::string();
        return "; the data spans " + std::to_string(spans) + " zones (" + meridian_text(b.minx) +
               " to " + meridian_text(b.maxx) +
               "), so the zone of its centre is used and distances far from " + meridian_text(cm) +
               " are stretched (the scale check says by how much)";
    };
    MetricCrsChoice out;
    switch (china_area(c)) {
    case ChinaArea::mainland: {
        const int zone = gk_zone(c.lon);
        const double cm = 75.0 + 3.0 * zone;
        const int spans = gk_zone(b.maxx) - gk_zone(b.minx) + 1;
        out = named("EPSG:" + std::to_string(4534 + zone), cm, spans,
                    where + "in mainland China: the national grid (CGCS2000), its 3-degree "
                            "Gauss-Kruger zone with the nearest central meridian");
        out.reason += spans_note(spans, cm);
        return out;
    }
    case ChinaArea::taiwan: {
        const bool west = c.lon < 120.0;
        const int spans = (b.minx < 120.0 && b.maxx >= 120.0) ? 2 : 1;
        out = named(west ? "EPSG:3825" : "EPSG:3826", west ? 119.0 : 121.0, spans,
                    where +
                        "in Taiwan: the grid Taiwan's own survey data uses (TWD97, within a "
                        "metre of WGS84), TM2 zone " +
                        (west ? "119" : "121"));
        out.reason += spans_note(spans, out.central_meridian);
        return out;
    }
    case ChinaArea::outside:
        break;
    }
    const int zone = utm_zone(c.lon);
    const double cm = zone * 6.0 - 183.0;
    const int spans = utm_zone(b.maxx) - utm_zone(b.minx) + 1;
    out = named(utm_crs_for(c), cm, spans,
                where + "outside China: the WGS84 UTM zone of the centre, " +
                    (c.lat >= 0 ? "northern" : "southern") + " hemisphere");
    out.reason += spans_note(spans, cm);
    return out;
}

ScaleError measure_scale_error(const std::string &crs, const Box &b, int per_side) {
    require_lonlat_box(b);
    if (!is_projected_crs(crs)) // throws Error(crs) for an unknown CRS
        throw Error(ErrorCode::crs, "'" + crs + "' is not a projected (metric) CRS");
    per_side = std::max(per_side, 2);
    const Transformer t("EPSG:4326", crs);
    ScaleError out;
    out.min_scale = INFINITY;
    out.max_scale = -INFINITY;
    out.max_error = -1.0;
    for (int i = 0; i < per_side; ++i) {
        for (int j = 0; j < per_side; ++j) {
            LonLat p{b.minx + (b.maxx - b.minx) * i / (per_side - 1),
                     b.miny + (b.maxy - b.miny) * j / (per_side - 1)};
            p.lat = std::clamp(p.lat, -89.9, 89.9);
            double lo = 0.0, hi = 0.0;
            try {
                scales_at(t, p, lo, hi);
            } catch (const Error &) {
                throw Error(ErrorCode::crs, "'" + crs + "' cannot represent the data at (" +
                                                lonlat_text(p) +
                                                "): the extent lies outside the CRS's area");
            }
            if (!std::isfinite(lo) || !std::isfinite(hi) || lo <= 0.0)
                throw Error(ErrorCode::crs, "'" + crs + "' is degenerate at (" + lonlat_text(p) +
                                                "): no distance can be measured there");
            out.min_scale = std::min(out.min_scale, lo);
            out.max_scale = std::max(out.max_scale, hi);
            const double err = std::max(std::abs(hi - 1.0), std::abs(lo - 1.0));
            if (err > out.max_error) {
                out.max_error = err;
                out.worst = p;
            }
            ++out.samples;
        }
    }
    return out;
}

const char *scale_verdict_name(ScaleVerdict v) noexcept {
    switch (v) {
    case ScaleVerdict::warn:
        return "warn";
    case ScaleVerdict::refuse:
        return "refuse";
    case ScaleVerdict::ok:
        break;
    }
    return "ok";
}

ScaleCheck check_metric_crs(const std::string &crs, const Box &b, const ScaleCheckOptions &o) {
    ScaleCheck out;
    out.error = measure_scale_error(crs, b);
    out.suggestion = choose_metric_crs(b);
    out.suggestion_error =
        out.suggestion.crs == crs ? out.error : measure_scale_error(out.suggestion.crs, b);
    const double e = out.error.max_error;
    out.verdict = e > o.refuse_above ? ScaleVerdict::refuse
                  : e > o.warn_above ? ScaleVerdict::warn
                                     : ScaleVerdict::ok;
    if (out.verdict == ScaleVerdict::ok) return out;

    const std::string name = crs_name(crs);
    const bool stretches = out.error.max_scale - 1.0 >= 1.0 - out.error.min_scale;
    std::string m = crs + (name.empty() ? "" : " (" + name + ")") +
                    (stretches ? " stretches" : " shrinks") + " distances by up to " + percent(e) +
                    " over the data (at " + lonlat_text(out.error.worst) + ")";
    if (out.verdict == ScaleVerdict::refuse)
        m += ": every length, area and travel time would be wrong by as much; lugeo refuses a "
             "scale error above " +
             percent(o.refuse_above);
    else
        m += ", more than the " + percent(o.warn_above) +
             " of a CRS chosen for the area (lugeo refuses above " + percent(o.refuse_above) + ")";
    const bool better = out.suggestion.crs != crs && out.suggestion_error.max_error < e;
    if (better)
        m += ". Use " + out.suggestion.crs + " (" + out.suggestion.name + ", " +
             percent(out.suggestion_error.max_error) + " over the data): " + out.suggestion.reason +
             ".";
    else
        m += ". No single zone fits the data better (it spans " +
             std::to_string(out.suggestion.zones_spanned) +
             " zones): split it, or accept the error.";
    out.message = m;
    return out;
}

ScaleCheck require_metric_crs(const std::string &crs, const Box &b, const std::string &context,
                              const ScaleCheckOptions &o) {
    ScaleCheck c = check_metric_crs(crs, b, o);
    if (c.verdict == ScaleVerdict::refuse)
        throw Error(ErrorCode::crs, (context.empty() ? "" : context + ": ") + c.message);
    return c;
}

Box lonlat_extent(const Box &box, const std::string &crs) {
    if (!box.valid()) return {};
    const Transformer t(crs, "EPSG:4326");
    constexpr int n = 16;
    Box out;
    for (int i = 0; i <= n; ++i) {
        const double fx = box.minx + (box.maxx - box.minx) * i / n;
        const double fy = box.miny + (box.maxy - box.miny) * i / n;
        for (const XY p : {XY{fx, box.miny}, XY{fx, box.maxy}, XY{box.minx, fy}, XY{box.maxx, fy}})
            out.extend(t.forward(p));
    }
    return out;
}

} // namespace lugeo
