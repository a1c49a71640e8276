#include "output.hpp"

#include "common.hpp"

#include <lugeo/error.hpp>

#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace lugeo::cli {

namespace {
int g_stdout_fd = STDOUT_FILENO;
}

int stdout_fd() {
    return g_stdout_fd;
}

CLI::Option *add_output_options(CLI::App &cmd, OutputArgs &a, const std::string &help,
                                const std::string &layers) {
    auto *o = cmd.add_option("-o,--output", a.path,
                             help +
                                 " (FILE: format by extension; DIR/: one file per layer; -: "
                                 "one layer as GeoJSON on stdout; PG:…: a PostGIS database)" +
                                 (layers.empty() ? "" : "; layers: " + layers))
                  ->option_text("FILE|DIR/|-|PG:…");
    cmd.add_option("-f,--format", a.format,
                   "GDAL vector driver of the output (GPKG, GeoJSON, FlatGeobuf, CSV, "
                   "\"ESRI Shapefile\", …); default: by extension")
        ->needs(o)
        ->option_text("DRIVER");
    auto *ow =
        cmd.add_flag("--overwrite", a.overwrite,
                     "Replace an existing output file (a database's layers of the same name)")
            ->needs(o);
    auto *up = cmd.add_flag("--update", a.update,
                            "Add or replace only lugeo's layers in an existing GeoPackage, SQLite "
                            "file, folder or database; every other layer stays")
                   ->needs(o);
    ow->excludes(up);
    cmd.add_option("--layer", a.layers, "Write only these layers (NAME[,NAME])")
        ->delimiter(',')
        ->needs(o)
        ->option_text("NAME[,NAME]");
    cmd.add_option("--output-crs", a.crs,
                   "Transform the written layers into this CRS (e.g. EPSG:4326, EPSG:4547)")
        ->needs(o)
        ->option_text("CRS");
    cmd.add_option("--schema", a.schema, "Database schema for -o PG:… (default: public)")
        ->needs(o)
        ->option_text("NAME");
    cmd.add_option("--layer-prefix", a.prefix,
                   "Prefix for every layer (table, folder file) name written, e.g. cx_")
        ->needs(o)
        ->option_text("TEXT");
    cmd.parse_complete_callback([&a, &cmd] {
        if (a.path.empty()) return;
        namespace fs = std::filesystem;
        if (a.path != "-" && !is_virtual_source(a.path) && !is_output_folder(a.path) &&
            fs::exists(a.path) && !a.overwrite && !a.update)
            throw CLI::ValidationError(
                "--output", "'" + a.path +
                                "' already exists; add --overwrite to replace it or --update to "
                                "add or replace only lugeo's layers in it");
        if (a.to_stdout()) {
            // the layer alone on stdout: everything else the command prints goes to stderr
            std::cout.flush();
            std::fflush(stdout);
            g_stdout_fd = ::dup(STDOUT_FILENO);
            ::dup2(STDERR_FILENO, STDOUT_FILENO);
        }
        (void)cmd;
    });
    return o;
}

VectorWriter open_output(const OutputArgs &a) {
    WriteOptions w;
    w.driver = a.format;
    w.existing = a.overwrite ? ExistingOutput::overwrite
                             : (a.update ? ExistingOutput::update : ExistingOutput::refuse);
    w.layers = a.layers;
    w.crs = a.crs;
    w.schema = a.schema;
    w.layer_prefix = a.prefix;
    w.stdout_fd = g_stdout_fd;
    return VectorWriter(a.path, w);
}

void report_written(const VectorWriter &writer, bool quiet) {
    if (quiet) return;
    for (const auto &line : writer.written())
        std::cerr << "wrote " << line << "\n";
}

} // namespace lugeo::cli
