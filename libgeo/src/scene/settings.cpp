// The settings tables of a scene file: every key known, typed and validated here.
#include "scene/settings_reader.hpp"

#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/settings.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace lugeo {

const std::vector<SettingInfo> &known_settings() {
    static const std::vector<SettingInfo> keys = {
        {"scene.name", "string", "the scene's name (reports, titles)"},
        {"scene.crs", "string", "the metric CRS all work happens in (required; projected)"},
        {"scene.attribution", "string", "data attribution shown in reports"},
        {"layers.<role>.source", "string",
         "any GDAL source (path relative to the scene file, PG:…, /vsi…); .gz / .zip read as "
         "they are"},
        {"layers.<role>.layer", "string",
         "layer name (optional when the source has one; OSM: lines)"},
        {"layers.<role>.crs", "string", "overrides (or supplies) the source's CRS"},
        {"layers.<role>.where", "string",
         "OGR SQL attribute filter: only the features it lets through are read and counted"},
        {"layers.<role>.synthetic", "boolean", "labels the layer synthetic in reports"},
        {"layers.<role>.fields.<field>", "string",
         "the source field of a lugeo field (default: the same name); a mapped field must exist"},
        {"profiles.<profile>.speeds.<class>", "number",
         "km/h of a road class for walk, ebike or car (0: may not use), 0–300"},
        {"profiles.<profile>.other_kmh", "number", "km/h of classes not listed (0: may not use)"},
        {"profiles.<profile>.obey_oneway", "boolean", "the profile keeps to one-way rules"},
        {"profiles.<profile>.cap_by_maxspeed", "boolean",
         "a tagged maxspeed lowers the class speed"},
        {"network.directed", "\"auto\" or boolean",
         "the roads layer has one feature per direction of travel (true), one per road (false), or "
         "detect it (\"auto\", the default)"},
        {"network.oneway_forward", "list of strings",
         "one-way values meaning along the line (default yes, 1, true, -1r)"},
        {"network.oneway_backward", "list of strings",
         "one-way values meaning against the line (default -1, reverse)"},
        {"network.oneway_closed", "list of strings",
         "one-way values closing the road to vehicles (default reversible, alternating)"},
        {"isochrones.minutes", "list of numbers", "thresholds, increasing (default 1, 5, 30)"},
        {"isochrones.profiles", "list of strings",
         "one profile per threshold, or one for all (default ebike, car, car for 1, 5, 30)"},
        {"isochrones.trim_m", "number", "buffer around reached road, metres (default 50)"},
        {"cameras.default_range_m", "number",
         "range of a camera with neither range nor DORI + resolution (default 50)"},
        {"cameras.default_hfov_deg", "number", "angle of a fixed camera without one (default 60)"},
        {"cameras.dori", "string",
         "DORI level for ranges from the resolution: detection, observation (default), "
         "recognition, identification"},
        {"cameras.default_resolution_px", "number",
         "horizontal pixels of cameras without a resolution (default 0: none)"},
        {"zones.kiosk_kind", "string",
         "the units' kind that patrol zones and isochrones start from (default kiosk)"},
        {"site.turnout_s.<kind>", "number",
         "siting: seconds from the call to rolling for units of this kind, 0–3600 (default 0)"},
        {"site.new_kind", "string",
         "siting: the kind of new sites, for their turnout (default kiosk)"},
    };
    return keys;
}

namespace detail {

namespace {

std::string node_text(const toml::node &n) {
    if (auto s = n.as_string()) return "\"" + s->get() + "\"";
    if (auto i = n.as_integer()) return std::to_string(i->get());
    if (auto f = n.as_floating_point()) {
        std::ostringstream os;
        os << f->get();
        return os.str();
    }
    if (auto b = n.as_boolean()) return b->get() ? "true" : "false";
    if (n.is_array()) return "a list";
    return n.is_table() ? "a table" : "a date or time";
}

[[noreturn]] void bad(const std::string &file, const toml::node &n, const std::string &key,
                      const std::string &what) {
    ErrorContext c = toml_context(file, n, key);
    c.value = printable_value(node_text(n));
    throw Error(ErrorCode::invalid_config, c, "expected " + what);
}

double number_in(const std::string &file, const toml::node &n, const std::string &key, double lo,
                 double hi, bool lo_open, const std::string &what) {
    const auto v = n.value<double>();
    if (!v || (!n.is_integer() && !n.is_floating_point()) || *v > hi || *v < lo ||
        (lo_open && *v == lo))
        bad(file, n, key, what);
    return *v;
}

bool boolean(const std::string &file, const toml::node &n, const std::string &key) {
    if (!n.is_boolean()) bad(file, n, key, "true or false");
    return n.as_boolean()->get();
}

std::string string_value(const std::string &file, const toml::node &n, const std::string &key) {
    if (!n.is_string()) bad(file, n, key, "a string");
    return n.as_string()->get();
}

const toml::array &array_of(const std::string &file, const toml::node &n, const std::string &key,
                            const std::string &what) {
    const toml::array *a = n.as_array();
    if (!a) bad(file, n, key, what);
    return *a;
}

const toml::table &table_of(const std::string &file, const toml::node &n, const std::string &key) {
    const toml::table *t = n.as_table();
    if (!t) bad(file, n, key, "a table");
    return *t;
}

std::string lower(std::string s) {
    for (auto &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

void read_profile_settings(const toml::table &profiles, const std::string &file,
                           NetworkOptions &net) {
    for (auto &&[k, v] : profiles) {
        const std::string name(k.str());
        const std::string key = "profiles." + name;
        const auto prof = profile_from_name(name);
        if (!prof) {
            ErrorContext c = toml_context(file, v, key);
            throw Error(ErrorCode::invalid_config, c,
                        "unknown profile '" + name + "'; use walk, ebike or car");
        }
        ProfileSpeeds &ps = net.profiles[static_cast<std::size_t>(*prof)];
        for (auto &&[pk, pv] : table_of(file, v, key)) {
            const std::string sub(pk.str());
            const std::string full = key + "." + sub;
            if (sub == "speeds") {
                for (auto &&[ck, cv] : table_of(file, pv, full))
                    ps.kmh[std::string(ck.str())] =
                        number_in(file, cv, full + "." + std::string(ck.str()), 0, 300, false,
                                  "a speed in km/h between 0 and 300");
            } else if (sub == "other_kmh") {
                ps.other_kmh = number_in(file, pv, full, 0, 300, false, "km/h in [0, 300]");
            } else if (sub == "obey_oneway") {
                ps.obey_oneway = boolean(file, pv, full);
            } else if (sub == "cap_by_maxspeed") {
                ps.cap_by_maxspeed = boolean(file, pv, full);
            } else {
                unknown_key(file, pv, key, sub, "profiles.<profile>");
            }
        }
    }
}

void read_network_settings(const toml::table &t, const std::string &file, NetworkOptions &net) {
    for (auto &&[k, v] : t) {
        const std::string key(k.str());
        const std::string full = "network." + key;
        if (key == "directed") {
            if (v.is_boolean())
                net.layout = v.as_boolean()->get() ? RoadLayout::directed : RoadLayout::undirected;
            else if (v.is_string() && lower(v.as_string()->get()) == "auto")
                net.layout = RoadLayout::detect;
            else
                bad(file, v, full, "\"auto\", true or false");
            continue;
        }
        std::vector<std::string> *dst = key == "oneway_forward"    ? &net.oneway_forward
                                        : key == "oneway_backward" ? &net.oneway_backward
                                        : key == "oneway_closed"   ? &net.oneway_closed
                                                                   : nullptr;
        if (!dst) unknown_key(file, v, "network", key);
        dst->clear();
        for (const auto &item : array_of(file, v, full, "a list of strings"))
            dst->push_back(lower(string_value(file, item, full)));
    }
}

void read_isochrone_settings(const toml::table &t, const std::string &file,
                             IsochroneSettings &iso) {
    const toml::node *profiles_node = nullptr;
    for (auto &&[k, v] : t) {
        const std::string key(k.str());
        const std::string full = "isochrones." + key;
        if (key == "minutes") {
            iso.minutes.clear();
            for (const auto &item : array_of(file, v, full, "a list of minutes")) {
                const double m = number_in(file, item, full, 0, 1e6, true, "positive minutes");
                if (!iso.minutes.empty() && m <= iso.minutes.back())
                    bad(file, item, full, "increasing minutes");
                iso.minutes.push_back(m);
            }
            if (iso.minutes.empty()) bad(file, v, full, "at least one threshold");
        } else if (key == "profiles") {
            profiles_node = &v;
            iso.profiles.clear();
            for (const auto &item : array_of(file, v, full, "a list of profiles")) {
                const std::string name = string_value(file, item, full);
                const auto p = profile_from_name(name);
                if (!p) bad(file, item, full, "walk, ebike or car");
                iso.profiles.push_back(*p);
            }
        } else if (key == "trim_m") {
            iso.trim_m = number_in(file, v, full, 0, 1e5, true, "a positive number of metres");
        } else {
            unknown_key(file, v, "isochrones", key);
        }
    }
    const std::size_t thresholds = iso.minutes.empty() ? 3 : iso.minutes.size();
    if (profiles_node && iso.profiles.size() > 1 && iso.profiles.size() != thresholds)
        bad(file, *profiles_node, "isochrones.profiles",
            "one profile, or one per threshold (" + std::to_string(thresholds) + ")");
}

void read_camera_settings(const toml::table &t, const std::string &file, CameraSettings &cam) {
    for (auto &&[k, v] : t) {
        const std::string key(k.str());
        const std::string full = "cameras." + key;
        if (key == "default_range_m")
            cam.default_range_m = number_in(file, v, full, 0, 1e5, true, "positive metres");
        else if (key == "default_hfov_deg")
            cam.default_hfov_deg =
                number_in(file, v, full, 0, 360, true, "an angle in degrees in (0, 360]");
        else if (key == "default_resolution_px")
            cam.default_resolution_px =
                number_in(file, v, full, 0, 1e6, false, "horizontal pixels (0: none)");
        else if (key == "dori") {
            cam.dori = string_value(file, v, full);
            if (!dori_level_from_name(cam.dori))
                bad(file, v, full, "detection, observation, recognition or identification");
        } else
            unknown_key(file, v, "cameras", key);
    }
}

void read_zone_settings(const toml::table &t, const std::string &file, ZoneSettings &z) {
    for (auto &&[k, v] : t) {
        const std::string key(k.str());
        if (key != "kiosk_kind") unknown_key(file, v, "zones", key);
        z.kiosk_kind = string_value(file, v, "zones." + key);
        if (z.kiosk_kind.empty()) bad(file, v, "zones." + key, "a kind (not empty)");
    }
}

void read_site_settings(const toml::table &t, const std::string &file, SiteSettings &st) {
    for (auto &&[k, v] : t) {
        const std::string key(k.str());
        const std::string full = "site." + key;
        if (key == "turnout_s") {
            for (auto &&[kk, kv] : table_of(file, v, full)) {
                const std::string kind(kk.str());
                st.turnout_s[kind] = number_in(file, kv, full + "." + kind, 0, 3600, false,
                                               "seconds between 0 and 3600");
            }
        } else if (key == "new_kind") {
            st.new_kind = string_value(file, v, full);
            if (st.new_kind.empty()) bad(file, v, full, "a kind (not empty)");
        } else {
            unknown_key(file, v, "site", key);
        }
    }
}

} // namespace

ErrorContext toml_context(const std::string &file, const toml::node &node, const std::string &key) {
    ErrorContext c;
    c.file = file;
    c.line = static_cast<int>(node.source().begin.line);
    c.parameter = key;
    return c;
}

const std::vector<std::string> &known_tables() {
    static const std::vector<std::string> t = {"scene",      "layers",  "profiles", "network",
                                               "isochrones", "cameras", "zones",   "site"};
    return t;
}

std::string known_keys_of(const std::string &table) {
    std::string list;
    const std::string prefix = table + ".";
    for (const auto &s : known_settings()) {
        if (s.key.rfind(prefix, 0) != 0) continue;
        std::string rest = s.key.substr(prefix.size());
        rest = rest.substr(0, rest.find('.'));
        if (list.find(rest) == std::string::npos) list += (list.empty() ? "" : ", ") + rest;
    }
    return list;
}

void unknown_key(const std::string &file, const toml::node &node, const std::string &table,
                 const std::string &key, const std::string &pattern) {
    throw Error(ErrorCode::invalid_config, toml_context(file, node, table + "." + key),
                "unknown key '" + key + "'; [" + table + "] takes " +
                    known_keys_of(pattern.empty() ? table : pattern) +
                    " (docs/scene.md lists every key)");
}

void read_settings(const toml::table &root, const std::string &file, SceneSettings &out) {
    if (const auto *t = root["profiles"].as_table()) read_profile_settings(*t, file, out.network);
    if (const auto *t = root["network"].as_table()) read_network_settings(*t, file, out.network);
    if (const auto *t = root["isochrones"].as_table())
        read_isochrone_settings(*t, file, out.isochrones);
    if (const auto *t = root["cameras"].as_table()) read_camera_settings(*t, file, out.cameras);
    if (const auto *t = root["zones"].as_table()) read_zone_settings(*t, file, out.zones);
    if (const auto *t = root["site"].as_table()) read_site_settings(*t, file, out.site);
}

} // namespace detail

} // namespace lugeo
