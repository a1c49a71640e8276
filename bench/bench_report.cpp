// The whole planning report on the demo scene (or a given scene), timed per section.
//   build/bench/bench_report [scene.toml] [repeats]
#include <lugeo/report.hpp>
#include <lugeo/scene.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

int main(int argc, char **argv) {
    const std::string scene_path = argc > 1 && *argv[1] ? argv[1] : lugeo::default_scene_path();
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
    const lugeo::Scene scene = lugeo::load_scene(scene_path);
    lugeo::ReportOptions o;
    o.output_dir = (std::filesystem::temp_directory_path() / "lugeo-bench-report").string();
    lugeo::SceneReadOptions ro;
    ro.keep_invalid_plates = true; // as `lugeo report` reads
    std::vector<double> total;
    std::map<std::string, std::vector<double>> sections;
    std::size_t bytes = 0;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const lugeo::SceneData data = lugeo::read_scene_data(scene, ro);
        const double read =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const lugeo::ReportResult r = lugeo::write_report(data, o);
        total.push_back(read + r.seconds);
        sections["read"].push_back(read);
        for (const auto &s : r.sections)
            sections[s.id].push_back(s.seconds);
        bytes = r.html_bytes;
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::printf("report on %s: median of %d: %.2f s total; HTML %.1f MB\n", scene.name.c_str(),
                repeats, median(total), bytes / 1e6);
    for (const char *id : {"read", "scene", "reachability", "zones", "coverage", "registry"})
        if (sections.count(id)) std::printf("  %-13s %.2f s\n", id, median(sections[id]));
    std::filesystem::remove_all(o.output_dir);
    return 0;
}
