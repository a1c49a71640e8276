// lugeo locate ID [ID…] | --batch FILE[:LAYER] -o OUT
#include "output.hpp"
#include "plate_common.hpp"
#include "positions.hpp"
#include "present.hpp"

#include <lugeo/error.hpp>
#include <lugeo/limits.hpp>
#include <lugeo/io.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

namespace lugeo::cli {

namespace {

struct LocateCliOptions {
    SceneArgs scene;
    std::vector<std::string> ids;
    std::string near;
    PositionArgs pos;           ///< --near-crs, --show-crs, --max-outside
    std::size_t candidates = 0; ///< 0: default (5, fuzzy only when needed)
    bool json = false;
    bool no_network = false;
    std::string batch;
    std::string id_field = "id";
    OutputArgs output;
    double radius_m = 300.0;
    std::string also;
    double pair_distance_m = 50.0;
    std::string road;
    std::string cross;
    double reach_m = 100.0;
};

double round_to(double v, double step) {
    return std::round(v / step) * step;
}

/// The exit code of one result: invalid -> exit_input, none -> exit_findings.
int result_exit(const LocateResult &r) {
    if (r.kind == MatchKind::invalid) return exit_input;
    if (r.kind == MatchKind::none) return exit_findings;
    return exit_ok;
}

/// The question that separates the first answers, as the dispatcher would put it.
std::string ask_text(const LocateResult &r) {
    if (r.ask == "road") return "ask the road name (" + r.ask_detail + "), then --road NAME";
    if (r.ask == "cross")
        return "ask the nearest cross street (" + r.ask_detail + "), then --cross NAME";
    if (r.ask == "side") return "ask which side of the road (" + r.ask_detail + ")";
    if (r.ask == "also") return "ask for " + r.ask_detail + ", then --also ID2";
    return "";
}

/// Where to send the unit, when that is not simply the first answer or the first answer is
/// not certain: the plate whose reach neighbourhood most likely holds the caller.
void print_dispatch(const LocateResult &r, const PlateWorld &w, double reach_m) {
    if (!r.dispatch || r.kind == MatchKind::exact || r.none_near) return;
    const Plate &p = w.registry.plates()[r.dispatch->plate];
    const bool first = r.candidates.front().plate == r.dispatch->plate;
    std::cout << "  SEND TO: " << p.id << (p.road.empty() ? "" : " (" + p.road + ")") << ", "
              << fmt(p.lonlat.lon, 7) << ", " << fmt(p.lonlat.lat, 7) << " — "
              << fmt(100.0 * r.dispatch_confidence, 1) << "% that the caller is within "
              << fmt(reach_m, 0) << " m of it"
              << (first ? ""
                        : " (not the first answer: more of the likely answers lie within " +
                              fmt(reach_m, 0) + " m of it)")
              << "\n";
}

void print_result(const std::string &input, const LocateResult &r, const PlateWorld &w,
                  double reach_m) {
    std::cout << input;
    if (!r.normalized.empty() && r.normalized != input) std::cout << "  →  " << r.normalized;
    std::cout << "\n";
    switch (r.kind) {
    case MatchKind::invalid:
        std::cout << "  not a plate ID: " << r.error << "\n";
        return;
    case MatchKind::none:
        std::cout << "  no plate matches, and no misreading of it is a plate\n";
        return;
    case MatchKind::exact:
        std::cout << "  EXACT match\n";
        break;
    case MatchKind::exact_far:
        if (r.far_from_caller)
            std::cout << "  EXACT match, but FAR from the caller: check the number with the caller;"
                         " nearby alternatives below\n";
        else
            std::cout << "  EXACT match, but NOT beside the second plate: check both numbers with "
                         "the caller; the pairs that fit below\n";
        break;
    case MatchKind::fuzzy:
        std::cout << "  no plate has this number; candidates under the misreading model:\n";
        break;
    }
    int rank = 0;
    for (const auto &c : r.candidates) {
        const Plate &p = w.registry.plates()[c.plate];
        char head[256];
        std::snprintf(head, sizeof head, "  %d. %s %5.1f%%  score %.3g", ++rank,
                      pad(p.id, 12).c_str(), 100.0 * c.confidence, c.score);
        std::cout << head;
        if (c.distance_m >= 0) std::cout << "  " << fmt(c.distance_m, 0) << " m from caller";
        std::cout << "  (" << c.explanation << ")\n";
        if (c.partner) {
            const Plate &q = w.registry.plates()[*c.partner];
            std::cout << "     with second plate " << q.id << " " << fmt(c.partner_distance_m, 0)
                      << " m away (" << c.partner_explanation << ")\n";
        }
        std::cout << "     " << p.kind << ", " << (p.road.empty() ? "(no road)" : p.road)
                  << ", status " << plate_status_name(p.status);
        if (!p.installed.empty()) std::cout << ", installed " << p.installed;
        std::cout << "\n     " << fmt(p.lonlat.lon, 7) << ", " << fmt(p.lonlat.lat, 7)
                  << " (WGS84)   " << fmt(p.position.x, 1) << ", " << fmt(p.position.y, 1) << " ("
                  << w.data.crs << ")\n";
        if (w.junctions) {
            if (const auto jn = w.junctions->nearest(p.position, 500.0))
                std::cout << "     nearest junction " << fmt(jn->distance_m, 0) << " m "
                          << compass(jn->bearing_deg) << ": " << cross_streets(*jn, p.road) << "\n";
            else
                std::cout << "     no junction within 500 m\n";
        }
    }
    if (r.unexplained >= 0.05)
        std::cout << "  none of these: " << fmt(100.0 * r.unexplained, 1)
                  << "% (what was heard fits no plate well)\n";
    print_dispatch(r, w, reach_m);
    if (!r.ask.empty()) std::cout << "  to decide: " << ask_text(r) << "\n";
    if (r.cross_unknown)
        std::cout << "  the cross street named is on no road of the scene and by no plate: "
                     "not used\n";
    if (r.position_ignored)
        std::cout << "  the caller's position lies far outside the registry (no fix?): not used\n";
    if (r.none_near) {
        std::cout << "  NONE NEAR: no candidate lies near the caller; read back the plates "
                     "nearest to the caller:\n";
        for (const auto &n : r.nearby) {
            const Plate &q = w.registry.plates()[n.plate];
            std::cout << "     " << q.id << "  " << fmt(n.distance_m, 0) << " m "
                      << compass(n.bearing_deg) << "  " << (q.road.empty() ? "" : q.road) << "\n";
        }
    }
}

// ---- batch ----

/// A minimal RFC 4180 reader (UTF-8, optional BOM, quoted fields): header + rows.
/// Why not GDAL's CSV driver like every other input: the commonest batch is a one-column list
/// of IDs, and GDAL before 3.7 (Debian 12 has 3.6) does not open a CSV without a separator in
/// its header line (OSGeo/gdal#7595, fixed by #7597 in 3.7). Other formats go through GDAL.
std::vector<std::vector<std::string>> parse_csv(std::string s, const std::string &path) {
    if (s.rfind("\xEF\xBB\xBF", 0) == 0) s.erase(0, 3);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
            if (any || !field.empty()) {
                row.push_back(std::move(field));
                rows.push_back(std::move(row));
            }
            row.clear();
            field.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    if (quoted) throw Error(ErrorCode::io, "'" + path + "': unterminated quoted field");
    if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string read_text(std::istream &in) {
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::vector<std::string>> read_csv(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::io, "cannot open '" + path + "'");
    return parse_csv(read_text(in), path);
}

/// `--batch -`: standard input as a CSV with a header naming the ID column (its first line
/// is the --id-field name or holds a comma), else one ID per line (blank lines skipped).
std::vector<std::vector<std::string>> read_stdin_ids(const std::string &id_field) {
    std::string s = read_text(std::cin);
    if (s.rfind("\xEF\xBB\xBF", 0) == 0) s.erase(0, 3);
    std::string first = s.substr(0, s.find_first_of("\r\n"));
    if (first == id_field || first.find(',') != std::string::npos)
        return parse_csv(std::move(s), "standard input");
    std::vector<std::vector<std::string>> rows{{id_field}};
    std::istringstream lines(s);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto b = line.find_first_not_of(" \t"), e = line.find_last_not_of(" \t");
        if (b != std::string::npos) rows.push_back({line.substr(b, e - b + 1)});
    }
    return rows;
}

struct BatchRow {
    std::string id;
    std::optional<LonLat> caller; ///< a point geometry or lon/lat columns
};

std::vector<BatchRow> read_batch(const std::string &arg, const std::string &id_field) {
    std::vector<BatchRow> rows;
    const bool from_stdin = arg == "-";
    const LayerSpec spec = from_stdin ? LayerSpec{} : layer_spec_from_arg(arg, "batch");
    std::string ext = spec.source.size() >= 4 ? spec.source.substr(spec.source.size() - 4) : "";
    for (char &c : ext)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (from_stdin || ext == ".csv" || ext == ".txt") {
        const auto table = from_stdin ? read_stdin_ids(id_field) : read_csv(spec.source);
        const std::string name = from_stdin ? "standard input" : "'" + spec.source + "'";
        if (table.empty()) return rows;
        const auto &header = table.front();
        auto col = [&](const std::string &name) -> std::optional<std::size_t> {
            for (std::size_t i = 0; i < header.size(); ++i)
                if (header[i] == name) return i;
            return std::nullopt;
        };
        const auto ci = col(id_field);
        if (!ci) {
            std::string list;
            for (const auto &h : header)
                list += (list.empty() ? "" : ", ") + h;
            throw Error(ErrorCode::missing_field, name + " has no column '" + id_field +
                                                      "' (columns: " + list +
                                                      "); name the ID column with --id-field");
        }
        const auto clon = col("lon"), clat = col("lat");
        for (std::size_t r = 1; r < table.size(); ++r) {
            BatchRow b;
            b.id = *ci < table[r].size() ? table[r][*ci] : "";
            if (clon && clat && *clon < table[r].size() && *clat < table[r].size() &&
                !table[r][*clon].empty()) {
                const auto ll =
                    parse_lonlat_arg(table[r][*clon] + "," + table[r][*clat],
                                     name + " row " + std::to_string(r + 1) + " lon,lat", false);
                b.caller = ll.lonlat;
            }
            rows.push_back(std::move(b));
        }
        return rows;
    }
    LayerSpec s = spec;
    s.fields["id"] = id_field;
    ReadOptions ro;
    ro.target_crs = "EPSG:4326";
    ro.required_fields = {"id"};
    const FeatureTable t = read_layer(s, ro);
    if (t.skipped_empty > 0)
        std::cerr << "lugeo: note: " << t.skipped_empty << " feature(s) without geometry in "
                  << s.describe()
                  << " were skipped by the reader; use a CSV for IDs without positions\n";
    for (const auto &f : t.features) {
        BatchRow b;
        b.id = f.values[0].value_or("");
        if (f.geometry.type == Geometry::Type::point && !f.geometry.points.empty())
            b.caller = LonLat{f.geometry.points[0].x, f.geometry.points[0].y};
        rows.push_back(std::move(b));
    }
    return rows;
}

LocateOptions batch_options(const LocateCliOptions &o, const BatchRow &row, const PlateWorld &w) {
    LocateOptions lo;
    if (o.candidates > 0) {
        lo.candidates = o.candidates;
        lo.always_fuzzy = true;
    }
    if (row.caller) lo.near = CallerPosition{w.frame.to_metric(*row.caller), o.radius_m};
    lo.reach_m = o.reach_m;
    return lo;
}

/// Rows that matched nothing or are not plate IDs make the batch exit 1 (docs/cli.md).
int batch_exit(const std::map<std::string, std::size_t> &counts) {
    return counts.count("none") || counts.count("invalid") ? exit_findings : exit_ok;
}

/// `--batch … --json` without -o: every row's result, in the shape of `locate ID --json`.
int run_batch_json(const LocateCliOptions &o, PlateWorld &w, const std::vector<BatchRow> &rows) {
    nlohmann::json results = nlohmann::json::array();
    std::map<std::string, std::size_t> counts;
    Progress bar("locating", !o.scene.quiet);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const LocateOptions lo = batch_options(o, rows[i], w);
        const LocateResult r = w.registry.locate(rows[i].id, lo);
        ++counts[match_kind_name(r.kind)];
        results.push_back(locate_json(rows[i].id, r, w.registry, w.data.crs, w.frame,
                                      w.junctions ? &*w.junctions : nullptr, lo.near, o.pos,
                                      lo.reach_m));
        results.back()["row"] = i + 1;
        if (i % 1024 == 0) bar(double(i) / double(rows.size()), "");
    }
    bar.done();
    print_json({{"rows", rows.size()}, {"by_match", counts}, {"results", std::move(results)}});
    return batch_exit(counts);
}

int run_batch(const LocateCliOptions &o) {
    PlateWorld w = load_plate_world(o.scene, false);
    if (o.batch != "-") {
        const LayerSpec in_spec = layer_spec_from_arg(o.batch, "batch");
        check_not_input(w.scene, o.output.path, {{in_spec.source, "the batch input"}});
    }
    const auto rows = read_batch(o.batch, o.id_field);
    if (o.output.empty()) return run_batch_json(o, w, rows);

    VectorWriter wr = open_output(o.output);
    LayerDef def;
    def.name = "located";
    def.geometry_type = Geometry::Type::point;
    def.crs = "EPSG:4326";
    def.description =
        "lugeo locate --batch: one row per input ID (plates SYNTHETIC on the demo scene)";
    def.fields = {{"row", FieldType::integer},
                  {"input", FieldType::string},
                  {"normalized", FieldType::string},
                  {"match", FieldType::string},
                  {"id", FieldType::string},
                  {"score", FieldType::real},
                  {"confidence", FieldType::real},
                  {"explanation", FieldType::string},
                  {"candidates", FieldType::integer},
                  {"second_id", FieldType::string},
                  {"second_confidence", FieldType::real},
                  {"far_from_caller", FieldType::integer},
                  {"distance_m", FieldType::real},
                  {"kind", FieldType::string},
                  {"road", FieldType::string},
                  {"status", FieldType::string},
                  {"lon", FieldType::real},
                  {"lat", FieldType::real},
                  {"x", FieldType::real},
                  {"y", FieldType::real},
                  {"error", FieldType::string},
                  {"dispatch_id", FieldType::string},
                  {"dispatch_confidence", FieldType::real}};
    const std::size_t L = wr.add_layer(def);
    Progress bar("locating", !o.scene.quiet);
    std::map<std::string, std::size_t> counts;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const LocateResult r = w.registry.locate(rows[i].id, batch_options(o, rows[i], w));
        ++counts[match_kind_name(r.kind)];
        std::vector<FieldValue> v(def.fields.size());
        v[0] = std::int64_t(i + 1);
        v[1] = rows[i].id;
        v[2] = r.normalized;
        v[3] = std::string(match_kind_name(r.kind));
        v[8] = std::int64_t(r.candidates.size());
        v[11] = std::int64_t(r.far_from_caller ? 1 : 0);
        if (r.kind == MatchKind::invalid) v[20] = r.error;
        if (r.dispatch) {
            v[21] = r.dispatch->id;
            v[22] = round_to(r.dispatch_confidence, 1e-4);
        }
        Geometry g;
        g.type = Geometry::Type::point;
        if (!r.candidates.empty()) {
            const Candidate &c = r.candidates.front();
            const Plate &p = w.registry.plates()[c.plate];
            v[4] = p.id;
            v[5] = c.score;
            v[6] = round_to(c.confidence, 1e-4);
            v[7] = c.explanation;
            if (r.candidates.size() > 1) {
                v[9] = r.candidates[1].id;
                v[10] = round_to(r.candidates[1].confidence, 1e-4);
            }
            if (c.distance_m >= 0) v[12] = round_to(c.distance_m, 0.1);
            v[13] = p.kind;
            v[14] = p.road;
            v[15] = std::string(plate_status_name(p.status));
            v[16] = round_to(p.lonlat.lon, 1e-7);
            v[17] = round_to(p.lonlat.lat, 1e-7);
            v[18] = round_to(p.position.x, 0.01);
            v[19] = round_to(p.position.y, 0.01);
            g.points.push_back({p.lonlat.lon, p.lonlat.lat});
        }
        wr.add_feature(L, g, v);
        if (i % 1024 == 0) bar(double(i) / double(rows.size()), "");
    }
    wr.commit();
    bar.done();
    if (o.json) {
        print_json({{"rows", rows.size()}, {"output", o.output.path}, {"by_match", counts}});
        return batch_exit(counts);
    } else {
        std::cout << "located " << rows.size() << " IDs into " << o.output.path << ":";
        for (const auto &[k, n] : counts)
            std::cout << " " << k << "=" << n;
        std::cout << "\n";
    }
    return batch_exit(counts);
}

int run_locate(const LocateCliOptions &o) {
    if (!o.batch.empty()) {
        if (o.output.empty() && !o.json)
            throw Error(ErrorCode::invalid_argument,
                        "--batch needs -o OUTPUT (.gpkg, .csv, .geojson, - for stdout) or "
                        "--json (every row's result on stdout)");
        if (!o.ids.empty())
            throw Error(ErrorCode::invalid_argument, "give IDs or --batch, not both");
        return run_batch(o);
    }
    if (o.ids.empty())
        throw Error(ErrorCode::invalid_argument,
                    "no plate ID given (lugeo locate ID [ID…] or --batch FILE)");
    if (!o.also.empty() && o.ids.size() != 1)
        throw Error(ErrorCode::invalid_argument,
                    "--also pairs ONE plate ID with a second plate read nearby; got " +
                        std::to_string(o.ids.size()) + " IDs");
    std::optional<ParsedPosition> near_arg;
    if (!o.near.empty()) near_arg = parse_position_arg(o.near, o.pos, "--near", true);
    PlateWorld w = load_plate_world(o.scene, !o.no_network);
    std::optional<CallerPosition> near;
    if (near_arg) {
        require_in_scene(*near_arg, scene_lonlat_extent(w.scene, w.data), o.pos, "--near");
        near = CallerPosition{w.frame.to_metric(near_arg->wgs84),
                              near_arg->radius_m.value_or(o.radius_m)};
    }
    int rc = exit_ok;
    nlohmann::json all = nlohmann::json::array();
    bool first = true;
    for (const auto &id : o.ids) {
        LocateOptions lo;
        lo.near = near;
        lo.also = o.also;
        lo.road = o.road;
        lo.cross = o.cross;
        lo.distance_to_cross = road_distance(w.network ? &*w.network : nullptr, o.cross);
        lo.reach_m = o.reach_m;
        lo.pair_distance_m = o.pair_distance_m;
        if (o.candidates > 0) {
            lo.candidates = o.candidates;
            lo.always_fuzzy = true;
        }
        const LocateResult r = w.registry.locate(id, lo);
        rc = std::max(rc, result_exit(r));
        if (r.kind == MatchKind::invalid)
            std::cerr << "lugeo: error: '" << id << "' is not a plate ID: " << r.error << "\n";
        if (o.json) {
            all.push_back(locate_json(id, r, w.registry, w.data.crs, w.frame,
                                      w.junctions ? &*w.junctions : nullptr, near, o.pos,
                                      lo.reach_m));
        } else {
            if (!first) std::cout << "\n";
            first = false;
            print_result(id, r, w, lo.reach_m);
        }
    }
    // one shape for one ID as for many (docs/json.md)
    if (o.json) print_json({{"results", std::move(all)}});
    return rc;
}

} // namespace

void register_locate(CLI::App &app) {
    auto o = std::make_shared<LocateCliOptions>();
    auto *cmd = app.add_subcommand(
        "locate", "Resolve plate IDs (poles, lamps) to positions, also when misread");
    add_scene_options(*cmd, o->scene, false);
    add_strict_option(*cmd, o->scene);
    cmd->add_option("ids", o->ids,
                    "Plate IDs as typed or heard (L207-0042, 路灯二零七 四十二号, g1030117)")
        ->option_text("ID…");
    cmd->add_option("--near", o->near,
                    "Rough caller position LON,LAT[,RADIUS_M] (WGS84 unless --near-crs says "
                    "otherwise; radius default 300 m) or a geo: URI")
        ->option_text("LON,LAT[,R]");
    add_position_options(*cmd, o->pos);
    cmd->add_option("--candidates", o->candidates,
                    "List this many candidates, also after an exact match")
        ->check(count_in(1, 100));
    cmd->add_option("--also", o->also,
                    "A second plate the caller reads nearby (the lamp beside the pole): ranks "
                    "the pairs that lie together")
        ->option_text("ID2");
    cmd->add_option("--road", o->road,
                    "The road the caller names: candidates on other roads weigh less")
        ->option_text("NAME");
    cmd->add_option("--cross", o->cross,
                    "The cross street the caller names (at the corner of …): candidates farther "
                    "than 150 m from it weigh less")
        ->option_text("NAME");
    cmd->add_option("--reach", o->reach_m,
                    "Where to send the unit: the plate whose neighbourhood of this radius most "
                    "likely holds the caller, m (100)")
        ->check(real_in(0, limits::max_distance_m, Bound::open, Bound::closed, "m"));
    cmd->add_option("--pair-distance", o->pair_distance_m,
                    "The two plates are seen together: within about this many metres (50)")
        ->check(real_in(0, limits::max_distance_m, Bound::open, Bound::closed, "m"));
    cmd->add_flag("--json", o->json, "Machine-readable output");
    cmd->add_flag("--no-network", o->no_network,
                  "Do not load the road network (no nearest junction; faster)");
    cmd->add_option("--batch", o->batch,
                    "Resolve every ID of a CSV or GDAL layer (FILE[:LAYER]; - reads standard "
                    "input: a CSV with the ID column, or one ID per line)")
        ->option_text("FILE");
    cmd->add_option("--id-field", o->id_field, "ID column of the batch input (id)");
    cmd->add_option("--radius", o->radius_m,
                    "Caller position radius in batch mode (rows with a point or lon/lat), m (300)")
        ->check(real_in(0, limits::max_distance_m, Bound::open, Bound::closed, "m"));
    add_output_options(*cmd, o->output, "Batch output", "located");
    set_examples(
        *cmd,
        "  lugeo locate L104-0001                          # exact: position, road, junction\n"
        "  lugeo locate '路灯一零四 零零零幺' g1010001 --json\n"
        "  lugeo locate L104-0010 --near 104.0890,30.6985,200   # flagged when far from the "
        "caller\n"
        "  lugeo locate L104-0010 --near 104.0915,30.6961,200 --near-crs gcj02   # from WeChat\n"
        "  lugeo locate L401-0017 --candidates 5           # also the likely misreadings\n"
        "  lugeo locate L104-0010 --also G104-0005         # a second plate the caller sees\n"
        "  lugeo locate L207-0047 --road 人民北路           # the road the caller names\n"
        "  lugeo locate L207-0047 --road 人民北路 --cross 北较场路   # and the cross street\n"
        "  lugeo locate --batch calls.csv --id-field plate -o located.gpkg\n"
        "  printf 'L104-0001\\nL104-0002\\n' | lugeo locate --batch - --json\n"
        "Exit codes: 0 found, 1 some ID matched nothing (in a batch: or is not a plate ID), 3 an "
        "ID is not a plate ID or bad input.\n");
    cmd->callback([o, cmd] { run_command(cmd, [&] { return run_locate(*o); }); });
}

} // namespace lugeo::cli
