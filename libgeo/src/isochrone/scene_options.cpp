#include <lugeo/error.hpp>
#include <lugeo/isochrone.hpp>
#include <lugeo/scene.hpp>

#include <cstdlib>
#include <sstream>

namespace lugeo {

namespace {
std::vector<std::string> split_list(const std::string &s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto b = item.find_first_not_of(" \t\"");
        const auto e = item.find_last_not_of(" \t\"");
        if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    }
    return out;
}
double number(const Scene &scene, const std::string &key, const std::string &text) {
    char *end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || !(v > 0))
        throw Error(ErrorCode::invalid_config, "'" + scene.path + "' [isochrones] " + key + ": '" +
                                                   text + "' is not a positive number");
    return v;
}
} // namespace

IsochroneOptions isochrone_options_from_scene(const Scene &scene) {
    IsochroneOptions o;
    if (auto s = scene.setting("isochrones.minutes")) {
        o.minutes.clear();
        for (const auto &m : split_list(*s))
            o.minutes.push_back(number(scene, "minutes", m));
    }
    std::vector<std::string> profiles;
    if (auto s = scene.setting("isochrones.profiles"))
        profiles = split_list(*s);
    else if (o.minutes == std::vector<double>{1, 5, 30})
        profiles = {"ebike", "car", "car"};
    else
        profiles = {"car"};
    o.profiles.clear();
    for (const auto &p : profiles) {
        const auto pr = profile_from_name(p);
        if (!pr)
            throw Error(ErrorCode::invalid_config,
                        "'" + scene.path + "' [isochrones] profiles: unknown profile '" + p +
                            "' (walk, ebike, car)");
        o.profiles.push_back(*pr);
    }
    if (auto s = scene.setting("isochrones.trim_m")) o.trim_m = number(scene, "trim_m", *s);
    return o;
}

} // namespace lugeo
