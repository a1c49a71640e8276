// lugeo serve: the dispatcher service (cli/serve/, docs/serve.md).
#include "plate_common.hpp"
#include "serve/server.hpp"

#include <lugeo/limits.hpp>

namespace lugeo::cli {

void register_serve(CLI::App &app) {
    auto o = std::make_shared<ServeOptions>();
    auto *cmd = app.add_subcommand(
        "serve", "The dispatcher service: the scene loaded once, an HTTP/JSON API and a map page");
    add_scene_options(*cmd, o->scene, false);
    add_strict_option(*cmd, o->scene);
    cmd->add_option("--bind", o->bind, "Address to listen on (127.0.0.1: this machine only)")
        ->capture_default_str();
    cmd->add_option("--port", o->port, "TCP port (0: any free port, printed on stderr)")
        ->capture_default_str()
        ->check(count_in(0, 65535));
    cmd->add_option("--threads", o->threads,
                    "Worker threads; each open keep-alive connection holds one (default: "
                    "max(16, 4 x cores))")
        ->check(count_in(1, 1024));
    cmd->add_option("--token-file", o->token_file,
                    "File whose first line is the token every request must send as "
                    "'Authorization: Bearer TOKEN' (the page and its files excepted)")
        ->check(CLI::ExistingFile)
        ->option_text("FILE");
    cmd->add_option("--www", o->www, "The dispatcher page's files (default: the installed page)")
        ->check(CLI::ExistingDirectory)
        ->option_text("DIR");
    cmd->add_option("--read-timeout", o->read_timeout_s,
                    "Seconds a client may take to send a request (a slow client is cut off)")
        ->capture_default_str()
        ->check(real_in(0, 3600, Bound::open, Bound::closed, "s"));
    cmd->add_option("--keep-alive", o->keep_alive_s,
                    "Seconds an idle keep-alive connection stays open")
        ->capture_default_str()
        ->check(real_in(1, 3600, Bound::closed, Bound::closed, "s"));
    set_examples(
        *cmd,
        "  lugeo serve                                  # the demo scene on "
        "http://127.0.0.1:8080/\n"
        "  lugeo serve --scene city/scene.toml --bind 0.0.0.0 --port 8080 --token-file token.txt\n"
        "  curl 'http://127.0.0.1:8080/locate?q=L104-0001'\n"
        "  curl 'http://127.0.0.1:8080/incident?at=104.0665,30.6598'\n"
        "  curl -X PUT -d '{\"lon\":104.07,\"lat\":30.66,\"status\":\"busy\"}' "
        "http://127.0.0.1:8080/units/P-07\n"
        "  kill -HUP $(pidof lugeo)                     # reload the scene (or POST "
        "/admin/reload)\n"
        "Endpoints and their JSON: docs/serve.md. Stops on SIGINT or SIGTERM.\n");
    cmd->callback([o, cmd] { run_command(cmd, [&] { return run_server(*o); }); });
}

} // namespace lugeo::cli
