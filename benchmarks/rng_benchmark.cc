// RNG throughput: Philox-4x32-10 words per second, single thread and through the CPU launch
// abstraction (all OpenMP threads), and on a GPU when one is visible.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <vector>

#include "host/run/cuda_devices.hh"
#include "kernels/launch.hh"
#include "kernels/rng_fill.hh"

namespace gpudose {
namespace {

void BM_PhiloxSingleThread(benchmark::State& state) {
  RngStream rng(1, 0, 0);
  for (auto _ : state) {
    std::uint32_t acc = 0;
    for (int i = 0; i < 4096; ++i) acc ^= rng.next_u32();
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 4096);
  state.SetLabel("32-bit words");
}
BENCHMARK(BM_PhiloxSingleThread);

void BM_UniformDoubleSingleThread(benchmark::State& state) {
  RngStream rng(1, 0, 0);
  for (auto _ : state) {
    double acc = 0;
    for (int i = 0; i < 4096; ++i) acc += rng.uniform();
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 4096);
  state.SetLabel("doubles");
}
BENCHMARK(BM_UniformDoubleSingleThread);

void BM_RngFillCpuAllThreads(benchmark::State& state) {
  const std::uint64_t n = 1 << 18;
  const std::uint32_t draws = 16;
  std::vector<std::uint32_t> out(n * draws);
  for (auto _ : state) {
    launch_cpu(n, RngFill{1, 0, 0, draws, out.data()});
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * n * draws);
  state.SetLabel(std::to_string(omp_get_max_threads()) + " threads, 32-bit words");
}
BENCHMARK(BM_RngFillCpuAllThreads)->UseRealTime();

#if GPUDOSE_HAVE_CUDA
void BM_RngFillCuda(benchmark::State& state) {
  if (query_cuda_devices().devices.empty()) {
    state.SkipWithError("no CUDA device");
    return;
  }
  const std::uint64_t n = 1 << 22;
  const std::uint32_t draws = 16;
  std::vector<std::uint32_t> out(n * draws);
  for (auto _ : state) rng_fill_cuda(1, 0, 0, draws, n, out.data());
  state.SetItemsProcessed(state.iterations() * n * draws);
  state.SetLabel("32-bit words, includes device->host copy");
}
BENCHMARK(BM_RngFillCuda)->UseRealTime();
#endif

}  // namespace
}  // namespace gpudose

BENCHMARK_MAIN();
