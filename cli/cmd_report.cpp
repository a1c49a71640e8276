// lugeo report: the planning report (one self-contained HTML file with maps, plus a GPKG).
#include "common.hpp"

#include <lugeo/limits.hpp>

#include <lugeo/report.hpp>

#include <filesystem>
#include <iostream>

namespace lugeo::cli {

namespace {

struct ReportCmdOptions {
    SceneArgs scene;
    std::string output = "lugeo-report";
    std::size_t cameras = 20;
    std::size_t top = 10;
    bool json = false;
};

int run_report(const ReportCmdOptions &o) {
    const Scene scene = resolve_scene(o.scene);
    check_not_input(scene, {(std::filesystem::path(o.output) / "report.html").string(),
                            (std::filesystem::path(o.output) / "report.gpkg").string()});
    SceneReadOptions read;
    read.keep_invalid_plates = true; // bad plate rows are findings of the registry checks
    const SceneData data =
        read_data(scene, o.scene,
                  std::vector<LayerRole>(all_layer_roles().begin(), all_layer_roles().end()), read);
    ReportOptions ro;
    ro.output_dir = o.output;
    ro.new_cameras = o.cameras;
    ro.top = o.top;
    Progress bar("report", !o.scene.quiet);
    ro.progress = bar.fn();
    const ReportResult r = write_report(data, ro);
    bar.done();
    if (o.json) {
        nlohmann::json j;
        j["html"] = r.html_path;
        j["gpkg"] = r.gpkg_path;
        j["layers"] = r.gpkg_layers;
        j["html_bytes"] = r.html_bytes;
        j["timings_s"] = {{"total", r.seconds}};
        // the scene table's counts: after each layer's `where` and validation
        j["scene"] = nlohmann::json::array();
        for (const auto &layer : data.reports)
            j["scene"].push_back(layer_report_json(layer, scene));
        for (const auto &s : r.sections) {
            j["sections"].push_back({{"id", s.id}, {"title", s.title}});
            j["timings_s"]["sections"][s.id] = s.seconds;
        }
        print_json(j);
        return exit_ok;
    }
    std::cerr << "report written in " << fmt(r.seconds, 1) << " s (";
    for (std::size_t i = 0; i < r.sections.size(); ++i)
        std::cerr << (i ? ", " : "") << r.sections[i].id << " " << fmt(r.sections[i].seconds, 1)
                  << " s";
    std::cerr << "); layers behind it: " << r.gpkg_path << "\n";
    std::cout << r.html_path << "\n";
    return exit_ok;
}

} // namespace

void register_report(CLI::App &app) {
    auto o = std::make_shared<ReportCmdOptions>();
    auto *cmd = app.add_subcommand(
        "report", "The planning report: one self-contained HTML file with maps, plus a GPKG");
    add_scene_options(*cmd, o->scene, false);
    cmd->add_option("-o,--output", o->output,
                    "Folder for report.html and report.gpkg (created if missing)")
        ->capture_default_str()
        ->option_text("DIR");
    cmd->add_option("--cameras", o->cameras, "How many next cameras to propose")
        ->check(count_in(0, limits::max_new_cameras))
        ->capture_default_str();
    cmd->add_option("--top", o->top, "Rows in the 'worst places' and 'largest gaps' tables")
        ->check(count_in(0, 1000000))
        ->capture_default_str();
    cmd->add_flag("--json", o->json, "Print what was written as JSON");
    set_examples(*cmd,
                 "  lugeo report                         # the demo scene, into ./lugeo-report/\n"
                 "  lugeo report --scene city/scene.toml -o /tmp/chuxiong-report\n"
                 "  chromium /tmp/chuxiong-report/report.html   # opens with no network\n");
    cmd->callback([o, cmd] { run_command(cmd, [&] { return run_report(*o); }); });
}

} // namespace lugeo::cli
