// Radionuclide S values from monoenergetic SAF tables: the fold of a nuclide's ICRP 107
// emissions with the photon and electron SAFs of one source region (pure arithmetic, no IO).
//
// Recipe (ICRP Publication 133, section 2 and Annex; MIRD Pamphlet 21, eq. 11; as OpenDose and
// FlexID apply it):
//   S(t <- s) = sum over emissions of yield x E x SAF(t <- s, E)       [Gy/(Bq s) = J/kg/decay]
// - gamma, X and annihilation photons: photon SAF at the line energy;
// - internal-conversion and Auger electrons: electron SAF at the line energy;
// - beta particles: the whole ICRP-07.BET spectrum, trapezoid over its own nodes (node i weighs
//   w_i x E_i x dN/dE_i; not renormalised to the branch yields), electron SAF at each node;
// - alpha particles, alpha recoils, fission fragments: absorbed where emitted, AF = 1 in every
//   target that contains the source region (SAF = 1 / target mass), 0 elsewhere;
// - neutrons: left out, reported as excluded energy per decay. The beta-/beta+/betaD mean-energy
//   entries are informative only (the spectrum holds those particles).
// Between table energies: linear in energy (ICRP 133, FlexID) or PCHIP. Below the lowest table
// energy both interpolate linearly towards the E = 0 limit (full local absorption: SAF = 1/mass
// for targets that contain the source, 0 otherwise). Above the highest: UserError.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "physics-data/decay_data.hh"

namespace gpudose {

// CODATA/SI 2019: the elementary charge is exact, so is 1 MeV in joules.
constexpr double kJoulePerMeV = 1.602176634e-13;
// Gy/(Bq s) -> mGy/(MBq s): 1e3 mGy/Gy x 1e6 Bq/MBq.
constexpr double kMilliGrayPerMBqSecond = 1e9;

enum class FoldParticle { photon, electron };
enum class Interpolation { linear, pchip };
enum class Weighting { none, icrp103 };
// The share columns: photons; the beta spectrum; IC + Auger electrons; local (alpha, alpha
// recoil, fission fragments).
enum class RadiationGroup { photon, beta, ic_auger, alpha_local };
constexpr int kRadiationGroupCount = 4;

const char* particle_name(FoldParticle p);           // "photon", "electron"
const char* interpolation_name(Interpolation i);     // "linear", "pchip"
const char* weighting_name(Weighting w);             // "none", "icrp103"
const char* radiation_group_name(RadiationGroup g);  // "photon", "beta", "ic_auger", "alpha"
// From option text; UserError naming the accepted values otherwise.
Interpolation parse_interpolation(const std::string& text);
Weighting parse_weighting(const std::string& text);

// One particle's SAFs for one source region. Entries (k, t) are independent Monte Carlo jobs.
struct SafTable {
  std::vector<double> energies_mev;           // strictly ascending, > 0; empty: no such table
  std::vector<std::vector<double>> saf;       // [k][t], kg^-1
  std::vector<std::vector<double>> variance;  // [k][t], kg^-2 (variance of saf[k][t])
};

struct FoldTarget {
  std::string name;
  double mass_kg = 0;
  bool contains_source = false;  // the target region contains the source region
};

struct FoldTables {
  std::vector<FoldTarget> targets;
  SafTable photon;
  SafTable electron;
};

struct FoldOptions {
  Interpolation interpolation = Interpolation::linear;
  // icrp103: radiation-weighted coefficients, w_R = 20 for alphas, recoils and fission fragments
  // (ICRP 103, Table 2), 1 for photons and electrons; S is then in Sv/(Bq s).
  Weighting weighting = Weighting::none;
};

// The target-independent part of a fold: one nuclide's emissions reduced onto the two energy
// grids. Build once per nuclide and grid pair, apply to every source region's table.
struct FoldKernel {
  struct Group {
    FoldParticle particle = FoldParticle::photon;
    // Linear scheme, emissions inside (E_0, E_max]: coefficient of SAF_k (J per decay).
    std::vector<double> linear;
    // PCHIP, per interval k (E_k, E_k+1]: Hermite-basis sums h00, h x h10, h01, h x h11.
    std::vector<double> a, b, c, d;
    // Both schemes, emissions at or below E_0: coefficients of SAF_0 and of the E = 0 limit.
    double below_first = 0;
    double zero_limit = 0;
  };
  std::string nuclide;
  FoldOptions options;
  std::vector<double> photon_grid, electron_grid;
  std::array<Group, 3> groups;  // RadiationGroup photon, beta, ic_auger
  double local = 0;             // J per decay (x w_R) absorbed locally: alpha_local

  // Bookkeeping, MeV per decay, not radiation-weighted.
  std::array<double, kRadiationGroupCount> emitted_mev{};  // folded energy by group
  std::array<double, kEmissionKindCount> line_mev{};       // discrete lines by kind
  double beta_spectrum_mev = 0;
  double excluded_neutron_mev = 0;
  // Emitted energy handed to the photon / electron table below its lowest energy, as a
  // fraction of all folded energy (emitted_mev summed).
  double below_grid_fraction_photon = 0;
  double below_grid_fraction_electron = 0;
};

// Throws UserError when an emission that carries energy lies above its table's highest energy
// (naming nuclide, emission kind, energy and table range), when its table is absent, or when the
// nuclide has nothing to fold (only neutrons). An empty grid means "no such table".
FoldKernel prepare_fold(const NuclideEmissions& nuclide, const std::vector<double>& photon_grid,
                        const std::vector<double>& electron_grid, const FoldOptions& options);

struct TargetSValue {
  double s_gy_per_bq_s = 0;  // the chosen scheme (Sv/(Bq s) with icrp103 weighting)
  double s_mgy_per_mbq_s = 0;
  double sigma_gy_per_bq_s = 0;                      // 1 sigma from the table entries' variances
  double relative_sigma = 0;                         // sigma / S; 0 when S = 0
  std::array<double, kRadiationGroupCount> share{};  // of S by RadiationGroup; sum 1 if S > 0
  double s_linear = 0, s_pchip = 0;                  // both schemes, Gy/(Bq s)
  double interpolation_spread = 0;                   // |s_linear - s_pchip|, Gy/(Bq s)
};

struct NuclideSValues {
  std::string nuclide;
  FoldOptions options;
  std::vector<TargetSValue> targets;  // in FoldTables::targets order
  // Per nuclide (copied from the kernel), MeV per decay.
  std::array<double, kRadiationGroupCount> emitted_mev{};
  std::array<double, kEmissionKindCount> line_mev{};
  double beta_spectrum_mev = 0;
  double excluded_neutron_mev = 0;
  double below_grid_fraction_photon = 0;
  double below_grid_fraction_electron = 0;
};

// The nuclide-independent part: one source's tables checked (shape, masses, finite SAFs,
// finite non-negative variances: UserError otherwise), stored per target, with the PCHIP slopes
// of every target's SAF curve. Build once per source, apply to every nuclide.
struct PreparedTables {
  struct Column {  // one target's curve on one particle table
    std::vector<double> saf, variance, slope;
    std::vector<int> slope_first;
    std::vector<std::array<double, 3>> slope_jacobian;
  };
  std::vector<FoldTarget> targets;
  std::vector<double> photon_grid, electron_grid;
  std::vector<Column> photon, electron;  // [target]; empty when the table is absent
};
PreparedTables prepare_tables(const FoldTables& tables);

// The kernel's grids must be the tables' energies (std::invalid_argument otherwise).
NuclideSValues apply_fold(const FoldKernel& kernel, const PreparedTables& tables);
NuclideSValues apply_fold(const FoldKernel& kernel, const FoldTables& tables);

// prepare_fold + apply_fold.
NuclideSValues fold_svalues(const NuclideEmissions& nuclide, const FoldTables& tables,
                            const FoldOptions& options);

// The linear scheme as coefficients: for every target t,
//   S_t = sum_k photon[k] SAF_photon[k][t] + sum_k electron[k] SAF_electron[k][t]
//         + local_and_zero_limit x (contains_source_t ? 1 / mass_t : 0),
// so Var S_t = sum_k photon[k]^2 var_photon[k][t] + sum_k electron[k]^2 var_electron[k][t]
// exactly. For combining member sources of a compound source with their own variances.
struct LinearFold {
  std::vector<double> photon, electron;  // J per decay (x w_R)
  double local_and_zero_limit = 0;
};
LinearFold linear_coefficients(const FoldKernel& kernel);

// PCHIP (monotone piecewise cubic Hermite) slopes at the nodes, and their derivatives with
// respect to the node values: slope k depends on y[first[k]], y[first[k] + 1], y[first[k] + 2].
// Exposed for tests.
struct PchipSlopes {
  std::vector<double> d;
  std::vector<int> first;
  std::vector<std::array<double, 3>> jacobian;
};
PchipSlopes pchip_slopes(const std::vector<double>& x, const std::vector<double>& y);
// The PCHIP interpolant at x_0 <= e <= x_back (for tests and plots).
double pchip_value(const std::vector<double>& x, const std::vector<double>& y, double e);

}  // namespace gpudose

namespace gpudose {

// Adds `weight` x `k` to `into` (same grids and options; std::invalid_argument otherwise): every
// coefficient of a kernel is linear in the emission yields, so the weighted sum is the exact
// kernel of a mixture of nuclides, e.g. a parent and its daughters in secular equilibrium with
// weights = activity per parent decay. An empty `into` (no grids) takes `k`'s grids first.
void accumulate_kernel(FoldKernel& into, const FoldKernel& k, double weight);

}  // namespace gpudose
