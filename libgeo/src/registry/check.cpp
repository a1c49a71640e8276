// Registry checks: what `lugeo poles check` reports.
#include "registry_internal.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <tuple>
#include <unordered_map>

namespace lugeo {

using namespace registry_detail;

const char *check_kind_name(CheckKind kind) noexcept {
    switch (kind) {
    case CheckKind::duplicate_id:
        return "duplicate_id";
    case CheckKind::invalid_id:
        return "invalid_id";
    case CheckKind::invalid_position:
        return "invalid_position";
    case CheckKind::same_spot:
        return "same_spot";
    case CheckKind::out_of_order:
        return "out_of_order";
    case CheckKind::confusable:
        return "confusable";
    case CheckKind::far_from_road:
        return "far_from_road";
    }
    return "invalid_id";
}

namespace {

std::string metres(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f m", d);
    return buf;
}

/// "0.0065 (1 in 155)"
std::string probability(double p) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.4f, 1 in %.0f", p, 1.0 / p);
    return buf;
}

std::string two_decimals(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", d);
    return buf;
}

} // namespace

CheckReport check_plates(const std::vector<Plate> &plates, const CheckOptions &options,
                         const PlateScheme &given_scheme) {
    std::vector<std::string> ids;
    ids.reserve(plates.size());
    for (const auto &p : plates)
        ids.push_back(p.id);
    const PlateScheme scheme = expand_plate_scheme(given_scheme, ids);
    CheckReport report;
    report.plate_count = plates.size();
    const std::size_t n = plates.size();
    std::vector<std::optional<PlateIdParts>> parts(n);
    std::vector<std::uint8_t> position_ok(n, 0);
    auto issue = [&](CheckKind kind, Severity sev, std::vector<std::size_t> idx, double d,
                     std::string message) {
        CheckIssue is;
        is.kind = kind;
        is.severity = sev;
        for (auto i : idx)
            is.ids.push_back(plates[i].id);
        is.plates = std::move(idx);
        is.distance_m = d;
        is.message = std::move(message);
        report.issues.push_back(std::move(is));
    };

    // status summary, in scheme order, then any other kinds
    for (const auto &t : scheme.types)
        if (std::none_of(report.status.begin(), report.status.end(),
                         [&](const StatusCount &c) { return c.kind == t.kind; }))
            report.status.push_back({t.kind, 0, 0, 0, 0});
    auto status_row = [&](const std::string &kind) -> StatusCount & {
        for (auto &s : report.status)
            if (s.kind == kind) return s;
        report.status.push_back({kind, 0, 0, 0, 0});
        return report.status.back();
    };

    std::vector<int> base_n(n, 0); // digits without check digit
    std::unordered_map<std::uint64_t, std::vector<std::size_t>> by_base;
    std::vector<std::uint64_t> base_key(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const Plate &p = plates[i];
        parts[i] = parse_plate_id(p.id, scheme);
        if (parts[i] && scheme.types[parts[i]->type].any_name) parts[i].reset();
        std::string kind = p.kind;
        if (parts[i]) {
            kind = scheme.types[parts[i]->type].kind;
            std::string digits;
            bool wc = false;
            match_canonical(scheme.types[parts[i]->type], p.id, digits, wc, nullptr);
            std::array<std::uint8_t, max_digits + 2> d{};
            for (std::size_t k = 0; k < digits.size() && k < max_digits; ++k)
                d[k] = static_cast<std::uint8_t>(digits[k] - '0');
            base_n[i] = static_cast<int>(digits.size()) - (wc ? 1 : 0);
            base_key[i] = make_key(parts[i]->type, d.data(), base_n[i]);
            by_base[base_key[i]].push_back(i);
        } else {
            const auto norm = normalize_plate_id(p.id, scheme);
            std::string why = norm.is_canonical
                                  ? "not in canonical form (canonical: " + norm.id + ")"
                                  : norm.error;
            issue(CheckKind::invalid_id, Severity::error, {i}, -1,
                  "plate '" + p.id + "' (index " + std::to_string(i) +
                      "): ID does not fit the scheme: " + why);
        }
        if (kind.empty()) kind = "unknown";
        auto &row = status_row(kind);
        switch (p.status) {
        case PlateStatus::ok:
            ++row.ok;
            break;
        case PlateStatus::damaged:
            ++row.damaged;
            break;
        case PlateStatus::missing:
            ++row.missing;
            break;
        case PlateStatus::unknown:
            ++row.unknown;
            break;
        }
        const bool finite = std::isfinite(p.position.x) && std::isfinite(p.position.y);
        const bool lonlat_ok = !options.check_lonlat ||
                               (std::isfinite(p.lonlat.lon) && std::isfinite(p.lonlat.lat) &&
                                std::abs(p.lonlat.lon) <= 180.0 && std::abs(p.lonlat.lat) <= 90.0);
        position_ok[i] = finite && lonlat_ok ? 1 : 0;
        if (!finite)
            issue(CheckKind::invalid_position, Severity::error, {i}, -1,
                  "plate '" + p.id + "' (index " + std::to_string(i) +
                      "): position missing or not finite");
        else if (!lonlat_ok)
            issue(CheckKind::invalid_position, Severity::error, {i}, -1,
                  "plate '" + p.id + "' (index " + std::to_string(i) + "): lon/lat out of range");
    }

    // duplicates (an ID with and without check digit counts as the same number)
    std::vector<std::uint8_t> unique(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        if (!parts[i]) continue;
        const auto &group = by_base[base_key[i]];
        if (group.size() == 1) {
            unique[i] = 1;
        } else if (group.front() == i) {
            std::string where;
            for (auto j : group)
                where += (where.empty() ? "" : ", ") + std::to_string(j);
            issue(CheckKind::duplicate_id, Severity::error, group, -1,
                  "duplicate plate ID '" + plates[i].id + "' at indices " + where);
        }
    }

    // two plates at one spot: sweep along x
    {
        std::vector<std::size_t> idx;
        for (std::size_t i = 0; i < n; ++i)
            if (position_ok[i]) idx.push_back(i);
        std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
            return plates[a].position.x < plates[b].position.x;
        });
        for (std::size_t a = 0; a < idx.size(); ++a)
            for (std::size_t b = a + 1; b < idx.size(); ++b) {
                const XY pa = plates[idx[a]].position, pb = plates[idx[b]].position;
                if (pb.x - pa.x >= options.same_spot_m) break;
                const double d = distance(pa, pb);
                if (d < options.same_spot_m) {
                    const auto i = std::min(idx[a], idx[b]), j = std::max(idx[a], idx[b]);
                    issue(CheckKind::same_spot, Severity::warning, {i, j}, d,
                          "plates '" + plates[i].id + "' and '" + plates[j].id + "' are " +
                              two_decimals(d) + " m apart (one spot)");
                }
            }
    }

    // order along each road (per side for two-sided types)
    if (options.check_order) {
        std::map<std::tuple<std::size_t, int, int, int>, std::vector<std::size_t>> roads;
        for (std::size_t i = 0; i < n; ++i) {
            if (!parts[i] || !unique[i] || !position_ok[i]) continue;
            const auto &pt = *parts[i];
            const int side = scheme.types[pt.type].two_sided ? 1 + pt.number % 2 : 0;
            roads[{pt.type, std::atoi(pt.head.c_str()), static_cast<int>(pt.head.size()), side}]
                .push_back(i);
        }
        for (auto &road : roads) {
            auto &seq = road.second; // not a structured binding: lambdas capture it (clang 14)
            std::sort(seq.begin(), seq.end(), [&](std::size_t a, std::size_t b) {
                return parts[a]->number < parts[b]->number;
            });
            const std::size_t m = seq.size();
            if (m < 3) continue;
            auto P = [&](std::size_t k) { return plates[seq[k]].position; };
            std::vector<std::uint8_t> flagged(m, 0);
            for (std::size_t i = 0; i + 1 < m; ++i) {
                double orig = distance(P(i), P(i + 1)), swapped = orig;
                if (i > 0) {
                    orig += distance(P(i - 1), P(i));
                    swapped += distance(P(i - 1), P(i + 1));
                }
                if (i + 2 < m) {
                    orig += distance(P(i + 1), P(i + 2));
                    swapped += distance(P(i), P(i + 2));
                }
                if (swapped < 0.75 * orig) {
                    flagged[i] = flagged[i + 1] = 1;
                    issue(CheckKind::out_of_order, Severity::warning, {seq[i], seq[i + 1]},
                          distance(P(i), P(i + 1)),
                          "plates '" + plates[seq[i]].id + "' and '" + plates[seq[i + 1]].id +
                              "' appear swapped: their numbers are out of order along the road");
                    ++i;
                }
            }
            for (std::size_t j = 1; j + 1 < m; ++j) {
                if (flagged[j] || flagged[j - 1] || flagged[j + 1]) continue;
                const double a = distance(P(j - 1), P(j)), b = distance(P(j), P(j + 1));
                const double c = distance(P(j - 1), P(j + 1));
                if (c < 0.9 * std::max(a, b) && std::max(a, b) > options.same_spot_m) {
                    flagged[j] = 1;
                    issue(CheckKind::out_of_order, Severity::warning, {seq[j]}, std::max(a, b),
                          "plate '" + plates[seq[j]].id + "' is not between '" +
                              plates[seq[j - 1]].id + "' and '" + plates[seq[j + 1]].id +
                              "' along the road");
                }
            }
        }
    }

    // confusable pairs: one likely misreading apart (a confusable digit, two adjacent digits
    // swapped, or the type prefix; over the digits without check digit) but far from each
    // other. The probability of the misreading per reading is the resolver's error model
    // (ErrorModel: rate of the edit, spread over the positions, times the confusion of the two
    // digits), in the likelier direction; the score, probability × distance, ranks the pairs.
    if (options.check_confusable) {
        const ErrorModel &model = ErrorModel::standard();
        const std::size_t ntypes = scheme.types.size();
        std::size_t guessable = 0;
        for (const auto &t : scheme.types)
            guessable += t.exact_name || t.any_name ? 0 : 1;
        const double per_prefix =
            guessable >= 2 ? model.r_prefix / static_cast<double>(guessable - 1) : 0.0;
        // a misread digit of an ID with a check digit fails the check: the resolver weighs
        // such an explanation by 0.01 (error_model.cpp), and so do we
        constexpr double check_factor = 0.01;
        auto check_f = [&](std::size_t k) { return parts[k]->check ? check_factor : 1.0; };
        struct Pair {
            std::size_t i, j;
            double p, d;
            std::string how;
        };
        std::vector<Pair> pairs;
        for (std::size_t i = 0; i < n; ++i) {
            if (!parts[i] || !unique[i] || !position_ok[i]) continue;
            std::array<std::uint8_t, max_digits + 2> d{};
            {
                std::string digits;
                bool wc = false;
                match_canonical(scheme.types[parts[i]->type], plates[i].id, digits, wc, nullptr);
                for (std::size_t k = 0; k < digits.size() && k < max_digits; ++k)
                    d[k] = static_cast<std::uint8_t>(digits[k] - '0');
            }
            const int id_digits = base_n[i];
            const double per_substitute = model.r_substitute / std::max(1, id_digits);
            const double per_swap = id_digits >= 2 ? model.r_swap / (id_digits - 1) : 0.0;
            const auto type = parts[i]->type;
            const bool nonzero_first = scheme.types[type].first_nonzero;
            // p_ij(j): probability of the misreading given the other plate j
            auto test = [&](std::size_t t, const std::array<std::uint8_t, max_digits + 2> &v,
                            auto &&p_ij, auto &&how) {
                const auto it = by_base.find(make_key(t, v.data(), id_digits));
                if (it == by_base.end() || it->second.size() != 1) return;
                const auto j = it->second.front();
                if (j <= i || !position_ok[j]) return;
                const double p = p_ij(j);
                if (p < options.confusable_min_probability) return;
                const double dd = distance(plates[i].position, plates[j].position);
                if (dd <= options.confusable_min_m) return;
                pairs.push_back({i, j, p, dd, how()});
            };
            for (int q = 0; q < id_digits; ++q) {
                const auto uq = static_cast<std::size_t>(q);
                const auto a = static_cast<std::size_t>(d[uq]);
                for (std::size_t b = 0; b < 10; ++b) {
                    if (b == a || (q == 0 && b == 0 && nonzero_first)) continue;
                    // cheap bound first: the likelier direction without check digits
                    if (per_substitute * std::max(model.conf[a][b], model.conf[b][a]) <
                        options.confusable_min_probability)
                        continue;
                    auto v = d;
                    v[uq] = static_cast<std::uint8_t>(b);
                    test(
                        type, v,
                        [&](std::size_t j) {
                            return per_substitute * std::max(model.conf[a][b] * check_f(i),
                                                             model.conf[b][a] * check_f(j));
                        },
                        [&] {
                            return std::to_string(a) + "/" + std::to_string(b) + " at digit " +
                                   std::to_string(q + 1);
                        });
                }
                if (q + 1 < id_digits && d[uq] != d[uq + 1] &&
                    per_swap >= options.confusable_min_probability) {
                    auto v = d;
                    std::swap(v[uq], v[uq + 1]);
                    test(
                        type, v,
                        [&](std::size_t j) { return per_swap * std::max(check_f(i), check_f(j)); },
                        [&] {
                            return "digits " + std::to_string(q + 1) + " and " +
                                   std::to_string(q + 2) + " swapped";
                        });
                }
            }
            // the same digits under another type prefix (the check digit does not help)
            if (per_prefix >= options.confusable_min_probability)
                for (std::size_t t = 0; t < ntypes; ++t) {
                    if (t == type || scheme.types[t].exact_name || scheme.types[type].exact_name)
                        continue;
                    test(
                        t, d, [&](std::size_t) { return per_prefix; },
                        [&] {
                            return "prefix " + scheme.types[type].prefix + "/" +
                                   scheme.types[t].prefix;
                        });
                }
        }
        std::sort(pairs.begin(), pairs.end(), [](const Pair &a, const Pair &b) {
            const double sa = a.p * a.d, sb = b.p * b.d;
            if (sa != sb) return sa > sb;
            return std::tie(a.i, a.j) < std::tie(b.i, b.j);
        });
        for (const auto &pr : pairs) {
            issue(CheckKind::confusable, Severity::warning, {pr.i, pr.j}, pr.d,
                  "plates '" + plates[pr.i].id + "' and '" + plates[pr.j].id +
                      "' are one misreading apart (" + pr.how + ", p " + probability(pr.p) +
                      ") but " + metres(pr.d) + " apart");
            auto &is = report.issues.back();
            is.misreading = pr.how;
            is.probability = pr.p;
            is.score = pr.p * pr.d;
        }
    }

    if (options.distance_to_road) {
        for (std::size_t i = 0; i < n; ++i) {
            if (!position_ok[i]) continue;
            const double d = options.distance_to_road(plates[i].position);
            if (d > options.max_road_distance_m)
                issue(CheckKind::far_from_road, Severity::warning, {i}, d,
                      "plate '" + plates[i].id + "' is " + metres(d) + " from the nearest road");
        }
    }

    // by kind, then first plate; confusable pairs keep their order by score (stable sort)
    std::stable_sort(report.issues.begin(), report.issues.end(),
                     [](const CheckIssue &a, const CheckIssue &b) {
                         if (a.kind != b.kind)
                             return static_cast<int>(a.kind) < static_cast<int>(b.kind);
                         if (a.kind == CheckKind::confusable) return false;
                         return a.plates.front() < b.plates.front();
                     });
    for (const auto &is : report.issues)
        (is.severity == Severity::error ? report.error_count : report.warning_count)++;
    return report;
}

} // namespace lugeo
