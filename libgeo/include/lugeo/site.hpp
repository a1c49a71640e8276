// lugeo: siting — where the next kiosks should go, against the city's response standard.
//
// Given the units that stay (`fixed`, by default the scene's kiosks), a set of candidate
// places and the demand (incidents weighted by grade, road length, or key sites), choose `add`
// new sites — optionally moving up to `relocate` existing units too — for one objective:
//
//   cover   maximal covering: maximise the demand weight whose nearest unit responds within
//           `within_s` (Σ_d w_d · [t_d ≤ W]);
//   median  p-median: minimise the weighted mean response time Σ_d w_d · t_d / Σ_d w_d;
//   center  p-center: minimise the worst response time max_d t_d;
//
// where t_d = min over open units u of (turnout_s[kind of u] + car time from u to d), the
// travel time by the routing core's network (one-way rules, the profile's speeds, points
// snapped onto the nearest usable edge of the largest component; the same snaps and edge
// times as zones and isochrones).
//
// Method (docs/site.md):
//  - One distance table per candidate set: a search from each candidate, pruned where a unit
//    that surely stays is at least as fast (exact: a place reached through such a node is
//    never improved), and bounded by `within_s` for cover. Existing units get full rows.
//  - Exhaustive enumeration when the number of solutions is small (exact); else greedy
//    (for cover within (1 − 1/e) of the optimum: coverage is monotone submodular) followed by
//    a swap (interchange) local search; for center a binary search on the radius over greedy
//    set covers, with a lower bound proved by a packing of demand points; with relocation,
//    one such problem per set of moved units (every set when there are at most 256).
//
//   SiteInput in{.fixed = units_of_kind(data.units, "kiosk"),
//                .candidates = junction_candidates(net, Profile::car)};
//   in.incidents = data.incidents;
//   SiteResult r = plan_sites(net, in, {.add = 3, .objective = SiteObjective::cover});
#pragma once

#include <lugeo/crs.hpp>
#include <lugeo/geometry.hpp>
#include <lugeo/io.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/seal.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lugeo {

/// `seal` is planned by plan_seal_sites (below), not plan_sites.
enum class SiteObjective : std::uint8_t { cover, median, center, seal };
const char *site_objective_name(SiteObjective o) noexcept; ///< "cover", "median", "center", "seal"
std::optional<SiteObjective> site_objective_from_name(std::string_view name) noexcept;

/// What the response is measured on.
enum class SiteDemand : std::uint8_t {
    incidents, ///< incident points weighted by grade (red 8, orange 4, blue 2, green 1)
    roads,     ///< midpoints of drivable road pieces of at most road_step_m, weighted by length (m)
    key_sites  ///< key sites, weight 1 each
};
const char *site_demand_name(SiteDemand d) noexcept; ///< "incidents", "roads", "key_sites"
std::optional<SiteDemand> site_demand_from_name(std::string_view name) noexcept;

/// How the sites were found.
enum class SiteMethod : std::uint8_t {
    none,         ///< nothing to choose (add = 0 and relocate = 0)
    exhaustive,   ///< every solution evaluated: optimal
    greedy_swap,  ///< greedy, then swap (interchange) local search
    radius_search ///< center: binary search on the radius over greedy set covers
};
const char *site_method_name(SiteMethod m) noexcept;

/// Which search plan_sites may use.
enum class SiteSearch : std::uint8_t {
    automatic,  ///< exhaustive when the solutions are at most exhaustive_max, else heuristic
    exhaustive, ///< always enumerate (Error when more than exhaustive_max × 100 solutions)
    heuristic   ///< never enumerate
};

/// A place a new unit may stand.
struct SiteCandidate {
    std::string id, name;
    XY position; ///< metric CRS of the network
};

/// Every node of the profile's largest component (junctions and road ends alike), in node
/// order, with id "J<node>".
std::vector<SiteCandidate> junction_candidates(const Network &net, Profile profile);
/// One candidate per cell of a `cell_m` grid over the largest component's extent: the point of
/// the usable network nearest to the cell's centre, when it lies within the cell's half
/// diagonal (id "G<col>-<row>").
std::vector<SiteCandidate> grid_candidates(const Network &net, Profile profile, double cell_m);

struct SiteInput {
    std::vector<Unit> fixed; ///< existing units (Unit::kind sets their turnout)
    std::vector<SiteCandidate> candidates;
    std::string candidates_source; ///< for messages: the layer they come from
    std::vector<Incident> incidents;
    std::vector<KeySite> key_sites;
};

struct SiteOptions {
    std::size_t add = 1;      ///< new sites
    std::size_t relocate = 0; ///< existing units that may move to a candidate
    SiteObjective objective = SiteObjective::cover;
    SiteDemand demand = SiteDemand::incidents;
    double within_s = 300; ///< the standard for cover and for the figures (5 minutes)
    Profile profile = Profile::car;
    /// Turnout (seconds from the call to rolling) by unit kind; kinds not listed take
    /// default_turnout_s. The CLI passes the scene's one table (UnitSettings, [units]).
    std::map<std::string, double> turnout_s;
    double default_turnout_s = 0;
    /// The kind of new (and moved) units, for their turnout.
    std::string new_kind = "kiosk";
    double snap_max_m = 500; ///< units and candidates farther from the network: Error / left out
    double demand_snap_max_m = 300; ///< demand points farther from the network are left out
    double road_step_m = 100;       ///< roads demand: pieces of at most this length
    SiteSearch search = SiteSearch::automatic;
    std::uint64_t exhaustive_max = 100'000; ///< solutions enumerated at most (automatic)
    int max_swap_passes = 50;
    /// Heuristic: greedy + swap from this many first picks (the best first picks), the best
    /// result kept; 1 is plain greedy + swap.
    int restarts = 4;
    /// The distance table may hold at most this many (demand, time) entries (8 bytes each).
    std::size_t max_table_entries = 100'000'000;
    ProgressFn progress;
};

/// Figures of one set of units over the demand.
struct SiteFigures {
    std::size_t points = 0;    ///< demand points counted
    double weight = 0;         ///< their total weight
    double covered_weight = 0; ///< weight with t ≤ within_s
    std::size_t covered_points = 0;
    double mean_time_s = 0;  ///< weighted mean
    double worst_time_s = 0; ///< max over points
    double covered_share() const { return weight > 0 ? covered_weight / weight : 0; }
};

/// A new site, in the order chosen.
struct SitePick {
    std::size_t candidate = 0; ///< index into SiteInput::candidates
    std::string id, name;
    XY position; ///< the candidate's position
    XY snapped;  ///< where it joins the network
    /// Improvement of the objective when it is added after the sites before it (cover: weight
    /// brought within the standard; median: Σ w·t saved / Σ w, in seconds of the mean;
    /// center: seconds off the worst time). With moved units (SiteOptions::relocate) the first
    /// site's gain is against the figures before the move, so the gains add up to after -
    /// before; it can then be smaller than the next one's.
    double gain = 0;
    double objective = 0; ///< the objective with this and every earlier site (the curve)
    SiteFigures figures;  ///< figures with this and every earlier site
};

/// An existing unit moved to a new site.
struct SiteMove {
    std::size_t unit = 0; ///< index into SiteInput::fixed
    std::size_t pick = 0; ///< index into SiteResult::sites: where it goes
};

/// Figures per zone: each demand point belongs to the zone of its nearest unit.
struct SiteZone {
    std::string unit_id, unit_name;
    bool is_new = false;
    SiteFigures figures;
};

/// One demand point with its times before and after. The span: its snapped edge, and (roads)
/// the piece of the edge it stands for (from_m = to_m = offset_m for a point).
struct SiteDemandPoint : EdgeSpan {
    XY position = {}; ///< the point (incident, key site, or the road piece's midpoint)
    double weight = 0;
    double offset_m = 0; ///< along the edge
    std::string id = {}; ///< incident / key site id ("" for roads)
    double time_before_s = 0, time_after_s = 0;
    std::uint32_t zone_before = 0; ///< index into SiteResult::zones_before
    std::uint32_t zone_after = 0;  ///< index into SiteResult::zones_after
};

struct SiteResult {
    SiteObjective objective = SiteObjective::cover;
    SiteDemand demand = SiteDemand::incidents;
    SiteMethod method = SiteMethod::none;
    double within_s = 300;
    /// Objective values: cover = covered weight (higher is better), median = weighted mean
    /// time (s), center = worst time (s).
    double objective_before = 0, objective_after = 0;
    /// center: no set of `add` sites does better than this (s); exhaustive: = objective_after.
    /// cover, median: NaN unless exhaustive.
    double lower_bound = 0;
    std::vector<SitePick> sites; ///< new sites, in the order chosen
    std::vector<SiteMove> moves; ///< relocations
    SiteFigures before, after;
    std::vector<SiteZone> zones_before; ///< one per fixed unit
    std::vector<SiteZone> zones_after;  ///< units that stay (fixed order), then the new sites
    std::vector<SiteDemandPoint> points;
    std::size_t candidates_used = 0, candidates_off_network = 0;
    std::size_t demand_off_network = 0;    ///< demand points left out (too far from the network)
    std::size_t table_entries = 0;         ///< (candidate, demand) entries of the distance table
    std::uint64_t solutions_evaluated = 0; ///< exhaustive: subsets; heuristics: swaps tried
    int swap_passes = 0;
    double seconds_table = 0, seconds_search = 0;
};

/// SiteFigures as presented — by the site command (text, JSON, layer) and the report's next
/// kiosks (table, layer) — rounded once to 0.01 (non-finite times stay non-finite).
struct SiteFiguresShown {
    std::size_t points = 0, covered_points = 0;
    double weight = 0, covered_weight = 0;
    double covered_pct = 0; ///< 100 x covered_weight / weight
    double mean_time_s = 0, worst_time_s = 0;
};
/// A new site as presented: lon, lat to 1e-6 degrees.
struct SiteRow {
    std::size_t rank = 0; ///< 1 = chosen first
    std::string id, name;
    XY position;
    double lon = 0, lat = 0;
    double gain = 0, objective = 0;
    SiteFiguresShown figures;
};
/// Demand points whose response time crosses the standard, and their weight.
struct SiteCrossing {
    std::size_t points = 0;
    double weight = 0;
};
/// A siting result as presented: the sites in the order chosen, the figures before and
/// after, and what moved inside the standard (or outside it, where a unit moved away).
struct SiteSummary {
    std::vector<SiteRow> sites;
    SiteFiguresShown before, after;
    SiteCrossing moved_inside, moved_outside;
};
/// One SiteFigures as presented (SiteFiguresShown).
SiteFiguresShown site_figures_shown(const SiteFigures &figures);
/// `frame`: the network's CRS (for the sites' lon, lat).
SiteSummary site_summary(const SiteResult &result, const MetricFrame &frame);

// ---------------------------------------------------------------------------------------------
// The `seal` objective: sites that make the most demand sealable (seal.hpp) within the
// standard. Sealability is far dearer than a response time (a seal-off plan per point and per
// set of units), so (docs/site.md#the-seal-objective):
//  - the demand is a seeded random sample of at most `sample` points (all when fewer);
//  - at each pick the candidates are pre-ranked by a cheap proxy — the sample weight of the
//    open escape routes (SealPlan::open_routes) whose open node the candidate reaches before
//    the suspect (one bounded inbound search per open node) — and the `shortlist` best are
//    evaluated exactly: a seal-off context with the units so far plus the candidate, and
//    seal_incident on every unsealed sample point at which the candidate is in time somewhere
//    (elsewhere its candidate blocks, and so the plan, are unchanged);
//  - the pick is the shortlisted candidate that seals the most weight. A point once sealed
//    stays sealed (its plan holds whatever units are added), so the share never falls.

struct SiteSealOptions {
    SealOptions seal;      ///< suspect, head start, ring deadline (within_s), margin
    SealUnitOptions units; ///< turnouts and how units travel
    SealArea area;         ///< where "outside" is: the study boundary, or exits
    std::size_t sample = 200;
    std::uint32_t seed = 1;
    std::size_t shortlist = 10;
    std::size_t open_routes = 4; ///< open escape routes per unsealed point, for the proxy
};

struct SealSitePick {
    std::size_t candidate = 0; ///< index into SiteInput::candidates
    std::string id, name;
    XY position;
    double gain = 0;          ///< sample weight made sealable by this site
    double sealed_weight = 0; ///< with this and every earlier site
    std::size_t sealed_points = 0;
    double proxy = 0;          ///< its proxy score when it was picked
    std::size_t evaluated = 0; ///< sample points evaluated exactly for it
};

struct SealSitePoint {
    XY position;
    double weight = 0;
    std::string id;
    bool sealed_before = false;
    std::size_t sealed_by = 0; ///< 0: not sealed; k: sealable from the k-th site on
    std::string reason_before; ///< SealPlan::reason_code before ("" sealed; "off_network")
};

struct SealSiteResult {
    std::size_t population = 0; ///< demand points on the network
    std::size_t sample = 0;     ///< evaluated (a random sample when fewer than population)
    std::uint32_t seed = 0;
    double weight = 0; ///< of the sample
    double sealed_before = 0;
    std::size_t sealed_points_before = 0;
    std::vector<SealSitePick> sites;
    std::vector<SealSitePoint> points;
    std::map<std::string, std::size_t> reasons_before; ///< reason_code -> points
    std::size_t candidates_used = 0, candidates_off_network = 0;
    std::size_t demand_off_network = 0;
    std::size_t shortlist = 0;
    std::size_t seal_runs = 0; ///< seal_incident calls
    /// 95 % margin (± share points, as a fraction) of the sampled sealable share after, from
    /// the weighted sample's effective size; 0 when the whole population was evaluated.
    double margin95 = 0;
    double seconds = 0;
};

/// The seal objective: `options.add` new sites (of kind new_kind) among the candidates, with
/// `input.fixed` as every unit that can hold a block. Demand as for plan_sites (incidents,
/// roads or key sites). Throws as plan_sites does for bad candidates, K and demand, and
/// Error(invalid_argument) for relocation (not supported with seal).
SealSiteResult plan_seal_sites(const Network &net, const SiteInput &input,
                               const SiteOptions &options, const SiteSealOptions &seal);

/// Chooses the sites. Throws Error(off_network) naming the unit when an existing unit is
/// farther than snap_max_m from the profile's largest component, or naming the candidates'
/// source when no candidate is that close; Error(invalid_argument) when add + relocate asks
/// for more sites than there are usable candidates, for no demand point, no unit at all, a
/// non-positive within_s, or a distance table larger than max_table_entries.
SiteResult plan_sites(const Network &net, const SiteInput &input, const SiteOptions &options = {});

} // namespace lugeo
