// A unit's status by name (lugeo/dispatch.hpp); apart from the dispatch scene so that code
// that only reads a status (the service's request checks, their fuzzer) needs nothing else.
#include <lugeo/dispatch.hpp>

namespace lugeo {

const char *unit_status_name(UnitStatus s) noexcept {
    switch (s) {
    case UnitStatus::available:
        return "available";
    case UnitStatus::busy:
        return "busy";
    case UnitStatus::off_duty:
        return "off_duty";
    }
    return "available";
}

std::optional<UnitStatus> unit_status_from_name(std::string_view n) noexcept {
    if (n == "available") return UnitStatus::available;
    if (n == "busy") return UnitStatus::busy;
    if (n == "off_duty") return UnitStatus::off_duty;
    return std::nullopt;
}

} // namespace lugeo
