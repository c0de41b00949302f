// Coupled electron/positron transport (kernels/electron_transport.hh) with the real electron
// and photon libraries (label `data`): mean path length against the CSDA range, exact energy
// conservation, the Fano test across density interfaces, the practical range of a 1 MeV beam
// in water against Tabata's empirical formula, and step-parameter sensitivity.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "host/run/alias_table.hh"
#include "host/run/cpu_runner.hh"
#include "host/run/job_runner.hh"
#include "host/run/majorant_builder.hh"
#include "host/run/photon_job.hh"
#include "host/run/scheduler.hh"
#include "phantoms/boundary_distance.hh"
#include "phantoms/phantom_cache.hh"
#include "physics-data/photon_library.hh"
#include "physics-data/radiative_event_count.hh"
#include "tests/transport/mean_path_reference.hh"
#include "tests/transport/test_data.hh"

namespace gpudose {
namespace {

using test::electrons;
using test::female;
using test::photons;

int water_index() { return static_cast<int>(photons().medium_index("water")); }

// A synthetic all-water phantom (medium 0 = the catalog's liquid water) with per-label
// densities, and the transport functor over it.
struct WaterWorld {
  int nx, ny, nz;
  double dx, dy, dz;
  std::vector<std::uint8_t> labels;
  std::vector<std::uint8_t> label_medium;
  std::vector<float> label_density;
  std::vector<std::uint16_t> label_organ;
  std::vector<int> catalog;
  std::unique_ptr<MajorantGrid> majorant;
  std::unique_ptr<AliasTable> alias;
  std::vector<std::uint32_t> source_voxels;
  std::vector<std::uint8_t> boundary_distance;  // range rejection inputs (empty: off)
  std::vector<double> radiative_count;

  WaterWorld(int nx_, int ny_, int nz_, double dx_, double dy_, double dz_, int num_labels)
      : nx(nx_),
        ny(ny_),
        nz(nz_),
        dx(dx_),
        dy(dy_),
        dz(dz_),
        labels(static_cast<std::size_t>(nx_) * ny_ * nz_, 0),
        label_medium(num_labels, 0),
        label_density(num_labels, 1.0f),
        label_organ(num_labels, 1),
        catalog{water_index()} {}

  VoxelPhantomView view() const {
    return VoxelPhantomView{nx,
                            ny,
                            nz,
                            dx,
                            dy,
                            dz,
                            labels.data(),
                            label_medium.data(),
                            label_density.data(),
                            label_organ.data(),
                            static_cast<int>(label_medium.size())};
  }

  // Call after the labels and densities are final.
  void finish() {
    const PhotonTablesView t = photons().view();
    const int w = water_index();
    majorant = std::make_unique<MajorantGrid>(
        view(), 8, 64, 1e-3, 20.0, [&](int label, double lo, double hi) {
          double m = 0;
          for (double e = lo; e <= hi * 1.0001; e *= 1.001) {
            m = std::max(m, t.mass_mu_tot(w, t.find(e), e));
          }
          return 1.01 * m * label_density[label];  // water has no absorption edge here
        });
  }

  // Range rejection on for the functors made after this (the labels must be final).
  void enable_range_rejection() {
    boundary_distance = boundary_distance_map(view());
    radiative_count = radiative_event_count(electrons().view());
  }

  // Source uniform per unit mass over every voxel.
  void mass_uniform_source() {
    std::vector<double> weights;
    for (std::uint32_t v = 0; v < labels.size(); ++v) {
      source_voxels.push_back(v);
      weights.push_back(label_density[labels[v]]);
    }
    alias = std::make_unique<AliasTable>(weights);
  }

  PhotonHistoryFunctor history(int particle, double energy, std::uint64_t seed,
                               const ElectronTransportParams& ep) const {
    PhotonHistoryFunctor h;
    h.phantom = view();
    h.majorant = majorant->view();
    h.physics = PhotonTablesPhysics{photons().view(), catalog.data(), 1e-3};
    h.source.energy_mev = energy;
    h.source.particle = particle;
    if (alias) {
      h.source.kind = SourceKind::kRegionVoxels;
      h.source.alias = alias->view();
      h.source.voxels = source_voxels.data();
    } else {
      h.source.kind = SourceKind::kPencilBeam;
    }
    h.params = PhotonTransportParams{seed, 0, 1e-3};
    h.electrons.phantom = view();
    h.electrons.tables = electrons().view();
    h.electrons.library_medium = catalog.data();
    h.electrons.params = ep;
    h.electrons.params.mode = ElectronMode::kTransport;
    if (!boundary_distance.empty()) {
      h.electrons.boundary_distance = boundary_distance.data();
      h.electrons.boundary_unit_cm = kBoundaryDistanceUnitCm;
      h.electrons.radiative_count = radiative_count.data();
    }
    return h;
  }
};

ElectronTransportParams default_params() { return ElectronTransportParams{}; }

// Mean path length of source electrons (and positrons) slowing down from T in a 40 cm water
// cube, plus the CSDA range at the cut-off, against the CSDA range at T and against the mean
// path of the same transport model computed deterministically (mean_path_reference.hh: the
// backward equation of the slowing-down process):
//  - hard events off, no straggling: the CSDA model itself (0.1 %);
//  - hard events on (Moller/Bhabha, bremsstrahlung, annihilation in flight discrete; soft loss
//    continuous), no straggling: the reference is exact for this model, so the Monte Carlo must
//    agree within 4 standard errors (+ 0.05 % for the reference's quadrature); and, as the
//    issue asks, within 1 % of the CSDA range. It is not the CSDA range exactly: fluctuations
//    of the loss enter through the curvature of R(T) (Jensen: E[R(T - W)] != R(T - E[W])),
//    +0.25 % at 1 MeV, -0.2 % at 10 MeV (bremsstrahlung); for e+ at 1 MeV -1 % (annihilation
//    in flight ends the path early), so positrons are checked against the reference only;
//  - full physics (soft straggling too): the reference adds the straggling to second order
//    (Fokker-Planck term), which the exact-variance soft-loss sampler must reproduce within
//    4 standard errors + 0.3 % (third-order terms, the overshoot below the cut-off). The mean
//    path then exceeds the CSDA range by up to +1.8 % at 10 keV: that is what the straggling
//    of the model implies, not a transport error, and it is printed, not asserted against 1 %.
TEST(ElectronTransport, MeanPathLengthEqualsCsdaRange) {
  WaterWorld w(1, 1, 1, 40.0, 40.0, 40.0, 1);
  w.finish();
  const int water = water_index();
  struct Mode {
    int hard, straggling;
  };
  for (const Mode mode : {Mode{0, 0}, Mode{1, 0}, Mode{1, 1}}) {
    for (int particle : {1, 2}) {
      const int p = particle - 1;
      const test::MeanPathReference reference(
          electrons(), p, water, 1e-3, particle == 1 ? 10.0 : 1.0,
          test::MeanPathModel{mode.hard != 0, mode.straggling != 0});
      for (double e : {0.01, 0.1, 1.0, 10.0}) {
        if (particle == 2 && e != 1.0) continue;
        ElectronTransportParams ep = default_params();
        ep.hard_events = mode.hard;
        ep.straggling = mode.straggling;
        ep.absorption_mev = 1e-3;
        PhotonHistoryFunctor h = w.history(particle, e, 7 + mode.hard, ep);
        h.source.position = Vec3{20, 20, 20};
        h.source.direction = Vec3{0, 0, 1};
        std::vector<std::uint64_t> bins(photon_tally_bins(1), 0);
        PlainTally tally{bins.data()};
        // Positron histories carry their annihilation photons (and the Compton electrons those
        // set in motion) through the 40 cm cube: 5x fewer.
        const int n = e >= 10 ? 1000 : (particle == 2 ? 4000 : 20000);
        double sum = 0, sum2 = 0;
        for (int i = 0; i < n; ++i) {
          const std::uint64_t before = bins[path_bin(1)];
          h(i, tally);
          const double path = fixed_to_mev(bins[path_bin(1)] - before);  // cm (2^-32 cm units)
          sum += path;
          sum2 += path * path;
        }
        const double mean = sum / n;
        const double sem = std::sqrt(std::max(0.0, sum2 / n - mean * mean) / (n - 1));
        const double r_t = electrons().value(ElectronQuantity::kCsdaRange, p, water, e);
        const double r_cut = electrons().value(ElectronQuantity::kCsdaRange, p, water, 1e-3);
        const double model = reference.mean_path(e);
        std::printf(
            "path %s %5g MeV hard %d straggling %d: mean path + R(cut) %+.2f %% +- %.2f vs "
            "R_CSDA; model %+.2f %% vs R_CSDA; MC - model %+.2f %% +- %.2f\n",
            particle == 1 ? "e-" : "e+", e, mode.hard, mode.straggling,
            100 * ((mean + r_cut) / r_t - 1), 100 * sem / r_t, 100 * ((model + r_cut) / r_t - 1),
            100 * (mean / model - 1), 100 * sem / model);
        if (!mode.hard) EXPECT_NEAR((mean + r_cut) / r_t, 1.0, 1e-3) << e;
        if (mode.hard && !mode.straggling && particle == 1) {
          EXPECT_NEAR((mean + r_cut) / r_t, 1.0, 0.01) << e;  // the check, electrons
        }
        const double allowance = mode.straggling ? 3e-3 : 5e-4;
        EXPECT_NEAR(mean, model, 4 * sem + allowance * model)
            << e << " MeV, hard " << mode.hard << " straggling " << mode.straggling;
        EXPECT_EQ(bins[overflow_bin(1)], 0u);
      }
    }
  }
}

// Records the label bin of the deposit that follows the source particle's path-length deposit:
// the residual energy left where the primary stops, i.e. its final voxel.
struct FinalVoxelTally {
  std::uint64_t* bins;
  int path;
  int num_labels;
  mutable bool armed = false;
  mutable int last = -1;
  void deposit(int bin, std::uint64_t units) const {
    bins[bin] += units;
    if (bin == path) {
      armed = true;
    } else if (armed) {
      last = bin < num_labels ? bin : -1;
      armed = false;
    }
  }
};

// Mean projected range <z> (along the initial direction, in an unbounded medium) against Lewis'
// exact result for the first moment with continuous slowing down, H. W. Lewis, Phys. Rev. 78
// (1950) 526: <z> = int_0^R exp(-int_0^s ds'/lambda_1(T(s'))) ds, T(s) along the CSDA path.
// Hard events and straggling off (the CSDA model Lewis' formula assumes); the final depth is
// read from 250 thin slices of a 40 cm wide water column. This checks the multiple-scattering
// deflection, the random hinge and the step control together; 1 % (statistics ~0.4 %).
TEST(ElectronTransport, MeanProjectedRangeMatchesLewis) {
  const int water = water_index();
  const ElectronLibrary& lib = electrons();
  for (double e : {0.1, 1.0}) {
    const double r0 = lib.value(ElectronQuantity::kCsdaRange, 0, water, e);
    const int nz = 250;
    const double dz = 1.6 * r0 / 250, z0 = 100 * dz;
    WaterWorld w(1, 1, nz, 40.0, 40.0, dz, nz);
    for (int iz = 0; iz < nz; ++iz) w.labels[iz] = static_cast<std::uint8_t>(iz);
    w.finish();
    ElectronTransportParams ep = default_params();
    ep.hard_events = 0;
    ep.straggling = 0;
    ep.absorption_mev = 1e-3;
    PhotonHistoryFunctor h = w.history(1, e, 31, ep);
    h.source.position = Vec3{20, 20, z0};
    h.source.direction = Vec3{0, 0, 1};
    std::vector<std::uint64_t> bins(photon_tally_bins(nz), 0);
    FinalVoxelTally tally{bins.data(), path_bin(nz), nz};
    const int n = 20000;
    double sum = 0, sum2 = 0;
    int stopped = 0;
    for (int i = 0; i < n; ++i) {
      tally.last = -1;
      h(i, tally);
      if (tally.last < 0) continue;  // left the column (backwards)
      const double z = (tally.last + 0.5) * dz - z0;
      sum += z;
      sum2 += z * z;
      ++stopped;
    }
    const double mean = sum / stopped;
    const double sem = std::sqrt((sum2 / stopped - mean * mean) / stopped);
    // Lewis integral on a fine ln T grid from e down to the cut-off.
    double lewis = 0, k = 0;
    const int m = 20000;
    const double l0 = std::log(e), l1 = std::log(1e-3);
    for (int j = 0; j < m; ++j) {
      const double t = std::exp(l0 + (l1 - l0) * (j + 0.5) / m);
      const double ds =
          t * (l0 - l1) / m / lib.value(ElectronQuantity::kStoppingTotal, 0, water, t);
      const double lambda1 = lib.value(ElectronQuantity::kTransportMfp1, 0, water, t);
      lewis += std::exp(-(k + 0.5 * ds / lambda1)) * ds;
      k += ds / lambda1;
    }
    std::printf(
        "Lewis %g MeV: <z> %.5f cm +- %.5f (%d of %d stopped in the column), Lewis %.5f "
        "cm: %+.2f %%\n",
        e, mean, sem, stopped, n, lewis, 100 * (mean / lewis - 1));
    EXPECT_GT(stopped, n - n / 200);
    EXPECT_LT(sem / lewis, 0.005);
    EXPECT_NEAR(mean / lewis, 1.0, 0.01) << e << " MeV";
  }
}

// Deposited + escaped = emitted to the last fixed-point unit, with bremsstrahlung photons,
// delta electrons, positron annihilation (source positrons and pair positrons of 8 MeV
// photons) and photoelectrons; no stack overflow.
TEST(ElectronTransport, EnergyConservedExactly) {
  struct Case {
    int particle;
    double e;
  };
  for (int rejection : {0, 1})
    for (const Case c : {Case{1, 2.0}, Case{2, 2.0}, Case{1, 0.05}, Case{0, 8.0}, Case{0, 0.05}}) {
      PhotonJobConfig cfg;
      cfg.source = "liver";
      cfg.energy_mev = c.e;
      cfg.particle = c.particle;
      cfg.electrons = ElectronMode::kTransport;
      cfg.electron.range_rejection = rejection;
      const PhotonJob job(female(), photons(), cfg, &electrons());
      const std::uint64_t n = 2000;
      const auto sums = test::run_bins(job, n, 2, n / 4);
      const int nl = female().view().num_labels;
      EnergySum128 total;
      for (int b = 0; b <= escaped_bin(nl); ++b) total.add(sums[b]);
      EnergySum128 emitted;
      const std::uint64_t per =
          to_fixed(c.e) + (c.particle == 2 ? 2 * to_fixed(kElectronMassMeV) : 0);
      for (std::uint64_t i = 0; i < n; ++i) emitted.add(per);
      EXPECT_EQ(total, emitted) << "particle " << c.particle << " " << c.e
                                << " MeV, range rejection " << rejection;
      EXPECT_EQ(sums[overflow_bin(nl)], EnergySum128{}) << "stack overflow";
    }
}

// Fano test (the standard check that condensed history crosses interfaces without artefacts):
// a 100 keV electron source uniform per unit mass in water with a slab of density rho_s (same
// composition). Under charged-particle equilibrium the energy deposited in a region equals the
// energy emitted in it, whatever the density: we score, per region, (deposited - emitted in it)
// relative to emitted, which must vanish within 0.5 %. Regions lie >= 0.05 cm (> 1.7 CSDA
// ranges at 0.5 g/cm3) from the phantom faces; bremsstrahlung escape (radiation yield 0.06 %
// at 100 keV) is the only expected deficit. The estimator (deposited - E x started) removes the
// variance of where histories start; its uncertainty comes from batches. Run with range
// rejection off and on (on: the interiors of the regions are slowed down in place; the test
// then also checks that the rejection criterion scales the distance with density correctly).
TEST(ElectronTransport, FanoTestAcrossDensityInterfaces) {
  const double e = 0.1;
  for (int rejection : {0, 1})
    for (float rho : {0.5f, 2.0f}) {
      // 50 x 50 x 70 voxels of 0.01 cm; slab: slices 20..49. Labels: 0 outer margin at density 1,
      // 1 outer margin in the slab; inside the 0.05 cm margin: 2 bulk below (slices 5..19),
      // 3 slab lower half (20..34), 4 slab upper half (35..49), 5 bulk above (50..64). Each
      // region touches one interface and is > 5 ranges thick, so an interface artefact shows as a
      // deposit that differs from the emission.
      const int nx = 50, ny = 50, nz = 70;
      WaterWorld w(nx, ny, nz, 0.01, 0.01, 0.01, 6);
      for (int l : {1, 3, 4}) w.label_density[l] = rho;
      for (int iz = 0; iz < nz; ++iz) {
        for (int iy = 0; iy < ny; ++iy) {
          for (int ix = 0; ix < nx; ++ix) {
            const bool slab = iz >= 20 && iz < 50;
            const bool inner = ix >= 5 && ix < 45 && iy >= 5 && iy < 45 && iz >= 5 && iz < 65;
            int l = slab ? 1 : 0;
            if (inner) l = iz < 20 ? 2 : iz < 35 ? 3 : iz < 50 ? 4 : 5;
            w.labels[ix + nx * (iy + ny * iz)] = static_cast<std::uint8_t>(l);
          }
        }
      }
      w.finish();
      w.mass_uniform_source();
      if (rejection) w.enable_range_rejection();
      const PhotonHistoryFunctor h = w.history(1, e, 11, default_params());
      const int nb = 40;
      const std::uint64_t per_batch = 20000;
      std::vector<std::vector<double>> rel(6);  // per region: per-batch (dep - emitted)/emitted
      std::vector<double> dep_sum(6, 0), emit_sum(6, 0);
      for (int b = 0; b < nb; ++b) {
        std::vector<std::uint64_t> bins(photon_tally_bins(6), 0);
        std::vector<double> emitted(6, 0);
        PlainTally tally{bins.data()};
        for (std::uint64_t i = 0; i < per_batch; ++i) {
          const std::uint64_t hist = b * per_batch + i;
          RngStream rng(11, 0, hist);  // the history's own stream: its first draws place the source
          const ChargedState s = h.emit_charged_source(rng);
          emitted[w.view().label_at(s.x, s.y, s.z)] += e;
          h(hist, tally);
        }
        for (int l = 2; l < 6; ++l) {
          const double dep = fixed_to_mev(bins[l]);
          rel[l].push_back((dep - emitted[l]) / emitted[l]);
          dep_sum[l] += dep;
          emit_sum[l] += emitted[l];
        }
      }
      const char* names[6] = {"",          "", "bulk below", "slab lower half", "slab upper half",
                              "bulk above"};
      for (int l = 2; l < 6; ++l) {
        double m = 0, m2 = 0;
        for (double v : rel[l]) m += v / nb;
        for (double v : rel[l]) m2 += (v - m) * (v - m);
        const double sem = std::sqrt(m2 / (nb - 1) / nb);
        const double d = dep_sum[l] / emit_sum[l] - 1;
        std::printf(
            "Fano rho_slab %.1f range rejection %d %-16s deposited/emitted - 1 = %+.3f %% (+- "
            "%.3f %%)\n",
            rho, rejection, names[l], 100 * d, 100 * sem);
        EXPECT_LT(sem, 0.002) << "not enough histories for a 0.5 % test";
        EXPECT_NEAR(d, 0.0, 0.005) << names[l] << ", slab density " << rho;
      }
    }
}

// Tabata, Andreo and Shinoda, "An analytic formula for the extrapolated range of electrons in
// condensed materials", Nucl. Instrum. Methods B 119 (1996) 463-470: r_ex = r_0 f_d with the
// CSDA range r_0 and f_d = 1 / (a1 + a2 / (1 + a3 / tau^a4 + a5 tau^a6)), tau = T / m c^2,
// a1 = b1 Z^b2, a2 = b3 + b4 Z, a3 = b5 Z^(b6 - b7 ln Z), a4 = b8 / Z^b9,
// a5 = b10 Z^(b11 - b12 ln Z), a6 = b13 Z^b14 (their Eqs. 2-8, constants of their Table 1);
// stated accuracy: fits the extrapolated ranges of their data base to about 1.7 % (rms) for
// 1 keV - 100 MeV. For compounds Z is the electron-weighted effective atomic number
// Z_eff = sum(w_i Z_i^2 / A_i) / sum(w_i Z_i / A_i) (6.60 for water). r_0: our CSDA range
// (validated against ESTAR in tests/physics).
double tabata_deviation_factor(double t_mev, double z) {
  const double b[15] = {0,     0.3879, 0.2178,   0.4541, 0.03068, 3.326e-16, 13.24, 1.316,
                        14.03, 0.7406, 4.294e-3, 1.684,  0.2264,  0.6127,    0.1207};
  const double tau = t_mev / kElectronMassMeV;
  const double lz = std::log(z);
  const double a1 = b[1] * std::pow(z, b[2]);
  const double a2 = b[3] + b[4] * z;
  const double a3 = b[5] * std::pow(z, b[6] - b[7] * lz);
  const double a4 = b[8] / std::pow(z, b[9]);
  const double a5 = b[10] * std::pow(z, b[11] - b[12] * lz);
  const double a6 = b[13] * std::pow(z, b[14]);
  return 1.0 / (a1 + a2 / (1.0 + a3 / std::pow(tau, a4) + a5 * std::pow(tau, a6)));
}

// A broad parallel beam, from a pencil beam in a laterally wide water column (reciprocity: the
// laterally integrated quantities of a pencil equal the central-axis ones of a broad beam),
// 0.005 cm slices. Returns two ranges (cm):
//  - extrapolated range, Tabata's definition: the number-transmission curve eta(x) (fraction of
//    the incident electrons stopping beyond depth x, from the charge-deposition distribution of
//    the primaries, as in the Monte Carlo data Tabata et al. fitted), its tangent at the
//    inflection point extrapolated to eta = 0;
//  - practical range of the depth-dose curve (tangent over the 80 % - 20 % fall of the dose),
//    printed for reference: for light media it lies several % beyond the transmission value.
struct BeamRanges {
  double extrapolated, practical;
};
BeamRanges beam_ranges(const ElectronTransportParams& ep, double e, int n) {
  const int nz = 120;
  const double dz = 0.005;
  WaterWorld w(1, 1, nz, 8.0, 8.0, dz, nz);
  for (int iz = 0; iz < nz; ++iz) w.labels[iz] = static_cast<std::uint8_t>(iz);
  w.finish();
  PhotonHistoryFunctor h = w.history(1, e, 21, ep);
  h.source.position = Vec3{4.0, 4.0, 0.0};
  h.source.direction = Vec3{0, 0, 1};
  std::vector<std::uint64_t> bins(photon_tally_bins(nz), 0);
  FinalVoxelTally tally{bins.data(), path_bin(nz), nz};
  std::vector<double> stops(nz, 0);
  for (int i = 0; i < n; ++i) {
    tally.last = -1;
    h(i, tally);
    if (tally.last >= 0) stops[tally.last] += 1;
  }
  auto tangent_intercept = [](const std::vector<double>& x, const std::vector<double>& y) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    const double k = static_cast<double>(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      sx += x[i];
      sy += y[i];
      sxx += x[i] * x[i];
      sxy += x[i] * y[i];
    }
    const double slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
    const double icpt = (sy - slope * sx) / k;
    return -icpt / slope;
  };
  // Transmission at the slice boundaries z = k dz; its tangent at the inflection point from a
  // least-squares cubic through the points with 0.1 < eta < 0.9 (no window to choose by hand).
  std::vector<double> eta(nz + 1, 0);
  for (int k = nz - 1; k >= 0; --k) eta[k] = eta[k + 1] + stops[k] / n;
  double m[4][5] = {};  // normal equations for y = c0 + c1 x + c2 x^2 + c3 x^3
  for (int k = 0; k <= nz; ++k) {
    if (!(eta[k] > 0.1 && eta[k] < 0.9)) continue;
    const double x = k * dz;
    const double p[4] = {1, x, x * x, x * x * x};
    for (int r = 0; r < 4; ++r) {
      for (int c = 0; c < 4; ++c) m[r][c] += p[r] * p[c];
      m[r][4] += p[r] * eta[k];
    }
  }
  for (int col = 0; col < 4; ++col) {  // Gauss-Jordan elimination with partial pivoting
    int piv = col;
    for (int r = col + 1; r < 4; ++r) {
      if (std::fabs(m[r][col]) > std::fabs(m[piv][col])) piv = r;
    }
    for (int c = 0; c < 5; ++c) std::swap(m[col][c], m[piv][c]);
    for (int r = 0; r < 4; ++r) {
      if (r == col) continue;
      const double f = m[r][col] / m[col][col];
      for (int c = 0; c < 5; ++c) m[r][c] -= f * m[col][c];
    }
  }
  double cf[4];
  for (int r = 0; r < 4; ++r) cf[r] = m[r][4] / m[r][r];
  const double xi = -cf[2] / (3 * cf[3]);
  const double yi = cf[0] + xi * (cf[1] + xi * (cf[2] + xi * cf[3]));
  const double slope = cf[1] + xi * (2 * cf[2] + 3 * cf[3] * xi);
  BeamRanges r;
  r.extrapolated = xi - yi / slope;
  std::vector<double> x, y;
  // Depth-dose practical range.
  std::vector<double> dose(nz);
  for (int iz = 0; iz < nz; ++iz) dose[iz] = fixed_to_mev(bins[iz]);
  const int imax = static_cast<int>(std::max_element(dose.begin(), dose.end()) - dose.begin());
  const double dmax = dose[imax];
  for (int iz = imax; iz < nz; ++iz) {
    if (dose[iz] > 0.8 * dmax || dose[iz] < 0.2 * dmax) continue;
    x.push_back((iz + 0.5) * dz);
    y.push_back(dose[iz]);
  }
  r.practical = tangent_intercept(x, y);
  return r;
}

// Extrapolated range of 1 MeV electrons in water against Tabata's formula, for the default step
// parameters and 4x finer steps (C1 = 0.05, f = 0.05), whose effect must stay below 2 %.
// The tolerance, 3 %, is asserted: measured +1.60 % (+2.42 % with fine steps) with
// Wcc = 50 keV (library format 6; +2.45 / +2.48 % with Wcc = 10 keV), since the
// soft-loss straggling keeps its variance for any step length (+2.4 % and +2.1 % before) and the
// soft inelastic deflections are part of lambda_1, lambda_2 (electron library format 5; before,
// with elastic deflections only, +3.9 %). The tangent estimator matters at this level: on the
// earlier curves a 4-slice secant at the steepest point gave 1.3 % less, a line over +-4 slices
// 0.6 % less than the cubic used here; Tabata's formula itself fits its Monte Carlo data to
// about 2 % (max), and Z_eff of water (6.6 here; 7.2 by mass) moves it by 2 %.
// The depth-dose practical range is printed as well (0.40 cm, about 9 % beyond Tabata's value),
// which is why the comparison uses Tabata's own (transmission) definition.
// Diagnostic, printed: with hard events off (continuous loss with S_tot, no straggling) the
// extrapolated range is 1.7 % below Tabata's: the discrete knock-on and bremsstrahlung losses
// broaden the transmission curve and move its tangent out by about 4 %.
TEST(ElectronTransport, ExtrapolatedRangeOfOneMeVBeamVersusTabata) {
  const double e = 1.0;
  const double r0 = electrons().value(ElectronQuantity::kCsdaRange, 0, water_index(), e);
  const double tabata = r0 * tabata_deviation_factor(e, 6.60);
  ElectronTransportParams csda_params = default_params();
  csda_params.hard_events = 0;
  csda_params.straggling = 0;
  const BeamRanges csda = beam_ranges(csda_params, e, 40000);
  std::printf(
      "1 MeV in water, hard events and straggling off: extrapolated range %.4f cm (%+.2f %%)\n",
      csda.extrapolated, 100 * (csda.extrapolated / tabata - 1));
  const BeamRanges coarse = beam_ranges(default_params(), e, 40000);
  ElectronTransportParams fine_params = default_params();
  fine_params.c1 = 0.05;
  fine_params.max_loss_fraction = 0.05;
  const BeamRanges fine = beam_ranges(fine_params, e, 40000);
  std::printf(
      "1 MeV in water: extrapolated range %.4f cm (C1 0.2, f 0.2), %.4f cm (C1 0.05, f 0.05); "
      "Tabata %.4f cm: %+.2f %%, %+.2f %%; depth-dose practical range %.4f / %.4f cm; R_CSDA "
      "%.4f cm\n",
      coarse.extrapolated, fine.extrapolated, tabata, 100 * (coarse.extrapolated / tabata - 1),
      100 * (fine.extrapolated / tabata - 1), coarse.practical, fine.practical, r0);
  EXPECT_NEAR(coarse.extrapolated / tabata, 1.0, 0.03);
  EXPECT_NEAR(fine.extrapolated / tabata, 1.0, 0.03);
  EXPECT_NEAR(coarse.extrapolated / fine.extrapolated, 1.0, 0.02);
  EXPECT_LT(coarse.practical, r0);
}

}  // namespace
}  // namespace gpudose
