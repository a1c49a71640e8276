#include <lugeo/error.hpp>
#include <lugeo/version.hpp>

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

const char *version() noexcept {
    return LUGEO_VERSION_STRING;
}

} // namespace lugeo
