// The JSON of the planning analyses — patrol zones, camera coverage, siting and the plate
// registry's confusable pairs — one presenter each, read by the command's --json and by
// `lugeo report --json` alike, from the figures the library made once (zone_summary,
// coverage_summary, site_summary, confusable_summary).
#pragma once

#include <lugeo/coverage.hpp>
#include <lugeo/registry.hpp>
#include <lugeo/site.hpp>
#include <lugeo/zones.hpp>

#include <nlohmann/json.hpp>

namespace lugeo::cli {

/// The plan's totals and `zones` (one object per row): what `zones --json` and the report's
/// `zones` share.
nlohmann::json zone_summary_json(const ZoneSummary &s);

/// The coverage figures: totals, the splits by class, phase, owner and zone (objects keyed by
/// class, phase, …), the gap count and length.
nlohmann::json coverage_summary_json(const CoverageSummary &s);

/// One SiteFiguresShown: points, weight, covered_weight, covered_points, covered_pct, times.
nlohmann::json site_figures_json(const SiteFiguresShown &f);

/// The siting figures: `sites` (in the order chosen), before, after, moved_inside/outside.
nlohmann::json site_summary_json(const SiteSummary &s);

/// `pairs` of plates and `road_pairs` (each pair of roads once).
nlohmann::json confusable_summary_json(const ConfusableSummary &s);

} // namespace lugeo::cli
