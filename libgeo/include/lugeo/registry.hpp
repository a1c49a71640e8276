// lugeo: the registry of numbered plates (10-kV power poles, street lamps).
//
// What a caller reads or says ("路灯二零七 四十二号", "L207 0047") is normalised to a canonical
// plate ID, looked up exactly (a hash probe) and, when that fails or is doubtful, resolved
// under an error model of how plate numbers are misread and misheard. A rough caller position
// re-ranks the candidates. The registry also answers "which plates are near this point",
// checks itself for errors, and numbers new plates with a Damm check digit.
//
// The core is pure C++ (no GDAL, PROJ or GEOS). Plates are read by the layers module
// (layers.hpp: read_plates, or read_scene_data with the poles and lamps roles); the registry
// is built from them.
// A Registry is immutable after construction; every query is const and safe to call from
// several threads at once.
#pragma once

#include <lugeo/layers.hpp>
#include <lugeo/types.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lugeo {

// ---------------------------------------------------------------------------------------------
// The ID scheme (docs/plate-ids.md: the pattern language)

/// Check digit algorithms of a plate scheme (see docs/plate-ids.md for the choice).
enum class CheckDigit { none, damm, luhn };
const char *check_digit_name(CheckDigit c) noexcept; ///< "none", "damm", "luhn"

/// One form of plate ID: a prefix (type word), digit groups with separators, an optional check
/// digit, a literal suffix. A layer's scheme has one or more types; every plate has one type.
///
/// The default is the demo's (Chuxiong's) `{G|L}###-####[C]`: `G` = 10-kV power pole (电杆),
/// `L` = street lamp (路灯), a three-digit road code (district digit 1-9 + road 01-99), a
/// four-digit number along the road, and an optional Damm check digit after the number
/// (`L207-0042` and `L207-00427` are both valid).
struct PlateType {
    std::string prefix; ///< canonical text before the digits ("G", "DG", "鹿城线", "")
    std::string kind;   ///< "pole", "lamp": the value of Plate::kind
    std::vector<std::string> words; ///< UTF-8 words a caller may say for the prefix ("电杆", "杆")
    bool two_sided = false;         ///< odd numbers on the left, even on the right (lamps)
    std::string prefix_sep;         ///< canonical text between prefix and digits ("" or "-")
    std::vector<int> groups = {3, 4};      ///< widths of the digit groups; the last is the number
    std::vector<std::string> seps = {"-"}; ///< between the groups (groups.size() - 1)
    std::string suffix;                    ///< literal text after the digits ("号杆")
    /// > 0: the number (last group) is written without leading zeros, with min_number_digits
    /// to groups.back() digits (`#{1,4}`); 0: zero-padded to its width.
    int min_number_digits = 0;
    CheckDigit check = CheckDigit::damm; ///< after the number, over all digits before it
    bool check_required = false;         ///< `[C!]`: every ID carries it; `[C]`: optional
    bool first_nonzero = true;           ///< the first digit is never 0 (the demo's district)
    /// The prefix is a name taken from the layer's IDs (`{*}`: a feeder line, 鹿城线); such a
    /// type is never guessed when the caller gives no or another name (matched exactly).
    bool any_name = false;   ///< a template: instantiated per name found in the IDs
    bool exact_name = false; ///< an instantiated name
    /// Of the digits before the number (the road code): how many form the "district"
    /// (PlateIdParts::district; the demo's 1; 0 for a one-group scheme).
    int district_digits = 1;

    int head_digits() const noexcept; ///< digits before the number
    int number_digits() const noexcept { return groups.empty() ? 0 : groups.back(); }
    int id_digits() const noexcept { return head_digits() + number_digits(); } ///< w/o check
    bool padded() const noexcept { return min_number_digits == 0; }
    /// This type as a pattern: "G###-####[C]", "DG-#####", "{*}线#{1,3}号杆".
    std::string pattern() const;
};

/// A layer's (or a registry's) plate ID scheme: one or more types.
struct PlateScheme {
    std::vector<PlateType> types = default_types();
    static std::vector<PlateType> default_types();
    /// The scheme as pattern text, types of one shape merged: "{G|L}###-####[C]".
    std::string text() const;
};

/// Parse a scheme pattern (docs/plate-ids.md), e.g. "DG-#####", "{G|L}###-####[C]",
/// "{DG=电杆=杆|GT}-#####", "{*}线#{1,3}号杆", "{|A}#{1,3}"; several forms separated by ";".
/// `kind` is given to every type ("pole", "lamp"); lamps are two-sided. Type words default to
/// the role's (电杆, 杆 … / 路灯, 灯 …) on the first type, unless the pattern names some.
/// Throws Error(invalid_config) naming the position in the pattern.
PlateScheme parse_plate_scheme(std::string_view pattern, const std::string &kind);

/// A scheme inferred from a layer's IDs (no `scheme` declared).
struct InferredScheme {
    PlateScheme scheme;
    std::string text;                 ///< PlateScheme::text()
    std::size_t fitted = 0;           ///< IDs that fit it
    std::vector<std::size_t> misfits; ///< indices of IDs that fit no type of it
};
/// Infer the scheme from raw IDs: each shape (prefix, digit groups and separators, suffix) that
/// at least 2% of the IDs (and 3) share becomes a type (at most 6); a number whose width
/// varies without leading zeros is unpadded; a check digit is recognised when every ID of a
/// shape (or every one a digit longer than its siblings) passes Damm or Luhn; more than 8
/// non-Latin prefixes of one shape become a `{*}` name. Never throws; an empty scheme when
/// nothing fits.
InferredScheme infer_plate_scheme(const std::vector<std::string> &ids, const std::string &kind);

/// The scheme with one exact-name type per name found in `ids` for each `{*}` template.
PlateScheme expand_plate_scheme(const PlateScheme &scheme, const std::vector<std::string> &ids);

/// The components of a canonical ID.
struct PlateIdParts {
    std::size_t type = 0;     ///< index into PlateScheme::types
    int district = 0;         ///< the first district_digits of the head (0 when none)
    int road = 0;             ///< the rest of the head
    int number = 0;           ///< the last group
    std::optional<int> check; ///< the check digit, when the ID carries one
    std::string head;         ///< the digits before the number ("207")
    std::string name;         ///< the name of a `{*}` template type
};

/// Parse a canonical ID ("L207-0042", "L207-00427", "DG-01234"); nullopt when it does not fit
/// the scheme (including a check digit that fails).
std::optional<PlateIdParts> parse_plate_id(std::string_view id, const PlateScheme &scheme = {});

/// Format parts as a canonical ID; the check digit is computed when `with_check` is set (and
/// always when the type requires it). The head is `parts.head`, or district and road.
std::string format_plate_id(const PlateIdParts &parts, bool with_check,
                            const PlateScheme &scheme = {});

/// Damm check digit ('0'..'9') over the decimal digits in `digits` (other characters are
/// skipped). Catches every single-digit error and every adjacent transposition.
char damm_check_digit(std::string_view digits);
/// True when the last digit of `digits` is the Damm check digit of the digits before it.
bool is_damm_valid(std::string_view digits);
/// Luhn (mod 10) check digit and test, same conventions.
char luhn_check_digit(std::string_view digits);
bool is_luhn_valid(std::string_view digits);

/// Result of normalising what was typed or heard.
struct NormalizedId {
    std::string id; ///< canonical ID; else the cleaned text ("L27-0042"); empty for garbage
    bool is_canonical = false; ///< id fits the scheme exactly
    std::string error;         ///< why it is not canonical; empty when it is
};

/// Normalise a typed or transcribed plate ID (UTF-8): full-width digits and letters, case,
/// spaces, any dash (- – — ＿ _ · or none), type words (电杆, 杆, 路灯, 灯杆 ... and each type's
/// prefix and words) to the prefix, Chinese digits 〇零一二三四五六七八九 and radio forms 幺(1)
/// 两(2) 拐(7) 勾(9) 洞(0), numerals with 十 ("四十二" = 42), "号"/"第"/"编号" and the types'
/// suffixes ignored; a short number after the last separator is zero-padded ("L207-42" =
/// "L207-0042"). Never throws.
NormalizedId normalize_plate_id(std::string_view heard, const PlateScheme &scheme = {});

// ---------------------------------------------------------------------------------------------
// Plates and the registry

// Plate, PlateStatus and plate_status_name / plate_status_from_name are in layers.hpp.

/// A plate near a point.
struct NearbyPlate {
    std::size_t plate = 0;
    double distance_m = 0.0;
    double bearing_deg = 0.0; ///< from the query point to the plate, clockwise from grid north
};

/// A rough caller position (handset fix or cell) and its uncertainty.
struct CallerPosition {
    XY position;
    double radius_m =
        300.0; ///< the caller is within this radius (~86%): sigma = radius / 2 per axis
};

/// Options for Registry::locate. Defaults in the comments.
struct LocateOptions {
    std::size_t candidates = 5;         ///< at most this many candidates returned (5)
    bool always_fuzzy = false;          ///< add fuzzy candidates even after an exact match (false)
    std::optional<CallerPosition> near; ///< rough caller position (none)
    double far_factor = 2.0;          ///< exact match farther than far_factor*radius is flagged (2)
    bool two_edits = true;            ///< also enumerate two-edit explanations (true)
    double min_relative_score = 1e-4; ///< drop candidates scoring below this fraction of the best
    /// A second plate the caller reads nearby (the lamp beside the pole, the next pole), as
    /// heard; empty: none. Each candidate is then scored with its best partner among the second
    /// plate's candidates: score x partner's score x a proximity factor (Gaussian, sigma =
    /// pair_distance_m / 2), so a misreading that is another valid plate loses to the plate
    /// that has the second one beside it.
    std::string also;
    double pair_distance_m = 50.0; ///< the two plates are seen together: within about this (50 m)
    /// The road the caller names ("人民北路"), empty: none. A candidate on another road (by
    /// Plate::road) is weighed road_wrong (callers name the wrong road now and then).
    std::string road;
    double road_wrong = 0.05;
    /// The cross street the caller names ("鹿城南路", at the corner of …), empty: none. A
    /// candidate farther than cross_distance_m from that street weighs cross_wrong. The
    /// distance is distance_to_cross(position, name) when set (a caller with the road network
    /// passes one: the CLI measures to the named road's geometry); otherwise the distance to
    /// the nearest plate whose Plate::road is that name (a street without plates is then
    /// unknown, and the answer is ignored: LocateResult::cross_unknown).
    std::string cross;
    double cross_distance_m = 150.0;
    double cross_wrong = 0.05;
    std::function<double(XY, const std::string &)> distance_to_cross;
    /// Confidence model (docs/locate.md, fitted by bench_registry_calibration on simulated
    /// calls, scored on other draws): P(plate | heard, position) ∝ prior^prior_power ×
    /// [(1 − position_outlier) · N(position; plate, σ²) + position_outlier / area], with an
    /// "unexplained" alternative of mass other_mass (× 1 / area with a position): what was heard
    /// is none of the candidates (three or more errors, a plate not in the register).
    /// edit_weight λ multiplies an explanation's weight by λ per edit (a wrong prefix counts
    /// as one): the callers' misread rate relative to the error model's (λ > 1: more misreads).
    double prior_power = 1.0;
    double edit_weight = 1.0;
    double other_mass = 1e-5;
    double position_outlier = 0.15;
    /// A position farther than this from every plate is not used (flagged: a handset with
    /// no fix gives 0,0).
    double max_position_offset_m = 20000.0;
    /// `none_near` when no candidate lies within none_near_factor × radius of the caller (3).
    double none_near_factor = 3.0;
    /// The dispatch answer (LocateResult::dispatch): the plate whose reach_m neighbourhood
    /// holds the most posterior mass — where a unit sent there is most likely to find the
    /// caller within reach_m (100 m). 0: not computed.
    double reach_m = 100.0;
};

enum class MatchKind {
    exact,     ///< the ID is a plate, and (with a position) it lies near the caller
    exact_far, ///< the ID is a plate but far from the caller (or, with a second plate, not
               ///< beside it); nearby alternatives follow
    fuzzy,     ///< no plate has this ID; candidates from the error model
    none,      ///< a plausible ID but nothing in the registry explains it
    invalid    ///< not a plate ID at all (see LocateResult::error)
};
const char *match_kind_name(MatchKind kind) noexcept;

struct Candidate {
    std::size_t plate = 0; ///< index into Registry::plates()
    std::string id;
    double score = 0.0; ///< prior x distance factor: comparable across error kinds
    /// P(this is the plate | what was heard, the caller's position): calibrated (docs/
    /// locate.md), the position included, never renormalised over the candidates shown.
    double confidence = 0.0;
    double prior = 0.0;      ///< P(what was heard | this plate) under the error model
    double distance_m = -1;  ///< from the caller position; -1 without one
    int edits = 0;           ///< 0 exact, 1 or 2
    std::string explanation; ///< "exact", "6 read as 9 (digit 5)", "digits 3 and 4 swapped" ...
    /// With LocateOptions::also: the second plate paired with this one, its distance from this
    /// one and its explanation.
    std::optional<std::size_t> partner;
    double partner_distance_m = -1;
    std::string partner_explanation;
};

struct LocateResult {
    MatchKind kind = MatchKind::none;
    std::string normalized;            ///< normalised input (see NormalizedId::id)
    std::string error;                 ///< for MatchKind::invalid (names the second plate if it is
                                       ///< the invalid one)
    std::optional<std::size_t> exact;  ///< the plate whose ID matched exactly
    bool far_from_caller = false;      ///< the exact match lies beyond far_factor*radius
    std::vector<Candidate> candidates; ///< best first
    /// With a position: no candidate lies within LocateOptions::none_near_factor × radius of
    /// the caller. `nearby` then holds the plates nearest the caller (read them back).
    bool none_near = false;
    std::vector<NearbyPlate> nearby;
    /// The position was not used: farther than max_position_offset_m from every plate.
    bool position_ignored = false;
    /// The probability that what was heard is none of the candidates.
    double unexplained = 0.0;
    /// When the first two answers are close (second ≥ a third of the first): the question that
    /// separates them best: "road" (they lie on different roads: ask the road name), "cross"
    /// (one road, but near different cross streets: ask the nearest cross street, then
    /// LocateOptions::cross), "side" (one road, opposite sides), "also" (ask for a second
    /// plate in sight). A question already answered (road, cross, also) is not asked again.
    /// Empty otherwise.
    std::string ask;
    std::string ask_detail; ///< e.g. "人民北路 or 荆竹中路"
    /// LocateOptions::cross named a street the registry does not know (no plate on it and no
    /// distance_to_cross): the answer was not used.
    bool cross_unknown = false;
    /// Where to send the unit (LocateOptions::reach_m): the plate, among every candidate the
    /// error model found (not only those shown), whose reach_m neighbourhood holds the most
    /// posterior mass. Usually candidates[0]; on a register numbered along its roads it can be
    /// a plate between two close answers. Its `confidence` is its own posterior, as for any
    /// candidate; dispatch_confidence = P(the true plate lies within reach_m of it). Unset
    /// without candidates or with reach_m = 0.
    std::optional<Candidate> dispatch;
    double dispatch_confidence = 0.0;
};

class Registry {
public:
    /// Build the index. Throws Error(duplicate_id) for a repeated ID and
    /// Error(invalid_argument) for an ID that does not fit the scheme or a non-finite
    /// position; the message names the ID and its index.
    explicit Registry(std::vector<Plate> plates, PlateScheme scheme = {});
    ~Registry();
    Registry(Registry &&) noexcept;
    Registry &operator=(Registry &&) noexcept;
    Registry(const Registry &) = delete;
    Registry &operator=(const Registry &) = delete;

    const PlateScheme &scheme() const noexcept;
    const std::vector<Plate> &plates() const noexcept;
    std::size_t size() const noexcept;

    /// Exact lookup of a canonical ID (no normalisation): a hash probe. A plate that carries a
    /// check digit is also found by its ID without it ("L207-0042" finds "L207-00427").
    std::optional<std::size_t> find(std::string_view canonical_id) const;

    /// Normalise, look up exactly, and resolve fuzzily when needed (see LocateOptions).
    LocateResult locate(std::string_view heard, const LocateOptions &options = {}) const;

    /// The k plates nearest to `point` (uniform grid, not a scan), nearest first;
    /// ties by index. Empty registry or k = 0: empty result.
    std::vector<NearbyPlate> nearest(XY point, std::size_t k) const;

    struct Impl;

private:
    LocateResult locate_one(std::string_view heard, const LocateOptions &options) const;
    void finish_result(LocateResult &out, const std::optional<CallerPosition> &near,
                       const LocateOptions &options) const;
    std::unique_ptr<Impl> m_impl;
};

// ---------------------------------------------------------------------------------------------
// Registry checks

enum class Severity { warning, error };
enum class CheckKind {
    duplicate_id,     ///< error
    invalid_id,       ///< error: does not fit the scheme
    invalid_position, ///< error: non-finite position or lon/lat out of range
    same_spot,        ///< warning: two plates closer than same_spot_m
    out_of_order,     ///< warning: numbers not in order along the road (swapped plates)
    confusable,       ///< warning: one misreading apart but far from each other
    far_from_road     ///< warning: farther than max_road_distance_m from every road
};
const char *check_kind_name(CheckKind kind) noexcept;

struct CheckIssue {
    CheckKind kind = CheckKind::invalid_id;
    Severity severity = Severity::warning;
    std::vector<std::size_t> plates; ///< indices into the checked vector
    std::vector<std::string> ids;
    double distance_m = -1; ///< the distance involved, where one is
    std::string message;
    /// Confusable pairs only: the misreading ("1/7 at digit 6", "digits 5 and 6 swapped",
    /// "prefix G/L"), its probability per reading under the resolver's error model (the
    /// likelier direction), and the ranking score = probability × distance_m — the metres a
    /// unit is sent astray per reading, on average.
    std::string misreading;
    double probability = 0.0;
    double score = 0.0;
};

struct StatusCount {
    std::string kind;
    std::size_t ok = 0, damaged = 0, missing = 0, unknown = 0;
};

struct CheckOptions {
    double same_spot_m = 1.0; ///< closer than this: two plates at one spot (1 m)
    /// Confusable pairs: plates one misreading apart (one digit, two adjacent digits swapped,
    /// or the type prefix) farther apart than confusable_min_m (1,000 m) whose misreading has
    /// a probability per reading of at least confusable_min_probability (0.003: one reading in
    /// 333; with the default scheme the eight likeliest digit confusions 1/7, 3/8, 2/7, 4/9,
    /// 0/8, 5/6, 6/9, 6/8, adjacent swaps and a wrong prefix, not 5/9, 8/9 or a random digit). A
    /// misread digit of a plate with a check digit counts one hundredth (the check fails).
    double confusable_min_m = 1000.0;
    double confusable_min_probability = 0.003;
    double max_road_distance_m = 50.0; ///< plates farther than this from every road (50 m)
    /// Distance from a point to the nearest road in metres; unset: no road check.
    std::function<double(XY)> distance_to_road;
    bool check_lonlat = true; ///< lon in [-180,180], lat in [-90,90]
    bool check_order = true;
    bool check_confusable = true;
};

struct CheckReport {
    /// Ordered by kind, then first plate index; confusable pairs by score, highest first
    /// (ties by the plate indices).
    std::vector<CheckIssue> issues;
    std::vector<StatusCount> status; ///< per kind, in scheme order
    std::size_t plate_count = 0;
    std::size_t error_count = 0;
    std::size_t warning_count = 0;
    bool has_errors() const noexcept { return error_count > 0; }
};

/// Check a plate layer (it may hold duplicates and bad IDs: they are reported, not thrown).
CheckReport check_plates(const std::vector<Plate> &plates, const CheckOptions &options = {},
                         const PlateScheme &scheme = {});

/// The checks of a scene's plates, as `lugeo poles check` and the planning report run them:
/// check_plates under the plates' scheme, then as errors too (never a silent "0 errors") the
/// rows the layer reader refused (unknown status, a position out of range) that no error names
/// yet, and each poles or lamps layer's rows without a usable position (from `reports`, the
/// scene's layer reports).
CheckReport check_scene_plates(const Plates &set, const std::vector<LayerReport> &reports,
                               const CheckOptions &options = {});

/// The confusable pairs of one pair of roads (either order): the worst pair and how many.
struct ConfusableRoads {
    std::string road_a, road_b; ///< the roads of the worst pair's two plates, in its order
    std::size_t worst = 0;      ///< index into CheckReport::issues: the pair with the top score
    std::size_t pairs = 0;      ///< pairs of plates between these two roads
};
/// The confusable pairs as presented by `lugeo poles check` and the report: one count, and
/// each pair of roads once. A plate's road is its road name, else its ID up to the first
/// '-' (the scheme's road part, "L353" of "L353-0002").
struct ConfusableSummary {
    std::size_t pairs = 0;              ///< pairs of plates
    std::vector<ConfusableRoads> roads; ///< by their worst pair's score, highest first
};
ConfusableSummary confusable_summary(const CheckReport &report, const Plates &set);

/// CheckOptions::distance_to_road over a network: the distance to the nearest walkable edge
/// of any component; infinity beyond max(4 x max_road_distance_m, 1000 m).
std::function<double(XY)> road_distance(const Network &net, double max_road_distance_m);

// ---------------------------------------------------------------------------------------------
// Numbering new plates

enum class PlateSide { any, left, right }; ///< left = odd numbers, right = even (two-sided types)

struct NewPlate {
    XY position;
    std::string kind; ///< PlateType::kind, or the prefix as a one-letter string
    int district = 1; ///< with road: the road code, when `head` is empty
    int road = 1;
    PlateSide side = PlateSide::any;
    std::string head; ///< the road code digits ("207"); empty: from district and road
};

struct AssignOptions {
    bool with_check_digit =
        true; ///< append the scheme's check digit (true; none if the scheme has none)
    /// Number a road's new plates in chain order starting from its highest-numbered existing
    /// plate (nearest first), instead of input order (true).
    bool order_along_road = true;
};

struct AssignedPlate {
    std::size_t input = 0; ///< index into the new plates
    std::string id;
    PlateIdParts parts;
};

/// Number new plates: on each district/road the next free numbers after the highest one in
/// use (existing plates and earlier new ones; a number is never reused, with or without check
/// digit). Throws Error(invalid_argument) for an unknown kind, a district/road out of range, or
/// a road whose numbers run out. Result in input order.
std::vector<AssignedPlate> assign_plate_ids(const Registry &existing,
                                            const std::vector<NewPlate> &new_plates,
                                            const AssignOptions &options = {});

} // namespace lugeo
