// The one place where the lugeo command line turns its output options into a VectorWriter:
// -o/--output, -f/--format, --overwrite, --update, --layer, --output-crs, --schema,
// --layer-prefix. Every command that writes layers uses these (docs/cli.md "Outputs").
#pragma once

#include <lugeo/io.hpp>

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace lugeo::cli {

struct OutputArgs {
    std::string path;                ///< -o: FILE, DIR/, -, PG:…
    std::string format;              ///< -f: a GDAL driver
    bool overwrite = false;          ///< --overwrite
    bool update = false;             ///< --update
    std::vector<std::string> layers; ///< --layer NAME[,NAME]
    std::string crs;                 ///< --output-crs
    std::string schema;              ///< --schema (databases)
    std::string prefix;              ///< --layer-prefix

    bool empty() const { return path.empty(); }
    bool to_stdout() const { return path == "-"; }
};

/// Adds -o/--output (with `help` saying what it writes) and the options that go with it; checks
/// after parsing that an existing output is not replaced without --overwrite or --update (exit 2)
/// and, for `-o -`, sends everything else the command prints on stdout to stderr.
/// `layers` names the layers the command writes, for --help.
CLI::Option *add_output_options(CLI::App &cmd, OutputArgs &args, const std::string &help,
                                const std::string &layers = {});

/// The writer for these options (the caller adds layers and commits).
VectorWriter open_output(const OutputArgs &args);

/// "wrote zones.gpkg (zones, zone_edges)" lines on stderr, unless quiet.
void report_written(const VectorWriter &writer, bool quiet);

/// The real standard output while `-o -` has sent the command's own printing to stderr.
int stdout_fd();

} // namespace lugeo::cli
