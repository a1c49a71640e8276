// lugeo: the dispatch scene — one city's layers loaded once and asked many questions at once,
// for a long-lived service (`lugeo serve`, docs/serve.md).
//
// A DispatchScene holds what the alarm questions read: the plate registry, the road network
// and its junction index, the cameras, buildings, units, zones and grid cells (an
// IncidentContext). It is immutable once built; every accessor is const and safe from several
// threads at once (frame() hands each thread its own PROJ transformer).
//
// Dispatch adds what changes while the service runs: live unit positions and statuses
// (report_unit), and the scene itself (swap_scene, for a reload). Readers take a View — the
// scene and the units that go with it, one consistent pair — and keep it for the whole
// question, so a reload or a unit report never changes an answer half-way (copy-on-write:
// writers publish new snapshots, readers keep the old ones alive through shared_ptr).
//
//   auto scene = std::make_shared<const DispatchScene>(std::move(s), std::move(data),
//                                                      std::move(registry), std::move(net));
//   Dispatch dispatch(scene);
//   dispatch.report_unit("P-07", {101.54, 25.04}, UnitStatus::busy, std::time(nullptr));
//   const Dispatch::View v = dispatch.view();
//   IncidentOptions io;
//   io.units = &v.units->available; // busy and off-duty units are not offered
//   describe_incident(v.scene->incident(), point, io, v.scene->network(), v.scene->junctions());
#pragma once

#include <lugeo/crs.hpp>
#include <lugeo/incident.hpp>
#include <lugeo/isochrone.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/registry.hpp>
#include <lugeo/scene.hpp>
#include <lugeo/seal.hpp>

#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lugeo {

/// The loaded scene. Immutable.
class DispatchScene {
public:
    /// `data` without its plates (they are in `registry`) and without its roads (they are in
    /// `network`, which may be empty for a scene without roads). `lonlat_extent`: the WGS84
    /// box positions are checked against (an invalid box: no check).
    DispatchScene(Scene scene, SceneData data, Registry registry, std::optional<Network> network,
                  Box lonlat_extent = {});
    ~DispatchScene();
    DispatchScene(const DispatchScene &) = delete;
    DispatchScene &operator=(const DispatchScene &) = delete;

    const Scene &scene() const noexcept { return m_scene; }
    const SceneData &data() const noexcept { return m_data; }
    const Registry &registry() const noexcept { return m_registry; }
    const Network *network() const noexcept { return m_network ? &*m_network : nullptr; }
    const JunctionIndex *junctions() const noexcept {
        return m_junctions ? &*m_junctions : nullptr;
    }
    const IncidentContext &incident() const noexcept { return m_incident; }
    /// The points an isochrone counts (key sites, cameras, incidents), taken once.
    const IsochronePoints &isochrone_points() const noexcept { return m_isochrone_points; }
    const Box &lonlat_extent() const noexcept { return m_extent; }
    /// The metric CRS of every position of the scene.
    const std::string &crs() const noexcept { return m_data.crs; }
    /// WGS84 <-> the scene's metric CRS, this thread's own (a Transformer must not be shared).
    const MetricFrame &frame() const;
    /// The scene declares a plate layer (poles or lamps).
    bool has_plates() const;
    /// When the scene was loaded (ISO 8601, UTC).
    const std::string &loaded_at() const noexcept { return m_loaded_at; }

private:
    Scene m_scene;
    SceneData m_data;
    Registry m_registry;
    std::optional<Network> m_network;
    std::optional<JunctionIndex> m_junctions;
    IncidentContext m_incident;
    IsochronePoints m_isochrone_points;
    Box m_extent;
    std::string m_loaded_at;
};

/// What a unit is doing. Busy and off-duty units are not offered for an incident or a seal.
enum class UnitStatus { available, busy, off_duty };
const char *unit_status_name(UnitStatus s) noexcept; ///< "available", "busy", "off_duty"
std::optional<UnitStatus> unit_status_from_name(std::string_view name) noexcept;

/// A unit as the service knows it: the scene's, or moved by live reports.
struct UnitState {
    Unit unit; ///< position in the scene's metric CRS
    LonLat lonlat;
    UnitStatus status = UnitStatus::available;
    std::time_t last_seen = 0; ///< 0: never reported (the scene's position)
    bool in_scene = true;      ///< false: known only from live reports
    bool live() const noexcept { return last_seen != 0; }
};

/// One consistent set of units: every unit, and the available ones at their positions.
struct UnitBoard {
    std::vector<UnitState> units; ///< scene order, then live-only units in report order
    std::vector<Unit> available;  ///< the units an incident or a seal may use
    std::uint64_t version = 0;    ///< grows with every change
};

/// "2026-12-02T07:05:00Z".
std::string iso8601_utc(std::time_t t);

/// The service's state: the scene (swapped on reload) and the live units. Thread-safe.
class Dispatch {
public:
    explicit Dispatch(std::shared_ptr<const DispatchScene> scene);

    struct View {
        std::shared_ptr<const DispatchScene> scene;
        std::shared_ptr<const UnitBoard> units; ///< positions in scene's CRS
    };
    /// The current scene and units (kept alive while the View lives).
    View view() const;

    /// A live report: the unit's position (WGS84) and status, seen at `when`. A unit the scene
    /// does not have is added (`kind`, `name` describe it; "patrol_car" and the ID when empty).
    /// Throws Error(invalid_argument) for an empty ID or a position outside [-180,180]x[-90,90].
    UnitState report_unit(const std::string &id, LonLat position, UnitStatus status,
                          std::time_t when, const std::string &kind = {},
                          const std::string &name = {});

    /// Puts a newly loaded scene in use: the units are the new scene's, each live report kept
    /// (moved into the new CRS). Questions asked before keep the old scene until they finish.
    void swap_scene(std::shared_ptr<const DispatchScene> scene);

    /// The seal-off context of the view (the scene's network, its boundary, the available
    /// units), built once per scene and units version and shared. Throws what SealContext
    /// throws (no roads, no boundary).
    std::shared_ptr<const SealContext> seal_context(const View &view) const;

private:
    std::shared_ptr<const UnitBoard> rebase(const DispatchScene &scene, const UnitBoard *old) const;
    mutable std::mutex m_mutex; ///< guards the two pointers (held only to copy or replace them)
    std::shared_ptr<const DispatchScene> m_scene;
    std::shared_ptr<const UnitBoard> m_units;

    struct SealCache {
        std::shared_ptr<const DispatchScene> scene;
        std::uint64_t version = 0;
        std::shared_ptr<const SealContext> context;
    };
    mutable std::mutex m_seal_mutex; ///< one seal context built at a time
    mutable SealCache m_seal;
};

} // namespace lugeo
