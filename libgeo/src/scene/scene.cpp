// The scene config: a TOML file naming one city's layers and settings.
#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/scene.hpp>

#include "config_paths.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace lugeo {

const std::vector<std::string> &scene_layer_roles() {
    static const std::vector<std::string> roles = {
        "roads",     "poles",    "lamps",     "cameras", "units", "buildings",
        "key_sites", "boundary", "incidents", "grids",   "zones"};
    return roles;
}

const LayerSpec &Scene::layer(const std::string &role) const {
    auto it = layers.find(role);
    if (it == layers.end())
        throw Error(ErrorCode::invalid_config,
                    "the scene " + (path.empty() ? std::string("given") : "'" + path + "'") +
                        " has no '" + role + "' layer; declare it as [layers." + role +
                        "] with a source");
    return it->second;
}

std::optional<std::string> Scene::setting(const std::string &dotted_key) const {
    auto it = settings.find(dotted_key);
    if (it == settings.end()) return std::nullopt;
    return it->second;
}

namespace {

std::string node_to_string(const toml::node &n) {
    if (auto s = n.as_string()) return s->get();
    if (auto i = n.as_integer()) return std::to_string(i->get());
    if (auto f = n.as_floating_point()) {
        std::ostringstream os;
        os << f->get();
        return os.str();
    }
    if (auto b = n.as_boolean()) return b->get() ? "true" : "false";
    if (auto a = n.as_array()) {
        std::string out;
        for (std::size_t i = 0; i < a->size(); ++i)
            out += (i ? "," : "") + node_to_string(*a->get(i));
        return out;
    }
    return n.is_table() ? "(a table)" : "(a date or time)";
}

void flatten(const toml::table &t, const std::string &prefix,
             std::map<std::string, std::string> &out) {
    for (auto &&[k, v] : t) {
        const std::string key =
            prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        if (auto sub = v.as_table())
            flatten(*sub, key, out);
        else
            out[key] = node_to_string(v);
    }
}

std::string where_of(const std::string &file, const toml::node &n, const std::string &key) {
    std::string s = "'" + file + "'";
    const auto &src = n.source();
    if (src.begin.line) s += " line " + std::to_string(src.begin.line);
    return s + " (" + key + ")";
}

std::string require_string(const std::string &file, const toml::table &t, const std::string &key,
                           const std::string &path) {
    const toml::node *n = t.get(key);
    if (!n) return {};
    if (!n->is_string())
        throw Error(ErrorCode::invalid_config, where_of(file, *n, path + "." + key) +
                                                   ": expected a string, got " +
                                                   node_to_string(*n));
    return n->as_string()->get();
}

} // namespace

Scene load_scene(const std::string &path) {
    if (!fs::exists(path)) throw Error(ErrorCode::io, "scene file '" + path + "' does not exist");
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error &e) {
        throw Error(ErrorCode::invalid_config,
                    "'" + path + "' line " + std::to_string(e.source().begin.line) +
                        ": not valid TOML: " + std::string(e.description()));
    }
    Scene scene;
    scene.path = path;
    const fs::path base = fs::path(path).parent_path();

    for (auto &&[k, v] : root) {
        const std::string key(k.str());
        if (!v.is_table())
            throw Error(ErrorCode::invalid_config,
                        where_of(path, v, key) + ": top-level keys must be tables");
    }
    if (const toml::table *s = root["scene"].as_table()) {
        for (auto &&[k, v] : *s) {
            const std::string key(k.str());
            if (key != "name" && key != "crs" && key != "attribution")
                throw Error(ErrorCode::invalid_config,
                            where_of(path, v, "scene." + key) +
                                ": unknown key; [scene] takes name, crs, attribution");
        }
        scene.name = require_string(path, *s, "name", "scene");
        scene.crs = require_string(path, *s, "crs", "scene");
        scene.attribution = require_string(path, *s, "attribution", "scene");
    }
    if (scene.crs.empty())
        throw Error(ErrorCode::invalid_config,
                    "'" + path +
                        "': [scene] crs is missing; set the scene's metric CRS, "
                        "e.g. crs = \"EPSG:4543\" (CGCS2000 / 3-degree GK CM 102E)");
    validate_crs(scene.crs, "'" + path + "' [scene] crs");
    if (!is_projected_crs(scene.crs))
        throw Error(ErrorCode::crs,
                    "'" + path + "' [scene] crs = \"" + scene.crs +
                        "\" is not a projected (metric) CRS; lugeo measures in metres");
    scene.network.metric_crs = scene.crs;

    const auto &roles = scene_layer_roles();
    if (const toml::table *layers = root["layers"].as_table()) {
        for (auto &&[k, v] : *layers) {
            const std::string role(k.str());
            const std::string ctx = "layers." + role;
            if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
                std::string list;
                for (const auto &r : roles)
                    list += (list.empty() ? "" : ", ") + r;
                throw Error(ErrorCode::invalid_config, where_of(path, v, ctx) +
                                                           ": unknown layer '" + role +
                                                           "'; known layers: " + list);
            }
            const toml::table *t = v.as_table();
            if (!t)
                throw Error(ErrorCode::invalid_config,
                            where_of(path, v, ctx) + ": expected a table");
            LayerSpec spec;
            spec.role = role;
            spec.origin = "'" + path + "' [" + ctx + "]";
            for (auto &&[lk, lv] : *t) {
                const std::string key(lk.str());
                if (key == "fields") {
                    const toml::table *ft = lv.as_table();
                    if (!ft)
                        throw Error(ErrorCode::invalid_config,
                                    where_of(path, lv, ctx + ".fields") + ": expected a table");
                    for (auto &&[fk, fv] : *ft) {
                        if (!fv.is_string())
                            throw Error(
                                ErrorCode::invalid_config,
                                where_of(path, fv, ctx + ".fields." + std::string(fk.str())) +
                                    ": expected the source field's name as a string");
                        spec.fields[std::string(fk.str())] = fv.as_string()->get();
                    }
                } else if (key == "synthetic") {
                    if (!lv.is_boolean())
                        throw Error(ErrorCode::invalid_config,
                                    where_of(path, lv, ctx + ".synthetic") +
                                        ": expected true or false");
                    spec.synthetic = lv.as_boolean()->get();
                } else if (key != "source" && key != "layer" && key != "crs" && key != "where") {
                    throw Error(ErrorCode::invalid_config,
                                where_of(path, lv, ctx + "." + key) +
                                    ": unknown key; a layer takes source, layer, crs, where, "
                                    "synthetic and a fields table");
                }
            }
            spec.source = require_string(path, *t, "source", ctx);
            spec.layer = require_string(path, *t, "layer", ctx);
            spec.crs = require_string(path, *t, "crs", ctx);
            spec.where = require_string(path, *t, "where", ctx);
            if (spec.source.empty())
                throw Error(ErrorCode::invalid_config,
                            "'" + path + "' [" + ctx + "]: source is missing");
            const bool is_db =
                spec.source.rfind("PG:", 0) == 0 || spec.source.rfind("/vsi", 0) == 0;
            if (!is_db) {
                fs::path src(spec.source);
                if (src.is_relative()) src = base / src;
                spec.source = src.lexically_normal().string();
                if (!fs::exists(spec.source))
                    throw Error(ErrorCode::io, "'" + path + "' [" + ctx + "] source '" +
                                                   spec.source + "' does not exist");
            }
            if (!spec.crs.empty()) validate_crs(spec.crs, "'" + path + "' [" + ctx + "] crs");
            scene.layers[role] = std::move(spec);
        }
    }

    if (const toml::table *profiles = root["profiles"].as_table()) {
        for (auto &&[k, v] : *profiles) {
            const std::string name(k.str());
            const std::string ctx = "profiles." + name;
            auto prof = profile_from_name(name);
            if (!prof)
                throw Error(ErrorCode::invalid_config,
                            where_of(path, v, ctx) + ": unknown profile; use walk, ebike or car");
            const toml::table *t = v.as_table();
            if (!t)
                throw Error(ErrorCode::invalid_config,
                            where_of(path, v, ctx) + ": expected a table");
            ProfileSpeeds &ps = scene.network.profiles[static_cast<std::size_t>(*prof)];
            for (auto &&[pk, pv] : *t) {
                const std::string key(pk.str());
                if (key == "speeds") {
                    const toml::table *st = pv.as_table();
                    if (!st)
                        throw Error(ErrorCode::invalid_config,
                                    where_of(path, pv, ctx + ".speeds") + ": expected a table");
                    for (auto &&[ck, cv] : *st) {
                        auto val = cv.value<double>();
                        if (!val || *val < 0 || *val > 300)
                            throw Error(
                                ErrorCode::invalid_config,
                                where_of(path, cv, ctx + ".speeds." + std::string(ck.str())) +
                                    ": expected a speed in km/h between 0 and 300, got " +
                                    node_to_string(cv));
                        ps.kmh[std::string(ck.str())] = *val;
                    }
                } else if (key == "other_kmh") {
                    auto val = pv.value<double>();
                    if (!val || *val < 0 || *val > 300)
                        throw Error(ErrorCode::invalid_config,
                                    where_of(path, pv, ctx + ".other_kmh") +
                                        ": expected km/h in [0, 300]");
                    ps.other_kmh = *val;
                } else if (key == "obey_oneway" || key == "cap_by_maxspeed") {
                    if (!pv.is_boolean())
                        throw Error(ErrorCode::invalid_config, where_of(path, pv, ctx + "." + key) +
                                                                   ": expected true or false");
                    (key == "obey_oneway" ? ps.obey_oneway : ps.cap_by_maxspeed) =
                        pv.as_boolean()->get();
                } else {
                    throw Error(ErrorCode::invalid_config,
                                where_of(path, pv, ctx + "." + key) +
                                    ": unknown key; a profile takes speeds, other_kmh, "
                                    "obey_oneway, cap_by_maxspeed");
                }
            }
        }
    }
    if (const toml::table *nt = root["network"].as_table()) {
        // One-way values of the roads layer's oneway field, for sources that are not OSM
        // (e.g. Geofabrik shapefiles: oneway_forward = ["F"], oneway_backward = ["T"]).
        for (auto &&[k, v] : *nt) {
            const std::string key(k.str());
            std::vector<std::string> *dst = key == "oneway_forward" ? &scene.network.oneway_forward
                                            : key == "oneway_backward"
                                                ? &scene.network.oneway_backward
                                            : key == "oneway_closed" ? &scene.network.oneway_closed
                                                                     : nullptr;
            if (!dst)
                throw Error(ErrorCode::invalid_config,
                            where_of(path, v, "network." + key) +
                                ": unknown key; [network] takes oneway_forward, "
                                "oneway_backward, oneway_closed");
            const toml::array *arr = v.as_array();
            if (!arr)
                throw Error(ErrorCode::invalid_config,
                            where_of(path, v, "network." + key) + ": expected a list of strings");
            dst->clear();
            for (const auto &item : *arr) {
                if (!item.is_string())
                    throw Error(ErrorCode::invalid_config,
                                where_of(path, item, "network." + key) + ": expected strings");
                std::string val = item.as_string()->get();
                for (auto &c : val)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                dst->push_back(val);
            }
        }
    }
    for (auto &&[k, v] : root) {
        const std::string key(k.str());
        if (key == "scene" || key == "layers" || key == "profiles" || key == "network") continue;
        flatten(*v.as_table(), key, scene.settings);
    }
    return scene;
}

std::string default_scene_path() {
    if (const char *env = std::getenv("LUGEO_DEMO_SCENE"); env && *env) {
        if (!fs::exists(env))
            throw Error(ErrorCode::io,
                        "LUGEO_DEMO_SCENE='" + std::string(env) + "' does not exist");
        return env;
    }
    for (const char *dir : {LUGEO_SOURCE_DATA_DIR, LUGEO_INSTALL_DATA_DIR}) {
        fs::path p = fs::path(dir) / "demo" / "scene.toml";
        if (fs::exists(p)) return p.string();
    }
    throw Error(ErrorCode::io, std::string("the demo scene was not found (looked in ") +
                                   LUGEO_SOURCE_DATA_DIR + "/demo and " + LUGEO_INSTALL_DATA_DIR +
                                   "/demo); pass --scene FILE");
}

Scene scene_from_roads(const std::string &roads_arg, const std::string &crs_override,
                       const std::string &metric_crs) {
    Scene scene;
    scene.name = roads_arg;
    LayerSpec spec = layer_spec_from_arg(roads_arg, "roads");
    if (!crs_override.empty()) {
        validate_crs(crs_override, "--roads-crs");
        spec.crs = crs_override;
    }
    if (!metric_crs.empty()) {
        validate_crs(metric_crs, "--crs");
        if (!is_projected_crs(metric_crs))
            throw Error(ErrorCode::crs, "--crs " + metric_crs + " is not a projected (metric) CRS");
    }
    scene.crs = metric_crs;
    scene.network.metric_crs = metric_crs;
    scene.layers["roads"] = spec;
    return scene;
}

} // namespace lugeo
