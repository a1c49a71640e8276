// Numbering new plates in the scheme, with a check digit, never reusing a number.
#include "registry_internal.hpp"

#include <lugeo/error.hpp>

#include <cmath>
#include <map>
#include <tuple>

namespace lugeo {

namespace {

int pow10(int k) {
    int v = 1;
    while (k-- > 0)
        v *= 10;
    return v;
}

} // namespace

std::vector<AssignedPlate> assign_plate_ids(const Registry &existing,
                                            const std::vector<NewPlate> &new_plates,
                                            const AssignOptions &options) {
    const PlateScheme &scheme = existing.scheme();
    const auto &plates = existing.plates();
    using RoadKey = std::tuple<std::size_t, std::string, std::string>; // type, name, head

    // highest number in use per road and per parity (0 = any, 1 = odd, 2 = even) and the
    // position of the highest-numbered plate (the start of the chain of new plates)
    struct RoadState {
        int max_any = 0, max_odd = 0, max_even = 0;
        std::optional<XY> last;
        std::vector<std::size_t> todo;
    };
    std::map<RoadKey, RoadState> roads;
    for (const auto &p : plates) {
        const auto parts = parse_plate_id(p.id, scheme);
        if (!parts) continue; // cannot happen: the registry validated its IDs
        auto &r = roads[{parts->type, parts->name, parts->head}];
        if (parts->number > r.max_any) {
            r.max_any = parts->number;
            r.last = p.position;
        }
        int &side_max = parts->number % 2 ? r.max_odd : r.max_even;
        side_max = std::max(side_max, parts->number);
    }

    std::vector<std::size_t> type_of(new_plates.size());
    std::vector<std::string> head_of(new_plates.size());
    for (std::size_t i = 0; i < new_plates.size(); ++i) {
        const NewPlate &np = new_plates[i];
        const std::string where = "new plate " + std::to_string(i);
        std::optional<std::size_t> type;
        for (std::size_t t = 0; t < scheme.types.size(); ++t)
            if (!type && !scheme.types[t].any_name && !scheme.types[t].exact_name) {
                std::string upper = np.kind;
                for (char &c : upper)
                    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
                if (scheme.types[t].kind == np.kind ||
                    (!np.kind.empty() && scheme.types[t].prefix == upper))
                    type = t;
            }
        if (!type)
            throw Error(ErrorCode::invalid_argument,
                        where + ": unknown plate kind '" + np.kind + "'");
        const PlateType &ty = scheme.types[*type];
        const int hd = ty.head_digits();
        const int dd = std::min(ty.district_digits, hd);
        std::string head = np.head;
        if (head.empty() && hd > 0) {
            if (dd > 0 && (np.district < (ty.first_nonzero ? 1 : 0) || np.district >= pow10(dd)))
                throw Error(ErrorCode::invalid_argument,
                            where + ": district " + std::to_string(np.district) + " out of range");
            if (np.road < (hd - dd > 0 ? 1 : 0) || np.road >= pow10(hd - dd))
                throw Error(ErrorCode::invalid_argument,
                            where + ": road " + std::to_string(np.road) + " out of range");
            PlateIdParts hp;
            hp.type = *type;
            hp.district = np.district;
            hp.road = np.road;
            const std::string probe = format_plate_id(hp, false, scheme);
            std::string digits;
            bool wc = false;
            registry_detail::match_canonical(ty, probe, digits, wc, nullptr);
            head = digits.substr(0, static_cast<std::size_t>(hd));
        }
        if (static_cast<int>(head.size()) != hd ||
            head.find_first_not_of("0123456789") != std::string::npos)
            throw Error(ErrorCode::invalid_argument, where + ": road code '" + head + "' is not " +
                                                         std::to_string(hd) + " digits");
        head_of[i] = head;
        if (!std::isfinite(np.position.x) || !std::isfinite(np.position.y))
            throw Error(ErrorCode::invalid_argument, where + ": position is not finite");
        if (np.side != PlateSide::any && !scheme.types[*type].two_sided)
            throw Error(ErrorCode::invalid_argument, where + ": kind '" + scheme.types[*type].kind +
                                                         "' has no left and right side numbering");
        type_of[i] = *type;
        if (ty.any_name || ty.exact_name)
            throw Error(ErrorCode::invalid_argument,
                        where + ": numbering by line name is not supported yet");
        roads[{*type, std::string(), head}].todo.push_back(i);
    }

    std::vector<AssignedPlate> out(new_plates.size());
    for (auto &[key, r] : roads) {
        if (r.todo.empty()) continue;
        const PlateType &rt = scheme.types[std::get<0>(key)];
        const int max_number = pow10(rt.number_digits()) - 1;
        std::vector<std::size_t> order = r.todo;
        if (options.order_along_road) {
            // greedy chain: from the highest-numbered existing plate (or the first new plate)
            // always to the nearest new plate not yet numbered
            std::vector<std::size_t> chain;
            std::vector<std::uint8_t> used(order.size(), 0);
            XY at = r.last ? *r.last : new_plates[order.front()].position;
            for (std::size_t step = 0; step < order.size(); ++step) {
                std::size_t best = order.size();
                double best_d = 0;
                for (std::size_t k = 0; k < order.size(); ++k) {
                    if (used[k]) continue;
                    const XY q = new_plates[order[k]].position;
                    const double d = std::hypot(q.x - at.x, q.y - at.y);
                    if (best == order.size() || d < best_d) {
                        best = k;
                        best_d = d;
                    }
                }
                used[best] = 1;
                chain.push_back(order[best]);
                at = new_plates[order[best]].position;
            }
            order = std::move(chain);
        }
        for (std::size_t i : order) {
            const NewPlate &np = new_plates[i];
            int number = 0;
            if (np.side == PlateSide::any) {
                number = std::max({r.max_any, r.max_odd, r.max_even}) + 1;
            } else {
                const bool odd = np.side == PlateSide::left;
                int &side_max = odd ? r.max_odd : r.max_even;
                number = side_max + 1;
                if ((number % 2 == 1) != odd) ++number;
            }
            if (number > max_number)
                throw Error(ErrorCode::invalid_argument,
                            "new plate " + std::to_string(i) +
                                ": no free number left on road code '" + std::get<2>(key) + "'");
            r.max_any = std::max(r.max_any, number);
            (number % 2 ? r.max_odd : r.max_even) =
                std::max(number % 2 ? r.max_odd : r.max_even, number);
            PlateIdParts parts;
            parts.type = type_of[i];
            parts.head = head_of[i];
            parts.number = number;
            const bool check =
                (options.with_check_digit && rt.check != CheckDigit::none) || rt.check_required;
            AssignedPlate a;
            a.input = i;
            a.id = format_plate_id(parts, check, scheme);
            a.parts = *parse_plate_id(a.id, scheme);
            out[i] = std::move(a);
        }
    }
    return out;
}

} // namespace lugeo
