// The coverage figures as presented (CoverageSummary): each split in one order, rounded once.
#include "core/rounding.hpp"

#include <lugeo/coverage.hpp>

#include <algorithm>
#include <map>
#include <string>

namespace lugeo {

using detail::round2;
using detail::round_to;

namespace {

CoverageRow coverage_row(std::string key, const LengthSplit &s) {
    return {std::move(key),          round2(s.total_m),  round2(s.covered_m),
            round2(s.uncovered_m()), round2(s.backup_m), round_to(s.share(), 4)};
}

std::vector<CoverageRow> rows_of(const std::map<std::string, LengthSplit> &m) {
    std::vector<CoverageRow> rows;
    for (const auto &[k, v] : m)
        rows.push_back(coverage_row(k, v));
    return rows;
}

std::vector<CoverageRow> rows_of(const std::map<int, LengthSplit> &m) {
    std::vector<CoverageRow> rows;
    for (const auto &[k, v] : m)
        rows.push_back(coverage_row(std::to_string(k), v));
    return rows;
}

} // namespace

CoverageSummary coverage_summary(const CoverageResult &r) {
    CoverageSummary s;
    s.total = coverage_row("", r.total);
    // the total's uncovered road is summed from the uncovered pieces, not a difference:
    // covered + uncovered = total to the centimetre (docs/coverage.md)
    double uncovered = 0.0;
    for (const RoadPiece &p : r.pieces)
        if (p.cameras == 0) uncovered += p.length_m();
    s.total.uncovered_m = round2(uncovered);
    s.by_class = rows_of(r.by_class); // by name, then the longest first: ties stay by name
    std::stable_sort(
        s.by_class.begin(), s.by_class.end(),
        [](const CoverageRow &a, const CoverageRow &b) { return a.total_m > b.total_m; });
    s.by_phase = rows_of(r.by_phase);
    s.by_phase_cumulative = rows_of(r.by_phase_cumulative);
    s.by_owner = rows_of(r.by_owner);
    s.by_zone = rows_of(r.by_zone);
    s.gaps = r.gaps.size();
    double gaps_m = 0.0;
    for (const Gap &g : r.gaps)
        gaps_m += g.length_m;
    s.gaps_m = round2(gaps_m);
    s.key_sites_unseen = r.key_sites_unseen.size();
    s.cameras_no_road = r.cameras_no_road.size();
    return s;
}

} // namespace lugeo
