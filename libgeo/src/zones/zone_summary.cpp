// The figures of a zone plan as presented (ZoneSummary): converted and rounded once.
#include "core/rounding.hpp"

#include <lugeo/zones.hpp>

namespace lugeo {

using detail::round2;

namespace {

ZoneRow zone_row(const ZoneFigures &z) {
    ZoneRow r;
    r.kiosk_id = z.kiosk_id;
    r.kiosk_name = z.kiosk_name;
    r.weight_s = round2(z.weight_s);
    r.area_km2 = round2(z.area_m2 / 1e6);
    r.road_km = round2(z.road_length_m / 1000.0);
    r.incidents = z.incidents;
    for (const std::size_t n : z.incidents)
        r.incident_count += n;
    r.incident_workload = round2(z.incident_workload);
    r.key_sites = z.key_sites;
    r.cameras = z.cameras;
    r.mean_time_s = round2(z.mean_time_s);
    r.p95_time_s = round2(z.p95_time_s);
    r.worst_time_s = round2(z.worst_time_s);
    r.network_parts = z.network_parts;
    r.workload = round2(z.workload);
    return r;
}

} // namespace

ZoneSummary zone_summary(const ZonePlan &plan) {
    ZoneSummary s;
    for (const ZoneFigures &z : plan.zones)
        s.rows.push_back(zone_row(z));
    s.drivable_km = round2(plan.drivable_length_m / 1000.0);
    s.unreached_km = round2(plan.unreached_length_m / 1000.0);
    s.outside_boundary_km = round2(plan.outside_boundary_length_m / 1000.0);
    s.imbalance = round2(plan.imbalance);
    s.mean_time_s = round2(plan.mean_time_s);
    s.p95_time_s = round2(plan.p95_time_s);
    s.worst_time_s = round2(plan.worst_time_s);
    return s;
}

} // namespace lugeo
