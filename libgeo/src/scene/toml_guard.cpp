// Pre-scan of scene text before toml++ (see toml_guard.hpp).
#include "scene/toml_guard.hpp"

#include <lugeo/error.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace lugeo::detail {

namespace {

/// Length of the UTF-8 sequence at s[i] and its code point; 0 when it is not UTF-8.
std::size_t utf8_at(std::string_view s, std::size_t i, char32_t &cp) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char c = b(0);
    std::size_t n = c < 0x80                 ? 1
                    : c >= 0xC2 && c <= 0xDF ? 2
                    : c >= 0xE0 && c <= 0xEF ? 3
                    : c >= 0xF0 && c <= 0xF4 ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((b(k) & 0xC0) != 0x80) return 0;
    if (n == 1) cp = c;
    if (n == 2) cp = ((c & 0x1Fu) << 6) | (b(1) & 0x3Fu);
    if (n == 3) cp = ((c & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
    if (n == 4)
        cp = ((c & 0x07u) << 18) | ((b(1) & 0x3Fu) << 12) | ((b(2) & 0x3Fu) << 6) | (b(3) & 0x3Fu);
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

std::string hint_for(char32_t cp) {
    switch (cp) {
    case 0x3001: // 、
    case 0xFF0C: // ，
        return " (a comma typed with a Chinese input method? use ',')";
    case 0x3002: // 。
        return " (a full stop typed with a Chinese input method? use '.')";
    case 0x3000:
        return " (an ideographic space? use a plain space)";
    case 0xFF1D:
        return " (a full-width '='? use '=')";
    case 0x201C:
    case 0x201D:
    case 0xFF02:
        return " (a typographic quote? use '\"')";
    case 0xFEFF:
        return " (a byte-order mark in the middle of the file)";
    default:
        return "";
    }
}

} // namespace

void check_toml_text(std::string_view s, const std::string &file) {
    enum class St { normal, comment, basic, literal, ml_basic, ml_literal } st = St::normal;
    int line = 1;
    std::size_t line_start = 0;
    auto fail = [&](std::size_t i, const std::string &what) {
        ErrorContext c = ErrorContext::of_file(file);
        c.line = line;
        char col[48];
        std::snprintf(col, sizeof col, "column %zu: ", i - line_start + 1);
        throw Error(ErrorCode::invalid_config, c, "not valid TOML: " + std::string(col) + what);
    };
    std::size_t i = 0;
    // a UTF-8 byte-order mark at the very start is allowed (editors on Windows write one)
    if (s.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        char32_t cp = 0;
        const std::size_t n = utf8_at(s, i, cp);
        if (n == 0) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "byte 0x%02x is not UTF-8 (save the file as UTF-8)", c);
            fail(i, buf);
        }
        if (c == '\n') {
            if (st == St::comment) st = St::normal;
            ++line;
            line_start = i + 1;
            ++i;
            continue;
        }
        if (c == 0) fail(i, "a NUL byte");
        if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "control character 0x%02x", c);
            fail(i, buf);
        }
        if (n > 1 && st == St::normal) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "the character U+%04X ('%.*s')",
                          static_cast<unsigned>(cp), static_cast<int>(n), s.data() + i);
            fail(i, std::string(buf) +
                        " outside a quoted string or a comment; TOML allows only ASCII there" +
                        hint_for(cp));
        }
        const std::string_view rest = s.substr(i);
        switch (st) {
        case St::normal:
            if (rest.substr(0, 3) == "\"\"\"") {
                st = St::ml_basic;
                i += 3;
                continue;
            }
            if (rest.substr(0, 3) == "'''") {
                st = St::ml_literal;
                i += 3;
                continue;
            }
            if (c == '"')
                st = St::basic;
            else if (c == '\'')
                st = St::literal;
            else if (c == '#')
                st = St::comment;
            break;
        case St::comment:
            break;
        case St::basic:
            if (c == '\\' && i + 1 < s.size() && s[i + 1] != '\n') {
                i += 2;
                continue;
            }
            if (c == '"') st = St::normal;
            break;
        case St::literal:
            if (c == '\'') st = St::normal;
            break;
        case St::ml_basic:
            if (c == '\\' && i + 1 < s.size() && s[i + 1] != '\n' && s[i + 1] != '\r') {
                i += 2;
                continue;
            }
            if (rest.substr(0, 3) == "\"\"\"") {
                // up to two more quotes belong to the string
                std::size_t k = 3;
                while (k < 5 && k < rest.size() && rest[k] == '"')
                    ++k;
                st = St::normal;
                i += k;
                continue;
            }
            break;
        case St::ml_literal:
            if (rest.substr(0, 3) == "'''") {
                std::size_t k = 3;
                while (k < 5 && k < rest.size() && rest[k] == '\'')
                    ++k;
                st = St::normal;
                i += k;
                continue;
            }
            break;
        }
        i += n;
    }
}

std::string read_scene_text(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::io, ErrorContext::of_file(path), "cannot read the scene file");
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_scene_bytes)
            throw Error(ErrorCode::io, ErrorContext::of_file(path),
                        "the scene file is over " + std::to_string(max_scene_bytes >> 20) +
                            " MB; a scene is a small TOML file that names its layers' sources");
    }
    if (in.bad())
        throw Error(ErrorCode::io, ErrorContext::of_file(path), "cannot read the scene file");
    return text;
}

} // namespace lugeo::detail
