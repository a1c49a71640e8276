// Writing layers atomically through OGR.
#include <lugeo/error.hpp>
#include <lugeo/io.hpp>
#include <lugeo/temp_files.hpp>

#include "io/gdal_util.hpp"

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace lugeo {

using detail::GdalErrorCapture;

std::string driver_for_path(const std::string &path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (ext == ".gpkg") return "GPKG";
    if (ext == ".geojson" || ext == ".json") return "GeoJSON";
    if (ext == ".csv") return "CSV";
    if (ext == ".shp") return "ESRI Shapefile";
    if (ext == ".fgb") return "FlatGeobuf";
    if (ext == ".kml") return "KML";
    throw Error(ErrorCode::invalid_argument,
                "cannot tell the output format of '" + path +
                    "' from its extension; use .gpkg, .geojson, .csv, .shp or .fgb");
}

struct VectorWriter::Impl {
    std::string path, tmp, driver;
    GDALDatasetH ds = nullptr;
    struct L {
        OGRLayerH layer;
        LayerDef def;
        bool in_tx = false;
    };
    std::vector<L> layers;
    bool committed = false;
};

VectorWriter::VectorWriter(std::string path, std::string driver)
    : m_impl(std::make_unique<Impl>()) {
    detail::ensure_gdal();
    m_impl->path = std::move(path);
    m_impl->driver = driver.empty() ? driver_for_path(m_impl->path) : std::move(driver);
    const fs::path p(m_impl->path);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    if (!fs::is_directory(dir))
        throw Error(ErrorCode::io, "cannot write '" + m_impl->path + "': folder '" + dir.string() +
                                       "' does not exist");
    temp::remove_stale(dir.string()); // leftovers of killed runs (lugeo/temp_files.hpp)
    m_impl->tmp = temp::sibling(m_impl->path);
    temp::track(m_impl->tmp); // removed on SIGINT/SIGTERM/SIGHUP
    GDALDriverH drv = GDALGetDriverByName(m_impl->driver.c_str());
    if (!drv)
        throw Error(ErrorCode::invalid_argument, "GDAL has no driver '" + m_impl->driver + "'");
    GdalErrorCapture cap;
    GDALDeleteDataset(drv, m_impl->tmp.c_str()); // a leftover of a crashed run
    fs::remove(m_impl->tmp);
    m_impl->ds = GDALCreate(drv, m_impl->tmp.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    if (!m_impl->ds)
        throw Error(ErrorCode::io, "cannot create '" + m_impl->path + "': " + cap.last_error());
}

VectorWriter::~VectorWriter() {
    if (m_impl && !m_impl->committed) {
        GdalErrorCapture cap;
        if (m_impl->ds) GDALClose(m_impl->ds);
        if (GDALDriverH drv = GDALGetDriverByName(m_impl->driver.c_str()))
            GDALDeleteDataset(drv, m_impl->tmp.c_str());
        std::error_code ec;
        fs::remove(m_impl->tmp, ec);
    }
    if (m_impl) temp::untrack(m_impl->tmp);
}

std::size_t VectorWriter::add_layer(const LayerDef &def) {
    GdalErrorCapture cap;
    OGRwkbGeometryType gt = wkbNone;
    switch (def.geometry_type) {
    case Geometry::Type::point:
        gt = wkbPoint;
        break;
    case Geometry::Type::line:
        gt = wkbMultiLineString;
        break;
    case Geometry::Type::polygon:
        gt = wkbMultiPolygon;
        break;
    case Geometry::Type::none:
        gt = wkbNone;
        break;
    }
    OGRSpatialReferenceH srs = nullptr;
    if (!def.crs.empty() && gt != wkbNone) {
        srs = detail::srs_from_user(def.crs);
        if (!srs)
            throw Error(ErrorCode::crs,
                        "unknown CRS '" + def.crs + "' for output layer '" + def.name + "'");
    }
    CPLStringList opts;
    if (m_impl->driver == "GeoJSON") opts.SetNameValue("RFC7946", "YES");
    if (m_impl->driver == "CSV" && gt != wkbNone) opts.SetNameValue("GEOMETRY", "AS_WKT");
    if (m_impl->driver == "GPKG" && !def.description.empty())
        opts.SetNameValue("DESCRIPTION", def.description.c_str());
    if (m_impl->driver == "GeoJSON" && !def.description.empty())
        opts.SetNameValue("DESCRIPTION", def.description.c_str());
    OGRLayerH layer = GDALDatasetCreateLayer(m_impl->ds, def.name.c_str(), srs, gt, opts.List());
    if (srs) OSRDestroySpatialReference(srs);
    if (!layer)
        throw Error(ErrorCode::io, "cannot create layer '" + def.name + "' in '" + m_impl->path +
                                       "': " + cap.last_error());
    for (const auto &f : def.fields) {
        OGRFieldType t = f.type == FieldType::integer
                             ? OFTInteger64
                             : (f.type == FieldType::real ? OFTReal : OFTString);
        OGRFieldDefnH fd = OGR_Fld_Create(f.name.c_str(), t);
        const OGRErr err = OGR_L_CreateField(layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            throw Error(ErrorCode::io, "cannot create field '" + f.name + "' in layer '" +
                                           def.name + "': " + cap.last_error());
    }
    m_impl->layers.push_back({layer, def, false});
    return m_impl->layers.size() - 1;
}

namespace {
OGRGeometryH line_to_ogr(const LineString &l) {
    OGRGeometryH g = OGR_G_CreateGeometry(wkbLineString);
    OGR_G_SetPoints(g, static_cast<int>(l.size()), &l[0].x, sizeof(XY), &l[0].y, sizeof(XY),
                    nullptr, 0);
    return g;
}
OGRGeometryH ring_to_ogr(const Ring &r) {
    OGRGeometryH g = OGR_G_CreateGeometry(wkbLinearRing);
    if (!r.empty())
        OGR_G_SetPoints(g, static_cast<int>(r.size()), &r[0].x, sizeof(XY), &r[0].y, sizeof(XY),
                        nullptr, 0);
    if (!r.empty() && (r.front().x != r.back().x || r.front().y != r.back().y))
        OGR_G_AddPoint_2D(g, r.front().x, r.front().y);
    return g;
}
OGRGeometryH to_ogr(const Geometry &g, Geometry::Type layer_type) {
    switch (layer_type) {
    case Geometry::Type::point: {
        if (g.points.empty()) return nullptr;
        if (g.points.size() == 1) {
            OGRGeometryH p = OGR_G_CreateGeometry(wkbPoint);
            OGR_G_SetPoint_2D(p, 0, g.points[0].x, g.points[0].y);
            return p;
        }
        OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPoint);
        for (auto q : g.points) {
            OGRGeometryH p = OGR_G_CreateGeometry(wkbPoint);
            OGR_G_SetPoint_2D(p, 0, q.x, q.y);
            OGR_G_AddGeometryDirectly(mp, p);
        }
        return mp;
    }
    case Geometry::Type::line: {
        OGRGeometryH ml = OGR_G_CreateGeometry(wkbMultiLineString);
        for (const auto &l : g.lines)
            if (l.size() >= 2) OGR_G_AddGeometryDirectly(ml, line_to_ogr(l));
        return ml;
    }
    case Geometry::Type::polygon: {
        OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPolygon);
        for (const auto &poly : g.polygons) {
            OGRGeometryH p = OGR_G_CreateGeometry(wkbPolygon);
            OGR_G_AddGeometryDirectly(p, ring_to_ogr(poly.outer));
            for (const auto &h : poly.holes)
                OGR_G_AddGeometryDirectly(p, ring_to_ogr(h));
            OGR_G_AddGeometryDirectly(mp, p);
        }
        return mp;
    }
    case Geometry::Type::none:
        return nullptr;
    }
    return nullptr;
}
} // namespace

void VectorWriter::add_feature(std::size_t layer, const Geometry &geometry,
                               const std::vector<FieldValue> &values) {
    auto &L = m_impl->layers.at(layer);
    if (values.size() != L.def.fields.size())
        throw Error(ErrorCode::internal,
                    "layer '" + L.def.name + "': " + std::to_string(values.size()) +
                        " values for " + std::to_string(L.def.fields.size()) + " fields");
    if (!L.in_tx) {
        // A GeoPackage has one transaction for the whole dataset: finish another layer's
        // before starting this one's (else GDAL reports "Transaction already established"
        // for every feature written to a second layer).
        for (auto &other : m_impl->layers)
            if (other.in_tx && &other != &L) {
                GdalErrorCapture cap;
                if (OGR_L_CommitTransaction(other.layer) != OGRERR_NONE)
                    throw Error(ErrorCode::io, "cannot commit layer '" + other.def.name +
                                                   "': " + cap.last_error());
                other.in_tx = false;
            }
        L.in_tx = OGR_L_StartTransaction(L.layer) == OGRERR_NONE;
    }
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(L.layer));
    for (std::size_t i = 0; i < values.size(); ++i) {
        const int idx = static_cast<int>(i);
        std::visit(
            [&](const auto &v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::monostate>)
                    OGR_F_SetFieldNull(f, idx);
                else if constexpr (std::is_same_v<T, std::int64_t>)
                    OGR_F_SetFieldInteger64(f, idx, v);
                else if constexpr (std::is_same_v<T, double>)
                    OGR_F_SetFieldDouble(f, idx, v);
                else
                    OGR_F_SetFieldString(f, idx, v.c_str());
            },
            values[i]);
    }
    if (OGRGeometryH g = to_ogr(geometry, L.def.geometry_type)) OGR_F_SetGeometryDirectly(f, g);
    GdalErrorCapture cap;
    const OGRErr err = OGR_L_CreateFeature(L.layer, f);
    OGR_F_Destroy(f);
    if (err != OGRERR_NONE)
        throw Error(ErrorCode::io, "cannot write a feature to layer '" + L.def.name + "' of '" +
                                       m_impl->path + "': " + cap.last_error());
}

void VectorWriter::commit() {
    GdalErrorCapture cap;
    for (auto &L : m_impl->layers)
        if (L.in_tx && OGR_L_CommitTransaction(L.layer) != OGRERR_NONE)
            throw Error(ErrorCode::io,
                        "cannot commit layer '" + L.def.name + "': " + cap.last_error());
    const std::size_t errors_before = cap.errors.size();
    GDALClose(m_impl->ds);
    m_impl->ds = nullptr;
    if (cap.errors.size() > errors_before)
        throw Error(ErrorCode::io,
                    "cannot finish writing '" + m_impl->path + "': " + cap.last_error());
    // Rename the temporary file (and a Shapefile's siblings) into place.
    const fs::path tmp(m_impl->tmp), dst(m_impl->path);
    std::error_code ec;
    if (m_impl->driver == "ESRI Shapefile") {
        for (const char *ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"}) {
            fs::path s = tmp, d = dst;
            s.replace_extension(ext);
            d.replace_extension(ext);
            if (fs::exists(s)) fs::rename(s, d, ec);
            if (ec) break;
        }
    } else {
        fs::rename(tmp, dst, ec);
    }
    if (ec)
        throw Error(ErrorCode::io, "cannot move the finished output into place as '" +
                                       m_impl->path + "': " + ec.message());
    m_impl->committed = true;
}

} // namespace lugeo
