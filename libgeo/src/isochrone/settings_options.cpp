// Isochrone options from a scene's [isochrones] settings.
#include <lugeo/isochrone.hpp>

namespace lugeo {

IsochroneOptions isochrone_options(const IsochroneSettings &s) {
    IsochroneOptions o;
    if (!s.minutes.empty()) o.minutes = s.minutes;
    if (!s.profiles.empty())
        o.profiles = s.profiles;
    else if (o.minutes == std::vector<double>{1, 5, 30})
        o.profiles = {Profile::ebike, Profile::car, Profile::car};
    else
        o.profiles = {Profile::car};
    if (s.trim_m) o.trim_m = *s.trim_m;
    return o;
}

} // namespace lugeo
