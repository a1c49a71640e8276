// Coverage on the demo scene: the 1,265 cameras with building occlusion (whole analysis),
// and placing 100 new cameras on the 7,300 plates (lazy greedy).
//   build/bench/bench_coverage --benchmark_min_time=1
#include <lugeo/coverage.hpp>
#include <lugeo/scene.hpp>

#include <benchmark/benchmark.h>

namespace {

struct Demo {
    lugeo::Scene scene = lugeo::load_scene(LUGEO_DATA_DIR "/demo/scene.toml");
    lugeo::Network net = lugeo::build_network(scene.layer("roads"), scene.network);
    lugeo::CoverageInput in = [this] {
        lugeo::CameraReadOptions o;
        o.metric_crs = scene.crs;
        return lugeo::read_coverage_input(scene, o);
    }();
};
Demo &demo() {
    static Demo d;
    return d;
}

void BM_ReadInputs(benchmark::State &st) {
    auto &d = demo();
    lugeo::CameraReadOptions o;
    o.metric_crs = d.scene.crs;
    for (auto _ : st)
        benchmark::DoNotOptimize(lugeo::read_coverage_input(d.scene, o));
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
