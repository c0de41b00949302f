// The marshalling of a photon/electron job for a device: which host arrays the history functor
// reads are copied, and which of its pointers are rewritten to the copies. Host-compilable and
// parameterised by a copy policy, so that the one list serves the CUDA runner
// (cuda_photon_runner.cu: cudaMalloc / cudaMemcpy) and a test with a host stand-in for the
// device (tests/host/run/device_mirror_test.cc: fresh host buffers, originals poisoned), which
// runs the mirrored functor on the host and must reproduce the CPU runner's tallies bit for bit.
// A pointer left out here would make the first GPU run dereference host memory; that test is
// how it is caught without a GPU.
//
// Policy, a class with
//   void* allocate(std::size_t bytes);                           // memory on the "device"
//   void copy(void* device, const void* host, std::size_t bytes);  // host -> that memory
// It owns (and frees) what it allocated; the mirrored functor is valid while it lives.
#pragma once

#include <cstddef>
#include <vector>

#include "host/run/photon_job.hh"

namespace gpudose {

template <class Policy>
class DeviceMirror {
 public:
  explicit DeviceMirror(Policy& policy) : policy_(policy) {}

  // Bytes copied so far (what the device holds for the job besides tallies).
  std::size_t bytes() const { return bytes_; }

  // The job's history functor with every array it reads copied through the policy.
  PhotonHistoryFunctor mirror(const PhotonJob& job) {
    PhotonHistoryFunctor h = job.history();
    // Phantom.
    const Phantom& ph = job.phantom();
    h.phantom.labels = copy(ph.labels);
    h.phantom.label_medium = copy(ph.label_medium);
    h.phantom.label_density = copy(ph.label_density);
    h.phantom.label_organ = copy(ph.label_organ_id);
    // Majorant grid.
    const MajorantGridView maj = job.majorant().view();
    h.majorant.mu =
        copy_n(maj.mu, static_cast<std::size_t>(maj.nbx) * maj.nby * maj.nbz * maj.num_ebins);
    h.majorant.inv_mu = copy(job.majorant().inverse());
    h.majorant.uniform_label = copy(job.majorant().uniform_label());
    // Source.
    h.source.alias.accept = copy(job.alias().accept());
    h.source.alias.alias = copy(job.alias().alias());
    h.source.voxels = copy(job.source_voxels());
    // A radionuclide source's emission tables (kernels/emission_spectrum.hh).
    if (const NuclideSource* n = job.config().nuclide; n != nullptr && !n->empty()) {
      EmissionSpectrumView& sp = h.source.spectrum;
      sp.alias.accept = copy(n->alias().accept());
      sp.alias.alias = copy(n->alias().alias());
      sp.line_energy = copy(n->line_energy());
      sp.line_particle = copy(n->line_particle());
      sp.beta_energy = copy(n->beta_energy());
      sp.beta_density = copy(n->beta_density());
      sp.beta_cumulative = copy(n->beta_cumulative());
    }
    // Photon tables.
    const PhotonLibrary& L = job.library();
    PhotonTablesView& t = h.physics.t;
    t.grid.x = copy(L.grid.energy);
    t.grid.bin_first = copy(L.grid.bin_first);
    t.density = copy(L.density);
    t.mass_mu = copy(L.mass_mu);
    t.mass_mu_total = copy(L.mass_mu_total);
    t.mass_mu_tr = copy(L.mass_mu_tr);
    t.mass_mu_en = copy(L.mass_mu_en);
    t.x = copy(L.x);
    t.x2 = copy(L.x2);
    t.rayleigh_cdf = copy(L.rayleigh_cdf);
    t.compton_s = copy(L.compton_s);
    t.compton_s_max = copy(L.compton_s_max);
    t.medium_element_offset = copy(L.medium_element_offset);
    t.medium_element = copy(L.medium_element);
    t.medium_atoms = copy(L.medium_atoms);
    t.element_z = copy(L.element_z);
    t.element_shell_offset = copy(L.element_shell_offset);
    t.element_photo_xs = copy(L.element_photo_xs);
    t.shell_designator = copy(L.shell_designator);
    t.shell_binding = copy(L.shell_binding);
    t.shell_xs = copy(L.shell_xs);
    t.shell_transition_offset = copy(L.shell_transition_offset);
    t.transition_secondary = copy(L.transition_secondary);
    t.transition_tertiary = copy(L.transition_tertiary);
    t.transition_energy = copy(L.transition_energy);
    t.transition_cum = copy(L.transition_cum);
    t.medium_cshell_offset = copy(L.medium_cshell_offset);
    t.medium_cshell = copy(L.medium_cshell);
    t.medium_cshell_cum = copy(L.medium_cshell_cum);
    t.cshell_binding = copy(L.cshell_binding);
    t.cshell_pz = copy(L.cshell_pz);
    t.majorant = copy(L.majorant);
    h.physics.catalog_medium = copy(job.catalog_medium());
    // Electron tables (the job's compact ones) when electrons are transported.
    if (job.electron_library() != nullptr) {
      ElectronTablesView& e = h.electrons.tables;
      const std::size_t per_q = 2ull * e.n_media * e.n_energy;
      for (int q = 0; q < static_cast<int>(ElectronQuantity::kCount); ++q) {
        e.table[q] = copy_n(e.table[q], per_q);
      }
      e.energy = copy_n(e.energy, static_cast<std::size_t>(e.n_energy));
      e.density = copy_n(e.density, static_cast<std::size_t>(e.n_media));
      e.brems_cdf =
          copy_n(e.brems_cdf, static_cast<std::size_t>(e.n_media) * e.n_energy * e.n_kappa);
      h.electrons.library_medium = copy(job.electron_medium());
      if (!job.boundary_distance().empty()) {
        h.electrons.boundary_distance = copy(job.boundary_distance());
        h.electrons.radiative_count = copy(job.radiative_count());
      }
    }
    // The electron transport's view of the same phantom, in every mode (with local electrons
    // too: the functor is copied whole to the device, and no member may point at host memory).
    h.electrons.phantom = h.phantom;
    return h;
  }

 private:
  template <class T>
  const T* copy_n(const T* data, std::size_t count) {
    if (count == 0) return nullptr;
    void* p = policy_.allocate(count * sizeof(T));
    policy_.copy(p, data, count * sizeof(T));
    bytes_ += count * sizeof(T);
    return static_cast<const T*>(p);
  }
  template <class T>
  const T* copy(const std::vector<T>& v) {
    return copy_n(v.data(), v.size());
  }

  Policy& policy_;
  std::size_t bytes_ = 0;
};

}  // namespace gpudose
