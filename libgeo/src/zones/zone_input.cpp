// Patrol zones: names, the context of a plan from the scene data, hand-drawn plans.
#include <lugeo/error.hpp>
#include <lugeo/zones.hpp>

#include <algorithm>
#include <cctype>

namespace lugeo {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return out;
}

} // namespace

const char *zone_balance_name(ZoneBalance b) noexcept {
    switch (b) {
    case ZoneBalance::none:
        return "none";
    case ZoneBalance::length:
        return "length";
    case ZoneBalance::incidents:
        return "incidents";
    case ZoneBalance::area:
        return "area";
    }
    return "none";
}

std::optional<ZoneBalance> zone_balance_from_name(std::string_view name) noexcept {
    const std::string n = lower(name);
    if (n == "none" || n.empty()) return ZoneBalance::none;
    if (n == "length") return ZoneBalance::length;
    if (n == "incidents") return ZoneBalance::incidents;
    if (n == "area") return ZoneBalance::area;
    return std::nullopt;
}

ZoneContext zone_context(const SceneData &data) {
    ZoneContext ctx;
    ctx.boundary = data.boundary;
    for (const auto &i : data.incidents) {
        ctx.incidents.push_back(i.position);
        ctx.incident_grades.push_back(i.grade);
    }
    for (const auto &k : data.key_sites)
        ctx.key_sites.push_back(k.position);
    for (const auto &c : data.cameras)
        ctx.cameras.push_back(c.position);
    return ctx;
}

std::vector<MultiPolygon> match_zones(const std::vector<NamedArea> &areas,
                                      const std::vector<Unit> &kiosks) {
    std::vector<MultiPolygon> out(kiosks.size());
    for (const auto &a : areas) {
        std::size_t match = kiosks.size();
        if (!a.parent.empty()) {
            for (std::size_t k = 0; k < kiosks.size(); ++k)
                if (kiosks[k].id == a.parent) match = k;
            if (match == kiosks.size()) {
                ErrorContext c = a.origin;
                c.field = "kiosk";
                c.value = a.parent;
                throw Error(ErrorCode::invalid_argument, c,
                            "no kiosk with this id (the zone's 'kiosk' field names its unit)");
            }
        } else {
            std::size_t hits = 0;
            for (std::size_t k = 0; k < kiosks.size(); ++k)
                if (contains(a.area, kiosks[k].position)) {
                    match = k;
                    ++hits;
                }
            if (hits != 1)
                throw Error(ErrorCode::invalid_argument, a.origin,
                            "the zone holds " + std::to_string(hits) +
                                " kiosks; give the layer a 'kiosk' field with the kiosk id of "
                                "each zone");
        }
        for (const auto &p : a.area)
            out[match].push_back(p);
    }
    return out;
}

} // namespace lugeo
