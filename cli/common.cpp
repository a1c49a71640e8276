#include "common.hpp"

#include <lugeo/error.hpp>
#include <lugeo/input_guard.hpp>
#include <lugeo/io.hpp>
#include <lugeo/json_contract.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <map>
#include <sstream>
#include <unistd.h>

namespace lugeo::cli {

namespace {
int g_exit = exit_ok;
const CLI::App *g_command = nullptr; ///< the command run_command runs (for print_json)
} // namespace

void add_scene_options(CLI::App &cmd, SceneArgs &a, bool with_roads) {
    cmd.add_option("--scene", a.scene,
                   "Scene config (TOML); default: scene.toml in the current folder, else the "
                   "bundled demo scene")
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
        cmd.add_option("--crs", a.crs,
                       "Metric CRS for --roads (default: chosen for the data's area: CGCS2000 "
                       "Gauss-Kruger in China, UTM elsewhere)")
            ->needs(roads)
            ->option_text("CRS");
        roads->excludes(cmd.get_option("--scene"));
    }
    cmd.add_flag("-q,--quiet", a.quiet, "No progress bar and no notes on stderr");
    cmd.add_flag("--lenient", a.lenient,
                 "Leave out features with bad values or geometry (counted in the notes) instead "
                 "of stopping");
}

namespace {

/// --scene, else scene.toml in the current folder (a city's folder as `scene init` writes
/// it: running a command there must not answer from the demo), else the bundled demo.
std::string scene_file(const SceneArgs &a) {
    if (!a.scene.empty()) return a.scene;
    std::error_code ec;
    if (std::filesystem::is_regular_file("scene.toml", ec)) {
        const std::string here = std::filesystem::absolute("scene.toml", ec).string();
        if (!a.quiet)
            std::cerr << "lugeo: note: the scene of this folder: '" << here
                      << "' (--scene FILE for another)\n";
        return ec ? std::string("scene.toml") : here;
    }
    return default_scene_path();
}

} // namespace

Scene resolve_scene(const SceneArgs &a) {
    if (!a.roads.empty()) return scene_from_roads(a.roads, a.roads_crs, a.crs);
    Scene scene = load_scene(scene_file(a));
    if (!a.quiet)
        for (const auto &n : scene.settings.notes)
            std::cerr << "lugeo: note: " << redact_secrets(n) << "\n";
    return scene;
}

namespace {

void print_notes(const LayerReport &r, const SceneArgs &args) {
    if (args.quiet) return;
    for (const auto &n : r.notes)
        std::cerr << "lugeo: note: " << layer_where(r) << ": " << redact_secrets(n) << "\n";
}

} // namespace

ErrorContext layer_context(const LayerReport &r) {
    ErrorContext c = ErrorContext::of_file(r.path, r.layer);
    c.parameter = std::string("layers.") + layer_role_name(r.role);
    return c;
}

std::string layer_where(const LayerReport &r) {
    return layer_context(r).describe();
}

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

nlohmann::json layer_report_json(const LayerReport &r, const Scene &scene) {
    std::string where;
    if (auto it = scene.layers.find(r.role); it != scene.layers.end()) where = it->second.where;
    return {{"role", layer_role_name(r.role)},
            {"source", r.path},
            {"layer", r.layer},
            {"where", where.empty() ? nlohmann::json() : nlohmann::json(where)},
            {"in_source", r.in_source},
            {"read", r.read},
            {"kept", r.kept},
            {"duplicates", r.duplicates},
            {"synthetic", r.synthetic}};
}

Network load_network(SceneData &data, const SceneArgs &args) {
    Progress bar("building the network", !args.quiet);
    NetworkOptions opt = data.settings.network;
    opt.progress = bar.fn();
    std::optional<Network> built;
    try {
        built.emplace(build_network(std::move(data.roads), opt));
    } catch (const Error &e) {
        // the network knows no file: name the roads layer it was built from
        const LayerReport *roads = data.report(LayerRole::roads);
        if (!roads || !e.context().file.empty()) throw;
        ErrorContext c = e.context();
        c.file = roads->path;
        c.layer = roads->layer;
        if (c.parameter.empty()) c.parameter = "layers.roads";
        throw Error(e.code(), c, e.message());
    }
    Network net = std::move(*built);
    bar.done();
    // (the network's report repeats the roads layer's reading notes, already printed with
    // the layer's: only the network builder's own are said here)
    const LayerReport *roads = data.report(LayerRole::roads);
    if (!args.quiet)
        for (const auto &w : net.report().warnings)
            if (!roads ||
                std::find(roads->notes.begin(), roads->notes.end(), w) == roads->notes.end())
                std::cerr << "lugeo: note: " << (roads ? layer_where(*roads) : std::string("roads"))
                          << ": " << redact_secrets(w) << "\n";
    return net;
}

namespace {

std::string num_text(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

std::string range_text(double lo, double hi, Bound lob, Bound hib, const std::string &unit) {
    std::string t;
    if (std::isfinite(lo)) t = num_text(lo) + (lob == Bound::open ? " < " : " <= ");
    t += "x";
    if (std::isfinite(hi)) t += (hib == Bound::open ? " < " : " <= ") + num_text(hi);
    if (!std::isfinite(lo) && !std::isfinite(hi)) t = "any finite number";
    if (!unit.empty()) t += " (" + unit + ")";
    return t;
}

/// The value as a finite double, or an error text.
std::string parse_real(const std::string &text, double &v) {
    const std::string shown = "value '" + printable_value(text) + "'";
    if (text.empty()) return "an empty value is not a number";
    const char *b = text.c_str();
    char *end = nullptr;
    errno = 0;
    v = std::strtod(b, &end);
    if (end == b || *end != '\0' || std::isspace(static_cast<unsigned char>(text.front())))
        return shown + " is not a number";
    if (!std::isfinite(v) || errno == ERANGE) {
        if (std::isnan(v)) return shown + " is not a number (NaN)";
        if (std::isinf(v) || std::abs(v) > 1.0) return shown + " is not a finite number";
        v = 0.0; // underflow to (almost) zero: keep the tiny value
    }
    return {};
}

std::string check_real(const std::string &text, double lo, double hi, Bound lob, Bound hib,
                       const std::string &unit) {
    double v = 0;
    std::string err = parse_real(text, v);
    const std::string allowed = "; allowed: " + range_text(lo, hi, lob, hib, unit);
    if (!err.empty()) return err + allowed;
    const bool below = lob == Bound::open ? !(v > lo) : !(v >= lo);
    const bool above = hib == Bound::open ? !(v < hi) : !(v <= hi);
    if (below || above) return "value '" + printable_value(text) + "' is out of range" + allowed;
    return {};
}

} // namespace

CLI::Validator real_in(double lo, double hi, Bound lob, Bound hib, const std::string &unit) {
    return CLI::Validator([=](std::string &s) { return check_real(s, lo, hi, lob, hib, unit); },
                          "NUMBER in " + range_text(lo, hi, lob, hib, ""), "real_in");
}

CLI::Validator real_list_in(double lo, double hi, Bound lob, Bound hib, const std::string &unit) {
    return CLI::Validator(
        [=](std::string &s) -> std::string {
            std::size_t start = 0;
            while (start <= s.size()) {
                const auto comma = s.find(',', start);
                std::string item =
                    s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                const auto b = item.find_first_not_of(" \t\"'[]");
                const auto e = item.find_last_not_of(" \t\"'[]");
                item = b == std::string::npos ? std::string() : item.substr(b, e - b + 1);
                if (std::string err = check_real(item, lo, hi, lob, hib, unit); !err.empty())
                    return "value '" + printable_value(s) + "': item " + err;
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
            return {};
        },
        "LIST", "real_list_in");
}

CLI::Validator count_in(long long lo, long long hi) {
    return CLI::Validator(
        [=](std::string &s) -> std::string {
            const std::string allowed = "; allowed: a whole number " +
                                        range_text(static_cast<double>(lo), static_cast<double>(hi),
                                                   Bound::closed, Bound::closed, "");
            long long v = 0;
            const char *b = s.data(), *e = s.data() + s.size();
            if (b != e && *b == '+') ++b;
            const auto [p, ec] = std::from_chars(b, e, v);
            if (s.empty() || ec == std::errc::invalid_argument || p != e)
                return "value '" + printable_value(s) + "' is not a whole number" + allowed;
            if (ec == std::errc::result_out_of_range || v < lo || v > hi)
                return "value '" + printable_value(s) + "' is out of range" + allowed;
            return {};
        },
        "INT in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]", "count_in");
}

CLI::Validator one_of(std::vector<std::string> words) {
    std::string list;
    for (const auto &w : words)
        list += (list.empty() ? "" : ", ") + w;
    return CLI::Validator(
        [words, list](std::string &s) -> std::string {
            for (const auto &w : words)
                if (s == w) return {};
            return "value '" + printable_value(s) + "' is not one of: " + list;
        },
        "{" + list + "}", "one_of");
}

CLI::Validator existing_source() {
    return CLI::Validator(
        [](std::string &s) -> std::string {
            if (is_virtual_source(s)) return {};
            try {
                check_path_length(s);
            } catch (const Error &e) {
                return e.message();
            }
            std::error_code ec;
            if (std::filesystem::exists(s, ec)) return {};
            return "File does not exist: " + printable_value(s);
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
    static const std::map<std::string, std::string> flags = {{"layers.roads.crs", "--roads-crs"},
                                                             {"scene.crs", "--crs"},
                                                             {"scene", "--scene"},
                                                             {"max_snap_m", "--max-snap"},
                                                             {"phases", "--phases"},
                                                             {"balance", "--balance"},
                                                             {"output_dir", "--output"},
                                                             {"cell_m", "--cell"},
                                                             {"trim_m", "--trim"},
                                                             {"tolerance", "--tolerance"},
                                                             {"fill_holes_m2", "--fill-holes"},
                                                             {"range_m", "--range"},
                                                             {"headings", "--headings"}};
    if (auto it = flags.find(parameter); it != flags.end())
        return cmd->get_option_no_throw(it->second) ? it->second : std::string();
    if (parameter.rfind("layers.", 0) != 0) return {};
    // a layer given on the command line (--roads, --kiosks, --existing …): only when it was
    // given; a scene's layer is fixed in the scene, which the message names
    const std::string rest = parameter.substr(7);
    const std::string flag = "--" + rest.substr(0, rest.find('.'));
    const CLI::Option *o = cmd->get_option_no_throw(flag);
    return o && o->count() > 0 ? flag : std::string();
}

/// True when the command was asked for --json.
bool wants_json(const CLI::App *cmd) {
    if (!cmd) return false;
    const CLI::Option *o = cmd->get_option_no_throw("--json");
    return o && o->count() > 0;
}

/// The JSON error object printed on stdout under --json (docs/json.md).
void print_json_error(const CLI::App *cmd, const char *code, const std::string &message,
                      const ErrorContext *c, const std::string &flag) {
    if (!wants_json(cmd)) return;
    nlohmann::json e;
    e["code"] = code;
    e["message"] = redact_secrets(message);
    if (c) {
        if (!c->file.empty()) e["file"] = redact_secrets(c->file);
        if (!c->layer.empty()) e["layer"] = c->layer;
        if (c->feature) e["feature"] = *c->feature;
        if (!c->field.empty()) e["field"] = c->field;
        if (!c->value.empty()) e["value"] = c->value;
        if (!c->parameter.empty()) e["parameter"] = c->parameter;
        if (c->line > 0) e["line"] = c->line;
    }
    if (!flag.empty()) e["option"] = flag;
    std::cout << json_contract::dump(json_contract::error_document(command_path(cmd), e),
                                     json_contract::Utf8::replace)
              << "\n";
}

void report_error(const CLI::App *cmd, const lugeo::Error &e) {
    const std::string flag = flag_for(cmd, e.context().parameter);
    std::cerr << "lugeo: error: " << redact_secrets(e.what()) << "\n";
    if (!flag.empty()) std::cerr << "  (on the command line: " << flag << ")\n";
    print_json_error(cmd, error_code_name(e.code()), e.what(), &e.context(), flag);
    g_exit = e.code() == ErrorCode::internal ? exit_internal : exit_input;
}

} // namespace

void run_command(const CLI::App *cmd, const std::function<int()> &body) {
    g_command = cmd;
    try {
        g_exit = body();
    } catch (const lugeo::Error &e) {
        report_error(cmd, e);
    } catch (const CLI::Error &) {
        throw;
    } catch (const std::filesystem::filesystem_error &e) {
        // a path the file system refuses (too long, no permission, …): bad input, not a bug
        ErrorContext c = ErrorContext::of_file(printable_value(e.path1().string()));
        report_error(cmd, Error(ErrorCode::io, c, e.code().message()));
    } catch (const nlohmann::json::type_error &e) {
        if (e.id == 316) // text from the input that is not UTF-8, met while writing JSON
            report_error(cmd, Error(ErrorCode::invalid_argument,
                                    "the input holds text that is not valid UTF-8 (an ID or a "
                                    "name; re-save the source as UTF-8): " +
                                        std::string(e.what())));
        else {
            std::cerr << "lugeo: internal error: " << e.what() << "\n";
            print_json_error(cmd, "internal", e.what(), nullptr, {});
            g_exit = exit_internal;
        }
    } catch (const std::bad_alloc &) {
        std::cerr << "lugeo: error: out of memory (the input or the options ask for more work "
                     "than this machine can hold; see docs/reliability.md for the limits)\n";
        print_json_error(cmd, "out_of_memory", "out of memory", nullptr, {});
        g_exit = exit_internal;
    } catch (const std::exception &e) {
        std::cerr << "lugeo: internal error: " << redact_secrets(e.what()) << "\n";
        print_json_error(cmd, "internal", redact_secrets(e.what()), nullptr, {});
        g_exit = exit_internal;
    }
}

int exit_code() {
    return g_exit;
}

SafeTextBuf::~SafeTextBuf() {
    escape_pending();
    m_dest->pubsync();
}

int SafeTextBuf::overflow(int c) {
    if (c == traits_type::eof()) return 0;
    put(static_cast<unsigned char>(c));
    return c;
}

std::streamsize SafeTextBuf::xsputn(const char *s, std::streamsize n) {
    // runs of plain printable ASCII go through in one piece
    std::streamsize i = 0;
    while (i < n) {
        std::streamsize j = i;
        if (m_pending.empty())
            while (j < n) {
                const auto c = static_cast<unsigned char>(s[j]);
                if (c >= 0x80 || c == 0x7f || (c < 0x20 && c != '\n' && c != '\t')) break;
                ++j;
            }
        if (j > i) {
            write(s + i, static_cast<std::size_t>(j - i));
            i = j;
            continue;
        }
        put(static_cast<unsigned char>(s[i++]));
    }
    return n;
}

int SafeTextBuf::sync() {
    return m_dest->pubsync();
}

void SafeTextBuf::escape_pending() {
    for (const char ch : m_pending) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(ch));
        write(buf, 4);
    }
    m_pending.clear();
    m_need = 0;
}

void SafeTextBuf::put(unsigned char c) {
    if (!m_pending.empty()) {
        if ((c & 0xC0) == 0x80) {
            m_pending.push_back(static_cast<char>(c));
            if (--m_need == 0) finish();
            return;
        }
        escape_pending(); // a cut sequence
    }
    if (c < 0x80) {
        if (c == 0x7f || (c < 0x20 && c != '\n' && c != '\t')) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            write(buf, 6);
        } else {
            const char ch = static_cast<char>(c);
            write(&ch, 1);
        }
        return;
    }
    if (c >= 0xC2 && c <= 0xF4) {
        m_pending.assign(1, static_cast<char>(c));
        m_need = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
        return;
    }
    m_pending.assign(1, static_cast<char>(c));
    escape_pending();
}

void SafeTextBuf::finish() {
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(m_pending[i]); };
    char32_t cp = 0;
    const std::size_t n = m_pending.size();
    if (n == 2) cp = ((b(0) & 0x1Fu) << 6) | (b(1) & 0x3Fu);
    if (n == 3) cp = ((b(0) & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
    if (n == 4)
        cp = ((b(0) & 0x07u) << 18) | ((b(1) & 0x3Fu) << 12) | ((b(2) & 0x3Fu) << 6) |
             (b(3) & 0x3Fu);
    const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        escape_pending();
        return;
    }
    const bool control = (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
                         cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
                         (cp >= 0x2066 && cp <= 0x2069);
    if (control) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
        write(buf, 6);
    } else {
        write(m_pending.data(), n);
    }
    m_pending.clear();
    m_need = 0;
}

std::string safe_text(const std::string &s) {
    std::stringbuf out;
    {
        SafeTextBuf f(&out);
        std::ostream os(&f);
        os << s;
        os.flush();
    }
    return out.str();
}

std::string command_path(const CLI::App *cmd) {
    std::string path;
    for (; cmd && cmd->get_parent(); cmd = cmd->get_parent())
        path = path.empty() ? cmd->get_name() : cmd->get_name() + " " + path;
    return path;
}

bool wants_timings(const CLI::App *cmd) {
    const CLI::Option *o = cmd ? cmd->get_option_no_throw("--timings") : nullptr;
    return o && o->count() > 0;
}

void add_timings_flags(CLI::App &app) {
    for (CLI::App *sub : app.get_subcommands({})) {
        if (sub->get_option_no_throw("--json") && !sub->get_option_no_throw("--timings"))
            sub->add_flag("--timings")
                ->description("With --json: include the wall-clock timings (timings_s)");
        add_timings_flags(*sub);
    }
}

void print_json(const nlohmann::json &j) {
    // the contract's envelope and rounding (lugeo/json_contract.hpp); dump() redacts secrets
    json_contract::DocumentOptions options;
    options.timings = wants_timings(g_command);
    std::cout << json_contract::dump(json_contract::document(command_path(g_command), j, options))
              << "\n";
}

void print_json_usage_error(const CLI::App &app, const CLI::Error &e) {
    const CLI::App *cmd = &app;
    for (;;) { // the deepest subcommand parsed before the error
        const auto subs = cmd->get_subcommands();
        if (subs.empty()) break;
        cmd = subs.front();
    }
    bool json = false;
    for (const CLI::App *c = cmd; c && !json; c = c->get_parent())
        json = wants_json(c);
    if (!json) return;
    nlohmann::json err{{"code", "usage"}, {"message", e.what()}};
    std::cout << json_contract::dump(json_contract::error_document(command_path(cmd), err),
                                     json_contract::Utf8::replace)
              << "\n";
}

void set_examples(CLI::App &cmd, const std::string &examples) {
    cmd.footer("\nExamples:\n" + examples);
}

std::vector<InputFile> scene_inputs(const Scene &scene) {
    std::vector<InputFile> in;
    if (!scene.path.empty()) in.push_back({scene.path, "the scene file"});
    for (const auto &[role, spec] : scene.layers)
        in.push_back({spec.source, "the scene's " + std::string(layer_role_name(role)) + " layer"});
    return in;
}

void check_not_input(const Scene &scene, const std::string &output,
                     const std::vector<InputFile> &extra) {
    if (output.empty()) return;
    std::vector<InputFile> in = scene_inputs(scene);
    in.insert(in.end(), extra.begin(), extra.end());
    check_outputs_not_inputs(in, {output});
}

void check_not_input(const Scene &scene, const std::vector<std::string> &outputs,
                     const std::vector<InputFile> &extra) {
    std::vector<InputFile> in = scene_inputs(scene);
    in.insert(in.end(), extra.begin(), extra.end());
    check_outputs_not_inputs(in, outputs);
}

namespace {

/// One code point from UTF-8 at s[i] (advances i); an invalid byte counts as one column.
char32_t next_code_point(std::string_view s, std::size_t &i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int n = b < 0x80           ? 1
                  : (b >> 5) == 0x6  ? 2
                  : (b >> 4) == 0xE  ? 3
                  : (b >> 3) == 0x1E ? 4
                                     : 0;
    if (n == 0 || i + n > s.size()) {
        ++i;
        return U'?';
    }
    char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < n; ++k)
        c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += static_cast<std::size_t>(n);
    return c;
}

int code_point_width(char32_t c) {
    struct Range {
        char32_t lo, hi;
    };
    static constexpr Range zero[] = {{0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD},
                                     {0x0610, 0x061A}, {0x064B, 0x065F}, {0x200B, 0x200F},
                                     {0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF},
                                     {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}};
    // East Asian Width W and F (Unicode 15 EastAsianWidth.txt, the blocks that matter here)
    static constexpr Range wide[] = {
        {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
        {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},
        {0xA000, 0xA4CF},   {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
        {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},
        {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}};
    for (const auto &r : zero)
        if (c >= r.lo && c <= r.hi) return 0;
    for (const auto &r : wide)
        if (c >= r.lo && c <= r.hi) return 2;
    return 1;
}

} // namespace

std::size_t display_width(std::string_view s) {
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();)
        w += static_cast<std::size_t>(code_point_width(next_code_point(s, i)));
    return w;
}

std::string pad(std::string_view s, std::size_t width) {
    const std::size_t w = display_width(s);
    return std::string(s) + std::string(w < width ? width - w : 0, ' ');
}

std::string pad_left(std::string_view s, std::size_t width) {
    const std::size_t w = display_width(s);
    return std::string(w < width ? width - w : 0, ' ') + std::string(s);
}

double half_up(double v, int decimals) {
    if (!std::isfinite(v)) return v;
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
}

std::string fmt(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

} // namespace lugeo::cli
