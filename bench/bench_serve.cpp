// bench_serve: `lugeo serve` under load. Starts the server on the demo scene (any free port),
// then for each endpoint sends its requests from N concurrent keep-alive clients (one
// connection each) and reports the latency seen by the clients (p50, p99, p99.9, max), the
// throughput, the errors (a failed connection or any status but 200) and the server's
// resident memory before and after (memory flat = no growth over the run).
//
//   build/bench/bench_serve build/cli/lugeo [--clients 16] [--locate 100000] [--incident 20000]
//                           [--isochrone 2000] [--threads 32] [--scene FILE] [--rounds 1]
// (--rounds N: every phase N times, to see that memory stays flat after the first)
//
// Questions are drawn from the scene's own plates (seeded): locate of the exact ID, of the ID
// with its last digit misheard, and with a caller position; incident at a plate or a position
// near one; the 5-minute car isochrone from a position near a plate. Figures: docs/benchmarks.md.
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

long rss_kb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

std::string loadavg() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

std::string encode(const std::string &s) {
    std::string out;
    char buf[4];
    for (unsigned char ch : s) {
        if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == ',') {
            out += static_cast<char>(ch);
        } else {
            std::snprintf(buf, sizeof buf, "%%%02X", ch);
            out += buf;
        }
    }
    return out;
}

struct Phase {
    std::string name;
    std::vector<std::string> paths;
};

struct Figures {
    std::size_t requests = 0, errors = 0;
    double p50 = 0, p99 = 0, p999 = 0, max = 0, seconds = 0;
    long rss_before = 0, rss_after = 0;
    std::string first_error;
};

Figures run(const Phase &ph, int port, int clients, pid_t server) {
    Figures f;
    f.rss_before = rss_kb(server);
    std::atomic<std::size_t> next{0}, errors{0};
    std::vector<std::vector<double>> lat(static_cast<std::size_t>(clients));
    std::mutex em;
    const auto t0 = Clock::now();
    std::vector<std::thread> ts;
    for (int c = 0; c < clients; ++c)
        ts.emplace_back([&, c] {
            httplib::Client cli("127.0.0.1", port);
            cli.set_keep_alive(true);
            cli.set_read_timeout(60, 0);
            auto &mine = lat[static_cast<std::size_t>(c)];
            for (;;) {
                const std::size_t i = next++;
                if (i >= ph.paths.size()) break;
                const auto a = Clock::now();
                auto res = cli.Get(ph.paths[i].c_str());
                const double ms =
                    std::chrono::duration<double, std::milli>(Clock::now() - a).count();
                mine.push_back(ms);
                if (!res || res->status != 200) {
                    ++errors;
                    std::lock_guard lock(em);
                    if (f.first_error.empty())
                        f.first_error =
                            ph.paths[i] + " -> " +
                            (res ? std::to_string(res->status) + " " + res->body.substr(0, 200)
                                 : httplib::to_string(res.error()));
                }
            }
        });
    for (auto &t : ts)
        t.join();
    f.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::vector<double> all;
    for (auto &v : lat)
        all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) {
        return all.empty() ? 0.0
                           : all[std::min(all.size() - 1, std::size_t(p * double(all.size())))];
    };
    f.requests = all.size();
    f.errors = errors;
    f.p50 = pct(0.50);
    f.p99 = pct(0.99);
    f.p999 = pct(0.999);
    f.max = all.empty() ? 0 : all.back();
    f.rss_after = rss_kb(server);
    return f;
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 2 || std::string(argv[1]) == "--help") {
        std::cerr << "usage: bench_serve LUGEO [--clients 16] [--locate 100000] [--incident "
                     "20000] [--isochrone 2000] [--threads 32] [--scene FILE]\n";
        return 2;
    }
    const std::string lugeo = argv[1];
    int clients = 16, threads = 32, rounds = 1;
    std::size_t n_locate = 100000, n_incident = 20000, n_iso = 2000;
    std::string scene;
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--clients")
            clients = std::stoi(v);
        else if (k == "--threads")
            threads = std::stoi(v);
        else if (k == "--locate")
            n_locate = std::stoul(v);
        else if (k == "--incident")
            n_incident = std::stoul(v);
        else if (k == "--isochrone")
            n_iso = std::stoul(v);
        else if (k == "--rounds")
            rounds = std::stoi(v);
        else if (k == "--scene")
            scene = v;
        else {
            std::cerr << "bench_serve: unknown option " << k << "\n";
            return 2;
        }
    }
    const std::string log = "bench_serve.log";
    const pid_t pid = fork();
    if (pid == 0) {
        FILE *f = std::freopen(log.c_str(), "w", stderr);
        (void)f;
        const std::string t = std::to_string(threads);
        if (scene.empty())
            execl(lugeo.c_str(), lugeo.c_str(), "serve", "--port", "0", "--threads", t.c_str(),
                  "-q", static_cast<char *>(nullptr));
        else
            execl(lugeo.c_str(), lugeo.c_str(), "serve", "--port", "0", "--threads", t.c_str(),
                  "-q", "--scene", scene.c_str(), static_cast<char *>(nullptr));
        _exit(127);
    }
    int port = 0;
    for (int i = 0; i < 1200 && port == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::ifstream in(log);
        std::stringstream ss;
        ss << in.rdbuf();
        std::smatch m;
        const std::string text = ss.str();
        if (std::regex_search(text, m, std::regex("listening on http://[^:]+:(\\d+)/")))
            port = std::stoi(m[1]);
        int st = 0;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            std::cerr << "bench_serve: the server exited: " << text << "\n";
            return 1;
        }
    }
    if (!port) {
        std::cerr << "bench_serve: the server did not start (see " << log << ")\n";
        kill(pid, SIGTERM);
        return 1;
    }
    httplib::Client c("127.0.0.1", port);
    auto layer = c.Get("/layers/plates.geojson");
    if (!layer || layer->status != 200) {
        std::cerr << "bench_serve: no plates layer\n";
        kill(pid, SIGTERM);
        return 1;
    }
    struct P {
        std::string id;
        double lon, lat;
    };
    std::vector<P> plates;
    const nlohmann::json layer_json = nlohmann::json::parse(layer->body);
    for (const auto &f : layer_json["features"])
        plates.push_back({f["properties"]["id"].get<std::string>(),
                          f["geometry"]["coordinates"][0].get<double>(),
                          f["geometry"]["coordinates"][1].get<double>()});
    std::mt19937 rng(16);
    auto pick = [&] { return plates[rng() % plates.size()]; };
    auto jitter = [&] { return (double(rng() % 2001) - 1000.0) * 1e-6; };
    auto pos = [&](const P &p) {
        char b[64];
        std::snprintf(b, sizeof b, "%.6f,%.6f", p.lon + jitter(), p.lat + jitter());
        return std::string(b);
    };
    std::vector<Phase> phases(3);
    phases[0].name = "locate";
    for (std::size_t i = 0; i < n_locate; ++i) {
        const P p = pick();
        std::string id = p.id;
        const int kind = static_cast<int>(rng() % 10);
        if (kind >= 5 && std::isdigit(static_cast<unsigned char>(id.back())))
            id.back() = static_cast<char>('0' + (id.back() - '0' + 1 + rng() % 9) % 10);
        std::string path = "/locate?q=" + encode(id);
        if (kind >= 8) path += "&near=" + pos(p) + ",300";
        phases[0].paths.push_back(path);
    }
    phases[1].name = "incident";
    for (std::size_t i = 0; i < n_incident; ++i) {
        const P p = pick();
        phases[1].paths.push_back(rng() % 2 ? "/incident?plate=" + encode(p.id)
                                            : "/incident?at=" + pos(p));
    }
    phases[2].name = "isochrone 5 min car";
    for (std::size_t i = 0; i < n_iso; ++i)
        phases[2].paths.push_back("/isochrone?from=" + pos(pick()) + "&minutes=5&profile=car");

    std::cout << "bench_serve: " << plates.size() << " plates; " << clients << " clients, server "
              << threads << " threads; load before " << loadavg() << "\n";
    std::cout << "| endpoint | requests | errors | req/s | p50 ms | p99 ms | p99.9 ms | max ms | "
                 "RSS before → after MB |\n|---|---|---|---|---|---|---|---|---|\n";
    std::size_t total = 0, total_errors = 0;
    for (int round = 1; round <= rounds; ++round)
        for (const auto &ph : phases) {
            if (ph.paths.empty()) continue;
            const Figures f = run(ph, port, clients, pid);
            total += f.requests;
            total_errors += f.errors;
            char line[512];
            std::snprintf(
                line, sizeof line,
                "| %s | %zu | %zu | %.0f | %.2f | %.2f | %.2f | %.1f | %.1f → %.1f |\n",
                (rounds > 1 ? ph.name + " (round " + std::to_string(round) + ")" : ph.name).c_str(),
                f.requests, f.errors, double(f.requests) / f.seconds, f.p50, f.p99, f.p999, f.max,
                f.rss_before / 1024.0, f.rss_after / 1024.0);
            std::cout << line << std::flush;
            if (!f.first_error.empty()) std::cout << "  first error: " << f.first_error << "\n";
        }
    std::cout << "total " << total << " requests, " << total_errors << " errors; load after "
              << loadavg() << "\n";
    kill(pid, SIGTERM);
    int st = 0;
    waitpid(pid, &st, 0);
    return total_errors ? 1 : 0;
}
