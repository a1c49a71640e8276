// libFuzzer: the numbering-scheme parser (parse_plate_scheme, docs/plate-ids.md) and the
// inference of a scheme from a layer's IDs (infer_plate_scheme). The first byte picks the mode
// and the kind (pole or lamp). Pattern mode: the text up to the first newline is a pattern, the
// rest an ID read with it. Properties: a pattern is a scheme or an Error(invalid_config); for a
// pattern a scene can hold (UTF-8, no control character), the scheme's text reads back to the same
// text; an ID formatted with each type parses back and formats to the same ID; parsing and
// normalising any ID with the scheme never throw. Inference mode: the lines are IDs; inference
// never throws, and the inferred text (what the note tells the user to declare) is a pattern that
// reads.
#include <lugeo/error.hpp>
#include <lugeo/registry.hpp>

#include "scene/toml_guard.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using namespace lugeo;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

/// The smallest ID of type `t`: head digits 1, 0, 0 …; the number 1 (unpadded: its fewest
/// digits, 10…0).
PlateIdParts smallest(const PlateType &t, std::size_t type) {
    PlateIdParts p;
    p.type = type;
    p.head = std::string(static_cast<std::size_t>(t.head_digits()), '0');
    if (!p.head.empty()) p.head[0] = '1';
    p.number = 1;
    if (!t.padded())
        for (int i = 1; i < t.min_number_digits; ++i)
            p.number *= 10;
    return p;
}

/// A pattern as a scene gives it: the scene's pre-scan lets no control character or bad UTF-8
/// through (a comment is where it allows any other character).
bool scene_text(std::string_view text) {
    std::string comment = "# " + std::string(text);
    std::replace(comment.begin(), comment.end(), '\n', ' '); // the IDs' lines: one comment
    try {
        detail::check_toml_text(comment, "scheme.toml");
        return true;
    } catch (const Error &) {
        return false;
    }
}

void round_trips(const PlateScheme &scheme) {
    for (std::size_t i = 0; i < scheme.types.size(); ++i) {
        const PlateType &t = scheme.types[i];
        if (t.any_name) continue; // a template: no ID of its own until expanded
        for (const bool with_check : {false, true}) {
            const std::string id = format_plate_id(smallest(t, i), with_check, scheme);
            const auto back = parse_plate_id(id, scheme);
            check(back.has_value());
            check(format_plate_id(*back, back->check.has_value(), scheme) == id);
            (void)normalize_plate_id(id, scheme);
        }
    }
}

void pattern_mode(std::string_view text, const std::string &kind) {
    const auto cut = text.find('\n');
    const std::string_view pattern = text.substr(0, cut);
    const std::string_view id = cut == std::string_view::npos ? "" : text.substr(cut + 1);
    PlateScheme scheme;
    try {
        scheme = parse_plate_scheme(pattern, kind);
    } catch (const Error &e) {
        check(e.code() == ErrorCode::invalid_config);
        return;
    }
    if (!scene_text(pattern)) return; // no crash is all a scene could not give
    check(!scheme.types.empty());
    const std::string printed = scheme.text();
    check(parse_plate_scheme(printed, kind).text() == printed);
    round_trips(scheme);
    (void)parse_plate_id(id, scheme);
    (void)normalize_plate_id(id, scheme);
}

void inference_mode(std::string_view text, const std::string &kind) {
    std::vector<std::string> ids;
    std::stringstream ss{std::string(text)};
    for (std::string line; std::getline(ss, line);)
        ids.push_back(line);
    const InferredScheme inferred = infer_plate_scheme(ids, kind);
    check(inferred.fitted + inferred.misfits.size() == ids.size());
    // the note's scheme is for the scene file: it reads back when the IDs could be written there
    if (inferred.scheme.types.empty() || !scene_text(text)) return;
    (void)parse_plate_scheme(inferred.text, kind); // throws (and fails) when it does not read
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    if (size == 0) return 0;
    const std::string kind = (data[0] & 1) ? "lamp" : "pole";
    const std::string_view text(reinterpret_cast<const char *>(data) + 1, size - 1);
    try {
        if (data[0] & 2)
            inference_mode(text, kind);
        else
            pattern_mode(text, kind);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "fuzz_scheme: exception: %s\n", e.what());
        std::abort(); // an exception other than the parser's Error(invalid_config)
    }
    return 0;
}
