// Private: parts of a line, [from, to] in metres from its first vertex, merged into sorted,
// disjoint parts (isochrones' reached road, zones' road inside the boundary, coverage's road
// a camera sees).
#pragma once

#include <algorithm>
#include <vector>

namespace lugeo {

/// Sorts the parts by their start, drops the empty ones and merges those that overlap or lie
/// within `touch_m` of each other. I: any type with `from` and `to`.
template <class I> void merge_intervals(std::vector<I> &v, double touch_m = 0.0) {
    std::sort(v.begin(), v.end(), [](const I &x, const I &y) { return x.from < y.from; });
    std::size_t k = 0;
    for (const I &iv : v) {
        if (!(iv.from < iv.to)) continue;
        if (k > 0 && iv.from <= v[k - 1].to + touch_m)
            v[k - 1].to = std::max(v[k - 1].to, iv.to);
        else
            v[k++] = iv;
    }
    v.resize(k);
}

} // namespace lugeo
