// Shared pieces of the lugeo command-line tool: scene options, progress, errors, JSON.
#pragma once

#include <lugeo/input_guard.hpp>
#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/scene.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <streambuf>
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
    bool quiet = false;    ///< --quiet: no progress bar, no notes
    bool lenient = false;  ///< --lenient: bad features left out and counted, not an error
    bool strict = false;   ///< --strict (plate commands): a bad plate row is an error
};
void add_scene_options(CLI::App &cmd, SceneArgs &args, bool with_roads);

/// --scene, else --roads, else the demo scene.
Scene resolve_scene(const SceneArgs &args);
/// The scene's layers of these roles through the layers module (read_scene_data), with a
/// progress bar while the roads are read; what each layer left out goes to stderr as notes
/// unless quiet.
SceneData read_data(const Scene &scene, const SceneArgs &args, const std::vector<LayerRole> &roles,
                    SceneReadOptions options = {});
/// The context for a layer given on the command line (`--kiosks FILE`): the data's metric CRS.
LayerReadContext layer_context(const Scene &scene, const SceneData &data, const SceneArgs &args);
/// A layer read on its own (`--kiosks`, `--existing`, `--osm-cameras`): its notes to stderr and
/// the same cross-check against the roads as a scene layer.
void check_extra_layer(const LayerReport &report, const SceneData &data, const SceneArgs &args);
/// What reading a layer found, as JSON: role, source, layer, where, in_source (before
/// `where`; 0 when not counted), read (after `where`), kept (what the analyses got),
/// duplicates, synthetic. Every count shown is after `where`.
nlohmann::json layer_report_json(const LayerReport &report, const Scene &scene);
/// The road network of the data (the roads are moved out of it).
Network load_network(SceneData &data, const SceneArgs &args);
/// A layer's file, layer and scene key, for a message about the layer as a whole.
ErrorContext layer_context(const LayerReport &r);
/// Where a layer's note is: "'roads.geojson' layer 'lines' [layers.roads]".
std::string layer_where(const LayerReport &r);

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

/// Runs a command body: lugeo::Error -> message on stderr (with the command's flag for the
/// parameter at fault, when it has one) and exit_input; other exceptions -> exit_internal.
/// The exit code is kept for main() to return.
void run_command(const CLI::App *cmd, const std::function<int()> &body);
int exit_code();

/// Escapes what would act on a terminal in text echoed from the input: C0 controls but
/// newline and tab (ESC -> "\u001b"), DEL, C1 controls, bidirectional overrides and marks
/// (U+202E -> "\u202e"), and bytes that are not UTF-8 ("\xff"). The escapes are valid
/// inside JSON strings, so JSON stays JSON. Installed on std::cout and std::cerr by main().
class SafeTextBuf : public std::streambuf {
public:
    explicit SafeTextBuf(std::streambuf *dest) : m_dest(dest) {}
    ~SafeTextBuf() override;

protected:
    int overflow(int c) override;
    std::streamsize xsputn(const char *s, std::streamsize n) override;
    int sync() override;

private:
    void put(unsigned char c);
    void finish();
    void escape_pending();
    void write(const char *s, std::size_t n) { m_dest->sputn(s, static_cast<std::streamsize>(n)); }
    std::streambuf *m_dest;
    std::string m_pending;
    int m_need = 0;
};
/// A string with SafeTextBuf's escapes.
std::string safe_text(const std::string &s);

/// Prints a command's result under --json on stdout as one contract document (docs/json.md,
/// lugeo/json_contract.hpp): the envelope with the running command's path, numbers rounded
/// by unit, `timings_s` only with --timings, secrets redacted.
void print_json(const nlohmann::json &j);
/// The command path as typed: "locate", "network info" ("" for the root).
std::string command_path(const CLI::App *cmd);
/// Adds --timings to every (sub)command that has --json.
void add_timings_flags(CLI::App &app);
/// Under --json, a command-line error (exit 2) as the contract's error document on stdout.
void print_json_usage_error(const CLI::App &app, const CLI::Error &e);

/// Adds "Example:" lines to a command's --help.
void set_examples(CLI::App &cmd, const std::string &examples);

/// Validated numbers on the command line (one parser for every numeric option): the text must
/// be a whole finite number (NaN, inf, "1e999", "12abc" refused) inside the option's range;
/// otherwise exit 2 with "--opt: value 'v' is not …; allowed: lo < x <= hi (unit)".
enum class Bound { closed, open };
/// A real number in [lo, hi] (or open at either end).
CLI::Validator real_in(double lo, double hi, Bound lo_bound = Bound::closed,
                       Bound hi_bound = Bound::closed, const std::string &unit = {});
/// A whole number in [lo, hi] ("-1" for an unsigned option, "2.5", "1e3" refused).
CLI::Validator count_in(long long lo, long long hi);
/// One of the given words (exact), naming them all when refused.
CLI::Validator one_of(std::vector<std::string> words);
/// A comma-separated list of real numbers, each in [lo, hi] (open ends as for real_in).
CLI::Validator real_list_in(double lo, double hi, Bound lo_bound = Bound::closed,
                            Bound hi_bound = Bound::closed, const std::string &unit = {});

/// A file option that may also be a GDAL virtual path (/vsigzip/…) or connection (PG:…).
CLI::Validator existing_source();

/// Every file the scene reads: the scene file and each layer's source (for
/// lugeo::check_outputs_not_inputs, lugeo/input_guard.hpp).
std::vector<InputFile> scene_inputs(const Scene &scene);
/// Throws Error(invalid_argument) if `output` (with its sidecars) is one of the scene's input
/// files or one of `extra` (--kiosks, --existing, --batch, --input …); through symlinks, hard
/// links and /vsi archives. Call it before any work starts; "" passes.
void check_not_input(const Scene &scene, const std::string &output,
                     const std::vector<InputFile> &extra = {});
/// The same for every file a command will write.
void check_not_input(const Scene &scene, const std::vector<std::string> &outputs,
                     const std::vector<InputFile> &extra = {});

/// Fixed-precision number for text output.
std::string fmt(double v, int decimals);
/// A figure the library rounded to 0.01 (zone_summary, coverage_summary, site_summary), for
/// printf at fewer places: rounded half away from zero in decimal first, so that 82.35 prints
/// as 82.4 as a reader would round it (printf alone rounds the binary 82.34999… to 82.3).
/// Non-finite values pass through.
double half_up(double v, int decimals);

/// Terminal columns `s` (UTF-8) takes: East Asian Wide and Fullwidth characters (Chinese,
/// Japanese, Korean, fullwidth forms) 2, combining marks and zero-width characters 0,
/// others 1. The one width every text table uses to align its columns.
std::size_t display_width(std::string_view s);
/// `s` padded with spaces to `width` display columns (left-aligned; longer text unchanged).
std::string pad(std::string_view s, std::size_t width);
/// The same, right-aligned.
std::string pad_left(std::string_view s, std::size_t width);

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
void register_scene(CLI::App &app);         ///< scene init (cmd_scene.cpp)
void register_scene_check(CLI::App &scene); ///< scene check (cmd_scene_check.cpp)
void register_site(CLI::App &app);
void register_seal(CLI::App &app);
void register_serve(CLI::App &app); ///< cmd_serve.cpp, cli/serve/

} // namespace lugeo::cli
