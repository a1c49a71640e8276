// The registry: build, exact and fuzzy lookup, nearest plates.
#include "registry_internal.hpp"

#include <lugeo/error.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace lugeo {

using namespace registry_detail;

// ------------------------------------------------------------------------------- KeyIndex

void registry_detail::KeyIndex::reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < 2 * n + 1)
        cap <<= 1;
    m_keys.assign(cap, 0);
    m_values.assign(cap, 0);
    m_mask = cap - 1;
}

bool registry_detail::KeyIndex::insert(std::uint64_t key, std::uint32_t value) {
    std::size_t i = mix(key) & m_mask;
    while (m_keys[i] != 0) {
        if (m_keys[i] == key) return false;
        i = (i + 1) & m_mask;
    }
    m_keys[i] = key;
    m_values[i] = value;
    return true;
}

// ------------------------------------------------------------------------------- names

const char *match_kind_name(MatchKind kind) noexcept {
    switch (kind) {
    case MatchKind::exact:
        return "exact";
    case MatchKind::exact_far:
        return "exact_far";
    case MatchKind::fuzzy:
        return "fuzzy";
    case MatchKind::none:
        return "none";
    case MatchKind::invalid:
        return "invalid";
    }
    return "none";
}

// ------------------------------------------------------------------------------- build

namespace {

std::string plate_context(const Plate &p, std::size_t i) {
    return "plate '" + p.id + "' (index " + std::to_string(i) + ")";
}

} // namespace

Registry::Registry(std::vector<Plate> plates, PlateScheme scheme)
    : m_impl(std::make_unique<Impl>()) {
    Impl &im = *m_impl;
    {
        std::vector<std::string> ids;
        ids.reserve(plates.size());
        for (const auto &p : plates)
            ids.push_back(p.id);
        scheme = expand_plate_scheme(scheme, ids);
    }
    if (scheme.types.empty() || scheme.types.size() > 65000)
        throw Error(ErrorCode::invalid_config, "plate scheme needs 1 to 65,000 plate types");
    for (const auto &t : scheme.types)
        if (t.groups.empty() || t.id_digits() < 1 || t.id_digits() + 1 > max_digits ||
            t.seps.size() + 1 != t.groups.size())
            throw Error(ErrorCode::invalid_config,
                        "plate scheme '" + t.pattern() + "': digit groups out of range");
    im.scheme = std::move(scheme);
    im.plates = std::move(plates);
    const auto n = im.plates.size();
    if (n >= 0xFFFFFFFFu) throw Error(ErrorCode::invalid_argument, "too many plates");
    const std::size_t ntypes = im.scheme.types.size();
    im.parts.resize(n);
    auto &lk = im.lookup;
    lk.has_check.assign(n, 0);
    lk.keys.reserve(2 * n);
    lk.lengths.assign(ntypes, 0);
    lk.guessable.assign(ntypes, 0);
    int min_head = 4;
    for (std::size_t t = 0; t < ntypes; ++t) {
        const auto &ty = im.scheme.types[t];
        lk.guessable[t] = ty.any_name || ty.exact_name ? 0 : 1;
        if (!ty.any_name) min_head = std::min(min_head, ty.head_digits());
    }
    lk.head_digits = min_head;
    lk.head_space = 1;
    for (int k = 0; k < lk.head_digits; ++k)
        lk.head_space *= 10;
    lk.heads.assign(ntypes * lk.head_space, 0);
    lk.head_box.assign(ntypes * lk.head_space, Box{});
    std::string digits;
    for (std::size_t i = 0; i < n; ++i) {
        Plate &p = im.plates[i];
        const auto parts = parse_plate_id(p.id, im.scheme);
        if (!parts || im.scheme.types[parts->type].any_name)
            throw Error(ErrorCode::invalid_argument, plate_context(p, i) +
                                                         ": ID does not fit the plate scheme " +
                                                         im.scheme.text());
        const auto &type = im.scheme.types[parts->type];
        if (p.kind.empty())
            p.kind = type.kind;
        else if (p.kind != type.kind)
            throw Error(ErrorCode::invalid_argument, plate_context(p, i) + ": kind '" + p.kind +
                                                         "' does not match prefix " + type.prefix +
                                                         " (" + type.kind + ")");
        if (!std::isfinite(p.position.x) || !std::isfinite(p.position.y))
            throw Error(ErrorCode::invalid_argument,
                        plate_context(p, i) + ": position is not finite");
        im.parts[i] = *parts;
        lk.has_check[i] = parts->check ? 1 : 0;

        bool wc = false;
        registry_detail::match_canonical(type, p.id, digits, wc, nullptr);
        std::array<std::uint8_t, max_digits + 2> d{};
        for (std::size_t k = 0; k < digits.size(); ++k)
            d[k] = static_cast<std::uint8_t>(digits[k] - '0');
        const int base_n = static_cast<int>(digits.size()) - (wc ? 1 : 0);
        const auto base = make_key(parts->type, d.data(), base_n);
        if (!lk.keys.insert(base, static_cast<std::uint32_t>(i))) {
            const auto other = *lk.keys.find(base);
            throw Error(ErrorCode::duplicate_id, "duplicate plate ID: " + plate_context(p, i) +
                                                     " has the number of " +
                                                     plate_context(im.plates[other], other));
        }
        lk.lengths[parts->type] |= 1u << base_n;
        if (wc) {
            lk.keys.insert(make_key(parts->type, d.data(), base_n + 1),
                           static_cast<std::uint32_t>(i));
            lk.lengths[parts->type] |= 1u << (base_n + 1);
        }
        const std::size_t slot = lk.slot(parts->type, d.data());
        lk.heads[slot] = 1;
        lk.head_box[slot].extend(p.position);
    }
    for (auto l : lk.lengths)
        lk.all_lengths |= l;
    for (std::size_t t = 0; t < ntypes; ++t) {
        const auto &ty = im.scheme.types[t];
        if (ty.any_name) continue;
        im.by_prefix[ty.prefix + ty.prefix_sep].push_back(static_cast<std::uint32_t>(t));
    }

    for (std::size_t i = 0; i < n; ++i)
        if (!im.plates[i].road.empty())
            im.road_plates[im.plates[i].road].push_back(static_cast<std::uint32_t>(i));
    for (const auto &p : im.plates)
        im.box.extend(p.position);
    if (im.box.valid())
        im.area_m2 = (im.box.maxx - im.box.minx + 1000.0) * (im.box.maxy - im.box.miny + 1000.0);
    // uniform grid, about two plates per cell
    if (n > 0) {
        const double w = im.box.maxx - im.box.minx, h = im.box.maxy - im.box.miny;
        double cell = std::sqrt(std::max(w * h, 1.0) / std::max(1.0, static_cast<double>(n) / 2.0));
        im.grid = detail::BucketGrid<>(im.box, std::max(cell, 1.0), 2048);
        std::vector<XY> at(n);
        for (std::size_t i = 0; i < n; ++i)
            at[i] = im.plates[i].position;
        im.grid.fill_points(at);
    }
}

Registry::~Registry() = default;
Registry::Registry(Registry &&) noexcept = default;
Registry &Registry::operator=(Registry &&) noexcept = default;

const PlateScheme &Registry::scheme() const noexcept {
    return m_impl->scheme;
}
const std::vector<Plate> &Registry::plates() const noexcept {
    return m_impl->plates;
}
std::size_t Registry::size() const noexcept {
    return m_impl->plates.size();
}

// ------------------------------------------------------------------------------- lookup

std::optional<std::size_t> Registry::find(std::string_view id) const {
    const Impl &im = *m_impl;
    if (id.empty()) return std::nullopt;
    // the text before the first digit selects the types
    std::size_t k = 0;
    while (k < id.size() && !(id[k] >= '0' && id[k] <= '9'))
        ++k;
    thread_local std::string key;
    key.assign(id.data(), k);
    const auto it = im.by_prefix.find(key);
    if (it == im.by_prefix.end()) return std::nullopt;
    thread_local std::string digits;
    for (const std::uint32_t t : it->second) {
        bool wc = false;
        if (!registry_detail::match_canonical(im.scheme.types[t], id, digits, wc, nullptr))
            continue;
        std::array<std::uint8_t, max_digits + 2> d{};
        for (std::size_t q = 0; q < digits.size(); ++q)
            d[q] = static_cast<std::uint8_t>(digits[q] - '0');
        const auto hit =
            im.lookup.keys.find(make_key(t, d.data(), static_cast<int>(digits.size())));
        if (hit) return static_cast<std::size_t>(*hit);
    }
    return std::nullopt;
}

namespace {} // namespace

namespace {

/// Merge hits per plate (sum of path probabilities, explained by the most likely path) and
/// score them. Sorted best first.
struct Scored { // the numbers of a Candidate (cheap to sort: no strings)
    std::size_t plate = 0;
    double score = 0.0, prior = 0.0, distance_m = -1;
    int edits = 0;
};
struct Merged {
    Scored c;
    const Hit *best = nullptr;
};

Candidate to_candidate(const Scored &s) {
    Candidate c;
    c.plate = s.plate;
    c.score = s.score;
    c.prior = s.prior;
    c.distance_m = s.distance_m;
    c.edits = s.edits;
    return c;
}

std::vector<Merged> merge_hits(std::vector<Hit> &hits, const Registry::Impl &im,
                               const std::optional<CallerPosition> &near, double edit_weight) {
    const double lambda[3] = {1.0, edit_weight, edit_weight * edit_weight};
    std::sort(hits.begin(), hits.end(), [](const Hit &a, const Hit &b) {
        return a.plate != b.plate ? a.plate < b.plate : a.weight > b.weight;
    });
    std::vector<Merged> out;
    for (std::size_t i = 0; i < hits.size();) {
        std::size_t j = i;
        double sum = 0;
        while (j < hits.size() && hits[j].plate == hits[i].plate) {
            const auto &w = hits[j++];
            sum += w.weight * lambda[std::min(2, w.why.n_edits + (w.why.prefix_changed ? 1 : 0))];
        }
        Merged m;
        m.c.plate = hits[i].plate;
        m.c.prior = sum;
        m.c.edits = hits[i].why.n_edits + (hits[i].why.prefix_changed ? 1 : 0);
        m.c.score = sum;
        if (near) {
            m.c.distance_m = distance(im.plates[m.c.plate].position, near->position);
            m.c.score *= distance_factor(m.c.distance_m, near->radius_m);
        }
        m.best = &hits[i];
        out.push_back(m);
        i = j;
    }
    std::sort(out.begin(), out.end(), [&](const Merged &a, const Merged &b) {
        if (a.c.score != b.c.score) return a.c.score > b.c.score;
        return im.plates[a.c.plate].id < im.plates[b.c.plate].id;
    });
    return out;
}

/// Distance from p to the cross street `name` (LocateOptions::cross): the caller's measure, else
/// the nearest plate on that road; infinity when the street is unknown.
double cross_distance(const Registry::Impl &im, XY p, const LocateOptions &options) {
    if (options.distance_to_cross) return options.distance_to_cross(p, options.cross);
    const auto it = im.road_plates.find(options.cross);
    double best = std::numeric_limits<double>::infinity();
    if (it == im.road_plates.end()) return best;
    for (const std::uint32_t j : it->second)
        best = std::min(best, distance(p, im.plates[j].position));
    return best;
}

/// The nearest cross street of plate i: the road of the nearest plate on another road within
/// `within` metres; empty when none.
std::string nearest_cross(const Registry &reg, std::size_t i, double within) {
    const Plate &a = reg.plates()[i];
    if (a.road.empty()) return {};
    for (const auto &nb : reg.nearest(a.position, 32)) {
        if (nb.distance_m > within) break;
        const Plate &b = reg.plates()[nb.plate];
        if (!b.road.empty() && b.road != a.road) return b.road;
    }
    return {};
}

/// A candidate the error model found, with its final probability (for the dispatch answer).
struct PoolEntry {
    std::uint32_t plate = 0;
    double probability = 0.0;
    const Candidate *shown = nullptr; ///< the candidate as shown, if it is
    const Merged *merged = nullptr;   ///< else where it came from (locate_one)
};

/// LocateResult::dispatch: among the likeliest `pool` entries (best first), the plate whose
/// reach_m neighbourhood holds the most probability; ties keep the likelier plate.
void set_dispatch(LocateResult &out, const std::vector<PoolEntry> &pool, const Registry::Impl &im,
                  const LocateOptions &options, const std::optional<CallerPosition> &near) {
    out.dispatch.reset();
    out.dispatch_confidence = 0.0;
    if (pool.empty() || options.reach_m <= 0 || out.candidates.empty()) return;
    constexpr std::size_t max_sites = 24, max_mass = 64;
    const std::size_t nm = std::min(pool.size(), max_mass);
    const double r2 = options.reach_m * options.reach_m;
    std::size_t best = 0;
    double best_mass = -1;
    for (std::size_t c = 0; c < std::min(pool.size(), max_sites); ++c) {
        const XY at = im.plates[pool[c].plate].position;
        double mass = 0;
        for (std::size_t j = 0; j < nm; ++j) {
            const XY q = im.plates[pool[j].plate].position;
            const double dx = q.x - at.x, dy = q.y - at.y;
            if (dx * dx + dy * dy <= r2) mass += pool[j].probability;
        }
        if (mass > best_mass * (1.0 + 1e-9)) {
            best_mass = mass;
            best = c;
        }
    }
    const PoolEntry &e = pool[best];
    if (e.shown) {
        out.dispatch = *e.shown;
    } else {
        Candidate c = e.merged ? to_candidate(e.merged->c) : Candidate{};
        c.plate = e.plate;
        c.id = im.plates[e.plate].id;
        c.confidence = e.probability;
        if (e.merged) c.explanation = explain(e.merged->best->why, im.scheme);
        if (near) c.distance_m = distance(im.plates[e.plate].position, near->position);
        out.dispatch = std::move(c);
    }
    out.dispatch_confidence = std::min(1.0, best_mass);
}

} // namespace

LocateResult Registry::locate(std::string_view text, const LocateOptions &options) const {
    if (options.also.empty()) return locate_one(text, options);
    // Two plates read by one caller: candidates of each, paired by proximity.
    LocateOptions wide = options;
    wide.also.clear();
    wide.always_fuzzy = true;
    wide.candidates = std::max<std::size_t>(options.candidates, 50);
    wide.min_relative_score = 1e-6;
    LocateResult first = locate_one(text, wide);
    if (first.kind == MatchKind::invalid || first.candidates.empty()) {
        first.candidates.resize(std::min(first.candidates.size(), options.candidates));
        return first;
    }
    const LocateResult second = locate_one(options.also, wide);
    if (second.kind == MatchKind::invalid) {
        LocateResult bad;
        bad.kind = MatchKind::invalid;
        bad.normalized = first.normalized;
        bad.error = "second plate '" + options.also + "': " + second.error;
        return bad;
    }
    const Impl &im = *m_impl;
    const double sigma = std::max(options.pair_distance_m, 1.0) / 2.0;
    for (auto &c : first.candidates) {
        double best = 0;
        for (const auto &c2 : second.candidates) {
            if (c2.plate == c.plate) continue;
            const double d = distance(im.plates[c.plate].position, im.plates[c2.plate].position);
            const double z = d / sigma;
            const double v = c2.score * std::max(std::exp(-0.5 * z * z), 1e-6);
            if (v > best) {
                best = v;
                c.partner = c2.plate;
                c.partner_distance_m = d;
                c.partner_explanation = c2.explanation;
            }
        }
        // no second candidate at all: the pair says nothing; keep the first plate's order
        c.score *= second.candidates.empty() ? 1.0 : best;
    }
    std::stable_sort(first.candidates.begin(), first.candidates.end(),
                     [](const Candidate &a, const Candidate &b) { return a.score > b.score; });
    double total = 0;
    for (const auto &c : first.candidates)
        total += c.score;
    const double top = first.candidates.front().score;
    std::vector<Candidate> kept;
    const double explained = 1.0 - first.unexplained;
    for (auto &c : first.candidates)
        c.confidence = total > 0 ? explained * c.score / total : 0.0;
    std::vector<Candidate> all = first.candidates;
    for (auto &c : first.candidates) {
        if (kept.size() >= options.candidates || c.score < options.min_relative_score * top) break;
        kept.push_back(std::move(c));
    }
    first.candidates = std::move(kept);
    if (first.exact) {
        const bool exact_first =
            !first.candidates.empty() && first.candidates.front().plate == *first.exact;
        first.kind =
            exact_first && !first.far_from_caller ? MatchKind::exact : MatchKind::exact_far;
        if (!options.always_fuzzy && first.kind == MatchKind::exact) first.candidates.resize(1);
    }
    std::optional<CallerPosition> near = first.position_ignored ? std::nullopt : options.near;
    finish_result(first, near, options);
    std::vector<PoolEntry> pool;
    pool.reserve(all.size());
    for (const auto &c : all)
        pool.push_back({static_cast<std::uint32_t>(c.plate), c.confidence, &c, nullptr});
    set_dispatch(first, pool, im, options, near);
    return first;
}

LocateResult Registry::locate_one(std::string_view text, const LocateOptions &options) const {
    const Impl &im = *m_impl;
    LocateResult out;
    HeardId heard;
    if (const auto parts = parse_plate_id(text, im.scheme);
        parts && !im.scheme.types[parts->type].any_name) { // fast path: already canonical
        heard.type = parts->type;
        bool wc = false;
        match_canonical(im.scheme.types[parts->type], text, heard.digits, wc, nullptr);
        heard.display = std::string(text);
    } else {
        heard = parse_heard(text, im.scheme);
    }
    if (!heard.error.empty()) {
        out.kind = MatchKind::invalid;
        out.error = heard.error;
        return out;
    }
    out.normalized = heard.display;

    // a position far from every plate (0,0 from a handset without a fix) is not used
    std::optional<CallerPosition> near = options.near;
    if (near && im.box.valid() &&
        (!std::isfinite(near->position.x) || !std::isfinite(near->position.y) ||
         distance_to_box(im.box, near->position) > options.max_position_offset_m)) {
        near.reset();
        out.position_ignored = true;
    }

    std::vector<Hit> hits;
    enumerate_candidates(heard, im.scheme, im.lookup, 0, hits);
    // exact: the digits as heard, with the prefix as heard (or the only type that matches)
    std::optional<std::size_t> exact;
    {
        std::size_t zero_edit = 0;
        std::optional<std::size_t> found;
        for (const auto &h : hits)
            if (!h.why.prefix_changed) {
                ++zero_edit;
                found = h.plate;
            }
        if (zero_edit == 1 && !heard.unknown_prefix) exact = found;
    }
    out.exact = exact;
    if (exact && near) {
        const double d = distance(im.plates[*exact].position, near->position);
        out.far_from_caller = d > options.far_factor * std::max(near->radius_m, 1.0);
    }
    // With a caller position, an exact match beyond the radius is weighed against the
    // misreadings that lie nearer (a misread number that is another valid plate).
    bool beyond_radius = false;
    if (exact && near)
        beyond_radius =
            distance(im.plates[*exact].position, near->position) > std::max(near->radius_m, 1.0);
    const bool fuzzy = !exact || options.always_fuzzy || out.far_from_caller || beyond_radius;
    // one-edit explanations always: they are what an exact match's confidence is weighed
    // against (a misread number that is another valid plate)
    enumerate_candidates(heard, im.scheme, im.lookup, 1, hits);
    std::vector<Merged> merged;
    if (fuzzy && options.two_edits) {
        // two-edit explanations weigh at most two_edit_bound: enumerate them only when they
        // could enter the top `candidates`
        merged = merge_hits(hits, im, near, options.edit_weight);
        std::size_t above = 0;
        for (const auto &m : merged)
            above += m.c.score > two_edit_bound;
        if (above < options.candidates) {
            StagePrune prune;
            prune.keep = options.candidates;
            for (std::size_t r = 0; r < merged.size() && r < options.candidates; ++r)
                prune.seed.emplace_back(merged[r].c.plate, merged[r].c.score);
            prune.near = near;
            prune.plates = &im.plates;
            enumerate_candidates(heard, im.scheme, im.lookup, 2, hits, &prune);
        }
    }
    merged = merge_hits(hits, im, near, options.edit_weight);

    const bool cross_known = !options.cross.empty() &&
                             (options.distance_to_cross || im.road_plates.count(options.cross) > 0);
    out.cross_unknown = !options.cross.empty() && !cross_known;
    // the calibrated posterior (LocateOptions: the confidence model)
    const double area = std::max(im.area_m2, 1e6);
    const double eta = std::clamp(options.position_outlier, 0.0, 1.0);
    auto posterior = [&](const Scored &c) {
        double v = std::pow(std::max(c.prior, 1e-300), options.prior_power);
        if (near) {
            const double sigma = std::max(near->radius_m, 1.0) / 2.0;
            const double z = c.distance_m / sigma;
            v *= (1.0 - eta) * std::exp(-0.5 * z * z) / (2.0 * std::numbers::pi * sigma * sigma) +
                 eta / area;
        }
        if (!options.road.empty() && !im.plates[c.plate].road.empty() &&
            im.plates[c.plate].road != options.road)
            v *= options.road_wrong;
        if (cross_known &&
            cross_distance(im, im.plates[c.plate].position, options) > options.cross_distance_m)
            v *= options.cross_wrong;
        return v;
    };
    std::vector<double> post(merged.size());
    double total = options.other_mass * (near ? 1.0 / area : 1.0);
    const double other = total;
    for (std::size_t r = 0; r < merged.size(); ++r) {
        post[r] = posterior(merged[r].c);
        total += post[r];
    }
    std::vector<std::size_t> order(merged.size());
    for (std::size_t r = 0; r < order.size(); ++r)
        order[r] = r;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (post[a] != post[b]) return post[a] > post[b];
        return im.plates[merged[a].c.plate].id < im.plates[merged[b].c.plate].id;
    });
    out.unexplained = total > 0 ? other / total : 1.0;
    const double top = order.empty() ? 0.0 : post[order.front()];
    for (std::size_t r : order) {
        if (out.candidates.size() >= options.candidates) break;
        Candidate c = to_candidate(merged[r].c);
        if (!fuzzy && c.plate != *exact) continue;
        if (post[r] < options.min_relative_score * top) break;
        c.id = im.plates[c.plate].id;
        c.confidence = total > 0 ? post[r] / total : 0.0;
        c.explanation = explain(merged[r].best->why, im.scheme);
        out.candidates.push_back(std::move(c));
        if (!fuzzy) break;
    }
    if (exact)
        out.kind = out.far_from_caller ? MatchKind::exact_far : MatchKind::exact;
    else
        out.kind = out.candidates.empty() ? MatchKind::none : MatchKind::fuzzy;
    finish_result(out, near, options);
    if (options.reach_m > 0 && !out.candidates.empty()) {
        std::vector<PoolEntry> pool;
        pool.reserve(std::min<std::size_t>(order.size(), 64));
        for (std::size_t q = 0; q < order.size() && pool.size() < 64; ++q) {
            const std::size_t r = order[q];
            PoolEntry e{static_cast<std::uint32_t>(merged[r].c.plate),
                        total > 0 ? post[r] / total : 0.0, nullptr, &merged[r]};
            for (const auto &c : out.candidates)
                if (c.plate == e.plate) e.shown = &c;
            pool.push_back(e);
        }
        set_dispatch(out, pool, im, options, near);
    }
    return out;
}

void Registry::finish_result(LocateResult &out, const std::optional<CallerPosition> &near,
                             const LocateOptions &options) const {
    const Impl &im = *m_impl;
    if (near) {
        const double reach = options.none_near_factor * std::max(near->radius_m, 1.0);
        bool any = false;
        for (const auto &c : out.candidates)
            any = any || (c.distance_m >= 0 && c.distance_m <= reach);
        out.none_near = !any;
        if (out.none_near) out.nearby = nearest(near->position, 5);
    }
    out.ask.clear();
    out.ask_detail.clear();
    if (out.candidates.size() >= 2 &&
        out.candidates[1].confidence >= out.candidates[0].confidence / 3.0) {
        const Plate &a = im.plates[out.candidates[0].plate];
        const Plate &b = im.plates[out.candidates[1].plate];
        const auto pa = parse_plate_id(a.id, im.scheme), pb = parse_plate_id(b.id, im.scheme);
        std::string cross_a, cross_b;
        if (!a.road.empty() && a.road == b.road && options.cross.empty()) {
            cross_a = nearest_cross(*this, out.candidates[0].plate, options.cross_distance_m);
            cross_b = nearest_cross(*this, out.candidates[1].plate, options.cross_distance_m);
        }
        const auto at = [&](const std::string &street, const Plate &p) {
            return (street.empty()
                        ? "no cross street within " +
                              std::to_string(static_cast<int>(options.cross_distance_m)) + " m"
                        : street) +
                   " (" + p.id + ")";
        };
        if (!a.road.empty() && !b.road.empty() && a.road != b.road && options.road.empty()) {
            out.ask = "road";
            out.ask_detail = a.road + " or " + b.road;
        } else if (cross_a != cross_b) {
            out.ask = "cross";
            out.ask_detail = at(cross_a, a) + " or " + at(cross_b, b);
        } else if (pa && pb && pa->type == pb->type && im.scheme.types[pa->type].two_sided &&
                   a.road == b.road && (pa->number % 2) != (pb->number % 2)) {
            out.ask = "side";
            out.ask_detail = "odd numbers on the left, even on the right (looking along the "
                             "numbering)";
        } else if (options.also.empty()) {
            out.ask = "also";
            out.ask_detail = "the number of a second plate in sight (the next pole, the lamp "
                             "beside it)";
        }
    }
}

// ------------------------------------------------------------------------------- nearest

std::vector<NearbyPlate> Registry::nearest(XY point, std::size_t k) const {
    const Impl &im = *m_impl;
    std::vector<NearbyPlate> out;
    if (k == 0 || im.plates.empty() || !std::isfinite(point.x) || !std::isfinite(point.y))
        return out;
    k = std::min(k, im.plates.size());
    // max-heap on (distance, index) of the best k so far
    std::vector<std::pair<double, std::uint32_t>> heap;
    heap.reserve(k + 1);
    im.grid.rings(point, [&](std::span<const std::uint32_t> items) {
        for (const std::uint32_t i : items) {
            const std::pair<double, std::uint32_t> e{distance(point, im.plates[i].position), i};
            if (heap.size() < k) {
                heap.push_back(e);
                std::push_heap(heap.begin(), heap.end());
            } else if (e < heap.front()) {
                std::pop_heap(heap.begin(), heap.end());
                heap.back() = e;
                std::push_heap(heap.begin(), heap.end());
            }
        }
        return heap.size() < k ? INFINITY : heap.front().first;
    });
    std::sort_heap(heap.begin(), heap.end());
    out.reserve(heap.size());
    for (const auto &[d, i] : heap) {
        const XY q = im.plates[i].position;
        double bearing = std::atan2(q.x - point.x, q.y - point.y) * 180.0 / std::numbers::pi;
        if (bearing < 0) bearing += 360.0;
        if (d == 0) bearing = 0;
        out.push_back({i, d, bearing});
    }
    return out;
}

} // namespace lugeo
