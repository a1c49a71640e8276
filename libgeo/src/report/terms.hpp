// Private: the report's words for lugeo's own terms (road classes, profiles, layer roles,
// registry checks, plate kinds, misreadings) in the report's language. The English is the
// library's name for the term; the Chinese is here, once.
#pragma once

#include <lugeo/layers.hpp>
#include <lugeo/network.hpp>
#include <lugeo/registry.hpp>

#include <string>

namespace lugeo::report {

/// An OSM road class ("primary", "trunk_link"); a class it does not know stays as given.
std::string road_class_label(const std::string &lang, const std::string &road_class);
std::string profile_label(const std::string &lang, Profile p);
/// A suspect profile's name ([seal.suspects]: "car", "ebike", "walk" or the scene's own).
std::string suspect_label(const std::string &lang, const std::string &suspect);
std::string role_label(const std::string &lang, LayerRole role);
std::string check_label(const std::string &lang, CheckKind kind);
/// A plate scheme's kind ("pole", "lamp"); another kind stays as given.
std::string plate_kind_label(const std::string &lang, const std::string &kind);
/// A misreading as the registry explains it ("digits 5 and 6 swapped", "3 read as 8 (digit 2)").
std::string misreading_label(const std::string &lang, const std::string &how);
/// "5.2 min" / "5.2 分钟".
std::string minutes_label(const std::string &lang, const std::string &value);
/// The part of a bilingual road name ("人民南路二段 - Section 2 Renmin Road South") in the
/// report's language, for map labels; a one-language name as given.
std::string road_name_label(const std::string &lang, const std::string &name);

} // namespace lugeo::report
