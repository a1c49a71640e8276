// lugeo: inputs are never touched. Before a command writes anything, every file it will write
// is compared with every file it reads (through symlinks, hard links, Shapefile sidecars and
// /vsizip/ /vsigzip/ /vsitar/ archives); a match is refused before any work starts. Sources
// are checked to be something that can be read without blocking (a regular file, a folder
// dataset, a /vsi path or a database connection; never a FIFO or a device) and that their
// path is one the file system accepts (no component over 255 bytes).
#pragma once

#include <string>
#include <vector>

namespace lugeo {

/// A file (or data source) a command reads, and what it is, for messages ("the scene's
/// units layer").
struct InputFile {
    std::string source;
    std::string what;
};

/// The files on disk behind a data source or output name: the path itself; a Shapefile's
/// sidecars (.shx .dbf .prj .cpg .qix .sbn .sbx); a GeoPackage's -wal -shm -journal; the
/// archive of a /vsizip/, /vsigzip/, /vsitar/, /vsi7z/ or /vsirar/ path. Nothing for a
/// connection string (PG:…) or a remote /vsicurl/ path.
std::vector<std::string> source_files(const std::string &source);

/// True when a and b are the same file: the same device and inode when both exist, else the
/// same canonical path (symlinks resolved).
bool same_file(const std::string &a, const std::string &b);

/// Throws Error(invalid_argument, parameter "output_dir"/"output") when a file of any output
/// is a file of any input, or a Shapefile output would land in a folder that is itself an
/// input dataset. `outputs` are the names the command will write (each expanded with
/// source_files, so a .shp output covers its sidecars).
void check_outputs_not_inputs(const std::vector<InputFile> &inputs,
                              const std::vector<std::string> &outputs);

/// Throws Error(io) when a path has a component over 255 bytes or is over 4095 bytes (the file
/// system would refuse it).
void check_path_length(const std::string &path);

/// Throws Error(io) when a source is a local path that exists and is neither a regular file
/// nor a folder (a FIFO, a socket, a device: reading it could block forever). Virtual paths
/// and connection strings pass; a missing path passes (the open reports it).
void check_readable_source(const std::string &source, const std::string &what = {});

} // namespace lugeo
