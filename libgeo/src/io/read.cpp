// Reading layers through OGR into plain lugeo structs.
#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/io.hpp>

#include "io/gdal_util.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include <algorithm>
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
    std::string s = "'" + source + "'";
    if (!layer.empty()) s += " (layer '" + layer + "')";
    return s;
}

LayerSpec layer_spec_from_arg(const std::string &arg, const std::string &role) {
    LayerSpec spec;
    spec.role = role;
    spec.origin = "--" + role;
    spec.source = arg;
    // FILE:LAYER, but keep "PG:..." and paths that exist as they are.
    const auto colon = arg.rfind(':');
    if (colon != std::string::npos && colon > 1 && arg.rfind("PG:", 0) != 0 &&
        !std::filesystem::exists(arg)) {
        spec.source = arg.substr(0, colon);
        spec.layer = arg.substr(colon + 1);
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

DatasetPtr open_vector(const LayerSpec &spec) {
    ensure_gdal();
    const std::string where = spec.origin.empty() ? "" : " (" + spec.origin + ")";
    const bool is_db = spec.source.rfind("PG:", 0) == 0 || spec.source.rfind("/vsi", 0) == 0;
    if (spec.source.empty())
        throw Error(ErrorCode::invalid_config,
                    "no source given for layer '" + spec.role + "'" + where);
    if (!is_db && !std::filesystem::exists(spec.source))
        throw Error(ErrorCode::io, "cannot open '" + spec.source + "': no such file" + where);
    GdalErrorCapture cap;
    // GeoJSON: keep dates and times as the strings they are ("2025-03-01T08:00:00").
    std::string ext = std::filesystem::path(spec.source).extension().string();
    for (auto &c : ext)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const char *geojson_opts[] = {"DATE_AS_STRING=YES", nullptr};
    const bool is_geojson = ext == ".geojson" || ext == ".json";
    GDALDatasetH ds = GDALOpenEx(spec.source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                 is_geojson ? geojson_opts : nullptr, nullptr);
    if (!ds)
        throw Error(ErrorCode::io, "cannot open '" + spec.source + "' as a vector data source" +
                                       where +
                                       (cap.last_error().empty() ? "" : ": " + cap.last_error()));
    return DatasetPtr(ds);
}

OGRLayerH pick_layer(GDALDatasetH ds, const LayerSpec &spec) {
    const std::string where = spec.origin.empty() ? "" : " (" + spec.origin + ")";
    const int n = GDALDatasetGetLayerCount(ds);
    auto list = [&] {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += (i ? ", " : "") + std::string(OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
        return s;
    };
    if (!spec.layer.empty()) {
        OGRLayerH l = GDALDatasetGetLayerByName(ds, spec.layer.c_str());
        if (!l)
            throw Error(ErrorCode::missing_layer, "'" + spec.source + "' has no layer '" +
                                                      spec.layer + "'" + where +
                                                      "; its layers are: " + list());
        return l;
    }
    const bool is_osm = std::strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "OSM") == 0;
    if (is_osm) return GDALDatasetGetLayerByName(ds, "lines");
    if (n == 1) return GDALDatasetGetLayer(ds, 0);
    if (n == 0)
        throw Error(ErrorCode::missing_layer, "'" + spec.source + "' has no layers" + where);
    throw Error(ErrorCode::missing_layer,
                "'" + spec.source + "' has " + std::to_string(n) +
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

FeatureTable read_layer(const LayerSpec &spec, const ReadOptions &options) {
    const std::string where = spec.origin.empty() ? "" : " (" + spec.origin + ")";
    auto ds = detail::open_vector(spec);
    GDALDatasetH h = ds.get();
    const bool is_osm = std::strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(h)), "OSM") == 0;
    OGRLayerH layer = detail::pick_layer(h, spec);
    const std::string layer_name = OGR_L_GetName(layer);
    const std::string what = "'" + spec.source + "' layer '" + layer_name + "'";

    FeatureTable table;
    // ---- CRS ----
    std::string source_crs = spec.crs;
    if (source_crs.empty()) {
        OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
        if (!srs) {
            const std::string ext = std::filesystem::path(spec.source).extension().string();
            std::string hint =
                "set it with crs = \"EPSG:4326\" in the scene's [layers." + spec.role + "]";
            if (spec.role == "roads") hint += " or --roads-crs EPSG:4326 on the command line";
            throw Error(
                ErrorCode::crs,
                what + " has no coordinate reference system" +
                    (ext == ".shp" || ext == ".SHP" ? " (a Shapefile without its .prj file)" : "") +
                    where + ": " + hint);
        }
        source_crs = detail::srs_to_string(srs);
    } else {
        validate_crs(source_crs, spec.origin.empty() ? "crs of " + what : spec.origin + " crs");
    }
    table.source_crs = source_crs;

    // ---- fields ----
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    const int other_tags_idx = OGR_FD_GetFieldIndex(defn, "other_tags");
    struct FieldSrc {
        int index = -1;      // OGR field index
        std::string osm_key; // or a key in other_tags
    };
    std::vector<FieldSrc> srcs;
    auto add_field = [&](const std::string &name, bool required) {
        const std::string src = spec.source_field(name);
        FieldSrc fs;
        fs.index = OGR_FD_GetFieldIndex(defn, src.c_str());
        if (fs.index < 0 && other_tags_idx >= 0 && is_osm) fs.osm_key = src;
        const bool present = fs.index >= 0 || !fs.osm_key.empty();
        if (!present && required) {
            std::string list;
            for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i)
                list +=
                    (i ? ", " : "") + std::string(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
            throw Error(ErrorCode::missing_field,
                        what + " has no field '" + src + "'" +
                            (src != name ? " (mapped to lugeo field '" + name + "')"
                                         : " (lugeo field '" + name + "')") +
                            where + "; its fields are: " + (list.empty() ? "(none)" : list) +
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
    }
    if (!spec.where.empty() && OGR_L_SetAttributeFilter(layer, spec.where.c_str()) != OGRERR_NONE)
        throw Error(ErrorCode::invalid_config, "bad attribute filter '" + spec.where + "' on " +
                                                   what + where + ": " + cap.last_error());
    OGR_L_ResetReading(layer);
    const GIntBig total = OGR_L_GetFeatureCount(layer, FALSE);
    std::unordered_map<std::string, std::string> tags;
    Box box;
    std::size_t count = 0;
    while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
        Feature feat;
        feat.fid = OGR_F_GetFID(f);
        append_ogr(OGR_F_GetGeometryRef(f), feat.geometry);
        if (feat.geometry.empty()) {
            OGR_F_Destroy(f);
            if (options.empty_geometry_is_error)
                throw Error(ErrorCode::invalid_geometry,
                            what + " feature " + std::to_string(feat.fid) +
                                " has an empty or missing geometry" + where);
            ++table.skipped_empty;
            continue;
        }
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
        extend_box(feat.geometry, box);
        table.features.push_back(std::move(feat));
        ++count;
        if (options.progress && total > 0 && count % 4096 == 0)
            if (!options.progress(0.9 * static_cast<double>(count) / static_cast<double>(total),
                                  "reading"))
                throw Error(ErrorCode::io, "cancelled");
    }
    if (!cap.errors.empty() && table.features.empty())
        throw Error(ErrorCode::io, "reading " + what + " failed: " + cap.last_error());
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
        if (!any)
            throw Error(ErrorCode::missing_field,
                        what + " has no field or OSM tag '" + srcs[i].osm_key + "' (lugeo field '" +
                            options.required_fields[i] + "')" + where +
                            "; OSM layers have the columns osm_id, name, "
                            "highway, waterway, railway, … and other tags in other_tags. Map it in "
                            "the scene: [layers." +
                            spec.role + ".fields] " + options.required_fields[i] + " = \"…\"");
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
    }
    table.crs = target.empty() ? source_crs : target;
    if (!target.empty() && target != source_crs) {
        validate_crs(target, "target CRS");
        Transformer tr(source_crs, target);
        for (auto &f : table.features)
            transform_geometry(f.geometry, tr);
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

} // namespace lugeo
