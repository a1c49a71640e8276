// lugeo: the one JSON contract (docs/json.md) shared by the CLI's --json, `lugeo serve` and
// integrators. Every document is one object with `lugeo_version`, `schema` and `command` at
// the top, numbers rounded by the key's unit, and wall-clock timings only when asked for.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace lugeo::json_contract {

/// The contract's version (`schema` in every document). Raised when a field changes meaning
/// or is removed; adding a field does not raise it.
inline constexpr int schema_version = 1;

/// The key under which a command puts its wall-clock timings (an object of seconds).
/// document() drops it unless DocumentOptions::timings.
inline constexpr std::string_view timings_key = "timings_s";

struct DocumentOptions {
    bool timings = false; ///< keep `timings_s` (the CLI's --timings)
};

/// Decimals kept for a number under `key` (docs/json.md), by the unit the key ends with
/// ("_unit") or is ("km", "minutes"): lon, lat, lonlat (and `coordinates`, `bbox`) 7; m2 0
/// (an integer); km2 4; km 3; m, s, deg 1; min, minutes 2; x, y 2; pct 1; probability 6; any other
/// key (shares 0–1, confidences, scores, ratios, counts) 4.
int decimals_for(std::string_view key);

/// Rounds every floating-point number in `j` by its key's rule, in place and recursively;
/// the elements of an array take the array's key, and the members of an object whose key has
/// a unit take that unit unless their own key has one (`"timings_s": {"read": 0.52}`). Integers,
/// strings and non-finite numbers (null in JSON) are left as they are; `…_m2` numbers become
/// integers.
void round_numbers(nlohmann::json &j, std::string_view key = {});

/// One contract document: {"lugeo_version", "schema", "command", …the members of `body`},
/// numbers rounded (round_numbers) and `timings_s` dropped unless options.timings. `command`
/// is the command path as typed ("locate", "network info", "scene check"). A body that is
/// not an object is put under "results".
nlohmann::json document(std::string_view command, nlohmann::json body,
                        const DocumentOptions &options = {});

/// The error document: the envelope and {"error": {"code", "message", …}}; `error` holds
/// code, message and whichever of file, layer, feature, field, value, parameter, line,
/// option apply (docs/json.md).
nlohmann::json error_document(std::string_view command, nlohmann::json error);

/// What dump() does with text that is not UTF-8: throw (nlohmann::json::type_error 316; a
/// result must not echo a mangled ID) or replace it with U+FFFD (error documents).
enum class Utf8 { strict, replace };

/// The text of a document as lugeo prints and serves it: 2-space indent, secrets of
/// connection strings redacted (lugeo::redact_secrets).
std::string dump(const nlohmann::json &document, Utf8 invalid = Utf8::strict);

} // namespace lugeo::json_contract
