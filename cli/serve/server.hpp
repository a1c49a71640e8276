// lugeo serve: the dispatcher service — the scene loaded once (lugeo/dispatch.hpp), an HTTP/JSON
// API whose bodies come from the commands' own presenters (cli/present.hpp), live units, the
// map layers and the dispatcher page. docs/serve.md.
#pragma once

#include "../common.hpp"

#include <string>

namespace lugeo::cli {

struct ServeOptions {
    SceneArgs scene;
    std::string bind = "127.0.0.1";
    int port = 8080;
    int threads = 0;        ///< 0: max(16, 4 x cores) (each keep-alive connection holds one)
    std::string token_file; ///< Bearer token (first line of the file); "" = no auth
    std::string www;        ///< the page's files ("" = the built-in location)
    double read_timeout_s = 5.0;
    double keep_alive_s = 5.0;
    std::size_t max_body = 1 << 20; ///< bytes
};

/// Loads the scene and serves until SIGINT or SIGTERM; SIGHUP reloads the scene.
int run_server(const ServeOptions &options);

} // namespace lugeo::cli
