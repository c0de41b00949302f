#include "host/photon_job.hh"

#include <algorithm>
#include <cmath>

#include "host/user_error.hh"

namespace gpudose {
namespace {

std::vector<int> map_media(const Phantom& phantom, const PhotonLibrary& library) {
  std::vector<int> map;
  for (const Medium& m : phantom.media) {
    map.push_back(
        static_cast<int>(library.medium_index(phantom.model + ":" + std::to_string(m.id))));
  }
  return map;
}

// Upper bound of rho * mu/rho over [e_lo, e_hi] for one phantom label: the log-log interpolant
// is monotone between grid points, so the maximum is at a grid point inside the range or at
// one of its ends.
double label_bound(const PhotonTablesView& t, int catalog_medium, double density, double e_lo,
                   double e_hi) {
  const double* x = t.grid.x;
  const int n = t.grid.n;
  const double lo = std::max(e_lo, x[0]), hi = std::min(e_hi, x[n - 1]);
  double best = std::max(t.mass_mu_tot(catalog_medium, t.find(lo), lo),
                         t.mass_mu_tot(catalog_medium, t.find(hi), hi));
  const double* row = t.mass_mu_total + static_cast<long>(catalog_medium) * n;
  for (int i = t.find(lo); i < n && x[i] <= hi; ++i) best = std::max(best, row[i]);
  return density * best;
}

}  // namespace

PhotonJob::PhotonJob(const Phantom& phantom, const PhotonLibrary& library,
                     const PhotonJobConfig& config)
    : phantom_(phantom),
      library_(library),
      config_(config),
      source_(resolve_region(phantom, config.source)),
      source_voxels_(region_voxels(phantom, source_, config.sampling)),
      catalog_medium_(map_media(phantom, library)),
      tables_(library.view()),
      majorant_(phantom.view(), config.majorant_block, config.majorant_bins,
                library.grid.energy.front(), library.grid.energy.back(),
                [&](int label, double lo, double hi) {
                  const VoxelPhantomView v = phantom.view();
                  return label_bound(tables_, catalog_medium_[v.label_medium[label]],
                                     v.label_density[label], lo, hi);
                }),
      alias_(source_voxels_.weights) {
  const double e_min = library.grid.energy.front(), e_max = library.grid.energy.back();
  if (!(config.energy_mev >= std::max(e_min, config.cutoff_mev) && config.energy_mev <= e_max)) {
    char range[96];
    std::snprintf(range, sizeof range, "the photon tables and cut-off cover %g to %g MeV",
                  std::max(e_min, config.cutoff_mev), e_max);
    char energy[32];
    std::snprintf(energy, sizeof energy, "%g", config.energy_mev);
    throw UserError(std::string("energy ") + energy + " MeV is out of range", range,
                    "give --energy in MeV within that range");
  }
}

std::size_t PhotonJob::device_bytes() const {
  const PhotonLibrary& L = library_;
  auto b = [](const auto& v) { return v.size() * sizeof(v[0]); };
  const std::size_t tables =
      b(L.grid.energy) + b(L.grid.bin_first) + b(L.density) + b(L.mass_mu) + b(L.mass_mu_total) +
      b(L.mass_mu_tr) + b(L.mass_mu_en) + b(L.x) + b(L.x2) + b(L.rayleigh_cdf) + b(L.compton_s) +
      b(L.compton_s_max) + b(L.medium_element_offset) + b(L.medium_element) + b(L.medium_atoms) +
      b(L.element_z) + b(L.element_shell_offset) + b(L.element_photo_xs) + b(L.shell_designator) +
      b(L.shell_binding) + b(L.shell_xs) + b(L.shell_transition_offset) +
      b(L.transition_secondary) + b(L.transition_tertiary) + b(L.transition_energy) +
      b(L.transition_cum) + b(L.majorant) + b(catalog_medium_);
  return phantom_.device_bytes() + majorant_.bytes() + b(alias_.accept()) + b(alias_.alias()) +
         b(source_voxels_.voxels) + tables;
}

PhotonHistoryFunctor PhotonJob::history() const {
  PhotonHistoryFunctor h;
  h.phantom = phantom_.view();
  h.majorant = majorant_.view();
  h.physics = PhotonTablesPhysics{tables_, catalog_medium_.data(), config_.cutoff_mev};
  h.source.kind = SourceKind::kRegionVoxels;
  h.source.energy_mev = config_.energy_mev;
  h.source.alias = alias_.view();
  h.source.voxels = source_voxels_.voxels.data();
  h.params = PhotonTransportParams{config_.seed, config_.job_id, config_.cutoff_mev};
  return h;
}

}  // namespace gpudose
