// lugeo report: the planning report (one self-contained HTML file with maps, plus a GPKG).
#include "common.hpp"
#include "present_plans.hpp"

#include <lugeo/error.hpp>
#include <lugeo/limits.hpp>

#include <lugeo/report.hpp>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include <iostream>

namespace lugeo::cli {

namespace {

struct ReportCmdOptions {
    SceneArgs scene;
    std::string output = "lugeo-report";
    std::size_t cameras = 20;
    std::size_t top = 10;
    bool json = false;
    std::string lang;            ///< --lang zh|en (default: zh for a scene in China)
    bool pdf = false;            ///< --pdf: report.pdf through headless Chromium
    std::vector<double> targets; ///< --targets
};

/// The first Chromium found on PATH (Debian: chromium), or "".
std::string find_chromium() {
    const char *path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    for (const char *name : {"chromium", "chromium-browser", "google-chrome", "chrome"}) {
        std::size_t b = 0;
        while (b <= dirs.size()) {
            const std::size_t e = std::min(dirs.find(':', b), dirs.size());
            const std::filesystem::path p = std::filesystem::path(dirs.substr(b, e - b)) / name;
            if (::access(p.c_str(), X_OK) == 0) return p.string();
            b = e + 1;
        }
    }
    return "";
}

/// report.pdf beside report.html: headless Chromium's --print-to-pdf (A4 from the page's
/// @page rule), written under a temporary name and renamed when complete.
std::string write_pdf(const std::string &html_path) {
    const std::string chromium = find_chromium();
    if (chromium.empty())
        throw Error(ErrorCode::io,
                    "--pdf needs Chromium, which is not installed (Debian: apt-get install "
                    "chromium; or open report.html in a browser and print it to PDF)");
    const std::filesystem::path html = std::filesystem::absolute(html_path);
    const std::filesystem::path pdf = html.parent_path() / "report.pdf";
    const std::filesystem::path tmp = html.parent_path() / ".report.tmp.pdf";
    const std::filesystem::path profile = html.parent_path() / ".chromium-profile";
    const std::string cmd = "'" + chromium +
                            "' --headless --no-sandbox --disable-gpu --no-pdf-header-footer "
                            "--user-data-dir='" +
                            profile.string() + "' --print-to-pdf='" + tmp.string() + "' 'file://" +
                            html.string() + "' > /dev/null 2>&1";
    const int rc = std::system(cmd.c_str());
    std::error_code ec;
    std::filesystem::remove_all(profile, ec);
    if (rc != 0 || !std::filesystem::exists(tmp) || std::filesystem::file_size(tmp, ec) == 0) {
        std::filesystem::remove(tmp, ec);
        throw Error(ErrorCode::io, "Chromium (" + chromium + ") did not write the PDF (exit " +
                                       std::to_string(rc) + "); run it by hand: " + chromium +
                                       " --headless --print-to-pdf=report.pdf " + html.string());
    }
    std::filesystem::rename(tmp, pdf, ec);
    if (ec) throw Error(ErrorCode::io, "cannot move the PDF into place as '" + pdf.string() + "'");
    return pdf.string();
}

nlohmann::json row_json(const StandardRow &r, const ReportSummary &s) {
    nlohmann::json j;
    if (!r.zone.empty()) j["zone"] = r.zone;
    if (!r.kiosk_name.empty()) j["kiosk_name"] = r.kiosk_name;
    j["incidents"] = r.incidents;
    j["road_km"] = r.road_km;
    j["thresholds"] = nlohmann::json::array();
    for (std::size_t k = 0; k < r.pass.size(); ++k)
        j["thresholds"].push_back({{"minutes", s.minutes[k]},
                                   {"target_share", s.targets[k]},
                                   {"incident_share", r.incident_share[k]},
                                   {"road_share", r.road_share[k]},
                                   {"pass", bool(r.pass[k])}});
    j["pass"] = r.passes();
    j["mean_time_s"] = r.mean_time_s;
    j["p95_time_s"] = r.p95_time_s;
    j["worst_time_s"] = r.worst_time_s;
    return j;
}

/// The summary's figures (docs/report.md).
nlohmann::json summary_json(const ReportSummary &s) {
    nlohmann::json j;
    j["lang"] = s.lang;
    j["judged_on"] = s.by_incidents ? "incidents" : "road";
    j["city"] = row_json(s.city, s);
    j["zones"] = nlohmann::json::array();
    for (const auto &z : s.zones)
        j["zones"].push_back(row_json(z, s));
    j["incidents_unreached"] = s.incidents_unreached;
    j["drivable_km"] = s.drivable_km;
    j["unreached_km"] = s.unreached_km;
    j["camera_covered_share"] =
        s.camera_covered_share >= 0 ? nlohmann::json(s.camera_covered_share) : nlohmann::json();
    j["confusable_pairs"] = s.confusable_pairs;
    j["confusable_road_pairs"] = s.confusable_road_pairs;
    j["registry_errors"] = s.registry_errors;
    j["findings"] = s.findings;
    return j;
}

/// The sections' figures as their commands print them (zones, coverage, site --json); null
/// for a section the scene cannot have.
void add_figures_json(nlohmann::json &j, const ReportFigures &f) {
    j["zones"] = f.zones ? zone_summary_json(*f.zones) : nlohmann::json();
    j["coverage"] = f.coverage ? coverage_summary_json(*f.coverage) : nlohmann::json();
    j["next_kiosks"] = f.next_kiosks ? site_summary_json(*f.next_kiosks) : nlohmann::json();
}

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
    ro.lang = o.lang;
    if (!o.targets.empty()) {
        if (o.targets.size() != ro.minutes.size())
            throw Error(ErrorCode::invalid_argument, ErrorContext::of_parameter("targets", ""),
                        "--targets takes one share per threshold of the standard (" +
                            std::to_string(ro.minutes.size()) + "), e.g. 0.2,0.9,1");
        ro.targets = o.targets;
    }
    Progress bar("report", !o.scene.quiet);
    ro.progress = bar.fn();
    const ReportResult r = write_report(data, ro);
    bar.done();
    const std::string pdf = o.pdf ? write_pdf(r.html_path) : "";
    if (o.json) {
        nlohmann::json j;
        j["html"] = r.html_path;
        j["gpkg"] = r.gpkg_path;
        j["layers"] = r.gpkg_layers;
        j["html_bytes"] = r.html_bytes;
        j["pdf"] = pdf.empty() ? nlohmann::json() : nlohmann::json(pdf);
        j["summary"] = summary_json(r.summary);
        add_figures_json(j, r.figures);
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
    if (!pdf.empty()) std::cout << pdf << "\n";
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
    cmd->add_flag("--json", o->json, "Print what was written and the summary's figures as JSON");
    cmd->add_option("--lang", o->lang,
                    "Language of the report: zh or en (default: zh for a scene in China, else en)")
        ->check(one_of({"zh", "en"}));
    cmd->add_flag("--pdf", o->pdf, "Also write report.pdf (A4) through headless Chromium");
    cmd->add_option("--targets", o->targets,
                    "The standard's targets: the share of incidents each zone must reach within "
                    "1, 5 and 30 minutes (0.2,0.9,1)")
        ->delimiter(',')
        ->check(real_in(0, 1));
    set_examples(*cmd,
                 "  lugeo report                         # the demo scene, into ./lugeo-report/\n"
                 "  lugeo report --scene city/scene.toml -o /tmp/chuxiong-report\n"
                 "  chromium /tmp/chuxiong-report/report.html   # opens with no network\n"
                 "  lugeo report --lang en --pdf -o /tmp/r     # English, and report.pdf (A4)\n"
                 "  lugeo report --targets 0.3,0.95,1 --json | jq .summary.city\n");
    cmd->callback([o, cmd] { run_command(cmd, [&] { return run_report(*o); }); });
}

} // namespace lugeo::cli
