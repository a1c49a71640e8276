// What every layer reader shares.
#include "layers/reading.hpp"

#include "io/gdal_util.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace lugeo::detail {

namespace {

std::string trim(const std::string &s) {
    const auto a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return {};
    const auto b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

bool is_coordinate_field(const std::string &name) {
    return name == "x" || name == "y";
}

} // namespace

std::string lower_ascii(std::string s) {
    for (auto &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

void extend_box(Box &box, const Geometry &g) {
    for (XY p : g.points)
        box.extend(p);
    for (const auto &l : g.lines)
        for (XY p : l)
            box.extend(p);
    for (const auto &poly : g.polygons)
        for (XY p : poly.outer)
            box.extend(p);
}

std::optional<XY> representative_point(const Geometry &g) {
    if (!g.points.empty()) return g.points.front();
    if (!g.lines.empty() && !g.lines.front().empty())
        return g.lines.front()[g.lines.front().size() / 2];
    if (!g.polygons.empty() && !g.polygons.front().outer.empty()) {
        const Ring &r = g.polygons.front().outer;
        double a = 0, cx = 0, cy = 0;
        for (std::size_t i = 0; i + 1 < r.size(); ++i) {
            // relative to the first vertex: no cancellation on large metric coordinates
            const double x0 = r[i].x - r[0].x, y0 = r[i].y - r[0].y;
            const double x1 = r[i + 1].x - r[0].x, y1 = r[i + 1].y - r[0].y;
            const double c = x0 * y1 - x1 * y0;
            a += c;
            cx += (x0 + x1) * c;
            cy += (y0 + y1) * c;
        }
        if (std::abs(a) > 1e-12) return XY{r[0].x + cx / (3 * a), r[0].y + cy / (3 * a)};
        return r.front();
    }
    return std::nullopt;
}

LayerReading::LayerReading(const LayerSpec &spec, LayerRole role, const LayerReadContext &ctx,
                           LayerReport *report)
    : m_spec(spec), m_role(role), m_ctx(ctx), m_report(report) {
    if (m_spec.role.empty()) m_spec.role = layer_role_name(role);
    const auto &known = layer_fields(role);
    for (const auto &[key, source] : m_spec.fields) {
        const bool ok = is_coordinate_field(key) ||
                        std::any_of(known.begin(), known.end(),
                                    // (a named copy: clang 14 cannot capture a binding)
                                    [&k = key](const LayerFieldInfo &f) { return f.name == k; });
        if (ok) continue;
        std::string list;
        for (const auto &f : known)
            list += (list.empty() ? "" : ", ") + f.name;
        ErrorContext c;
        c.file = m_spec.source;
        c.parameter = "layers." + m_spec.role + ".fields." + key;
        throw Error(ErrorCode::invalid_config, c,
                    "'" + key + "' is not a lugeo field of the " + m_spec.role +
                        " layer; its fields are: " + list + (list.empty() ? "" : ", ") + "x, y");
    }
    LayerReport &r = this->report();
    r = LayerReport{};
    r.role = role;
    r.source = m_spec.describe();
    r.path = m_spec.source;
    r.synthetic = m_spec.synthetic;
}

FeatureTable LayerReading::read(ReadOptions options) {
    return read_into(m_ctx.metric_crs, std::move(options));
}

FeatureTable LayerReading::read_into(const std::string &target_crs, ReadOptions options) {
    if (options.required_fields.empty() && options.optional_fields.empty())
        for (const auto &f : layer_fields(m_role))
            (f.required ? options.required_fields : options.optional_fields).push_back(f.name);
    return read_spec(m_spec, target_crs, std::move(options));
}

FeatureTable LayerReading::read_spec(const LayerSpec &spec, const std::string &target_crs,
                                     ReadOptions options) {
    options.target_crs = target_crs;
    options.drop_out_of_range = m_ctx.lenient;
    struct Policy { // lenient: GDAL read errors counted, not an Error (io/gdal_util.hpp)
        bool old = detail::ReadErrorPolicy::tolerate;
        ~Policy() { detail::ReadErrorPolicy::tolerate = old; }
    } policy;
    detail::ReadErrorPolicy::tolerate = m_ctx.lenient;
    detail::ReadErrorPolicy::count = 0;
    FeatureTable t = read_layer(spec, options);
    if (detail::ReadErrorPolicy::count > 0)
        m_rejected["GDAL read errors (a corrupt or truncated file?): the features that could "
                   "be read kept"] += detail::ReadErrorPolicy::count;
    return adopt(spec, std::move(t));
}

FeatureTable LayerReading::adopt(const LayerSpec &spec, FeatureTable t) {
    const bool first = m_reads++ == 0;
    if (first) m_layer_name = t.layer_name;
    if (!t.has_geometry_field) {
        m_layer_name = t.layer_name;
        std::string cols;
        for (const auto &c : t.source_fields)
            cols += (cols.empty() ? "" : ", ") + c;
        throw Error(ErrorCode::invalid_geometry, at(),
                    "the layer has no geometry" +
                        std::string(lower_ascii(spec.source).find(".csv") != std::string::npos
                                        ? ": the CSV has no coordinate columns (lon/lat, "
                                          "longitude/latitude, x/y, 经度/纬度)"
                                        : "") +
                        "; its columns are: " + (cols.empty() ? "(none)" : cols) +
                        ". Name the coordinate columns in the scene: [layers." + m_spec.role +
                        ".fields] x = \"…\", y = \"…\" (with crs = \"…\" when they are not "
                        "WGS84 longitude / latitude)");
    }
    LayerReport &r = report();
    const std::size_t n = t.features.size() + t.skipped_empty + t.skipped_out_of_range;
    r.read += n;
    r.in_source += t.in_source;
    m_read += n;
    if (first) {
        r.layer = t.layer_name;
        r.source_crs = t.source_crs;
        for (std::size_t i = 0; i < t.fields.size(); ++i) {
            if (is_coordinate_field(t.fields[i]) && !spec.fields.count(t.fields[i])) continue;
            (t.field_present[i] ? r.fields_found : r.fields_missing).push_back(t.fields[i]);
        }
    } else {
        // a field found in a later table counts as found
        for (std::size_t i = 0; i < t.fields.size(); ++i) {
            auto it = std::find(r.fields_missing.begin(), r.fields_missing.end(), t.fields[i]);
            if (t.field_present[i] && it != r.fields_missing.end()) {
                r.fields_missing.erase(it);
                r.fields_found.push_back(t.fields[i]);
            }
        }
    }
    if (first) // a second table of the same source repeats the source's warnings
        for (const auto &w : t.warnings)
            r.notes.push_back(w);
    note(t.skipped_empty, "features without geometry skipped");
    note(t.skipped_out_of_range, "features outside the longitude/latitude range skipped");
    return t;
}

ErrorContext LayerReading::at(std::optional<std::int64_t> fid, const std::string &lugeo_field,
                              const std::string &value) const {
    ErrorContext c;
    c.file = m_spec.source;
    c.layer = m_layer_name.empty() ? m_spec.layer : m_layer_name;
    c.feature = fid;
    if (!lugeo_field.empty()) c.field = m_spec.source_field(lugeo_field);
    if (!value.empty()) c.value = printable_value(value);
    return c;
}

void LayerReading::reject(ErrorCode code, std::int64_t fid, const std::string &lugeo_field,
                          const std::string &value, const std::string &message,
                          const std::string &note_text) {
    if (!m_ctx.lenient) throw Error(code, at(fid, lugeo_field, value), message);
    ++m_rejected[note_text];
}

std::string LayerReading::text(const Feature &f, std::size_t index) {
    return f.values[index] ? trim(*f.values[index]) : std::string();
}

std::optional<double> LayerReading::number(const Feature &f, std::size_t index,
                                           const std::string &lugeo_field) {
    const std::string s = text(f, index);
    if (s.empty()) return std::nullopt;
    char *end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() && *end == '\0' && std::isfinite(d)) return d;
    if (!m_ctx.lenient)
        throw Error(ErrorCode::invalid_argument, at(f.fid, lugeo_field, s), "not a number");
    ++m_rejected["values of field '" + m_spec.source_field(lugeo_field) + "' not numbers: ignored"];
    return std::nullopt;
}

std::optional<int> LayerReading::count_value(const Feature &f, std::size_t index,
                                             const std::string &lugeo_field,
                                             const std::string &what) {
    const std::string s = text(f, index);
    if (s.empty()) return std::nullopt;
    char *end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() && *end == '\0' && d >= 0 && d == std::floor(d) && d < 1e9)
        return static_cast<int>(d);
    if (!m_ctx.lenient)
        throw Error(ErrorCode::invalid_argument, at(f.fid, lugeo_field, s), "not " + what);
    ++m_rejected["values of field '" + m_spec.source_field(lugeo_field) + "' not " + what +
                 ": ignored"];
    return std::nullopt;
}

void LayerReading::note(std::size_t count, const std::string &text) {
    if (count) report().notes.push_back(std::to_string(count) + " " + text);
}

void LayerReading::note(const std::string &text) {
    report().notes.push_back(text);
}

void LayerReading::finish(std::size_t kept, const Box &extent, const std::string &what_is_usable) {
    for (const auto &[text, n] : m_rejected)
        note(n, text);
    LayerReport &r = report();
    r.kept = kept;
    r.extent = extent;
    r.duplicates = m_duplicates;
    if (kept > 0) return;
    std::string why;
    if (m_read == 0)
        why = m_spec.where.empty()
                  ? "the layer has no features"
                  : "the filter where = \"" + m_spec.where + "\" lets no feature through";
    else
        why = std::to_string(m_read) + " features read, none " + what_is_usable;
    std::string notes;
    for (const auto &n : r.notes)
        notes += "; " + n;
    throw Error(ErrorCode::invalid_geometry, at(), "no usable feature: " + why + notes);
}

} // namespace lugeo::detail
