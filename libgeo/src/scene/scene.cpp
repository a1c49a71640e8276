// The scene config: a TOML file naming one city's layers and settings.
#include "scene/settings_reader.hpp"

#include <lugeo/crs.hpp>
#include <lugeo/error.hpp>
#include <lugeo/scene.hpp>

#include "config_paths.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace lugeo {

const LayerSpec &Scene::layer(LayerRole role) const {
    auto it = layers.find(role);
    if (it == layers.end()) {
        const std::string r = layer_role_name(role);
        throw Error(ErrorCode::invalid_config, ErrorContext::of_parameter("layers." + r, path),
                    "the scene has no '" + r + "' layer; declare it as [layers." + r +
                        "] with a source");
    }
    return it->second;
}

namespace {

using detail::toml_context;

std::string string_key(const std::string &file, const toml::table &t, const std::string &key,
                       const std::string &table) {
    const toml::node *n = t.get(key);
    if (!n) return {};
    if (!n->is_string())
        throw Error(ErrorCode::invalid_config, toml_context(file, *n, table + "." + key),
                    "expected a string");
    return n->as_string()->get();
}

/// A CRS definition PROJ knows; the error names the key.
void check_crs(const std::string &definition, const ErrorContext &where) {
    try {
        validate_crs(definition);
    } catch (const Error &e) {
        ErrorContext c = where;
        c.value = definition;
        throw Error(e.code(), c, e.message());
    }
}

void check_metric(const std::string &definition, const ErrorContext &where) {
    check_crs(definition, where);
    if (!is_projected_crs(definition)) {
        ErrorContext c = where;
        c.value = definition;
        throw Error(ErrorCode::crs, c,
                    "not a projected (metric) CRS; lugeo measures in metres (e.g. a UTM zone, "
                    "or CGCS2000 / 3-degree Gauss-Kruger in China)");
    }
}

std::string list_of_roles() {
    std::string list;
    for (LayerRole r : all_layer_roles())
        list += (list.empty() ? "" : ", ") + std::string(layer_role_name(r));
    return list;
}

LayerSpec read_layer_table(const std::string &path, const fs::path &base, LayerRole role,
                           const toml::node &v) {
    const std::string r = layer_role_name(role);
    const std::string table = "layers." + r;
    const toml::table *t = v.as_table();
    if (!t)
        throw Error(ErrorCode::invalid_config, toml_context(path, v, table), "expected a table");
    LayerSpec spec;
    spec.role = r;
    spec.origin = "'" + path + "' [" + table + "]";
    const auto &known = layer_fields(role);
    for (auto &&[lk, lv] : *t) {
        const std::string key(lk.str());
        if (key == "fields") {
            const toml::table *ft = lv.as_table();
            if (!ft)
                throw Error(ErrorCode::invalid_config, toml_context(path, lv, table + ".fields"),
                            "expected a table");
            for (auto &&[fk, fv] : *ft) {
                const std::string field(fk.str());
                const std::string full = table + ".fields." + field;
                const bool ok = field == "x" || field == "y" ||
                                std::any_of(known.begin(), known.end(),
                                            [&](const auto &f) { return f.name == field; });
                if (!ok) {
                    std::string list;
                    for (const auto &f : known)
                        list += (list.empty() ? "" : ", ") + f.name;
                    throw Error(ErrorCode::invalid_config, toml_context(path, fv, full),
                                "'" + field + "' is not a lugeo field of the " + r +
                                    " layer; its fields are: " + list + (list.empty() ? "" : ", ") +
                                    "x, y");
                }
                if (!fv.is_string())
                    throw Error(ErrorCode::invalid_config, toml_context(path, fv, full),
                                "expected the source field's name as a string");
                spec.fields[field] = fv.as_string()->get();
            }
        } else if (key == "synthetic") {
            if (!lv.is_boolean())
                throw Error(ErrorCode::invalid_config, toml_context(path, lv, table + ".synthetic"),
                            "expected true or false");
            spec.synthetic = lv.as_boolean()->get();
        } else if (key == "scheme" && (r == "poles" || r == "lamps")) {
            if (!lv.is_string())
                throw Error(ErrorCode::invalid_config, toml_context(path, lv, table + ".scheme"),
                            "expected the plate numbering scheme as a string, e.g. \"DG-#####\" "
                            "(docs/plate-ids.md)");
            spec.scheme = lv.as_string()->get();
        } else if (key != "source" && key != "layer" && key != "crs" && key != "where") {
            detail::unknown_key(path, lv, table, key, "layers.<role>");
        }
    }
    spec.source = string_key(path, *t, "source", table);
    spec.layer = string_key(path, *t, "layer", table);
    spec.crs = string_key(path, *t, "crs", table);
    spec.where = string_key(path, *t, "where", table);
    if (spec.source.empty())
        throw Error(ErrorCode::invalid_config, toml_context(path, v, table + ".source"),
                    "source is missing: give the layer's file (or PG:… connection)");
    if (!is_virtual_source(spec.source)) {
        fs::path src(spec.source);
        if (src.is_relative()) src = base / src;
        spec.source = src.lexically_normal().string();
        if (!fs::exists(spec.source))
            throw Error(ErrorCode::io, toml_context(path, *t->get("source"), table + ".source"),
                        "source '" + spec.source + "' does not exist");
    }
    if (!spec.crs.empty()) check_crs(spec.crs, toml_context(path, *t->get("crs"), table + ".crs"));
    return spec;
}

} // namespace

Scene load_scene(const std::string &path) {
    if (!fs::exists(path))
        throw Error(ErrorCode::io, ErrorContext::of_file(path), "the scene file does not exist");
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error &e) {
        ErrorContext c = ErrorContext::of_file(path);
        c.line = static_cast<int>(e.source().begin.line);
        throw Error(ErrorCode::invalid_config, c,
                    "not valid TOML: " + std::string(e.description()));
    }
    Scene scene;
    scene.path = path;
    const fs::path base = fs::path(path).parent_path();
    const auto &tables = detail::known_tables();
    for (auto &&[k, v] : root) {
        const std::string key(k.str());
        if (std::find(tables.begin(), tables.end(), key) == tables.end()) {
            std::string list;
            for (const auto &t : tables)
                list += (list.empty() ? "" : ", ") + t;
            throw Error(ErrorCode::invalid_config, toml_context(path, v, key),
                        "unknown table [" + key + "]; the known tables are " + list +
                            " (docs/scene.md lists every key)");
        }
        if (!v.is_table())
            throw Error(ErrorCode::invalid_config, toml_context(path, v, key),
                        "top-level keys must be tables ([" + key + "])");
    }
    if (const toml::table *s = root["scene"].as_table()) {
        for (auto &&[k, v] : *s) {
            const std::string key(k.str());
            if (key != "name" && key != "crs" && key != "attribution")
                detail::unknown_key(path, v, "scene", key);
        }
        scene.name = string_key(path, *s, "name", "scene");
        scene.crs = string_key(path, *s, "crs", "scene");
        scene.attribution = string_key(path, *s, "attribution", "scene");
    }
    if (scene.crs.empty())
        throw Error(ErrorCode::invalid_config, ErrorContext::of_parameter("scene.crs", path),
                    "[scene] crs is missing; set the scene's metric CRS, e.g. crs = "
                    "\"EPSG:4543\" (CGCS2000 / 3-degree GK CM 102E)");
    {
        const toml::node *n = root["scene"].as_table()->get("crs");
        check_metric(scene.crs, toml_context(path, *n, "scene.crs"));
    }

    if (const toml::table *layers = root["layers"].as_table()) {
        for (auto &&[k, v] : *layers) {
            const std::string name(k.str());
            const auto role = layer_role_from_name(name);
            if (!role)
                throw Error(ErrorCode::invalid_config, toml_context(path, v, "layers." + name),
                            "unknown layer '" + name + "'; known layers: " + list_of_roles());
            scene.layers[*role] = read_layer_table(path, base, *role, v);
        }
    }
    detail::read_settings(root, path, scene.settings);
    scene.settings.network.metric_crs = scene.crs;
    return scene;
}

std::string default_scene_path() {
    if (const char *env = std::getenv("LUGEO_DEMO_SCENE"); env && *env) {
        if (!fs::exists(env))
            throw Error(ErrorCode::io, ErrorContext::of_file(env),
                        "LUGEO_DEMO_SCENE names a file that does not exist");
        return env;
    }
    for (const char *dir : {LUGEO_SOURCE_DATA_DIR, LUGEO_INSTALL_DATA_DIR}) {
        fs::path p = fs::path(dir) / "demo" / "scene.toml";
        if (fs::exists(p)) return p.string();
    }
    throw Error(ErrorCode::io, ErrorContext::of_parameter("scene"),
                std::string("the demo scene was not found (looked in ") + LUGEO_SOURCE_DATA_DIR +
                    "/demo and " + LUGEO_INSTALL_DATA_DIR + "/demo); give a scene file");
}

Scene scene_from_roads(const std::string &roads, const std::string &roads_crs,
                       const std::string &metric_crs) {
    Scene scene;
    scene.name = roads;
    LayerSpec spec = layer_spec_from_arg(roads, "roads");
    if (!roads_crs.empty()) {
        check_crs(roads_crs, ErrorContext::of_parameter("layers.roads.crs"));
        spec.crs = roads_crs;
    }
    if (!metric_crs.empty()) check_metric(metric_crs, ErrorContext::of_parameter("scene.crs"));
    scene.crs = metric_crs;
    scene.settings.network.metric_crs = metric_crs;
    scene.layers[LayerRole::roads] = spec;
    return scene;
}

} // namespace lugeo
