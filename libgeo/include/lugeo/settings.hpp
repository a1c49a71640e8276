// lugeo: a scene's settings tables — read and validated in one place (scene/settings.cpp),
// typed here.
//
//   [isochrones]  minutes = [1, 5, 30]   profiles = ["ebike", "car", "car"]   trim_m = 50
//   [cameras]     default_range_m = 50   default_hfov_deg = 60   dori = "observation"
//   [zones]       kiosk_kind = "kiosk"
//   [units]       default_turnout_s = 60 turnout_s = { kiosk = 30, station = 120, … }
//   [site]        new_kind = "kiosk"
//   [network]     directed = "auto"      oneway_forward = ["yes", …] …
//   [seal]        head_start_min = 1     margin_s = 10   within_min = 5   suspect = "car"
//                 [seal.suspects.<name>] profile = "ebike" …
//   [profiles.car.speeds] primary = 35 …
//
// An unknown table or key is an error that names the file, line and key and lists the known
// ones (known_settings()). Later capabilities add their table here and in known_settings(),
// nowhere else. docs/scene.md has the same table.
#pragma once

#include <lugeo/network.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lugeo {

struct IsochroneSettings {
    std::vector<double> minutes;   ///< empty: the analysis default (1, 5, 30)
    std::vector<Profile> profiles; ///< empty: the default (ebike, car, car for 1/5/30)
    std::optional<double> trim_m;
};

struct CameraSettings {
    double default_range_m = 50.0;      ///< neither range nor DORI + resolution given
    double default_hfov_deg = 60.0;     ///< a fixed camera without an angle
    std::string dori = "observation";   ///< DORI level for ranges from resolution
    double default_resolution_px = 0.0; ///< horizontal pixels when the layer has none (0: none)
};

struct ZoneSettings {
    std::string kiosk_kind = "kiosk"; ///< the units' kind that patrol zones are drawn for
};

/// How a suspect flees: a network profile, a speed factor on its times, and whether it keeps
/// to one-way streets (a fleeing e-bike or a runner often does not).
struct SuspectProfile {
    Profile profile = Profile::car;
    double speed_factor = 1.0; ///< > 1: faster than the profile's speeds (times divided by it)
    bool obey_oneway = true;
};

/// `[seal]`: the seal-off (封控) model's defaults (docs/seal.md).
struct SealSettings {
    double head_start_s = 60.0;  ///< the suspect left this long before the report
    double margin_s = 10.0;      ///< a block is in time when the unit is there this much earlier
    double within_s = 300.0;     ///< the ring must be complete by then (the 5-minute standard)
    std::string suspect = "car"; ///< the default suspect profile (a key of `suspects`)
    int blocks_per_unit = 1;
    Profile unit_profile = Profile::car; ///< how the units travel
    /// Named suspect profiles: car (x1.0, keeps one-way), ebike (x1.0, ignores one-way),
    /// walk (x1.5: running, ignores one-way); a scene may change them or add more.
    std::map<std::string, SuspectProfile> suspects = {{"car", {Profile::car, 1.0, true}},
                                                      {"ebike", {Profile::ebike, 1.0, false}},
                                                      {"walk", {Profile::walk, 1.5, false}}};
};

/// `[units]`: what every command that times a unit's response uses — the turnout delay
/// (seconds from the call to rolling) by unit kind. One table for seal-off and siting
/// (docs/scene.md#units-turnout); the old `[seal.turnout_min]`, `[seal] default_turnout_min`
/// and `[site.turnout_s]` are read into it with a deprecation note.
struct UnitSettings {
    std::map<std::string, double> turnout_s = {{"kiosk", 30.0},
                                               {"patrol_car", 15.0},
                                               {"station", 120.0},
                                               {"community_room", 90.0},
                                               {"checkpoint", 0.0}};
    double default_turnout_s = 60.0; ///< kinds not in turnout_s
    double turnout_of(const std::string &kind) const {
        const auto it = turnout_s.find(kind);
        return it == turnout_s.end() ? default_turnout_s : it->second;
    }
};

/// `[site]`: siting's settings (docs/site.md).
struct SiteSettings {
    std::string new_kind = "kiosk"; ///< the kind of new sites (for their turnout)
};

/// Everything a scene configures besides its layers.
struct SceneSettings {
    NetworkOptions network; ///< [profiles.*] and [network]
    IsochroneSettings isochrones;
    CameraSettings cameras;
    ZoneSettings zones;
    UnitSettings units;
    SealSettings seal;
    SiteSettings site;
    /// Deprecated keys read (each with the file, line and the key that replaces it), for the
    /// CLI to show on stderr and `scene check` to list.
    std::vector<std::string> notes;
};

/// One known key, for messages and docs/scene.md: "isochrones.trim_m", "number", "metres …".
struct SettingInfo {
    std::string key;  ///< "table.key" ("profiles.<profile>.speeds.<class>" for patterns)
    std::string type; ///< "number", "string", "list of numbers", "boolean", …
    std::string doc;
};
/// Every key a scene file may hold, [scene] and [layers.<role>] included, in file order.
const std::vector<SettingInfo> &known_settings();

} // namespace lugeo
