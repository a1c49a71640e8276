// lugeo: scene check — what each layer of a scene gives and which commands can run on it.
//
//   const SceneCheck c = check_scene(load_scene("city/scene.toml"));
//   for (const auto &l : c.layers) … l.report.read, l.report.kept, l.error …
//   for (const auto &cmd : c.commands) … cmd.command, cmd.can_run, cmd.why …
//
// Every layer is read through the layers module (read_scene_data), one role at a time, so a
// layer that cannot be used is reported with its error instead of stopping the check.
#pragma once

#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/scene.hpp>

#include <optional>
#include <string>
#include <vector>

namespace lugeo {

struct LayerCheck {
    LayerRole role = LayerRole::roads;
    bool declared = false; ///< the scene declares the layer
    bool usable = false;   ///< read without error and overlapping the roads
    LayerReport report;    ///< what reading found (when it got that far)
    std::string error;     ///< why it is unusable
    std::size_t kept_of_kind = 0; ///< units: those of [zones] kiosk_kind
};

struct CommandCheck {
    std::string command; ///< "zones", "coverage plan", …
    bool can_run = false;
    std::string why; ///< what it uses, or what it lacks and how to add it
};

struct SceneCheck {
    std::string scene_path;
    std::string crs;
    std::string crs_note; ///< the scale check's warning, when it warns
    std::vector<LayerCheck> layers; ///< every role, in role order
    std::optional<NetworkSummary> network;
    double car_km_largest = 0; ///< car-usable length in the largest car component
    std::vector<CommandCheck> commands;
    /// False when a declared layer is unusable.
    bool ok() const;
    const LayerCheck &layer(LayerRole role) const;
};

SceneCheck check_scene(const Scene &scene, const SceneReadOptions &options = {});

} // namespace lugeo
