// lugeo: layers — the one door between a scene and the analyses.
//
// A scene (scene.hpp) says where one city's layers are. This module is the only code that
// reads them: it turns each layer into typed data in the scene's metric CRS, validates it
// (geometry type, positions, ids, mapped fields, values) and reports what it read, kept and
// left out (LayerReport). The analyses — network, isochrone, zones, coverage, registry,
// incident, report, seal, site — take these types and their own options, never a Scene.
//
//   const Scene scene = load_scene("city/scene.toml");
//   const SceneData data = read_scene_data(scene, {LayerRole::roads, LayerRole::units});
//   const Network net = build_network(data.roads, data.settings.network);
//   ZonePlan plan = build_zones(net, units_of_kind(data.units, "kiosk"), zone_context(data), {});
//
// Per-layer readers take a LayerSpec, so a layer given on the command line (`--kiosks FILE`,
// `zones --existing FILE`) goes through the same door and the same checks as a scene layer.
// layer_fields() lists the lugeo fields of each role (docs/scene.md has the same table).
#pragma once

#include <lugeo/error.hpp>
#include <lugeo/geometry.hpp>
#include <lugeo/io.hpp>
#include <lugeo/network.hpp>
#include <lugeo/settings.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lugeo {

struct PlateScheme; // registry.hpp

// ---------------------------------------------------------------------------------------------
// Roles and their fields

/// The layer roles a scene may declare (docs/scene.md lists each with its fields).
enum class LayerRole : std::uint8_t {
    roads,
    poles,
    lamps,
    cameras,
    units,
    buildings,
    key_sites,
    boundary,
    incidents,
    zones,
    grids
};
inline constexpr std::size_t layer_role_count = 11;
const char *layer_role_name(LayerRole role) noexcept; ///< "roads", "key_sites", …
std::optional<LayerRole> layer_role_from_name(std::string_view name) noexcept;
const std::array<LayerRole, layer_role_count> &all_layer_roles() noexcept;

/// A lugeo field of a role: what `[layers.<role>.fields]` may map.
struct LayerFieldInfo {
    std::string name; ///< lugeo name ("class", "id", …)
    bool required = false;
    std::string doc;
};
/// The fields of a role, required ones first. Point roles also take `x` and `y` (coordinate
/// columns of a table without geometry, e.g. a CSV).
const std::vector<LayerFieldInfo> &layer_fields(LayerRole role);

// ---------------------------------------------------------------------------------------------
// What reading found

/// What reading one layer found: for warnings, `scene check` and the report's scene table.
struct LayerReport {
    LayerRole role = LayerRole::roads;
    std::string source;        ///< LayerSpec::describe()
    std::string path;          ///< LayerSpec::source: the file (or connection string) read
    std::string layer;         ///< the layer's name in the source
    std::string source_crs;    ///< the CRS the source declares (or the scene overrides)
    std::size_t in_source = 0; ///< features in the layer, before `where` (0: not counted, OSM)
    std::size_t read = 0;      ///< features the `where` filter let through
    std::size_t kept = 0;      ///< what the analyses get (after validation)
    Box extent;                ///< of what was kept, metric CRS
    std::vector<std::string> fields_found;   ///< lugeo field names found in the source
    std::vector<std::string> fields_missing; ///< optional lugeo fields the source lacks
    std::vector<std::string> notes; ///< one line per kind of feature left out or value assumed,
                                    ///< with its count ("12 features without geometry skipped")
    std::size_t duplicates = 0;     ///< repeated ids (units, cameras, plates)
    bool synthetic = false;         ///< the scene marks the layer synthetic
};

/// Settings every reader needs.
struct LayerReadContext {
    /// The scene's metric CRS. Required, except for read_roads, which chooses one from the
    /// data when it is empty (choose_metric_crs over the roads' extent: CGCS2000 Gauss-Kruger in
    /// China, UTM elsewhere; Roads::crs says which and a note of the roads' report says why).
    std::string metric_crs;
    CameraSettings cameras; ///< defaults for camera layers
    /// Read errors become notes with a count: the feature is left out (or the value is
    /// ignored) instead of stopping the read.
    bool lenient = false;
    /// Plate layers for `check_plates` (poles check, the report): a row that fails validation
    /// is kept in Plates::plates as read (ID as given, NaN position) and listed in
    /// Plates::rejected, instead of being an error.
    bool keep_invalid_plates = false;
    const PlateScheme *plate_scheme =
        nullptr;         ///< plate IDs are normalised under it (null: default)
    ProgressFn progress; ///< roads only (the one slow layer)
};

// ---------------------------------------------------------------------------------------------
// Typed data. Positions are in the scene's metric CRS.

/// The road layer as ways, ready for build_network (network.hpp).
struct Roads {
    std::vector<RoadInput> ways;
    std::string crs;         ///< metric CRS of the lines
    NetworkBuildReport read; ///< what reading found (features read, no class, areas …)
};

/// A police unit at a place: mobile kiosk, police station, community police room, patrol car.
struct Unit {
    std::string id;   ///< unique in its layer (a repeated id is an error naming both features)
    std::string kind; ///< kiosk | station | community_room | patrol_car | checkpoint | …
    std::string name;
    int crew = 0; ///< 0 when not given
    XY position;
    ErrorContext origin = {}; ///< the file, layer, feature and id it was read from (messages)
};
/// The units whose kind is `kind` (all of them when `kind` is empty), in layer order.
std::vector<Unit> units_of_kind(const std::vector<Unit> &units, std::string_view kind);

/// DORI levels of IEC 62676-4 (pixel density on the target at the range's end).
enum class DoriLevel : std::uint8_t { detection, observation, recognition, identification };
/// 25, 62.5, 125, 250 pixels per metre.
double dori_pixels_per_metre(DoriLevel level) noexcept;
const char *dori_level_name(DoriLevel level) noexcept;
/// "detection" / "observation" / "recognition" / "identification" (also "D", "O", "R", "I").
std::optional<DoriLevel> dori_level_from_name(std::string_view name) noexcept;
/// range = horizontal_pixels / (2 · tan(hfov / 2) · ppm). Throws Error(invalid_argument)
/// unless 0 < hfov < 180 and horizontal_pixels > 0.
double dori_range_m(double horizontal_pixels, double hfov_deg, DoriLevel level);

struct Camera {
    std::string id;
    XY position;
    double heading_deg = 0.0; ///< clockwise from grid north, [0, 360)
    double hfov_deg = 360.0;  ///< horizontal field of view; >= 360 sees all around
    double range_m = 50.0;
    std::string type; ///< bullet | dome | ptz | checkpoint | … (as read)
    int phase = 0;
    std::string owner;
    bool all_around() const { return hfov_deg >= 360.0; }
};

enum class PlateStatus { ok, damaged, missing, unknown };
/// "ok", "damaged", "missing", "unknown".
const char *plate_status_name(PlateStatus status) noexcept;
/// Parse a status name (also 正常/损坏/缺失); nullopt when unknown.
std::optional<PlateStatus> plate_status_from_name(std::string_view name);

/// A numbered plate (power pole, street lamp) as read; the registry (registry.hpp) indexes
/// them under the layer's numbering scheme.
struct Plate {
    std::string id;   ///< canonical ID under the layer's scheme
    std::string kind; ///< "pole", "lamp" (the layer's), or the scheme's type
    XY position;
    LonLat lonlat;    ///< WGS84
    std::string road; ///< road name, optional
    PlateStatus status = PlateStatus::ok;
    std::string installed; ///< install date as given, optional
};
/// Where a plate came from, for messages.
struct PlateOrigin {
    std::string layer;      ///< LayerSpec::describe()
    std::int64_t fid = -1;  ///< feature id in the source
    std::string file;       ///< LayerSpec::source
    std::string layer_name; ///< the layer's name in the source
    std::string id_field;   ///< the source field of the ID
};
/// A plate row that failed validation, with the reason (LayerReadContext::keep_invalid_plates).
struct RejectedPlate {
    PlateOrigin origin;
    std::size_t plate = 0; ///< its index in Plates::plates (kept there as read, for the checks)
    std::string id;        ///< as given (printable)
    std::string reason;    ///< "not a plate ID", "no position", "duplicate of …"
};
struct Plates {
    std::vector<Plate> plates;
    std::vector<PlateOrigin> origins; ///< one per plate
    std::vector<RejectedPlate> rejected;
    /// The numbering scheme the IDs were read under: the layer's `scheme`, else inferred from
    /// its IDs (LayerReport::notes says which); a scene's poles and lamps: both layers' types.
    std::shared_ptr<const PlateScheme> scheme;
};

/// Building footprints (occluders for the camera model).
struct Buildings {
    std::vector<Polygon> footprints;
    std::vector<std::string> ids; ///< one per footprint (the feature id when not given)
};

/// A key site: school, hospital, bank, police, station, fuel or hazardous store.
struct KeySite {
    std::string id, kind, name;
    XY position; ///< the point, or a representative point of a line or polygon
};

/// Incident grades, most serious first.
enum class IncidentGrade : std::uint8_t { red = 0, orange = 1, blue = 2, green = 3 };
inline constexpr std::size_t incident_grade_count = 4;
/// "red", "orange", "blue", "green".
const char *incident_grade_name(IncidentGrade g) noexcept;
/// Parses a grade name (case-insensitive; also 红/橙/蓝/绿); empty when unknown.
std::optional<IncidentGrade> incident_grade_from_name(std::string_view name) noexcept;
/// Workload weight of one incident: red 8, orange 4, blue 2, green 1.
double incident_grade_weight(IncidentGrade g) noexcept;

struct Incident {
    std::string id;
    XY position;
    IncidentGrade grade = IncidentGrade::green; ///< green when the layer has no grade
    std::string time;                           ///< as given
};

/// A polygon with an identity: a patrol zone, a grid cell.
struct NamedArea {
    std::string id;
    std::string name;
    std::string parent; ///< zones: the kiosk's unit id; grids: the zone id ("" when not given)
    MultiPolygon area;
    ErrorContext origin; ///< the file, layer and feature it was read from (for messages)
};

// ---------------------------------------------------------------------------------------------
// Per-layer readers (any GDAL source). Each throws Error with the file, layer, feature, field
// and value for what makes the layer unusable (a mapped field the source lacks, a bad value,
// a wrong geometry, a repeated id, no usable feature at all), and records what it left out in
// `report`.

Roads read_roads(const LayerSpec &spec, const LayerReadContext &ctx, LayerReport *report = nullptr);
/// The network of the ways (their own CRS); `read` starts the build report.
Network build_network(const Roads &roads, const NetworkOptions &options);
Network build_network(Roads &&roads, const NetworkOptions &options); ///< without a copy
std::vector<Unit> read_units(const LayerSpec &spec, const LayerReadContext &ctx,
                             LayerReport *report = nullptr);
std::vector<Camera> read_cameras(const LayerSpec &spec, const LayerReadContext &ctx,
                                 LayerReport *report = nullptr);
/// Cameras of an OSM file's `man_made=surveillance` nodes (docs/coverage.md).
std::vector<Camera> read_osm_cameras(const std::string &osm_path, const LayerReadContext &ctx,
                                     LayerReport *report = nullptr);
Plates read_plates(const LayerSpec &spec, const std::string &kind, const LayerReadContext &ctx,
                   LayerReport *report = nullptr);
Buildings read_buildings(const LayerSpec &spec, const LayerReadContext &ctx,
                         LayerReport *report = nullptr);
std::vector<KeySite> read_key_sites(const LayerSpec &spec, const LayerReadContext &ctx,
                                    LayerReport *report = nullptr);
std::vector<Incident> read_incidents(const LayerSpec &spec, const LayerReadContext &ctx,
                                     LayerReport *report = nullptr);
/// The study boundary: the union of the layer's polygons.
MultiPolygon read_boundary(const LayerSpec &spec, const LayerReadContext &ctx,
                           LayerReport *report = nullptr);
/// Zones and grids (fields id, name, and `kiosk` / `zone` as NamedArea::parent; `role` says
/// which, LayerRole::zones for zones given on the command line).
std::vector<NamedArea> read_areas(const LayerSpec &spec, const LayerReadContext &ctx,
                                  LayerReport *report = nullptr, LayerRole role = LayerRole::zones);

// ---------------------------------------------------------------------------------------------
// Cross-checks

/// Throws Error naming the layer, both extents in lon/lat and the likely cause (lon/lat
/// swapped, a wrong CRS) when `layer`'s extent does not overlap the roads' extent grown by a
/// margin (max(1 km, 10 % of the roads' larger side)). `metric_crs`: of both extents.
void check_overlaps_roads(const LayerReport &layer, const LayerReport &roads,
                          const std::string &metric_crs);

// ---------------------------------------------------------------------------------------------
// A whole scene

/// The layers of a scene that were asked for, read and checked against each other
/// (read_scene_data, scene.hpp).
struct SceneData {
    std::string name, crs, attribution; ///< from [scene]; crs is the settled metric CRS
    std::string path;                   ///< the scene file ("" for a scene made from roads)
    SceneSettings settings;
    Roads roads;
    std::vector<Unit> units;
    std::vector<Camera> cameras;
    Plates plates; ///< poles then lamps
    Buildings buildings;
    std::vector<KeySite> key_sites;
    std::vector<Incident> incidents;
    MultiPolygon boundary; ///< empty: no study boundary (figures over the whole network)
    std::vector<NamedArea> zones, grids;
    std::vector<LayerReport> reports; ///< one per layer read, in role order
    /// True when the scene declares the layer and it was read.
    bool has(LayerRole role) const;
    const LayerReport *report(LayerRole role) const; ///< null when not read
};

/// A point of a layer with its identity, e.g. a source of isochrones.
struct LayerPoint {
    std::string id, name;
    std::string kind; ///< units, key sites: kind; cameras: type; plates: kind; incidents: grade
    XY position;
    ErrorContext origin = {}; ///< where it was read from, for messages (units; else empty)
};
/// The points of `role` in `data` (units, key sites, cameras, plates of poles or lamps,
/// incidents; zones and grids by a representative point) whose kind is `kind` (all when
/// empty). Throws Error(invalid_argument) for roads or boundary.
std::vector<LayerPoint> points_of(const SceneData &data, LayerRole role,
                                  std::string_view kind = {});

} // namespace lugeo
