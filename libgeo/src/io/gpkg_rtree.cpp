// A GeoPackage layer's R-tree index, bulk-loaded (gpkg_rtree.hpp).
//
// SQLite keeps an R*Tree virtual table `rtree_<t>_<c>` in three tables of its own:
//   _node(nodeno, data)       each node as a blob of the tree's node size: the tree depth
//                             (root only) and the cell count as big-endian 16-bit integers,
//                             then per cell a big-endian 64-bit id (a feature id in a leaf, a
//                             child node elsewhere) and minx, maxx, miny, maxy as big-endian
//                             32-bit floats, rounded outwards; the root is node 1;
//   _parent(nodeno, parentnode)  every node but the root;
//   _rowid(rowid, nodeno)     every feature id, with its leaf.
// (sqlite/ext/rtree/rtree.c; the same layout sqlite_rtree_bulk_load, GDAL 3.8's loader, writes.)
#include "io/gpkg_rtree.hpp"
#include "io/gdal_util.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <ogr_api.h>
#include <sqlite3.h>

namespace lugeo::detail {

namespace {

/// An entry of a node: a feature id or a child's index, and its box as SQLite stores it.
struct Entry {
    std::int64_t id;
    std::array<float, 4> b; ///< minx, maxx, miny, maxy
};

float round_down(double d) {
    float f = static_cast<float>(d);
    if (static_cast<double>(f) > d) f = std::nextafter(f, -INFINITY);
    return f;
}
float round_up(double d) {
    float f = static_cast<float>(d);
    if (static_cast<double>(f) < d) f = std::nextafter(f, INFINITY);
    return f;
}

/// Groups of at most m entries, sort-tile-recursive: slices of the entries by the x of their
/// centre, each slice cut into runs by the y of their centre (full nodes but the last of a
/// slice, neighbouring boxes together).
std::vector<std::vector<Entry>> pack(std::vector<Entry> in, std::size_t m) {
    const std::size_t n = in.size();
    const std::size_t groups = (n + m - 1) / m;
    const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(groups))));
    const std::size_t per_slice = (groups + slices - 1) / slices * m;
    auto cx = [](const Entry &e) { return e.b[0] + e.b[1]; };
    auto cy = [](const Entry &e) { return e.b[2] + e.b[3]; };
    std::sort(in.begin(), in.end(), [&](const Entry &a, const Entry &b) { return cx(a) < cx(b); });
    std::vector<std::vector<Entry>> out;
    out.reserve(groups + slices);
    for (std::size_t s = 0; s < n; s += per_slice) {
        const auto first = in.begin() + static_cast<std::ptrdiff_t>(s);
        const auto last = in.begin() + static_cast<std::ptrdiff_t>(std::min(n, s + per_slice));
        std::sort(first, last, [&](const Entry &a, const Entry &b) { return cy(a) < cy(b); });
        for (auto g = first; g < last;) {
            const auto end = g + static_cast<std::ptrdiff_t>(
                                     std::min<std::size_t>(m, static_cast<std::size_t>(last - g)));
            out.emplace_back(g, end);
            g = end;
        }
    }
    return out;
}

std::array<float, 4> cover(const std::vector<Entry> &g) {
    std::array<float, 4> b{INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (const Entry &e : g) {
        b[0] = std::min(b[0], e.b[0]);
        b[1] = std::max(b[1], e.b[1]);
        b[2] = std::min(b[2], e.b[2]);
        b[3] = std::max(b[3], e.b[3]);
    }
    return b;
}

void put_be(std::string &s, std::size_t at, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i, v >>= 8)
        s[at + static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
}

std::string quoted_id(const std::string &s) {
    std::string q = "\"";
    for (char c : s)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}
std::string quoted_text(const std::string &s) {
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
}

/// SQL on the GeoPackage's own SQLite connection (GDAL's: the same transaction).
class Db {
public:
    explicit Db(sqlite3 *db) : m_db(db) {}
    bool exec(const std::string &sql) {
        char *msg = nullptr;
        if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &msg) == SQLITE_OK) return true;
        error = msg ? msg : sqlite3_errmsg(m_db);
        sqlite3_free(msg);
        return false;
    }
    /// A statement run once per row: bind(stmt) then step.
    template <class Bind> bool each(const std::string &sql, std::size_t rows, Bind &&bind) {
        sqlite3_stmt *st = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
            error = sqlite3_errmsg(m_db);
            return false;
        }
        bool ok = true;
        for (std::size_t i = 0; i < rows && ok; ++i) {
            bind(st, i);
            ok = sqlite3_step(st) == SQLITE_DONE;
            if (!ok) error = sqlite3_errmsg(m_db); // (before the reset, which may replace it)
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
        return ok;
    }
    /// The first column of the first row of a query (-1 when none).
    long long integer(const std::string &sql) {
        sqlite3_stmt *st = nullptr;
        long long v = -1;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return v;
    }
    std::string error;

private:
    sqlite3 *m_db;
};

} // namespace

std::string write_gpkg_rtree(GDALDatasetH ds, const std::string &table, const std::string &column,
                             std::vector<FeatureBox> boxes) {
    const std::string rt = "rtree_" + table + "_" + column;
    const std::string t = quoted_id(table), c = quoted_id(column), r = quoted_id(rt);
    auto *handle = static_cast<sqlite3 *>(GDALGetInternalHandle(ds, "SQLITE_HANDLE"));
    if (!handle) { // (not GDAL's GeoPackage driver: GDAL builds the index its own way)
        GdalErrorCapture cap;
        const std::string sql =
            "SELECT CreateSpatialIndex(" + quoted_text(table) + ", " + quoted_text(column) + ")";
        if (OGRLayerH res = GDALDatasetExecuteSQL(ds, sql.c_str(), nullptr, nullptr))
            GDALDatasetReleaseResultSet(ds, res);
        return cap.errors.empty() ? "" : "cannot index layer '" + table + "': " + cap.last_error();
    }
    Db db(handle);
    const bool own_tx = GDALDatasetStartTransaction(ds, FALSE) == OGRERR_NONE;
    auto fail = [&](const std::string &what) {
        const std::string why = db.error;
        if (own_tx) GDALDatasetRollbackTransaction(ds);
        return what + " of layer '" + table + "': " + why;
    };
    if (!db.exec("CREATE VIRTUAL TABLE " + r + " USING rtree(id, minx, maxx, miny, maxy)"))
        return fail("cannot create the R-tree");
    // the node size SQLite chose for this tree (the empty root it made)
    const long long node_size =
        db.integer("SELECT length(data) FROM " + quoted_id(rt + "_node") + " WHERE nodeno = 1");
    constexpr std::size_t cell_bytes = 8 + 4 * 4, max_cells = 51; // (rtree.c: RTREE_MAXCELLS)
    if (node_size < static_cast<long long>(4 + 2 * cell_bytes)) {
        db.error = "node size " + std::to_string(node_size);
        return fail("unexpected R-tree");
    }
    const std::size_t m =
        std::min(max_cells, (static_cast<std::size_t>(node_size) - 4) / cell_bytes);

    if (!boxes.empty()) {
        // the tree, leaves first: levels[k][g] is a node, its entries' ids feature ids
        // (k = 0) or indices of nodes of level k - 1
        std::vector<Entry> entries;
        entries.reserve(boxes.size());
        for (const FeatureBox &b : boxes)
            entries.push_back(
                {b.fid,
                 {round_down(b.minx), round_up(b.maxx), round_down(b.miny), round_up(b.maxy)}});
        std::vector<FeatureBox>().swap(boxes);
        std::vector<std::vector<std::vector<Entry>>> levels;
        levels.push_back(pack(std::move(entries), m));
        while (levels.back().size() > 1) {
            std::vector<Entry> up;
            up.reserve(levels.back().size());
            for (std::size_t g = 0; g < levels.back().size(); ++g)
                up.push_back({static_cast<std::int64_t>(g), cover(levels.back()[g])});
            levels.push_back(pack(std::move(up), m));
        }
        // node numbers: the root 1, then level by level from the top
        std::vector<std::vector<std::int64_t>> number(levels.size());
        std::int64_t next = 1;
        for (std::size_t k = levels.size(); k-- > 0;)
            for (std::size_t g = 0; g < levels[k].size(); ++g)
                number[k].push_back(next++);
        // the rows of the three tables
        std::vector<std::pair<std::int64_t, std::string>> nodes;
        std::vector<std::pair<std::int64_t, std::int64_t>> parents, rowids;
        for (std::size_t k = 0; k < levels.size(); ++k)
            for (std::size_t g = 0; g < levels[k].size(); ++g) {
                const auto &node = levels[k][g];
                const std::int64_t me = number[k][g];
                std::string blob(static_cast<std::size_t>(node_size), '\0');
                if (me == 1) put_be(blob, 0, levels.size() - 1, 2); // (the tree's depth)
                put_be(blob, 2, node.size(), 2);
                for (std::size_t e = 0; e < node.size(); ++e) {
                    const std::size_t at = 4 + e * cell_bytes;
                    const std::int64_t id =
                        k == 0 ? node[e].id : number[k - 1][static_cast<std::size_t>(node[e].id)];
                    put_be(blob, at, static_cast<std::uint64_t>(id), 8);
                    for (std::size_t q = 0; q < 4; ++q) {
                        std::uint32_t bits;
                        std::memcpy(&bits, &node[e].b[q], 4);
                        put_be(blob, at + 8 + 4 * q, bits, 4);
                    }
                    (k == 0 ? rowids : parents).emplace_back(id, me);
                }
                nodes.emplace_back(me, std::move(blob));
            }
        levels.clear();
        auto pairs = [](const std::vector<std::pair<std::int64_t, std::int64_t>> &v) {
            return [&v](sqlite3_stmt *st, std::size_t i) {
                sqlite3_bind_int64(st, 1, v[i].first);
                sqlite3_bind_int64(st, 2, v[i].second);
            };
        };
        const bool ok =
            db.exec("DELETE FROM " + quoted_id(rt + "_node")) &&
            db.each("INSERT INTO " + quoted_id(rt + "_node") + "(nodeno, data) VALUES (?, ?)",
                    nodes.size(),
                    [&](sqlite3_stmt *st, std::size_t i) {
                        sqlite3_bind_int64(st, 1, nodes[i].first);
                        sqlite3_bind_blob(st, 2, nodes[i].second.data(),
                                          static_cast<int>(nodes[i].second.size()), SQLITE_STATIC);
                    }) &&
            db.each("INSERT INTO " + quoted_id(rt + "_parent") +
                        "(nodeno, parentnode) VALUES (?, ?)",
                    parents.size(), pairs(parents)) &&
            db.each("INSERT INTO " + quoted_id(rt + "_rowid") + "(rowid, nodeno) VALUES (?, ?)",
                    rowids.size(), pairs(rowids));
        if (!ok) return fail("cannot fill the R-tree");
    }

    // what keeps the index current when the layer is edited (GeoPackage 1.2, F.3: as GDAL
    // writes them), and the extension's row; {R} the index, {T} the table, {C} its column
    static const char *const templates[] = {
        "CREATE TRIGGER {r_insert} AFTER INSERT ON {T} WHEN (new.{C} NOT NULL AND NOT "
        "ST_IsEmpty(NEW.{C})) BEGIN {INS}; END",
        "CREATE TRIGGER {r_update1} AFTER UPDATE OF {C} ON {T} WHEN OLD.\"fid\" = NEW.\"fid\" AND "
        "(NEW.{C} NOTNULL AND NOT ST_IsEmpty(NEW.{C})) BEGIN {INS}; END",
        "CREATE TRIGGER {r_update2} AFTER UPDATE OF {C} ON {T} WHEN OLD.\"fid\" = NEW.\"fid\" AND "
        "(NEW.{C} ISNULL OR ST_IsEmpty(NEW.{C})) BEGIN DELETE FROM {R} WHERE id = OLD.\"fid\"; END",
        "CREATE TRIGGER {r_update3} AFTER UPDATE ON {T} WHEN OLD.\"fid\" != NEW.\"fid\" AND "
        "(NEW.{C} NOTNULL AND NOT ST_IsEmpty(NEW.{C})) BEGIN DELETE FROM {R} WHERE id = "
        "OLD.\"fid\"; {INS}; END",
        "CREATE TRIGGER {r_update4} AFTER UPDATE ON {T} WHEN OLD.\"fid\" != NEW.\"fid\" AND "
        "(NEW.{C} ISNULL OR ST_IsEmpty(NEW.{C})) BEGIN DELETE FROM {R} WHERE id IN (OLD.\"fid\", "
        "NEW.\"fid\"); END",
        "CREATE TRIGGER {r_delete} AFTER DELETE ON {T} WHEN old.{C} NOT NULL BEGIN DELETE FROM "
        "{R} WHERE id = OLD.\"fid\"; END",
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, "
        "extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, "
        "CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))",
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
        "VALUES ({t}, {c}, 'gpkg_rtree_index', "
        "'http://www.geopackage.org/spec120/#extension_rtree', "
        "'write-only')"};
    const std::pair<std::string, std::string> names[] = {
        {"{INS}", "INSERT OR REPLACE INTO {R} VALUES (NEW.\"fid\",ST_MinX(NEW.{C}), "
                  "ST_MaxX(NEW.{C}),ST_MinY(NEW.{C}), ST_MaxY(NEW.{C}))"},
        {"{r_insert}", quoted_id(rt + "_insert")},
        {"{r_update1}", quoted_id(rt + "_update1")},
        {"{r_update2}", quoted_id(rt + "_update2")},
        {"{r_update3}", quoted_id(rt + "_update3")},
        {"{r_update4}", quoted_id(rt + "_update4")},
        {"{r_delete}", quoted_id(rt + "_delete")},
        {"{R}", r},
        {"{T}", t},
        {"{C}", c},
        {"{t}", quoted_text(table)},
        {"{c}", quoted_text(column)}};
    std::vector<std::string> statements;
    for (const char *tpl : templates) {
        std::string stmt = tpl;
        for (const auto &[key, value] : names)
            for (std::size_t at; (at = stmt.find(key)) != std::string::npos;)
                stmt.replace(at, key.size(), value);
        statements.push_back(std::move(stmt));
    }
    for (const std::string &st : statements)
        if (!db.exec(st)) return fail("cannot create the R-tree triggers");
    if (own_tx && GDALDatasetCommitTransaction(ds) != OGRERR_NONE) {
        db.error = "the transaction";
        return fail("cannot commit the R-tree");
    }
    return "";
}

} // namespace lugeo::detail
