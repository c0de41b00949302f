// gpudose-job-bench: the device kit's standalone benchmark. Needs only the CUDA runtime and
// kernels/ (no ITK, HDF5 or CLI11, which a lent GPU machine lacks): it reads a job dump
// (`gpudose benchmark --dump DIR`, format in kernels/job_dump_format.hh), copies its blob to the
// device, relocates the history functor, runs the dump's histories with the same launch functor
// as the CUDA runner at each launch configuration given, and reports
//   - the kernel's registers, local memory and max threads per block (cudaFuncGetAttributes),
//   - histories per second (kernel time by CUDA events, and wall time with the tally copy),
//   - identity of the tallies across launch configurations (bit for bit: integer sums),
//   - a chi-square of the device's per-bin totals against the CPU reference of the dump, with
//     the per-batch variance of the reference (CPU and GPU agree statistically, not bitwise:
//     libm differs).
//
//   gpudose-job-bench DUMP.gdd [THREADSxBLOCKS_PER_SM ...] [--repeat N]
// Exit 0 when every configuration gave identical tallies and the chi-square per degree of
// freedom is below 2 (reported either way); 1 otherwise; 2 for bad input or no device.
#include <cuda_runtime.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "kernels/job_dump_format.hh"
#include "kernels/launch_cuda.cuh"
#include "kernels/photon_physics.hh"
#include "kernels/photon_transport.hh"

namespace {

using namespace gpudose;
using Functor = PhotonHistory<PhotonTablesPhysics>;
using Batched = BatchedHistories<Functor>;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "gpudose-job-bench: error: %s\n", what.c_str());
  std::exit(2);
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    fail(std::string(what) + " (" + cudaGetErrorName(e) + ": " + cudaGetErrorString(e) + ")");
  }
}

struct Launch {
  int threads = 256, blocks_per_sm = 32;
  std::string text;
};

Launch parse_launch(const std::string& t) {
  Launch l;
  l.text = t;
  if (std::sscanf(t.c_str(), "%dx%d", &l.threads, &l.blocks_per_sm) != 2 || l.threads < 32 ||
      l.threads > 1024 || l.threads % 32 != 0 || l.blocks_per_sm < 1 || l.blocks_per_sm > 1024) {
    fail("bad launch '" + t + "' (expected THREADSxBLOCKS_PER_SM, e.g. 256x32)");
  }
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) fail("usage: gpudose-job-bench DUMP.gdd [THREADSxBLOCKS ...] [--repeat N]");
  std::vector<Launch> launches;
  int repeat = 3;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
      if (repeat < 1) fail("--repeat must be at least 1");
    } else {
      launches.push_back(parse_launch(a));
    }
  }
  if (launches.empty()) launches.push_back(parse_launch("256x32"));

  // The dump.
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) fail(std::string("cannot read '") + argv[1] + "'");
  const std::vector<unsigned char> all((std::istreambuf_iterator<char>(in)),
                                       std::istreambuf_iterator<char>());
  DumpHeader h{};
  if (all.size() < sizeof h) fail("the dump is shorter than its header");
  std::memcpy(&h, all.data(), sizeof h);
  if (std::memcmp(h.magic, kDumpMagic, sizeof kDumpMagic) != 0) fail("not a gpudose job dump");
  if (h.functor_bytes != sizeof(Functor)) {
    fail("the dump was made by a build whose history functor has " +
         std::to_string(h.functor_bytes) + " bytes, this program's has " +
         std::to_string(sizeof(Functor)) + ": build both from one commit");
  }
  const std::uint64_t batches = h.histories / h.batch_size;
  const std::uint64_t words = batches * h.bins;
  if (all.size() != sizeof h + h.functor_bytes + h.blob_bytes + words * 8) {
    fail("the dump is truncated or padded");
  }
  std::vector<unsigned char> functor(all.begin() + sizeof h,
                                     all.begin() + sizeof h + h.functor_bytes);
  const unsigned char* blob = all.data() + sizeof h + h.functor_bytes;
  std::vector<std::uint64_t> reference(words);
  std::memcpy(reference.data(), blob + h.blob_bytes, words * 8);

  // The device.
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) fail("no CUDA device visible");
  check(cudaSetDevice(0), "cudaSetDevice");
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, 0), "cudaGetDeviceProperties");
  void* d_blob = nullptr;
  check(cudaMalloc(&d_blob, h.blob_bytes), "cudaMalloc(blob)");
  check(cudaMemcpy(d_blob, blob, h.blob_bytes, cudaMemcpyHostToDevice), "cudaMemcpy(blob)");
  const std::uint64_t moved = relocate_dump_functor(functor.data(), functor.size(), h.blob_bytes,
                                                    reinterpret_cast<std::uintptr_t>(d_blob));
  if (moved != h.relocations) fail("the dump's pointer words do not match its recorded count");
  Functor history;
  std::memcpy(static_cast<void*>(&history), functor.data(), sizeof history);
  std::uint64_t* d_tallies = nullptr;
  check(cudaMalloc(&d_tallies, words * 8), "cudaMalloc(tallies)");

  cudaFuncAttributes attr{};
  check(cudaFuncGetAttributes(&attr, for_each_item_kernel<Batched>), "cudaFuncGetAttributes");
  std::printf("device: %s (sm %d.%d, %d SMs)\n", prop.name, prop.major, prop.minor,
              prop.multiProcessorCount);
  std::printf("job: %s, %llu histories in %llu batches, %llu bins, blob %.1f MiB\n", h.name,
              static_cast<unsigned long long>(h.histories),
              static_cast<unsigned long long>(batches), static_cast<unsigned long long>(h.bins),
              h.blob_bytes / 1048576.0);
  std::printf("kernel: %d registers, %zu bytes local per thread, max %d threads per block\n",
              attr.numRegs, static_cast<std::size_t>(attr.localSizeBytes), attr.maxThreadsPerBlock);

  std::vector<std::uint64_t> first;
  bool identical = true;
  cudaEvent_t e0, e1;
  check(cudaEventCreate(&e0), "cudaEventCreate");
  check(cudaEventCreate(&e1), "cudaEventCreate");
  std::vector<std::uint64_t> tallies(words);
  for (const Launch& l : launches) {
    for (int r = 0; r < repeat; ++r) {
      check(cudaMemset(d_tallies, 0, words * 8), "cudaMemset(tallies)");
      const auto t0 = std::chrono::steady_clock::now();
      check(cudaEventRecord(e0), "cudaEventRecord");
      launch_cuda("job_bench", h.histories,
                  Batched{history, 0, h.batch_size, 0, static_cast<int>(h.bins), d_tallies},
                  nullptr, l.threads, l.blocks_per_sm);
      check(cudaEventRecord(e1), "cudaEventRecord");
      check(cudaEventSynchronize(e1), "kernel (cudaEventSynchronize)");
      check(cudaMemcpy(tallies.data(), d_tallies, words * 8, cudaMemcpyDeviceToHost), "tally copy");
      const double wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      float ms = 0;
      check(cudaEventElapsedTime(&ms, e0, e1), "cudaEventElapsedTime");
      std::printf("launch %s repeat %d: kernel %.3f ms, %.4g histories/s (kernel), %.4g (wall)\n",
                  l.text.c_str(), r + 1, ms, h.histories / (ms * 1e-3), h.histories / wall);
      if (first.empty()) {
        first = tallies;
      } else if (tallies != first) {
        identical = false;
      }
    }
  }
  std::printf("tallies identical across launches and repeats: %s\n", identical ? "yes" : "NO");

  // Chi-square of the device's per-bin totals against the CPU reference, with the variance of
  // each total from the reference's per-batch spread (twice: both are estimates).
  double chi2 = 0;
  int dof = 0;
  const double unit = std::ldexp(1.0, -32);  // MeV per fixed-point unit (kernels/fixed_energy.hh)
  for (std::uint64_t b = 0; b < h.energy_bins; ++b) {
    double sum_ref = 0, sum_sq = 0, sum_dev = 0;
    for (std::uint64_t k = 0; k < batches; ++k) {
      const double x = reference[k * h.bins + b] * unit;
      sum_ref += x;
      sum_sq += x * x;
      sum_dev += first[k * h.bins + b] * unit;
    }
    const double mean = sum_ref / batches;
    const double var_batch = sum_sq / batches - mean * mean;
    const double var_total = 2 * batches * var_batch;
    if (sum_ref <= 0 || var_total <= 0) continue;
    chi2 += (sum_dev - sum_ref) * (sum_dev - sum_ref) / var_total;
    ++dof;
  }
  std::printf("device vs CPU reference: chi2 %.2f over %d bins (%.3f per degree of freedom)\n",
              chi2, dof, dof > 0 ? chi2 / dof : 0.0);
  cudaFree(d_tallies);
  cudaFree(d_blob);
  const bool agree = dof > 0 && chi2 / dof < 2.0;
  return identical && agree ? 0 : 1;
}
