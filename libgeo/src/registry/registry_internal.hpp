// Private to the registry module: parsed input, keys, the hash index, the error model.
#pragma once

#include <lugeo/detail/bucket_grid.hpp>
#include <lugeo/geometry.hpp>
#include <lugeo/registry.hpp>

#include <array>
#include <cstdint>
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lugeo::registry_detail {

/// Maximum number of digits an ID (or a heard string) may carry for the resolver.
inline constexpr int max_digits = 13;

/// What a caller gave, leniently parsed: an optional type and a digit string.
struct HeardId {
    std::optional<std::size_t> type; ///< index into scheme.types
    bool unknown_prefix = false;     ///< a letter that is no type prefix was given
    std::string digits;              ///< '0'..'9' only
    std::string display;             ///< cleaned text, e.g. "L207-0042"
    std::string error;               ///< garbage: not a plate ID at all
};

HeardId parse_heard(std::string_view text, const PlateScheme &scheme);

/// Digits as small integers.
struct Digits {
    std::array<std::uint8_t, max_digits + 2> d{};
    int n = 0;
};

/// Hash key of (type, digit string of at most max_digits): never 0. Up to 65,535 types.
inline std::uint64_t make_key(std::size_t type, const std::uint8_t *d, int n) noexcept {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i)
        v = v * 10 + d[i];
    return (static_cast<std::uint64_t>(type + 1) << 48) | (static_cast<std::uint64_t>(n) << 44) | v;
}

/// Strict match of a canonical ID against one type: the digits (with the check digit, when
/// the ID carries one), and the name of a `{*}` template.
bool match_canonical(const PlateType &t, std::string_view text, std::string &digits,
                     bool &with_check, std::string *name);
/// The canonical text of `digits` (with its check digit when `with_check`) under type t.
std::string format_canonical(const PlateType &t, std::string_view digits, bool with_check,
                             std::string_view name);
/// Heard digits shown in the type's layout where they fit it.
std::string format_heard(const PlateType &t, std::string_view prefix, std::string_view digits);
bool check_valid(CheckDigit c, std::string_view digits);
char check_char(CheckDigit c, std::string_view digits);

/// Open-addressing hash map uint64 -> uint32 (linear probing, power-of-two capacity).
class KeyIndex {
public:
    void reserve(std::size_t n);
    /// False when the key is already present (the value is left unchanged).
    bool insert(std::uint64_t key, std::uint32_t value);
    std::optional<std::uint32_t> find(std::uint64_t key) const noexcept {
        if (m_keys.empty()) return std::nullopt;
        std::size_t i = mix(key) & m_mask;
        while (true) {
            const std::uint64_t k = m_keys[i];
            if (k == key) return m_values[i];
            if (k == 0) return std::nullopt;
            i = (i + 1) & m_mask;
        }
    }

private:
    static std::size_t mix(std::uint64_t x) noexcept {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9ULL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebULL;
        x ^= x >> 31;
        return static_cast<std::size_t>(x);
    }
    std::vector<std::uint64_t> m_keys;
    std::vector<std::uint32_t> m_values;
    std::size_t m_mask = 0;
};

// ---------------------------------------------------------------------------------------------
// Error model of the resolver

enum class EditKind : std::uint8_t {
    substitute, ///< true digit a heard as b at pos
    swap,       ///< digits pos and pos+1 swapped
    drop,       ///< true digit a at pos not heard
    extra,      ///< heard an extra digit b at pos (doubled when equal to a neighbour)
    four_ten,   ///< true 4 heard as 10 (四/十) at pos
    ten_four,   ///< true 10 heard as 4 at pos
    zeros,      ///< the number's leading zeros not said ("207 42" for 207-0042); a = how many
};

struct Edit {
    EditKind kind = EditKind::substitute;
    std::uint8_t pos = 0;
    std::uint8_t a = 0;
    std::uint8_t b = 0;
};

/// P(heard | true) for each edit (per ID, probability-like) and the confusion table.
struct ErrorModel {
    double p_correct = 0.85;
    double r_substitute = 0.08;
    double r_swap = 0.03;
    double r_drop = 0.015;
    double r_extra = 0.015;
    double r_four_ten = 0.01;
    double r_prefix = 0.02;
    /// The number said as a number ("四十二", "42"), its leading zeros left out, with no dash
    /// to show where it starts (as likely as a wrong prefix; the simulated caller never does it).
    double r_zeros = 0.02;
    /// conf[a][b]: P(b heard | a said, a substitution happened); rows sum to 1.
    std::array<std::array<double, 10>, 10> conf{};
    /// raw pair weight in [0,1] (max of reading and hearing tables), for confusable checks
    std::array<std::array<double, 10>, 10> pair{};

    ErrorModel();
    static const ErrorModel &standard();
};

/// One explanation of a candidate: up to two digit edits plus a prefix change.
struct Explanation {
    std::array<Edit, 2> edits{};
    int n_edits = 0;
    bool prefix_changed = false;
    bool prefix_missing = false;
    bool check_omitted = false; ///< a check-digit plate matched without its check digit
    std::size_t heard_type = 0;
    std::size_t true_type = 0;
};

struct Hit {
    std::uint32_t plate = 0;
    double weight = 0.0;
    Explanation why;
};

/// What the resolver probes: the hash index and two cheap filters in front of it.
struct LookupIndex {
    KeyIndex keys;                       ///< full keys and, for check plates, the base key
    std::vector<std::uint8_t> has_check; ///< per plate
    std::vector<std::uint32_t> lengths;  ///< per type: bit L set: some key has L digits
    std::uint32_t all_lengths = 0;       ///< union over the types
    /// The road filter: the first head_digits digits of an ID (the same for every type: the
    /// smallest head of all types, at most 4) select a slot per type; 0 digits: one per type.
    int head_digits = 0;
    std::size_t head_space = 1;          ///< 10^head_digits
    std::vector<std::uint8_t> heads;     ///< [type * head_space + head value]: a road in use
    std::vector<Box> head_box;           ///< same index: the box of the road's plates
    std::vector<std::uint8_t> guessable; ///< per type: may be tried for another or no prefix

    std::size_t slot(std::size_t type, const std::uint8_t *d) const noexcept {
        std::size_t v = 0;
        for (int i = 0; i < head_digits; ++i)
            v = v * 10 + d[i];
        return type * head_space + v;
    }
    bool has_head(std::size_t type, const std::uint8_t *d, int n) const noexcept {
        if (n < head_digits) return false;
        return heads[slot(type, d)] != 0;
    }
};

/// Upper bound of the weight of any two-edit explanation (prefix kept).
inline constexpr double two_edit_bound = 1e-4;

/// Enumerate the true IDs that explain `heard`, probe each in the index, append hits
/// (possibly several per plate). Stage 0: the digits as heard (under every type when no prefix
/// was heard, and with a changed prefix); stage 1: one edit; stage 2: two edits.
///
/// Stage 2 is a branch and bound for the best `prune.keep` plates: `prune.seed` holds the
/// plates and scores known from stages 0-1, `prune.factor(plate)` (may be empty: 1) is the
/// position factor in [0, 1] a plate's score is multiplied by. Once `keep` plates score above
/// s, explanation paths whose weight is below `slack` * s are not enumerated (they could only
/// change the order through the sum of many such paths).
struct StagePrune {
    std::size_t keep = 5;
    double slack = 0.25;
    std::vector<std::pair<std::uint32_t, double>> seed;
    std::optional<CallerPosition> near;         ///< scores are multiplied by distance_factor
    const std::vector<Plate> *plates = nullptr; ///< positions, with `near`
};

/// Likelihood of the caller's position when the plate is d metres away: an isotropic
/// Gaussian with sigma = radius / 2 per axis (the caller lies within `radius` about 86% of the
/// time, within 1.5 radius 99%), floored so that a far plate is never ruled out.
inline double distance_factor(double d, double radius) {
    const double sigma = std::max(radius, 1.0) / 2.0;
    const double z = d / sigma;
    return std::max(std::exp(-0.5 * z * z), 1e-6);
}

/// Distance from p to a box (0 inside).
inline double distance_to_box(const Box &b, XY p) {
    const double dx = std::max({b.minx - p.x, 0.0, p.x - b.maxx});
    const double dy = std::max({b.miny - p.y, 0.0, p.y - b.maxy});
    return std::sqrt(dx * dx + dy * dy);
}

void enumerate_candidates(const HeardId &heard, const PlateScheme &scheme, const LookupIndex &index,
                          int stage, std::vector<Hit> &hits, const StagePrune *prune = nullptr);

std::string explain(const Explanation &why, const PlateScheme &scheme);

} // namespace lugeo::registry_detail

namespace lugeo {

struct Registry::Impl {
    PlateScheme scheme;
    std::vector<Plate> plates;
    std::vector<PlateIdParts> parts;
    registry_detail::LookupIndex lookup;
    /// prefix + prefix separator ("DG-", "G") -> types (for find)
    std::unordered_map<std::string, std::vector<std::uint32_t>> by_prefix;

    /// Plate::road -> the plates on it (cross streets judged by their plates)
    std::unordered_map<std::string, std::vector<std::uint32_t>> road_plates;

    Box box;                   ///< of the plates
    double area_m2 = 1e6;      ///< of the box grown by 500 m (the "anywhere" position density)
    detail::BucketGrid<> grid; ///< plate numbers by position, for nearest()
};

} // namespace lugeo
