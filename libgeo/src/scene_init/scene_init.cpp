// scene init: a commented scene and a GeoPackage of layers from an OSM extract (scene_init.hpp).
#include "geometry/geos.hpp"
#include "layers/osm_roads.hpp"
#include "layers/reading.hpp"
#include "osm/osm_read.hpp"
#include "scene_init/kcenter.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/geometry.hpp>
#include <lugeo/io.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/registry.hpp>
#include <lugeo/scene_init.hpp>

#include <geos_c.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace lugeo {

namespace {

std::string toml_string(const std::string &s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

std::string num(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

/// A path as written in scene.toml: relative to the scene's folder when it can be.
std::string path_from(const fs::path &dir, const std::string &source) {
    if (is_virtual_source(source)) return source;
    std::error_code ec;
    const fs::path rel = fs::relative(fs::absolute(source, ec), fs::absolute(dir, ec), ec);
    // relative when the source is beside the scene or one folder up; absolute otherwise
    if (ec || rel.empty() || rel.generic_string().rfind("../..", 0) == 0)
        return fs::absolute(source).lexically_normal().generic_string();
    return rel.generic_string();
}

/// Metric copy of a lon/lat multipolygon.
MultiPolygon to_metric(const MultiPolygon &mp, const Transformer &tr) {
    MultiPolygon out = mp;
    for (auto &p : out) {
        tr.forward(p.outer);
        for (auto &h : p.holes)
            tr.forward(h);
    }
    return out;
}

MultiPolygon to_lonlat(const MultiPolygon &mp, const Transformer &tr) {
    MultiPolygon out = mp;
    for (auto &p : out) {
        tr.inverse(p.outer);
        for (auto &h : p.holes)
            tr.inverse(h);
    }
    return out;
}

struct Writer {
    VectorWriter w;
    Writer(const std::string &path, bool overwrite)
        : w(path, WriteOptions{.driver = "GPKG",
                               .existing = overwrite ? ExistingOutput::overwrite
                                                     : ExistingOutput::refuse}) {}
};

/// A layer to declare in scene.toml.
struct TomlLayer {
    std::string role = {}, layer = {};
    std::vector<std::pair<std::string, std::string>> fields = {};
    bool synthetic = false;
    bool declared = true;
    std::string comment = {}; ///< lines, each without '#'
    std::string source = {};  ///< empty: the GeoPackage
    std::string where = {};
    std::string scheme = {}; ///< plates: the numbering scheme
};

int auto_kiosks(double car_km) {
    // a handful: one per ~150 km of drivable road, 3 to 12
    return std::clamp(static_cast<int>(std::lround(car_km / 150.0)), 3, 12);
}

} // namespace

SceneInitResult init_scene(const SceneInitOptions &o) {
    const auto t0 = std::chrono::steady_clock::now();
    auto log = [&](const std::string &s) {
        if (o.log) o.log(s);
    };
    if (o.sources.empty())
        throw Error(ErrorCode::invalid_argument, "no source: give an OSM extract or a road layer");
    const fs::path dir = o.dir.empty() ? fs::path(".") : fs::path(o.dir);
    SceneInitResult res;
    res.scene_path = (dir / "scene.toml").string();
    res.gpkg_path = (dir / "layers.gpkg").string();
    for (const std::string &p : {res.scene_path, res.gpkg_path})
        if (fs::exists(p) && !o.overwrite)
            throw Error(ErrorCode::invalid_argument, ErrorContext::of_file(p),
                        p == res.scene_path ? "a scene exists here; it is not overwritten"
                                            : "a layers.gpkg exists here; it is not overwritten");

    std::string osm_path, roads_arg;
    for (const auto &s : o.sources) {
        if (detail::is_osm_source(s)) {
            if (!osm_path.empty())
                throw Error(ErrorCode::invalid_argument, ErrorContext::of_file(s),
                            "one OSM extract per scene (also '" + osm_path +
                                "'); merge them first (osmium merge)");
            osm_path = s;
        } else {
            if (!roads_arg.empty())
                throw Error(ErrorCode::invalid_argument, ErrorContext::of_file(s),
                            "one road layer per scene (also '" + roads_arg + "')");
            roads_arg = s;
        }
    }

    // ---- read the extract ----
    osm::Extract x;
    if (!osm_path.empty()) {
        log("reading " + osm_path);
        osm::ReadWhat what;
        what.roads = roads_arg.empty();
        what.features = what.buildings = what.boundaries = true;
        x = osm::read(osm_path, what, o.progress);
    }

    // ---- roads: the metric CRS from their extent ----
    LayerSpec roads_spec =
        roads_arg.empty() ? LayerSpec{} : layer_spec_from_arg(roads_arg, "roads");
    if (roads_arg.empty()) {
        roads_spec.role = "roads";
        roads_spec.source = osm_path;
    }
    Box ll_box = x.lonlat_box;
    if (!roads_arg.empty() || !ll_box.valid()) {
        log("reading roads " + roads_spec.describe());
        LayerReadContext c0;
        const Roads r0 = read_roads(roads_spec, c0);
        Box b;
        for (const auto &w : r0.ways)
            for (XY p : w.line)
                b.extend(p);
        if (!b.valid())
            throw Error(ErrorCode::invalid_geometry, ErrorContext::of_file(roads_spec.source),
                        "no road lines");
        ll_box = lonlat_extent(b, r0.crs);
    }
    const MetricCrsChoice choice = choose_metric_crs(ll_box);
    res.crs = choice.crs;
    res.crs_reason = choice.reason;
    log("metric CRS " + choice.crs + " (" + choice.name + "): " + choice.reason);

    LayerReadContext ctx;
    ctx.metric_crs = choice.crs;
    ctx.progress = o.progress;
    LayerReport roads_report;
    log("building the road network");
    Roads roads = read_roads(roads_spec, ctx, &roads_report);
    const Network net = build_network(std::move(roads), NetworkOptions{});
    {
        const NetworkSummary s = summarize(net);
        res.road_km = s.total_km;
    }
    const std::uint32_t car_comp = net.largest_component(Profile::car);
    for (std::uint32_t e = 0; e < net.edge_count(); ++e)
        if (net.is_usable(Profile::car, e) && net.edge_component(Profile::car, e) == car_comp)
            res.car_km += net.edge(e).length_m / 1000.0;
    if (res.car_km <= 0)
        throw Error(ErrorCode::invalid_geometry, ErrorContext::of_file(roads_spec.source),
                    "no road a car may use: lugeo's commands need a drivable network");
    const Transformer tr("EPSG:4326", choice.crs);

    fs::create_directories(dir);
    std::vector<TomlLayer> toml_layers;
    Writer gw(res.gpkg_path, o.overwrite);
    auto add_layer = [&](const std::string &name, Geometry::Type type, std::vector<FieldDef> fields,
                         const std::string &description) {
        return gw.w.add_layer(LayerDef{name, type, std::move(fields), "EPSG:4326", description});
    };
    auto report_layer = [&](const std::string &role, std::size_t n, bool declared, bool synthetic,
                            std::string note, const std::string &source = {}) {
        if (osm_path.empty() && n == 0) note = "no OSM extract given";
        SceneInitLayer l;
        l.role = role;
        l.features = n;
        l.declared = declared && n > 0;
        l.synthetic = synthetic;
        l.note = note;
        l.source = source.empty() ? "layers.gpkg (layer " + role + ")" : source;
        res.layers.push_back(l);
    };
    report_layer("roads", net.edge_count(), true, false,
                 num(res.road_km, 1) + " km, " + num(res.car_km, 1) +
                     " km drivable (the largest car component)",
                 path_from(dir, roads_spec.source));

    // ---- car-network node sample (boundary choice) ----
    std::vector<XY> sample;
    {
        const auto &nc = net.node_components(Profile::car);
        std::vector<XY> all;
        for (std::uint32_t n = 0; n < net.node_count(); ++n)
            if (nc[n] == car_comp) all.push_back(net.node(n));
        const std::size_t step = std::max<std::size_t>(1, all.size() / 2000);
        for (std::size_t i = 0; i < all.size(); i += step)
            sample.push_back(all[i]);
    }

    // ---- boundary ----
    MultiPolygon boundary_ll;
    {
        double best_area = INFINITY;
        const osm::Feature *best = nullptr;
        double best_share = 0;
        for (const auto &b : x.boundaries) {
            const MultiPolygon m = to_metric(b.geometry.polygons, tr);
            auto g = geos::make_valid(geos::multi_polygon(m).get());
            auto prep = geos::prepare(g.get());
            std::size_t in = 0;
            for (XY p : sample)
                if (geos::prepared_covers_xy(prep.get(), p)) ++in;
            const double share = sample.empty() ? 0 : double(in) / double(sample.size());
            const double a = geos::area(g.get());
            if (share >= 0.9 && a < best_area) {
                best_area = a;
                best = &b;
                best_share = share;
            }
        }
        if (best) {
            boundary_ll = best->geometry.polygons;
            const std::string name = best->tag("name");
            res.boundary_from = "administrative boundary '" +
                                (name.empty() ? best->osm_id() : name) + "' (admin_level " +
                                best->tag("admin_level") + ", " + best->osm_id() + "; " +
                                num(100 * best_share, 1) + "% of the drivable junctions inside)";
        } else {
            std::vector<XY> pts = net.nodes();
            auto mp = geos::multi_point(pts);
            geos::GeomPtr hull =
                geos::check(GEOSConvexHull_r(geos::ctx(), mp.get()), "convex hull");
            auto buf = geos::buffer(hull.get(), 200.0, 4);
            boundary_ll = to_lonlat(geos::to_multi_polygon(buf.get()), tr);
            res.boundary_from =
                osm_path.empty() ? "the roads' convex hull grown by 200 m"
                : x.boundaries.empty()
                    ? "the roads' convex hull grown by 200 m (the extract has no administrative "
                      "boundary)"
                    : "the roads' convex hull grown by 200 m (none of the extract's " +
                          std::to_string(x.boundaries.size()) +
                          " administrative polygons holds 90% of the drivable junctions)";
        }
        log("study boundary: " + res.boundary_from);
        const auto L = add_layer("boundary", Geometry::Type::polygon,
                                 {{"name", FieldType::string}, {"source", FieldType::string}},
                                 "study boundary: " + res.boundary_from);
        gw.w.add_feature(L, Geometry::of_polygons(boundary_ll),
                         {best ? FieldValue(best->tag("name")) : FieldValue("roads' hull"),
                          best ? FieldValue(best->osm_id()) : FieldValue("convex hull")});
        TomlLayer t{"boundary", "boundary", {{"name", "name"}}, !best, true, {}, {}, {}};
        t.comment = "Study boundary: " + res.boundary_from +
                    ".\nReplace it with the bureau's jurisdiction polygon when you have it.";
        toml_layers.push_back(t);
        report_layer("boundary", 1, true, !best, res.boundary_from);
    }

    // ---- units: police stations, else placeholder kiosks ----
    {
        struct U {
            std::string id, kind, name;
            XY lonlat;
            XY metric;
        };
        std::vector<U> units;
        std::size_t police_off = 0;
        for (const auto &p : x.police) {
            const auto pt = detail::representative_point(p.geometry);
            if (!pt) continue;
            const XY m = tr.forward(*pt);
            if (!net.snap(m)) {
                ++police_off;
                continue;
            }
            units.push_back({"osm:" + p.osm_id(), "station", p.tag("name"), *pt, m});
        }
        // One station is often several OSM elements: the node and the building it stands in,
        // or a compound's buildings each tagged (Nanjing Xuanwu: 5 of 6 within 20 m). Elements
        // within `same_station_m` of each other (single linkage) are one station: the named
        // element stays (a node first), the others are counted in the note. Not merged, they
        // would be co-located units splitting one zone between them.
        constexpr double same_station_m = 50.0;
        const std::size_t elements = units.size();
        {
            std::vector<std::size_t> root(units.size());
            for (std::size_t i = 0; i < root.size(); ++i)
                root[i] = i;
            auto find = [&](std::size_t i) {
                while (root[i] != i)
                    i = root[i] = root[root[i]];
                return i;
            };
            for (std::size_t i = 0; i < units.size(); ++i)
                for (std::size_t j = i + 1; j < units.size(); ++j)
                    if (distance(units[i].metric, units[j].metric) <= same_station_m)
                        root[find(j)] = find(i);
            auto rank = [](const U &u) { // named first, then a node, then the OSM order
                return (u.name.empty() ? 2 : 0) + (u.id.rfind("osm:n", 0) == 0 ? 0 : 1);
            };
            std::vector<std::size_t> keep(units.size(), units.size());
            for (std::size_t i = 0; i < units.size(); ++i) {
                std::size_t &k = keep[find(i)];
                if (k == units.size() || rank(units[i]) < rank(units[k])) k = i;
            }
            std::vector<U> merged;
            for (std::size_t i = 0; i < units.size(); ++i)
                if (keep[find(i)] == i) merged.push_back(units[i]);
            units = std::move(merged);
        }
        bool synthetic = false;
        std::string kind = "station";
        if (!units.empty()) {
            res.units_from = "amenity=police (" + std::to_string(units.size()) + " police";
            if (elements > units.size())
                res.units_from += " from " + std::to_string(elements) +
                                  " OSM elements: those within 50 m of each other are one station";
            res.units_from += police_off
                                  ? ", " + std::to_string(police_off) +
                                        " more over 500 m from the drivable network left out)"
                                  : ")";
        } else {
            synthetic = true;
            kind = "kiosk";
            const int k = o.kiosks > 0 ? o.kiosks : auto_kiosks(res.car_km);
            log("no police station tagged: placing " + std::to_string(k) +
                " placeholder kiosks (farthest-first k-center on car time)");
            const detail::KCenter kc = detail::place_kiosks(net, k);
            res.worst_response_s = kc.worst_s;
            for (std::size_t i = 0; i < kc.sites.size(); ++i) {
                char id[24];
                std::snprintf(id, sizeof id, "K%02zu", i + 1);
                units.push_back({id, "kiosk", "placeholder kiosk " + std::to_string(i + 1),
                                 tr.inverse(kc.sites[i].point), kc.sites[i].point});
            }
            res.units_from = "placeholder kiosks: farthest-first k-center on car time (worst " +
                             num(kc.first_pass_worst_s / 60, 1) + " min), refined to worst " +
                             num(kc.worst_s / 60, 1) + " min";
        }
        res.units = units.size();
        log("units: " + res.units_from);
        const auto L = add_layer("units", Geometry::Type::point,
                                 {{"id", FieldType::string},
                                  {"kind", FieldType::string},
                                  {"name", FieldType::string},
                                  {"synthetic", FieldType::integer}},
                                 synthetic ? "PLACEHOLDER kiosks chosen by lugeo scene init "
                                             "(k-center): replace with the real units"
                                           : "police stations from OSM amenity=police");
        for (const auto &u : units)
            gw.w.add_feature(L, Geometry::of_point(u.lonlat),
                             {u.id, u.kind, u.name, std::int64_t(synthetic ? 1 : 0)});
        TomlLayer t{"units",   "units", {{"id", "id"}, {"kind", "kind"}, {"name", "name"}},
                    synthetic, true,    {},
                    {},        {}};
        t.comment =
            synthetic
                ? "PLACEHOLDER units: the extract tags no police station, so scene init put " +
                      std::to_string(units.size()) +
                      " kiosks on the drivable network (farthest-first k-center, so that "
                      "no place is far from all of them).\nThey are NOT real: replace this "
                      "layer with the bureau's kiosks and stations (fields id, kind, "
                      "name)."
                : "Police stations from OSM (amenity=police), kind \"station\"; [zones] "
                  "below draws patrol zones for them.\nAdd the bureau's kiosks (kind "
                  "\"kiosk\") and set [zones] kiosk_kind = \"kiosk\".";
        toml_layers.push_back(t);
        report_layer("units", units.size(), true, synthetic, res.units_from);
        if (kind == "station") res.notes.push_back("zones are drawn for the police stations");
    }

    // ---- cameras ----
    if (!x.cameras.empty()) {
        const auto L = add_layer("cameras", Geometry::Type::point,
                                 {{"id", FieldType::string},
                                  {"type", FieldType::string},
                                  {"heading", FieldType::real},
                                  {"hfov", FieldType::real},
                                  {"owner", FieldType::string}},
                                 "cameras from OSM man_made=surveillance");
        std::size_t n = 0, indoor = 0, no_dir = 0;
        for (const auto &c : x.cameras) {
            const auto pt = detail::representative_point(c.geometry);
            if (!pt) continue;
            const std::string surv = c.tag("surveillance"), stype = c.tag("surveillance:type");
            if (surv == "indoor" || stype == "guard") {
                ++indoor;
                continue;
            }
            std::string ctype = c.tag("camera:type");
            std::string type = stype == "ALPR" || stype == "alpr" ? "checkpoint"
                               : ctype == "panning"               ? "ptz"
                               : ctype.empty()                    ? "camera"
                                                                  : ctype;
            auto dir = osm::parse_direction(c.tag("camera:direction"));
            if (!dir) dir = osm::parse_direction(c.tag("direction"));
            FieldValue heading, hfov;
            if (dir)
                heading = *dir;
            else
                ++no_dir;
            char *end = nullptr;
            const std::string angle = c.tag("camera:angle");
            const double a = std::strtod(angle.c_str(), &end);
            if (!angle.empty() && end && *end == '\0' && a > 0 && a <= 360) hfov = a;
            std::string owner = c.tag("operator");
            if (owner.empty()) owner = surv;
            gw.w.add_feature(L, Geometry::of_point(*pt),
                             {"osm:" + c.osm_id(), type, heading, hfov, owner});
            ++n;
        }
        TomlLayer t{"cameras",
                    "cameras",
                    {{"id", "id"},
                     {"type", "type"},
                     {"heading", "heading"},
                     {"hfov", "hfov"},
                     {"owner", "owner"}},
                    false,
                    n > 0,
                    {},
                    {},
                    {}};
        t.comment = "Cameras from OSM (man_made=surveillance): heading from camera:direction or "
                    "direction (degrees or N, NE, ESE …),\nangle from camera:angle; no direction: "
                    "seen all around. Ranges are [cameras] default_range_m (OSM has none).";
        toml_layers.push_back(t);
        report_layer("cameras", n, true, false,
                     std::to_string(no_dir) + " without a direction, " + std::to_string(indoor) +
                         " indoor or guards left out");
    } else {
        report_layer("cameras", 0, false, false, "no man_made=surveillance in the extract");
    }

    // ---- plates: lamps and poles with their ref, under the scheme their refs show ----
    std::set<std::string> plate_ids; // an ID in both layers would be an error: first one wins
    for (const auto &[role, kind, feats, tag] :
         {std::tuple<std::string, std::string, const std::vector<osm::Feature> *, std::string>{
              "poles", "pole", &x.poles, "power=pole"},
          {"lamps", "lamp", &x.lamps, "highway=street_lamp"}}) {
        std::vector<const osm::Feature *> with_ref;
        std::vector<std::string> refs;
        for (const auto &f : *feats)
            if (!f.tag("ref").empty()) {
                with_ref.push_back(&f);
                refs.push_back(f.tag("ref"));
            }
        if (with_ref.empty()) {
            report_layer(role, 0, false, false,
                         std::to_string(feats->size()) + " " + tag +
                             " in the extract, none with a ref");
            continue;
        }
        const InferredScheme inf = infer_plate_scheme(refs, kind);
        std::vector<bool> misfit(refs.size(), inf.scheme.types.empty());
        for (std::size_t i : inf.misfits)
            misfit[i] = true;
        std::size_t written = 0, repeated = 0;
        const auto L = add_layer(role, Geometry::Type::point,
                                 {{"id", FieldType::string}, {"osm_id", FieldType::string}},
                                 tag + " with their ref (OSM)");
        for (std::size_t i = 0; i < with_ref.size(); ++i) {
            if (misfit[i]) continue;
            if (!plate_ids.insert(refs[i]).second) {
                ++repeated;
                continue;
            }
            gw.w.add_feature(L, with_ref[i]->geometry, {refs[i], with_ref[i]->osm_id()});
            ++written;
        }
        // a scheme is worth declaring when most refs share it (and at least 3)
        const bool fits = written >= 3 && 2 * inf.fitted >= refs.size();
        TomlLayer t{role, role, {{"id", "id"}}, false, fits, {}, {}, {}};
        if (fits) t.scheme = inf.text;
        std::string note =
            std::to_string(refs.size()) + " of " + std::to_string(feats->size()) + " " + tag +
            " have a ref; " + std::to_string(written) + " written" +
            (inf.text.empty() ? "" : " under the scheme " + inf.text + " their refs show");
        if (!inf.misfits.empty())
            note += ", " + std::to_string(inf.misfits.size()) + " refs that fit it not left out";
        if (repeated) note += ", " + std::to_string(repeated) + " repeated refs left out";
        t.comment = fits ? "Plates: " + note +
                               ".\nThe scheme was inferred from the refs: check it "
                               "(docs/plate-ids.md), or point the layer at the bureau's registry."
                         : "Plates: " + note +
                               ".\nCommented out: too few refs share a numbering scheme for "
                               "the plate commands. Point the layer at the bureau's registry.";
        toml_layers.push_back(t);
        report_layer(role, written, fits, false, note);
    }

    // ---- buildings ----
    if (!x.buildings.empty()) {
        const auto L = add_layer("buildings", Geometry::Type::polygon,
                                 {{"osm_id", FieldType::string},
                                  {"building", FieldType::string},
                                  {"levels", FieldType::string}},
                                 "building footprints (OSM building=*)");
        for (const auto &b : x.buildings)
            gw.w.add_feature(L, b.geometry,
                             {b.osm_id(), b.tag("building"), b.tag("building:levels")});
        TomlLayer t{"buildings",
                    "buildings",
                    {{"id", "osm_id"}, {"building", "building"}, {"levels", "levels"}},
                    false,
                    true,
                    {},
                    {},
                    {}};
        t.comment = "Building footprints from OSM: the camera model's occluders.";
        toml_layers.push_back(t);
        report_layer("buildings", x.buildings.size(), true, false, "");
    } else {
        report_layer("buildings", 0, false, false, "no building=* in the extract");
    }

    // ---- key sites ----
    if (!x.key_sites.empty()) {
        const auto L = add_layer("key_sites", Geometry::Type::point,
                                 {{"osm_id", FieldType::string},
                                  {"kind", FieldType::string},
                                  {"name", FieldType::string}},
                                 "key sites from OSM (schools, hospitals, banks, police, stations, "
                                 "fuel, hazardous stores)");
        std::map<std::string, std::size_t> by_kind;
        std::size_t n = 0;
        for (const auto &s : x.key_sites) {
            const auto pt = detail::representative_point(s.geometry);
            if (!pt) continue;
            const std::string kind = osm::key_site_kind(s);
            ++by_kind[kind];
            gw.w.add_feature(L, Geometry::of_point(*pt), {s.osm_id(), kind, s.tag("name")});
            ++n;
        }
        std::string kinds;
        for (const auto &[k, c] : by_kind)
            kinds += (kinds.empty() ? "" : ", ") + k + " " + std::to_string(c);
        TomlLayer t{
            "key_sites", "key_sites", {{"id", "osm_id"}, {"kind", "kind"}, {"name", "name"}},
            false,       true,        {},
            {},          {}};
        t.comment = "Key sites from OSM: " + kinds + ".";
        toml_layers.push_back(t);
        report_layer("key_sites", n, true, false, kinds);
    } else {
        report_layer("key_sites", 0, false, false, "none tagged in the extract");
    }
    gw.w.commit();

    // ---- scene.toml ----
    const bool units_synthetic =
        std::any_of(res.layers.begin(), res.layers.end(),
                    [](const SceneInitLayer &l) { return l.role == "units" && l.synthetic; });
    std::ostringstream f;
    const std::string file_name =
        fs::path(osm_path.empty() ? roads_spec.source : osm_path).filename().string();
    const std::string name = file_name.substr(0, file_name.find('.'));
    f << "# lugeo scene written by `lugeo scene init` from " << file_name << ".\n"
      << "# Edit it: every layer below says where it came from and what to replace. Paths are\n"
      << "# relative to this file. `lugeo scene check` says what each command can use.\n"
      << "# docs/scene.md lists every key; docs/new-city.md walks a new city through.\n\n"
      << "[scene]\n"
      << "name = " << toml_string(name) << "\n"
      << "# " << choice.name << ": " << choice.reason << "\n"
      << "crs = " << toml_string(choice.crs) << "\n"
      << "attribution = "
      << toml_string((osm_path.empty() ? "roads: " + file_name
                                       : std::string("© OpenStreetMap contributors (ODbL)")) +
                     (units_synthetic ? "; units are PLACEHOLDERS (synthetic)" : ""))
      << "\n\n";
    f << "# Roads: " << num(res.road_km, 1) << " km, " << num(res.car_km, 1)
      << " km of it drivable (largest car component), read from the source as it is.\n"
      << "# Narrow it with where = \"highway IN ('primary', …)\" (OGR SQL) if you need to.\n"
      << "[layers.roads]\n"
      << "source = " << toml_string(path_from(dir, roads_spec.source)) << "\n";
    if (!roads_spec.layer.empty()) f << "layer = " << toml_string(roads_spec.layer) << "\n";
    f << "\n";
    for (const auto &t : toml_layers) {
        std::istringstream lines(t.comment);
        for (std::string line; std::getline(lines, line);)
            f << "# " << line << "\n";
        const std::string p = t.declared ? "" : "# ";
        f << p << "[layers." << t.role << "]\n"
          << p << "source = \"layers.gpkg\"\n"
          << p << "layer = " << toml_string(t.layer) << "\n";
        if (t.synthetic) f << p << "synthetic = true\n";
        if (!t.scheme.empty()) f << p << "scheme = " << toml_string(t.scheme) << "\n";
        f << p << "[layers." << t.role << ".fields]\n";
        for (const auto &[k, v] : t.fields)
            f << p << k << " = " << toml_string(v) << "\n";
        f << "\n";
    }
    const bool stations = std::any_of(res.layers.begin(), res.layers.end(), [](const auto &l) {
        return l.role == "units" && !l.synthetic;
    });
    if (stations)
        f << "# Patrol zones are drawn for the units of this kind.\n[zones]\nkiosk_kind = "
             "\"station\"\n";
    {
        const std::string tmp = res.scene_path + ".tmp";
        std::ofstream out(tmp);
        out << f.str();
        out.close();
        if (!out) throw Error(ErrorCode::io, ErrorContext::of_file(res.scene_path), "cannot write");
        fs::rename(tmp, res.scene_path);
    }
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return res;
}

} // namespace lugeo
