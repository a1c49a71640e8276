// lugeo serve's gate for CPU-bound requests (cli/serve/gate.hpp): never more than n inside,
// and let in in the order the callers came.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "serve/gate.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using lugeo::cli::FifoGate;

namespace {

void wait_for_arrivals(FifoGate &g, std::uint64_t n) {
    while (g.arrived() < n)
        std::this_thread::yield();
}

} // namespace

TEST_CASE("the gate never holds more than n at once, and lets every caller through") {
    for (unsigned n : {1u, 2u, 3u}) {
        FifoGate gate(n);
        std::atomic<int> inside{0}, most{0}, done{0};
        std::vector<std::thread> ts;
        for (int t = 0; t < 12; ++t)
            ts.emplace_back([&] {
                const FifoGate::Pass pass(gate);
                const int now = ++inside;
                int seen = most.load();
                while (now > seen && !most.compare_exchange_weak(seen, now)) {
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                --inside;
                ++done;
            });
        for (auto &t : ts)
            t.join();
        CHECK(most.load() <= static_cast<int>(n));
        CHECK(most.load() >= 1);
        CHECK(done.load() == 12);
        CHECK(gate.arrived() == 12);
    }
}

TEST_CASE("callers are let in in the order they came") {
    FifoGate gate(1);
    std::mutex m;
    std::vector<int> order;
    std::vector<std::thread> ts;
    {
        const FifoGate::Pass held(gate); // everyone after this waits
        for (int t = 0; t < 8; ++t) {
            ts.emplace_back([&, t] {
                const FifoGate::Pass pass(gate);
                std::lock_guard lock(m);
                order.push_back(t);
            });
            wait_for_arrivals(gate, static_cast<std::uint64_t>(t) + 2); // t has its ticket
        }
    }
    for (auto &t : ts)
        t.join();
    REQUIRE(order.size() == 8);
    for (int t = 0; t < 8; ++t)
        CHECK(order[static_cast<std::size_t>(t)] == t);
}
