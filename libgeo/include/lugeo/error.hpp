// lugeo: errors.
//
// Every failure that a user can fix (bad input, missing file, bad config) is a lugeo::Error
// with a stable code and its context as fields: the file, layer, feature, field and value
// involved, and the parameter (option or setting, in library terms) at fault. what() is the
// full message: the context, then what is wrong and what to do. Library messages never name a
// command-line flag; the CLI maps `parameter` to its flag. "Nothing found" is a value, never an
// exception.
#pragma once

#include <cstdint>
#include <optional>
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

/// Where an error is. Every field is optional.
struct ErrorContext {
    std::string file;                    ///< data source or config file
    std::string layer;                   ///< layer name in the source
    std::optional<std::int64_t> feature; ///< feature id (FID)
    std::string field;                   ///< field name as in the source
    std::string value;                   ///< the offending value (a printable excerpt)
    /// The option or setting at fault in library terms ("cell_m", "isochrones.trim_m",
    /// "layers.roads.crs"); the CLI names its flag for it.
    std::string parameter;
    int line = 0; ///< line in a config file (0: not known)
    /// "'roads.shp' layer 'roads' feature 17 field 'oneway' (value 'maybe')"; a config key as
    /// "'scene.toml' line 12 [isochrones.trim_m]"; "" when empty.
    std::string describe() const;
    bool empty() const { return describe().empty(); }

    /// A file (and a layer in it).
    static ErrorContext of_file(std::string file, std::string layer = {}) {
        ErrorContext c;
        c.file = std::move(file);
        c.layer = std::move(layer);
        return c;
    }
    /// This context with `p` as the parameter (a feature's origin and the setting it breaks).
    ErrorContext with_parameter(std::string p) const {
        ErrorContext c = *this;
        c.parameter = std::move(p);
        return c;
    }
    /// A parameter (and the config file that sets it).
    static ErrorContext of_parameter(std::string parameter, std::string file = {}) {
        ErrorContext c;
        c.parameter = std::move(parameter);
        c.file = std::move(file);
        return c;
    }
};

/// `text` with the secret parts of connection strings replaced by "***": `password=…`
/// (also quoted), `user:secret@host` in URLs, and `token=`/`key=`/`secret=` query values.
std::string redact_secrets(const std::string &text);

/// `v` with `decimals` decimals for a message, or as %g when that would be long (|v| >= 1e9,
/// NaN, infinities): a 1e300 coordinate must not fill, or be cut by, a message.
std::string number_text(double v, int decimals);

/// A printable excerpt of a value from a file: control bytes escaped, cut after 60 bytes.
std::string printable_value(const std::string &value);

/// The one exception type lugeo throws for input errors.
class Error : public std::runtime_error {
public:
    /// A message that already says everything (no structured context).
    Error(ErrorCode code, const std::string &message);
    /// what() = context.describe() + ": " + message (just the message when the context is empty).
    Error(ErrorCode code, ErrorContext context, const std::string &message);
    ErrorCode code() const noexcept { return m_code; }
    const ErrorContext &context() const noexcept { return m_context; }
    /// The message without the context prefix.
    const std::string &message() const noexcept { return m_message; }

private:
    ErrorCode m_code;
    ErrorContext m_context;
    std::string m_message;
};

} // namespace lugeo
