#include "common.hpp"

#include <lugeo/error.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <unistd.h>

namespace lugeo::cli {

namespace {
int g_exit = exit_ok;
}

void add_scene_options(CLI::App &cmd, SceneArgs &a, bool with_roads) {
    cmd.add_option("--scene", a.scene, "Scene config (TOML); default: the bundled demo scene")
        ->check(CLI::ExistingFile)
        ->option_text("FILE");
    if (with_roads) {
        auto *roads =
            cmd.add_option("--roads", a.roads,
                           "Road lines from any GDAL source instead of a scene (FILE[:LAYER]; "
                           ".osm/.osm.pbf use their 'lines' layer)")
                ->option_text("FILE[:LAYER]");
        cmd.add_option("--roads-crs", a.roads_crs,
                       "CRS of --roads when the file has none (e.g. EPSG:4326)")
            ->needs(roads)
            ->option_text("CRS");
        cmd.add_option("--crs", a.crs, "Metric CRS for --roads (default: the UTM zone of the data)")
            ->needs(roads)
            ->option_text("CRS");
        roads->excludes(cmd.get_option("--scene"));
    }
    cmd.add_flag("-q,--quiet", a.quiet, "No progress bar and no notes on stderr");
    cmd.add_flag("--lenient", a.lenient,
                 "Leave out features with bad values or geometry (counted in the notes) instead "
                 "of stopping");
}

Scene resolve_scene(const SceneArgs &a) {
    if (!a.roads.empty()) return scene_from_roads(a.roads, a.roads_crs, a.crs);
    return load_scene(a.scene.empty() ? default_scene_path() : a.scene);
}

namespace {

void print_notes(const LayerReport &r, const SceneArgs &args) {
    if (args.quiet) return;
    for (const auto &n : r.notes)
        std::cerr << "lugeo: note: " << layer_role_name(r.role) << ": " << redact_secrets(n) << "\n";
}

} // namespace

SceneData read_data(const Scene &scene, const SceneArgs &args, const std::vector<LayerRole> &roles,
                    SceneReadOptions options) {
    Progress bar("reading roads", !args.quiet);
    options.lenient = options.lenient || args.lenient;
    options.progress = bar.fn();
    SceneData data = read_scene_data(scene, roles, options);
    bar.done();
    for (const auto &r : data.reports)
        print_notes(r, args);
    return data;
}

LayerReadContext layer_context(const Scene &scene, const SceneData &data, const SceneArgs &args) {
    SceneReadOptions o;
    o.lenient = args.lenient;
    return layer_read_context(scene, o, data.crs);
}

void check_extra_layer(const LayerReport &report, const SceneData &data, const SceneArgs &args) {
    print_notes(report, args);
    if (const LayerReport *roads = data.report(LayerRole::roads))
        check_overlaps_roads(report, *roads, data.crs);
}

Network load_network(SceneData &data, const SceneArgs &args) {
    Progress bar("building the network", !args.quiet);
    NetworkOptions opt = data.settings.network;
    opt.progress = bar.fn();
    Network net = build_network(std::move(data.roads), opt);
    bar.done();
    return net;
}

CLI::Validator existing_source() {
    return CLI::Validator(
        [](std::string &s) -> std::string {
            if (is_virtual_source(s) || std::filesystem::exists(s)) return {};
            return "File does not exist: " + s;
        },
        "FILE");
}

Progress::Progress(std::string label, bool enabled)
    : m_label(std::move(label)), m_enabled(enabled && ::isatty(STDERR_FILENO)) {}

Progress::~Progress() {
    done();
}

bool Progress::operator()(double fraction, const char *) {
    if (!m_enabled) return true;
    const int pct = static_cast<int>(fraction * 100.0);
    if (pct == m_last) return true;
    m_last = pct;
    const int width = 30, filled = pct * width / 100;
    std::fprintf(stderr, "\r%s [%.*s%*s] %3d%%", m_label.c_str(), filled,
                 "##############################", width - filled, "", pct);
    std::fflush(stderr);
    return true;
}

ProgressFn Progress::fn() {
    return [this](double f, const char *m) { return (*this)(f, m); };
}

void Progress::done() {
    if (m_enabled && m_last >= 0) {
        std::fprintf(stderr, "\r%*s\r", static_cast<int>(m_label.size()) + 40, "");
        std::fflush(stderr);
    }
    m_last = -1;
}

namespace {

/// The command's flag for a library parameter ("layers.roads.crs" -> "--roads-crs"), or "".
std::string flag_for(const CLI::App *cmd, const std::string &parameter) {
    if (!cmd || parameter.empty()) return {};
    static const std::map<std::string, std::string> flags = {
        {"layers.roads.crs", "--roads-crs"}, {"scene.crs", "--crs"}, {"scene", "--scene"},
        {"max_snap_m", "--max-snap"},        {"phases", "--phases"}, {"balance", "--balance"},
        {"output_dir", "--output"},          {"cell_m", "--cell"},   {"trim_m", "--trim"},
        {"tolerance", "--tolerance"}};
    std::string flag;
    if (auto it = flags.find(parameter); it != flags.end()) {
        flag = it->second;
    } else if (parameter.rfind("layers.", 0) == 0) {
        // a layer given on the command line: --roads, --kiosks, --existing …
        const std::string rest = parameter.substr(7);
        flag = "--" + rest.substr(0, rest.find('.'));
    }
    return !flag.empty() && cmd->get_option_no_throw(flag) ? flag : std::string();
}

} // namespace

void run_command(const CLI::App *cmd, const std::function<int()> &body) {
    try {
        g_exit = body();
    } catch (const lugeo::Error &e) {
        std::cerr << "lugeo: error: " << redact_secrets(e.what()) << "\n";
        if (const std::string flag = flag_for(cmd, e.context().parameter); !flag.empty())
            std::cerr << "  (on the command line: " << flag << ")\n";
        g_exit = e.code() == ErrorCode::internal ? exit_internal : exit_input;
    } catch (const CLI::Error &) {
        throw;
    } catch (const std::exception &e) {
        std::cerr << "lugeo: internal error: " << redact_secrets(e.what()) << "\n";
        g_exit = exit_internal;
    }
}

int exit_code() {
    return g_exit;
}

void print_json(const nlohmann::json &j) {
    // no secret of a connection string ever leaves (sources are shown in several places)
    std::cout << redact_secrets(j.dump(2)) << "\n";
}

void set_examples(CLI::App &cmd, const std::string &examples) {
    cmd.footer("\nExamples:\n" + examples);
}

void check_not_input(const Scene &scene, const std::string &output) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path out = fs::weakly_canonical(output, ec);
    for (const auto &[role, spec] : scene.layers) {
        const fs::path in = fs::weakly_canonical(spec.source, ec);
        if (!ec && in == out)
            throw Error(ErrorCode::invalid_argument, "output '" + output + "' is the scene's " +
                                                         layer_role_name(role) +
                                                         " input; lugeo never overwrites an input");
    }
    if (!scene.path.empty() && fs::weakly_canonical(scene.path, ec) == out)
        throw Error(ErrorCode::invalid_argument,
                    "output '" + output + "' is the scene file itself");
}

std::string fmt(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

} // namespace lugeo::cli
