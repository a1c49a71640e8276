// Plate IDs: the scheme, Damm check digits, normalisation of typed or heard IDs.
#include "registry_internal.hpp"

#include <cstdio>

namespace lugeo {

namespace {

// Damm's totally anti-symmetric quasigroup of order 10 (H. M. Damm, 2004).
constexpr int damm_table[10][10] = {{0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
                                    {4, 2, 0, 6, 8, 7, 1, 3, 5, 9}, {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
                                    {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
                                    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
                                    {9, 4, 3, 8, 6, 1, 7, 2, 0, 5}, {2, 5, 8, 1, 4, 3, 6, 7, 9, 0}};

int damm_interim(std::string_view digits) {
    int interim = 0;
    for (char c : digits)
        if (c >= '0' && c <= '9') interim = damm_table[interim][c - '0'];
    return interim;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s)
        v = v * 10 + (c - '0');
    return v;
}

std::optional<std::size_t> type_of_prefix(char prefix, const PlateScheme &scheme) {
    for (std::size_t t = 0; t < scheme.types.size(); ++t)
        if (scheme.types[t].prefix == prefix) return t;
    return std::nullopt;
}

// ------------------------------------------------------------------ UTF-8 and character classes

/// Decode one code point at s[i]; advances i. -1 for invalid UTF-8 (i advanced by one).
long decode_utf8(std::string_view s, std::size_t &i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int len = 0;
    long cp = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        cp = b0 & 0x07;
    } else {
        ++i;
        return -1;
    }
    if (i + static_cast<std::size_t>(len) > s.size()) {
        ++i;
        return -1;
    }
    for (int k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return -1;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    // overlong forms and surrogates are invalid
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
        ++i;
        return -1;
    }
    i += static_cast<std::size_t>(len);
    return cp;
}

/// Chinese digit value (0-9), 10 for 十/拾, -1 otherwise.
int chinese_digit(long cp) {
    switch (cp) {
    case 0x3007: // 〇
    case 0x96F6: // 零
    case 0x6D1E: // 洞 (radio 0)
        return 0;
    case 0x4E00: // 一
    case 0x5E7A: // 幺 (radio 1)
    case 0x58F9: // 壹
        return 1;
    case 0x4E8C: // 二
    case 0x4E24: // 两
    case 0x8D30: // 贰
        return 2;
    case 0x4E09: // 三
    case 0x53C1: // 叁
        return 3;
    case 0x56DB: // 四
    case 0x8086: // 肆
        return 4;
    case 0x4E94: // 五
    case 0x4F0D: // 伍
        return 5;
    case 0x516D: // 六
    case 0x9646: // 陆
        return 6;
    case 0x4E03: // 七
    case 0x62D0: // 拐 (radio 7)
    case 0x67D2: // 柒
        return 7;
    case 0x516B: // 八
    case 0x634C: // 捌
        return 8;
    case 0x4E5D: // 九
    case 0x52FE: // 勾 (radio 9)
    case 0x7396: // 玖
        return 9;
    case 0x5341: // 十
    case 0x62FE: // 拾
        return 10;
    default:
        return -1;
    }
}

bool is_separator(long cp) {
    switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '-':
    case '_':
    case '.':
    case '/':
    case ',':
    case ':':
    case '#':
    case 0x00A0: // no-break space
    case 0x00B7: // ·
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015: // dashes
    case 0x2212: // minus
    case 0x2027:
    case 0x2022:
    case 0x30FB: // dots
    case 0x3000: // ideographic space
    case 0x3001:
    case 0x3002: // 、 。
    case 0xFF0D:
    case 0xFF3F:
    case 0xFF0E:
    case 0xFF0F:
    case 0xFF0C:
    case 0xFF1A:
    case 0xFF03:
    case 0xFF5E:
    case 0x301C: // ～ 〜
        return true;
    default:
        return false;
    }
}

/// Words that carry no information about the ID ("number", "No.").
constexpr std::string_view ignored_words[] = {"编号", "号码", "号", "第", "牌", "是", "在"};

} // namespace

// ---------------------------------------------------------------------------------- Damm

char damm_check_digit(std::string_view digits) {
    return static_cast<char>('0' + damm_interim(digits));
}

bool is_damm_valid(std::string_view digits) {
    bool any = false;
    for (char c : digits)
        any = any || is_digit(c);
    return any && damm_interim(digits) == 0;
}

// -------------------------------------------------------------------------- canonical IDs

std::optional<PlateIdParts> parse_plate_id(std::string_view id, const PlateScheme &scheme) {
    const auto head = static_cast<std::size_t>(scheme.head_digits());
    const auto num = static_cast<std::size_t>(scheme.number_digits);
    if (id.size() < 2 + head + num) return std::nullopt;
    const auto type = type_of_prefix(id[0], scheme);
    if (!type) return std::nullopt;
    if (id[1 + head] != '-') return std::nullopt;
    const std::string_view h = id.substr(1, head);
    const std::string_view rest = id.substr(2 + head);
    const bool with_check = rest.size() == num + 1;
    if (rest.size() != num && !with_check) return std::nullopt;
    if (with_check && scheme.check_digit == CheckDigit::none) return std::nullopt;
    for (char c : h)
        if (!is_digit(c)) return std::nullopt;
    for (char c : rest)
        if (!is_digit(c)) return std::nullopt;
    if (h[0] == '0') return std::nullopt;
    PlateIdParts p;
    p.type = *type;
    p.district = to_int(h.substr(0, static_cast<std::size_t>(scheme.district_digits)));
    p.road = to_int(h.substr(static_cast<std::size_t>(scheme.district_digits)));
    p.number = to_int(rest.substr(0, num));
    if (with_check) {
        std::string all(h);
        all += rest;
        if (!is_damm_valid(all)) return std::nullopt;
        p.check = rest.back() - '0';
    }
    return p;
}

std::string format_plate_id(const PlateIdParts &parts, bool with_check, const PlateScheme &scheme) {
    auto pad = [](int value, int width) {
        std::string s = std::to_string(value);
        if (static_cast<int>(s.size()) < width)
            s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
        return s;
    };
    std::string digits = pad(parts.district, scheme.district_digits) +
                         pad(parts.road, scheme.road_digits) +
                         pad(parts.number, scheme.number_digits);
    std::string id;
    id += parts.type < scheme.types.size() ? scheme.types[parts.type].prefix : '?';
    id += digits.substr(0, static_cast<std::size_t>(scheme.head_digits()));
    id += '-';
    id += digits.substr(static_cast<std::size_t>(scheme.head_digits()));
    if (with_check && scheme.check_digit == CheckDigit::damm) id += damm_check_digit(digits);
    return id;
}

// ------------------------------------------------------------------------- normalisation

namespace registry_detail {

HeardId parse_heard(std::string_view text, const PlateScheme &scheme) {
    HeardId out;
    constexpr std::size_t max_bytes = 256;
    if (text.size() > max_bytes) {
        out.error = "too long to be a plate ID (" + std::to_string(text.size()) + " bytes)";
        return out;
    }
    std::vector<std::string> groups(1);
    bool seen_digit = false;
    int letters = 0;
    char letter = 0;
    auto new_group = [&] {
        if (!groups.back().empty()) groups.emplace_back();
    };
    auto set_type = [&](std::size_t t) -> bool {
        if (out.type && *out.type != t) {
            out.error = std::string("conflicting type prefixes ") + scheme.types[*out.type].prefix +
                        " and " + scheme.types[t].prefix;
            return false;
        }
        out.type = t;
        return true;
    };
    std::vector<int> run; // pending Chinese digits (10 = 十)
    auto flush_run = [&] {
        std::size_t k = 0;
        while (k < run.size()) {
            if (run[k] == 10 || (k + 1 < run.size() && run[k + 1] == 10)) {
                // a numeral with 十: [d]十[d] is one number, its own group
                int tens = 1, units = 0;
                if (run[k] != 10) {
                    tens = run[k];
                    ++k;
                }
                ++k; // the 十
                if (k < run.size() && run[k] != 10 && !(k + 1 < run.size() && run[k + 1] == 10)) {
                    units = run[k];
                    ++k;
                }
                new_group();
                groups.back() += std::to_string(tens * 10 + units);
                new_group();
            } else {
                groups.back() += static_cast<char>('0' + run[k]);
                ++k;
            }
        }
        run.clear();
    };

    std::size_t i = 0;
    while (i < text.size()) {
        // type words and ignored words (longest match first)
        std::size_t best_len = 0;
        constexpr std::size_t no_type = static_cast<std::size_t>(-1);
        std::size_t best_type = no_type;
        for (std::size_t t = 0; t < scheme.types.size(); ++t)
            for (const auto &w : scheme.types[t].words)
                if (!w.empty() && w.size() > best_len && text.substr(i, w.size()) == w) {
                    best_len = w.size();
                    best_type = t;
                }
        for (auto w : ignored_words)
            if (w.size() > best_len && text.substr(i, w.size()) == w) {
                best_len = w.size();
                best_type = no_type;
            }
        if (best_len > 0) {
            flush_run();
            if (best_type != no_type) {
                if (seen_digit) new_group();
                if (!set_type(best_type)) return out;
            } else {
                new_group();
            }
            i += best_len;
            continue;
        }
        const std::size_t at = i;
        const long cp = decode_utf8(text, i);
        if (cp < 0) {
            out.error = "invalid UTF-8 at byte " + std::to_string(at);
            return out;
        }
        const int cd = chinese_digit(cp);
        if (cd >= 0) {
            run.push_back(cd);
            seen_digit = true;
            continue;
        }
        flush_run();
        long c = cp;
        if (c >= 0xFF10 && c <= 0xFF19)
            c = '0' + (c - 0xFF10); // full-width digits
        else if (c >= 0xFF21 && c <= 0xFF3A)
            c = 'A' + (c - 0xFF21); // full-width A-Z
        else if (c >= 0xFF41 && c <= 0xFF5A)
            c = 'A' + (c - 0xFF41); // full-width a-z
        else if (c >= 'a' && c <= 'z')
            c = c - 'a' + 'A';
        if (c >= '0' && c <= '9') {
            groups.back() += static_cast<char>(c);
            seen_digit = true;
        } else if (c >= 'A' && c <= 'Z') {
            if (seen_digit) {
                out.error = std::string("letter '") + static_cast<char>(c) + "' after the digits";
                return out;
            }
            ++letters;
            letter = static_cast<char>(c);
            if (letters > 1) {
                out.error = "more than one letter: a plate ID has a one-letter type prefix";
                return out;
            }
            if (auto t = type_of_prefix(letter, scheme)) {
                if (!set_type(*t)) return out;
            } else {
                out.unknown_prefix = true;
            }
        } else if (is_separator(c)) {
            new_group();
        } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "U+%04lX", c);
            out.error = std::string("control character ") + buf + " at byte " + std::to_string(at);
            return out;
        } else {
            char buf[32];
            std::snprintf(buf, sizeof buf, "U+%04lX", cp);
            out.error = "unexpected character '" + std::string(text.substr(at, i - at)) + "' (" +
                        buf + ") at byte " + std::to_string(at);
            return out;
        }
    }
    flush_run();
    if (groups.back().empty() && groups.size() > 1) groups.pop_back();

    const auto head = static_cast<std::size_t>(scheme.head_digits());
    const auto num = static_cast<std::size_t>(scheme.number_digits);
    // "L207-42": a short number after the road is zero-padded
    if (groups.size() == 2 && groups[0].size() == head && !groups[1].empty() &&
        groups[1].size() < num)
        groups[1].insert(0, num - groups[1].size(), '0');
    for (const auto &g : groups)
        out.digits += g;

    if (out.digits.empty()) {
        out.error = letters > 0 || out.type ? "no digits: a plate ID has a number"
                                            : "empty: no plate ID given";
        return out;
    }
    if (out.digits.size() >
        static_cast<std::size_t>(std::min(max_digits, scheme.id_digits() * 2))) {
        out.error = "too many digits (" + std::to_string(out.digits.size()) + ") for a plate ID";
        out.digits.clear();
        return out;
    }
    if (out.type)
        out.display += scheme.types[*out.type].prefix;
    else if (out.unknown_prefix)
        out.display += letter;
    if (out.digits.size() > head) {
        out.display += out.digits.substr(0, head);
        out.display += '-';
        out.display += out.digits.substr(head);
    } else {
        out.display += out.digits;
    }
    return out;
}

} // namespace registry_detail

NormalizedId normalize_plate_id(std::string_view heard, const PlateScheme &scheme) {
    NormalizedId out;
    const auto h = registry_detail::parse_heard(heard, scheme);
    if (!h.error.empty()) {
        out.error = h.error;
        return out;
    }
    out.id = h.display;
    std::string prefixes;
    for (const auto &t : scheme.types)
        prefixes += prefixes.empty() ? std::string(1, t.prefix) : std::string(" or ") + t.prefix;
    if (h.unknown_prefix) {
        out.error = "unknown type prefix '" + out.id.substr(0, 1) + "' (expected " + prefixes + ")";
        return out;
    }
    const auto n = h.digits.size();
    const auto want = static_cast<std::size_t>(scheme.id_digits());
    const bool check_ok = scheme.check_digit != CheckDigit::none;
    if (n != want && !(check_ok && n == want + 1)) {
        out.error = "expected " + std::to_string(want) + " digits" +
                    (check_ok ? " (or " + std::to_string(want + 1) + " with check digit)" : "") +
                    ", got " + std::to_string(n);
        return out;
    }
    if (!h.type) {
        out.error = "no type prefix (" + prefixes + ")";
        return out;
    }
    if (h.digits[0] == '0') {
        out.error = "district digit is 0";
        return out;
    }
    if (n == want + 1 && !is_damm_valid(h.digits)) {
        out.error = "check digit fails";
        return out;
    }
    out.is_canonical = true;
    return out;
}

} // namespace lugeo
