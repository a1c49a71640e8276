// Siting internals shared by plan_sites (site.cpp) and plan_seal_sites (site_seal.cpp): the
// candidates and the demand points, snapped once and checked the same way for every objective.
#pragma once

#include <lugeo/site.hpp>

#include <cstdint>
#include <vector>

namespace lugeo::site_detail {

struct Place {
    std::uint32_t edge = 0;
    double offset_m = 0;
};

/// The usable candidates (snapped within snap_max_m onto the profile's largest component).
struct CandidateSnaps {
    std::vector<std::uint32_t> index; ///< usable candidate -> SiteInput::candidates
    std::vector<Network::Snap> snaps;
    std::size_t off_network = 0;
};
/// Throws Error(off_network) naming the candidates' source when none is usable (and sites are
/// asked for), Error(invalid_argument) when `add` exceeds the usable candidates.
CandidateSnaps snap_candidates(const Network &net, const SiteInput &in, const SiteOptions &o);

/// The demand points of `o.demand` (incidents by grade weight, key sites, road pieces), those
/// within demand_snap_max_m of the largest component. Throws Error(missing_layer) for no
/// incidents / key sites, Error(invalid_argument) when no point is near the network.
struct DemandSet {
    std::vector<Place> at;
    std::vector<double> weight;
    std::vector<SiteDemandPoint> points;
    std::size_t off_network = 0;
};
DemandSet demand_points(const Network &net, const SiteInput &in, const SiteOptions &o);

} // namespace lugeo::site_detail
