// The dispatch scene: loaded once, asked concurrently; live units and reloads by copy-on-write.
#include <lugeo/dispatch.hpp>
#include <lugeo/error.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace lugeo {

namespace {

/// Each thread's transformers, one per metric CRS (a reload may bring another CRS).
const MetricFrame &thread_frame(const std::string &crs) {
    thread_local std::map<std::string, std::unique_ptr<MetricFrame>> frames;
    auto &f = frames[crs];
    if (!f) f = std::make_unique<MetricFrame>(crs);
    return *f;
}

} // namespace

std::string iso8601_utc(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return b;
}

// ------------------------------------------------------------------------------- the scene

DispatchScene::DispatchScene(Scene scene, SceneData data, Registry registry,
                             std::optional<Network> network, Box lonlat_extent)
    : m_scene(std::move(scene)), m_data(std::move(data)), m_registry(std::move(registry)),
      m_network(std::move(network)), m_extent(lonlat_extent),
      m_loaded_at(iso8601_utc(std::time(nullptr))) {
    if (m_network) m_junctions.emplace(*m_network);
    m_incident = incident_context(m_data);
    auto xy = [&](LayerRole role) {
        std::vector<XY> out;
        for (const auto &p : points_of(m_data, role))
            out.push_back(p.position);
        return out;
    };
    m_isochrone_points.key_sites = xy(LayerRole::key_sites);
    m_isochrone_points.cameras = xy(LayerRole::cameras);
    m_isochrone_points.incidents = xy(LayerRole::incidents);
    thread_frame(m_data.crs); // a bad CRS fails here, not in the first question
}

DispatchScene::~DispatchScene() = default;

const MetricFrame &DispatchScene::frame() const {
    return thread_frame(m_data.crs);
}

bool DispatchScene::has_plates() const {
    return m_scene.has_layer(LayerRole::poles) || m_scene.has_layer(LayerRole::lamps);
}

// ------------------------------------------------------------------------------- units

namespace {

void fill_available(UnitBoard &b) {
    b.available.clear();
    for (const auto &u : b.units)
        if (u.status == UnitStatus::available) b.available.push_back(u.unit);
}

} // namespace

Dispatch::Dispatch(std::shared_ptr<const DispatchScene> scene) {
    if (!scene) throw Error(ErrorCode::invalid_argument, "Dispatch: no scene");
    m_units = rebase(*scene, nullptr);
    m_scene = std::move(scene);
}

std::shared_ptr<const UnitBoard> Dispatch::rebase(const DispatchScene &scene,
                                                  const UnitBoard *old) const {
    auto b = std::make_shared<UnitBoard>();
    const MetricFrame &f = scene.frame();
    std::unordered_map<std::string, std::size_t> at;
    for (const Unit &u : scene.data().units) {
        at[u.id] = b->units.size();
        UnitState s;
        s.unit = u;
        s.lonlat = f.to_lonlat(u.position);
        b->units.push_back(std::move(s));
    }
    if (old) {
        for (const UnitState &o : old->units) {
            if (!o.live()) continue; // the scene's own position: the new scene's
            const auto it = at.find(o.unit.id);
            UnitState s = o;
            s.unit.position = f.to_metric(o.lonlat);
            if (it == at.end()) {
                s.in_scene = false;
                b->units.push_back(std::move(s));
            } else {
                UnitState &n = b->units[it->second];
                n.unit.position = s.unit.position;
                n.lonlat = o.lonlat;
                n.status = o.status;
                n.last_seen = o.last_seen;
            }
        }
        b->version = old->version + 1;
    }
    fill_available(*b);
    return b;
}

Dispatch::View Dispatch::view() const {
    std::lock_guard lock(m_mutex);
    return {m_scene, m_units};
}

UnitState Dispatch::report_unit(const std::string &id, LonLat position, UnitStatus status,
                                std::time_t when, const std::string &kind,
                                const std::string &name) {
    if (id.empty()) throw Error(ErrorCode::invalid_argument, "a unit needs an ID");
    if (!(std::abs(position.lon) <= 180.0) || !(std::abs(position.lat) <= 90.0))
        throw Error(ErrorCode::invalid_argument,
                    "unit '" + id +
                        "': position outside [-180, 180] x [-90, 90] (or not a number)");
    std::lock_guard lock(m_mutex);
    const XY p = m_scene->frame().to_metric(position);
    auto b = std::make_shared<UnitBoard>(*m_units);
    auto it = std::find_if(b->units.begin(), b->units.end(),
                           [&](const UnitState &s) { return s.unit.id == id; });
    if (it == b->units.end()) {
        UnitState s;
        s.unit.id = id;
        s.unit.kind = kind.empty() ? "patrol_car" : kind;
        s.unit.name = name.empty() ? id : name;
        s.in_scene = false;
        b->units.push_back(std::move(s));
        it = b->units.end() - 1;
    } else {
        if (!kind.empty()) it->unit.kind = kind;
        if (!name.empty()) it->unit.name = name;
    }
    it->unit.position = p;
    it->lonlat = position;
    it->status = status;
    it->last_seen = when;
    const UnitState out = *it;
    ++b->version;
    fill_available(*b);
    m_units = std::move(b);
    return out;
}

void Dispatch::swap_scene(std::shared_ptr<const DispatchScene> scene) {
    if (!scene) throw Error(ErrorCode::invalid_argument, "Dispatch: no scene");
    std::lock_guard lock(m_mutex);
    m_units = rebase(*scene, m_units.get());
    m_scene = std::move(scene);
}

std::shared_ptr<const SealContext> Dispatch::seal_context(const View &v) const {
    std::lock_guard lock(m_seal_mutex);
    if (m_seal.context && m_seal.scene == v.scene && m_seal.version == v.units->version)
        return m_seal.context;
    const Network *net = v.scene->network();
    if (!net)
        throw Error(ErrorCode::missing_layer, ErrorContext::of_file(v.scene->scene().path),
                    "seal-off needs the scene's roads");
    if (v.scene->data().boundary.empty())
        throw Error(ErrorCode::missing_layer, ErrorContext::of_file(v.scene->scene().path),
                    "the scene has no study boundary ([layers.boundary]): seal-off needs one");
    SealArea area;
    area.boundary = v.scene->data().boundary;
    SealUnitOptions uo =
        seal_unit_options(v.scene->data().settings.seal, v.scene->data().settings.units);
    uo.limit_s = std::max(1800.0, seal_options(v.scene->data().settings.seal).within_s);
    // the context points into the scene's network: it holds the scene alive with it
    struct Held {
        std::shared_ptr<const DispatchScene> scene;
        SealContext context;
    };
    auto held = std::make_shared<const Held>(
        Held{v.scene, SealContext(*net, v.units->available, std::move(area), uo)});
    m_seal = {v.scene, v.units->version, std::shared_ptr<const SealContext>(held, &held->context)};
    return m_seal.context;
}

} // namespace lugeo
