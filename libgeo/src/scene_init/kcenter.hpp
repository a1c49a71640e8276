// Placeholder kiosks spread over the drivable network: farthest-first k-center on car travel
// time, then a refinement that moves each kiosk towards the middle of the road it serves and is
// kept only when the worst time to the nearest kiosk goes down.
#pragma once

#include <lugeo/network.hpp>

#include <vector>

namespace lugeo::detail {

struct KCenter {
    std::vector<Network::Snap> sites; ///< each at the middle of a car-usable edge
    double worst_s = 0;               ///< longest car time from the nearest site to a node
    double first_pass_worst_s = 0;    ///< the same after farthest-first, before refinement
};

/// `k` sites (fewer when the largest car component has fewer usable edges) on the largest car
/// component, outbound car times. Throws Error(invalid_argument) when the network has no
/// car-usable edge.
KCenter place_kiosks(const Network &net, int k);

} // namespace lugeo::detail
