// lugeo poles check | assign
#include "output.hpp"
#include "plate_common.hpp"
#include "present_plans.hpp"

#include <lugeo/error.hpp>
#include <lugeo/limits.hpp>
#include <lugeo/io.hpp>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <set>
#include <limits>
#include <map>

namespace lugeo::cli {

namespace {

struct PolesCheckOptions {
    SceneArgs scene;
    double max_road_distance_m = 50.0;
    double confusable_min_m = CheckOptions{}.confusable_min_m;
    double confusable_min_probability = CheckOptions{}.confusable_min_probability;
    std::size_t top = 20;    ///< road pairs of confusable plates shown in the text report
    bool all_pairs = false;  ///< every confusable pair in the text report
    OutputArgs pairs_output; ///< -o: the confusable pairs as lines (GPKG, GeoJSON, CSV)
    bool no_roads = false;
    bool json = false;
    std::size_t limit = 10;
};

struct PolesAssignOptions {
    SceneArgs scene;
    std::string input;
    std::string kind;
    int district = 0;
    int road_code = 0;
    std::string road_name;
    std::string side_field;
    OutputArgs output;
    bool no_check_digit = false;
    bool json = false;
};

std::string one_in(double p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "1 in %.0f", 1.0 / p);
    return buf;
}

/// Confusable pairs, ranked by score. The worst pair of each pair of roads first (a road whose
/// code is one misreading from another's makes every plate on it confusable: one line, not
/// forty), up to --top; --all: every pair.
void print_confusable(const CheckReport &rep, const std::vector<const CheckIssue *> &list,
                      const Plates &set, const PolesCheckOptions &o) {
    const ConfusableSummary conf = confusable_summary(rep, set);
    std::printf("\nconfusable (%zu pairs of plates on %zu pairs of roads, warning)\n"
                "  one likely misreading apart (p >= %g per reading) and more than %.0f m apart;\n"
                "  ranked by score = p x distance (metres a unit is sent astray per reading)\n",
                conf.pairs, conf.roads.size(), o.confusable_min_probability, o.confusable_min_m);
    std::printf("  %7s  %s %8s  %5s  %s  %s\n", "score_m", pad("p", 11).c_str(), "distance",
                o.all_pairs ? "rank" : "pairs",
                pad(o.all_pairs ? "pair" : "worst pair", 22).c_str(), "misreading");
    auto line = [&](const CheckIssue &is, std::size_t count) {
        const std::string pair = is.ids[0] + " ~ " + is.ids[1];
        std::printf("  %7.1f  %s %6.0f m  %5zu  %s  %s  [%s feature %lld]\n", is.score,
                    pad(one_in(is.probability), 11).c_str(), is.distance_m, count,
                    pad(pair, 22).c_str(), is.misreading.c_str(),
                    set.origins[is.plates[0]].layer.c_str(),
                    static_cast<long long>(set.origins[is.plates[0]].fid));
    };
    if (o.all_pairs) {
        for (std::size_t k = 0; k < list.size(); ++k)
            line(*list[k], k + 1);
        return;
    }
    for (std::size_t k = 0; k < conf.roads.size() && k < o.top; ++k)
        line(rep.issues[conf.roads[k].worst], conf.roads[k].pairs);
    if (conf.roads.size() > o.top)
        std::printf("  … and %zu more pairs of roads (--top N; --all for every pair; --json; "
                    "-o pairs.gpkg)\n",
                    conf.roads.size() - o.top);
}

/// The confusable pairs as lines joining the two plates, in the scene CRS, ranked.
void write_pairs(const CheckReport &rep, const Plates &set, const std::string &crs,
                 const OutputArgs &out) {
    VectorWriter wr = open_output(out);
    LayerDef def;
    def.name = "confusable_pairs";
    def.geometry_type = Geometry::Type::line;
    def.crs = crs;
    def.description = "lugeo poles check: plates one likely misreading apart but far from each "
                      "other, ranked by score = probability x distance";
    def.fields = {{"rank", FieldType::integer},     {"id_a", FieldType::string},
                  {"id_b", FieldType::string},      {"road_a", FieldType::string},
                  {"road_b", FieldType::string},    {"misreading", FieldType::string},
                  {"probability", FieldType::real}, {"distance_m", FieldType::real},
                  {"score", FieldType::real},       {"layer_a", FieldType::string},
                  {"fid_a", FieldType::integer},    {"layer_b", FieldType::string},
                  {"fid_b", FieldType::integer}};
    const std::size_t L = wr.add_layer(def);
    std::int64_t rank = 0;
    for (const auto &is : rep.issues) {
        if (is.kind != CheckKind::confusable) continue;
        const Plate &a = set.plates[is.plates[0]], &b = set.plates[is.plates[1]];
        const auto &oa = set.origins[is.plates[0]], &ob = set.origins[is.plates[1]];
        Geometry g;
        g.type = Geometry::Type::line;
        g.lines.push_back({a.position, b.position});
        wr.add_feature(L, g,
                       {++rank, a.id, b.id, a.road, b.road, is.misreading,
                        std::round(is.probability * 1e6) / 1e6, std::round(is.distance_m * 10) / 10,
                        std::round(is.score * 100) / 100, oa.layer,
                        static_cast<std::int64_t>(oa.fid), ob.layer,
                        static_cast<std::int64_t>(ob.fid)});
    }
    wr.commit();
}

int run_poles_check(const PolesCheckOptions &o) {
    const Scene scene = resolve_scene(o.scene);
    SceneReadOptions ro;
    ro.keep_invalid_plates = true; // report, do not throw
    std::vector<LayerRole> roles = {LayerRole::poles, LayerRole::lamps};
    const bool roads = !o.no_roads && scene.has_layer(LayerRole::roads);
    if (roads) roles.push_back(LayerRole::roads);
    SceneData data = read_data(scene, o.scene, roles, ro);
    const Plates &set = data.plates;
    CheckOptions co;
    co.max_road_distance_m = o.max_road_distance_m;
    co.confusable_min_m = o.confusable_min_m;
    co.confusable_min_probability = o.confusable_min_probability;
    if (!o.pairs_output.empty()) check_not_input(scene, o.pairs_output.path);
    std::optional<Network> net;
    if (roads) {
        net.emplace(load_network(data, o.scene));
        co.distance_to_road = road_distance(*net, o.max_road_distance_m);
    }
    const CheckReport rep = check_scene_plates(set, data.reports, co);
    if (o.json) {
        nlohmann::json j;
        j["plates"] = rep.plate_count;
        j["errors"] = rep.error_count;
        j["warnings"] = rep.warning_count;
        j["road_check"] = static_cast<bool>(co.distance_to_road);
        j["max_road_distance_m"] = o.max_road_distance_m;
        j["status"] = nlohmann::json::array();
        for (const auto &s : rep.status)
            j["status"].push_back({{"kind", s.kind},
                                   {"ok", s.ok},
                                   {"damaged", s.damaged},
                                   {"missing", s.missing},
                                   {"unknown", s.unknown}});
        std::map<std::string, std::size_t> by_kind;
        j["issues"] = nlohmann::json::array();
        for (const auto &is : rep.issues) {
            ++by_kind[check_kind_name(is.kind)];
            nlohmann::json ij = {{"kind", check_kind_name(is.kind)},
                                 {"severity", is.severity == Severity::error ? "error" : "warning"},
                                 {"ids", is.ids},
                                 {"message", is.message}};
            ij["distance_m"] = is.distance_m >= 0 && std::isfinite(is.distance_m)
                                   ? nlohmann::json(std::round(is.distance_m * 10) / 10)
                                   : nlohmann::json();
            nlohmann::json feats = nlohmann::json::array();
            for (auto i : is.plates)
                feats.push_back({{"layer", set.origins[i].layer}, {"fid", set.origins[i].fid}});
            ij["features"] = std::move(feats);
            if (is.kind == CheckKind::confusable) {
                ij["misreading"] = is.misreading;
                ij["probability"] = std::round(is.probability * 1e6) / 1e6;
                ij["score"] = std::round(is.score * 100) / 100;
            }
            j["issues"].push_back(std::move(ij));
        }
        j["issues_by_kind"] = by_kind;
        j["confusable"] = confusable_summary_json(confusable_summary(rep, set));
        j["confusable"]["min_distance_m"] = o.confusable_min_m;
        j["confusable"]["min_probability"] = o.confusable_min_probability;
        j["confusable"]["order"] = "score = probability x distance_m, highest first";
        print_json(j);
    } else {
        std::cout << "Plate registry check: " << rep.plate_count << " plates, " << rep.error_count
                  << " errors, " << rep.warning_count
                  << " warnings\n\nStatus        ok  damaged  missing  unknown\n";
        for (const auto &s : rep.status) {
            char line[128];
            std::snprintf(line, sizeof line, "  %s %7zu  %7zu  %7zu  %7zu\n",
                          pad(s.kind, 6).c_str(), s.ok, s.damaged, s.missing, s.unknown);
            std::cout << line;
        }
        if (!co.distance_to_road)
            std::cout << "\n(no road check: " << (o.no_roads ? "--no-roads" : "no roads layer")
                      << ")\n";
        std::map<CheckKind, std::vector<const CheckIssue *>> groups;
        for (const auto &is : rep.issues)
            groups[is.kind].push_back(&is);
        for (const auto &[kind, list] : groups) {
            if (kind == CheckKind::confusable) {
                print_confusable(rep, list, set, o);
                continue;
            }
            std::cout << "\n"
                      << check_kind_name(kind) << " (" << list.size() << ", "
                      << (list.front()->severity == Severity::error ? "error" : "warning") << ")\n";
            for (std::size_t k = 0; k < list.size() && k < o.limit; ++k) {
                const auto &is = *list[k];
                std::cout << "  " << is.message;
                if (!is.plates.empty())
                    std::cout << "  [" << set.origins[is.plates[0]].layer << " feature "
                              << set.origins[is.plates[0]].fid << "]";
                std::cout << "\n";
            }
            if (list.size() > o.limit)
                std::cout << "  … and " << list.size() - o.limit << " more (--limit, --json)\n";
        }
    }
    if (!o.pairs_output.empty()) write_pairs(rep, set, data.crs, o.pairs_output);
    return rep.has_errors() ? exit_findings : exit_ok;
}

int run_poles_assign(const PolesAssignOptions &o) {
    const PlateWorld w = load_plate_world(o.scene, false);
    const LayerSpec in = layer_spec_from_arg(o.input, "new plates");
    check_not_input(w.scene, o.output.path, {{in.source, "the new plates input"}});
    const PlateScheme &scheme = w.registry.scheme();
    std::optional<std::size_t> type;
    for (std::size_t t = 0; t < scheme.types.size(); ++t)
        if (scheme.types[t].kind == o.kind && !type) type = t;
    if (!type)
        throw Error(ErrorCode::invalid_argument, "--kind '" + o.kind + "': expected pole or lamp");

    LayerSpec spec = in;
    ReadOptions ro;
    ro.target_crs = "EPSG:4326";
    ro.optional_fields = {"district", "road_code"};
    if (!o.side_field.empty()) {
        spec.fields["side"] = o.side_field;
        ro.required_fields = {"side"};
    }
    ro.empty_geometry_is_error = true;
    const FeatureTable t = read_layer(spec, ro);
    const std::size_t f_d = t.field_index("district"), f_r = t.field_index("road_code");
    auto int_field = [&](const Feature &f, std::size_t idx, int fallback, const char *name) {
        const auto &v = f.values[idx];
        if (!v || v->empty()) return fallback;
        try {
            std::size_t used = 0;
            const int x = std::stoi(*v, &used);
            if (used != v->size()) throw std::invalid_argument(*v);
            return x;
        } catch (const std::exception &) {
            throw Error(ErrorCode::invalid_argument,
                        spec.describe() + " feature " + std::to_string(f.fid) + " field '" +
                            spec.source_field(name) + "': '" + *v + "' is not an integer");
        }
    };
    std::vector<NewPlate> news;
    std::vector<LonLat> lonlats;
    for (const Feature &f : t.features) {
        if (f.geometry.type != Geometry::Type::point || f.geometry.points.empty())
            throw Error(ErrorCode::invalid_geometry, spec.describe() + " feature " +
                                                         std::to_string(f.fid) +
                                                         ": a new plate needs a point");
        const XY ll = f.geometry.points.front();
        if (!(std::abs(ll.x) <= 180.0 && std::abs(ll.y) <= 90.0))
            throw Error(ErrorCode::invalid_geometry,
                        spec.describe() + " feature " + std::to_string(f.fid) +
                            ": position outside the valid longitude/latitude range");
        NewPlate np;
        np.kind = o.kind;
        np.district = int_field(f, f_d, o.district, "district");
        np.road = int_field(f, f_r, o.road_code, "road_code");
        if (scheme.types[*type].head_digits() > 0 && (np.district == 0 || np.road == 0))
            throw Error(ErrorCode::invalid_argument,
                        spec.describe() + " feature " + std::to_string(f.fid) +
                            ": no district / road code (give --district and --road-code, or fields "
                            "district, road_code)");
        np.position = w.frame.to_metric({ll.x, ll.y});
        if (!o.side_field.empty()) {
            std::string s = f.values[t.field_index("side")].value_or("");
            for (char &c : s)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (s == "L" || s == "LEFT")
                np.side = PlateSide::left;
            else if (s == "R" || s == "RIGHT")
                np.side = PlateSide::right;
            else if (!s.empty())
                throw Error(ErrorCode::invalid_argument,
                            spec.describe() + " feature " + std::to_string(f.fid) + " field '" +
                                spec.source_field("side") + "': '" + s + "' is not L or R");
        }
        news.push_back(np);
        lonlats.push_back({ll.x, ll.y});
    }
    AssignOptions ao;
    ao.with_check_digit = !o.no_check_digit;
    const auto assigned = assign_plate_ids(w.registry, news, ao);

    // road names of existing plates per (type, district, road code)
    std::map<std::tuple<std::size_t, std::string>, std::string> names;
    for (const auto &p : w.registry.plates())
        if (const auto parts = parse_plate_id(p.id, scheme); parts && !p.road.empty())
            names.emplace(std::make_tuple(parts->type, parts->head), p.road);

    VectorWriter wr = open_output(o.output);
    LayerDef def;
    def.name = o.kind == "pole" ? "poles" : "lamps";
    def.geometry_type = Geometry::Type::point;
    def.crs = "EPSG:4326";
    def.description = "lugeo poles assign: new plate IDs (Damm check digit last)";
    def.fields = {{"id", FieldType::string},         {"kind", FieldType::string},
                  {"district", FieldType::integer},  {"road", FieldType::string},
                  {"road_code", FieldType::integer}, {"number", FieldType::integer},
                  {"check", FieldType::integer},     {"side", FieldType::string},
                  {"status", FieldType::string},     {"installed", FieldType::string}};
    const std::size_t L = wr.add_layer(def);
    nlohmann::json list = nlohmann::json::array();
    for (const auto &a : assigned) {
        const NewPlate &np = news[a.input];
        std::string road = o.road_name;
        if (road.empty())
            if (auto it = names.find({a.parts.type, a.parts.head}); it != names.end())
                road = it->second;
        Geometry g;
        g.type = Geometry::Type::point;
        g.points.push_back({lonlats[a.input].lon, lonlats[a.input].lat});
        const std::string side = np.side == PlateSide::left    ? "L"
                                 : np.side == PlateSide::right ? "R"
                                                               : "";
        wr.add_feature(L, g,
                       {a.id, o.kind, std::int64_t(a.parts.district), road,
                        std::int64_t(a.parts.road), std::int64_t(a.parts.number),
                        a.parts.check ? FieldValue(std::int64_t(*a.parts.check)) : FieldValue(),
                        side, std::string("ok"), FieldValue()});
        list.push_back({{"input", a.input},
                        {"id", a.id},
                        {"road", road},
                        {"lon", lonlats[a.input].lon},
                        {"lat", lonlats[a.input].lat}});
    }
    wr.commit();
    if (o.json) {
        print_json({{"output", o.output.path}, {"assigned", list}});
    } else {
        std::cout << "numbered " << assigned.size() << " new " << o.kind
                  << (assigned.size() == 1 ? "" : "s") << " into " << o.output.path << "\n";
        for (const auto &a : assigned)
            std::cout << "  " << a.id << "\n";
    }
    return exit_ok;
}

} // namespace

void register_poles(CLI::App &app) {
    auto *poles =
        app.add_subcommand("poles", "The plate registry (poles and lamps): checks and new numbers");
    poles->require_subcommand(1);
    set_examples(*poles, "  lugeo poles check\n  lugeo poles assign --input new.geojson --kind "
                         "lamp --district 2 --road-code 7 -o new.gpkg\n");

    auto c = std::make_shared<PolesCheckOptions>();
    auto *check = poles->add_subcommand(
        "check", "Duplicates, bad IDs and positions, far from roads, swapped, confusable pairs");
    add_scene_options(*check, c->scene, false);
    check
        ->add_option("--max-road-distance", c->max_road_distance_m,
                     "Plates farther than this from every road, m (50)")
        ->check(real_in(0, limits::max_distance_m, Bound::open, Bound::closed, "m"));
    check
        ->add_option("--confusable-distance", c->confusable_min_m,
                     "Confusable pairs: plates one misreading apart farther apart than this, m "
                     "(1000)")
        ->check(real_in(0, limits::max_distance_m, Bound::closed, Bound::closed, "m"));
    check
        ->add_option("--confusable-probability", c->confusable_min_probability,
                     "Confusable pairs: misreadings at least this likely per reading, under the "
                     "resolver's error model (0.003)")
        ->check(real_in(0, 1));
    check
        ->add_option("--top", c->top,
                     "Confusable pairs in the text report: the worst pair of the N worst pairs "
                     "of roads (20)")
        ->check(count_in(0, 1000000));
    check->add_flag("--all", c->all_pairs, "Text report: every confusable pair, ranked");
    add_output_options(*check, c->pairs_output,
                       "Write the confusable pairs as lines joining the two plates",
                       "confusable_pairs");
    check->add_flag("--no-roads", c->no_roads,
                    "Skip the distance-to-road check (no network is built)");
    check->add_option("--limit", c->limit, "Issues shown per kind in the text report (10)")
        ->check(count_in(0, 1000000));
    check->add_flag("--json", c->json, "Machine-readable output (every issue)");
    set_examples(*check,
                 "  lugeo poles check                         # exit 1 when errors are found\n"
                 "  lugeo poles check --max-road-distance 30 --json\n"
                 "  lugeo poles check --top 50 -o pairs.gpkg       # confusable pairs, for QGIS\n"
                 "  lugeo poles check --scene city/scene.toml --no-roads\n");
    check->callback([c, check] { run_command(check, [&] { return run_poles_check(*c); }); });

    auto a = std::make_shared<PolesAssignOptions>();
    auto *assign = poles->add_subcommand(
        "assign", "Number new plate positions in the scheme, with a Damm check digit");
    add_scene_options(*assign, a->scene, false);
    add_strict_option(*assign, a->scene);
    assign->add_option("--input", a->input, "New plate positions: a point layer FILE[:LAYER]")
        ->required()
        ->option_text("FILE");
    assign->add_option("--kind", a->kind, "pole or lamp")
        ->required()
        ->check(one_of({"pole", "lamp"}));
    assign
        ->add_option("--district", a->district,
                     "District digit (1-9), unless the input has a 'district' field")
        ->check(count_in(1, 9));
    assign
        ->add_option("--road-code", a->road_code,
                     "Road code (1-99), unless the input has a 'road_code' field")
        ->check(count_in(1, 99));
    assign->add_option("--road", a->road_name,
                       "Road name to write (default: that of existing plates with the code)");
    assign->add_option("--side-field", a->side_field,
                       "Field with L / R: odd numbers left, even right (lamps)");
    assign->add_flag("--no-check-digit", a->no_check_digit, "Number without the check digit");
    add_output_options(*assign, a->output, "Write the numbered plates", "poles or lamps")
        ->required();
    assign->add_flag("--json", a->json, "Machine-readable output");
    set_examples(*assign, "  lugeo poles assign --input new_lamps.geojson --kind lamp --district 1 "
                          "--road-code 4 -o numbered.gpkg\n"
                          "  lugeo poles assign --input survey.gpkg:poles --kind pole -o "
                          "numbered.geojson   # district, road_code fields\n");
    assign->callback([a, assign] { run_command(assign, [&] { return run_poles_assign(*a); }); });
}

} // namespace lugeo::cli
