// How well could ANY resolver do on the simulated caller (tests/support/registry_synth.hpp)?
//
// Draws `per_plate` misreads of every plate of the demo-shaped registry, groups them by what
// was said (prefix or none, digits — the rendering into text is lossless and tested
// separately), and ranks the true plates of each group by how often they produced it: the
// empirical Bayes-optimal answer without a caller position. On the same draws (in-sample)
// this is an upper bound in expectation of what any resolver can reach — it has seen the
// answers —, on fresh draws (held-out) a lower one. The resolver's own figures are measured on
// the held-out draws for comparison. Only misreads that are not themselves valid plate IDs
// count (the aim of issue 3: top-3 >= 95% without a position).
//
//   build/bench/bench_registry_ceiling [per_plate=100] [seed=7301]
#include "support/registry_synth.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <unordered_map>

using namespace lugeo;
using namespace lugeo::test_support;

namespace {

struct Tally {
    long n = 0, top1 = 0, top3 = 0;
    double p1() const { return n ? 100.0 * static_cast<double>(top1) / static_cast<double>(n) : 0; }
    double p3() const { return n ? 100.0 * static_cast<double>(top3) / static_cast<double>(n) : 0; }
};

std::string class_of(const std::string &kind) {
    if (kind.rfind("two:", 0) == 0) return "two errors";
    const auto plus = kind.find('+');
    return plus == std::string::npos ? kind : kind.substr(0, plus);
}

} // namespace

int main(int argc, char **argv) {
    const int per_plate = argc > 1 ? std::atoi(argv[1]) : 100;
    const std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 7301;
    const Registry reg(make_synthetic_plates());
    const auto &plates = reg.plates();

    auto valid_id = [&](const MisreadSimulator::Misread &m) {
        if (!m.prefix || m.digits.size() != 7) return false;
        return reg.find(std::string(1, m.prefix) + m.digits.substr(0, 3) + "-" + m.digits.substr(3))
            .has_value();
    };
    auto key_of = [](const MisreadSimulator::Misread &m) {
        return std::string(1, m.prefix ? m.prefix : '-') + m.digits;
    };

    // training draws: key -> (plate -> count)
    std::unordered_map<std::string, std::vector<std::pair<std::uint32_t, std::uint32_t>>> table;
    std::map<std::string, Tally> in_sample;
    {
        MisreadSimulator sim(seed);
        std::vector<std::pair<std::string, std::string>> kinds; // key, class (invalid only)
        for (std::uint32_t p = 0; p < plates.size(); ++p)
            for (int k = 0; k < per_plate; ++k) {
                const auto m = sim.misread(plates[p].id);
                if (valid_id(m)) continue;
                auto &row = table[key_of(m)];
                auto it = std::find_if(row.begin(), row.end(),
                                       [&](const auto &e) { return e.first == p; });
                if (it == row.end())
                    row.emplace_back(p, 1);
                else
                    ++it->second;
            }
        for (auto &[key, row] : table) {
            std::sort(row.begin(), row.end(), [](const auto &a, const auto &b) {
                return a.second != b.second ? a.second > b.second : a.first < b.first;
            });
            // every draw of this key counts; the best guess is the row's order
            for (std::size_t r = 0; r < row.size(); ++r) {
                in_sample["all"].n += row[r].second;
                if (r == 0) in_sample["all"].top1 += row[r].second;
                if (r < 3) in_sample["all"].top3 += row[r].second;
            }
        }
    }
    std::printf("registry %zu plates, %d misreads per plate (seed %llu), %zu distinct invalid "
                "heard IDs\n",
                plates.size(), per_plate, static_cast<unsigned long long>(seed), table.size());
    std::printf("in-sample Bayes (upper bound), invalid misreads, no position: top-1 %.1f%%  "
                "top-3 %.1f%%  (n=%ld)\n",
                in_sample["all"].p1(), in_sample["all"].p3(), in_sample["all"].n);

    // held-out draws: the table's ranking and the resolver's, per error class
    std::map<std::string, Tally> bayes, resolver;
    MisreadSimulator sim(seed + 1000003);
    std::mt19937_64 rng(seed + 17);
    const int held_out = 20000;
    for (int k = 0; k < held_out; ++k) {
        const auto p = static_cast<std::uint32_t>(
            std::uniform_int_distribution<std::size_t>(0, plates.size() - 1)(rng));
        const auto m = sim.misread(plates[p].id);
        if (valid_id(m)) continue;
        const std::string cls = class_of(m.kind);
        int rank = 0;
        if (const auto it = table.find(key_of(m)); it != table.end())
            for (std::size_t r = 0; r < it->second.size(); ++r)
                if (it->second[r].first == p) rank = static_cast<int>(r) + 1;
        for (const auto &c : {cls, std::string("all")}) {
            auto &b = bayes[c];
            ++b.n;
            b.top1 += rank == 1;
            b.top3 += rank >= 1 && rank <= 3;
        }
        const auto res = reg.locate(m.text);
        int rr = 0;
        for (std::size_t r = 0; r < res.candidates.size(); ++r)
            if (res.candidates[r].plate == p) rr = static_cast<int>(r) + 1;
        for (const auto &c : {cls, std::string("all")}) {
            auto &t = resolver[c];
            ++t.n;
            t.top1 += rr == 1;
            t.top3 += rr >= 1 && rr <= 3;
        }
    }
    std::printf("held-out (%d draws): class, n, Bayes table top-1/top-3 (lower bound), resolver "
                "top-1/top-3\n",
                held_out);
    for (const auto &[cls, b] : bayes)
        std::printf("  %-12s %6ld   table %5.1f%% %5.1f%%   resolver %5.1f%% %5.1f%%\n",
                    cls.c_str(), b.n, b.p1(), b.p3(), resolver[cls].p1(), resolver[cls].p3());
    return 0;
}
