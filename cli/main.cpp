// lugeo: the command-line tool. This file only wires the subcommands together.
#include "common.hpp"

#include <lugeo/temp_files.hpp>
#include <lugeo/version.hpp>

#include <iostream>

int main(int argc, char **argv) {
    lugeo::temp::install_signal_handlers(); // no temp file outlives an interrupted run
    // text echoed from the input never drives the terminal (ANSI escapes, RTL overrides)
    lugeo::cli::SafeTextBuf safe_out(std::cout.rdbuf()), safe_err(std::cerr.rdbuf());
    std::streambuf *const old_out = std::cout.rdbuf(&safe_out);
    std::streambuf *const old_err = std::cerr.rdbuf(&safe_err);
    struct Restore {
        std::streambuf *out, *err;
        ~Restore() {
            std::cout.flush();
            std::cerr.flush();
            std::cout.rdbuf(out);
            std::cerr.rdbuf(err);
        }
    } restore{old_out, old_err};
    CLI::App app{"lugeo " LUGEO_VERSION_STRING
                 " — alarm location and coverage planning for city public security"};
    app.set_version_flag("-V,--version", "lugeo " LUGEO_VERSION_STRING);
    app.require_subcommand(1);
    app.fallthrough(false);
    lugeo::cli::set_examples(
        app, "  lugeo network info                      # the demo scene's road network\n"
             "  lugeo network info --roads malta.osm.pbf --json\n"
             "  lugeo <command> --help                  # every command has examples\n");
    lugeo::cli::register_network(app);
    lugeo::cli::register_isochrones(app);
    lugeo::cli::register_coverage(app);
    lugeo::cli::register_locate(app);
    lugeo::cli::register_nearest(app);
    lugeo::cli::register_poles(app);
    lugeo::cli::register_incident(app);
    lugeo::cli::register_zones(app);
    lugeo::cli::register_report(app);
    lugeo::cli::register_scene(app);
    lugeo::cli::register_site(app);
    lugeo::cli::register_seal(app);
    lugeo::cli::register_serve(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : lugeo::cli::exit_usage;
    }
    return lugeo::cli::exit_code();
}
