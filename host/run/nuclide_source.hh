// A radionuclide as a Monte Carlo source (`gpudose run --nuclide`): its ICRP 107 emissions as
// the sampling table of kernels/emission_spectrum.hh, and the per-decay bookkeeping that turns
// per-history tallies into energy per decay.
//
// One history is one emitted particle, drawn with probability proportional to its yield per
// decay; the mean per history times the particles emitted per decay is the energy per decay.
// Unbiased and weight-free (the tallies stay exact integers); a decay's particles are not
// correlated in ICRP 107 anyway (yields per decay only), so nothing is lost by not simulating
// whole decays. Which particles (the ICRP 107 / ICRP 133 recipe, as `gpudose svalues` folds):
// - gamma, X and annihilation lines: photons; internal-conversion and Auger electrons: electrons;
// - the beta spectrum (ICRP-07.BET, beta- and beta+ summed): for a pure beta+ emitter (no beta-
//   branch) real positrons, whose transport makes the annihilation photons, so the 511 keV
//   lines are dropped; otherwise electrons, with the annihilation lines emitted at the decay
//   point (a nuclide with both branches: the spectrum does not say which part is which);
// - alphas, alpha recoils and fission fragments: absorbed where emitted (added to every target
//   that contains the source region, without transport); neutrons: left out and reported.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "host/run/alias_table.hh"
#include "kernels/emission_spectrum.hh"
#include "physics-data/decay_data.hh"

namespace gpudose {

class NuclideSource {
 public:
  // Throws UserError when the nuclide emits nothing that can be simulated or scored (only
  // neutrons), or an emission lies above `max_energy_mev` (the physics tables' end).
  NuclideSource(const NuclideEmissions& nuclide, double max_energy_mev);
  NuclideSource(const NuclideSource&) = delete;
  NuclideSource& operator=(const NuclideSource&) = delete;

  const std::string& nuclide() const { return name_; }
  const std::string& json_sha256() const { return json_sha256_; }
  // Over host memory; a device back end mirrors the arrays below.
  EmissionSpectrumView view() const;
  bool empty() const { return weights_.empty(); }  // only local emissions: nothing to transport
  bool has_charged() const;

  // Per decay: particles transported (the sum of the channel weights), energy emitted (all
  // but neutrons; the positrons' annihilation energy included), energy absorbed locally.
  double particles_per_decay() const { return particles_per_decay_; }
  double emitted_mev_per_decay() const { return emitted_mev_; }
  double local_mev_per_decay() const { return local_mev_; }
  double excluded_neutron_mev_per_decay() const { return neutron_mev_; }
  // The most energy one history can emit (a positron: T + 2 m c^2), for the tally's batch cap.
  double max_history_mev() const { return max_history_mev_; }
  // How beta particles and annihilation lines were treated, for the output.
  const std::string& positron_treatment() const { return positron_treatment_; }

  // Host arrays (the device mirror copies them).
  const std::vector<double>& line_energy() const { return line_energy_; }
  const std::vector<int>& line_particle() const { return line_particle_; }
  const std::vector<double>& beta_energy() const { return beta_energy_; }
  const std::vector<double>& beta_density() const { return beta_density_; }
  const std::vector<double>& beta_cumulative() const { return beta_cumulative_; }
  const AliasTable& alias() const { return *alias_; }
  int beta_particle() const { return beta_particle_; }

 private:
  std::string name_, json_sha256_, positron_treatment_;
  std::vector<double> line_energy_;
  std::vector<int> line_particle_;
  std::vector<double> weights_;  // per channel: lines, then the beta channel
  std::vector<double> beta_energy_, beta_density_, beta_cumulative_;
  int beta_particle_ = 1;
  std::unique_ptr<AliasTable> alias_;
  double particles_per_decay_ = 0, emitted_mev_ = 0, local_mev_ = 0, neutron_mev_ = 0;
  double max_history_mev_ = 0;
};

}  // namespace gpudose
