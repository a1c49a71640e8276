// The registry checks of a scene's plates: check_plates with the rows the layer reader refused
// and the rows without a position as errors too, one place for `lugeo poles check` and the
// report.
#include <lugeo/registry.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>

namespace lugeo {

CheckReport check_scene_plates(const Plates &set, const std::vector<LayerReport> &reports,
                               const CheckOptions &options) {
    CheckReport rep = check_plates(set.plates, options, set.scheme ? *set.scheme : PlateScheme{});
    std::set<std::size_t> flagged;
    for (const auto &is : rep.issues)
        if (is.severity == Severity::error) flagged.insert(is.plates.begin(), is.plates.end());
    for (const RejectedPlate &r : set.rejected) {
        if (r.plate != SIZE_MAX && flagged.count(r.plate)) continue;
        CheckIssue is;
        is.kind = r.reason.find("position") != std::string::npos ? CheckKind::invalid_position
                                                                 : CheckKind::invalid_id;
        is.severity = Severity::error;
        if (r.plate != SIZE_MAX && r.plate < set.plates.size()) is.plates = {r.plate};
        is.ids = {r.id};
        is.message = r.origin.layer + " feature " + std::to_string(r.origin.fid) + ": " + r.reason;
        rep.issues.push_back(std::move(is));
        ++rep.error_count;
    }
    for (const LayerReport &lr : reports) {
        if (lr.role != LayerRole::poles && lr.role != LayerRole::lamps) continue;
        if (lr.read <= lr.kept) continue;
        CheckIssue is;
        is.kind = CheckKind::invalid_position;
        is.severity = Severity::error;
        is.message = lr.source + ": " + std::to_string(lr.read - lr.kept) +
                     " plate rows without a usable position (null, empty or NaN geometry)";
        rep.issues.push_back(std::move(is));
        ++rep.error_count;
    }
    return rep;
}

std::function<double(XY)> road_distance(const Network &net, double max_road_distance_m) {
    return [&net, limit = max_road_distance_m](XY p) {
        Network::SnapOptions so;
        so.profile = Profile::walk;
        so.largest_component_only = false;
        so.max_distance_m = std::max(limit * 4.0, 1000.0);
        const auto s = net.snap(p, so);
        return s ? s->distance_m : std::numeric_limits<double>::infinity();
    };
}

} // namespace lugeo
