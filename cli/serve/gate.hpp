// lugeo serve: a first-come, first-served gate for CPU-bound requests.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace lugeo::cli {

/// At most `n` holders at a time, let in in the order they came. With more CPU-bound requests
/// in flight than cores, sharing the cores makes every one of them as slow as all of them
/// together; taking turns makes each take its own time plus the wait for those before it
/// (the same mean, a far shorter tail, fewer threads thrashing the caches).
class FifoGate {
public:
    explicit FifoGate(unsigned n) : m_free(n < 1 ? 1 : n) {}
    FifoGate(const FifoGate &) = delete;
    FifoGate &operator=(const FifoGate &) = delete;

    /// A place in the gate, from its construction (which waits for this caller's turn and a
    /// free place) to its end of scope.
    class Pass {
    public:
        explicit Pass(FifoGate &g) : m_gate(g) { g.enter(); }
        Pass(const Pass &) = delete;
        Pass &operator=(const Pass &) = delete;
        ~Pass() { m_gate.leave(); }

    private:
        FifoGate &m_gate;
    };

    /// Callers that have come so far (in the gate, through it or waiting).
    std::uint64_t arrived() {
        std::lock_guard lock(m_mutex);
        return m_next;
    }

private:
    void enter() {
        std::unique_lock lock(m_mutex);
        const std::uint64_t ticket = m_next++;
        m_cv.wait(lock, [&] { return m_turn == ticket && m_free > 0; });
        ++m_turn;
        --m_free;
        lock.unlock();
        m_cv.notify_all(); // the next ticket may enter too
    }
    void leave() {
        {
            std::lock_guard lock(m_mutex);
            ++m_free;
        }
        m_cv.notify_all();
    }

    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::uint64_t m_next = 0, m_turn = 0;
    unsigned m_free;
};

} // namespace lugeo::cli
