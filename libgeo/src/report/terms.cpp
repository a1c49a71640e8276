// The report's words for lugeo's own terms (report/terms.hpp).
#include "report/terms.hpp"
#include "report/summary.hpp"

#include <map>
#include <regex>
#include <utility>

namespace lugeo::report {

namespace {

/// The Chinese for one of the library's names, or "" when there is none.
std::string zh_of(const std::map<std::string, std::string> &words, const std::string &en) {
    const auto it = words.find(en);
    return it == words.end() ? std::string() : it->second;
}

std::string in_lang(const std::string &lang, const std::map<std::string, std::string> &words,
                    const std::string &en) {
    if (lang != "zh") return en;
    const std::string zh = zh_of(words, en);
    return zh.empty() ? en : zh;
}

bool has_cjk(const std::string &s) {
    for (std::size_t i = 0; i + 2 < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0xE4 && c <= 0xE9) return true; // U+4000..U+9FFF as UTF-8 lead bytes
    }
    return false;
}

} // namespace

std::string road_class_label(const std::string &lang, const std::string &road_class) {
    static const std::map<std::string, std::string> words = {{"motorway", "高速公路"},
                                                             {"trunk", "快速路"},
                                                             {"primary", "主干路"},
                                                             {"secondary", "次干路"},
                                                             {"tertiary", "支路"},
                                                             {"unclassified", "其他道路"},
                                                             {"residential", "居住区道路"},
                                                             {"living_street", "生活街道"},
                                                             {"service", "服务道路"},
                                                             {"pedestrian", "步行街"},
                                                             {"footway", "人行道"},
                                                             {"cycleway", "自行车道"},
                                                             {"path", "小路"},
                                                             {"track", "机耕路"},
                                                             {"steps", "台阶"},
                                                             {"road", "未分级道路"},
                                                             {"bridleway", "马道"}};
    const std::string suffix = "_link";
    if (lang == "zh" && road_class.size() > suffix.size() &&
        road_class.compare(road_class.size() - suffix.size(), suffix.size(), suffix) == 0) {
        const std::string base = zh_of(words, road_class.substr(0, road_class.size() - 5));
        if (!base.empty()) return base + "匝道";
    }
    return in_lang(lang, words, road_class);
}

static const std::map<std::string, std::string> &profile_words() {
    static const std::map<std::string, std::string> words = {
        {"walk", "步行"}, {"ebike", "电动车"}, {"car", "驾车"}};
    return words;
}

std::string profile_label(const std::string &lang, Profile p) {
    return in_lang(lang, profile_words(), profile_name(p));
}

std::string suspect_label(const std::string &lang, const std::string &suspect) {
    return in_lang(lang, profile_words(), suspect);
}

std::string role_label(const std::string &lang, LayerRole role) {
    static const std::map<std::string, std::string> words = {
        {"roads", "道路"},         {"poles", "电杆"},        {"lamps", "路灯"},
        {"cameras", "摄像机"},     {"units", "警力"},        {"buildings", "建筑"},
        {"key_sites", "重点部位"}, {"boundary", "辖区边界"}, {"incidents", "警情"},
        {"zones", "巡区"},         {"grids", "网格"}};
    return in_lang(lang, words, layer_role_name(role));
}

std::string check_label(const std::string &lang, CheckKind kind) {
    static const std::map<std::string, std::string> words = {
        {"duplicate_id", "编号重复"},         {"invalid_id", "编号不合规则"},
        {"invalid_position", "位置无效"},     {"same_spot", "两杆位置重合"},
        {"out_of_order", "沿路编号顺序错乱"}, {"confusable", "易混淆编号"},
        {"far_from_road", "远离道路"}};
    return in_lang(lang, words, check_kind_name(kind));
}

std::string plate_kind_label(const std::string &lang, const std::string &kind) {
    static const std::map<std::string, std::string> words = {{"pole", "电杆"}, {"lamp", "路灯"}};
    return in_lang(lang, words, kind);
}

std::string misreading_label(const std::string &lang, const std::string &how) {
    if (lang != "zh") return how;
    // the registry's explanation (registry/error_model.cpp explain()), part by part
    static const std::pair<std::regex, const char *> rules[] = {
        {std::regex(R"(^(\d+) read as (\d+) \(digit (\d+)\)$)"), "第$3位 $1 读作 $2"},
        {std::regex(R"(^digits (\d+) and (\d+) swapped$)"), "第$1、$2位对调"},
        {std::regex(R"(^(\d+) dropped \(digit (\d+)\)$)"), "漏读第$2位 $1"},
        {std::regex(R"(^extra (\d+) \(digit (\d+)\)$)"), "第$2位多读 $1"},
        {std::regex(R"(^(\d+) heard as (\d+) (.*)$)"), "$1 听成 $2 $3"},
        {std::regex(R"(^leading zero of the number not said$)"), "未说号码开头的 0"},
        {std::regex(R"(^(\d+) leading zeros of the number not said$)"), "未说号码开头的 $1 个 0"},
        {std::regex(R"(^prefix \(none\) for (.*)$)"), "前缀 $1 未听到"},
        {std::regex(R"(^prefix (.*) for \(none\)$)"), "无前缀听成前缀 $1"},
        {std::regex(R"(^prefix (.*) for (.*)$)"), "前缀 $2 听成 $1"},
        {std::regex(R"(^type prefix not given$)"), "未报类型前缀"},
        {std::regex(R"(^check digit not given$)"), "未报校验位"},
        {std::regex(R"(^exact$)"), "完全一致"}};
    std::string out;
    std::size_t b = 0;
    while (b <= how.size()) {
        const std::size_t e = std::min(how.find(", ", b), how.size());
        std::string part = how.substr(b, e - b);
        for (const auto &[re, zh] : rules)
            if (std::regex_match(part, re)) {
                part = std::regex_replace(part, re, zh);
                break;
            }
        out += (out.empty() ? "" : "，") + part;
        b = e + 2;
    }
    return out;
}

std::string minutes_label(const std::string &lang, const std::string &value) {
    return value + tr(lang, " min", " 分钟");
}

std::string road_name_label(const std::string &lang, const std::string &name) {
    const std::size_t dash = name.find(" - ");
    if (dash == std::string::npos) return name;
    const std::string a = name.substr(0, dash), b = name.substr(dash + 3);
    if (has_cjk(a) == has_cjk(b)) return name;
    return (has_cjk(a) == (lang == "zh")) ? a : b;
}

} // namespace lugeo::report
