// Private: parts of a line, [from, to] in metres from its first vertex, merged into sorted,
// disjoint parts (isochrones' reached road, zones' road inside the boundary, coverage's road
// a camera sees).
#pragma once

#include <algorithm>
#include <iterator>
#include <vector>

namespace lugeo {

/// Sorts the parts in [first, last) by their start, drops the empty ones and merges those
/// that overlap or lie within `touch_m` of each other, in place; returns the end of the
/// merged parts. The parts: any type with `from` and `to`.
template <class It> It merge_interval_range(It first, It last, double touch_m = 0.0) {
    std::sort(first, last, [](const auto &x, const auto &y) { return x.from < y.from; });
    It out = first;
    for (It it = first; it != last; ++it) {
        if (!(it->from < it->to)) continue;
        if (out != first && it->from <= std::prev(out)->to + touch_m)
            std::prev(out)->to = std::max(std::prev(out)->to, it->to);
        else
            *out++ = *it;
    }
    return out;
}

/// merge_interval_range on a whole vector (its size becomes the merged parts').
template <class I> void merge_intervals(std::vector<I> &v, double touch_m = 0.0) {
    v.erase(merge_interval_range(v.begin(), v.end(), touch_m), v.end());
}

} // namespace lugeo
