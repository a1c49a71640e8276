// The settings tables of a scene file: every key known, typed and validated here.
#include "scene/settings_reader.hpp"

#include <lugeo/error.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/settings.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
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
        {"units.turnout_s.<kind>", "number",
         "turnout delay (call to rolling) of a unit kind in seconds, 0–3600, for seal-off and "
         "siting (defaults: kiosk 30, patrol_car 15, station 120, community_room 90, "
         "checkpoint 0)"},
        {"units.default_turnout_s", "number",
         "turnout delay of unit kinds not in [units.turnout_s], seconds (default 60)"},
        {"seal.head_start_min", "number", "minutes the suspect left before the report (default 1)"},
        {"seal.margin_s", "number",
         "seconds a unit must be at its block before the suspect can be (default 10)"},
        {"seal.within_min", "number",
         "minutes by which the ring of blocks must be complete (default 5)"},
        {"seal.suspect", "string", "the default suspect profile, a key of [seal.suspects] (car)"},
        {"seal.blocks_per_unit", "number", "blocks one unit may hold (default 1)"},
        {"seal.unit_profile", "string", "how the units travel: car (default), ebike or walk"},
        {"seal.default_turnout_min", "number",
         "deprecated: units.default_turnout_s (read as it, in minutes)"},
        {"seal.turnout_min.<kind>", "number",
         "deprecated: units.turnout_s.<kind> (read as it, in minutes)"},
        {"seal.suspects.<name>.profile", "string", "the network profile: walk, ebike or car"},
        {"seal.suspects.<name>.speed_factor", "number",
         "the suspect's speed / the profile's, 0.1–5 (default 1)"},
        {"seal.suspects.<name>.obey_oneway", "boolean",
         "the suspect keeps to one-way streets (default true)"},
        {"site.turnout_s.<kind>", "number", "deprecated: units.turnout_s.<kind> (read as it)"},
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
    // !(lo <= v <= hi): NaN (TOML's `nan`) is refused too
    if (!v || (!n.is_integer() && !n.is_floating_point()) || !(*v >= lo && *v <= hi) ||
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

void read_suspect(const toml::table &t, const std::string &file, const std::string &key,
                  SuspectProfile &sp) {
    for (auto &&[k, v] : t) {
        const std::string sub(k.str());
        const std::string full = key + "." + sub;
        if (sub == "profile") {
            const auto p = profile_from_name(string_value(file, v, full));
            if (!p) bad(file, v, full, "walk, ebike or car");
            sp.profile = *p;
        } else if (sub == "speed_factor") {
            sp.speed_factor = number_in(file, v, full, 0.1, 5.0, false, "a factor in [0.1, 5]");
        } else if (sub == "obey_oneway") {
            sp.obey_oneway = boolean(file, v, full);
        } else {
            unknown_key(file, v, key, sub, "seal.suspects.<name>");
        }
    }
}

/// The one turnout table ([units]) and the deprecated keys that feed it: a kind set twice to
/// different values is an error naming both keys; each deprecated key read leaves a note.
struct TurnoutReader {
    UnitSettings &units;
    std::vector<std::string> &notes;
    std::map<std::string, std::string> origin; ///< kind ("" for the default) -> "key (line N)"
    std::map<std::string, double> value;

    static std::string where(const std::string &key, const toml::node &n) {
        return key + " (line " + std::to_string(n.source().begin.line) + ")";
    }
    void record(const std::string &file, const toml::node &n, const std::string &key,
                const std::string &kind, double seconds) {
        if (auto it = value.find(kind); it != value.end() && std::fabs(it->second - seconds) > 1e-9)
            throw Error(ErrorCode::invalid_config, toml_context(file, n, key),
                        "this turnout (" + fmt_seconds(seconds) + " s) disagrees with " +
                            origin[kind] + " (" + fmt_seconds(it->second) +
                            " s); one turnout table serves every command now: keep "
                            "[units.turnout_s] and default_turnout_s (seconds) only");
        value[kind] = seconds;
        origin[kind] = where(key, n);
        if (key.rfind("units.", 0) != 0)
            notes.push_back(file + ":" + std::to_string(n.source().begin.line) + ": " + key +
                            " is deprecated; write it as " +
                            (kind.empty() ? std::string("[units] default_turnout_s")
                                          : "[units.turnout_s] " + kind) +
                            " = " + fmt_seconds(seconds) +
                            " (seconds; one table for seal-off and siting)");
    }
    void set(const std::string &file, const toml::node &n, const std::string &key,
             const std::string &kind, double seconds) {
        record(file, n, key, kind, seconds);
        units.turnout_s[kind] = seconds;
    }
    void set_default(const std::string &file, const toml::node &n, const std::string &key,
                     double seconds) {
        record(file, n, key, "", seconds);
        units.default_turnout_s = seconds;
    }
    static std::string fmt_seconds(double s) {
        std::ostringstream os;
        os << s;
        return os.str();
    }
};

// a `turnout_s` table ([units] or the deprecated [site] one): seconds per unit kind
void read_turnout_table(const std::string &file, const toml::node &v, const std::string &full,
                        TurnoutReader &tr) {
    for (auto &&[kk, kv] : table_of(file, v, full)) {
        const std::string kind(kk.str());
        tr.set(file, kv, full + "." + kind, kind,
               number_in(file, kv, full + "." + kind, 0, 3600, false,
                         "seconds between 0 and 3600"));
    }
}

void read_unit_settings(const toml::table &t, const std::string &file, TurnoutReader &tr) {
    for (auto &&[k, v] : t) {
        const std::string key(k.str());
        const std::string full = "units." + key;
        if (key == "turnout_s") {
            read_turnout_table(file, v, full, tr);
        } else if (key == "default_turnout_s") {
            tr.set_default(file, v, full,
                           number_in(file, v, full, 0, 3600, false, "seconds between 0 and 3600"));
        } else {
            unknown_key(file, v, "units", key);
        }
    }
}

void read_seal_settings(const toml::table &t, const std::string &file, SealSettings &s,
                        TurnoutReader &tr) {
    const toml::node *suspect_node = nullptr;
    for (auto &&[k, v] : t) {
        const std::string key(k.str());
        const std::string full = "seal." + key;
        if (key == "head_start_min") {
            s.head_start_s = 60.0 * number_in(file, v, full, 0, 120, false, "minutes in [0, 120]");
        } else if (key == "margin_s") {
            s.margin_s = number_in(file, v, full, 0, 600, false, "seconds in [0, 600]");
        } else if (key == "within_min") {
            s.within_s = 60.0 * number_in(file, v, full, 0, 120, true, "minutes in (0, 120]");
        } else if (key == "suspect") {
            s.suspect = string_value(file, v, full);
            suspect_node = &v;
        } else if (key == "blocks_per_unit") {
            if (!v.is_integer()) bad(file, v, full, "a whole number from 1 to 100");
            s.blocks_per_unit =
                static_cast<int>(number_in(file, v, full, 1, 100, false, "1 to 100"));
        } else if (key == "unit_profile") {
            const auto p = profile_from_name(string_value(file, v, full));
            if (!p) bad(file, v, full, "walk, ebike or car");
            s.unit_profile = *p;
        } else if (key == "default_turnout_min") {
            tr.set_default(file, v, full,
                           60.0 * number_in(file, v, full, 0, 60, false, "minutes in [0, 60]"));
        } else if (key == "turnout_min") {
            for (auto &&[kk, kv] : table_of(file, v, full)) {
                const std::string kind(kk.str());
                tr.set(file, kv, full + "." + kind, kind,
                       60.0 * number_in(file, kv, full + "." + kind, 0, 60, false,
                                        "minutes in [0, 60]"));
            }
        } else if (key == "suspects") {
            for (auto &&[sk, sv] : table_of(file, v, full)) {
                const std::string name(sk.str());
                SuspectProfile &sp = s.suspects[name]; // a new name starts from car defaults
                read_suspect(table_of(file, sv, full + "." + name), file, full + "." + name, sp);
            }
        } else {
            unknown_key(file, v, "seal", key);
        }
    }
    if (suspect_node && !s.suspects.count(s.suspect))
        bad(file, *suspect_node, "seal.suspect", "a suspect profile of [seal.suspects]");
}

void read_site_settings(const toml::table &t, const std::string &file, SiteSettings &st,
                        TurnoutReader &tr) {
    for (auto &&[k, v] : t) {
        const std::string key(k.str());
        const std::string full = "site." + key;
        if (key == "turnout_s") {
            read_turnout_table(file, v, full, tr);
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
                                               "isochrones", "cameras", "zones",    "units",
                                               "seal",       "site"};
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
    TurnoutReader tr{out.units, out.notes, {}, {}};
    if (const auto *t = root["units"].as_table()) read_unit_settings(*t, file, tr);
    if (const auto *t = root["seal"].as_table()) read_seal_settings(*t, file, out.seal, tr);
    if (const auto *t = root["site"].as_table()) read_site_settings(*t, file, out.site, tr);
}

} // namespace detail

} // namespace lugeo
