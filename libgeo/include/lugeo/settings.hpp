// lugeo: a scene's settings tables — read and validated in one place (scene/settings.cpp),
// typed here.
//
//   [isochrones]  minutes = [1, 5, 30]   profiles = ["ebike", "car", "car"]   trim_m = 50
//   [cameras]     default_range_m = 50   default_hfov_deg = 60   dori = "observation"
//   [zones]       kiosk_kind = "kiosk"
//   [site]        new_kind = "kiosk"     turnout_s = { kiosk = 30, station = 60 }
//   [network]     directed = "auto"      oneway_forward = ["yes", …] …
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

struct SiteSettings {
    /// Seconds from the call to rolling, by unit kind (kinds not listed: 0). Siting adds it to
    /// every response time.
    std::map<std::string, double> turnout_s;
    std::string new_kind = "kiosk"; ///< the kind of new sites (for their turnout)
};

/// Everything a scene configures besides its layers.
struct SceneSettings {
    NetworkOptions network; ///< [profiles.*] and [network]
    IsochroneSettings isochrones;
    CameraSettings cameras;
    ZoneSettings zones;
    SiteSettings site;
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
