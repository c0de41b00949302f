#include "host/run/nuclide_source.hh"

#include <algorithm>
#include <cstdio>

#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "kernels/constants.hh"

namespace gpudose {
NuclideSource::NuclideSource(const NuclideEmissions& n, double max_energy_mev)
    : name_(n.name), json_sha256_(n.json_sha256) {
  double beta_minus = 0, beta_plus = 0;
  for (const DiscreteLine& l : n.lines) {
    if (l.kind == EmissionKind::beta_minus_mean) beta_minus += l.yield;
    if (l.kind == EmissionKind::beta_plus_mean) beta_plus += l.yield;
  }
  const bool has_spectrum = n.beta_spectrum.size() >= 2;
  const bool pure_beta_plus = has_spectrum && beta_minus == 0 && beta_plus > 0;
  beta_particle_ = pure_beta_plus ? 2 : 1;
  if (pure_beta_plus) {
    positron_treatment_ =
        "pure beta+ emitter: the beta spectrum is emitted as positrons, whose transport makes "
        "the annihilation photons; the 511 keV lines of the decay data are not emitted";
  } else if (beta_plus > 0) {
    positron_treatment_ =
        "beta- and beta+ emitter: the summed beta spectrum is emitted as electrons and the "
        "annihilation lines as photons at the decay point";
  } else {
    positron_treatment_ = "no beta+ branch";
  }

  const auto check_energy = [&](double e, const char* what) {
    if (e > max_energy_mev) {
      throw UserError("cannot simulate " + name_ + " as a source",
                      std::string("its ") + what + " at " + format_g(e) +
                          " MeV is above the physics tables (" + format_g(max_energy_mev) + " MeV)",
                      "choose another nuclide");
    }
  };
  for (const DiscreteLine& l : n.lines) {
    const double mev = l.yield * l.energy_mev;
    if (!(l.yield > 0) || !(l.energy_mev > 0)) continue;
    int particle = -1;
    switch (l.kind) {
      case EmissionKind::gamma:
      case EmissionKind::x_ray:
        particle = 0;
        break;
      case EmissionKind::annihilation:
        if (pure_beta_plus) continue;  // made by the positrons' transport
        particle = 0;
        break;
      case EmissionKind::ic_electron:
      case EmissionKind::auger:
        particle = 1;
        break;
      case EmissionKind::alpha:
      case EmissionKind::alpha_recoil:
      case EmissionKind::fission:
        local_mev_ += mev;
        emitted_mev_ += mev;
        continue;
      case EmissionKind::neutron:
        neutron_mev_ += mev;
        continue;
      case EmissionKind::beta_minus_mean:
      case EmissionKind::beta_plus_mean:
      case EmissionKind::betaD_mean:
        continue;  // informative: the spectrum carries these particles
    }
    check_energy(l.energy_mev, emission_kind_key(l.kind));
    line_energy_.push_back(l.energy_mev);
    line_particle_.push_back(particle);
    weights_.push_back(l.yield);
    emitted_mev_ += mev;
    max_history_mev_ = std::max(max_history_mev_, l.energy_mev);
  }
  if (has_spectrum) {
    // Cumulative of the piecewise-linear density (exact trapezoids), and its first moment for
    // the energy per decay: what the sampler emits. (The fold integrates E x dN/dE by the
    // trapezoid rule over the same nodes; the two differ at second order in the node spacing.)
    double count = 0, energy = 0;
    beta_cumulative_.push_back(0);
    for (std::size_t i = 0; i < n.beta_spectrum.size(); ++i) {
      beta_energy_.push_back(n.beta_spectrum[i].first);
      beta_density_.push_back(n.beta_spectrum[i].second);
      if (i == 0) continue;
      const double e0 = n.beta_spectrum[i - 1].first, e1 = n.beta_spectrum[i].first;
      const double f0 = n.beta_spectrum[i - 1].second, f1 = n.beta_spectrum[i].second;
      const double h = e1 - e0;
      count += 0.5 * h * (f0 + f1);
      energy += h * (e0 * f0 / 3 + e0 * f1 / 6 + e1 * f0 / 6 + e1 * f1 / 3);
      beta_cumulative_.push_back(count);
    }
    if (count > 0) {
      check_energy(beta_energy_.back(), "beta spectrum end point");
      weights_.push_back(count);
      emitted_mev_ += energy;
      double top = beta_energy_.back();
      if (pure_beta_plus) {
        emitted_mev_ += count * 2 * kElectronMassMeV;  // the annihilation photons
        top += 2 * kElectronMassMeV;
      }
      max_history_mev_ = std::max(max_history_mev_, top);
    } else {
      beta_energy_.clear();
      beta_density_.clear();
      beta_cumulative_.clear();
    }
  }
  for (double w : weights_) particles_per_decay_ += w;
  if (!(emitted_mev_ > 0)) {
    throw UserError("nothing to simulate for " + name_,
                    "it emits no photon, electron or alpha energy; neutrons (" +
                        format_g(neutron_mev_) + " MeV per decay) are left out",
                    "choose a nuclide with photon, electron or alpha emissions");
  }
  if (!weights_.empty()) alias_ = std::make_unique<AliasTable>(weights_);
}

bool NuclideSource::has_charged() const {
  if (!beta_energy_.empty()) return true;
  return std::any_of(line_particle_.begin(), line_particle_.end(), [](int p) { return p != 0; });
}

EmissionSpectrumView NuclideSource::view() const {
  EmissionSpectrumView v;
  if (weights_.empty()) return v;
  v.n_channels = static_cast<std::uint32_t>(weights_.size());
  v.alias = alias_->view();
  v.n_lines = static_cast<std::uint32_t>(line_energy_.size());
  v.line_energy = line_energy_.data();
  v.line_particle = line_particle_.data();
  v.n_beta = static_cast<std::uint32_t>(beta_energy_.size());
  v.beta_energy = beta_energy_.data();
  v.beta_density = beta_density_.data();
  v.beta_cumulative = beta_cumulative_.data();
  v.beta_particle = beta_particle_;
  return v;
}

}  // namespace gpudose
