// Small helpers for registry tests: a plate at a metric position, an ID with its check digit.
#pragma once

#include <lugeo/registry.hpp>

#include <string>

namespace lugeo::test_support {

/// A plate with `id` at metric (x, y); lon/lat a valid placeholder (the registry does not
/// check it against the position).
inline Plate plate(const std::string &id, double x, double y) {
    Plate p;
    p.id = id;
    p.position = {x, y};
    p.lonlat = {104.0, 30.0};
    return p;
}

/// `id` followed by the Damm check digit of its digits.
inline std::string with_check(const std::string &id) {
    std::string digits;
    for (char c : id)
        if (c >= '0' && c <= '9') digits += c;
    return id + damm_check_digit(digits);
}

} // namespace lugeo::test_support
