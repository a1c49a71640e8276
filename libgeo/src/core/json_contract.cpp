// The JSON contract (docs/json.md): envelope, rounding by unit, timings only when asked for.
#include <lugeo/error.hpp>
#include <lugeo/json_contract.hpp>
#include <lugeo/version.hpp>

#include <cmath>
#include <cstdint>

namespace lugeo::json_contract {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

double round_decimals(double v, int decimals) {
    static constexpr double powers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    const double p = decimals >= 0 && decimals <= 8 ? powers[decimals] : std::pow(10.0, decimals);
    const double r = std::round(v * p);
    // k / 10^d is the double nearest to the decimal k·10^-d, which prints as that decimal
    return r == 0.0 ? 0.0 : r / p; // no "-0.0"
}

} // namespace

int decimals_for(std::string_view key) {
    // a unit as the suffix "_unit", or the whole key ("km", "minutes")
    auto unit = [key](std::string_view u) {
        return key == u || (ends_with(key, u) && key.size() > u.size() &&
                            key[key.size() - u.size() - 1] == '_');
    };
    if (unit("lon") || unit("lat") || unit("lonlat") || key == "coordinates" || key == "bbox")
        return 7;
    if (unit("m2")) return 0;
    if (unit("km2")) return 4;
    if (unit("km")) return 3;
    if (unit("m") || unit("s") || unit("deg")) return 1;
    if (unit("min") || unit("minutes")) return 2;
    if (unit("x") || unit("y")) return 2;
    if (unit("pct")) return 1;
    if (unit("probability")) return 6; // misreading probabilities are small (0.003)
    return 4;
}

void round_numbers(nlohmann::json &j, std::string_view key) {
    if (j.is_object()) {
        // a member without a unit of its own takes its object's ("timings_s": {"read": …})
        const bool has_unit = decimals_for(key) != decimals_for("");
        for (auto it = j.begin(); it != j.end(); ++it)
            round_numbers(it.value(),
                          has_unit && decimals_for(it.key()) == decimals_for("") ? key : it.key());
    } else if (j.is_array()) {
        for (auto &e : j)
            round_numbers(e, key);
    } else if (j.is_number_float()) {
        const double v = j.get<double>();
        if (!std::isfinite(v)) {
            j = nullptr;
            return;
        }
        const int d = decimals_for(key);
        if (d == 0 && std::fabs(v) < 9.0e15)
            j = static_cast<std::int64_t>(std::llround(v));
        else
            j = round_decimals(v, d);
    }
}

nlohmann::json document(std::string_view command, nlohmann::json body,
                        const DocumentOptions &options) {
    nlohmann::json doc = nlohmann::json::object();
    if (body.is_object()) {
        if (!options.timings) body.erase(std::string(timings_key));
        doc = std::move(body);
    } else if (!body.is_null()) {
        doc["results"] = std::move(body);
    }
    round_numbers(doc);
    doc["lugeo_version"] = LUGEO_VERSION_STRING;
    doc["schema"] = schema_version;
    doc["command"] = std::string(command);
    return doc;
}

nlohmann::json error_document(std::string_view command, nlohmann::json error) {
    return document(command, nlohmann::json{{"error", std::move(error)}});
}

std::string dump(const nlohmann::json &document, Utf8 invalid) {
    return redact_secrets(document.dump(2, ' ', false,
                                        invalid == Utf8::replace
                                            ? nlohmann::json::error_handler_t::replace
                                            : nlohmann::json::error_handler_t::strict));
}

} // namespace lugeo::json_contract
