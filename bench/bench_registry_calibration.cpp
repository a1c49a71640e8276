// Calibration and accuracy of the resolver's confidence (docs/locate.md), on two numbering
// schemes: the demo-shaped synthetic registry (G###-####, L###-####: 7,300 plates) and the
// same positions under random five-digit IDs (DG-#####, LD-#####).
//
// A simulated caller with its own error model (not the resolver's tables): 80 % of calls
// read correctly, 20 % misread — a confusable digit 35 %, any other digit 15 %, two
// neighbours swapped 20 %, a digit dropped 10 %, a digit doubled 8 %, 四 said as 十 5 %, the
// other type's prefix 7 %; independently the prefix is left out 15 % of the time, and a third
// of the calls are spoken (Chinese digits, radio forms). 70 % of calls carry a position:
// Gaussian around the true plate (sigma 150 m per axis, radius 300 m), 5 % of those an
// outlier 0.5-3 km off.
//
// The confidence model's four parameters (LocateOptions: prior_power, edit_weight, other_mass,
// position_outlier) are fitted by grid search (log score of the first answer's confidence) on
// draws of seed S, and every figure is measured on draws of seed S+1 (never on the fitted
// draws).
//
// The ceiling: the same caller written as a probability model (CallerModel: P(what was said |
// plate) from its rates, exactly, and its position density) is the Bayes-optimal resolver for
// it; its answers on the held-out draws bound what any resolver can reach. It reports the
// dispatch rule too (the plate whose 100 m neighbourhood holds the most posterior mass).
//
//   bench_registry_calibration [calls=6000] [seed=20261202]
#include "support/registry_synth.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <map>
#include <set>
#include <unordered_map>

using namespace lugeo;
using namespace lugeo::test_support;

namespace {

struct Call {
    std::string text;
    std::string key; ///< what was said, lossless: prefix (or none) ':' digits
    std::size_t truth = 0;
    bool misread = false;
    std::optional<CallerPosition> near;
    double caller_error_m = -1;
};

const char *spoken_digit[] = {"洞", "幺", "两", "三", "四", "五", "六", "拐", "八", "勾"};
const char *plain_digit[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

class Caller {
public:
    Caller(const Registry &reg, std::uint64_t seed) : m_reg(reg), m_rng(seed) {}

    Call call() {
        Call c;
        c.truth = pick(m_reg.size());
        const Plate &p = m_reg.plates()[c.truth];
        // split the canonical ID into prefix (letters) and digits
        std::string prefix, digits;
        for (char ch : p.id)
            if (ch >= '0' && ch <= '9')
                digits += ch;
            else if (ch >= 'A' && ch <= 'Z')
                prefix += ch;
        c.misread = uni() < 0.20;
        if (c.misread) {
            const std::string before = prefix + digits;
            for (int tries = 0; tries < 10 && prefix + digits == before; ++tries)
                misread(prefix, digits);
        }
        if (uni() < 0.15) prefix.clear();
        c.key = prefix + ":" + digits;
        c.text = render(prefix, digits);
        if (uni() < 0.70) {
            XY at = p.position;
            if (uni() < 0.05) {
                const double a = uni() * 2 * 3.14159265, d = 500 + uni() * 2500;
                at.x += d * std::cos(a);
                at.y += d * std::sin(a);
            } else {
                std::normal_distribution<double> N(0.0, 150.0);
                at.x += N(m_rng);
                at.y += N(m_rng);
            }
            c.near = CallerPosition{at, 300.0};
            c.caller_error_m = distance(at, p.position);
        }
        return c;
    }

private:
    double uni() { return std::uniform_real_distribution<double>(0, 1)(m_rng); }
    std::size_t pick(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(m_rng);
    }
    char confusable(char d) {
        static const char *pairs[] = {"17", "69", "38", "68", "08", "56", "27", "49", "35", "89"};
        std::vector<char> opts;
        for (const char *pr : pairs) {
            if (pr[0] == d) opts.push_back(pr[1]);
            if (pr[1] == d) opts.push_back(pr[0]);
        }
        if (opts.empty()) return static_cast<char>('0' + (d - '0' + 1 + pick(9)) % 10);
        return opts[pick(opts.size())];
    }
    void misread(std::string &prefix, std::string &d) {
        const double r = uni();
        const std::size_t i = pick(d.size());
        if (r < 0.35) {
            d[i] = confusable(d[i]);
        } else if (r < 0.50) {
            d[i] = static_cast<char>('0' + (d[i] - '0' + 1 + pick(9)) % 10);
        } else if (r < 0.70) {
            const std::size_t j = std::min(i, d.size() - 2);
            std::swap(d[j], d[j + 1]);
        } else if (r < 0.80) {
            d.erase(i, 1);
        } else if (r < 0.88) {
            d.insert(i, 1, d[i]);
        } else if (r < 0.93) {
            const auto k = d.find('4');
            if (k != std::string::npos)
                d.replace(k, 1, "10");
            else
                d[i] = confusable(d[i]);
        } else {
            // the other type's prefix
            const auto &types = m_reg.scheme().types;
            for (const auto &t : types)
                if (t.prefix != prefix && !t.prefix.empty()) {
                    prefix = t.prefix;
                    break;
                }
        }
    }
    std::string render(const std::string &prefix, const std::string &d) {
        const double r = uni();
        std::string s;
        if (r < 0.33) { // spoken
            if (!prefix.empty()) s += prefix + " ";
            const bool radio = uni() < 0.5;
            for (char c : d)
                s += radio ? spoken_digit[c - '0'] : plain_digit[c - '0'];
            return s;
        }
        s = prefix;
        if (r < 0.66 && !s.empty()) s += '-';
        std::string body = d;
        if (d.size() == 7 && uni() < 0.5) body = d.substr(0, 3) + "-" + d.substr(3);
        s += body;
        if (uni() < 0.3)
            for (char &c : s)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    const Registry &m_reg;
    std::mt19937_64 m_rng;
};

/// The caller above as a probability model: P(what was said | plate), computed exactly from
/// its rates (not sampled), and the position's density. This is what a Bayes-optimal resolver
/// for this caller would know; its decisions, scored on the held-out draws, are the ceiling
/// any resolver can reach (it is not fitted: nothing to overfit).
class CallerModel {
public:
    explicit CallerModel(const Registry &reg) : m_reg(reg) {
        const auto &types = reg.scheme().types;
        for (std::uint32_t j = 0; j < reg.size(); ++j) {
            std::string prefix, digits;
            for (char ch : reg.plates()[j].id)
                if (ch >= '0' && ch <= '9')
                    digits += ch;
                else if (ch >= 'A' && ch <= 'Z')
                    prefix += ch;
            std::map<std::string, double> out; // prefix ':' digits -> probability
            const std::string own = prefix + ":" + digits;
            add(out, own, 0.80);
            // a misread: the ops, retried until something changed (so normalised over changes)
            std::map<std::string, double> mis;
            const double n = static_cast<double>(digits.size());
            auto op = [&](const std::string &pf, const std::string &d, double w) {
                if (pf == prefix && d == digits) return;
                mis[pf + ":" + d] += w;
            };
            auto confusable = [&](std::size_t i, double w) {
                const auto opts = confusions(digits[i]);
                for (char o : opts) {
                    std::string d = digits;
                    d[i] = o;
                    op(prefix, d, w / static_cast<double>(opts.size()));
                }
            };
            for (std::size_t i = 0; i < digits.size(); ++i) {
                confusable(i, 0.35 / n);
                for (int k = 1; k <= 9; ++k) {
                    std::string d = digits;
                    d[i] = static_cast<char>('0' + (d[i] - '0' + k) % 10);
                    op(prefix, d, 0.15 / n / 9.0);
                }
                {
                    std::string d = digits;
                    const std::size_t q = std::min(i, digits.size() - 2);
                    std::swap(d[q], d[q + 1]);
                    op(prefix, d, 0.20 / n);
                }
                {
                    std::string d = digits;
                    d.erase(i, 1);
                    op(prefix, d, 0.10 / n);
                }
                {
                    std::string d = digits;
                    d.insert(i, 1, d[i]);
                    op(prefix, d, 0.08 / n);
                }
            }
            if (const auto k = digits.find('4'); k != std::string::npos) {
                std::string d = digits;
                d.replace(k, 1, "10");
                op(prefix, d, 0.05);
            } else {
                for (std::size_t i = 0; i < digits.size(); ++i)
                    confusable(i, 0.05 / n);
            }
            for (const auto &t : types)
                if (t.prefix != prefix && !t.prefix.empty()) {
                    op(t.prefix, digits, 0.07);
                    break;
                }
            double changed = 0;
            for (const auto &[k, w] : mis)
                changed += w;
            for (const auto &[k, w] : mis)
                add(out, k, 0.20 * w / changed);
            for (const auto &[k, w] : out) {
                // the prefix left out 15 % of the time
                const auto colon = k.find(':');
                const double m = k == own ? w - 0.80 : w; // the misread share
                m_table[k].push_back({j, 0.85 * w, 0.85 * m});
                m_table[k.substr(colon)].push_back({j, 0.15 * w, 0.15 * m});
            }
        }
        for (auto &[k, row] : m_table) { // a plate may reach ":digits" twice (G/L dropped)
            std::sort(row.begin(), row.end(),
                      [](const Entry &a, const Entry &b) { return a.plate < b.plate; });
            std::vector<Entry> merged;
            for (const auto &e : row)
                if (!merged.empty() && merged.back().plate == e.plate) {
                    merged.back().all += e.all;
                    merged.back().mis += e.mis;
                } else {
                    merged.push_back(e);
                }
            row = std::move(merged);
        }
    }

    /// P(plate | said, position), best first. `within` > 0: the caller is known to lie within
    /// `within` metres of the true plate (the population an aim is scored on).
    /// `misread_known`: the resolver is told the call is a misread (no correct read possible):
    /// the bound on any resolver's score over misreads, unreachable without hurting correct reads.
    std::vector<std::pair<std::uint32_t, double>> posterior(const Call &c, double within,
                                                            bool misread_known = false) const {
        std::vector<std::pair<std::uint32_t, double>> out;
        const auto it = m_table.find(c.key);
        if (it == m_table.end()) return out;
        double total = 0;
        for (const auto &e : it->second) {
            const std::uint32_t j = e.plate;
            double v = misread_known ? e.mis : e.all;
            if (c.near) {
                const double d = distance(m_reg.plates()[j].position, c.near->position);
                const double s2 = 150.0 * 150.0;
                const double gauss = 0.95 * std::exp(-0.5 * d * d / s2) / (2 * 3.14159265 * s2);
                const double ring =
                    d >= 500 && d <= 3000 ? 0.05 / (2 * 3.14159265 * d * 2500.0) : 0.0;
                v *= within > 0 ? (d <= within ? gauss : 0.0) : gauss + ring;
            }
            if (v > 0) out.emplace_back(j, v);
            total += v;
        }
        if (total <= 0) return {};
        for (auto &e : out)
            e.second /= total;
        std::sort(out.begin(), out.end(),
                  [](const auto &a, const auto &b) { return a.second > b.second; });
        return out;
    }

    /// The plate that maximises P(the true plate is within `reach` of it), over every plate
    /// near a likely one (not only the likely ones).
    std::uint32_t best_reach(const std::vector<std::pair<std::uint32_t, double>> &post,
                             double reach) const {
        std::uint32_t best = post.front().first;
        double best_mass = -1;
        std::set<std::uint32_t> tried;
        for (std::size_t a = 0; a < post.size() && a < 16; ++a)
            for (const auto &nb : m_reg.nearest(m_reg.plates()[post[a].first].position, 12)) {
                if (nb.distance_m > reach ||
                    !tried.insert(static_cast<std::uint32_t>(nb.plate)).second)
                    continue;
                const XY at = m_reg.plates()[nb.plate].position;
                double mass = 0;
                for (const auto &[j, p] : post)
                    if (distance(m_reg.plates()[j].position, at) <= reach) mass += p;
                if (mass > best_mass) {
                    best_mass = mass;
                    best = static_cast<std::uint32_t>(nb.plate);
                }
            }
        return best;
    }

private:
    static std::vector<char> confusions(char d) {
        static const char *pairs[] = {"17", "69", "38", "68", "08", "56", "27", "49", "35", "89"};
        std::vector<char> opts;
        for (const char *pr : pairs) {
            if (pr[0] == d) opts.push_back(pr[1]);
            if (pr[1] == d) opts.push_back(pr[0]);
        }
        return opts;
    }
    static void add(std::map<std::string, double> &m, const std::string &k, double w) { m[k] += w; }
    struct Entry {
        std::uint32_t plate;
        double all; ///< P(said | plate)
        double mis; ///< P(said and misread | plate)
    };
    const Registry &m_reg;
    std::unordered_map<std::string, std::vector<Entry>> m_table;
};

struct Eval {
    double brier = 0;
    std::size_t n = 0;
};

struct Params {
    double power, edit, other, outlier;
};

LocateOptions options(const Params &p) {
    LocateOptions lo;
    lo.prior_power = p.power;
    lo.edit_weight = p.edit;
    lo.other_mass = p.other;
    lo.position_outlier = p.outlier;
    return lo;
}

/// The log score of the first answer's stated confidence (−log p if right, −log(1 − p) if
/// wrong): a proper scoring rule that punishes a confident wrong answer hardest.
double log_score(const Registry &reg, const std::vector<Call> &calls, const Params &p) {
    double b = 0;
    for (const auto &c : calls) {
        LocateOptions lo = options(p);
        lo.near = c.near;
        const auto r = reg.locate(c.text, lo);
        const double conf =
            std::clamp(r.candidates.empty() ? 0.0 : r.candidates[0].confidence, 1e-6, 1 - 1e-6);
        const bool right = !r.candidates.empty() && r.candidates[0].plate == c.truth;
        b -= std::log(right ? conf : 1.0 - conf);
    }
    return b / static_cast<double>(calls.size());
}

void report(const char *name, const Registry &reg, std::size_t ncalls, std::uint64_t seed) {
    Caller fit_caller(reg, seed), test_caller(reg, seed + 1);
    std::vector<Call> fit, test;
    for (std::size_t i = 0; i < ncalls / 2; ++i)
        fit.push_back(fit_caller.call());
    for (std::size_t i = 0; i < ncalls; ++i)
        test.push_back(test_caller.call());
    const LocateOptions defaults;
    const Params def{defaults.prior_power, defaults.edit_weight, defaults.other_mass,
                     defaults.position_outlier};
    Params best = def;
    double best_b = 1e9;
    for (double pw : {0.8, 1.0, 1.2})
        for (double ew : {0.7, 1.0, 1.4, 2.0, 3.0})
            for (double ot : {1e-5, 1e-4, 1e-3, 1e-2})
                for (double ou : {0.05, 0.15, 0.3}) {
                    const double b = log_score(reg, fit, {pw, ew, ot, ou});
                    if (b < best_b) {
                        best_b = b;
                        best = {pw, ew, ot, ou};
                    }
                }
    std::printf("\n== %s (%zu plates, scheme %s)\n", name, reg.size(), reg.scheme().text().c_str());
    std::printf("fitted on seed %llu (%zu calls): prior_power %.2f, edit_weight %.1f, other_mass "
                "%.0e, position_outlier %.2f (log score %.4f)\n",
                static_cast<unsigned long long>(seed), fit.size(), best.power, best.edit,
                best.other, best.outlier, best_b);
    std::printf("scored on seed %llu (%zu calls): log score %.4f fitted, %.4f with the default "
                "options\n",
                static_cast<unsigned long long>(seed + 1), test.size(), log_score(reg, test, best),
                log_score(reg, test, def));
    // reliability of the first answer
    const double edges[] = {0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0001};
    std::size_t bins = 6;
    std::vector<std::size_t> cnt(bins), ok(bins);
    std::vector<double> sum(bins);
    std::size_t mis_near = 0, mis_near_100 = 0, shown95 = 0, shown95_ok = 0;
    std::size_t mis_nopos_invalid = 0, mis_nopos_top3 = 0, all_ok = 0;
    std::size_t mis_near_dispatch = 0; // the dispatch answer within 100 m
    // the ceiling: the Bayes-optimal resolver for this caller (CallerModel)
    const CallerModel model(reg);
    std::size_t b_near_map = 0, b_near_reach = 0, b_near_known = 0, b95 = 0, b95_ok = 0;
    std::size_t b_near_untrunc = 0;
    std::size_t b_top3 = 0, b_top3_known = 0, b_all_ok = 0;
    for (const auto &c : test) {
        LocateOptions lo = options(best);
        lo.near = c.near;
        const auto r = reg.locate(c.text, lo);
        if (r.candidates.empty()) {
            ++cnt[0];
            continue;
        }
        const double conf = r.candidates[0].confidence;
        const bool right = r.candidates[0].plate == c.truth;
        all_ok += right;
        const auto &P = reg.plates();
        auto within100 = [&](std::size_t plate) {
            return distance(P[plate].position, P[c.truth].position) <= 100.0;
        };
        {
            const auto post = model.posterior(c, 0.0);
            if (!post.empty()) {
                b_all_ok += post[0].first == c.truth;
                if (post[0].second >= 0.95) {
                    ++b95;
                    b95_ok += post[0].first == c.truth;
                }
            }
        }
        if (c.misread && c.near && c.caller_error_m <= 300) {
            const auto post = model.posterior(c, 300.0);
            if (!post.empty()) {
                b_near_map += within100(post[0].first);
                b_near_reach += within100(model.best_reach(post, 100.0));
            }
            const auto full = model.posterior(c, 0.0);
            if (!full.empty()) b_near_untrunc += within100(model.best_reach(full, 100.0));
            const auto known = model.posterior(c, 300.0, true);
            if (!known.empty()) b_near_known += within100(model.best_reach(known, 100.0));
            mis_near_dispatch += r.dispatch && within100(r.dispatch->plate);
        }
        if (c.misread && !c.near && r.kind != MatchKind::exact) {
            const auto post = model.posterior(c, 0.0);
            for (std::size_t q = 0; q < post.size() && q < 3; ++q)
                b_top3 += post[q].first == c.truth;
            const auto known = model.posterior(c, 0.0, true);
            for (std::size_t q = 0; q < known.size() && q < 3; ++q)
                b_top3_known += known[q].first == c.truth;
        }
        std::size_t k = 0;
        while (k + 1 < bins && conf >= edges[k + 1])
            ++k;
        ++cnt[k];
        ok[k] += right;
        sum[k] += conf;
        if (conf >= 0.95) {
            ++shown95;
            shown95_ok += right;
        }
        if (c.misread && c.near && c.caller_error_m <= 300) {
            ++mis_near;
            mis_near_100 += distance(reg.plates()[r.candidates[0].plate].position,
                                     reg.plates()[c.truth].position) <= 100.0;
        }
        if (c.misread && !c.near && r.kind != MatchKind::exact) {
            ++mis_nopos_invalid;
            for (std::size_t q = 0; q < r.candidates.size() && q < 3; ++q)
                mis_nopos_top3 += r.candidates[q].plate == c.truth;
        }
    }
    std::printf(
        "| stated confidence | answers | mean stated | observed right |\n|---|---:|---:|---:|\n");
    for (std::size_t k = 0; k < bins; ++k)
        if (cnt[k])
            std::printf("| %.0f-%.0f %% | %zu | %.1f %% | %.1f %% |\n", 100 * edges[k],
                        std::min(100.0, 100 * edges[k + 1]), cnt[k], 100 * sum[k] / cnt[k],
                        100.0 * ok[k] / cnt[k]);
    std::printf("first answer right: %.1f %% of %zu calls\n", 100.0 * all_ok / test.size(),
                test.size());
    std::printf("misreads with a position within 300 m: first answer within 100 m of the true "
                "plate %.1f %% (%zu)\n",
                100.0 * mis_near_100 / std::max<std::size_t>(1, mis_near), mis_near);
    std::printf("  the dispatch answer (LocateResult::dispatch, reach 100 m) within 100 m of the "
                "true plate %.1f %%\n",
                100.0 * mis_near_dispatch / std::max<std::size_t>(1, mis_near));
    std::printf("answers shown at >= 95 %%: right %.2f %% (%zu)\n",
                100.0 * shown95_ok / std::max<std::size_t>(1, shown95), shown95);
    std::printf("misreads without a position that are not valid IDs: true plate in the top 3 "
                "%.1f %% (%zu)\n",
                100.0 * mis_nopos_top3 / std::max<std::size_t>(1, mis_nopos_invalid),
                mis_nopos_invalid);
    const auto pct = [](std::size_t a, std::size_t b) {
        return 100.0 * static_cast<double>(a) / static_cast<double>(std::max<std::size_t>(1, b));
    };
    std::printf("ceiling (the Bayes-optimal resolver for this caller: its exact likelihood, scored "
                "on the same held-out calls):\n");
    std::printf("  first answer right %.1f %%; shown >= 95 %% right %.2f %% (%zu)\n",
                pct(b_all_ok, test.size()), pct(b95_ok, b95), b95);
    std::printf("  misreads, position within 300 m: most likely plate within 100 m %.1f %%, "
                "best-reach plate %.1f %%; told it is a misread %.1f %%\n",
                pct(b_near_map, mis_near), pct(b_near_reach, mis_near),
                pct(b_near_known, mis_near));
    std::printf("  (not told that the caller is within 300 m: best-reach plate %.1f %%)\n",
                pct(b_near_untrunc, mis_near));
    std::printf("  misreads without a position, not valid IDs: top 3 %.1f %%; told it is a "
                "misread %.1f %%\n",
                pct(b_top3, mis_nopos_invalid), pct(b_top3_known, mis_nopos_invalid));
}

} // namespace

int main(int argc, char **argv) {
    const std::size_t calls = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 6000;
    const std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 20261202;
    const auto plates = make_synthetic_plates();
    const Registry demo(plates);
    report("demo-shaped", demo, calls, seed);

    // the same positions under random five-digit IDs, DG for poles and LD for lamps
    std::mt19937_64 rng(seed);
    std::set<int> used;
    std::vector<Plate> random_ids = plates;
    for (auto &p : random_ids) {
        int n;
        do
            n = static_cast<int>(rng() % 100000);
        while (!used.insert(n).second);
        char buf[16];
        std::snprintf(buf, sizeof buf, "%s-%05d", p.kind == "pole" ? "DG" : "LD", n);
        p.id = buf;
    }
    PlateScheme s = parse_plate_scheme("DG-#####", "pole");
    const PlateScheme l = parse_plate_scheme("LD-#####", "lamp");
    s.types.insert(s.types.end(), l.types.begin(), l.types.end());
    const Registry rnd(random_ids, s);
    report("random IDs", rnd, calls, seed);

    // beside PostgreSQL pg_trgm / levenshtein(): 7,300 random five-digit IDs, one digit
    // substituted (any other digit) or two neighbours swapped, no position, prefix kept
    std::mt19937_64 r2(seed + 7);
    std::size_t n = 0, top1 = 0, top5 = 0;
    std::vector<double> us;
    for (int i = 0; i < 5000; ++i) {
        const std::size_t t = r2() % rnd.size();
        std::string id = rnd.plates()[t].id;
        const std::size_t pos = 3 + r2() % 5;
        if (r2() % 2 && pos + 1 < id.size() && id[pos] != id[pos + 1])
            std::swap(id[pos], id[pos + 1]);
        else
            id[pos] = static_cast<char>('0' + (id[pos] - '0' + 1 + r2() % 9) % 10);
        if (rnd.find(id)) continue; // another valid plate: no method can know
        ++n;
        const auto t0 = std::chrono::steady_clock::now();
        const auto res = rnd.locate(id);
        us.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                .count());
        for (std::size_t k = 0; k < res.candidates.size() && k < 5; ++k)
            if (res.candidates[k].plate == t) {
                top1 += k == 0;
                ++top5;
            }
    }
    std::sort(us.begin(), us.end());
    std::printf("\n== random five-digit IDs, one substitution or swap, no position (%zu queries)\n"
                "lugeo: true ID first %.1f %%, in the top 5 %.1f %%; %.0f us median, %.0f us p99\n"
                "(PostgreSQL pg_trgm / levenshtein on a set like this: 17-24 %% first, 52-57 %% "
                "top 5, 2-11 ms)\n",
                n, 100.0 * top1 / n, 100.0 * top5 / n, us[us.size() / 2], us[us.size() * 99 / 100]);
    return 0;
}
