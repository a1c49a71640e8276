// Private: the report's executive summary — the 1/5/30-minute standard per patrol zone and
// city-wide against its targets, the key figures and the findings; and the report's two
// languages.
#pragma once

#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/report.hpp>
#include <lugeo/zones.hpp>

#include <string>

namespace lugeo::report {

/// "zh" or "en": `wanted` when given, else Chinese for a scene whose centre is in China.
std::string report_language(const std::string &wanted, const Network &net);

/// The text in the report's language.
inline const char *tr(const std::string &lang, const char *en, const char *zh) {
    return lang == "zh" ? zh : en;
}

/// Each zone's (and the city's) share of incidents and of road within each threshold, by car
/// from the zone's own kiosk (the plan's pieces: every drivable place once, with its times),
/// and pass/fail against the targets (on incidents; on road when there are none).
void standard_figures(const Network &net, const ZonePlan &plan,
                      const std::vector<Incident> &incidents, ReportSummary &summary);

/// The findings (at most three, the most important first), each with what to do.
void summary_findings(ReportSummary &summary);

/// The summary section's HTML (the report's first section).
std::string summary_html(const ReportSummary &summary, const std::string &scene_name,
                         const std::string &date);

} // namespace lugeo::report
