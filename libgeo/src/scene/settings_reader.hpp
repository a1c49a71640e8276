// Reading a scene file's tables (private: toml++ types).
#pragma once

#include <lugeo/error.hpp>
#include <lugeo/settings.hpp>

#include <toml++/toml.h>

#include <string>
#include <vector>

namespace lugeo::detail {

/// The file, line and key of a TOML node, for errors.
ErrorContext toml_context(const std::string &file, const toml::node &node, const std::string &key);

/// The keys known_settings() lists for one table ("isochrones" -> minutes, profiles, trim_m).
std::string known_keys_of(const std::string &table);

/// Throws Error(invalid_config) for a key of `table` that is not known, listing the known ones
/// (those of `pattern`, e.g. "layers.<role>", when given).
[[noreturn]] void unknown_key(const std::string &file, const toml::node &node,
                              const std::string &table, const std::string &key,
                              const std::string &pattern = {});

/// Reads every settings table of the file ([profiles.*], [network], [isochrones], [cameras],
/// [zones]) into `out`, validating types and ranges. Unknown keys are errors.
void read_settings(const toml::table &root, const std::string &file, SceneSettings &out);

/// The tables a scene file may hold, in file order.
const std::vector<std::string> &known_tables();

} // namespace lugeo::detail
