// libFuzzer: the scene reader (the toml++ pre-scan, toml++ itself, then lugeo's checks of
// every table and key) on any text. Sources named by the text are resolved next to a scene in
// a scratch folder; an Error is the expected answer to almost every input.
#include <lugeo/error.hpp>
#include <lugeo/scene.hpp>

#include "scene/toml_guard.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string text(reinterpret_cast<const char *>(data), size);
    try {
        (void)lugeo::detail::parse_scene(text, "/nonexistent-lugeo-fuzz/scene.toml");
    } catch (const lugeo::Error &) {
    }
    return 0;
}
