#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>

#include <proj.h>

#include <cctype>
#include <map>
#include <mutex>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

namespace lugeo {

namespace {

struct Ctx {
    PJ_CONTEXT *ctx = proj_context_create();
    ~Ctx() { proj_context_destroy(ctx); }
    Ctx() { proj_log_level(ctx, PJ_LOG_NONE); }
    Ctx(const Ctx &) = delete;
    Ctx &operator=(const Ctx &) = delete;
};

std::string proj_error(PJ_CONTEXT *ctx) {
    const int err = proj_context_errno(ctx);
    return err ? proj_context_errno_string(ctx, err) : "unknown error";
}

/// A definition PROJ would look up by name in its database (not a PROJ string, WKT, PROJJSON
/// or a URN/URL): that search takes ~0.1 s whatever the text, so only names of a plausible
/// length are searched.
bool looked_up_by_name(const std::string &d) {
    const std::size_t b = d.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return true;
    const std::string_view s = std::string_view(d).substr(b);
    if (s.starts_with('+') || s.starts_with("proj=") || s.starts_with('{') ||
        s.starts_with("urn:") || s.starts_with("http"))
        return false;
    std::size_t k = 0;
    while (k < s.size() && (std::isalnum(static_cast<unsigned char>(s[k])) || s[k] == '_'))
        ++k;
    while (k < s.size() && s[k] == ' ')
        ++k;
    return !(k > 0 && k < s.size() && s[k] == '['); // WKT: KEYWORD[
}

constexpr std::size_t max_crs_name = 120;

/// What PROJ said of a definition, kept for the process: a command asks the same questions of
/// the scene's CRS once per layer, and each answer costs a context and a database look-up.
/// Only answers are kept (a definition PROJ refuses is asked again, and refused again).
template <class T> class Memo {
public:
    template <class F> T get(const std::string &definition, F &&compute) {
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            if (auto it = m_known.find(definition); it != m_known.end()) return it->second;
        }
        T v = compute();
        const std::lock_guard<std::mutex> lock(m_mutex);
        if (m_known.size() < 256) m_known.emplace(definition, v);
        return v;
    }

private:
    std::mutex m_mutex;
    std::map<std::string, T> m_known;
};

void check_crs_definition(const std::string &definition, const std::string &context);

} // namespace

void validate_crs(const std::string &definition, const std::string &context) {
    static Memo<bool> valid;
    valid.get(definition, [&] {
        check_crs_definition(definition, context);
        return true;
    });
}

namespace {

void check_crs_definition(const std::string &definition, const std::string &context) {
    Ctx c;
    const std::string where = context.empty() ? "" : " (" + context + ")";
    if (definition.empty()) throw Error(ErrorCode::crs, "empty CRS" + where);
    if (definition.size() > max_crs_name && looked_up_by_name(definition))
        throw Error(ErrorCode::crs,
                    "unknown CRS '" + printable_value(definition.substr(0, 60)) + "…'" + where +
                        ": not AUTH:CODE (EPSG:4547), a PROJ string, WKT or PROJJSON, and longer "
                        "than any CRS name (" +
                        std::to_string(max_crs_name) + " bytes)");
    PJ *pj = proj_create(c.ctx, definition.c_str());
    if (!pj)
        throw Error(ErrorCode::crs, "unknown CRS '" + printable_value(definition) + "'" + where +
                                        ": " + proj_error(c.ctx));
    const PJ_TYPE t = proj_get_type(pj);
    proj_destroy(pj);
    const bool is_crs = t == PJ_TYPE_GEOGRAPHIC_2D_CRS || t == PJ_TYPE_GEOGRAPHIC_3D_CRS ||
                        t == PJ_TYPE_PROJECTED_CRS || t == PJ_TYPE_COMPOUND_CRS ||
                        t == PJ_TYPE_GEOCENTRIC_CRS || t == PJ_TYPE_BOUND_CRS ||
                        t == PJ_TYPE_OTHER_CRS || t == PJ_TYPE_ENGINEERING_CRS ||
                        t == PJ_TYPE_GEOGRAPHIC_CRS;
    if (!is_crs)
        throw Error(ErrorCode::crs,
                    "'" + definition + "' is not a coordinate reference system" + where);
}

bool projected(const std::string &definition) {
    Ctx c;
    PJ *pj = proj_create(c.ctx, definition.c_str());
    if (!pj) throw Error(ErrorCode::crs, "unknown CRS '" + definition + "': " + proj_error(c.ctx));
    PJ_TYPE t = proj_get_type(pj);
    if (t == PJ_TYPE_BOUND_CRS) {
        PJ *base = proj_get_source_crs(c.ctx, pj);
        if (base) {
            t = proj_get_type(base);
            proj_destroy(base);
        }
    }
    proj_destroy(pj);
    return t == PJ_TYPE_PROJECTED_CRS;
}

std::string name_of(const std::string &definition) {
    Ctx c;
    PJ *pj = proj_create(c.ctx, definition.c_str());
    if (!pj) throw Error(ErrorCode::crs, "unknown CRS '" + definition + "': " + proj_error(c.ctx));
    const char *name = proj_get_name(pj);
    std::string out = name ? name : "";
    proj_destroy(pj);
    return out;
}

} // namespace

bool is_projected_crs(const std::string &definition) {
    static Memo<bool> known;
    return known.get(definition, [&] { return projected(definition); });
}

std::string utm_crs_for(LonLat p) {
    int zone = static_cast<int>(std::floor((p.lon + 180.0) / 6.0)) + 1;
    zone = zone < 1 ? 1 : (zone > 60 ? 60 : zone);
    return (p.lat >= 0 ? "EPSG:326" : "EPSG:327") + std::string(zone < 10 ? "0" : "") +
           std::to_string(zone);
}

std::string crs_name(const std::string &definition) {
    static Memo<std::string> known;
    return known.get(definition, [&] { return name_of(definition); });
}

struct Transformer::Impl {
    Ctx c;
    PJ *pj = nullptr;
    std::string from, to;
    ~Impl() {
        if (pj) proj_destroy(pj);
    }
};

namespace {

PJ *create_transformation(PJ_CONTEXT *ctx, const std::string &from, const std::string &to) {
    PJ *raw = proj_create_crs_to_crs(ctx, from.c_str(), to.c_str(), nullptr);
    if (!raw)
        throw Error(ErrorCode::crs,
                    "cannot transform from '" + from + "' to '" + to + "': " + proj_error(ctx));
    PJ *norm = proj_normalize_for_visualization(ctx, raw);
    proj_destroy(raw);
    if (!norm)
        throw Error(ErrorCode::crs,
                    "cannot normalise axis order for '" + from + "' -> '" + to + "'");
    return norm;
}

/// The transformations made so far, in a context of their own: choosing one between two CRS
/// searches PROJ's database (20-30 ms from WGS84 to a CGCS2000 Gauss-Kruger zone), cloning
/// it into a new transformer's context takes 0.05 ms, and a command reads every layer
/// through one.
class TransformationCache {
public:
    PJ *clone_or_create(PJ_CONTEXT *ctx, const std::string &from, const std::string &to) {
        const std::lock_guard<std::mutex> lock(m_mutex);
        const auto key = std::make_pair(from, to);
        if (auto it = m_known.find(key); it != m_known.end())
            if (PJ *pj = proj_clone(ctx, it->second)) return pj;
        PJ *pj = create_transformation(ctx, from, to);
        if (m_known.size() < 64)
            if (PJ *kept = proj_clone(m_ctx.ctx, pj)) m_known.emplace(key, kept);
        return pj;
    }
    ~TransformationCache() {
        for (auto &[key, pj] : m_known)
            proj_destroy(pj);
    }

private:
    std::mutex m_mutex;
    Ctx m_ctx;
    std::map<std::pair<std::string, std::string>, PJ *> m_known;
};

} // namespace

Transformer::Transformer(const std::string &from, const std::string &to)
    : m_impl(std::make_unique<Impl>()) {
    static TransformationCache cache;
    m_impl->from = from;
    m_impl->to = to;
    m_impl->pj = cache.clone_or_create(m_impl->c.ctx, from, to);
}
Transformer::~Transformer() = default;
Transformer::Transformer(Transformer &&) noexcept = default;
Transformer &Transformer::operator=(Transformer &&) noexcept = default;

namespace {
XY trans(PJ *pj, XY p, PJ_DIRECTION dir, const std::string &from, const std::string &to) {
    PJ_COORD c = proj_coord(p.x, p.y, 0, 0);
    PJ_COORD r = proj_trans(pj, dir, c);
    if (!std::isfinite(r.xy.x) || !std::isfinite(r.xy.y) || r.xy.x == HUGE_VAL)
        throw Error(ErrorCode::crs, "cannot transform (" + number_text(p.x, 6) + ", " +
                                        number_text(p.y, 6) + ") from '" +
                                        (dir == PJ_FWD ? from : to) + "' to '" +
                                        (dir == PJ_FWD ? to : from) + "'");
    return {r.xy.x, r.xy.y};
}
void trans_many(PJ *pj, std::vector<XY> &pts, PJ_DIRECTION dir, const std::string &from,
                const std::string &to) {
    if (pts.empty()) return;
    static_assert(sizeof(XY) == 2 * sizeof(double));
    proj_trans_generic(pj, dir, &pts[0].x, sizeof(XY), pts.size(), &pts[0].y, sizeof(XY),
                       pts.size(), nullptr, 0, 0, nullptr, 0, 0);
    for (const XY &p : pts)
        if (!std::isfinite(p.x) || !std::isfinite(p.y) || p.x == HUGE_VAL)
            throw Error(ErrorCode::crs,
                        "cannot transform coordinates from '" + (dir == PJ_FWD ? from : to) +
                            "' to '" + (dir == PJ_FWD ? to : from) + "' (outside the CRS's area?)");
}
} // namespace

XY Transformer::forward(XY p) const {
    return trans(m_impl->pj, p, PJ_FWD, m_impl->from, m_impl->to);
}
XY Transformer::inverse(XY p) const {
    return trans(m_impl->pj, p, PJ_INV, m_impl->from, m_impl->to);
}
void Transformer::forward(std::vector<XY> &pts) const {
    trans_many(m_impl->pj, pts, PJ_FWD, m_impl->from, m_impl->to);
}
void Transformer::inverse(std::vector<XY> &pts) const {
    trans_many(m_impl->pj, pts, PJ_INV, m_impl->from, m_impl->to);
}

MetricFrame::MetricFrame(const std::string &metric_crs)
    : m_crs(metric_crs), m_fwd("EPSG:4326", metric_crs) {}
XY MetricFrame::to_metric(LonLat p) const {
    if (!(p.lon >= -180.0 && p.lon <= 180.0 && p.lat >= -90.0 && p.lat <= 90.0)) {
        throw Error(ErrorCode::invalid_argument,
                    "(" + number_text(p.lon, 6) + ", " + number_text(p.lat, 6) +
                        ") is not a WGS84 longitude, latitude (longitude -180..180, "
                        "latitude -90..90; longitude first)");
    }
    return m_fwd.forward(XY{p.lon, p.lat});
}
LonLat MetricFrame::to_lonlat(XY p) const {
    const XY r = m_fwd.inverse(p);
    return {r.x, r.y};
}
void MetricFrame::to_lonlat(std::vector<XY> &pts) const {
    m_fwd.inverse(pts);
}

} // namespace lugeo
