// A pre-scan of scene text before toml++ sees it. toml++ 3.3.0 (Debian's) has a debug
// assertion on a NUL byte after '[' and undefined behaviour (__builtin_unreachable) on some
// non-ASCII characters (e.g. '、', '。') where whitespace may appear; both are fixed upstream
// after that release. TOML 1.0 allows non-ASCII text only inside strings and comments, and
// control characters (but tab) nowhere but in multi-line strings as newlines, so refusing
// them everywhere else refuses no valid file and keeps every such input away from toml++.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <lugeo/scene.hpp>

namespace lugeo::detail {

/// load_scene on text already read (`path`: where it came from, for messages and the folder
/// relative sources are in). The fuzzer's entry point.
Scene parse_scene(const std::string &text, const std::string &path);

/// Largest scene file read (a scene is a few kB; bigger is not a scene).
inline constexpr std::size_t max_scene_bytes = 4u << 20;

/// Throws Error(invalid_config) naming the file, line and column of the first byte toml++
/// must not see: NUL and other control characters, bytes that are not UTF-8, and non-ASCII
/// characters outside strings and comments.
void check_toml_text(std::string_view text, const std::string &file);

/// The file's text (Error(io) when it cannot be read or exceeds max_scene_bytes).
std::string read_scene_text(const std::string &path);

} // namespace lugeo::detail
