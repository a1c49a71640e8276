// Shared pieces of the lugeo command-line tool: scene options, progress, errors, JSON.
#pragma once

#include <lugeo/network.hpp>
#include <lugeo/scene.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

namespace lugeo::cli {

/// Exit codes (docs/cli.md).
enum Exit : int {
    exit_ok = 0,       ///< success
    exit_findings = 1, ///< the command ran and found problems (e.g. `poles check`)
    exit_usage = 2,    ///< bad command line
    exit_input = 3,    ///< bad input data or config (a lugeo::Error)
    exit_internal = 4  ///< a bug
};

/// Options every data command takes.
struct SceneArgs {
    std::string scene;     ///< --scene FILE
    std::string roads;     ///< --roads FILE[:LAYER] (network commands)
    std::string roads_crs; ///< --roads-crs
    std::string crs;       ///< --crs (metric CRS for --roads)
    bool quiet = false;    ///< --quiet: no progress bar
};
void add_scene_options(CLI::App &cmd, SceneArgs &args, bool with_roads);

/// --scene, else --roads, else the demo scene.
Scene resolve_scene(const SceneArgs &args);
/// The scene's road network, with a progress bar on stderr unless quiet.
Network load_network(const Scene &scene, const SceneArgs &args);

/// A progress bar on stderr (only when stderr is a terminal and not quiet).
class Progress {
public:
    Progress(std::string label, bool enabled);
    ~Progress();
    bool operator()(double fraction, const char *message);
    ProgressFn fn();
    void done();

private:
    std::string m_label;
    bool m_enabled;
    int m_last = -1;
};

/// Runs a command body: lugeo::Error -> message on stderr and exit_input; other exceptions
/// -> exit_internal. The exit code is kept for main() to return.
void run_command(const std::function<int()> &body);
int exit_code();

/// Prints JSON to stdout (2-space indent, trailing newline).
void print_json(const nlohmann::json &j);

/// Adds "Example:" lines to a command's --help.
void set_examples(CLI::App &cmd, const std::string &examples);

/// Throws Error(invalid_argument) if `output` is one of the scene's input files.
void check_not_input(const Scene &scene, const std::string &output);

/// Fixed-precision number for text output.
std::string fmt(double v, int decimals);

// Subcommand registration (one per cmd_*.cpp).
void register_network(CLI::App &app);
void register_isochrones(CLI::App &app);
void register_coverage(CLI::App &app);
void register_locate(CLI::App &app);
void register_nearest(CLI::App &app);
void register_poles(CLI::App &app);
void register_incident(CLI::App &app);
void register_zones(CLI::App &app);
void register_report(CLI::App &app);

} // namespace lugeo::cli
