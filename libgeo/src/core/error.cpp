#include <lugeo/error.hpp>
#include <lugeo/version.hpp>

#include <cmath>
#include <cstdio>
#include <regex>
#include <string>
#include <string_view>

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

std::string redact_secrets(const std::string &text) {
    // Fast path: nothing that looks like a secret.
    static const std::regex any(R"((pass|pwd|token|secret|key|@))", std::regex::icase);
    if (!std::regex_search(text, any)) return text;
    static const std::regex quoted(R"(((?:password|passwd|pwd)\s*=\s*)'(?:[^'\\]|\\.)*')",
                                   std::regex::icase);
    static const std::regex plain(R"(((?:password|passwd|pwd)\s*=\s*)[^\s'",;&]+)",
                                  std::regex::icase);
    static const std::regex query(
        R"(([?&](?:token|secret|key|access_token|api_key|sig|signature)=)[^&\s'"]+)",
        std::regex::icase);
    static const std::regex userinfo(R"((\b[a-z][a-z0-9+.-]*://[^:/@\s'"]+:)[^@\s'"]+@)",
                                     std::regex::icase);
    std::string s = std::regex_replace(text, quoted, "$1'***'");
    s = std::regex_replace(s, plain, "$1***");
    s = std::regex_replace(s, query, "$1***");
    s = std::regex_replace(s, userinfo, "$1***@");
    return s;
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

std::string number_text(double v, int decimals) {
    char buf[64];
    if (std::isfinite(v) && std::abs(v) < 1e9)
        std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    else
        std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

std::string ErrorContext::describe() const {
    std::string s;
    // appended piece by piece (GCC 12's -Wrestrict misreads "'" + part + "'" here)
    auto add = [&](std::string_view open, std::string_view part, std::string_view close) {
        if (!s.empty()) s += ' ';
        s.append(open).append(part).append(close);
    };
    if (!file.empty()) add("'", redact_secrets(file), "'");
    if (line > 0) add("line ", std::to_string(line), "");
    if (!layer.empty()) add("layer '", layer, "'");
    if (feature) add("feature ", std::to_string(*feature), "");
    if (!field.empty()) add("field '", field, "'");
    if (!value.empty()) add("(value '", value, "')");
    if (!parameter.empty()) add("[", parameter, "]");
    return s;
}

Error::Error(ErrorCode code, const std::string &message)
    : std::runtime_error(redact_secrets(message)), m_code(code),
      m_message(redact_secrets(message)) {}

Error::Error(ErrorCode code, ErrorContext context, const std::string &message)
    : std::runtime_error(
          redact_secrets(context.empty() ? message : context.describe() + ": " + message)),
      m_code(code), m_context(std::move(context)), m_message(redact_secrets(message)) {
    m_context.file = redact_secrets(m_context.file);
    m_context.value = redact_secrets(m_context.value);
}

const char *version() noexcept {
    return LUGEO_VERSION_STRING;
}

} // namespace lugeo
