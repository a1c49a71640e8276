// Large work buffers (raster bands, zone cells) on transparent huge pages where the kernel
// offers them on request (Debian's default: /sys/kernel/mm/transparent_hugepage/enabled is
// `madvise`). A fresh 14 MB buffer otherwise takes 3,500 page faults of 4 KB when it is first
// written, 1–2 µs each on these machines; with 2 MB pages a handful. Elsewhere (`never`, or not
// Linux) the advice is a no-op and the buffers are ordinary ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace lugeo::detail {

/// Buffers smaller than this are left alone (a huge page is 2 MB).
inline constexpr std::size_t huge_buffer_bytes = std::size_t{4} << 20;

/// Asks for huge pages over the 2 MB-aligned part of [p, p + bytes) (memory not yet written).
inline void advise_huge_pages(const void *p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    const auto begin = (reinterpret_cast<std::uintptr_t>(p) + huge - 1) & ~(huge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(huge - 1);
    if (end > begin) (void)madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

/// v holds n copies of value; a large v gets fresh memory advised before it is written.
template <class T> void assign_huge(std::vector<T> &v, std::size_t n, const T &value) {
    if (n * sizeof(T) >= huge_buffer_bytes && v.capacity() < n) {
        std::vector<T>().swap(v);
        v.reserve(n);
        advise_huge_pages(v.data(), n * sizeof(T));
    }
    v.assign(n, value);
}

/// Room for n elements in v (its elements kept), as assign_huge: memory reserved and never
/// written costs nothing, so a generous estimate is free.
template <class T> void reserve_huge(std::vector<T> &v, std::size_t n) {
    if (n * sizeof(T) < huge_buffer_bytes || v.capacity() >= n) return;
    std::vector<T> fresh;
    fresh.reserve(n);
    advise_huge_pages(fresh.data(), n * sizeof(T));
    fresh.insert(fresh.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
    v.swap(fresh);
}

/// v grown (or shrunk) to n elements, the new ones `value`, as assign_huge.
template <class T> void resize_huge(std::vector<T> &v, std::size_t n, const T &value) {
    if (n * sizeof(T) >= huge_buffer_bytes && v.capacity() < n) {
        std::vector<T> fresh;
        fresh.reserve(n);
        advise_huge_pages(fresh.data(), n * sizeof(T));
        fresh.insert(fresh.end(), v.begin(), v.end());
        v.swap(fresh);
    }
    v.resize(n, value);
}

/// A copy of v, as assign_huge.
template <class T> std::vector<T> copy_huge(const std::vector<T> &v) {
    std::vector<T> out;
    if (v.size() * sizeof(T) >= huge_buffer_bytes) {
        out.reserve(v.size());
        advise_huge_pages(out.data(), v.size() * sizeof(T));
    }
    out.insert(out.end(), v.begin(), v.end());
    return out;
}

} // namespace lugeo::detail
