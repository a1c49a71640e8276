// lugeo: vector I/O through GDAL/OGR (any source GDAL reads; GPKG, GeoJSON, CSV, Shapefile out).
//
// Reading maps a layer's fields to lugeo's own field names (the scene config says which
// source field feeds which lugeo field) and transforms geometries into the scene's metric
// CRS. Writing goes to a temporary file that is renamed into place on commit(), so a
// failed run never leaves a half-written output and never touches an input.
#pragma once

#include <lugeo/geometry.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace lugeo {

/// One layer of a scene: where it comes from and how its fields map to lugeo's names.
struct LayerSpec {
    std::string role;   ///< "roads", "poles", … (for messages)
    std::string source; ///< GDAL dataset name: a path, or "PG:…"
    std::string layer;  ///< layer name; empty = the source's only (first) layer
    std::map<std::string, std::string> fields; ///< lugeo field -> source field (default: same name)
    std::string crs;   ///< overrides the source's CRS ("EPSG:4326"); empty = as declared
    std::string where; ///< optional OGR SQL attribute filter
    bool synthetic = false;
    /// Plate layers: the numbering scheme (docs/plate-ids.md); empty: inferred from the IDs.
    std::string scheme;
    std::string
        origin; ///< where this spec was declared, for messages ("scene.toml [layers.roads]")

    /// The source field that feeds `lugeo_field`.
    std::string source_field(const std::string &lugeo_field) const;
    /// "data/x.geojson" or "data/x.osm (layer lines)", for messages.
    std::string describe() const;
};

/// Parses "FILE[:LAYER]" as given on the command line; "PG:dbname=… host=…:TABLE" names a
/// table of a connection (a Windows drive letter, "PG:…" without a table and
/// "/vsi…" paths are kept).
LayerSpec layer_spec_from_arg(const std::string &arg, const std::string &role);

/// True for a source that is not a plain file: a GDAL virtual path ("/vsigzip/…", "/vsizip/…",
/// "/vsicurl/…") or a connection string ("PG:…"). Such sources are not checked for existence.
bool is_virtual_source(const std::string &source);

/// Called with a fraction in [0, 1] and a short message; return false to cancel.
using ProgressFn = std::function<bool(double, const char *)>;

struct ReadOptions {
    /// Transform geometries into this CRS; "" = leave them as they are; "UTM" = the WGS84 UTM
    /// zone of the layer's centre; "auto" = choose_metric_crs (crs.hpp) over the layer's
    /// extent, its reason added to FeatureTable::warnings (FeatureTable::crs tells which).
    std::string target_crs;
    std::vector<std::string> required_fields; ///< lugeo names that must be present
    std::vector<std::string> optional_fields; ///< lugeo names read when present
    /// Features with empty geometry: skipped and counted (false) or an Error (true).
    bool empty_geometry_is_error = false;
    /// Features with empty geometry are kept (the caller reports them), unless an Error.
    bool keep_empty_geometry = false;
    /// A geographic source's position outside [-180, 180] x [-90, 90]: an Error naming the
    /// feature (false) or skipped and counted in FeatureTable::skipped_out_of_range (true).
    bool drop_out_of_range = false;
    ProgressFn progress;
};

struct Feature {
    std::int64_t fid = 0;
    Geometry geometry;
    std::vector<std::optional<std::string>> values; ///< required fields, then optional ones
};

struct FeatureTable {
    std::string layer_name;          ///< the layer's name in the source
    std::string source_crs;          ///< the source's CRS ("EPSG:4326" where it has a code)
    std::string crs;                 ///< the CRS of the geometries returned
    std::vector<std::string> fields; ///< lugeo names, in the order of Feature::values
    /// Per field: found in the layer (OSM other_tags: carried by a feature read).
    std::vector<bool> field_present;
    std::vector<std::string> source_fields; ///< every column of the layer, in order
    bool has_geometry_field = true; ///< false: an attribute table (e.g. a CSV without coordinates)
    std::vector<Feature> features;
    std::size_t in_source = 0;            ///< features before `where` (0: not counted; OSM)
    std::size_t skipped_empty = 0;        ///< features without geometry
    std::size_t skipped_out_of_range = 0; ///< ReadOptions::drop_out_of_range
    std::vector<std::string> warnings;    ///< e.g. what the OSM driver dropped
    std::string description;              ///< the layer's DESCRIPTION metadata, if any

    /// Index of a lugeo field in Feature::values; throws Error(internal) if not requested.
    std::size_t field_index(const std::string &name) const;
};

/// Reads a whole layer. Throws Error(io | missing_layer | missing_field | crs) with the file,
/// layer and field named; a field the spec maps explicitly must exist even when optional.
/// OSM sources: a field missing as a column is looked up in the driver's `other_tags`. `.gz`
/// and `.zip` files are read through GDAL's /vsigzip/ and /vsizip/. CSV: points from
/// coordinate columns (the mapped `x` / `y` fields, else lon, lng, longitude, x, 经度 … /
/// lat, latitude, y, 纬度 …); lon/lat columns without a declared CRS are WGS84. Any source:
/// with `x` and `y` mapped, a feature without geometry gets the point of those values.
FeatureTable read_layer(const LayerSpec &spec, const ReadOptions &options);

/// Counts the features of a layer (fast, for tests and reports).
std::int64_t count_features(const LayerSpec &spec);

/// The extent a layer declares without its features being read (a GeoPackage's or
/// Shapefile's header, an OSM file's bounds), in `target_crs` (the layer's own CRS when
/// empty). nullopt when the source does not know it cheaply, has no CRS, or cannot be opened:
/// this is for cross-checks of layers when the roads themselves are not needed.
std::optional<Box> declared_extent(const LayerSpec &spec, const std::string &target_crs = {});

// ---- writing ----

enum class FieldType { integer, real, string };
struct FieldDef {
    std::string name;
    FieldType type = FieldType::string;
};
struct LayerDef {
    std::string name;
    Geometry::Type geometry_type = Geometry::Type::none;
    std::vector<FieldDef> fields;
    std::string crs; ///< the CRS of the coordinates written
    std::string description;
};
using FieldValue = std::variant<std::monostate, std::int64_t, double, std::string>;

/// What to do when the output (or one of its layers) already exists.
enum class ExistingOutput {
    refuse,    ///< an Error; nothing is touched
    overwrite, ///< a file is replaced as a whole; a database's layers of the same name are replaced
    update     ///< only the layers written are added or replaced; every other layer stays
};

/// Where and how a VectorWriter writes. The target is the path given to VectorWriter:
/// - a file: its format from `driver`, else its extension. A format that holds one layer
///   (GeoJSON, CSV, FlatGeobuf, Shapefile, …) takes exactly one of the layers added: the
///   others must be left out with `layers` or written to a folder.
/// - a folder ("DIR/" or an existing directory): one file per layer, named
///   `DIR/<prefix><layer>.<ext>` (GeoJSON unless `driver` says otherwise); files of other
///   layers in the folder stay.
/// - "-": one layer as GeoJSON (or CSV with `driver`) on `stdout_fd`.
/// - a database connection ("PG:…"): tables `<schema>.<prefix><layer>`, all in one transaction.
struct WriteOptions {
    std::string driver; ///< GDAL vector driver that can create ("GPKG", "FlatGeobuf", …)
    ExistingOutput existing = ExistingOutput::refuse;
    std::vector<std::string> layers = {}; ///< write only these layers (empty: every layer added)
    std::string crs = {};                 ///< transform coordinates into this CRS ("" = as given)
    std::string layer_prefix = {};        ///< prepended to every layer (and folder file) name
    std::string schema = {};              ///< database schema ("" = the database's default)
    int stdout_fd = 1;                    ///< where "-" writes
};

/// Writes one or more layers (see WriteOptions for the targets), atomically: files go to a
/// temporary file next to the output that is renamed into place on commit() (a GeoPackage
/// being updated is copied first), a database is written in one transaction. Without commit()
/// (an error, a crash, a kill) the previous output is left as it was and nothing stays under the
/// output's name. CSV layers with geometry get a last column `crs` naming their CRS.
class VectorWriter {
public:
    explicit VectorWriter(std::string path, WriteOptions options = {});
    ~VectorWriter();
    VectorWriter(VectorWriter &&) noexcept;
    VectorWriter &operator=(VectorWriter &&) noexcept;
    VectorWriter(const VectorWriter &) = delete;
    VectorWriter &operator=(const VectorWriter &) = delete;

    /// Returns the layer's index for add_feature (a layer left out by WriteOptions::layers
    /// gets one too; its features are dropped).
    std::size_t add_layer(const LayerDef &def);
    /// `values` in the order of LayerDef::fields (monostate = NULL).
    void add_feature(std::size_t layer, const Geometry &geometry,
                     const std::vector<FieldValue> &values);
    /// Finishes every layer and moves the result into place. Throws (and leaves nothing
    /// behind) when a layer named in WriteOptions::layers was never added, or a single-layer
    /// target got more than one layer.
    void commit();
    /// After commit(): what was written, one line per file or table ("zones.gpkg (zones, …)").
    std::vector<std::string> written() const;
    /// The names of the layers written (after WriteOptions::layers).
    std::vector<std::string> layer_names() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// True when `driver` keeps several layers in one dataset (GPKG, SQLite, PostgreSQL, …).
bool driver_is_multi_layer(const std::string &driver);

/// True for a path that VectorWriter writes as a folder ("DIR/" or an existing directory).
bool is_output_folder(const std::string &path);

/// Driver name for an output path by its extension ("GPKG", "GeoJSON", "CSV", …, or any GDAL
/// driver that can create and declares that extension); "PG:…" gives "PostgreSQL".
std::string driver_for_path(const std::string &path);

} // namespace lugeo
