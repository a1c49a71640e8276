// Hardening: inputs are never touched (input_guard), temp files never outlive a run
// (temp_files), toml++ never sees the bytes it mishandles (toml_guard), grids never overflow.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <lugeo/error.hpp>
#include <lugeo/input_guard.hpp>
#include <lugeo/limits.hpp>
#include <lugeo/scene.hpp>
#include <lugeo/temp_files.hpp>

#include "raster/raster.hpp"
#include "scene/toml_guard.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace lugeo;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() /
               ("lugeo-test-hardening-" + std::to_string(::getpid()) + "-" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string file(const std::string &name, const std::string &text = "x") const {
        const fs::path p = path / name;
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }
};

std::string slurp(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool refused(const std::vector<InputFile> &in, const std::vector<std::string> &out) {
    try {
        check_outputs_not_inputs(in, out);
        return false;
    } catch (const Error &e) {
        CHECK(e.code() == ErrorCode::invalid_argument);
        CHECK(std::string(e.what()).find("never overwrites an input") != std::string::npos);
        return true;
    }
}

} // namespace

TEST_CASE("an output that is an input is refused, however it is spelt") {
    TempDir d;
    const std::string a = d.file("a.gpkg"), b = d.file("b.gpkg");
    const std::vector<InputFile> in{{a, "the kiosks input"}};
    CHECK(refused(in, {a}));
    CHECK(refused(in, {(d.path / "." / "a.gpkg").string()}));
    CHECK(refused(in, {(d.path / "sub" / ".." / "a.gpkg").string()}));
    CHECK_FALSE(refused(in, {b}));
    CHECK_FALSE(refused(in, {(d.path / "new.gpkg").string()}));
    // a symlink to the input, and a symlinked folder
    fs::create_symlink(a, d.path / "link.gpkg");
    CHECK(refused(in, {(d.path / "link.gpkg").string()}));
    fs::create_directory_symlink(d.path, d.path / "dirlink");
    CHECK(refused(in, {(d.path / "dirlink" / "a.gpkg").string()}));
    // a hard link
    fs::create_hard_link(a, d.path / "hard.gpkg");
    CHECK(refused(in, {(d.path / "hard.gpkg").string()}));
    // an input given through a symlink, the output by its real name
    CHECK(refused({{(d.path / "link.gpkg").string(), "x"}}, {a}));
    // GeoPackage journal files
    CHECK(refused({{a + "-wal", "x"}}, {a}));
}

TEST_CASE("Shapefile sidecars and /vsi archives count as the input") {
    TempDir d;
    const std::string shp = d.file("kiosks.shp"), dbf = d.file("kiosks.dbf");
    // writing kiosks.shp replaces kiosks.dbf too; an input named by its .dbf is hit
    CHECK(refused({{dbf, "the units layer"}}, {(d.path / "kiosks.shp").string()}));
    CHECK(refused({{shp, "the units layer"}}, {(d.path / "kiosks.dbf").string()}));
    CHECK_FALSE(refused({{shp, "x"}}, {(d.path / "other.shp").string()}));
    const std::string zip = d.file("roads.zip");
    CHECK(refused({{"/vsizip/" + zip + "/roads.shp", "the roads"}}, {zip}));
    CHECK(refused({{"/vsizip/{" + zip + "}/roads.shp", "the roads"}}, {zip}));
    CHECK(refused({{"/vsizip//vsigzip/" + zip + "/x.shp", "the roads"}}, {zip}));
    const std::string gz = d.file("roads.geojson.gz");
    CHECK(refused({{"/vsigzip/" + gz, "the roads"}}, {gz}));
    // remote and database sources have no local file
    CHECK(source_files("/vsicurl/https://example.org/x.gpkg").empty());
    CHECK(source_files("PG:dbname=x").empty());
    CHECK_FALSE(refused({{"PG:dbname=x", "x"}}, {(d.path / "out.gpkg").string()}));
    // a Shapefile written into a folder dataset that is an input
    fs::create_directory(d.path / "layers");
    CHECK(refused({{(d.path / "layers").string(), "the roads"}},
                  {(d.path / "layers" / "zones.shp").string()}));
}

TEST_CASE("the refusal comes before anything is written: the input stays byte-identical") {
    TempDir d;
    const std::string a = d.file("kiosks.geojson", "{\"type\":\"FeatureCollection\"}");
    const std::string before = slurp(a);
    CHECK(refused({{a, "x"}}, {a}));
    CHECK(slurp(a) == before);
}

TEST_CASE("sources that would block, and names the file system refuses") {
    TempDir d;
    const std::string fifo = (d.path / "pipe.gpkg").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THROWS_AS(check_readable_source(fifo), Error);
    try {
        check_readable_source(fifo, "the roads source");
    } catch (const Error &e) {
        CHECK(std::string(e.what()).find("FIFO") != std::string::npos);
        CHECK(e.code() == ErrorCode::io);
    }
    CHECK_THROWS_AS(load_scene(fifo), Error); // never blocks
    CHECK_NOTHROW(check_readable_source(d.file("ok.gpkg")));
    CHECK_NOTHROW(check_readable_source(d.path.string())); // a folder dataset
    CHECK_NOTHROW(check_readable_source("/vsizip/x.zip/y.shp"));
    CHECK_NOTHROW(check_readable_source((d.path / "missing.gpkg").string())); // open says it
    const std::string longname = (d.path / (std::string(256, 'a') + ".gpkg")).string();
    CHECK_THROWS_AS(check_readable_source(longname), Error);
    CHECK_THROWS_AS(check_path_length(longname), Error);
    CHECK_NOTHROW(check_path_length((d.path / (std::string(255, 'a'))).string()));
    CHECK_THROWS_AS(check_path_length(std::string(5000, 'a')), Error);
    CHECK_THROWS_AS(load_scene(longname), Error);
}

TEST_CASE("temporary names carry the pid; stale ones of dead processes are removed") {
    TempDir d;
    const std::string sib = temp::sibling((d.path / "zones.gpkg").string());
    CHECK(fs::path(sib).parent_path() == d.path);
    CHECK(temp::temp_pid(fs::path(sib).filename().string()) == ::getpid());
    CHECK(temp::temp_pid(".zones.tmp123.gpkg") == 123);
    CHECK(temp::temp_pid(".zones.tmp123.gpkg-journal") == 123);
    CHECK(temp::temp_pid(".report.tmp77.html") == 77);
    CHECK(temp::temp_pid("zones.tmp123.gpkg") == 0); // not hidden: not ours
    CHECK(temp::temp_pid(".zones.tmpx.gpkg") == 0);
    CHECK(temp::temp_pid(".notes.tmp12abc") == 0);
    // a process that has ended: fork one and reap it
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    REQUIRE(child > 0);
    ::waitpid(child, nullptr, 0);
    const std::string dead = ".zones.tmp" + std::to_string(child);
    d.file(dead + ".gpkg");
    d.file(dead + ".gpkg-journal");
    fs::create_directory(d.path / (dead + ".shpdir"));
    d.file(".mine.tmp" + std::to_string(::getpid()) + ".gpkg"); // this process: kept
    d.file("user.gpkg");                                        // not a temp name: kept
    CHECK(temp::remove_stale(d.path.string(), 60.0) == 0);      // too young
    CHECK(temp::remove_stale(d.path.string(), 0.0) == 3);
    CHECK(fs::exists(d.path / ("user.gpkg")));
    CHECK(fs::exists(d.path / (".mine.tmp" + std::to_string(::getpid()) + ".gpkg")));
    CHECK_FALSE(fs::exists(d.path / (dead + ".gpkg")));
}

TEST_CASE("a tracked temp file is removed when the process gets SIGTERM or SIGINT") {
    for (int sig : {SIGTERM, SIGINT}) {
        TempDir d;
        const std::string tmp = temp::sibling((d.path / "out.gpkg").string());
        int ready[2];
        REQUIRE(::pipe(ready) == 0);
        const pid_t child = ::fork();
        if (child == 0) {
            temp::install_signal_handlers();
            const std::string mine = temp::sibling((d.path / "out.gpkg").string());
            std::ofstream(mine) << "partial";
            std::ofstream(mine + "-journal") << "partial";
            temp::track(mine);
            (void)!::write(ready[1], "x", 1);
            for (;;)
                ::pause();
        }
        char c;
        REQUIRE(::read(ready[0], &c, 1) == 1);
        const std::string child_tmp =
            (d.path / (".out.tmp" + std::to_string(child) + ".gpkg")).string();
        CHECK(fs::exists(child_tmp));
        ::kill(child, sig);
        int status = 0;
        ::waitpid(child, &status, 0);
        CHECK(WIFSIGNALED(status)); // the signal still ends the process
        CHECK(WTERMSIG(status) == sig);
        CHECK_FALSE(fs::exists(child_tmp));
        CHECK_FALSE(fs::exists(child_tmp + "-journal"));
        ::close(ready[0]);
        ::close(ready[1]);
        (void)tmp;
    }
}

TEST_CASE("raster grids refuse sizes beyond the limit instead of overflowing") {
    Box box;
    box.extend({0, 0});
    box.extend({15000, 15000});
    for (double cell : {1e-6, 1e-3, 0.5}) {
        try {
            (void)raster::make_grid(box, 50, cell);
            FAIL("no error for cell " << cell);
        } catch (const Error &e) {
            CHECK(e.context().parameter == "cell_m");
            // the cell size the message proposes does work
            const std::string m = e.message();
            const auto at = m.find("a cell of ");
            REQUIRE(at != std::string::npos);
            const double fit = std::stod(m.substr(at + 10));
            CHECK(fit > cell);
            const auto g = raster::make_grid(box, 50, fit);
            CHECK(double(g.w) * g.h <= limits::max_raster_cells);
        }
    }
    const auto g = raster::make_grid(box, 50, 5.0);
    CHECK(g.w > 3000);
}

TEST_CASE("scene text: the demo scene passes; NUL, controls, bad UTF-8 and stray CJK do not") {
    const std::string demo =
        detail::read_scene_text(std::string(LUGEO_DATA_DIR) + "/demo/scene.toml");
    CHECK_NOTHROW(detail::check_toml_text(demo, "scene.toml"));
    // strings and comments may hold any text
    CHECK_NOTHROW(detail::check_toml_text("# 楚雄、彝族。\n[scene]\nname = \"楚雄、市\"\n"
                                          "attribution = '''多行\n文字'''\n",
                                          "s.toml"));
    CHECK_NOTHROW(detail::check_toml_text("a = \"say \\\"、\\\" ok\"\n", "s.toml"));
    // every whitespace position of the demo scene, with 、 or 。 instead: refused with its line
    std::mt19937 rng(18);
    std::vector<std::size_t> spaces;
    bool in_string = false, in_comment = false;
    for (std::size_t i = 0; i < demo.size(); ++i) {
        const char ch = demo[i];
        if (ch == '\n') in_comment = false;
        if (in_comment) continue;
        if (ch == '#' && !in_string) in_comment = true;
        if (ch == '"') in_string = !in_string;
        if (!in_string && !in_comment && (ch == ' ')) spaces.push_back(i);
    }
    REQUIRE(spaces.size() > 5);
    std::shuffle(spaces.begin(), spaces.end(), rng);
    for (std::size_t k = 0; k < std::min<std::size_t>(spaces.size(), 40); ++k) {
        const std::size_t i = spaces[k];
        const int line = 1 + static_cast<int>(std::count(demo.begin(), demo.begin() + i, '\n'));
        for (const char *bad : {"\xE3\x80\x81", "\xE3\x80\x82", "\xE3\x80\x80"}) {
            std::string t = demo;
            t.replace(i, 1, bad);
            try {
                detail::check_toml_text(t, "scene.toml");
                FAIL("accepted a stray character at byte " << i);
            } catch (const Error &e) {
                CHECK(e.code() == ErrorCode::invalid_config);
                CHECK(e.context().line == line);
            }
        }
    }
    // a NUL, a control character or a byte that is not UTF-8 anywhere (in strings too)
    for (std::size_t i : {std::size_t(0), demo.find('['), demo.find('"') + 1, demo.size() / 2}) {
        for (const std::string bad : {std::string(1, '\0'), std::string("\x01"),
                                      std::string("\xff"), std::string("\xC0\xAF")}) {
            std::string t = demo;
            t.insert(i, bad);
            CHECK_THROWS_AS(detail::check_toml_text(t, "scene.toml"), Error);
        }
    }
    CHECK_THROWS_AS(detail::check_toml_text(std::string("[", 1) + std::string(1, '\0'), "s.toml"),
                    Error);
}

TEST_CASE("load_scene on a scene with a stray 、 is an input error naming the line") {
    TempDir d;
    const std::string p = d.file("scene.toml", "[scene]\nname = \"x\"\ncrs、= \"EPSG:4547\"\n");
    try {
        (void)load_scene(p);
        FAIL("accepted");
    } catch (const Error &e) {
        CHECK(e.code() == ErrorCode::invalid_config);
        CHECK(e.context().line == 3);
        CHECK(std::string(e.what()).find("scene.toml") != std::string::npos);
        CHECK(std::string(e.what()).find("U+3001") != std::string::npos);
    }
}
