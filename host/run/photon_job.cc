#include "host/run/photon_job.hh"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "host/foundation/user_error.hh"
#include "phantoms/activity_image.hh"
#include "phantoms/boundary_distance.hh"
#include "physics-data/radiative_event_count.hh"

namespace gpudose {
namespace {

std::vector<int> map_media(const Phantom& phantom, const PhotonLibrary& library) {
  std::vector<int> map;
  for (std::size_t m = 0; m < phantom.media.size(); ++m) {
    map.push_back(static_cast<int>(library.medium_index(phantom.medium_key(m))));
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

// Given source voxels must be voxels of this phantom with one positive weight each.
const RegionVoxels& checked(const Phantom& phantom, const RegionVoxels* s) {
  bool ok = !s->voxels.empty() && s->weights.size() == s->voxels.size() && s->total_weight > 0;
  for (std::size_t i = 0; ok && i < s->voxels.size(); ++i) {
    ok = s->voxels[i] < phantom.num_voxels() && (i == 0 || s->voxels[i - 1] < s->voxels[i]) &&
         s->weights[i] > 0;
  }
  if (!ok) throw std::logic_error("PhotonJob: source voxels that are not this phantom's");
  return *s;
}

}  // namespace

PhotonJob::PhotonJob(const Phantom& phantom, const PhotonLibrary& library,
                     const PhotonJobConfig& config, const ElectronLibrary* electrons)
    : phantom_(phantom),
      library_(library),
      electrons_(electrons),
      config_(config),
      source_(config.source_voxels
                  ? source_region_of(phantom, checked(phantom, config.source_voxels))
                  : resolve_region(phantom, config.source)),
      region_voxels_(config.source_voxels ? RegionVoxels{}
                                          : region_voxels(phantom, source_, config.sampling)),
      source_voxels_(config.source_voxels ? config.source_voxels : &region_voxels_),
      catalog_medium_(map_media(phantom, library)),
      tables_(library.view()),
      majorant_(phantom.view(), config.majorant_block, config.majorant_bins,
                library.grid.energy.front(), library.grid.energy.back(),
                [&](int label, double lo, double hi) {
                  const VoxelPhantomView v = phantom.view();
                  return label_bound(tables_, catalog_medium_[v.label_medium[label]],
                                     v.label_density[label], lo, hi);
                }),
      alias_(source_voxels_->weights) {
  const bool charged = config.nuclide ? config.nuclide->has_charged() : config.particle != 0;
  if (charged || config.electrons == ElectronMode::kTransport) {
    if (electrons_ == nullptr) {
      throw UserError("no electron library given", "electrons are transported in this job",
                      "run `gpudose physics build` (it builds <cache>/physics/electron.h5)");
    }
    // Both libraries are built from the media catalog in its order; check, do not assume.
    const auto& names = electrons_->medium_names();
    bool same = names.size() == library.media_names.size();
    for (std::size_t m = 0; same && m < names.size(); ++m)
      same = names[m] == library.media_names[m];
    if (!same) {
      throw UserError("the electron library does not hold the photon library's media",
                      "they were built from different media catalogs",
                      "rebuild both with `gpudose physics build --force`");
    }
    compact_electron_tables();
    if (config.electron.range_rejection) {
      boundary_distance_ = &phantom.boundary_distance();
      radiative_count_ = radiative_event_count(electron_view_);
    }
  } else {
    electrons_ = nullptr;  // local electrons: the tables are not used
  }
  // A nuclide's emissions were checked against the tables' end when its source was made;
  // emissions below the cut-offs deposit where they start, as any particle that falls below.
  if (config.nuclide) return;
  if (charged) {
    const double lo = electrons_->energies().front(), hi = electrons_->energies().back();
    // The grid's end points come out of a logarithmic grid: 1e-3 may be stored as 1.0000000002e-3.
    // Compare with a relative tolerance so that the energies the grid names are accepted.
    constexpr double kGridTolerance = 1e-9;
    if (!(config.energy_mev >= lo * (1 - kGridTolerance) &&
          config.energy_mev <= hi * (1 + kGridTolerance))) {
      char range[96];
      std::snprintf(range, sizeof range, "the electron tables cover %g to %g MeV", lo, hi);
      char energy[32];
      std::snprintf(energy, sizeof energy, "%g", config.energy_mev);
      throw UserError(std::string("energy ") + energy + " MeV is out of range", range,
                      "give --energy in MeV within that range");
    }
    return;
  }
  const double e_min = library.grid.energy.front(), e_max = library.grid.energy.back();
  constexpr double kGridTolerance = 1e-9;  // as for electrons above
  if (!(config.energy_mev >= std::max(e_min, config.cutoff_mev) * (1 - kGridTolerance) &&
        config.energy_mev <= e_max * (1 + kGridTolerance))) {
    char range[96];
    std::snprintf(range, sizeof range, "the photon tables and cut-off cover %g to %g MeV",
                  std::max(e_min, config.cutoff_mev), e_max);
    char energy[32];
    std::snprintf(energy, sizeof energy, "%g", config.energy_mev);
    throw UserError(std::string("energy ") + energy + " MeV is out of range", range,
                    "give --energy in MeV within that range");
  }
}

void PhotonJob::compact_electron_tables() {
  const ElectronTablesView& full = electrons_->view();
  // Library media the phantom uses, in catalog order.
  std::vector<int> used(catalog_medium_);
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  const int nu = static_cast<int>(used.size());
  const std::size_t ne = static_cast<std::size_t>(full.n_energy);
  electron_view_ = full;
  electron_view_.n_media = nu;
  electron_quantity_.assign(static_cast<int>(ElectronQuantity::kCount),
                            std::vector<double>(2 * nu * ne));
  for (int q = 0; q < static_cast<int>(ElectronQuantity::kCount); ++q) {
    for (int p = 0; p < 2; ++p) {
      for (int k = 0; k < nu; ++k) {
        const double* from = full.table[q] + electron_table_index(full, p, used[k], 0);
        std::copy(from, from + ne,
                  electron_quantity_[q].begin() + electron_table_index(electron_view_, p, k, 0));
      }
    }
    electron_view_.table[q] = electron_quantity_[q].data();
  }
  const std::size_t row = ne * full.n_kappa;
  electron_brems_cdf_.resize(nu * row);
  electron_density_.resize(nu);
  for (int k = 0; k < nu; ++k) {
    std::copy(full.brems_cdf + used[k] * row, full.brems_cdf + (used[k] + 1) * row,
              electron_brems_cdf_.begin() + k * row);
    electron_density_[k] = full.density[used[k]];
  }
  electron_view_.brems_cdf = electron_brems_cdf_.data();
  electron_view_.density = electron_density_.data();
  for (int m : catalog_medium_) {
    electron_medium_.push_back(
        static_cast<int>(std::lower_bound(used.begin(), used.end(), m) - used.begin()));
  }
}

const std::vector<std::uint8_t>& PhotonJob::boundary_distance() const {
  static const std::vector<std::uint8_t> kNone;
  return boundary_distance_ != nullptr ? *boundary_distance_ : kNone;
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
      b(L.transition_cum) + b(L.medium_cshell_offset) + b(L.medium_cshell) +
      b(L.medium_cshell_cum) + b(L.cshell_binding) + b(L.cshell_pz) + b(L.majorant) +
      b(catalog_medium_);
  std::size_t electron = 0;
  if (electrons_) {
    const ElectronTablesView& v = electron_view_;
    const std::size_t per_q = 2ull * v.n_media * v.n_energy;
    electron =
        sizeof(double) * (per_q * static_cast<int>(ElectronQuantity::kCount) + v.n_energy +
                          v.n_media + static_cast<std::size_t>(v.n_media) * v.n_energy * v.n_kappa);
    electron += b(electron_medium_);  // phantom medium -> compact table index, also mirrored
  }
  std::size_t nuclide_bytes = 0;
  if (const NuclideSource* n = config_.nuclide) {
    nuclide_bytes = b(n->line_energy()) + b(n->line_particle()) + b(n->beta_energy()) +
                    b(n->beta_density()) + b(n->beta_cumulative());
    if (!n->empty()) nuclide_bytes += b(n->alias().accept()) + b(n->alias().alias());
  }
  return phantom_.device_bytes() + majorant_.bytes() + b(alias_.accept()) + b(alias_.alias()) +
         b(source_voxels_->voxels) + tables + electron + b(boundary_distance()) +
         b(radiative_count_) + nuclide_bytes;
}

PhotonHistoryFunctor PhotonJob::history() const {
  PhotonHistoryFunctor h;
  h.phantom = phantom_.view();
  h.majorant = majorant_.view();
  h.physics = PhotonTablesPhysics{tables_, catalog_medium_.data(), config_.cutoff_mev};
  h.source.kind = SourceKind::kRegionVoxels;
  h.source.energy_mev = config_.energy_mev;
  h.source.alias = alias_.view();
  h.source.voxels = source_voxels_->voxels.data();
  h.source.particle = config_.particle;
  if (config_.nuclide) h.source.spectrum = config_.nuclide->view();
  h.params = PhotonTransportParams{config_.seed, config_.job_id, config_.cutoff_mev};
  h.electrons.phantom = phantom_.view();
  h.electrons.params = config_.electron;
  h.electrons.params.photon_cutoff_mev = config_.cutoff_mev;
  if (electrons_) {
    h.electrons.params.mode = ElectronMode::kTransport;
    h.electrons.tables = electron_view_;
    h.electrons.library_medium = electron_medium_.data();
    if (boundary_distance_ != nullptr) {
      h.electrons.boundary_distance = boundary_distance_->data();
      h.electrons.boundary_unit_cm = kBoundaryDistanceUnitCm;
      h.electrons.radiative_count = radiative_count_.data();
    }
  } else {
    h.electrons.params.mode = ElectronMode::kLocal;
  }
  return h;
}

}  // namespace gpudose
