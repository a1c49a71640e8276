// Reading layers through OGR into plain lugeo structs.
#include <lugeo/input_guard.hpp>
#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/io.hpp>

#include "io/gdal_util.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <unordered_map>

namespace lugeo {

using detail::GdalErrorCapture;

std::string LayerSpec::source_field(const std::string &lugeo_field) const {
    auto it = fields.find(lugeo_field);
    return it == fields.end() ? lugeo_field : it->second;
}

std::string LayerSpec::describe() const {
    std::string s = "'" + redact_secrets(source) + "'";
    if (!layer.empty()) s += " (layer '" + layer + "')";
    return s;
}

bool is_virtual_source(const std::string &source) {
    if (source.rfind("/vsi", 0) == 0) return true;
    // "PG:…", "MySQL:…", "WFS:…": a driver prefix of two or more letters (not a drive letter)
    const auto colon = source.find(':');
    if (colon == std::string::npos || colon < 2) return false;
    for (std::size_t i = 0; i < colon; ++i)
        if (!std::isalpha(static_cast<unsigned char>(source[i]))) return false;
    return true;
}

LayerSpec layer_spec_from_arg(const std::string &arg, const std::string &role) {
    LayerSpec spec;
    spec.role = role;
    spec.source = arg;
    // FILE:LAYER, but keep connection strings ("PG:...") and paths that exist as they are.
    const bool connection = is_virtual_source(arg) && arg.rfind("/vsi", 0) != 0;
    const auto colon = arg.rfind(':');
    std::error_code ec; // a name the file system refuses (too long) is not an exception here
    if (colon != std::string::npos && colon > 1 && !connection &&
        !std::filesystem::exists(arg, ec) && arg.find('/', colon) == std::string::npos) {
        spec.source = arg.substr(0, colon);
        spec.layer = arg.substr(colon + 1);
    }
    // A connection string with a table: "PG:dbname=x host=y:roads" (the part after the last
    // colon has no '=' or space, so it is not a connection parameter).
    const auto first = arg.find(':');
    if (connection && colon != std::string::npos && colon > first + 1) {
        const std::string tail = arg.substr(colon + 1);
        if (!tail.empty() && tail.find_first_of("= '\"") == std::string::npos &&
            arg.find('=', first) < colon) {
            spec.source = arg.substr(0, colon);
            spec.layer = tail;
        }
    }
    return spec;
}

std::size_t FeatureTable::field_index(const std::string &name) const {
    auto it = std::find(fields.begin(), fields.end(), name);
    if (it == fields.end())
        throw Error(ErrorCode::internal, "field '" + name + "' was not requested");
    return static_cast<std::size_t>(it - fields.begin());
}

namespace detail {

struct DatasetCloser {
    void operator()(void *ds) const {
        if (ds) GDALClose(ds);
    }
};
using DatasetPtr = std::unique_ptr<void, DatasetCloser>;

namespace {

std::string lower_ext(const std::string &path) {
    std::string ext = std::filesystem::path(path).extension().string();
    for (auto &c : ext)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

std::string origin_suffix(const LayerSpec &spec) {
    return spec.origin.empty() ? "" : " (" + spec.origin + ")";
}

} // namespace

std::string gdal_dataset_name(const std::string &source) {
    if (is_virtual_source(source)) return source;
    const std::string ext = lower_ext(source);
    if (ext == ".gz") return "/vsigzip/" + source;
    if (ext == ".zip") return "/vsizip/" + source;
    return source;
}

const std::vector<std::string> &lon_column_names() {
    static const std::vector<std::string> names = {"lon", "lng",  "long", "longitude",
                                                   "x",   "经度", "east", "easting"};
    return names;
}
const std::vector<std::string> &lat_column_names() {
    static const std::vector<std::string> names = {"lat",  "latitude", "y",
                                                   "纬度", "north",    "northing"};
    return names;
}

namespace {
std::string joined(const std::vector<std::string> &v) {
    std::string s;
    for (const auto &x : v)
        s += (s.empty() ? "" : ",") + x;
    return s;
}
} // namespace

DatasetPtr open_vector(const LayerSpec &spec) {
    ensure_gdal();
    const std::string where = origin_suffix(spec);
    if (spec.source.empty())
        throw Error(ErrorCode::invalid_config, ErrorContext::of_parameter("layers." + spec.role),
                    "no source given for layer '" + spec.role + "'" + where);
    check_readable_source(spec.source, "the " + spec.role + " source");
    if (!is_virtual_source(spec.source) && !std::filesystem::exists(spec.source))
        throw Error(ErrorCode::io, ErrorContext::of_file(spec.source),
                    "cannot open: no such file" + where);
    GdalErrorCapture cap;
    const std::string ext = lower_ext(spec.source);
    std::vector<std::string> opts;
    // GeoJSON: keep dates and times as the strings they are ("2025-03-01T08:00:00").
    if (ext == ".geojson" || ext == ".json") opts.push_back("DATE_AS_STRING=YES");
    // CSV: points from coordinate columns (the mapped x / y fields, else the usual names).
    std::string base = spec.source;
    if (ext == ".gz" || ext == ".zip") base = base.substr(0, base.size() - ext.size());
    if (ext == ".csv" || lower_ext(base) == ".csv") {
        auto it = spec.fields.find("x"), jt = spec.fields.find("y");
        opts.push_back("X_POSSIBLE_NAMES=" +
                       (it != spec.fields.end() ? it->second : joined(lon_column_names())));
        opts.push_back("Y_POSSIBLE_NAMES=" +
                       (jt != spec.fields.end() ? jt->second : joined(lat_column_names())));
        opts.push_back("KEEP_GEOM_COLUMNS=YES");
    }
    std::vector<const char *> copts;
    for (const auto &o : opts)
        copts.push_back(o.c_str());
    copts.push_back(nullptr);
    const std::string name = gdal_dataset_name(spec.source);
    GDALDatasetH ds =
        GDALOpenEx(name.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, copts.data(), nullptr);
    if (!ds)
        throw Error(ErrorCode::io, ErrorContext::of_file(spec.source),
                    "cannot open as a vector data source" + where +
                        (cap.last_error().empty() ? "" : ": " + cap.last_error()));
    return DatasetPtr(ds);
}

OGRLayerH pick_layer(GDALDatasetH ds, const LayerSpec &spec) {
    const std::string where = origin_suffix(spec);
    const int n = GDALDatasetGetLayerCount(ds);
    auto list = [&] {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += (i ? ", " : "") + std::string(OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
        return s;
    };
    const ErrorContext ctx = ErrorContext::of_file(spec.source, spec.layer);
    if (!spec.layer.empty()) {
        OGRLayerH l = GDALDatasetGetLayerByName(ds, spec.layer.c_str());
        if (!l)
            throw Error(ErrorCode::missing_layer, ctx,
                        "no such layer in the source" + where + "; its layers are: " + list());
        return l;
    }
    const bool is_osm = std::strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "OSM") == 0;
    if (is_osm) return GDALDatasetGetLayerByName(ds, "lines");
    if (n == 1) return GDALDatasetGetLayer(ds, 0);
    if (n == 0) throw Error(ErrorCode::missing_layer, ctx, "the source has no layers" + where);
    throw Error(ErrorCode::missing_layer, ctx,
                "the source has " + std::to_string(n) +
                    " layers; say which one (FILE:LAYER, or layer = \"…\" in the scene)" + where +
                    "; its layers are: " + list());
}

} // namespace detail

namespace {

// Parses OSM's hstore-like other_tags: "k"=>"v","k2"=>"v2"
void parse_other_tags(const char *s, std::unordered_map<std::string, std::string> &out) {
    out.clear();
    if (!s) return;
    auto read_quoted = [&](const char *&p, std::string &dst) -> bool {
        dst.clear();
        if (*p != '"') return false;
        ++p;
        while (*p && *p != '"') {
            if (*p == '\\' && p[1]) ++p;
            dst.push_back(*p++);
        }
        if (*p != '"') return false;
        ++p;
        return true;
    };
    const char *p = s;
    std::string k, v;
    while (*p) {
        while (*p == ',' || *p == ' ')
            ++p;
        if (!read_quoted(p, k)) break;
        if (std::strncmp(p, "=>", 2) != 0) break;
        p += 2;
        if (!read_quoted(p, v)) break;
        out.emplace(k, v);
    }
}

void append_ogr(OGRGeometryH g, Geometry &out) {
    if (!g) return;
    const OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    switch (t) {
    case wkbPoint:
        if (!OGR_G_IsEmpty(g)) {
            out.type = Geometry::Type::point;
            out.points.push_back({OGR_G_GetX(g, 0), OGR_G_GetY(g, 0)});
        }
        return;
    case wkbLineString:
    case wkbLinearRing: {
        const int n = OGR_G_GetPointCount(g);
        if (n == 0) return;
        LineString ls(static_cast<std::size_t>(n));
        OGR_G_GetPoints(g, &ls[0].x, sizeof(XY), &ls[0].y, sizeof(XY), nullptr, 0);
        out.type = Geometry::Type::line;
        out.lines.push_back(std::move(ls));
        return;
    }
    case wkbPolygon: {
        Polygon poly;
        const int rings = OGR_G_GetGeometryCount(g);
        for (int i = 0; i < rings; ++i) {
            OGRGeometryH r = OGR_G_GetGeometryRef(g, i);
            const int n = OGR_G_GetPointCount(r);
            Ring ring(static_cast<std::size_t>(n));
            if (n) OGR_G_GetPoints(r, &ring[0].x, sizeof(XY), &ring[0].y, sizeof(XY), nullptr, 0);
            if (i == 0)
                poly.outer = std::move(ring);
            else
                poly.holes.push_back(std::move(ring));
        }
        if (!poly.outer.empty()) {
            out.type = Geometry::Type::polygon;
            out.polygons.push_back(std::move(poly));
        }
        return;
    }
    case wkbMultiPoint:
    case wkbMultiLineString:
    case wkbMultiPolygon:
    case wkbGeometryCollection:
        for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i)
            append_ogr(OGR_G_GetGeometryRef(g, i), out);
        return;
    default:
        if (OGR_GT_IsCurve(t) || OGR_GT_IsSurface(t) || t == wkbMultiCurve ||
            t == wkbMultiSurface || t == wkbCompoundCurve) {
            OGRGeometryH lin = OGR_G_GetLinearGeometry(g, 0, nullptr);
            append_ogr(lin, out);
            OGR_G_DestroyGeometry(lin);
        }
        return;
    }
}

void transform_geometry(Geometry &g, const Transformer &tr) {
    tr.forward(g.points);
    for (auto &l : g.lines)
        tr.forward(l);
    for (auto &p : g.polygons) {
        tr.forward(p.outer);
        for (auto &h : p.holes)
            tr.forward(h);
    }
}

void extend_box(const Geometry &g, Box &b) {
    for (auto p : g.points)
        b.extend(p);
    for (auto &l : g.lines)
        for (auto p : l)
            b.extend(p);
    for (auto &p : g.polygons)
        for (auto q : p.outer)
            b.extend(q);
}

} // namespace

namespace {

bool name_in(const std::string &name, const std::vector<std::string> &names) {
    std::string l = name;
    for (auto &c : l)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return std::find(names.begin(), names.end(), l) != names.end();
}

std::optional<double> coordinate(const std::optional<std::string> &v) {
    if (!v || v->empty()) return std::nullopt;
    char *end = nullptr;
    const double d = std::strtod(v->c_str(), &end);
    if (end == v->c_str() || *end != '\0' || !std::isfinite(d)) return std::nullopt;
    return d;
}

/// Positions outside [-180, 180] x [-90, 90] in a geographic source: an Error naming the first
/// one (lon/lat swapped is the usual cause), or skipped and counted.
void drop_outside_lonlat(FeatureTable &table, const ReadOptions &options, const ErrorContext &at,
                         const std::string &where) {
    auto bad = [](XY p) { return !(std::abs(p.x) <= 180.0 && std::abs(p.y) <= 90.0); };
    auto first_bad = [&](const Geometry &g) -> std::optional<XY> {
        for (XY p : g.points)
            if (bad(p)) return p;
        for (const auto &l : g.lines)
            for (XY p : l)
                if (bad(p)) return p;
        for (const auto &poly : g.polygons) {
            for (XY p : poly.outer)
                if (bad(p)) return p;
            for (const auto &h : poly.holes)
                for (XY p : h)
                    if (bad(p)) return p;
        }
        return std::nullopt;
    };
    std::vector<Feature> kept;
    kept.reserve(table.features.size());
    for (auto &f : table.features) {
        const auto p = first_bad(f.geometry);
        if (!p) {
            kept.push_back(std::move(f));
            continue;
        }
        if (!options.drop_out_of_range) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "%.7g, %.7g", p->x, p->y);
            ErrorContext c = at;
            c.feature = f.fid;
            throw Error(ErrorCode::invalid_geometry, c,
                        std::string("position ") + buf +
                            " is outside the longitude/latitude range [-180, 180] x [-90, 90] of "
                            "its CRS " +
                            table.source_crs + where +
                            (std::abs(p->x) <= 90.0 && std::abs(p->y) <= 180.0
                                 ? ": longitude and latitude swapped?"
                                 : ": is the layer's CRS right?"));
        }
        ++table.skipped_out_of_range;
    }
    table.features = std::move(kept);
}

} // namespace

FeatureTable read_layer(const LayerSpec &spec, const ReadOptions &options) {
    const std::string where = detail::origin_suffix(spec);
    auto ds = detail::open_vector(spec);
    GDALDatasetH h = ds.get();
    const std::string driver = GDALGetDriverShortName(GDALGetDatasetDriver(h));
    const bool is_osm = driver == "OSM";
    const bool is_csv = driver == "CSV";
    OGRLayerH layer = detail::pick_layer(h, spec);
    const std::string layer_name = OGR_L_GetName(layer);
    const ErrorContext at = ErrorContext::of_file(spec.source, layer_name);

    FeatureTable table;
    table.layer_name = layer_name;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i)
        table.source_fields.emplace_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    table.has_geometry_field = OGR_FD_GetGeomFieldCount(defn) > 0;
    auto field_list = [&] {
        std::string list;
        for (const auto &f : table.source_fields)
            list += (list.empty() ? "" : ", ") + f;
        return list.empty() ? std::string("(none)") : list;
    };
    // Why a layer has no field at all: a Shapefile's .dbf is missing, or the layer is empty.
    auto no_fields_cause = [&]() -> std::string {
        const std::filesystem::path shp(spec.source);
        const std::string ext = shp.extension().string();
        if (ext == ".shp" || ext == ".SHP") {
            std::filesystem::path dbf = shp, upper = shp;
            dbf.replace_extension(".dbf");
            upper.replace_extension(".DBF");
            std::error_code ec;
            if (!std::filesystem::exists(dbf, ec) && !std::filesystem::exists(upper, ec))
                return "the Shapefile has no attribute table: its '" + dbf.filename().string() +
                       "' is missing (copy the .dbf beside the .shp)";
        }
        if (OGR_L_GetFeatureCount(layer, TRUE) == 0)
            return "the layer is empty: it has no features and no fields";
        return "the layer has no attribute fields";
    };

    // A CSV without coordinate columns: an attribute table, for the caller to say which
    // columns it has (before a missing CRS, which is not the problem).
    if (is_csv && !table.has_geometry_field && !(spec.fields.count("x") && spec.fields.count("y")))
        return table;

    // ---- CRS ----
    std::string source_crs = spec.crs;
    if (source_crs.empty()) {
        OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
        if (srs) {
            source_crs = detail::srs_to_string(srs);
        } else {
            // a CSV with lon/lat columns: WGS84 by their names
            bool lon = false, lat = false;
            for (const auto &f : table.source_fields) {
                lon |= name_in(f, {"lon", "lng", "long", "longitude", "经度"});
                lat |= name_in(f, {"lat", "latitude", "纬度"});
            }
            if (is_csv && lon && lat) {
                source_crs = "EPSG:4326";
                table.warnings.push_back("no CRS declared: longitude / latitude columns read "
                                         "as WGS84 (EPSG:4326)");
            } else {
                const std::string ext = std::filesystem::path(spec.source).extension().string();
                ErrorContext c = at;
                c.parameter = "layers." + spec.role + ".crs";
                throw Error(ErrorCode::crs, c,
                            "has no coordinate reference system" +
                                std::string(ext == ".shp" || ext == ".SHP"
                                                ? " (a Shapefile without its .prj file)"
                                                : (is_csv ? " (a CSV declares none)" : "")) +
                                where +
                                ": set it with crs = \"EPSG:4326\" (or the data's CRS) in the "
                                "scene's [layers." +
                                spec.role + "]");
            }
        }
    } else {
        try {
            validate_crs(source_crs);
        } catch (const Error &e) {
            ErrorContext c = at;
            c.parameter = "layers." + spec.role + ".crs";
            c.value = source_crs;
            throw Error(e.code(), c, e.message() + where);
        }
    }
    table.source_crs = source_crs;

    // ---- fields ----
    const int other_tags_idx = OGR_FD_GetFieldIndex(defn, "other_tags");
    struct FieldSrc {
        int index = -1;      // OGR field index
        std::string osm_key; // or a key in other_tags
    };
    std::vector<FieldSrc> srcs;
    auto add_field = [&](const std::string &name, bool required) {
        const std::string src = spec.source_field(name);
        const bool mapped = spec.fields.count(name) != 0;
        FieldSrc fs;
        fs.index = OGR_FD_GetFieldIndex(defn, src.c_str());
        if (fs.index < 0 && other_tags_idx >= 0 && is_osm) fs.osm_key = src;
        const bool present = fs.index >= 0 || !fs.osm_key.empty();
        // A field the scene maps must exist, optional or not: a misspelt mapping would
        // otherwise read as "no value" everywhere.
        if (!present && (required || mapped)) {
            ErrorContext c = at;
            c.field = src;
            c.parameter = "layers." + spec.role + ".fields." + name;
            if (table.source_fields.empty())
                throw Error(ErrorCode::missing_field, c, no_fields_cause() + where);
            throw Error(ErrorCode::missing_field, c,
                        "no such field" +
                            (src != name ? " (mapped to lugeo field '" + name + "')"
                                         : " (lugeo field '" + name + "')") +
                            where + "; its fields are: " + field_list() +
                            ". Map it in the scene: [layers." + spec.role + ".fields] " + name +
                            " = \"…\"");
        }
        table.fields.push_back(name);
        table.field_present.push_back(present);
        srcs.push_back(fs);
    };
    for (const auto &f : options.required_fields)
        add_field(f, true);
    for (const auto &f : options.optional_fields)
        add_field(f, false);
    // x / y mapped: points from coordinate values where a feature has no geometry
    const bool xy_mapped = spec.fields.count("x") && spec.fields.count("y");
    std::size_t ix = 0, iy = 0;
    if (xy_mapped) {
        ix = table.fields.size();
        add_field("x", false);
        iy = table.fields.size();
        add_field("y", false);
    }
    bool need_tags = false;
    for (const auto &s : srcs)
        need_tags |= !s.osm_key.empty();

    if (const char *d = GDALGetMetadataItem(layer, "DESCRIPTION", nullptr)) table.description = d;

    // ---- read ----
    GdalErrorCapture cap(/*debug=*/is_osm);
    if (is_osm) {
        const std::string sql = "SET interest_layers = " + layer_name;
        OGRLayerH r = GDALDatasetExecuteSQL(h, sql.c_str(), nullptr, nullptr);
        if (r) GDALDatasetReleaseResultSet(h, r);
    } else if (!spec.where.empty()) {
        const GIntBig n = OGR_L_GetFeatureCount(layer, TRUE);
        table.in_source = n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    if (!spec.where.empty() && OGR_L_SetAttributeFilter(layer, spec.where.c_str()) != OGRERR_NONE) {
        ErrorContext c = at;
        c.parameter = "layers." + spec.role + ".where";
        c.value = spec.where;
        throw Error(ErrorCode::invalid_config, c,
                    "bad attribute filter" + where + ": " + cap.last_error());
    }
    OGR_L_ResetReading(layer);
    const GIntBig total = OGR_L_GetFeatureCount(layer, FALSE);
    std::unordered_map<std::string, std::string> tags;
    Box box;
    std::size_t count = 0;
    while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
        Feature feat;
        feat.fid = OGR_F_GetFID(f);
        append_ogr(OGR_F_GetGeometryRef(f), feat.geometry);
        if (need_tags) parse_other_tags(OGR_F_GetFieldAsString(f, other_tags_idx), tags);
        feat.values.reserve(srcs.size());
        for (const auto &s : srcs) {
            if (s.index >= 0) {
                if (OGR_F_IsFieldSetAndNotNull(f, s.index))
                    feat.values.emplace_back(OGR_F_GetFieldAsString(f, s.index));
                else
                    feat.values.emplace_back(std::nullopt);
            } else if (!s.osm_key.empty()) {
                auto it = tags.find(s.osm_key);
                if (it != tags.end())
                    feat.values.emplace_back(it->second);
                else
                    feat.values.emplace_back(std::nullopt);
            } else {
                feat.values.emplace_back(std::nullopt);
            }
        }
        OGR_F_Destroy(f);
        if (feat.geometry.empty() && xy_mapped) {
            const auto x = coordinate(feat.values[ix]), y = coordinate(feat.values[iy]);
            if (x && y) feat.geometry = Geometry::of_point({*x, *y});
        }
        if (feat.geometry.empty()) {
            if (options.empty_geometry_is_error) {
                ErrorContext c = at;
                c.feature = feat.fid;
                throw Error(ErrorCode::invalid_geometry, c, "empty or missing geometry" + where);
            }
            if (options.keep_empty_geometry) {
                table.features.push_back(std::move(feat));
                ++count;
                continue;
            }
            ++table.skipped_empty;
            continue;
        }
        extend_box(feat.geometry, box);
        table.features.push_back(std::move(feat));
        ++count;
        if (options.progress && total > 0 && count % 4096 == 0)
            if (!options.progress(0.9 * static_cast<double>(count) / static_cast<double>(total),
                                  "reading"))
                throw Error(ErrorCode::io, at, "cancelled");
    }
    if (spec.where.empty()) table.in_source = table.features.size() + table.skipped_empty;
    if (!cap.errors.empty() && table.features.empty())
        throw Error(ErrorCode::io, at, "reading failed" + where + ": " + cap.last_error());
    // a corrupt or truncated file reads partly: never a silent partial answer
    detail::ReadErrorPolicy::count = 0;
    if (cap.failures > 0) {
        if (!detail::ReadErrorPolicy::tolerate)
            throw Error(
                ErrorCode::io, at,
                std::to_string(cap.failures) + " read error" + (cap.failures == 1 ? "" : "s") +
                    " after " + std::to_string(table.features.size()) +
                    " features (a corrupt or truncated file?)" + where + ": " + cap.last_failure);
        detail::ReadErrorPolicy::count = cap.failures;
    }
    // A required field looked up in OSM's other_tags that no feature carries is as missing as
    // a column that does not exist.
    for (std::size_t i = 0; i < options.required_fields.size(); ++i) {
        if (srcs[i].osm_key.empty() || table.features.empty()) continue;
        bool any = false;
        for (const auto &f : table.features)
            if (f.values[i]) {
                any = true;
                break;
            }
        if (!any) {
            ErrorContext c = at;
            c.field = srcs[i].osm_key;
            c.parameter = "layers." + spec.role + ".fields." + options.required_fields[i];
            throw Error(ErrorCode::missing_field, c,
                        "no such field or OSM tag (lugeo field '" + options.required_fields[i] +
                            "')" + where +
                            "; OSM layers have the columns osm_id, name, "
                            "highway, waterway, railway, … and other tags in other_tags. Map it in "
                            "the scene: [layers." +
                            spec.role + ".fields] " + options.required_fields[i] + " = \"…\"");
        }
    }
    // optional fields looked up in other_tags count as found only when a feature carries them
    for (std::size_t i = 0; i < srcs.size(); ++i) {
        if (srcs[i].osm_key.empty()) continue;
        bool any = false;
        for (const auto &f : table.features)
            if (f.values[i]) {
                any = true;
                break;
            }
        table.field_present[i] = any;
    }

    // What the OSM driver dropped or cut at the edge of a bounding-box extract.
    if (is_osm) {
        std::size_t cut = 0, dropped = 0;
        for (const auto &m : cap.debug_messages) {
            if (m.find("got only") != std::string::npos &&
                m.find("nodes instead of") != std::string::npos)
                ++cut;
            else if (m.find("nodes that could be found. Discarding it") != std::string::npos)
                ++dropped;
        }
        if (cut)
            table.warnings.push_back(std::to_string(cut) +
                                     " OSM ways reference nodes missing from the extract (cut at "
                                     "its edge): kept with the nodes present");
        if (dropped)
            table.warnings.push_back(std::to_string(dropped) +
                                     " OSM ways had fewer than 2 nodes in the extract: dropped");
    }

    // ---- transform ----
    std::string target = options.target_crs;
    if (target == "UTM" || target == "utm") {
        if (!box.valid())
            target = source_crs;
        else {
            Transformer to_ll(source_crs, "EPSG:4326");
            const XY c = to_ll.forward(XY{(box.minx + box.maxx) / 2, (box.miny + box.maxy) / 2});
            target = utm_crs_for({c.x, c.y});
        }
    } else if (target == "auto") {
        if (!is_projected_crs(source_crs)) {
            // positions outside the lon/lat range first (an Error, or left out): not in the
            // extent the CRS is chosen for
            drop_outside_lonlat(table, options, at, where);
            box = Box{};
            for (const auto &f : table.features)
                extend_box(f.geometry, box);
        }
        if (!box.valid()) {
            target = source_crs;
        } else {
            Box ll = is_projected_crs(source_crs) ? lonlat_extent(box, source_crs) : box;
            const MetricCrsChoice choice = choose_metric_crs(ll);
            target = choice.crs;
            table.warnings.push_back("metric CRS " + choice.crs + " (" + choice.name +
                                     ") chosen for the data: " + choice.reason);
        }
    }
    table.crs = target.empty() ? source_crs : target;
    if (!target.empty() && target != source_crs) {
        validate_crs(target, "target CRS");
        if (!is_projected_crs(source_crs)) drop_outside_lonlat(table, options, at, where);
        Transformer tr(source_crs, target);
        for (auto &f : table.features) {
            try {
                transform_geometry(f.geometry, tr);
            } catch (const Error &e) {
                // the feature whose coordinates the CRS cannot take, and what to check
                ErrorContext c = at;
                c.feature = f.fid;
                c.parameter = "layers." + spec.role + ".crs";
                throw Error(ErrorCode::crs, c,
                            e.message() + ": is the layer's CRS (" + source_crs +
                                ") right for its coordinates?" + where);
            }
        }
    }
    if (options.progress) options.progress(1.0, "read");
    return table;
}

std::int64_t count_features(const LayerSpec &spec) {
    auto ds = detail::open_vector(spec);
    OGRLayerH layer = detail::pick_layer(ds.get(), spec);
    GIntBig n = OGR_L_GetFeatureCount(layer, TRUE);
    if (n < 0) {
        n = 0;
        OGR_L_ResetReading(layer);
        while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
            ++n;
            OGR_F_Destroy(f);
        }
    }
    return n;
}

std::optional<Box> declared_extent(const LayerSpec &spec, const std::string &target_crs) {
    try {
        GdalErrorCapture cap;
        auto ds = detail::open_vector(spec);
        OGRLayerH layer = detail::pick_layer(ds.get(), spec);
        if (!layer) return std::nullopt;
        OGREnvelope env;
        if (OGR_L_GetExtent(layer, &env, FALSE) != OGRERR_NONE) return std::nullopt;
        if (!std::isfinite(env.MinX) || !std::isfinite(env.MaxY) || env.MinX > env.MaxX ||
            env.MinY > env.MaxY)
            return std::nullopt;
        std::string crs = spec.crs;
        if (crs.empty()) {
            OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
            if (!srs) return std::nullopt;
            crs = detail::srs_to_string(srs);
        }
        Box box;
        box.extend({env.MinX, env.MinY});
        box.extend({env.MaxX, env.MaxY});
        if (target_crs.empty() || target_crs == crs) return box;
        // 16 points along each edge: a projected box's sides are not straight in lon/lat
        std::vector<XY> pts;
        for (int i = 0; i <= 16; ++i) {
            const double t = i / 16.0;
            const double x = env.MinX + t * (env.MaxX - env.MinX);
            const double y = env.MinY + t * (env.MaxY - env.MinY);
            pts.push_back({x, env.MinY});
            pts.push_back({x, env.MaxY});
            pts.push_back({env.MinX, y});
            pts.push_back({env.MaxX, y});
        }
        Transformer(crs, target_crs).forward(pts);
        Box out;
        for (XY p : pts)
            if (std::isfinite(p.x) && std::isfinite(p.y)) out.extend(p);
        if (!out.valid()) return std::nullopt;
        return out;
    } catch (const Error &) {
        return std::nullopt;
    }
}

} // namespace lugeo
