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
// The confidence model's three parameters (LocateOptions: prior_power, other_mass,
// position_outlier) are fitted by grid search (Brier score of the first answer) on draws of
// seed S, and every figure is measured on draws of seed S+1 (never on the fitted draws).
//
//   bench_registry_calibration [calls=6000] [seed=20261202]
#include "support/registry_synth.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>

using namespace lugeo;
using namespace lugeo::test_support;

namespace {

struct Call {
    std::string text;
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

struct Eval {
    double brier = 0;
    std::size_t n = 0;
};

struct Params {
    double power, other, outlier;
};

LocateOptions options(const Params &p) {
    LocateOptions lo;
    lo.prior_power = p.power;
    lo.other_mass = p.other;
    lo.position_outlier = p.outlier;
    return lo;
}

double brier(const Registry &reg, const std::vector<Call> &calls, const Params &p) {
    double b = 0;
    for (const auto &c : calls) {
        LocateOptions lo = options(p);
        lo.near = c.near;
        const auto r = reg.locate(c.text, lo);
        const double conf = r.candidates.empty() ? 0.0 : r.candidates[0].confidence;
        const bool right = !r.candidates.empty() && r.candidates[0].plate == c.truth;
        b += (conf - (right ? 1.0 : 0.0)) * (conf - (right ? 1.0 : 0.0));
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
    Params best{1.0, 2e-3, 0.05};
    double best_b = 1e9;
    for (double pw : {0.6, 0.8, 1.0, 1.2})
        for (double ot : {1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 1e-2})
            for (double ou : {0.05, 0.15, 0.3}) {
                const double b = brier(reg, fit, {pw, ot, ou});
                if (b < best_b) {
                    best_b = b;
                    best = {pw, ot, ou};
                }
            }
    std::printf("\n== %s (%zu plates, scheme %s)\n", name, reg.size(), reg.scheme().text().c_str());
    std::printf("fitted on seed %llu (%zu calls): prior_power %.2f, other_mass %.0e, "
                "position_outlier %.2f (Brier %.4f)\n",
                static_cast<unsigned long long>(seed), fit.size(), best.power, best.other,
                best.outlier, best_b);
    std::printf("scored on seed %llu (%zu calls), default options too (Brier %.4f)\n",
                static_cast<unsigned long long>(seed + 1), test.size(),
                brier(reg, test, {1.0, 2e-3, 0.05}));
    // reliability of the first answer
    const double edges[] = {0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0001};
    std::size_t bins = 6;
    std::vector<std::size_t> cnt(bins), ok(bins);
    std::vector<double> sum(bins);
    std::size_t mis_near = 0, mis_near_100 = 0, shown95 = 0, shown95_ok = 0;
    std::size_t mis_nopos_invalid = 0, mis_nopos_top3 = 0, all_ok = 0;
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
    std::printf("answers shown at >= 95 %%: right %.2f %% (%zu)\n",
                100.0 * shown95_ok / std::max<std::size_t>(1, shown95), shown95);
    std::printf("misreads without a position that are not valid IDs: true plate in the top 3 "
                "%.1f %% (%zu)\n",
                100.0 * mis_nopos_top3 / std::max<std::size_t>(1, mis_nopos_invalid),
                mis_nopos_invalid);
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
