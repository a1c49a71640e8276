// Checks shared by the layer readers and read_scene_data.
#pragma once

#include <lugeo/layers.hpp>

namespace lugeo::detail {

/// Repeated plate IDs in `plates` (an ID with and without its check digit counts as one
/// number): an Error naming both features, or — with keep_invalid_plates or lenient — listed
/// in Plates::rejected (and, when lenient, left out). `first` > 0: only plates from `first`
/// on against those before it (two layers, each checked on its own already).
void check_duplicate_plates(Plates &plates, const LayerReadContext &ctx, std::size_t first = 0);

} // namespace lugeo::detail
