// lugeo: temporary files of outputs. Every output is written to a hidden sibling
// (".<stem>.tmp<pid><ext>") and renamed into place; these helpers make sure such files never
// outlive their run: tracked ones are removed on SIGINT, SIGTERM and SIGHUP (the signal is
// then re-raised, so the exit status still says how the process ended), and stale ones of
// processes that no longer run are removed the next time an output goes to the same folder.
// A SIGKILL cannot be caught: its leftovers go at the next run.
#pragma once

#include <cstddef>
#include <string>

namespace lugeo::temp {

/// The temporary sibling of `path` for this process: "<dir>/.<stem>.tmp<pid><ext>".
std::string sibling(const std::string &path);

/// Removes `path` on SIGINT/SIGTERM/SIGHUP (with a GeoPackage's -journal/-wal/-shm and a
/// Shapefile's sidecars, and as an empty folder) until untrack(path). At most 64 paths at
/// once; more are not tracked (they are still removed as stale by a later run).
void track(const std::string &path);
void untrack(const std::string &path);

/// Installs the signal handlers (once; main() calls it).
void install_signal_handlers();

/// Removes the temporary files and folders (".<name>.tmp<pid>…") in `dir` whose process no
/// longer runs and that are older than `min_age_s`; returns how many were removed.
std::size_t remove_stale(const std::string &dir, double min_age_s = 2.0);

/// The pid in a temporary name (".x.tmp123.gpkg" -> 123), or 0 when it is not one.
long temp_pid(const std::string &filename);

} // namespace lugeo::temp
