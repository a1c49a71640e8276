// Coverage on the demo scene: the 1,265 cameras with building occlusion (whole analysis),
// and placing 100 new cameras on the 7,300 plates (lazy greedy).
//   build/bench/bench_coverage --benchmark_min_time=1
#include <lugeo/coverage.hpp>
#include <lugeo/scene.hpp>

#include <benchmark/benchmark.h>

namespace {

/// The layers coverage reads (besides the roads).
const std::vector<lugeo::LayerRole> inputs = {
    lugeo::LayerRole::cameras,   lugeo::LayerRole::buildings, lugeo::LayerRole::poles,
    lugeo::LayerRole::lamps,     lugeo::LayerRole::key_sites, lugeo::LayerRole::zones,
    lugeo::LayerRole::incidents, lugeo::LayerRole::boundary};

struct Demo {
    lugeo::Scene scene = lugeo::load_scene(LUGEO_DATA_DIR "/demo/scene.toml");
    lugeo::Network net = [this] {
        const lugeo::SceneData d = lugeo::read_scene_data(scene, {lugeo::LayerRole::roads});
        return lugeo::build_network(d.roads, d.settings.network);
    }();
    lugeo::CoverageInput in = lugeo::coverage_input(lugeo::read_scene_data(scene, inputs));
};
Demo &demo() {
    static Demo d;
    return d;
}

void BM_ReadInputs(benchmark::State &st) {
    auto &d = demo();
    for (auto _ : st)
        benchmark::DoNotOptimize(lugeo::coverage_input(lugeo::read_scene_data(d.scene, inputs)));
}
BENCHMARK(BM_ReadInputs)->Unit(benchmark::kMillisecond);

void BM_Analysis(benchmark::State &st) {
    auto &d = demo();
    lugeo::CoverageOptions o;
    o.view_polygons = st.range(0) != 0;
    for (auto _ : st)
        benchmark::DoNotOptimize(lugeo::analyze_coverage(d.net, d.in, o));
    st.counters["cameras"] = double(d.in.cameras.size());
}
BENCHMARK(BM_Analysis)->Arg(1)->Arg(0)->ArgName("views")->Unit(benchmark::kMillisecond);

void BM_Plan(benchmark::State &st) {
    auto &d = demo();
    lugeo::PlanOptions o;
    o.add = static_cast<std::size_t>(st.range(0));
    std::size_t cands = 0;
    for (auto _ : st) {
        auto r = lugeo::plan_cameras(d.net, d.in, o);
        cands = r.candidates.size();
        benchmark::DoNotOptimize(r);
    }
    st.counters["candidates"] = double(cands);
}
BENCHMARK(BM_Plan)->Arg(100)->ArgName("add")->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
