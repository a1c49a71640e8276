// Test and benchmark support for the registry (header-only; not a test program itself):
//  - a synthetic plate registry shaped like Chuxiong's demo (3,034 poles, 4,266 lamps,
//    ~8 x 8 km, plates along bent lines, lamps odd left / even right);
//  - a simulated caller that misreads or mishears plate IDs, with its OWN error model and
//    frequencies (deliberately not the resolver's tables, so the accuracy test is not circular).
#pragma once

#include <lugeo/registry.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace lugeo::test_support {

struct SynthOptions {
    std::size_t poles = 3034;
    std::size_t lamps = 4266;
    double extent_m = 8000.0;
    std::uint64_t seed = 20240607;
};

/// Plates along bent roads in 9 districts (3 x 3 blocks); road codes 01.. per district,
/// a road may carry poles, lamps or both. Poles every 50-70 m, lamps every 30-40 m per side.
inline std::vector<Plate> make_synthetic_plates(const SynthOptions &o = {}) {
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> U(0.0, 1.0);
    std::vector<Plate> out;
    out.reserve(o.poles + o.lamps);
    const double block = o.extent_m / 3.0;
    std::size_t poles_done = 0, lamps_done = 0;
    for (int district = 1; district <= 9; ++district) {
        const std::size_t pole_quota = district == 9 ? o.poles - poles_done : o.poles / 9;
        const std::size_t lamp_quota = district == 9 ? o.lamps - lamps_done : o.lamps / 9;
        std::size_t dp = 0, dl = 0;
        const double bx = ((district - 1) % 3) * block, by = ((district - 1) / 3) * block;
        for (int road = 1; road <= 99 && (dp < pole_quota || dl < lamp_quota); ++road) {
            // a polyline: start in the block, two legs with a bend
            const double x0 = bx + U(rng) * block, y0 = by + U(rng) * block;
            double heading = U(rng) * 2 * 3.141592653589793;
            const double length = 800.0 + U(rng) * 2200.0;
            const double bend = (U(rng) - 0.5) * 1.0; // up to ~30 degrees
            auto point_at = [&](double s, double offset) {
                const double half = length / 2;
                double x = x0, y = y0, h = heading;
                const double s1 = std::min(s, half);
                x += s1 * std::cos(h);
                y += s1 * std::sin(h);
                if (s > half) {
                    h += bend;
                    x += (s - half) * std::cos(h);
                    y += (s - half) * std::sin(h);
                }
                // offset to the left of the direction of travel
                return XY{x - offset * std::sin(h), y + offset * std::cos(h)};
            };
            const std::string road_name =
                "Road " + std::to_string(district) + "-" + std::to_string(road);
            const bool lamps = dl < lamp_quota && (dp >= pole_quota || U(rng) < 0.6);
            const bool poles = dp < pole_quota && (!lamps || U(rng) < 0.5);
            auto make = [&](char prefix, int number, XY p) {
                char buf[32];
                std::snprintf(buf, sizeof buf, "%c%d%02d-%04d", prefix, district, road, number);
                Plate pl;
                pl.id = buf;
                pl.kind = prefix == 'G' ? "pole" : "lamp";
                pl.position = p;
                pl.lonlat = {101.50 + p.x / 100900.0, 25.00 + p.y / 110900.0};
                pl.road = road_name;
                const double r = U(rng);
                pl.status = r < 0.96   ? PlateStatus::ok
                            : r < 0.99 ? PlateStatus::damaged
                                       : PlateStatus::missing;
                out.push_back(std::move(pl));
            };
            if (poles) {
                const double spacing = 50.0 + U(rng) * 20.0;
                int number = 1;
                for (double s = 0; s <= length && dp < pole_quota; s += spacing, ++number, ++dp)
                    make('G', number, point_at(s, 4.0));
            }
            if (lamps) {
                const double spacing = 30.0 + U(rng) * 10.0;
                int k = 0;
                for (double s = 10; s <= length && dl < lamp_quota; s += spacing, ++k) {
                    make('L', 2 * k + 1, point_at(s, 9.0));
                    ++dl;
                    if (dl < lamp_quota) {
                        make('L', 2 * k + 2, point_at(s, -9.0));
                        ++dl;
                    }
                }
            }
        }
        poles_done += dp;
        lamps_done += dl;
    }
    return out;
}

/// A simulated caller. Error kinds and frequencies (of misreads, each misread has >= 1 error):
/// substitution 45% (70% from the caller confusion list below, 30% any digit), adjacent
/// swap 17%, dropped digit 10%, doubled digit 8%, 四/十 6%, wrong prefix 5%, two errors 9%.
/// Independently the prefix is left out 15% of the time. Surface forms: ASCII with assorted
/// dashes, lower case, full-width, spoken Chinese with radio digits.
class MisreadSimulator {
public:
    explicit MisreadSimulator(std::uint64_t seed) : m_rng(seed) {}

    struct Misread {
        std::string text;   ///< what the dispatcher typed
        std::string kind;   ///< the error kind applied
        char prefix = 0;    ///< the prefix as said (0: left out), before rendering
        std::string digits; ///< the digits as said, before rendering
    };

    Misread misread(const std::string &id) {
        char prefix = id[0];
        std::string digits;
        for (char c : id)
            if (c >= '0' && c <= '9') digits += c;
        const std::string original = digits;
        Misread m;
        const double r = uni();
        if (r < 0.45)
            m.kind = substitute(digits);
        else if (r < 0.62)
            m.kind = swap(digits);
        else if (r < 0.72)
            m.kind = drop(digits);
        else if (r < 0.80)
            m.kind = doubled(digits);
        else if (r < 0.86)
            m.kind = four_ten(digits);
        else if (r < 0.91) {
            prefix = prefix == 'G' ? 'L' : 'G';
            m.kind = "prefix";
        } else {
            m.kind = "two:" + any_simple(digits);
            m.kind += "+" + any_simple(digits);
        }
        if (digits == original && prefix == id[0]) { // e.g. swapping equal digits: force a change
            m.kind += "+substitute";
            substitute(digits);
        }
        const bool no_prefix = uni() < 0.15;
        m.prefix = no_prefix ? 0 : prefix;
        m.digits = digits;
        m.text = render(m.prefix, digits);
        return m;
    }

private:
    double uni() { return std::uniform_real_distribution<double>(0, 1)(m_rng); }
    std::size_t pick(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(m_rng);
    }

    std::string any_simple(std::string &d) {
        const double r = uni();
        if (r < 0.6) return substitute(d);
        if (r < 0.85) return swap(d);
        return drop(d);
    }

    std::string substitute(std::string &d) {
        // the caller's own confusion list: pair and relative frequency
        struct P {
            char a, b;
            double w;
        };
        static constexpr P pairs[] = {{'1', '7', 30}, {'6', '9', 20}, {'6', '8', 8}, {'3', '8', 8},
                                      {'0', '8', 6},  {'5', '6', 5},  {'2', '7', 4}, {'4', '9', 4},
                                      {'5', '9', 4},  {'3', '5', 3},  {'8', '9', 3}, {'1', '4', 3},
                                      {'0', '6', 2},  {'2', '3', 2},  {'0', '9', 2}, {'7', '9', 1}};
        const std::size_t i = pick(d.size());
        const char a = d[i];
        char b = a;
        if (uni() < 0.7) {
            double total = 0;
            for (const auto &p : pairs)
                if (p.a == a || p.b == a) total += p.w;
            if (total > 0) {
                double x = uni() * total;
                for (const auto &p : pairs) {
                    if (p.a != a && p.b != a) continue;
                    x -= p.w;
                    if (x <= 0) {
                        b = p.a == a ? p.b : p.a;
                        break;
                    }
                }
            }
        }
        while (b == a)
            b = static_cast<char>('0' + pick(10));
        d[i] = b;
        return "substitute";
    }
    std::string swap(std::string &d) {
        for (int tries = 0; tries < 10; ++tries) {
            const std::size_t i = pick(d.size() - 1);
            if (d[i] != d[i + 1]) {
                std::swap(d[i], d[i + 1]);
                return "swap";
            }
        }
        return substitute(d);
    }
    std::string drop(std::string &d) {
        d.erase(pick(d.size()), 1);
        return "drop";
    }
    std::string doubled(std::string &d) {
        const std::size_t i = pick(d.size());
        d.insert(i, 1, d[i]);
        return "double";
    }
    std::string four_ten(std::string &d) {
        const auto four = d.find('4');
        const auto ten = d.find("10");
        if (four != std::string::npos && (ten == std::string::npos || uni() < 0.7)) {
            d.replace(four, 1, "10");
            return "four_ten";
        }
        if (ten != std::string::npos) {
            d.replace(ten, 2, "4");
            return "ten_four";
        }
        return substitute(d);
    }

    std::string render(char prefix, const std::string &d) {
        const double r = uni();
        const bool canonical_length = d.size() == 7;
        if (r < 0.25) { // spoken Chinese, digit by digit, with radio forms
            static const char *plain[] = {"零", "一", "二", "三", "四",
                                          "五", "六", "七", "八", "九"};
            static const char *radio[] = {"洞", "幺", "两", "三", "四",
                                          "五", "六", "拐", "八", "勾"};
            std::string s;
            if (prefix == 'L') s += uni() < 0.5 ? "路灯" : "灯杆";
            if (prefix == 'G') s += uni() < 0.5 ? "电杆" : "杆号";
            const bool use_radio = uni() < 0.5;
            for (std::size_t i = 0; i < d.size(); ++i) {
                if (canonical_length && i == 3 && uni() < 0.5) s += " ";
                s += (use_radio ? radio : plain)[d[i] - '0'];
            }
            if (uni() < 0.3) s += "号";
            return s;
        }
        std::string s;
        if (prefix) s += prefix;
        static const char *dashes[] = {"-", " ", "", "–", "—", "_"};
        for (std::size_t i = 0; i < d.size(); ++i) {
            if (canonical_length && i == 3) s += dashes[pick(6)];
            s += d[i];
        }
        if (r < 0.40) { // lower case
            for (auto &c : s)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (r < 0.50) { // full-width digits and letters
            std::string w;
            for (unsigned char c : s) {
                if (c >= '0' && c <= '9') {
                    const unsigned cp = 0xFF10 + (c - '0');
                    w += static_cast<char>(0xE0 | (cp >> 12));
                    w += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                    w += static_cast<char>(0x80 | (cp & 0x3F));
                } else if (c >= 'A' && c <= 'Z') {
                    const unsigned cp = 0xFF21 + (c - 'A');
                    w += static_cast<char>(0xE0 | (cp >> 12));
                    w += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                    w += static_cast<char>(0x80 | (cp & 0x3F));
                } else {
                    w += static_cast<char>(c);
                }
            }
            return w;
        }
        return s;
    }

    std::mt19937_64 m_rng;
};

} // namespace lugeo::test_support
