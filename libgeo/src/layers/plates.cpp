// Plate layers (power poles, street lamps): IDs normalised under the plate scheme, positions
// kept in WGS84 and in the metric CRS.
#include "layers/internal.hpp"
#include "layers/reading.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/registry.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_map>

namespace lugeo {

const char *plate_status_name(PlateStatus status) noexcept {
    switch (status) {
    case PlateStatus::ok:
        return "ok";
    case PlateStatus::damaged:
        return "damaged";
    case PlateStatus::missing:
        return "missing";
    case PlateStatus::unknown:
        return "unknown";
    }
    return "unknown";
}

std::optional<PlateStatus> plate_status_from_name(std::string_view name) {
    if (name == "ok" || name == "正常" || name.empty()) return PlateStatus::ok;
    if (name == "damaged" || name == "损坏") return PlateStatus::damaged;
    if (name == "missing" || name == "缺失" || name == "丢失") return PlateStatus::missing;
    if (name == "unknown" || name == "未知") return PlateStatus::unknown;
    return std::nullopt;
}

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

const PlateScheme &scheme_of(const LayerReadContext &ctx) {
    static const PlateScheme default_scheme;
    return ctx.plate_scheme ? *ctx.plate_scheme : default_scheme;
}

/// One plate row that failed validation: an Error (strict); kept as read and listed
/// (keep_invalid_plates); or left out and listed (lenient).
struct RowCheck {
    detail::LayerReading &reading;
    const LayerReadContext &ctx;
    Plates &out;
    bool failed = false;
    PlateOrigin origin(std::int64_t fid) const {
        return {reading.spec().describe(), fid, reading.spec().source, reading.layer_name(),
                reading.spec().source_field("id")};
    }
    void fail(ErrorCode code, std::int64_t fid, const std::string &field, const std::string &value,
              const std::string &id, const std::string &message) {
        failed = true;
        if (!ctx.keep_invalid_plates && !ctx.lenient)
            throw Error(code, reading.at(fid, field, value), message);
        out.rejected.push_back({origin(fid), ctx.keep_invalid_plates ? out.plates.size() : SIZE_MAX,
                                printable_value(id), message});
    }
};

std::string lonlat_text(XY p) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.7g, %.7g", p.x, p.y);
    return buf;
}

} // namespace

namespace detail {

void check_duplicate_plates(Plates &plates, const LayerReadContext &ctx, std::size_t first) {
    const PlateScheme &scheme = plates.scheme ? *plates.scheme : scheme_of(ctx);
    auto base_of = [&](const std::string &id) {
        const auto parts = parse_plate_id(id, scheme);
        return parts ? format_plate_id(*parts, false, scheme) : id;
    };
    const std::size_t n = plates.plates.size();
    std::unordered_map<std::string, std::size_t> seen;
    seen.reserve(n);
    for (std::size_t i = 0; i < first; ++i)
        seen.emplace(base_of(plates.plates[i].id), i);
    std::vector<bool> drop(n, false);
    for (std::size_t i = first; i < n; ++i) {
        const std::string base = base_of(plates.plates[i].id);
        const auto it = seen.find(base);
        if (it == seen.end()) {
            if (first == 0) seen.emplace(base, i); // one layer: check it against itself
            continue;
        }
        const PlateOrigin &a = plates.origins[it->second], &b = plates.origins[i];
        const std::string message = "duplicate plate ID '" + plates.plates[i].id + "' (also " +
                                    a.layer + " feature " + std::to_string(a.fid) + ", '" +
                                    plates.plates[it->second].id + "')";
        if (!ctx.keep_invalid_plates && !ctx.lenient) {
            ErrorContext c;
            c.file = b.file;
            c.layer = b.layer_name;
            c.feature = b.fid;
            c.field = b.id_field;
            c.value = plates.plates[i].id;
            throw Error(ErrorCode::duplicate_id, c, message);
        }
        plates.rejected.push_back(
            {b, ctx.keep_invalid_plates ? i : SIZE_MAX, plates.plates[i].id, message});
        drop[i] = !ctx.keep_invalid_plates;
    }
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (drop[i]) continue;
        if (k != i) {
            plates.plates[k] = std::move(plates.plates[i]);
            plates.origins[k] = std::move(plates.origins[i]);
        }
        ++k;
    }
    plates.plates.resize(k);
    plates.origins.resize(k);
}

} // namespace detail

Plates read_plates(const LayerSpec &spec, const std::string &kind, const LayerReadContext &ctx,
                   LayerReport *report) {
    const LayerRole role = kind == "lamp" ? LayerRole::lamps : LayerRole::poles;
    detail::LayerReading reading(spec, role, ctx, report);
    if (ctx.metric_crs.empty())
        throw Error(ErrorCode::invalid_argument, reading.at(), "read_plates: no metric CRS given");
    ReadOptions ro;
    ro.required_fields = {"id"};
    ro.optional_fields = {"road", "status", "installed"};
    // strict: a row without a position is named; for the checks it is skipped and counted
    ro.empty_geometry_is_error = !ctx.keep_invalid_plates && !ctx.lenient;
    ro.keep_empty_geometry = true; // a plate without a position is reported by name
    // keep lon/lat as read; transformed to the metric CRS below
    const FeatureTable table = reading.read_into("EPSG:4326", ro);
    const std::size_t f_id = table.field_index("id"), f_road = table.field_index("road"),
                      f_status = table.field_index("status"),
                      f_installed = table.field_index("installed");
    using R = detail::LayerReading;

    // the numbering scheme: declared, given, or inferred from the IDs
    PlateScheme scheme;
    if (!spec.scheme.empty()) {
        try {
            scheme = parse_plate_scheme(spec.scheme, kind);
        } catch (const Error &e) {
            ErrorContext c = reading.at();
            c.parameter = std::string("layers.") + (kind == "lamp" ? "lamps" : "poles") + ".scheme";
            c.value = spec.scheme;
            throw Error(ErrorCode::invalid_config, c, e.message());
        }
        reading.note("numbering scheme " + scheme.text() + " (declared)");
    } else if (ctx.plate_scheme) {
        scheme = *ctx.plate_scheme;
    } else {
        std::vector<std::string> raw;
        raw.reserve(table.features.size());
        for (const Feature &f : table.features)
            raw.push_back(f.values[f_id].value_or(""));
        InferredScheme inf = infer_plate_scheme(raw, kind);
        std::string misfits;
        for (std::size_t k = 0; k < inf.misfits.size() && k < 5; ++k)
            misfits += (k ? ", '" : " '") + printable_value(raw[inf.misfits[k]]) + "'";
        if (inf.misfits.size() > 5) misfits += ", …";
        reading.note(
            "numbering scheme " + inf.text + " inferred from " + std::to_string(raw.size()) +
            " IDs (declare it as scheme = \"…\" in the "
            "layer's table)" +
            (inf.misfits.empty()
                 ? std::string()
                 : "; " + std::to_string(inf.misfits.size()) + " IDs fit it not:" + misfits));
        if (inf.scheme.types.empty()) {
            // nothing to read the IDs under: every row will be reported
            PlateType none;
            none.kind = kind;
            none.prefix = "\x01";
            inf.scheme.types.push_back(none);
        }
        scheme = std::move(inf.scheme);
    }
    {
        std::vector<std::string> raw;
        raw.reserve(table.features.size());
        for (const Feature &f : table.features)
            raw.push_back(f.values[f_id].value_or(""));
        scheme = expand_plate_scheme(scheme, raw);
    }
    std::optional<std::size_t> type;
    for (std::size_t t = 0; t < scheme.types.size() && !type; ++t)
        if (scheme.types[t].kind == kind) type = t;
    if (!type)
        throw Error(ErrorCode::invalid_config, reading.at(),
                    "the plate scheme has no kind '" + kind + "'");

    Plates out;
    out.plates.reserve(table.features.size());
    out.origins.reserve(table.features.size());
    std::vector<XY> metric;
    std::vector<std::size_t> to_transform;
    RowCheck check{reading, ctx, out};
    for (const Feature &f : table.features) {
        check.failed = false;
        Plate p;
        p.kind = kind;
        const std::string raw = f.values[f_id].value_or("");
        const NormalizedId norm = normalize_plate_id(raw, scheme);
        const auto parts = norm.is_canonical ? parse_plate_id(norm.id, scheme) : std::nullopt;
        if (!parts || scheme.types[parts->type].any_name) {
            check.fail(ErrorCode::invalid_argument, f.fid, "id", raw, raw,
                       "not a plate ID" +
                           (norm.error.empty() ? std::string() : " (" + norm.error + ")") +
                           "; expected the scheme " + scheme.text());
            p.id = raw; // kept as given: check_plates reports it
        } else {
            p.id = norm.id;
            if (scheme.types[parts->type].kind != kind)
                check.fail(ErrorCode::invalid_argument, f.fid, "id", raw, p.id,
                           "'" + p.id + "' has the prefix of a " + scheme.types[parts->type].kind +
                               ", but this is the " + kind + " layer");
        }
        p.road = R::text(f, f_road);
        p.installed = R::text(f, f_installed);
        if (const std::string st = R::text(f, f_status); !st.empty()) {
            const auto status = plate_status_from_name(st);
            if (!status)
                check.fail(ErrorCode::invalid_argument, f.fid, "status", st, p.id,
                           "not a plate status (ok, damaged, missing, unknown)");
            p.status = status.value_or(PlateStatus::unknown);
        } else {
            p.status = table.field_present[f_status] ? PlateStatus::unknown : PlateStatus::ok;
        }

        const auto pt = first_point(f.geometry);
        p.position = {nan, nan};
        p.lonlat = {nan, nan};
        if (!pt) {
            check.fail(ErrorCode::invalid_geometry, f.fid, "", "", p.id,
                       "plate '" + p.id + "': no position (empty geometry)");
        } else {
            p.lonlat = {pt->x, pt->y};
            if (!(std::abs(pt->x) <= 180.0 && std::abs(pt->y) <= 90.0))
                check.fail(ErrorCode::invalid_geometry, f.fid, "", "", p.id,
                           "plate '" + p.id + "': position " + lonlat_text(*pt) +
                               " is outside the valid longitude/latitude range [-180, 180] x "
                               "[-90, 90] (source CRS " +
                               table.source_crs + ")");
            else {
                to_transform.push_back(out.plates.size());
                metric.push_back(*pt);
            }
        }
        if (check.failed && !ctx.keep_invalid_plates) {
            if (!to_transform.empty() && to_transform.back() == out.plates.size()) {
                to_transform.pop_back();
                metric.pop_back();
            }
            continue; // lenient: left out
        }
        out.plates.push_back(std::move(p));
        out.origins.push_back(check.origin(f.fid));
    }
    if (!metric.empty()) {
        const Transformer tr("EPSG:4326", ctx.metric_crs);
        tr.forward(metric);
        for (std::size_t k = 0; k < metric.size(); ++k)
            out.plates[to_transform[k]].position = metric[k];
    }
    out.scheme = std::make_shared<const PlateScheme>(std::move(scheme));
    detail::check_duplicate_plates(out, ctx);
    Box extent;
    for (const auto &p : out.plates)
        if (std::isfinite(p.position.x)) extent.extend(p.position);
    reading.note(out.rejected.size(), ctx.keep_invalid_plates
                                          ? "plate rows fail validation (kept for the checks)"
                                          : "plate rows fail validation: left out");
    reading.finish(out.plates.size(), extent, "has a point");
    return out;
}

} // namespace lugeo
