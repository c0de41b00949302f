// Electron and positron interaction quantities of one medium, evaluated at any kinetic energy
// T (MeV) from the elemental inputs of electron_data_sources.hh. The library builder
// (electron_library.hh) tabulates them; tests evaluate them directly.
//
// Units: linear quantities at the medium's density: stopping powers MeV/cm, macroscopic cross
// sections cm^-1, mean free paths cm. Divide by the density for mass quantities.
//
// Models and approximations (each named, with its source):
//  - Collision stopping power S_col: Bethe formula in the form of ICRU Report 37 (1984), with
//    the Moller function F-(tau) for electrons and the Bhabha function F+(tau) for positrons,
//    and the Sternheimer density effect (electron_density_effect.hh). No shell correction (as
//    ESTAR), so S_col is least accurate at the lowest energies: the Bethe theory assumes
//    T >> the binding energies, and ICRU 37 gives its largest uncertainties below ~10 keV.
//  - Mean excitation energy I: an explicit value (e.g. water 75 eV, ICRU 37) when given;
//    otherwise the ICRU 37 Bragg rule ln I = sum_j w_j (Z/A)_j ln I_j / sum_j w_j (Z/A)_j, where
//    for condensed media (density >= 0.01 g/cm3) I_j are the ICRU 37 values for elements bound in
//    compounds (ICRU 37, after Seltzer and Berger 1982): H 19.2, C 81, N 82, O 106,
//    F 112, Cl 180 eV and 1.13 x the elemental I for all other elements; for gases (density <
//    0.01 g/cm3) I_j are the elemental (gas) values of density_effect.h5.
//  - Radiative stopping power S_rad: Seltzer-Berger spectra (electron-nucleus plus
//    electron-electron bremsstrahlung, as tabulated in BREMX.DAT), S_rad/N_j = Z^2/beta^2 T
//    int_0^1 chi(kappa) dkappa per element, additive over elements (Bragg). chi(T) is
//    interpolated between the 57 tabulated energies by natural cubic splines in ln T per kappa
//    node and linearly in kappa.
//  - Positron bremsstrahlung: electron values times the ratio of L. Kim, R. H. Pratt,
//    S. M. Seltzer and M. J. Berger, Phys. Rev. A 33 (1986) 3002, in the analytic fit used by
//    PENELOPE (Salvat, PENELOPE-2018 manual, Sec. 3.3), per element, same photon spectrum shape.
//  - Restricted (soft) collision stopping power below the cut-off Wcc: S_col minus the energy lost
//    in hard Moller (e-, W in [Wcc, T/2]) or Bhabha (e+, W in [Wcc, T]) collisions with free
//    electrons at rest (closed-form integrals of the Moller and Bhabha DCS as written in the
//    PENELOPE-2018 manual, Sec. 3.2). Hard cross section: the integral of the same DCS.
//  - Restricted radiative stopping power below Wcr and hard bremsstrahlung cross section above
//    Wcr: the Seltzer-Berger spectra integrated over kappa < Wcr/T and kappa > Wcr/T.
//  - Elastic scattering: PENELOPE-2018 pdeel (ELSEPA) elemental sigma, sigma_1, sigma_2,
//    interpolated log-log in energy, additive over atoms (independent-atom approximation):
//    Sigma = sum_j N_j sigma_j, lambda_l = 1/(sum_j N_j sigma_l,j).
#pragma once

#include <optional>
#include <vector>

#include "kernels/constants.hh"
#include "phantoms/icrp110_tables.hh"
#include "physics-data/electron_data_sources.hh"
#include "physics-data/electron_density_effect.hh"

namespace gpudose {

// 2 pi r_e^2 m c^2 N_A (MeV cm^2 / mol); the electron rest energy is kernels/constants.hh's.
constexpr double kBetheConstant = 0.153537466;

// Mean excitation energy by the ICRU 37 Bragg rule described above (eV).
double icru37_mean_excitation_energy(const Medium& medium, const ElectronDataSources& data);

// ICRU 37 I of element z bound in a condensed compound (eV), see above.
double icru37_condensed_i_value(int z, double elemental_i_ev);

// Positron/electron bremsstrahlung ratio of Kim et al. (1986), PENELOPE fit.
double positron_brems_ratio(int z, double t_mev);

// Moller (e-) / Bhabha (e+) hard-collision integrals for a free electron target, per unit of
// K = 2 pi r_e^2 m c^2 n_e / beta^2 (MeV/cm): energy-loss integral int W dsigma/dW over W in
// [w_cut, W_max] (MeV) and number integral int dsigma/dW (1/MeV). W_max = T/2 (e-) or T (e+).
// Zero when w_cut >= W_max.
double hard_collision_energy_loss_integral(double t_mev, double w_cut_mev, bool positron);
double hard_collision_number_integral(double t_mev, double w_cut_mev, bool positron);
// d(sigma)/dW per unit of K (1/MeV^2); zero outside the kinematic range.
double collision_dcs(double t_mev, double w_mev, bool positron);

class ElectronMediumPhysics {
 public:
  // i_value_ev <= 0 selects the ICRU 37 Bragg rule. Conduction electrons are used only for a
  // single-element medium. Throws UserError if an element is missing from `data`.
  ElectronMediumPhysics(const Medium& medium, const ElectronDataSources& data,
                        double i_value_ev = 0);

  double density() const { return density_; }
  double i_value_ev() const { return i_ev_; }
  double z_over_a() const { return z_over_a_; }
  double electron_density() const { return n_e_; }  // electrons / cm3

  double density_effect(double t_mev) const;
  double s_col(double t_mev, bool positron) const;
  double s_rad(double t_mev, bool positron) const;
  double s_col_restricted(double t_mev, double wcc_mev, bool positron) const;
  double s_rad_restricted(double t_mev, double wcr_mev, bool positron) const;
  // Energy-loss straggling of the soft collisions (W < Wcc): Omega^2 = int_0^Wcc W^2 dsigma/dW
  // (MeV^2/cm) with the free-electron Moller/Bhabha DCS (binding neglected: the distant
  // collisions with W ~ I add a relative O(I/Wcc) < 1 % for Wcc = 10 keV). The transport can
  // spread the soft loss over a step s with variance Omega^2 s (Gaussian, PENELOPE's choice).
  double soft_straggling(double t_mev, double wcc_mev, bool positron) const;
  double hard_inelastic_xs(double t_mev, double wcc_mev, bool positron) const;
  double hard_brems_xs(double t_mev, double wcr_mev, bool positron) const;
  double elastic_xs(double t_mev, bool positron) const;  // cm^-1
  // Two-photon annihilation in flight of a positron with the medium's electrons (free, at rest):
  // Heitler's cross section (W. Heitler, The Quantum Theory of Radiation, 3rd ed. 1954; the form
  // used by PENELOPE and EGS), Sigma = n_e pi r_e^2 / (gamma + 1) [(gamma^2 + 4 gamma + 1) /
  // (gamma^2 - 1) ln(gamma + sqrt(gamma^2 - 1)) - (gamma + 3) / sqrt(gamma^2 - 1)], cm^-1.
  double annihilation_xs(double t_mev) const;
  // Elastic transport mean free paths lambda_1, lambda_2 (ELSEPA via PENELOPE's pdeel), cm.
  double transport_mfp1(double t_mev, bool positron) const;  // cm
  double transport_mfp2(double t_mev, bool positron) const;  // cm
  // Angular deflection by soft inelastic collisions (W < Wcc), which class II condensed history
  // must add to the elastic one (PENELOPE-2018 manual, ch. 4: the soft angular deflections come
  // from soft elastic and soft inelastic interactions): the transport cross section of order
  // l = 1 or 2, sigma_l = n_e int (1 - P_l(cos theta(W))) dsigma/dW dW (cm^-1), over close
  // (binary) collisions with the free-electron Moller/Bhabha DCS from W = I (the medium's mean
  // excitation energy: below it collisions are distant, with momentum transfers too small to
  // deflect; named approximation: their share is neglected) to min(Wcc, W_max), with the
  // projectile's polar angle from two-body kinematics with an electron at rest,
  // cos^2 theta = (T - W)(T + 2 m c^2) / (T (T - W + 2 m c^2)) (PENELOPE-2018 manual, ch. 3,
  // close collisions). For water it adds 7-10 % to 1 / lambda_1 between 50 keV and 1 MeV.
  double soft_inelastic_transport_xs(double t_mev, double wcc_mev, bool positron, int order) const;
  // Medium bremsstrahlung spectrum sum_j N_j Z_j^2 chi_j(T, kappa) (mb/cm3, electrons): the
  // shape that hard-bremsstrahlung sampling uses (k dsigma/dk up to the common 1/beta^2).
  double brems_spectrum(double t_mev, double kappa) const;
  // The same spectrum at all Seltzer-Berger kappa nodes (shared by every element), for callers
  // that need many kappa values at one energy (linear in kappa between nodes).
  void brems_spectrum_nodes(double t_mev, std::vector<double>& kappa,
                            std::vector<double>& spectrum) const;

 private:
  struct ElementPart {
    int z = 0;
    double atoms_per_cm3 = 0;
    // chi spline per kappa node: values and second derivatives on the ln T nodes.
    std::vector<double> ln_t;
    std::vector<double> kappa;
    std::vector<std::vector<double>> chi, chi_d2;  // [kappa][t]
    ElasticCrossSections elastic;
  };
  // chi(T, kappa_k) of element part at all kappa nodes.
  void chi_at(const ElementPart& p, double t_mev, std::vector<double>& out) const;
  // int chi dkappa over [0, kappa_c] (below) or int chi/kappa dkappa over [kappa_c, 1] (above).
  double brems_integral(const ElementPart& p, double t_mev, double kappa_c, bool above) const;
  double elastic_interp(const ElementPart& p, const std::vector<double>& s, double t_mev) const;

  std::vector<ElementPart> parts_;
  double density_ = 0;
  double i_ev_ = 0;
  double z_over_a_ = 0;
  double n_e_ = 0;
  std::optional<SternheimerDensityEffect> delta_;  // set once I is known
};

}  // namespace gpudose
