// Plate IDs: the scheme, Damm check digits, normalisation of typed or heard IDs.
#include "registry_internal.hpp"

#include <lugeo/error.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

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

// ---------------------------------------------------------------------------------- checks

char damm_check_digit(std::string_view digits) {
    return static_cast<char>('0' + damm_interim(digits));
}

bool is_damm_valid(std::string_view digits) {
    bool any = false;
    for (char c : digits)
        any = any || is_digit(c);
    return any && damm_interim(digits) == 0;
}

namespace {
int luhn_sum(std::string_view digits, bool with_check) {
    // from the right; the check digit (when present) is position 0 (not doubled)
    int sum = 0, k = with_check ? 0 : 1;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        if (!is_digit(*it)) continue;
        int v = *it - '0';
        if (k % 2 == 1) {
            v *= 2;
            if (v > 9) v -= 9;
        }
        sum += v;
        ++k;
    }
    return sum;
}
} // namespace

char luhn_check_digit(std::string_view digits) {
    return static_cast<char>('0' + (10 - luhn_sum(digits, false) % 10) % 10);
}

bool is_luhn_valid(std::string_view digits) {
    bool any = false;
    for (char c : digits)
        any = any || is_digit(c);
    return any && luhn_sum(digits, true) % 10 == 0;
}

const char *check_digit_name(CheckDigit c) noexcept {
    switch (c) {
    case CheckDigit::none:
        return "none";
    case CheckDigit::damm:
        return "damm";
    case CheckDigit::luhn:
        return "luhn";
    }
    return "none";
}

// ------------------------------------------------------------------------------ scheme

int PlateType::head_digits() const noexcept {
    int h = 0;
    for (std::size_t i = 0; i + 1 < groups.size(); ++i)
        h += groups[i];
    return h;
}

std::string PlateType::pattern() const {
    std::string s = any_name ? prefix : prefix;
    s += prefix_sep;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        if (i > 0) s += i - 1 < seps.size() ? seps[i - 1] : "";
        if (i + 1 == groups.size() && !padded())
            s += "#{" + std::to_string(min_number_digits) + "," + std::to_string(groups[i]) + "}";
        else
            s += std::string(static_cast<std::size_t>(groups[i]), '#');
    }
    if (check != CheckDigit::none) {
        s += check_required ? "[C!" : "[C";
        if (check != CheckDigit::damm) s += std::string(":") + check_digit_name(check);
        s += "]";
    }
    s += suffix;
    return s;
}

std::vector<PlateType> PlateScheme::default_types() {
    PlateType g;
    g.prefix = "G";
    g.kind = "pole";
    g.words = {"电线杆", "电杆", "杆号", "杆"};
    PlateType l = g;
    l.prefix = "L";
    l.kind = "lamp";
    l.words = {"路灯杆", "路灯", "灯杆", "灯号", "灯"};
    l.two_sided = true;
    return {g, l};
}

std::string PlateScheme::text() const {
    // types of one shape (all but the prefix) are merged into {A|B}; a {*} template is a form
    // of its own (a {…} set cannot hold one)
    struct Shape {
        std::string key, form; // form: the pattern with \x01 for the prefix
        std::vector<std::string> alts;
    };
    std::vector<Shape> shapes;
    for (const auto &t : types) {
        if (t.exact_name) continue; // shown through their template
        PlateType shape = t;
        shape.prefix = "\x01";
        const std::string form = shape.pattern();
        const std::string key = t.any_name ? t.prefix + '\x02' + form : form;
        auto it = std::find_if(shapes.begin(), shapes.end(),
                               [&](const Shape &s) { return s.key == key; });
        if (it == shapes.end()) {
            shapes.push_back({key, form, {}});
            it = shapes.end() - 1;
        }
        if (std::find(it->alts.begin(), it->alts.end(), t.prefix) == it->alts.end())
            it->alts.push_back(t.prefix);
    }
    std::string out;
    for (const auto &[key, form, alts] : shapes) {
        std::string pre;
        if (alts.size() == 1)
            pre = alts[0];
        else {
            pre = "{";
            for (std::size_t i = 0; i < alts.size(); ++i)
                pre += (i ? "|" : "") + alts[i];
            pre += "}";
        }
        std::string k = form;
        k.replace(k.find('\x01'), 1, pre);
        out += (out.empty() ? "" : "; ") + k;
    }
    return out;
}

namespace {

bool is_sep_char(char c) {
    return c == '-' || c == ' ' || c == '_' || c == '/' || c == '.';
}

std::vector<std::string> role_words(const std::string &kind) {
    for (const auto &t : PlateScheme::default_types())
        if (t.kind == kind) return t.words;
    return {};
}

Error scheme_error(std::string_view pattern, std::size_t at, const std::string &why) {
    return Error(ErrorCode::invalid_config, "plate scheme '" + std::string(pattern) + "': " + why +
                                                " (at byte " + std::to_string(at) +
                                                "; see docs/plate-ids.md)");
}

/// One form ("{G|L}###-####[C]") into types.
std::vector<PlateType> parse_form(std::string_view form, const std::string &kind,
                                  std::string_view whole) {
    std::string before, after; // literal prefix text before / after the {…} set
    std::vector<std::pair<std::string, std::vector<std::string>>> alts;
    bool have_set = false, any_name = false;
    PlateType t;
    t.kind = kind;
    t.two_sided = kind == "lamp";
    t.first_nonzero = false;
    t.groups.clear();
    t.seps.clear();
    t.check = CheckDigit::none;
    std::string pending; // literal text since the last digit group
    // prefix and suffix text, as each {…} alternative, hold no digit: the normaliser reads
    // digits as the ID's (fuzz_scheme found "G1###" read, its IDs said "G 1100" or "g1100" then
    // unknown; "P##2" whose IDs did not read back); nor '=', which would print as type words
    const auto no_digits = [&](const std::string &text, std::size_t at) {
        if (text.find_first_of("0123456789=") != std::string::npos)
            throw scheme_error(whole, at, "a prefix or suffix may not hold digits or '='");
    };
    bool in_digits = false, done_digits = false;
    std::size_t i = 0;
    while (i < form.size()) {
        const char c = form[i];
        if (c == '#') {
            if (done_digits) throw scheme_error(whole, i, "digits after the check digit");
            if (!t.groups.empty() && !in_digits) {
                if (!t.padded())
                    throw scheme_error(whole, i, "only the last digit group may be #{m,n}");
                t.seps.push_back(pending);
                pending.clear();
            } else if (t.groups.empty()) {
                // pending is the prefix text: trailing separators are prefix_sep
                std::size_t k = pending.size();
                while (k > 0 && is_sep_char(pending[k - 1]))
                    --k;
                t.prefix_sep = pending.substr(k);
                no_digits(pending, i);
                (have_set ? after : before) += pending.substr(0, k);
                pending.clear();
            }
            if (i + 1 < form.size() && form[i + 1] == '{') {
                const auto close = form.find('}', i);
                if (close == std::string_view::npos) throw scheme_error(whole, i, "#{ without }");
                const std::string inner(form.substr(i + 2, close - i - 2));
                int lo = 0, hi = 0;
                if (std::sscanf(inner.c_str(), "%d,%d", &lo, &hi) != 2 || lo < 1 || hi < lo ||
                    hi > 9)
                    throw scheme_error(whole, i, "#{m,n} needs 1 <= m <= n <= 9");
                if (in_digits) throw scheme_error(whole, i, "#{m,n} must be a group of its own");
                t.groups.push_back(hi);
                t.min_number_digits = lo;
                i = close + 1;
                in_digits = false;
                continue;
            }
            if (in_digits)
                ++t.groups.back();
            else
                t.groups.push_back(1);
            in_digits = true;
            ++i;
            continue;
        }
        in_digits = false;
        if (c == '{') {
            if (!t.groups.empty()) throw scheme_error(whole, i, "a {…} set after the digits");
            if (have_set) throw scheme_error(whole, i, "only one {…} set of prefixes");
            const auto close = form.find('}', i);
            if (close == std::string_view::npos) throw scheme_error(whole, i, "{ without }");
            no_digits(pending, i);
            before += pending;
            pending.clear();
            const std::string_view inner = form.substr(i + 1, close - i - 1);
            have_set = true;
            if (inner == "*") {
                any_name = true;
            } else {
                std::size_t s = 0;
                while (true) {
                    const auto bar = inner.find('|', s);
                    std::string_view alt = inner.substr(
                        s, bar == std::string_view::npos ? std::string_view::npos : bar - s);
                    std::vector<std::string> parts;
                    std::size_t q = 0;
                    while (true) {
                        const auto eq = alt.find('=', q);
                        parts.emplace_back(alt.substr(
                            q, eq == std::string_view::npos ? std::string_view::npos : eq - q));
                        if (eq == std::string_view::npos) break;
                        q = eq + 1;
                    }
                    // spaces around an alternative are layout ("{ DG | GT }"), as around a form
                    std::string p = parts.front();
                    p.erase(0, p.find_first_not_of(' '));
                    p.erase(p.find_last_not_of(' ') + 1);
                    parts.erase(parts.begin());
                    for (const auto &w : parts)
                        if (w.empty()) throw scheme_error(whole, i, "an empty type word");
                    if (p.find_first_of("0123456789#[]{}") != std::string::npos)
                        throw scheme_error(whole, i, "a prefix may not hold digits or #[]{}");
                    for (const auto &a : alts)
                        if (a.first == p) throw scheme_error(whole, i, "prefix '" + p + "' twice");
                    alts.push_back({p, parts});
                    if (bar == std::string_view::npos) break;
                    s = bar + 1;
                }
            }
            i = close + 1;
            continue;
        }
        if (c == '[') {
            const auto close = form.find(']', i);
            if (close == std::string_view::npos) throw scheme_error(whole, i, "[ without ]");
            if (t.groups.empty()) throw scheme_error(whole, i, "a check digit before any digit");
            if (!t.padded())
                throw scheme_error(whole, i,
                                   "a check digit needs a fixed-width number (#### "
                                   "not #{m,n})");
            if (!pending.empty())
                throw scheme_error(whole, i, "the check digit follows the number directly");
            std::string inner(form.substr(i + 1, close - i - 1));
            if (inner.empty() || inner[0] != 'C')
                throw scheme_error(whole, i, "[C], [C!], [C:damm] or [C:luhn] expected");
            inner.erase(0, 1);
            if (!inner.empty() && inner[0] == '!') {
                t.check_required = true;
                inner.erase(0, 1);
            }
            t.check = CheckDigit::damm;
            if (inner == ":luhn")
                t.check = CheckDigit::luhn;
            else if (!inner.empty() && inner != ":damm")
                throw scheme_error(whole, i,
                                   "unknown check digit '" + inner.substr(1) + "' (damm or luhn)");
            done_digits = true;
            i = close + 1;
            continue;
        }
        if (c == '}' || c == ']' || c == '|')
            throw scheme_error(whole, i, std::string("unexpected '") + c + "'");
        pending += c;
        ++i;
    }
    if (t.groups.empty()) throw scheme_error(whole, 0, "no digit position (#)");
    no_digits(pending, form.size() - pending.size());
    t.suffix = pending;
    int total = 0;
    for (int g : t.groups)
        total += g;
    if (total + 1 > registry_detail::max_digits)
        throw scheme_error(
            whole, 0, "more than " + std::to_string(registry_detail::max_digits - 1) + " digits");
    t.district_digits = t.head_digits() >= 3 ? 1 : 0;
    std::vector<PlateType> out;
    if (any_name) {
        t.any_name = true;
        t.prefix = before + "{*}" + after;
        out.push_back(t);
        return out;
    }
    if (alts.empty()) alts.push_back({"", {}});
    bool any_words = false;
    for (const auto &a : alts)
        any_words = any_words || !a.second.empty();
    for (const auto &a : alts) {
        PlateType u = t;
        u.prefix = before + a.first + after;
        // the spaces around an empty alternative ("GD { | GT }") are layout, as around a form
        u.prefix.erase(0, u.prefix.find_first_not_of(' '));
        u.prefix.erase(u.prefix.find_last_not_of(' ') + 1);
        u.words = a.second;
        out.push_back(std::move(u));
    }
    if (!any_words && !out.front().prefix.empty()) out.front().words = role_words(kind);
    return out;
}

} // namespace

PlateScheme parse_plate_scheme(std::string_view pattern, const std::string &kind) {
    PlateScheme s;
    s.types.clear();
    std::size_t start = 0;
    while (start <= pattern.size()) {
        const auto semi = pattern.find(';', start);
        std::string_view form = pattern.substr(
            start, semi == std::string_view::npos ? std::string_view::npos : semi - start);
        while (!form.empty() && form.front() == ' ')
            form.remove_prefix(1);
        while (!form.empty() && form.back() == ' ')
            form.remove_suffix(1);
        if (!form.empty())
            for (auto &t : parse_form(form, kind, pattern)) {
                // spaces that begin a prefix are layout, as those that begin a form (an empty
                // set before them, "{} T-#####", left " T": printed, it read back as "T"; found
                // by fuzz_scheme)
                const auto b = t.prefix.find_first_not_of(' ');
                t.prefix.erase(0, b == std::string::npos ? t.prefix.size() : b);
                if (t.prefix.empty()) { // "{} #": nothing before the separator either
                    const auto bs = t.prefix_sep.find_first_not_of(' ');
                    t.prefix_sep.erase(0, bs == std::string::npos ? t.prefix_sep.size() : bs);
                }
                s.types.push_back(std::move(t));
            }
        if (semi == std::string_view::npos) break;
        start = semi + 1;
    }
    if (s.types.empty()) throw scheme_error(pattern, 0, "empty");
    // a type word given twice, or one prefix for two types of one form: left to the registry
    return s;
}

// ---------------------------------------------------------------------- canonical matching

namespace registry_detail {

bool check_valid(CheckDigit c, std::string_view digits) {
    switch (c) {
    case CheckDigit::none:
        return false;
    case CheckDigit::damm:
        return is_damm_valid(digits);
    case CheckDigit::luhn:
        return is_luhn_valid(digits);
    }
    return false;
}

char check_char(CheckDigit c, std::string_view digits) {
    return c == CheckDigit::luhn ? luhn_check_digit(digits) : damm_check_digit(digits);
}

bool match_prefix(const PlateType &t, std::string_view text, std::size_t &pos, std::string *name) {
    if (!t.any_name) {
        if (text.substr(0, t.prefix.size()) != t.prefix) return false;
        pos = t.prefix.size();
    } else {
        const auto star = t.prefix.find("{*}");
        const std::string before = t.prefix.substr(0, star), after = t.prefix.substr(star + 3);
        // the name runs to the first digit (less the prefix separator)
        std::size_t k = 0;
        while (k < text.size() && !is_digit(text[k]))
            ++k;
        std::string_view run = text.substr(0, k);
        if (run.size() < t.prefix_sep.size() ||
            run.substr(run.size() - t.prefix_sep.size()) != t.prefix_sep)
            return false;
        run.remove_suffix(t.prefix_sep.size());
        if (run.size() <= before.size() + after.size() || run.substr(0, before.size()) != before ||
            run.substr(run.size() - after.size()) != after)
            return false;
        if (name) *name = std::string(run);
        pos = run.size();
        return true;
    }
    return true;
}

bool match_canonical(const PlateType &t, std::string_view text, std::string &digits,
                     bool &with_check, std::string *name) {
    std::size_t pos = 0;
    if (!match_prefix(t, text, pos, name)) return false;
    if (text.substr(pos, t.prefix_sep.size()) != t.prefix_sep) return false;
    pos += t.prefix_sep.size();
    digits.clear();
    with_check = false;
    for (std::size_t g = 0; g < t.groups.size(); ++g) {
        if (g > 0) {
            const std::string &sep = g - 1 < t.seps.size() ? t.seps[g - 1] : std::string();
            if (text.substr(pos, sep.size()) != sep) return false;
            pos += sep.size();
        }
        const bool last = g + 1 == t.groups.size();
        const auto w = static_cast<std::size_t>(t.groups[g]);
        if (last && !t.padded()) {
            std::size_t k = 0;
            while (pos + k < text.size() && is_digit(text[pos + k]))
                ++k;
            if (k < static_cast<std::size_t>(t.min_number_digits) || k > w) return false;
            if (k > 1 && text[pos] == '0') return false;
            digits += text.substr(pos, k);
            pos += k;
        } else {
            if (pos + w > text.size()) return false;
            for (std::size_t k = 0; k < w; ++k)
                if (!is_digit(text[pos + k])) return false;
            digits += text.substr(pos, w);
            pos += w;
        }
    }
    if (t.check != CheckDigit::none && pos < text.size() && is_digit(text[pos])) {
        digits += text[pos++];
        with_check = true;
        if (!check_valid(t.check, digits)) return false;
    }
    if (t.check_required && !with_check) return false;
    if (text.substr(pos) != t.suffix) return false;
    if (t.first_nonzero && !digits.empty() && digits[0] == '0') return false;
    return true;
}

std::string format_canonical(const PlateType &t, std::string_view digits, bool with_check,
                             std::string_view name) {
    std::string s;
    if (t.any_name)
        s += name;
    else
        s += t.prefix;
    s += t.prefix_sep;
    std::size_t at = 0;
    for (std::size_t g = 0; g < t.groups.size(); ++g) {
        if (g > 0) s += g - 1 < t.seps.size() ? t.seps[g - 1] : std::string();
        const bool last = g + 1 == t.groups.size();
        if (last && !t.padded()) {
            std::string_view num = digits.substr(at);
            if (with_check && !num.empty()) num.remove_suffix(1);
            while (num.size() > 1 && num.front() == '0')
                num.remove_prefix(1);
            s += num;
            at += num.size();
        } else {
            const auto w = static_cast<std::size_t>(t.groups[g]);
            s += digits.substr(at, w);
            at += w;
        }
    }
    if (with_check) s += digits.back();
    s += t.suffix;
    return s;
}

} // namespace registry_detail

std::optional<PlateIdParts> parse_plate_id(std::string_view id, const PlateScheme &scheme) {
    using namespace registry_detail;
    std::string digits, name;
    bool with_check = false;
    // instantiated names and plain types before templates
    for (int pass = 0; pass < 2; ++pass)
        for (std::size_t ti = 0; ti < scheme.types.size(); ++ti) {
            const PlateType &t = scheme.types[ti];
            if (t.any_name != (pass == 1)) continue;
            if (!match_canonical(t, id, digits, with_check, &name)) continue;
            PlateIdParts p;
            p.type = ti;
            p.name = t.any_name ? name : std::string();
            const auto head = static_cast<std::size_t>(t.head_digits());
            p.head = digits.substr(0, head);
            const auto dd = static_cast<std::size_t>(std::min(t.district_digits, t.head_digits()));
            p.district = dd ? to_int(p.head.substr(0, dd)) : 0;
            p.road = head > dd ? to_int(p.head.substr(dd)) : 0;
            std::string_view num = std::string_view(digits).substr(head);
            if (with_check) {
                num.remove_suffix(1);
                p.check = digits.back() - '0';
            }
            if (num.size() > 9) num = num.substr(num.size() - 9);
            p.number = to_int(num);
            return p;
        }
    return std::nullopt;
}

std::string format_plate_id(const PlateIdParts &parts, bool with_check, const PlateScheme &scheme) {
    auto pad = [](int value, int width) {
        std::string s = std::to_string(value);
        if (static_cast<int>(s.size()) < width)
            s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
        return s;
    };
    if (parts.type >= scheme.types.size()) return "?";
    const PlateType &t = scheme.types[parts.type];
    std::string head = parts.head;
    if (head.empty() && t.head_digits() > 0) {
        const int dd = std::min(t.district_digits, t.head_digits());
        head =
            (dd ? pad(parts.district, dd) : std::string()) + pad(parts.road, t.head_digits() - dd);
    }
    std::string digits = head + pad(parts.number, t.padded() ? t.number_digits() : 1);
    const bool check = t.check != CheckDigit::none && (with_check || t.check_required);
    if (check) digits += registry_detail::check_char(t.check, digits);
    return registry_detail::format_canonical(t, digits, check, parts.name);
}

// --------------------------------------------------------------------------- inference

namespace {

struct Shape {
    std::string prefix; ///< text before the first digit, less trailing separators
    std::string prefix_sep;
    std::vector<std::string> groups; ///< digit groups as written
    std::vector<std::string> seps;
    std::string suffix;
};

std::optional<Shape> shape_of(std::string_view id) {
    Shape s;
    std::size_t i = 0;
    while (i < id.size() && !is_digit(id[i]))
        ++i;
    if (i == id.size()) return std::nullopt;
    std::string pre(id.substr(0, i));
    std::size_t k = pre.size();
    while (k > 0 && is_sep_char(pre[k - 1]))
        --k;
    s.prefix = pre.substr(0, k);
    s.prefix_sep = pre.substr(k);
    while (i < id.size()) {
        std::size_t j = i;
        while (j < id.size() && is_digit(id[j]))
            ++j;
        s.groups.emplace_back(id.substr(i, j - i));
        std::size_t e = j;
        while (e < id.size() && is_sep_char(id[e]))
            ++e;
        if (e < id.size() && is_digit(id[e]) && e > j) {
            s.seps.emplace_back(id.substr(j, e - j));
            i = e;
        } else {
            s.suffix = std::string(id.substr(j));
            break;
        }
    }
    if (s.suffix.find_first_of("0123456789") != std::string::npos) return std::nullopt;
    if (s.groups.size() > 4) return std::nullopt;
    return s;
}

/// Text the pattern language writes as a literal (a prefix, separator or suffix): no digit
/// and none of =#[]{}|; (an inferred scheme must read back: fuzz_scheme found "杆=…##").
bool writable_literal(std::string_view text) {
    return text.find_first_of("0123456789=#[]{}|;") == std::string_view::npos;
}

bool non_latin(const std::string &s) {
    for (unsigned char c : s)
        if (c >= 0x80) return true;
    return false;
}

} // namespace

InferredScheme infer_plate_scheme(const std::vector<std::string> &ids, const std::string &kind) {
    using namespace registry_detail;
    InferredScheme out;
    out.scheme.types.clear();
    std::vector<std::optional<Shape>> shapes(ids.size());
    // family key: prefix sep, separators, widths of all but the last group, suffix
    std::map<std::string, std::vector<std::size_t>> families;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        shapes[i] = shape_of(ids[i]);
        if (!shapes[i]) continue;
        const Shape &s = *shapes[i];
        std::string key = s.prefix_sep + "\x01";
        for (std::size_t g = 0; g + 1 < s.groups.size(); ++g)
            key += std::to_string(s.groups[g].size()) + "\x02" + s.seps[g] + "\x02";
        key += "\x01" + s.suffix;
        families[key].push_back(i);
    }
    const std::size_t n_ids = ids.size();
    const std::size_t floor_n = std::max<std::size_t>(3, (n_ids * 2 + 99) / 100);
    std::vector<std::pair<std::size_t, std::string>> order;
    for (const auto &[key, members] : families)
        order.push_back({members.size(), key});
    std::sort(order.begin(), order.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    int forms = 0;
    for (const auto &[count, key] : order) {
        if (count < floor_n || forms >= 6) break;
        // prefixes too rare to be a type of their own are left out of the family (unless
        // there are so many non-Latin ones that they are names: {*})
        std::map<std::string, std::size_t> prefixes;
        for (auto i : families[key])
            ++prefixes[shapes[i]->prefix];
        std::size_t latin = 0;
        for (const auto &[p, c] : prefixes)
            latin += non_latin(p) ? 0 : 1;
        const bool names = prefixes.size() > 8 && prefixes.size() - latin > 8;
        std::vector<std::size_t> members;
        for (auto i : families[key]) {
            const auto &p = shapes[i]->prefix;
            if (prefixes[p] >= floor_n || (names && non_latin(p))) members.push_back(i);
        }
        if (members.size() < floor_n) continue;
        for (auto it = prefixes.begin(); it != prefixes.end();)
            it = it->second >= floor_n || (names && non_latin(it->first)) ? std::next(it)
                                                                          : prefixes.erase(it);
        const Shape &first = *shapes[members.front()];
        if (!writable_literal(first.prefix_sep) || !writable_literal(first.suffix) ||
            !std::all_of(first.seps.begin(), first.seps.end(), writable_literal))
            continue;
        // the last group: widths, leading zeros
        std::map<std::size_t, std::size_t> widths;
        bool leading_zero = false;
        for (auto i : members) {
            const auto &g = shapes[i]->groups.back();
            ++widths[g.size()];
            leading_zero = leading_zero || (g.size() > 1 && g[0] == '0');
        }
        PlateType t;
        t.kind = kind;
        t.two_sided = kind == "lamp";
        t.first_nonzero = false;
        t.prefix_sep = first.prefix_sep;
        t.seps = first.seps;
        t.suffix = first.suffix;
        t.groups.clear();
        for (std::size_t g = 0; g + 1 < first.groups.size(); ++g)
            t.groups.push_back(static_cast<int>(first.groups[g].size()));
        t.check = CheckDigit::none;
        std::size_t main_w = 0, main_n = 0;
        for (const auto &[w, c] : widths)
            if (c > main_n) {
                main_w = w;
                main_n = c;
            }
        auto all_pass = [&](CheckDigit alg, std::size_t width) {
            std::size_t n = 0;
            for (auto i : members) {
                const Shape &s = *shapes[i];
                if (s.groups.back().size() != width) continue;
                std::string d;
                for (const auto &g : s.groups)
                    d += g;
                if (!check_valid(alg, d)) return false;
                ++n;
            }
            return n >= 8;
        };
        // #{m,n} is written for n <= 9 (fuzz_scheme found "#{1,11}" inferred, then unreadable)
        if (!leading_zero && widths.size() > 1 && widths.rbegin()->first <= 9) {
            t.groups.push_back(static_cast<int>(widths.rbegin()->first));
            t.min_number_digits = static_cast<int>(widths.begin()->first);
        } else {
            t.groups.push_back(static_cast<int>(main_w));
            for (CheckDigit alg : {CheckDigit::damm, CheckDigit::luhn}) {
                if (widths.size() == 1 && all_pass(alg, main_w) && main_w >= 2) {
                    t.groups.back() = static_cast<int>(main_w - 1);
                    t.check = alg;
                    t.check_required = true;
                    break;
                }
                if (widths.count(main_w + 1) && all_pass(alg, main_w + 1)) {
                    t.check = alg;
                    break;
                }
                if (widths.count(main_w - 1) && main_w >= 2 && all_pass(alg, main_w)) {
                    t.groups.back() = static_cast<int>(main_w - 1);
                    t.check = alg;
                    break;
                }
            }
        }
        if (t.id_digits() + 1 > max_digits) continue;
        t.district_digits = t.head_digits() >= 3 ? 1 : 0;
        ++forms;
        if (names) {
            PlateType u = t;
            u.any_name = true;
            u.prefix = "{*}";
            out.scheme.types.push_back(u);
        }
        // prefixes shared by enough IDs become types (in order of frequency)
        std::vector<std::pair<std::size_t, std::string>> pf;
        for (const auto &[p, c] : prefixes)
            if (!(names && non_latin(p)) && writable_literal(p)) pf.push_back({c, p});
        std::sort(pf.begin(), pf.end(), [](const auto &a, const auto &b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        bool first_type = true;
        for (const auto &[c, p] : pf) {
            PlateType u = t;
            u.prefix = p;
            if (first_type && !p.empty()) u.words = role_words(kind);
            first_type = first_type && p.empty();
            out.scheme.types.push_back(u);
        }
    }
    // which IDs fit
    const PlateScheme expanded = expand_plate_scheme(out.scheme, ids);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (parse_plate_id(ids[i], expanded))
            ++out.fitted;
        else
            out.misfits.push_back(i);
    }
    out.text = out.scheme.types.empty() ? std::string("(none)") : out.scheme.text();
    return out;
}

PlateScheme expand_plate_scheme(const PlateScheme &scheme, const std::vector<std::string> &ids) {
    using namespace registry_detail;
    PlateScheme out = scheme;
    bool templates = false;
    for (const auto &t : scheme.types)
        templates = templates || t.any_name;
    if (!templates) return out;
    std::map<std::pair<std::size_t, std::string>, bool> seen;
    for (const auto &t : scheme.types)
        if (t.exact_name) seen[{0, t.prefix}] = true;
    for (const auto &id : ids) {
        std::string digits, name;
        bool wc = false;
        bool plain = false;
        for (const auto &t : out.types)
            if (!t.any_name && match_canonical(t, id, digits, wc, nullptr)) plain = true;
        if (plain) continue;
        for (std::size_t ti = 0; ti < scheme.types.size(); ++ti) {
            const PlateType &t = scheme.types[ti];
            if (!t.any_name || !match_canonical(t, id, digits, wc, &name)) continue;
            if (seen[{0, name}]) break;
            seen[{0, name}] = true;
            PlateType u = t;
            u.any_name = false;
            u.exact_name = true;
            u.prefix = name;
            u.words.clear();
            out.types.push_back(std::move(u));
            break;
        }
    }
    return out;
}

// ------------------------------------------------------------------------- normalisation

namespace registry_detail {

std::string format_heard(const PlateType &t, std::string_view prefix, std::string_view digits) {
    const auto n = digits.size();
    const auto id = static_cast<std::size_t>(t.id_digits());
    const auto head = static_cast<std::size_t>(t.head_digits());
    const bool check_ok = t.check != CheckDigit::none;
    std::string s(prefix);
    s += t.prefix_sep;
    if (t.padded() && (n == id || (check_ok && n == id + 1))) {
        std::size_t at = 0;
        for (std::size_t g = 0; g < t.groups.size(); ++g) {
            if (g > 0) s += g - 1 < t.seps.size() ? t.seps[g - 1] : std::string();
            const auto w = static_cast<std::size_t>(t.groups[g]) +
                           (g + 1 == t.groups.size() && n == id + 1 ? 1 : 0);
            s += digits.substr(at, w);
            at += w;
        }
    } else if (head > 0 && n > head) {
        s += digits.substr(0, head);
        s += t.seps.empty() ? std::string("-") : t.seps.back();
        s += digits.substr(head);
    } else {
        s += digits;
    }
    return s;
}

HeardId parse_heard(std::string_view text, const PlateScheme &scheme) {
    HeardId out;
    constexpr std::size_t max_bytes = 256;
    if (text.size() > max_bytes) {
        out.error = "too long to be a plate ID (" + std::to_string(text.size()) + " bytes)";
        return out;
    }
    std::vector<std::string> groups(1);
    bool seen_digit = false;
    std::string letters; // a run of Latin letters (upper case)
    std::string prefix_text;
    auto new_group = [&] {
        if (!groups.back().empty()) groups.emplace_back();
    };
    auto set_type = [&](std::size_t t) -> bool {
        if (out.type && scheme.types[*out.type].prefix != scheme.types[t].prefix) {
            out.error = "conflicting type prefixes " + scheme.types[*out.type].prefix + " and " +
                        scheme.types[t].prefix;
            return false;
        }
        if (!out.type) out.type = t;
        return true;
    };
    auto flush_letters = [&]() -> bool {
        if (letters.empty()) return true;
        std::optional<std::size_t> found;
        for (std::size_t t = 0; t < scheme.types.size() && !found; ++t) {
            const auto &p = scheme.types[t].prefix;
            if (scheme.types[t].any_name || p.size() != letters.size()) continue;
            bool eq = true;
            for (std::size_t k = 0; k < p.size(); ++k)
                eq = eq && (p[k] >= 'a' && p[k] <= 'z' ? p[k] - 'a' + 'A' : p[k]) == letters[k];
            if (eq) found = t;
        }
        if (found) {
            if (!set_type(*found)) return false;
        } else {
            if (out.unknown_prefix || out.type) {
                out.error =
                    "more than one type prefix ('" + prefix_text + "' and '" + letters + "')";
                return false;
            }
            out.unknown_prefix = true;
            prefix_text = letters;
        }
        letters.clear();
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

    constexpr std::size_t no_type = static_cast<std::size_t>(-1);
    std::size_t i = 0;
    while (i < text.size()) {
        // type words, prefixes, suffixes and ignored words (longest match first)
        std::size_t best_len = 0;
        std::size_t best_type = no_type;
        bool best_is_prefix = false;
        for (std::size_t t = 0; t < scheme.types.size(); ++t) {
            const PlateType &ty = scheme.types[t];
            auto try_word = [&](const std::string &w, std::size_t as, bool is_prefix) {
                if (!w.empty() && w.size() > best_len && text.substr(i, w.size()) == w) {
                    best_len = w.size();
                    best_type = as;
                    best_is_prefix = is_prefix;
                }
            };
            for (const auto &w : ty.words)
                try_word(w, t, false);
            if (!ty.any_name) try_word(ty.prefix, t, true);
            try_word(ty.suffix, no_type, false);
        }
        for (auto w : ignored_words)
            if (w.size() > best_len && text.substr(i, w.size()) == w) {
                best_len = w.size();
                best_type = no_type;
            }
        if (best_len > 0) {
            flush_run();
            if (!flush_letters()) return out;
            if (best_is_prefix && seen_digit) {
                out.error = "type prefix '" + scheme.types[best_type].prefix + "' after the digits";
                return out;
            }
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
            if (!flush_letters()) return out;
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
            if (!flush_letters()) return out;
            groups.back() += static_cast<char>(c);
            seen_digit = true;
        } else if (c >= 'A' && c <= 'Z') {
            if (seen_digit) {
                out.error = std::string("letter '") + static_cast<char>(c) + "' after the digits";
                return out;
            }
            letters += static_cast<char>(c);
            if (letters.size() > 8) {
                out.error = "more than 8 letters: not a plate ID";
                return out;
            }
        } else if (is_separator(c)) {
            if (!flush_letters()) return out;
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
    if (!flush_letters()) return out;
    if (groups.back().empty() && groups.size() > 1) groups.pop_back();

    // the type that shapes the digits: as heard, else the first with an empty prefix, else
    // the first type
    const PlateType *shape = nullptr;
    if (out.type)
        shape = &scheme.types[*out.type];
    else
        for (const auto &t : scheme.types)
            if (t.prefix.empty() && !t.any_name && !shape) shape = &t;
    if (!shape && !scheme.types.empty()) shape = &scheme.types.front();
    // "L207-42": a short number after the last group is zero-padded
    if (shape && shape->padded() && groups.size() == shape->groups.size() && groups.size() >= 2 &&
        !groups.back().empty()) {
        bool heads_fit = true;
        for (std::size_t g = 0; g + 1 < groups.size(); ++g)
            heads_fit = heads_fit && groups[g].size() == static_cast<std::size_t>(shape->groups[g]);
        const auto w = static_cast<std::size_t>(shape->groups.back());
        if (heads_fit && groups.back().size() < w)
            groups.back().insert(0, w - groups.back().size(), '0');
    }
    for (const auto &g : groups)
        out.digits += g;

    if (out.digits.empty()) {
        out.error = out.unknown_prefix
                        ? "letters '" + prefix_text + "' are no type prefix, and no digits"
                    : out.type ? "no digits: a plate ID has a number"
                               : "empty: no plate ID given";
        return out;
    }
    int longest = 1;
    for (const auto &t : scheme.types)
        longest = std::max(longest, t.id_digits() + 1);
    if (out.digits.size() > static_cast<std::size_t>(std::min(max_digits, longest * 2))) {
        out.error = "too many digits (" + std::to_string(out.digits.size()) + ") for a plate ID";
        out.digits.clear();
        return out;
    }
    const std::string prefix = out.type ? scheme.types[*out.type].prefix : prefix_text;
    out.display = shape ? format_heard(*shape, prefix, out.digits) : prefix + out.digits;
    if (shape && !out.type && !out.unknown_prefix && !shape->prefix.empty()) // none heard
        out.display = format_heard(*shape, "", out.digits).substr(shape->prefix_sep.size());
    return out;
}

} // namespace registry_detail

NormalizedId normalize_plate_id(std::string_view heard, const PlateScheme &scheme) {
    using namespace registry_detail;
    NormalizedId out;
    // already canonical (also a `{*}` name the words do not know)
    if (const auto parts = parse_plate_id(heard, scheme)) {
        out.id = std::string(heard);
        out.is_canonical = true;
        return out;
    }
    const auto h = parse_heard(heard, scheme);
    if (!h.error.empty()) {
        out.error = h.error;
        return out;
    }
    out.id = h.display;
    std::string prefixes;
    for (const auto &t : scheme.types) {
        if (t.exact_name) continue;
        const std::string p = t.prefix.empty() ? std::string("(none)") : t.prefix;
        if (prefixes.find(p) == std::string::npos)
            prefixes += prefixes.empty() ? p : std::string(" or ") + p;
    }
    if (h.unknown_prefix) {
        out.error = "unknown type prefix (expected " + prefixes + ")";
        return out;
    }
    std::vector<std::size_t> cands;
    for (std::size_t t = 0; t < scheme.types.size(); ++t) {
        if (scheme.types[t].any_name) continue;
        if (h.type ? scheme.types[t].prefix == scheme.types[*h.type].prefix
                   : scheme.types[t].prefix.empty())
            cands.push_back(t);
    }
    if (cands.empty()) {
        out.error = "no type prefix (" + prefixes + ")";
        return out;
    }
    std::string first_error;
    for (std::size_t ti : cands) {
        const PlateType &t = scheme.types[ti];
        std::string d = h.digits;
        const auto head = static_cast<std::size_t>(t.head_digits());
        if (!t.padded() && d.size() > head) { // leading zeros of an unpadded number
            std::size_t k = head;
            while (k + 1 < d.size() && d[k] == '0')
                ++k;
            d.erase(head, k - head);
        }
        const auto n = d.size();
        const auto want = static_cast<std::size_t>(t.id_digits());
        const bool check_ok = t.check != CheckDigit::none;
        std::string why;
        if (t.padded()) {
            if (n != want && !(check_ok && n == want + 1))
                why = "expected " + std::to_string(want) + " digits" +
                      (check_ok ? " (or " + std::to_string(want + 1) + " with check digit)" : "") +
                      ", got " + std::to_string(n);
            else if (t.check_required && n == want)
                why = "the check digit is missing";
        } else if (n < head + static_cast<std::size_t>(t.min_number_digits) || n > want) {
            why = "expected " +
                  std::to_string(head + static_cast<std::size_t>(t.min_number_digits)) + " to " +
                  std::to_string(want) + " digits, got " + std::to_string(n);
        }
        if (why.empty() && t.first_nonzero && d[0] == '0')
            why = t.district_digits > 0 ? "district digit is 0" : "the first digit is 0";
        if (why.empty() && t.padded() && n == want + 1 && !check_valid(t.check, d))
            why = "check digit fails";
        if (!why.empty()) {
            if (first_error.empty()) first_error = why;
            continue;
        }
        out.id = format_canonical(t, d, t.padded() && n == want + 1, "");
        out.is_canonical = true;
        out.error.clear();
        return out;
    }
    out.error = first_error;
    return out;
}

} // namespace lugeo
