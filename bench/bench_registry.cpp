// Registry benchmarks (a plain timed driver): build time for a demo-shaped registry of 7,300
// plates, exact lookups per second, fuzzy top-5 latency (p50 / p99) on simulated misreads,
// with and without a caller position, and a batch of 100,000 IDs.
//
// Also: loading the demo scene's registry from its GeoJSON layers (read, transform, build),
// and describing an incident on the demo (cameras, rings, units by road).
//
//   bench_registry [misreads=20000] [seed=7301]
#include "support/registry_synth.hpp"

#include <lugeo/incident.hpp>
#include <lugeo/scene.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

using namespace lugeo;
using namespace lugeo::test_support;
using Clock = std::chrono::steady_clock;

namespace {

double us_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

/// A misread of any scheme's ID: the text before the first digit is the prefix (left out 15 %
/// of the time); one digit substituted (a confusable one 70 %), two neighbours swapped, a digit
/// dropped or doubled.
std::string generic_misread(const std::string &id, std::mt19937_64 &rng) {
    std::uniform_real_distribution<double> U(0.0, 1.0);
    std::size_t k = 0;
    while (k < id.size() && !(id[k] >= '0' && id[k] <= '9'))
        ++k;
    std::string prefix = id.substr(0, k), digits;
    for (std::size_t i = k; i < id.size(); ++i)
        if (id[i] >= '0' && id[i] <= '9') digits += id[i];
    const std::string before = digits;
    static const char *pairs[] = {"17", "69", "38", "68", "08", "56", "27", "49", "35", "89"};
    for (int tries = 0; tries < 10 && digits == before; ++tries) {
        const double r = U(rng);
        const std::size_t i = std::uniform_int_distribution<std::size_t>(0, digits.size() - 1)(rng);
        if (r < 0.5) {
            std::string opts;
            for (const char *pr : pairs) {
                if (pr[0] == digits[i]) opts += pr[1];
                if (pr[1] == digits[i]) opts += pr[0];
            }
            digits[i] =
                U(rng) < 0.7 && !opts.empty()
                    ? opts[std::uniform_int_distribution<std::size_t>(0, opts.size() - 1)(rng)]
                    : static_cast<char>('0' + (digits[i] - '0' + 1 + rng() % 9) % 10);
        } else if (r < 0.75 && digits.size() >= 2) {
            const std::size_t j = std::min(i, digits.size() - 2);
            std::swap(digits[j], digits[j + 1]);
        } else if (r < 0.88 && digits.size() >= 2) {
            digits.erase(i, 1);
        } else {
            digits.insert(i, 1, digits[i]);
        }
    }
    if (U(rng) < 0.15) prefix.clear();
    return prefix + digits;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(std::min<double>(
        static_cast<double>(v.size() - 1), p / 100.0 * static_cast<double>(v.size())));
    return v[i];
}

} // namespace

int main(int argc, char **argv) {
    const int misreads = argc > 1 ? std::atoi(argv[1]) : 20000;
    const std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 7301;
    const auto plates = make_synthetic_plates();

    // build (best of 5)
    double build_us = 1e300;
    for (int r = 0; r < 5; ++r) {
        auto copy = plates;
        const auto t0 = Clock::now();
        Registry reg(std::move(copy));
        build_us = std::min(build_us, us_since(t0));
    }
    const Registry reg(plates);
    std::printf("plates                      %zu\n", reg.size());
    std::printf("build                       %.2f ms\n", build_us / 1000.0);

    // exact: find() on canonical IDs, and locate() on canonical IDs (normalise + probe)
    std::mt19937_64 rng(seed);
    std::vector<std::string> ids;
    for (int i = 0; i < 100000; ++i)
        ids.push_back(
            plates[std::uniform_int_distribution<std::size_t>(0, plates.size() - 1)(rng)].id);
    std::size_t found = 0;
    auto t0 = Clock::now();
    for (int rep = 0; rep < 10; ++rep)
        for (const auto &id : ids)
            found += reg.find(id).has_value();
    const double find_us = us_since(t0) / (10.0 * static_cast<double>(ids.size()));
    t0 = Clock::now();
    for (const auto &id : ids)
        found += reg.locate(id).kind == MatchKind::exact;
    const double locate_exact_us = us_since(t0) / static_cast<double>(ids.size());
    std::printf("exact find()                %.3f us/lookup  (%.1f M lookups/s)\n", find_us,
                1.0 / find_us);
    std::printf("exact locate()              %.3f us/lookup  (normalise + probe)\n",
                locate_exact_us);

    // fuzzy top-5 on simulated misreads
    MisreadSimulator sim(seed);
    std::vector<std::string> heard;
    std::vector<XY> truth;
    for (int i = 0; i < misreads; ++i) {
        const auto &p =
            plates[std::uniform_int_distribution<std::size_t>(0, plates.size() - 1)(rng)];
        heard.push_back(sim.misread(p.id).text);
        truth.push_back(p.position);
    }
    for (int mode = 0; mode < 3; ++mode) {
        // Each query is timed three times: `lat` holds the first run (what a caller sees,
        // including any preemption by other processes on a shared machine), `best` the fastest
        // of the three (the resolver's own cost; scheduler noise removed).
        std::vector<double> lat, best;
        lat.reserve(heard.size());
        best.reserve(heard.size());
        for (std::size_t i = 0; i < heard.size(); ++i) {
            LocateOptions opt;
            opt.candidates = 5;
            opt.always_fuzzy = true;
            if (mode == 1) opt.near = CallerPosition{{truth[i].x + 150, truth[i].y - 100}, 300};
            if (mode == 2) opt.two_edits = false;
            double fastest = 1e300;
            for (int rep = 0; rep < 3; ++rep) {
                const auto t = Clock::now();
                const auto r = reg.locate(heard[i], opt);
                const double us = us_since(t);
                if (rep == 0) lat.push_back(us);
                fastest = std::min(fastest, us);
                found += r.candidates.size();
            }
            best.push_back(fastest);
        }
        const char *name = mode == 0   ? "fuzzy top-5"
                           : mode == 1 ? "fuzzy top-5 + position"
                                       : "fuzzy top-5, one edit";
        std::printf("%-27s p50 %.1f us  p99 %.1f us  max %.1f us  (best of 3: p50 %.1f  p99 %.1f  "
                    "max %.1f us)\n",
                    name, percentile(lat, 50), percentile(lat, 99), percentile(lat, 100),
                    percentile(best, 50), percentile(best, 99), percentile(best, 100));
    }

    // the other schemes on the same positions: random five-digit IDs (DG-#####, LD-#####) and
    // plain OSM-style refs without zeros ("65", "A12", "B2417": {|A|B}#{1,4})
    for (int scheme_no = 0; scheme_no < 2; ++scheme_no) {
        std::vector<Plate> other = plates;
        std::mt19937_64 r2(seed + 11 + static_cast<std::uint64_t>(scheme_no));
        PlateScheme sch;
        if (scheme_no == 0) {
            std::vector<int> nums(100000);
            for (int i = 0; i < 100000; ++i)
                nums[static_cast<std::size_t>(i)] = i;
            std::shuffle(nums.begin(), nums.end(), r2);
            for (std::size_t i = 0; i < other.size(); ++i) {
                char buf[16];
                std::snprintf(buf, sizeof buf, "%s-%05d", other[i].kind == "pole" ? "DG" : "LD",
                              nums[i]);
                other[i].id = buf;
            }
            sch = parse_plate_scheme("DG-#####", "pole");
            const PlateScheme l = parse_plate_scheme("LD-#####", "lamp");
            sch.types.insert(sch.types.end(), l.types.begin(), l.types.end());
        } else {
            std::vector<std::size_t> order(other.size());
            for (std::size_t i = 0; i < order.size(); ++i)
                order[i] = i;
            std::shuffle(order.begin(), order.end(), r2);
            const char *pre[] = {"", "A", "B"};
            for (std::size_t q = 0; q < order.size(); ++q) {
                Plate &p = other[order[q]];
                p.id = std::string(pre[q % 3]) + std::to_string(q / 3 + 1);
                p.kind = "pole";
            }
            sch = parse_plate_scheme("{|A|B}#{1,4}", "pole");
        }
        const Registry oreg(other, sch);
        std::vector<std::string> oids;
        for (int i = 0; i < 100000; ++i)
            oids.push_back(other[r2() % other.size()].id);
        const auto tf = Clock::now();
        for (int rep = 0; rep < 10; ++rep)
            for (const auto &id : oids)
                found += oreg.find(id).has_value();
        const double ofind = us_since(tf) / (10.0 * static_cast<double>(oids.size()));
        std::vector<double> lat, best, lat_pos, best_pos;
        for (int i = 0; i < misreads; ++i) {
            const std::size_t t = r2() % other.size();
            const std::string h = generic_misread(other[t].id, r2);
            for (int mode = 0; mode < 2; ++mode) {
                LocateOptions opt;
                opt.always_fuzzy = true;
                if (mode == 1)
                    opt.near =
                        CallerPosition{{other[t].position.x + 150, other[t].position.y - 100}, 300};
                double fastest = 1e300;
                for (int rep = 0; rep < 3; ++rep) {
                    const auto t1 = Clock::now();
                    found += oreg.locate(h, opt).candidates.size();
                    const double us = us_since(t1);
                    if (rep == 0) (mode ? lat_pos : lat).push_back(us);
                    fastest = std::min(fastest, us);
                }
                (mode ? best_pos : best).push_back(fastest);
            }
        }
        std::printf("scheme %-20s exact find() %.3f us; fuzzy top-5 p50 %.1f p99 %.1f us (best of "
                    "3: %.1f / %.1f); + position p50 %.1f p99 %.1f us (best of 3: %.1f / %.1f)\n",
                    oreg.scheme().text().c_str(), ofind, percentile(lat, 50), percentile(lat, 99),
                    percentile(best, 50), percentile(best, 99), percentile(lat_pos, 50),
                    percentile(lat_pos, 99), percentile(best_pos, 50), percentile(best_pos, 99));
    }

    // batch: 100,000 IDs as a dispatcher batch would hold them (80% correct, 20% misread)
    std::vector<std::string> batch;
    for (int i = 0; i < 100000; ++i) {
        const auto &p =
            plates[std::uniform_int_distribution<std::size_t>(0, plates.size() - 1)(rng)];
        batch.push_back(i % 5 == 0 ? sim.misread(p.id).text : p.id);
    }
    t0 = Clock::now();
    for (const auto &b : batch)
        found += reg.locate(b).candidates.size();
    std::printf("batch 100,000 IDs (20%% misread) %.1f ms\n", us_since(t0) / 1000.0);

    // nearest
    std::vector<XY> pts;
    for (int i = 0; i < 100000; ++i)
        pts.push_back({std::uniform_real_distribution<double>(0, 8000)(rng),
                       std::uniform_real_distribution<double>(0, 8000)(rng)});
    t0 = Clock::now();
    for (const auto &p : pts)
        found += reg.nearest(p, 5).size();
    std::printf("nearest k=5                 %.3f us/query\n",
                us_since(t0) / static_cast<double>(pts.size()));

    // the demo scene: load the registry from its layers (best of 5), and incidents
    const Scene scene = load_scene(std::string(LUGEO_DATA_DIR) + "/demo/scene.toml");
    double load_us = 1e300;
    std::size_t loaded = 0;
    for (int r = 0; r < 5; ++r) {
        t0 = Clock::now();
        const Registry demo(
            read_scene_data(scene, {LayerRole::poles, LayerRole::lamps}).plates.plates);
        load_us = std::min(load_us, us_since(t0));
        loaded = demo.size();
    }
    std::printf("load demo registry          %.1f ms  (%zu plates from GeoJSON: read, WGS84 -> %s, "
                "build)\n",
                load_us / 1000.0, loaded, scene.crs.c_str());
    SceneData data = read_scene_data(scene);
    const Registry demo(std::move(data.plates.plates));
    const Network net = build_network(data.roads, data.settings.network);
    const IncidentContext ctx = incident_context(data);
    const JunctionIndex junctions(net);
    std::vector<double> inc;
    for (int i = 0; i < 200; ++i) {
        const auto &p =
            demo.plates()[std::uniform_int_distribution<std::size_t>(0, demo.size() - 1)(rng)];
        t0 = Clock::now();
        const IncidentResult r =
            describe_incident(ctx, p.position, IncidentOptions{}, &net, &junctions);
        inc.push_back(us_since(t0));
        found += r.cameras.size();
    }
    std::printf("incident (demo, car, 30 min) p50 %.2f ms  p99 %.2f ms\n",
                percentile(inc, 50) / 1000.0, percentile(inc, 99) / 1000.0);
    return found == 0 ? 1 : 0;
}
