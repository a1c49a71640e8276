// The resolver's error model: how plate numbers are misread and misheard, and the enumeration
// of the true IDs that explain what was heard.
//
// P(heard | true) is modelled per ID as one of a few edits, each with a rate; a substitution
// is weighted by a confusion table (the larger of a reading table for worn or dirty plates and
// a hearing table for Mandarin digits on a phone line). Candidates are generated from the
// heard digits by inverting each edit and probed in the hash index: the cost depends on the
// length of the ID, not on the size of the registry.
#include "registry_internal.hpp"

#include <algorithm>

namespace lugeo::registry_detail {

namespace {

struct PairWeight {
    int a, b;
    double w;
};

// Reading: digits printed or stencilled on a plate, worn, dirty, seen at night.
constexpr PairWeight reading_pairs[] = {
    {1, 7, 1.0}, {6, 8, 0.8}, {3, 8, 0.8}, {0, 8, 0.7}, {5, 6, 0.6}, {6, 9, 0.5},
    {8, 9, 0.5}, {4, 9, 0.5}, {2, 7, 0.4}, {0, 6, 0.4}, {0, 9, 0.3}, {3, 5, 0.3},
    {1, 4, 0.3}, {5, 8, 0.3}, {5, 9, 0.2}, {2, 3, 0.2}, {7, 9, 0.2}, {0, 3, 0.15},
};
// Hearing: Mandarin digits over a phone or radio (yī/qī, liù/jiǔ, wǔ/jiǔ, sān/sì ...).
// 四/十 is an edit of its own (it changes the length).
constexpr PairWeight hearing_pairs[] = {
    {1, 7, 1.0}, {6, 9, 1.0}, {5, 9, 0.4}, {3, 4, 0.3}, {2, 8, 0.2}, {1, 9, 0.15}, {0, 1, 0.1},
};

constexpr double base_pair = 0.03; // any digit for any other

} // namespace

ErrorModel::ErrorModel() {
    for (auto &row : pair)
        row.fill(0.0);
    for (const auto &p : reading_pairs) {
        pair[p.a][p.b] = std::max(pair[p.a][p.b], p.w);
        pair[p.b][p.a] = std::max(pair[p.b][p.a], p.w);
    }
    for (const auto &p : hearing_pairs) {
        pair[p.a][p.b] = std::max(pair[p.a][p.b], p.w);
        pair[p.b][p.a] = std::max(pair[p.b][p.a], p.w);
    }
    for (int a = 0; a < 10; ++a) {
        double sum = 0;
        for (int b = 0; b < 10; ++b)
            if (a != b) sum += base_pair + pair[a][b];
        for (int b = 0; b < 10; ++b)
            conf[a][b] = a == b ? 0.0 : (base_pair + pair[a][b]) / sum;
    }
}

const ErrorModel &ErrorModel::standard() {
    static const ErrorModel model;
    return model;
}

namespace {

/// Call f(true_digits, weight, edit) for every single edit whose inverse turns the heard digits
/// `h` into a candidate true ID with weight >= min_weight.
template <typename F>
void for_each_edit(const Digits &h, const ErrorModel &m, double min_weight, std::uint32_t lengths,
                   int max_pos, F &&f) {
    Digits t;
    const int n = h.n;
    const int lim = std::min(n, max_pos); // edits only at positions < max_pos
    const bool same = (lengths >> n) & 1u;
    const bool longer = n + 1 <= max_digits && ((lengths >> (n + 1)) & 1u);
    const bool shorter = n >= 1 && ((lengths >> (n - 1)) & 1u);
    // substitution: same length
    if (n >= 1 && same) {
        const double per = m.r_substitute / n;
        for (int i = 0; i < lim; ++i) {
            const int b = h.d[static_cast<std::size_t>(i)];
            for (int a = 0; a < 10; ++a) {
                if (a == b) continue;
                const double w =
                    per * m.conf[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)];
                if (w < min_weight) continue;
                t = h;
                t.d[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(a);
                f(t, w,
                  Edit{EditKind::substitute, static_cast<std::uint8_t>(i),
                       static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)});
            }
        }
    }
    // adjacent transposition
    if (n >= 2 && same) {
        const double w = m.r_swap / (n - 1);
        if (w >= min_weight)
            for (int i = 0; i + 1 < n && i < lim; ++i) {
                const auto u = static_cast<std::size_t>(i);
                if (h.d[u] == h.d[u + 1]) continue;
                t = h;
                std::swap(t.d[u], t.d[u + 1]);
                f(t, w, Edit{EditKind::swap, static_cast<std::uint8_t>(i), 0, 0});
            }
    }
    // a digit of the true ID was dropped: insert it back (true length n+1)
    if (longer) {
        const double per = m.r_drop / (n + 1);
        for (int i = 0; i <= lim; ++i) {
            for (int a = 0; a < 10; ++a) {
                const bool repeat = (i > 0 && h.d[static_cast<std::size_t>(i - 1)] == a) ||
                                    (i < n && h.d[static_cast<std::size_t>(i)] == a);
                // inserting a repeated digit before or after its twin gives one candidate:
                // count it once, at the first position
                if (i < n && h.d[static_cast<std::size_t>(i)] == a) continue;
                const double w = per * (repeat ? 0.5 : 0.5 / 9.0);
                if (w < min_weight) continue;
                t.n = n + 1;
                for (int k = 0, s = 0; k <= n; ++k)
                    t.d[static_cast<std::size_t>(k)] =
                        k == i ? static_cast<std::uint8_t>(a) : h.d[static_cast<std::size_t>(s++)];
                f(t, w,
                  Edit{EditKind::drop, static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(a),
                       0});
            }
        }
    }
    // an extra digit was heard (doubled or spurious): remove it (true length n-1)
    if (n >= 2 && shorter) {
        const double per = m.r_extra / (n - 1);
        for (int i = 0; i < lim; ++i) {
            const auto b = h.d[static_cast<std::size_t>(i)];
            if (i > 0 && h.d[static_cast<std::size_t>(i - 1)] == b) continue; // same candidate
            const bool doubled = i + 1 < n && h.d[static_cast<std::size_t>(i + 1)] == b;
            const double w = per * (doubled ? 0.8 : 0.2 / 9.0);
            if (w < min_weight) continue;
            t.n = n - 1;
            for (int k = 0, s = 0; k < n; ++k)
                if (k != i) t.d[static_cast<std::size_t>(s++)] = h.d[static_cast<std::size_t>(k)];
            f(t, w, Edit{EditKind::extra, static_cast<std::uint8_t>(i), 0, b});
        }
    }
    // 四/十: true 4 heard as "10", or true "10" heard as 4
    if (m.r_four_ten >= min_weight) {
        for (int i = 0; shorter && i + 1 < n && i < lim; ++i) {
            if (h.d[static_cast<std::size_t>(i)] != 1 || h.d[static_cast<std::size_t>(i + 1)] != 0)
                continue;
            t.n = n - 1;
            for (int k = 0, s = 0; k < n; ++k) {
                if (k == i + 1) continue;
                t.d[static_cast<std::size_t>(s++)] = k == i ? 4 : h.d[static_cast<std::size_t>(k)];
            }
            f(t, m.r_four_ten, Edit{EditKind::four_ten, static_cast<std::uint8_t>(i), 4, 10});
        }
        if (longer)
            for (int i = 0; i < lim; ++i) {
                if (h.d[static_cast<std::size_t>(i)] != 4) continue;
                t.n = n + 1;
                for (int k = 0, s = 0; k < n; ++k) {
                    if (k == i) {
                        t.d[static_cast<std::size_t>(s++)] = 1;
                        t.d[static_cast<std::size_t>(s++)] = 0;
                    } else {
                        t.d[static_cast<std::size_t>(s++)] = h.d[static_cast<std::size_t>(k)];
                    }
                }
                f(t, m.r_four_ten, Edit{EditKind::ten_four, static_cast<std::uint8_t>(i), 10, 4});
            }
    }
}

bool same_digits(const Digits &x, const Digits &y) {
    if (x.n != y.n) return false;
    for (int i = 0; i < x.n; ++i)
        if (x.d[static_cast<std::size_t>(i)] != y.d[static_cast<std::size_t>(i)]) return false;
    return true;
}

} // namespace

void enumerate_candidates(const HeardId &heard, const PlateScheme &scheme, const LookupIndex &index,
                          int stage, std::vector<Hit> &hits, const StagePrune *prune) {
    const ErrorModel &m = ErrorModel::standard();
    Digits h;
    h.n = static_cast<int>(std::min<std::size_t>(heard.digits.size(), max_digits));
    for (int i = 0; i < h.n; ++i)
        h.d[static_cast<std::size_t>(i)] =
            static_cast<std::uint8_t>(heard.digits[static_cast<std::size_t>(i)] - '0');
    if (h.n == 0) return;

    const std::size_t ntypes = scheme.types.size();

    struct TypeChoice {
        std::size_t type;
        double factor;
        bool changed;
    };
    // the types tried: those of the prefix as heard (factor 1); with no prefix heard, those
    // without a prefix (1) and every other guessable type ("prefix not given": 1 when no type
    // lacks a prefix, else 0.15); with a prefix heard, the other guessable types at r_prefix
    // spread over them. Exact names (`{*}` lines) only when heard.
    std::vector<TypeChoice> choices;
    choices.reserve(std::min<std::size_t>(ntypes, 64));
    const std::string *heard_prefix = heard.type ? &scheme.types[*heard.type].prefix : nullptr;
    bool empty_prefix_type = false;
    std::size_t guessable = 0;
    for (std::size_t t = 0; t < ntypes; ++t) {
        if (!index.guessable[t]) continue;
        ++guessable;
        empty_prefix_type = empty_prefix_type || scheme.types[t].prefix.empty();
    }
    std::size_t as_heard = 0;
    for (std::size_t t = 0; t < ntypes; ++t)
        if (heard_prefix ? scheme.types[t].prefix == *heard_prefix : scheme.types[t].prefix.empty())
            ++as_heard;
    const double other_n = static_cast<double>(
        std::max<std::size_t>(1, guessable > as_heard ? guessable - as_heard : 1));
    for (std::size_t t = 0; t < ntypes; ++t) {
        const bool same =
            heard_prefix ? scheme.types[t].prefix == *heard_prefix : scheme.types[t].prefix.empty();
        if (same)
            choices.push_back({t, 1.0, false});
        else if (!index.guessable[t])
            continue;
        else if (!heard_prefix)
            choices.push_back({t, empty_prefix_type ? 0.15 : 1.0, false});
        else
            choices.push_back({t, m.r_prefix / other_n, true});
    }
    std::uint32_t union_lengths = 0;
    for (const auto &c : choices)
        union_lengths |= index.lengths[c.type];
    // A heard ID whose check digit is valid was not hit by one substitution or transposition
    // (Damm detects all of those; Luhn nearly all): such one-edit explanations are nearly
    // impossible.
    auto heard_check_valid = [&](const PlateType &ty) {
        return ty.check != CheckDigit::none && h.n == ty.id_digits() + 1 &&
               check_valid(ty.check, heard.digits);
    };

    auto probe = [&](const Digits &t, double w, const Explanation &base,
                     std::optional<std::size_t> only = std::nullopt) {
        if (!((union_lengths >> t.n) & 1u)) return;
        for (std::size_t c = 0; c < choices.size(); ++c) {
            const auto &ch = choices[c];
            if (only && ch.type != *only) continue;
            if (!((index.lengths[ch.type] >> t.n) & 1u)) continue;
            if (ch.changed && base.n_edits >= 2) continue; // at most two edits in all
            if (!index.has_head(ch.type, t.d.data(), t.n)) continue;
            const auto found = index.keys.find(make_key(ch.type, t.d.data(), t.n));
            if (!found) continue;
            const PlateType &ty = scheme.types[ch.type];
            Hit hit;
            hit.plate = *found;
            hit.weight = w * ch.factor;
            hit.why = base;
            hit.why.prefix_changed = ch.changed;
            hit.why.prefix_missing = !heard.type && !ty.prefix.empty();
            hit.why.heard_type = heard.type.value_or(ch.type);
            hit.why.true_type = ch.type;
            hit.why.check_omitted = index.has_check[*found] && t.n == ty.id_digits();
            if (base.n_edits == 1 && t.n == h.n && heard_check_valid(ty)) hit.weight *= 0.01;
            hits.push_back(hit);
        }
    };

    if (stage == 0) {
        probe(h, m.p_correct, Explanation{});
        // an unpadded number said with leading zeros ("065" for 65)
        for (const auto &ch : choices) {
            const PlateType &ty = scheme.types[ch.type];
            const int head = ty.head_digits();
            if (ty.padded() || h.n <= head + 1 || h.d[static_cast<std::size_t>(head)] != 0)
                continue;
            Digits t;
            int k = head;
            while (k + 1 < h.n && h.d[static_cast<std::size_t>(k)] == 0)
                ++k;
            t.n = 0;
            for (int q = 0; q < h.n; ++q)
                if (q < head || q >= k)
                    t.d[static_cast<std::size_t>(t.n++)] = h.d[static_cast<std::size_t>(q)];
            probe(t, m.p_correct, Explanation{}, ch.type);
        }
        return;
    }

    constexpr double first_min = 5e-4;  // first edits of two-edit explanations
    constexpr double second_min = 1e-4; // second edits
    const std::uint32_t final_lengths = union_lengths;
    if (stage == 1) {
        // leading zeros of a padded number left out: pad after the type's head
        for (const auto &ch : choices) {
            const PlateType &ty = scheme.types[ch.type];
            const int head = ty.head_digits(), id_digits = ty.id_digits();
            if (!ty.padded() || !(h.n > head && h.n < id_digits)) continue;
            Digits t;
            const int pad = id_digits - h.n;
            t.n = id_digits;
            for (int k = 0, s = 0; k < id_digits; ++k)
                t.d[static_cast<std::size_t>(k)] =
                    k >= head && k < head + pad ? 0 : h.d[static_cast<std::size_t>(s++)];
            Explanation z;
            z.edits[0] = Edit{EditKind::zeros, static_cast<std::uint8_t>(head),
                              static_cast<std::uint8_t>(pad), 0};
            z.n_edits = 1;
            probe(t, m.r_zeros, z, ch.type);
        }
        for_each_edit(h, m, 0.0, final_lengths, max_digits,
                      [&](const Digits &t1, double w1, const Edit &e1) {
                          Explanation one;
                          one.edits[0] = e1;
                          one.n_edits = 1;
                          probe(t1, w1, one);
                      });
        return;
    }
    const std::uint32_t first_lengths = final_lengths | (final_lengths << 1) | (final_lengths >> 1);

    // Branch and bound: the best `keep` plates found so far (seeded with stages 0-1) give a
    // floor; a path lighter than slack * floor is not enumerated. First edits are taken
    // heaviest first so that the floor rises early.
    struct Best {
        std::uint32_t plate;
        double score;
    };
    std::vector<Best> best;
    std::size_t keep = prune ? prune->keep : 0;
    if (prune)
        for (const auto &[plate, score] : prune->seed)
            best.push_back({plate, score});
    auto floor_now = [&]() -> double {
        if (keep == 0 || best.size() < keep) return 0.0;
        double lo = best.front().score;
        for (const auto &b : best)
            lo = std::min(lo, b.score);
        return lo * prune->slack;
    };
    auto note_hits = [&](std::size_t from) {
        if (keep == 0) return;
        for (std::size_t i = from; i < hits.size(); ++i) {
            const double f =
                prune->near ? distance_factor(distance((*prune->plates)[hits[i].plate].position,
                                                       prune->near->position),
                                              prune->near->radius_m)
                            : 1.0;
            const double sc = hits[i].weight * f;
            auto it = std::find_if(best.begin(), best.end(),
                                   [&](const Best &b) { return b.plate == hits[i].plate; });
            if (it != best.end()) {
                it->score += sc;
            } else if (best.size() < keep) {
                best.push_back({hits[i].plate, sc});
            } else {
                auto lo =
                    std::min_element(best.begin(), best.end(), [](const Best &a, const Best &b) {
                        return a.score < b.score;
                    });
                if (sc > lo->score) *lo = {hits[i].plate, sc};
            }
        }
    };
    // the heaviest single edit any second edit can weigh (IDs of h.n - 1 .. h.n + 1 digits)
    double max_conf = 0;
    for (const auto &row : m.conf)
        for (double c : row)
            max_conf = std::max(max_conf, c);
    const double d1 = std::max(1, h.n - 2);
    const double max_second = std::max({m.r_four_ten, m.r_substitute * max_conf / d1, m.r_swap / d1,
                                        m.r_drop * 0.5 / d1, m.r_extra * 0.8 / d1});

    struct First {
        Digits t;
        double w;
        Edit e;
    };
    std::vector<First> firsts;
    for_each_edit(h, m, first_min, first_lengths, max_digits,
                  [&](const Digits &t1, double w1, const Edit &e1) {
                      firsts.push_back({t1, w1, e1});
                  });
    std::stable_sort(firsts.begin(), firsts.end(),
                     [](const First &a, const First &b) { return a.w > b.w; });
    // The most a plate whose ID starts with d's district/road digits can be multiplied by:
    // 0 when no type (as heard) has that road; with a caller position, the position factor of
    // the road's nearest plate (memoised per road for this query).
    std::vector<float> road_factor;
    if (prune && prune->near) road_factor.assign(index.heads.size(), -1.0f);
    auto head_bound = [&](const Digits &d) {
        if (d.n < index.head_digits) return 0.0;
        double best_factor = 0;
        for (std::size_t c = 0; c < choices.size(); ++c) {
            const std::size_t slot = index.slot(choices[c].type, d.d.data());
            if (choices[c].changed || !index.heads[slot]) continue;
            double f = choices[c].factor;
            if (!road_factor.empty()) {
                if (road_factor[slot] < 0)
                    road_factor[slot] = static_cast<float>(distance_factor(
                        distance_to_box(index.head_box[slot], prune->near->position),
                        prune->near->radius_m));
                f *= road_factor[slot];
            }
            best_factor = std::max(best_factor, f);
        }
        return best_factor;
    };
    for (const First &f1 : firsts) {
        const Digits &t1 = f1.t;
        const double w1 = f1.w;
        const Edit &e1 = f1.e;
        const double fl = floor_now();
        if (w1 * max_second < fl) break; // every later first edit is lighter still
        Explanation one;
        one.edits[0] = e1;
        one.n_edits = 1;
        // Second edits at positions >= head_digits keep t1's district/road digits: when no
        // type has that road they cannot help, and with a caller position their scores are
        // bounded by the position factor of the nearest plate of the road.
        const double head_factor = head_bound(t1);
        auto second = [&](const Digits &t2, double w2, const Edit &e2) {
            if (same_digits(t2, h)) return; // undoes the first edit
            if (e1.kind == EditKind::substitute && e2.kind == EditKind::substitute &&
                e1.pos == e2.pos)
                return; // a single substitution, already counted
            // an edit of the district/road digits: bounded by the new road's factor
            if (e2.pos < index.head_digits && fl > 0 && w1 * w2 * head_bound(t2) < fl) return;
            Explanation two = one;
            two.edits[1] = e2;
            two.n_edits = 2;
            const std::size_t before = hits.size();
            probe(t2, w1 * w2, two);
            note_hits(before);
        };
        const double min_head = std::max(second_min, fl / w1);
        for_each_edit(t1, m, min_head, final_lengths, index.head_digits,
                      [&](const Digits &t2, double w2, const Edit &e2) {
                          if (e2.pos < index.head_digits) second(t2, w2, e2);
                      });
        if (head_factor > 0) {
            const double min_tail = std::max(second_min, fl / (w1 * head_factor));
            for_each_edit(t1, m, min_tail, final_lengths, max_digits,
                          [&](const Digits &t2, double w2, const Edit &e2) {
                              if (e2.pos >= index.head_digits) second(t2, w2, e2);
                          });
        }
    }
}

std::string explain(const Explanation &why, const PlateScheme &scheme) {
    std::string s;
    auto add = [&](const std::string &part) {
        if (!s.empty()) s += ", ";
        s += part;
    };
    auto d = [](int v) { return std::to_string(v); };
    for (int k = 0; k < why.n_edits; ++k) {
        const Edit &e = why.edits[static_cast<std::size_t>(k)];
        const int pos = e.pos + 1;
        switch (e.kind) {
        case EditKind::substitute:
            add(d(e.a) + " read as " + d(e.b) + " (digit " + d(pos) + ")");
            break;
        case EditKind::swap:
            add("digits " + d(pos) + " and " + d(pos + 1) + " swapped");
            break;
        case EditKind::drop:
            add(d(e.a) + " dropped (digit " + d(pos) + ")");
            break;
        case EditKind::extra:
            add("extra " + d(e.b) + " (digit " + d(pos) + ")");
            break;
        case EditKind::four_ten:
            add("4 heard as 10 (四/十)");
            break;
        case EditKind::ten_four:
            add("10 heard as 4 (十/四)");
            break;
        case EditKind::zeros:
            add(e.a == 1 ? std::string("leading zero of the number not said")
                         : d(e.a) + " leading zeros of the number not said");
            break;
        }
    }
    if (why.prefix_changed) {
        auto shown = [&](std::size_t t) {
            return scheme.types[t].prefix.empty() ? std::string("(none)") : scheme.types[t].prefix;
        };
        add("prefix " + shown(why.heard_type) + " for " + shown(why.true_type));
    }
    if (why.prefix_missing) add("type prefix not given");
    if (why.check_omitted) add("check digit not given");
    if (s.empty()) s = "exact";
    return s;
}

} // namespace lugeo::registry_detail
