// lugeo: errors.
//
// Every failure that a user can fix (bad input, missing file, bad config) is a
// lugeo::Error with a stable code and a message that names the file, layer,
// feature and field involved. "Nothing found" is a value, never an exception.
#pragma once

#include <stdexcept>
#include <string>

namespace lugeo {

/// Stable error codes. The CLI maps them to exit codes (see docs/cli.md).
enum class ErrorCode {
    invalid_argument = 1, ///< a value given by the caller is out of range or malformed
    io,                   ///< a file cannot be opened, read or written
    missing_layer,        ///< a data source has no such layer
    missing_field,        ///< a layer has no such field
    crs,                  ///< unknown, missing or unusable coordinate reference system
    invalid_geometry,     ///< empty, invalid or wrong-typed geometry
    duplicate_id,         ///< an identifier occurs more than once
    invalid_config,       ///< a scene config value is missing or wrong
    off_network,          ///< a point lies too far from every usable edge
    internal              ///< a bug in lugeo: please report it
};

/// Short stable name of an error code ("missing_layer"), for --json output.
const char *error_code_name(ErrorCode code) noexcept;

/// The one exception type lugeo throws for input errors.
class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string &message) : std::runtime_error(message), m_code(code) {}
    ErrorCode code() const noexcept { return m_code; }

private:
    ErrorCode m_code;
};

} // namespace lugeo
