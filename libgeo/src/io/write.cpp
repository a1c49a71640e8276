// Writing layers atomically through OGR.
#include <lugeo/error.hpp>
#include <lugeo/io.hpp>
#include <lugeo/temp_files.hpp>

#include "io/gdal_util.hpp"
#include "io/gpkg_rtree.hpp"
#include "io/styles.hpp"

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <set>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace lugeo {

using detail::GdalErrorCapture;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

bool is_connection(const std::string &path) {
    return is_virtual_source(path) && path.rfind("/vsi", 0) != 0;
}

GDALDriverH vector_driver(const std::string &name) {
    GDALDriverH drv = GDALGetDriverByName(name.c_str());
    if (!drv || !GDALGetMetadataItem(drv, GDAL_DCAP_VECTOR, nullptr))
        throw Error(ErrorCode::invalid_argument,
                    "GDAL has no vector driver '" + name +
                        "' (ogrinfo --formats lists them; e.g. GPKG, GeoJSON, FlatGeobuf, CSV, "
                        "\"ESRI Shapefile\", PostgreSQL)");
    if (!GDALGetMetadataItem(drv, GDAL_DCAP_CREATE, nullptr))
        throw Error(ErrorCode::invalid_argument,
                    "GDAL's driver '" + name + "' cannot create datasets; choose another format");
    return drv;
}

/// The driver's usual file extension ("gpkg", "geojson", "shp").
std::string driver_extension(const std::string &driver) {
    if (driver == "GeoJSON") return "geojson";
    if (driver == "GeoJSONSeq") return "geojsonl";
    GDALDriverH drv = GDALGetDriverByName(driver.c_str());
    const char *ext = drv ? GDALGetMetadataItem(drv, GDAL_DMD_EXTENSION, nullptr) : nullptr;
    if (!ext || !*ext) ext = drv ? GDALGetMetadataItem(drv, GDAL_DMD_EXTENSIONS, nullptr) : nullptr;
    std::string e = ext ? ext : "";
    if (const auto sp = e.find(' '); sp != std::string::npos) e = e.substr(0, sp);
    return e.empty() ? "dat" : e;
}

} // namespace

std::string driver_for_path(const std::string &path) {
    detail::ensure_gdal();
    if (path.rfind("PG:", 0) == 0 || path.rfind("pg:", 0) == 0) return "PostgreSQL";
    std::string ext = lower(fs::path(path).extension().string());
    if (ext == ".gpkg") return "GPKG";
    if (ext == ".geojson" || ext == ".json") return "GeoJSON";
    if (ext == ".csv") return "CSV";
    if (ext == ".shp") return "ESRI Shapefile";
    if (ext == ".fgb") return "FlatGeobuf";
    if (ext == ".kml") return "KML";
    if (ext == ".sqlite" || ext == ".db") return "SQLite";
    if (ext == ".geojsonl" || ext == ".geojsons") return "GeoJSONSeq";
    if (!ext.empty()) {
        const std::string e = ext.substr(1);
        for (int i = 0; i < GDALGetDriverCount(); ++i) {
            GDALDriverH d = GDALGetDriver(i);
            if (!GDALGetMetadataItem(d, GDAL_DCAP_VECTOR, nullptr) ||
                !GDALGetMetadataItem(d, GDAL_DCAP_CREATE, nullptr))
                continue;
            const char *exts = GDALGetMetadataItem(d, GDAL_DMD_EXTENSIONS, nullptr);
            if (!exts) exts = GDALGetMetadataItem(d, GDAL_DMD_EXTENSION, nullptr);
            if (!exts) continue;
            std::istringstream in(exts);
            std::string one;
            while (in >> one)
                if (lower(one) == e) return GDALGetDriverShortName(d);
        }
    }
    throw Error(ErrorCode::invalid_argument,
                "cannot tell the output format of '" + path +
                    "' from its extension; use .gpkg, .geojson, .csv, .shp, .fgb or name a GDAL "
                    "driver");
}

bool driver_is_multi_layer(const std::string &driver) {
    detail::ensure_gdal();
    GDALDriverH drv = GDALGetDriverByName(driver.c_str());
    if (!drv) return false;
    if (driver == "KML" || driver == "LIBKML")
        return false; // one layer per file is what opens well
    return GDALGetMetadataItem(drv, GDAL_DCAP_MULTIPLE_VECTOR_LAYERS, nullptr) != nullptr;
}

bool is_output_folder(const std::string &path) {
    if (path.empty() || path == "-" || is_connection(path)) return false;
    return path.back() == '/' || fs::is_directory(path);
}

namespace {

enum class Target { file, folder, stdout_, database };

/// One dataset being written: a temporary file renamed to `final_path`, or a database.
struct Sink {
    std::string final_path, tmp_path, driver;
    GDALDatasetH ds = nullptr;
    std::vector<std::string> layers;
    bool in_tx = false; ///< a dataset transaction (databases)
};

fs::path folder_of(const std::string &path) {
    const fs::path p(path);
    return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

void delete_dataset(const std::string &driver, const std::string &path) {
    GdalErrorCapture cap;
    std::error_code ec;
    if (!fs::exists(path, ec)) return;
    if (GDALDriverH drv = GDALGetDriverByName(driver.c_str()))
        if (driver == "ESRI Shapefile") GDALDeleteDataset(drv, path.c_str());
    fs::remove_all(path, ec);
    for (const char *side : {"-wal", "-shm", "-journal"})
        fs::remove(path + side, ec);
}

/// The files of a dataset at `path` (a Shapefile's siblings too).
std::vector<fs::path> dataset_files(const std::string &driver, const std::string &path) {
    std::vector<fs::path> out{path};
    if (driver == "ESRI Shapefile")
        for (const char *ext : {".shx", ".dbf", ".prj", ".cpg", ".qix"}) {
            fs::path s(path);
            s.replace_extension(ext);
            out.push_back(s);
        }
    return out;
}

} // namespace

namespace {

using detail::style_category_field;
using detail::style_graduated_field;
using detail::style_qml;
using detail::StyleInput;

/// Distinct values of a column, in order (SQLite dialect: GeoPackage).
StyleInput style_input(const LayerDef &def) {
    StyleInput in;
    in.layer = def.name;
    in.geometry = def.geometry_type;
    for (const auto &f : def.fields)
        in.fields.push_back(f.name);
    return in;
}

/// The field a layer's style categorises or graduates by ("": none).
std::string style_field_of(const LayerDef &def) {
    const StyleInput in = style_input(def);
    const std::string c = style_category_field(in);
    return c.empty() ? style_graduated_field(in) : c;
}

/// A value as the database gives it back as text (a category of a style).
std::string field_text(const FieldValue &v) {
    if (const auto *i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto *d = std::get_if<double>(&v)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.15g", *d);
        return buf;
    }
    if (const auto *t = std::get_if<std::string>(&v)) return *t;
    return {};
}

/// A value as a number (a class of a graduated style).
double field_number(const FieldValue &v) {
    if (const auto *i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto *d = std::get_if<double>(&v)) return *d;
    if (const auto *t = std::get_if<std::string>(&v)) return std::atof(t->c_str());
    return 0.0;
}

/// QGIS styles of the layers just written into a GeoPackage, in its `layer_styles` table
/// (QGIS applies the default style of a layer when it opens it). A style that was there for
/// the same layer (an update) is replaced. Each StyleInput has its categories and classes (the
/// distinct values written). Returns the first layer whose style could not be written ("": all
/// were).
std::string write_styles(GDALDatasetH ds,
                         const std::vector<std::pair<std::string, StyleInput>> &layers) {
    std::vector<std::pair<std::string, std::string>> qml;
    for (const auto &[table, in] : layers)
        if (std::string q = style_qml(in); !q.empty()) qml.emplace_back(table, std::move(q));
    if (qml.empty()) return "";
    OGRLayerH styles = GDALDatasetGetLayerByName(ds, "layer_styles");
    if (!styles) {
        styles = GDALDatasetCreateLayer(ds, "layer_styles", nullptr, wkbNone, nullptr);
        if (!styles) return qml.front().first;
        const std::pair<const char *, OGRFieldType> fields[] = {{"f_table_catalog", OFTString},
                                                                {"f_table_schema", OFTString},
                                                                {"f_table_name", OFTString},
                                                                {"f_geometry_column", OFTString},
                                                                {"styleName", OFTString},
                                                                {"styleQML", OFTString},
                                                                {"styleSLD", OFTString},
                                                                {"useAsDefault", OFTInteger},
                                                                {"description", OFTString},
                                                                {"owner", OFTString},
                                                                {"ui", OFTString},
                                                                {"update_time", OFTDateTime}};
        for (const auto &[name, type] : fields) {
            OGRFieldDefnH fd = OGR_Fld_Create(name, type);
            if (type == OFTInteger) OGR_Fld_SetSubType(fd, OFSTBoolean);
            OGR_L_CreateField(styles, fd, TRUE);
            OGR_Fld_Destroy(fd);
        }
    }
    for (const auto &[table, q] : qml) {
        const std::string del = "DELETE FROM layer_styles WHERE f_table_name = '" + table + "'";
        if (OGRLayerH r = GDALDatasetExecuteSQL(ds, del.c_str(), nullptr, nullptr))
            GDALDatasetReleaseResultSet(ds, r);
        OGRLayerH L = GDALDatasetGetLayerByName(ds, table.c_str());
        const char *geom = L ? OGR_L_GetGeometryColumn(L) : "";
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(styles));
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_catalog"), "");
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_schema"), "");
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_name"), table.c_str());
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_geometry_column"),
                             geom && *geom ? geom : "geom");
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleName"), ("lugeo " + table).c_str());
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleQML"), q.c_str());
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleSLD"), "");
        OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "useAsDefault"), 1);
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "description"), "written by lugeo");
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "owner"), "");
        const OGRErr err = OGR_L_CreateFeature(styles, f);
        OGR_F_Destroy(f);
        if (err != OGRERR_NONE) return table;
    }
    return "";
}

} // namespace

struct VectorWriter::Impl {
    std::string path;
    WriteOptions opt;
    Target target = Target::file;
    std::string driver;
    bool multi = false; ///< the driver holds several layers per dataset
    std::vector<Sink> sinks;
    struct L {
        OGRLayerH layer = nullptr;
        LayerDef def;
        std::string name; ///< as written (prefix applied)
        bool skipped = false;
        bool in_tx = false;
        bool crs_column = false;
        std::size_t sink = 0;
        OGRCoordinateTransformationH ct = nullptr;
        /// The field the layer's QGIS style categorises or graduates by (-1: none), and its
        /// distinct non-null values as written (ordered as the database orders them).
        int style_field = -1;
        std::set<FieldValue> style_values;
        /// GeoPackage: the spatial index is bulk-loaded on commit (gpkg_rtree.hpp) from the
        /// boxes of the features written, not built by GDAL feature by feature.
        bool own_rtree = false;
        std::vector<detail::FeatureBox> boxes;
    };
    std::vector<L> layers;
    std::vector<std::string> written;
    bool committed = false;

    bool wanted(const std::string &name) const {
        return opt.layers.empty() ||
               std::find(opt.layers.begin(), opt.layers.end(), name) != opt.layers.end();
    }
    std::string what() const {
        if (path == "-") return "standard output";
        std::string s(1, '\'');
        return s.append(redact_secrets(path)).append(1, '\'');
    }

    void refuse_existing(const std::string &shown) const {
        throw Error(ErrorCode::io, ErrorContext::of_parameter("output_existing"),
                    shown + " already exists; lugeo does not replace it unless asked to overwrite "
                            "it or to update (add or replace) its layers");
    }

    /// A new file dataset at a temporary name for `final_path`; `update` copies the existing one.
    std::size_t open_file_sink(const std::string &final_path, bool update) {
        Sink s;
        s.final_path = final_path;
        s.driver = driver;
        s.tmp_path = path == "-" ? (fs::temp_directory_path() /
                                    ("lugeo-stdout-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(sinks.size()) + "." + driver_extension(driver)))
                                       .string()
                                 : temp::sibling(final_path);
        if (path != "-")
            temp::remove_stale(folder_of(final_path).string()); // killed runs' leftovers
        temp::track(s.tmp_path); // removed on SIGINT/SIGTERM/SIGHUP (lugeo/temp_files.hpp)
        GDALDriverH drv = vector_driver(driver);
        delete_dataset(driver, s.tmp_path); // a leftover of a crashed run with the same pid
        GdalErrorCapture cap;
        if (update && fs::exists(final_path)) {
            std::error_code ec;
            fs::copy_file(final_path, s.tmp_path, fs::copy_options::overwrite_existing, ec);
            if (ec)
                throw Error(ErrorCode::io,
                            "cannot copy '" + final_path + "' to update it: " + ec.message());
            s.ds = GDALOpenEx(s.tmp_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr,
                              nullptr);
            if (!s.ds) {
                fs::remove(s.tmp_path, ec);
                throw Error(ErrorCode::io,
                            "cannot open '" + final_path + "' to update it: " + cap.last_error());
            }
        } else {
            s.ds = GDALCreate(drv, s.tmp_path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
            if (!s.ds)
                throw Error(ErrorCode::io, "cannot create " +
                                               (path == "-" ? what() : "'" + final_path + "'") +
                                               ": " + cap.last_error());
        }
        sinks.push_back(std::move(s));
        return sinks.size() - 1;
    }

    void open_database() {
        Sink s;
        s.final_path = path;
        s.driver = driver;
        GdalErrorCapture cap;
        s.ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
        if (!s.ds)
            throw Error(ErrorCode::io, ErrorContext::of_file(path),
                        "cannot open the database for writing: " +
                            redact_secrets(cap.last_error()));
        s.in_tx = GDALDatasetStartTransaction(s.ds, FALSE) == OGRERR_NONE;
        sinks.push_back(std::move(s));
    }

    void discard() {
        GdalErrorCapture cap;
        for (auto &L : layers)
            if (L.ct) {
                OCTDestroyCoordinateTransformation(L.ct);
                L.ct = nullptr;
            }
        for (auto &s : sinks) {
            if (s.ds) {
                if (s.in_tx) GDALDatasetRollbackTransaction(s.ds);
                GDALClose(s.ds);
                s.ds = nullptr;
            }
            if (!s.tmp_path.empty()) {
                delete_dataset(s.driver, s.tmp_path);
                temp::untrack(s.tmp_path);
            }
        }
        sinks.clear();
    }
};

VectorWriter::VectorWriter(std::string path, WriteOptions options)
    : m_impl(std::make_unique<Impl>()) {
    detail::ensure_gdal();
    auto &I = *m_impl;
    I.path = std::move(path);
    I.opt = std::move(options);
    if (I.path.empty()) throw Error(ErrorCode::invalid_argument, "no output given");
    if (I.path == "-") {
        I.target = Target::stdout_;
        I.driver = I.opt.driver.empty() ? "GeoJSON" : I.opt.driver;
    } else if (is_connection(I.path)) {
        I.target = Target::database;
        I.driver = I.opt.driver.empty() ? driver_for_path(I.path) : I.opt.driver;
    } else if (is_output_folder(I.path)) {
        I.target = Target::folder;
        I.driver = I.opt.driver.empty() ? "GeoJSON" : I.opt.driver;
    } else {
        I.target = Target::file;
        I.driver = I.opt.driver.empty() ? driver_for_path(I.path) : I.opt.driver;
    }
    vector_driver(I.driver); // exists and can create
    I.multi = driver_is_multi_layer(I.driver);
    switch (I.target) {
    case Target::database:
        I.open_database();
        break;
    case Target::folder: {
        std::error_code ec;
        fs::create_directories(I.path, ec);
        if (ec || !fs::is_directory(I.path))
            throw Error(ErrorCode::io, ErrorContext::of_file(I.path),
                        "cannot create the output folder: " + ec.message());
        break;
    }
    case Target::stdout_:
        break;
    case Target::file: {
        const fs::path dir = folder_of(I.path);
        if (!fs::is_directory(dir))
            throw Error(ErrorCode::io, "cannot write '" + I.path + "': folder '" + dir.string() +
                                           "' does not exist");
        const bool exists = fs::exists(I.path);
        if (exists && I.opt.existing == ExistingOutput::refuse)
            I.refuse_existing("'" + I.path + "'");
        if (exists && I.opt.existing == ExistingOutput::update && !I.multi)
            throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("output_existing"),
                        "'" + I.path + "' is a " + I.driver +
                            " file, which holds one layer: it can be replaced, not updated");
        if (I.multi) I.open_file_sink(I.path, exists && I.opt.existing == ExistingOutput::update);
        break;
    }
    }
}

VectorWriter::~VectorWriter() {
    if (m_impl && !m_impl->committed) m_impl->discard();
}

VectorWriter::VectorWriter(VectorWriter &&) noexcept = default;
VectorWriter &VectorWriter::operator=(VectorWriter &&other) noexcept {
    if (this != &other) {
        if (m_impl && !m_impl->committed) m_impl->discard();
        m_impl = std::move(other.m_impl);
    }
    return *this;
}

std::size_t VectorWriter::add_layer(const LayerDef &def) {
    auto &I = *m_impl;
    Impl::L entry;
    entry.def = def;
    entry.name = I.opt.layer_prefix + def.name;
    if (!I.wanted(def.name) && !I.wanted(entry.name)) {
        entry.skipped = true;
        I.layers.push_back(std::move(entry));
        return I.layers.size() - 1;
    }
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
    if (gt == wkbPoint && I.driver == "ESRI Shapefile") gt = wkbMultiPoint;
    // where this layer goes
    std::size_t sink = 0;
    CPLStringList opts;
    switch (I.target) {
    case Target::database: {
        sink = 0;
        if (!I.opt.schema.empty()) opts.SetNameValue("SCHEMA", I.opt.schema.c_str());
        const std::string full =
            I.opt.schema.empty() ? entry.name : I.opt.schema + "." + entry.name;
        if (GDALDatasetGetLayerByName(I.sinks[0].ds, full.c_str())) {
            if (I.opt.existing == ExistingOutput::refuse)
                I.refuse_existing("layer '" + full + "' of " + I.what());
            opts.SetNameValue("OVERWRITE", "YES");
        }
        break;
    }
    case Target::file:
        if (I.multi) {
            sink = 0;
            GDALDatasetH ds = I.sinks[0].ds;
            for (int i = 0; i < GDALDatasetGetLayerCount(ds); ++i) {
                const char *n = OGR_L_GetName(GDALDatasetGetLayer(ds, i));
                if (n && lower(n) == lower(entry.name)) {
                    if (GDALDatasetDeleteLayer(ds, i) != OGRERR_NONE)
                        throw Error(ErrorCode::io, "cannot replace layer '" + entry.name +
                                                       "' of '" + I.path +
                                                       "': " + cap.last_error());
                    break;
                }
            }
        } else {
            sink = I.open_file_sink(I.path, false);
        }
        break;
    case Target::folder: {
        const std::string file =
            (fs::path(I.path) / (entry.name + "." + driver_extension(I.driver))).string();
        if (fs::exists(file) && I.opt.existing == ExistingOutput::refuse)
            I.refuse_existing("'" + file + "'");
        sink = I.open_file_sink(file, false);
        break;
    }
    case Target::stdout_:
        sink = I.open_file_sink("-", false);
        break;
    }
    entry.sink = sink;
    // the CRS written, and the transformation into it
    std::string out_crs = def.crs;
    OGRSpatialReferenceH srs = nullptr;
    if (gt != wkbNone && !def.crs.empty()) {
        srs = detail::srs_from_user(def.crs);
        if (!srs)
            throw Error(ErrorCode::crs,
                        "unknown CRS '" + def.crs + "' for output layer '" + def.name + "'");
        if (!I.opt.crs.empty()) {
            OGRSpatialReferenceH dst = detail::srs_from_user(I.opt.crs);
            if (!dst) {
                OSRDestroySpatialReference(srs);
                throw Error(ErrorCode::crs, ErrorContext::of_parameter("output_crs"),
                            "unknown output CRS '" + I.opt.crs + "'");
            }
            if (!OSRIsSame(srs, dst)) {
                entry.ct = OCTNewCoordinateTransformation(srs, dst);
                if (!entry.ct) {
                    OSRDestroySpatialReference(srs);
                    OSRDestroySpatialReference(dst);
                    throw Error(ErrorCode::crs, ErrorContext::of_parameter("output_crs"),
                                "cannot transform from " + def.crs + " to " + I.opt.crs + ": " +
                                    cap.last_error());
                }
            }
            OSRDestroySpatialReference(srs);
            srs = dst;
            out_crs = detail::srs_to_string(dst);
        }
    }
    const std::string drv = I.driver;
    if (drv == "GeoJSON") {
        // RFC 7946 (WGS84 lon/lat) unless another output CRS was asked for
        const std::string c = lower(I.opt.crs);
        if (c.empty() || c == "epsg:4326" || c == "ogc:crs84" || c == "wgs84")
            opts.SetNameValue("RFC7946", "YES");
    }
    if (drv == "CSV" && gt != wkbNone) {
        opts.SetNameValue("GEOMETRY", "AS_WKT");
        entry.crs_column = true;
    }
    if ((drv == "GPKG" || drv == "GeoJSON" || drv == "PostgreSQL") && !def.description.empty())
        opts.SetNameValue("DESCRIPTION", def.description.c_str());
    if (drv == "GPKG" && gt != wkbNone) {
        opts.SetNameValue("SPATIAL_INDEX", "NO"); // (bulk-loaded on commit instead)
        entry.own_rtree = true;
    }
    Sink &S = I.sinks[sink];
    OGRLayerH layer = GDALDatasetCreateLayer(S.ds, entry.name.c_str(), srs, gt, opts.List());
    if (srs) OSRDestroySpatialReference(srs);
    if (!layer)
        throw Error(ErrorCode::io, "cannot create layer '" + entry.name + "' in " + I.what() +
                                       ": " + redact_secrets(cap.last_error()));
    auto fields = def.fields;
    if (entry.crs_column) fields.push_back({"crs", FieldType::string});
    for (const auto &f : fields) {
        OGRFieldType t = f.type == FieldType::integer
                             ? OFTInteger64
                             : (f.type == FieldType::real ? OFTReal : OFTString);
        OGRFieldDefnH fd = OGR_Fld_Create(f.name.c_str(), t);
        const OGRErr err = OGR_L_CreateField(layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            throw Error(ErrorCode::io, "cannot create field '" + f.name + "' in layer '" +
                                           entry.name + "': " + cap.last_error());
    }
    entry.layer = layer;
    if (S.driver == "GPKG") {
        const std::string sf = style_field_of(def);
        for (std::size_t i = 0; i < def.fields.size(); ++i)
            if (def.fields[i].name == sf) entry.style_field = static_cast<int>(i);
    }
    if (entry.crs_column) entry.def.description = out_crs; // kept for the crs column
    S.layers.push_back(entry.name);
    I.layers.push_back(std::move(entry));
    return I.layers.size() - 1;
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
    auto &I = *m_impl;
    auto &L = I.layers.at(layer);
    if (values.size() != L.def.fields.size())
        throw Error(ErrorCode::internal,
                    "layer '" + L.def.name + "': " + std::to_string(values.size()) +
                        " values for " + std::to_string(L.def.fields.size()) + " fields");
    if (L.skipped) return;
    Sink &S = I.sinks[L.sink];
    if (!S.in_tx && !L.in_tx) {
        // A GeoPackage has one transaction for the whole dataset: finish another layer's
        // before starting this one's (else GDAL reports "Transaction already established"
        // for every feature written to a second layer).
        for (auto &other : I.layers)
            if (other.in_tx && &other != &L && other.sink == L.sink) {
                GdalErrorCapture cap;
                if (OGR_L_CommitTransaction(other.layer) != OGRERR_NONE)
                    throw Error(ErrorCode::io,
                                "cannot commit layer '" + other.name + "': " + cap.last_error());
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
    if (L.crs_column)
        OGR_F_SetFieldString(f, static_cast<int>(values.size()), L.def.description.c_str());
    if (L.style_field >= 0) {
        const FieldValue &v = values[static_cast<std::size_t>(L.style_field)];
        if (!std::holds_alternative<std::monostate>(v)) L.style_values.insert(v);
    }
    GdalErrorCapture cap;
    if (OGRGeometryH g = to_ogr(geometry, L.def.geometry_type)) {
        if (OGR_G_GetGeometryType(g) == wkbPoint &&
            OGR_FD_GetGeomType(OGR_L_GetLayerDefn(L.layer)) == wkbMultiPoint) {
            OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPoint);
            OGR_G_AddGeometryDirectly(mp, g);
            g = mp;
        }
        if (L.ct && OGR_G_Transform(g, L.ct) != OGRERR_NONE) {
            OGR_G_DestroyGeometry(g);
            OGR_F_Destroy(f);
            throw Error(ErrorCode::crs, ErrorContext::of_parameter("output_crs"),
                        "cannot transform a feature of layer '" + L.name +
                            "' into the output CRS: " + cap.last_error());
        }
        OGR_F_SetGeometryDirectly(f, g);
    }
    const OGRErr err = OGR_L_CreateFeature(L.layer, f);
    if (err == OGRERR_NONE && L.own_rtree)
        if (OGRGeometryH g = OGR_F_GetGeometryRef(f); g && !OGR_G_IsEmpty(g)) {
            OGREnvelope env;
            OGR_G_GetEnvelope(g, &env);
            L.boxes.push_back({OGR_F_GetFID(f), env.MinX, env.MaxX, env.MinY, env.MaxY});
        }
    OGR_F_Destroy(f);
    if (err != OGRERR_NONE)
        throw Error(ErrorCode::io, "cannot write a feature to layer '" + L.name + "' of " +
                                       I.what() + ": " + redact_secrets(cap.last_error()));
}

void VectorWriter::commit() {
    auto &I = *m_impl;
    if (I.committed) return;
    std::vector<std::string> kept, all;
    for (const auto &L : I.layers) {
        all.push_back(L.name);
        if (!L.skipped) kept.push_back(L.name);
    }
    auto join = [](const std::vector<std::string> &v) {
        std::string s;
        for (const auto &x : v)
            s += (s.empty() ? "" : ", ") + x;
        return s;
    };
    for (const auto &want : I.opt.layers)
        if (std::find(all.begin(), all.end(), want) == all.end() &&
            std::find(all.begin(), all.end(), I.opt.layer_prefix + want) == all.end()) {
            I.discard();
            throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("output_layers"),
                        "there is no layer '" + want + "' to write; the layers are: " + join(all));
        }
    if (kept.empty()) {
        I.discard();
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("output_layers"),
                    "no layer left to write; the layers are: " + join(all));
    }
    if ((I.target == Target::stdout_ || (I.target == Target::file && !I.multi)) &&
        kept.size() > 1) {
        I.discard();
        throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("output_layers"),
                    I.what() + " (" + I.driver + ") holds one layer and there are " +
                        std::to_string(kept.size()) + ": " + join(kept) +
                        "; pick one, write them to a folder (one file per layer) or to a "
                        "GeoPackage");
    }
    GdalErrorCapture cap;
    // finish every dataset
    for (auto &L : I.layers)
        if (L.in_tx && OGR_L_CommitTransaction(L.layer) != OGRERR_NONE) {
            const std::string e = cap.last_error();
            I.discard();
            throw Error(ErrorCode::io, "cannot commit layer '" + L.name + "': " + e);
        }
    for (auto &L : I.layers)
        if (L.ct) {
            OCTDestroyCoordinateTransformation(L.ct);
            L.ct = nullptr;
        }
    // the GeoPackages' spatial indexes, each at once
    for (auto &L : I.layers) {
        if (!L.own_rtree || L.skipped) continue;
        const char *geom = OGR_L_GetGeometryColumn(L.layer);
        const std::string failed =
            detail::write_gpkg_rtree(I.sinks[L.sink].ds, OGR_L_GetName(L.layer),
                                     geom && *geom ? geom : "geom", std::move(L.boxes));
        if (!failed.empty()) {
            I.discard();
            throw Error(ErrorCode::io, redact_secrets(failed) + " in " + I.what());
        }
    }
    // QGIS styles in every GeoPackage
    for (std::size_t k = 0; k < I.sinks.size(); ++k) {
        if (I.sinks[k].driver != "GPKG") continue;
        std::vector<std::pair<std::string, detail::StyleInput>> styled;
        for (const auto &L : I.layers)
            if (!L.skipped && L.sink == k) {
                detail::StyleInput in = style_input(L.def);
                const bool categorised = !style_category_field(in).empty();
                for (const FieldValue &v : L.style_values) {
                    if (categorised)
                        in.categories.push_back(field_text(v));
                    else
                        in.classes.push_back(field_number(v));
                }
                std::sort(in.classes.begin(), in.classes.end());
                styled.emplace_back(L.name, std::move(in));
            }
        if (const std::string failed = write_styles(I.sinks[k].ds, styled); !failed.empty()) {
            const std::string e = redact_secrets(cap.last_error());
            I.discard();
            std::string msg = "cannot write the QGIS style of layer '";
            msg.append(failed).append("' into ").append(I.what()).append(": ").append(e);
            throw Error(ErrorCode::io, msg);
        }
    }
    for (auto &S : I.sinks) {
        if (S.in_tx && GDALDatasetCommitTransaction(S.ds) != OGRERR_NONE) {
            const std::string e = redact_secrets(cap.last_error());
            I.discard();
            throw Error(ErrorCode::io, "cannot commit the transaction on " + I.what() + ": " + e);
        }
        S.in_tx = false;
        const std::size_t errors_before = cap.errors.size();
        GDALClose(S.ds);
        S.ds = nullptr;
        if (cap.errors.size() > errors_before) {
            const std::string e = cap.last_error();
            I.discard();
            throw Error(ErrorCode::io, "cannot finish writing " + I.what() + ": " + e);
        }
    }
    // move the files into place
    for (auto &S : I.sinks) {
        if (S.tmp_path.empty()) {
            I.written.push_back(redact_secrets(S.final_path) + " (" + join(S.layers) + ")");
            continue;
        }
        if (S.final_path == "-") {
            std::FILE *in = std::fopen(S.tmp_path.c_str(), "rb");
            if (!in) throw Error(ErrorCode::io, "cannot read back " + S.tmp_path);
            char buf[1 << 16];
            std::size_t n;
            bool ok = true;
            while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) {
                std::size_t off = 0;
                while (off < n) {
                    const ssize_t w = ::write(I.opt.stdout_fd, buf + off, n - off);
                    if (w <= 0) {
                        ok = false;
                        break;
                    }
                    off += static_cast<std::size_t>(w);
                }
                if (!ok) break;
            }
            std::fclose(in);
            delete_dataset(S.driver, S.tmp_path);
            if (!ok) throw Error(ErrorCode::io, "cannot write to standard output");
            I.written.push_back("standard output (" + join(S.layers) + ")");
            continue;
        }
        std::error_code ec;
        if (I.opt.existing == ExistingOutput::refuse && fs::exists(S.final_path)) {
            // appeared while we were computing: still never replaced
            delete_dataset(S.driver, S.tmp_path);
            I.refuse_existing("'" + S.final_path + "'");
        }
        const auto from = dataset_files(S.driver, S.tmp_path),
                   to = dataset_files(S.driver, S.final_path);
        // a replaced Shapefile: drop the old siblings the new one does not have
        for (std::size_t k = 1; k < from.size(); ++k)
            if (!fs::exists(from[k])) fs::remove(to[k], ec);
        // the main file last: until it is renamed, the old dataset is what opens
        for (std::size_t k = from.size(); k-- > 0;) {
            if (!fs::exists(from[k])) continue;
            fs::rename(from[k], to[k], ec);
            if (ec) break;
        }
        for (const char *side : {"-wal", "-shm"})
            fs::remove(S.tmp_path + side, ec), ec.clear();
        if (ec)
            throw Error(ErrorCode::io, "cannot move the finished output into place as '" +
                                           S.final_path + "': " + ec.message());
        temp::untrack(S.tmp_path);
        I.written.push_back(S.final_path + (I.multi ? " (" + join(S.layers) + ")" : ""));
    }
    I.sinks.clear();
    I.committed = true;
}

std::vector<std::string> VectorWriter::written() const {
    return m_impl->written;
}

std::vector<std::string> VectorWriter::layer_names() const {
    std::vector<std::string> out;
    for (const auto &L : m_impl->layers)
        if (!L.skipped) out.push_back(L.name);
    return out;
}

} // namespace lugeo
