#include <lugeo/error.hpp>
#include <lugeo/version.hpp>

#include <cstdio>

namespace lugeo {

const char *error_code_name(ErrorCode code) noexcept {
    switch (code) {
    case ErrorCode::invalid_argument:
        return "invalid_argument";
    case ErrorCode::io:
        return "io";
    case ErrorCode::missing_layer:
        return "missing_layer";
    case ErrorCode::missing_field:
        return "missing_field";
    case ErrorCode::crs:
        return "crs";
    case ErrorCode::invalid_geometry:
        return "invalid_geometry";
    case ErrorCode::duplicate_id:
        return "duplicate_id";
    case ErrorCode::invalid_config:
        return "invalid_config";
    case ErrorCode::off_network:
        return "off_network";
    case ErrorCode::internal:
        return "internal";
    }
    return "unknown";
}

std::string printable_value(const std::string &v) {
    std::string out;
    std::size_t i = 0;
    for (; i < v.size() && out.size() < 60; ++i) {
        const auto c = static_cast<unsigned char>(v[i]);
        if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    if (i < v.size()) {
        // do not cut a UTF-8 sequence in two
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
            out.pop_back();
        if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
        out += "…";
    }
    return out;
}

std::string ErrorContext::describe() const {
    std::string s;
    auto add = [&](const std::string &part) { s += (s.empty() ? "" : " ") + part; };
    if (!file.empty()) add("'" + file + "'");
    if (line > 0) add("line " + std::to_string(line));
    if (!layer.empty()) add("layer '" + layer + "'");
    if (feature) add("feature " + std::to_string(*feature));
    if (!field.empty()) add("field '" + field + "'");
    if (!value.empty()) add("(value '" + value + "')");
    if (!parameter.empty()) add("[" + parameter + "]");
    return s;
}

Error::Error(ErrorCode code, const std::string &message)
    : std::runtime_error(message), m_code(code), m_message(message) {}

Error::Error(ErrorCode code, ErrorContext context, const std::string &message)
    : std::runtime_error(context.empty() ? message : context.describe() + ": " + message),
      m_code(code), m_context(std::move(context)), m_message(message) {}

const char *version() noexcept {
    return LUGEO_VERSION_STRING;
}

} // namespace lugeo
