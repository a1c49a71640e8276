// The JSON of the planning analyses, shared by their commands and `lugeo report --json`.
#include "present_plans.hpp"

#include <cmath>
#include <string>

namespace lugeo::cli {

namespace {

/// A figure (already rounded by the library); null when not finite.
nlohmann::json num(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json zone_row_json(const ZoneRow &z) {
    nlohmann::json g;
    for (std::size_t i = 0; i < incident_grade_count; ++i)
        g[incident_grade_name(static_cast<IncidentGrade>(i))] = z.incidents[i];
    return {{"kiosk", z.kiosk_id},
            {"name", z.kiosk_name},
            {"weight_s", z.weight_s},
            {"area_km2", num(z.area_km2)},
            {"road_km", z.road_km},
            {"incidents", g},
            {"incident_workload", z.incident_workload},
            {"key_sites", z.key_sites},
            {"cameras", z.cameras},
            {"mean_time_s", num(z.mean_time_s)},
            {"p95_time_s", num(z.p95_time_s)},
            {"worst_time_s", num(z.worst_time_s)},
            {"network_parts", z.network_parts},
            {"workload", z.workload}};
}

nlohmann::json split_json(const CoverageRow &r) {
    return {{"total_m", r.total_m},
            {"covered_m", r.covered_m},
            {"uncovered_m", r.uncovered_m},
            {"backup_m", r.backup_m},
            {"covered_share", r.share}};
}

/// The splits under `key`, an object keyed by class, phase, … (left out when there are none).
void add_splits(nlohmann::json &j, const char *key, const std::vector<CoverageRow> &rows) {
    for (const CoverageRow &r : rows)
        j[key][r.key] = split_json(r);
}

nlohmann::json crossing_json(const SiteCrossing &c) {
    return {{"points", c.points}, {"weight", c.weight}};
}

} // namespace

nlohmann::json zone_summary_json(const ZoneSummary &s) {
    nlohmann::json j;
    j["kiosks"] = s.rows.size();
    j["drivable_km"] = s.drivable_km;
    j["unreached_km"] = s.unreached_km;
    j["outside_boundary_km"] = s.outside_boundary_km;
    j["imbalance"] = num(s.imbalance);
    j["mean_time_s"] = num(s.mean_time_s);
    j["p95_time_s"] = num(s.p95_time_s);
    j["worst_time_s"] = num(s.worst_time_s);
    j["zones"] = nlohmann::json::array();
    for (const ZoneRow &z : s.rows)
        j["zones"].push_back(zone_row_json(z));
    return j;
}

nlohmann::json coverage_summary_json(const CoverageSummary &s) {
    nlohmann::json j = split_json(s.total);
    add_splits(j, "by_class", s.by_class);
    add_splits(j, "by_phase", s.by_phase);
    add_splits(j, "by_phase_cumulative", s.by_phase_cumulative);
    add_splits(j, "by_owner", s.by_owner);
    add_splits(j, "by_zone", s.by_zone);
    j["gaps_count"] = s.gaps;
    j["gaps_m"] = s.gaps_m;
    return j;
}

nlohmann::json site_figures_json(const SiteFiguresShown &f) {
    return {{"points", f.points},
            {"weight", f.weight},
            {"covered_weight", f.covered_weight},
            {"covered_points", f.covered_points},
            {"covered_pct", f.covered_pct},
            {"mean_time_s", num(f.mean_time_s)},
            {"worst_time_s", num(f.worst_time_s)}};
}

nlohmann::json site_summary_json(const SiteSummary &s) {
    nlohmann::json j;
    j["sites"] = nlohmann::json::array();
    for (const SiteRow &r : s.sites)
        j["sites"].push_back({{"id", r.id},
                              {"name", r.name},
                              {"lon", r.lon},
                              {"lat", r.lat},
                              {"gain", r.gain},
                              {"objective", num(r.objective)},
                              {"figures", site_figures_json(r.figures)}});
    j["before"] = site_figures_json(s.before);
    j["after"] = site_figures_json(s.after);
    j["moved_inside"] = crossing_json(s.moved_inside);
    j["moved_outside"] = crossing_json(s.moved_outside);
    return j;
}

nlohmann::json confusable_summary_json(const ConfusableSummary &s) {
    return {{"pairs", s.pairs}, {"road_pairs", s.roads.size()}};
}

} // namespace lugeo::cli
