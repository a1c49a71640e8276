// The siting figures as presented (SiteSummary): rounded once, the crossings counted once.
#include "core/rounding.hpp"

#include <lugeo/site.hpp>

#include <cmath>

namespace lugeo {

using detail::round2;
using detail::round_to;

SiteFiguresShown site_figures_shown(const SiteFigures &f) {
    SiteFiguresShown s;
    s.points = f.points;
    s.covered_points = f.covered_points;
    s.weight = round2(f.weight);
    s.covered_weight = round2(f.covered_weight);
    s.covered_pct = round2(100 * f.covered_share());
    s.mean_time_s = round2(f.mean_time_s);
    s.worst_time_s = round2(f.worst_time_s);
    return s;
}

namespace {

/// The demand points brought inside the standard (`inside`) or, where a unit moved away,
/// left outside it.
SiteCrossing crossing(const SiteResult &r, bool inside) {
    SiteCrossing c;
    double weight = 0;
    for (const auto &p : r.points) {
        const bool before = p.time_before_s <= r.within_s, after = p.time_after_s <= r.within_s;
        if (inside ? (!before && after) : (before && !after)) {
            ++c.points;
            weight += p.weight;
        }
    }
    c.weight = round2(weight);
    return c;
}

} // namespace

SiteSummary site_summary(const SiteResult &r, const MetricFrame &frame) {
    SiteSummary s;
    for (std::size_t i = 0; i < r.sites.size(); ++i) {
        const SitePick &p = r.sites[i];
        const LonLat ll = frame.to_lonlat(p.position);
        s.sites.push_back({i + 1, p.id, p.name, p.position, round_to(ll.lon, 6),
                           round_to(ll.lat, 6), round2(p.gain), round2(p.objective),
                           site_figures_shown(p.figures)});
    }
    s.before = site_figures_shown(r.before);
    s.after = site_figures_shown(r.after);
    s.moved_inside = crossing(r, true);
    s.moved_outside = crossing(r, false);
    return s;
}

} // namespace lugeo
