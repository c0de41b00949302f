// CUDA photon runner (see cuda_photon_runner.hh). The history functor is the same code the CPU
// runs (kernels/photon_transport.hh); only the data it points at lives in device memory.
#include <cuda_runtime.h>

#include <string>
#include <vector>

#include "host/run/cuda_photon_runner.hh"
#include "kernels/cuda_check.cuh"
#include "kernels/launch_cuda.cuh"

namespace gpudose {
namespace {

class CudaPhotonRunner : public BatchRunner {
 public:
  CudaPhotonRunner(const PhotonJob& job, int device) : device_(device) {
    cuda_check(cudaSetDevice(device_), "cudaSetDevice");
    cudaDeviceProp prop{};
    cuda_check(cudaGetDeviceProperties(&prop, device_), "cudaGetDeviceProperties");
    name_ = "cuda " + std::to_string(device_) + " (" + prop.name + ")";
    history_ = job.history();
    // Phantom.
    const Phantom& ph = job.phantom();
    history_.phantom.labels = upload(ph.labels);
    history_.phantom.label_medium = upload(ph.label_medium);
    history_.phantom.label_density = upload(ph.label_density);
    history_.phantom.label_organ = upload(ph.label_organ_id);
    // Majorant grid.
    const MajorantGridView maj = job.majorant().view();
    const std::size_t maj_count =
        static_cast<std::size_t>(maj.nbx) * maj.nby * maj.nbz * maj.num_ebins;
    history_.majorant.mu = upload_n(maj.mu, maj_count);
    history_.majorant.uniform_label = upload(job.majorant().uniform_label());
    // Source.
    history_.source.alias.accept = upload(job.alias().accept());
    history_.source.alias.alias = upload(job.alias().alias());
    history_.source.voxels = upload(job.source_voxels());
    // Physics tables.
    const PhotonLibrary& L = job.library();
    PhotonTablesView& t = history_.physics.t;
    t.grid.x = upload(L.grid.energy);
    t.grid.bin_first = upload(L.grid.bin_first);
    t.density = upload(L.density);
    t.mass_mu = upload(L.mass_mu);
    t.mass_mu_total = upload(L.mass_mu_total);
    t.mass_mu_tr = upload(L.mass_mu_tr);
    t.mass_mu_en = upload(L.mass_mu_en);
    t.x = upload(L.x);
    t.x2 = upload(L.x2);
    t.rayleigh_cdf = upload(L.rayleigh_cdf);
    t.compton_s = upload(L.compton_s);
    t.compton_s_max = upload(L.compton_s_max);
    t.medium_element_offset = upload(L.medium_element_offset);
    t.medium_element = upload(L.medium_element);
    t.medium_atoms = upload(L.medium_atoms);
    t.element_z = upload(L.element_z);
    t.element_shell_offset = upload(L.element_shell_offset);
    t.element_photo_xs = upload(L.element_photo_xs);
    t.shell_designator = upload(L.shell_designator);
    t.shell_binding = upload(L.shell_binding);
    t.shell_xs = upload(L.shell_xs);
    t.shell_transition_offset = upload(L.shell_transition_offset);
    t.transition_secondary = upload(L.transition_secondary);
    t.transition_tertiary = upload(L.transition_tertiary);
    t.transition_energy = upload(L.transition_energy);
    t.transition_cum = upload(L.transition_cum);
    t.medium_cshell_offset = upload(L.medium_cshell_offset);
    t.medium_cshell = upload(L.medium_cshell);
    t.medium_cshell_cum = upload(L.medium_cshell_cum);
    t.cshell_binding = upload(L.cshell_binding);
    t.cshell_pz = upload(L.cshell_pz);
    t.majorant = upload(L.majorant);
    history_.physics.catalog_medium = upload(job.catalog_medium());
    // Electron tables (same layout, device pointers) when electrons are transported.
    if (job.electron_library() != nullptr) {
      ElectronTablesView& e = history_.electrons.tables;
      const std::size_t per_q = 2ull * e.n_media * e.n_energy;
      for (int q = 0; q < static_cast<int>(ElectronQuantity::kCount); ++q) {
        e.table[q] = upload_n(e.table[q], per_q);
      }
      e.energy = upload_n(e.energy, static_cast<std::size_t>(e.n_energy));
      e.density = upload_n(e.density, static_cast<std::size_t>(e.n_media));
      e.brems_cdf =
          upload_n(e.brems_cdf, static_cast<std::size_t>(e.n_media) * e.n_energy * e.n_kappa);
      history_.electrons.library_medium = upload(job.electron_medium());
      history_.electrons.phantom = history_.phantom;
      if (!job.boundary_distance().empty()) {
        history_.electrons.boundary_distance = upload(job.boundary_distance());
        history_.electrons.radiative_count = upload(job.radiative_count());
      }
    }
  }

  ~CudaPhotonRunner() override {
    cudaSetDevice(device_);
    for (void* p : allocations_) cudaFree(p);
    if (tallies_) cudaFree(tallies_);
  }

  std::string name() const override { return name_; }

  // About 2^24 histories per launch keep the GPU busy without long tails at the end.
  std::uint64_t preferred_batches() const override { return preferred_; }

  void run(const BatchPlan& plan, std::uint64_t first, std::uint64_t count,
           std::vector<BatchResult>& out) override {
    cuda_check(cudaSetDevice(device_), "cudaSetDevice");
    preferred_ = std::max<std::uint64_t>(1, (1ull << 24) / plan.batch_size);
    const std::size_t words = count * plan.num_bins;
    if (words > tally_words_) {
      if (tallies_) cudaFree(tallies_);
      cuda_check(cudaMalloc(&tallies_, words * sizeof(std::uint64_t)), "cudaMalloc(tallies)");
      tally_words_ = words;
    }
    cuda_check(cudaMemset(tallies_, 0, words * sizeof(std::uint64_t)), "cudaMemset(tallies)");
    const std::uint64_t h0 = plan.first_history(first);
    std::uint64_t n = 0;
    for (std::uint64_t b = first; b < first + count; ++b) n += plan.histories_in(b);
    launch_cuda("photon_transport", n,
                BatchedHistories<PhotonHistoryFunctor>{history_, h0, plan.batch_size, first,
                                                       static_cast<int>(plan.num_bins), tallies_});
    std::vector<std::uint64_t> host(words);
    cuda_check(
        cudaMemcpy(host.data(), tallies_, words * sizeof(std::uint64_t), cudaMemcpyDeviceToHost),
        "photon_transport kernel / tally copy");
    for (std::uint64_t k = 0; k < count; ++k) {
      BatchResult r{first + k, plan.histories_in(first + k),
                    std::vector<std::uint64_t>(host.begin() + k * plan.num_bins,
                                               host.begin() + (k + 1) * plan.num_bins)};
      out.push_back(std::move(r));
    }
  }

 private:
  template <class T>
  const T* upload_n(const T* data, std::size_t count) {
    if (count == 0) return nullptr;
    void* p = nullptr;
    cuda_check(cudaMalloc(&p, count * sizeof(T)), "cudaMalloc(photon job data)");
    allocations_.push_back(p);
    cuda_check(cudaMemcpy(p, data, count * sizeof(T), cudaMemcpyHostToDevice),
               "cudaMemcpy(photon job data)");
    return static_cast<const T*>(p);
  }
  template <class T>
  const T* upload(const std::vector<T>& v) {
    return upload_n(v.data(), v.size());
  }

  int device_;
  std::string name_;
  PhotonHistoryFunctor history_;
  std::vector<void*> allocations_;
  std::uint64_t* tallies_ = nullptr;
  std::size_t tally_words_ = 0;
  std::uint64_t preferred_ = 64;
};

}  // namespace

std::unique_ptr<BatchRunner> make_cuda_photon_runner(const PhotonJob& job, int device) {
  return std::make_unique<CudaPhotonRunner>(job, device);
}

}  // namespace gpudose
