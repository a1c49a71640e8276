// The confusable pairs as presented (ConfusableSummary): one count, each pair of roads once.
#include <lugeo/registry.hpp>

#include <map>
#include <utility>

namespace lugeo {

namespace {

/// A plate's road: its road name, else its ID up to the first '-'.
std::string road_key(const CheckIssue &is, std::size_t k, const Plates &set) {
    if (k < is.plates.size() && is.plates[k] < set.plates.size()) {
        const Plate &p = set.plates[is.plates[k]];
        if (!p.road.empty()) return p.road;
    }
    const std::string id = k < is.ids.size() ? is.ids[k] : std::string();
    return id.substr(0, id.find('-'));
}

} // namespace

ConfusableSummary confusable_summary(const CheckReport &report, const Plates &set) {
    ConfusableSummary s;
    std::map<std::pair<std::string, std::string>, std::size_t> index; // unordered pair -> row
    for (std::size_t i = 0; i < report.issues.size(); ++i) {
        const CheckIssue &is = report.issues[i];
        if (is.kind != CheckKind::confusable) continue;
        ++s.pairs;
        std::string a = road_key(is, 0, set), b = road_key(is, 1, set);
        auto key = a < b ? std::make_pair(a, b) : std::make_pair(b, a);
        // the issues are ranked by score, so the first pair of a pair of roads is its worst
        const auto [it, fresh] = index.emplace(std::move(key), s.roads.size());
        if (fresh) s.roads.push_back({std::move(a), std::move(b), i, 0});
        ++s.roads[it->second].pairs;
    }
    return s;
}

} // namespace lugeo
