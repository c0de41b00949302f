// Electron/positron tables against independent references: NIST ESTAR (water values quoted in
// issue 4; elemental stopping powers; density-effect tables of ESTAR for ICRP/ICRU tissues),
// analytic identities of the Moller/Bhabha cross sections, and a screened-Rutherford estimate of
// the transport mean free path. Tolerances are the acceptance ones of issue 4 unless stated.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "host/foundation/hdf5_handle.hh"
#include "host/foundation/user_error.hh"
#include "kernels/philox.hh"
#include "physics-data/electron_library.hh"
#include "physics-data/electron_medium_physics.hh"
#include "tests/physics/electron_reference.hh"
#include "tests/test_tmp.hh"

namespace gpudose {
namespace {

using testref::kData;

// SHA-256 of a file by an independent implementation (coreutils), "" if it cannot run.
std::string coreutils_sha256(const std::string& file) {
  std::string out;
  if (FILE* p = popen(("sha256sum '" + file + "'").c_str(), "r")) {
    char buf[128] = {};
    if (std::fgets(buf, sizeof buf, p)) out = std::string(buf).substr(0, 64);
    pclose(p);
  }
  return out;
}

Medium water() {
  Medium m;
  m.name = "water";
  m.density_g_cm3 = 1.0;
  m.elements = {{1, 0.111894}, {8, 0.888106}};
  return m;
}

const ElectronDataSources& sources() {
  static const ElectronDataSources d = load_electron_data_sources(
      kData, {1, 6, 7, 8, 11, 12, 13, 15, 16, 17, 19, 20, 26, 29, 53, 82});
  return d;
}

const std::vector<Medium>& af_media() {
  static const std::vector<Medium> m = load_icrp110_media(icrp110_side_file_dir(kData), "AF");
  return m;
}

const Medium& af_medium(int id) {
  for (const auto& m : af_media()) {
    if (m.id == id) return m;
  }
  throw std::runtime_error("no AF medium " + std::to_string(id));
}

// Water with the ICRU 37 I = 75 eV, and three ICRP 110 AF media: 2 mineral (cortical) bone,
// 29 muscle, 49 adipose; built once for the table tests.
const ElectronLibrary& library() {
  static const ElectronLibrary lib = [] {
    ElectronLibraryOptions o;
    o.mean_excitation_ev = {75.0};
    return compute_electron_library({water(), af_medium(2), af_medium(29), af_medium(49)}, kData,
                                    o);
  }();
  return lib;
}

TEST(ElectronTables, WaterCollisionStoppingPowerAndDelta) {
  const ElectronMediumPhysics w(water(), sources(), 75.0);
  // ESTAR water, liquid: S_col(1 MeV) = 1.849 MeV cm2/g (issue 4), within 0.5 %.
  EXPECT_NEAR(w.s_col(1.0, false), 1.849, 0.005 * 1.849);
  // ESTAR delta(1 MeV) = 0.243 +- 0.01.
  EXPECT_NEAR(w.density_effect(1.0), 0.243, 0.01);
  // The ICRU 37 Bragg rule with condensed-phase I values (H 19.2, O 106 eV) gives ~75.3 eV for
  // water: ICRU 37 quotes 75 eV as the adopted (measured) value, so the rule must be close.
  EXPECT_NEAR(icru37_mean_excitation_energy(water(), sources()), 75.0, 1.0);
}

TEST(ElectronTables, WaterCsdaRangesMatchEstar) {
  const ElectronLibrary& lib = library();
  // ESTAR water CSDA ranges (g/cm2), issue 4: within 1 %.
  const double t[4] = {0.01, 0.1, 1.0, 10.0};
  const double r[4] = {2.515e-4, 0.01431, 0.4367, 4.975};
  for (int k = 0; k < 4; ++k) {
    const double mine = lib.value(ElectronQuantity::kCsdaRange, 0, 0, t[k]) * 1.0;
    EXPECT_NEAR(mine / r[k], 1.0, 0.01) << "T = " << t[k] << " MeV: " << mine;
  }
}

// delta from our Sternheimer implementation vs the ESTAR density-effect tables, for ESTAR's own
// compositions, I and densities; and the Bethe S_col with our delta vs with ESTAR's delta
// (which is what ESTAR's S_col is). ESTAR uses the same method with the same shell data, so the
// only expected difference is the rounding of its tables to 4 digits: delta within 0.003 + 0.2 %
// (dropping the (2/3) f_i term, a common simplification, is off by 0.008-0.013 at 1-3 MeV and
// fails), S_col within 0.1 %. Energies up to 1 GeV so that the gas (air) has a non-zero delta.
TEST(ElectronTables, DensityEffectMatchesEstarTables) {
  for (const char* f :
       {"water_liquid.density", "tissue_soft_icrp.density", "bone_cortical_icrp.density",
        "muscle_skeletal_icrp.density", "adiposetissue_icrp.density", "lungtissue_icrp.density",
        "air_dry_nearsealevel.density"}) {
    const auto ref = testref::read_density_file("compounds", f);
    ASSERT_FALSE(ref.name.empty()) << f;
    ElectronDataSources d = load_electron_data_sources(kData, [&] {
      std::vector<int> zs;
      for (auto& e : ref.medium.elements) zs.push_back(e.z);
      return zs;
    }());
    const ElectronMediumPhysics m(ref.medium, d, ref.i_ev);
    for (double t : {0.1, 0.5, 1.0, 3.0, 10.0, 100.0, 1000.0}) {
      const double dref = testref::delta_at(ref, t);
      EXPECT_NEAR(m.density_effect(t), dref, 0.003 + 0.002 * dref) << f << " T=" << t;
      const double sref =
          testref::icru37_scol_electron(m.z_over_a(), ref.i_ev, dref, t) * ref.density;
      EXPECT_NEAR(m.s_col(t, false) / sref, 1.0, 0.001) << f << " T=" << t;
    }
  }
}

// Pure elements with ESTAR's density and I (egsnrc element files), conduction electrons where
// density_effect.h5 lists them: S_col and S_rad vs the ESTAR elemental tables, within 2 %.
TEST(ElectronTables, ElementalStoppingPowersMatchEstar) {
  const char* files[] = {"hydrogen.density", "carbon_graphite_2.000g_cm3.density",
                         "nitrogen.density", "oxygen.density",
                         "aluminum.density", "calcium.density",
                         "iron.density",     "copper.density",
                         "iodine.density",   "lead.density"};
  for (const char* f : files) {
    const auto ref = testref::read_density_file("elements", f);
    ASSERT_FALSE(ref.name.empty()) << f;
    const int z = ref.medium.elements.at(0).z;
    const auto estar = testref::read_estar(z);
    ASSERT_EQ(estar.e.size(), 200u) << f;
    const ElectronMediumPhysics m(ref.medium, sources(), ref.i_ev);
    for (double t : {0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0}) {
      const double sc = m.s_col(t, false) / ref.density;
      const double sr = m.s_rad(t, false) / ref.density;
      EXPECT_NEAR(sc / testref::loglog(estar.e, estar.s_col, t), 1.0, 0.02)
          << f << " S_col T=" << t;
      // Hydrogen: integrating the BREMX.DAT spectra gives an S_rad that rises above ESTAR's
      // tabulated one with energy (+0.5 % at 1 MeV, +2.2 % at 10 MeV, +2.8 % at 20 MeV; C, O
      // agree within 0.5 %); the difference is in the two NIST tabulations (electron-electron
      // bremsstrahlung, dominant for Z = 1), not in the integration, so H gets 3 % above 1 MeV.
      const double tol = (z == 1 && t > 1.0) ? 0.03 : 0.02;
      EXPECT_NEAR(sr / testref::loglog(estar.e, estar.s_rad, t), 1.0, tol) << f << " S_rad T=" << t;
    }
  }
}

// ICRP 110 media (our compositions, I from the ICRU 37 Bragg rule) against ESTAR for the
// nearest ESTAR ICRP tissue: S_col = Bethe with ESTAR's I and delta (which is how ESTAR computes
// it), range = integral of 1/S_tot with S_rad from ESTAR's additivity of its elemental S_rad.
// The compositions differ slightly (ICRP 110/89 vs the ICRP 23 tissues of ESTAR), which the 2 %
// tolerance of issue 4 allows for S_col and range. S_rad scales with sum w Z^2/A and so follows
// composition differences directly (adipose: O 28.7 % vs 23.2 % changes it by 2 %): S_rad is
// compared with the additivity of ESTAR elemental S_rad over each medium's own composition.
TEST(ElectronTables, Icrp110TissuesMatchEstarWithinTwoPercent) {
  struct Case {
    int library_index;  // in library()
    int icrp_medium;
    const char* estar;
  };
  std::map<int, testref::EstarElement> estar;
  auto srad_bragg = [&](const Medium& m, double t) {
    double s = 0;
    for (auto& e : m.elements) {
      if (!estar.count(e.z)) estar[e.z] = testref::read_estar(e.z);
      s += e.mass_fraction * testref::loglog(estar[e.z].e, estar[e.z].s_rad, t);
    }
    return s;
  };
  for (const Case c :
       {Case{1, 2, "bone_cortical_icrp.density"}, Case{2, 29, "muscle_skeletal_icrp.density"},
        Case{3, 49, "adiposetissue_icrp.density"}}) {
    const auto ref = testref::read_density_file("compounds", c.estar);
    ASSERT_FALSE(ref.name.empty()) << c.estar;
    double z_over_a = 0;
    for (auto& e : ref.medium.elements) {
      z_over_a += e.mass_fraction * e.z / testref::ref_atomic_weight(e.z);
    }
    auto stot_ref = [&](double t) {
      return testref::icru37_scol_electron(z_over_a, ref.i_ev, testref::delta_at(ref, t), t) +
             srad_bragg(ref.medium, t);
    };
    const ElectronLibrary& lib = library();
    const int m = c.library_index;
    const double rho = lib.densities()[m];
    const Medium& own = af_medium(c.icrp_medium);
    // Reference CSDA range: trapezoid in ln T (2000 steps per decade-ish segment) from 1 keV,
    // plus the power-law extrapolation below 1 keV (R = T0 / ((1 + p) S(T0))).
    const double t0 = 1e-3;
    const double p = -std::log(stot_ref(1.05 * t0) / stot_ref(t0)) / std::log(1.05);
    double r = t0 / ((1 + p) * stot_ref(t0));
    double prev_t = t0;
    for (double t : {0.01, 0.1, 1.0, 10.0}) {
      const int n = 2000;
      for (int k = 0; k < n; ++k) {
        const double a = std::log(prev_t) + std::log(t / prev_t) * k / n;
        const double b = std::log(prev_t) + std::log(t / prev_t) * (k + 1) / n;
        const double ea = std::exp(a);
        const double eb = std::exp(b);
        r += 0.5 * (b - a) * (ea / stot_ref(ea) + eb / stot_ref(eb));
      }
      prev_t = t;
      const double sc = lib.value(ElectronQuantity::kStoppingCollision, 0, m, t) / rho;
      const double sr = lib.value(ElectronQuantity::kStoppingRadiative, 0, m, t) / rho;
      const double range = lib.value(ElectronQuantity::kCsdaRange, 0, m, t) * rho;
      const double sc_ref =
          testref::icru37_scol_electron(z_over_a, ref.i_ev, testref::delta_at(ref, t), t);
      EXPECT_NEAR(sc / sc_ref, 1.0, 0.02) << c.estar << " S_col T=" << t;
      EXPECT_NEAR(range / r, 1.0, 0.02) << c.estar << " range T=" << t;
      EXPECT_NEAR(sr / srad_bragg(own, t), 1.0, 0.02) << own.name << " S_rad T=" << t;
      std::printf(
          "[ info ] %s vs %s T=%g MeV: S_col %+.2f %%, S_rad(own) %+.2f %%, range %+.2f %%\n",
          own.name.c_str(), c.estar, t, 100 * (sc / sc_ref - 1),
          100 * (sr / srad_bragg(own, t) - 1), 100 * (range / r - 1));
    }
  }
}

// The elastic cross sections read from pdeel (sigma, sigma_1, sigma_2 for e- in columns 2-4 and
// e+ in 5-7) equal the integrated values that head every DCS block of the separate ELSEPA files
// eeldx (e-, "-1 Z E sigma sigma_1 sigma_2") and peldx (e+, "1 Z E ..."): checks the column
// order and units of our reader against an independent file, at every common energy.
TEST(ElectronTables, ElasticReaderMatchesElsepaBlockHeaders) {
  for (int z : {1, 8}) {
    char name[64];
    std::snprintf(name, sizeof name, "pdeel%02d.p08.gz", z);
    const auto el =
        read_penelope_elastic(kData + "/physics-data-sources/penelope2018/pdfiles/" + name, z);
    for (int p = 0; p < 2; ++p) {
      std::snprintf(name, sizeof name, "%celdx%03d.p08.gz", p ? 'p' : 'e', z);
      const std::string cmd =
          "gzip -dc '" + kData + "/physics-data-sources/penelope2018/pdfiles/" + name + "'";
      FILE* f = popen(cmd.c_str(), "r");
      ASSERT_NE(f, nullptr) << name;
      char line[512];
      int matched = 0;
      while (std::fgets(line, sizeof line, f)) {
        int flag = 0, zz = 0;
        double e = 0, s0 = 0, s1 = 0, s2 = 0;
        if (std::sscanf(line, "%d %d %lf %lf %lf %lf", &flag, &zz, &e, &s0, &s1, &s2) != 6) {
          continue;
        }
        if (flag != (p ? 1 : -1) || zz != z) continue;
        for (std::size_t i = 0; i < el.e_mev.size(); ++i) {
          if (std::abs(el.e_mev[i] * 1e6 / e - 1) > 1e-9) continue;
          EXPECT_NEAR(el.sigma[p][i] / s0, 1.0, 1e-5) << name << " E=" << e;
          EXPECT_NEAR(el.sigma1[p][i] / s1, 1.0, 1e-5) << name << " E=" << e;
          EXPECT_NEAR(el.sigma2[p][i] / s2, 1.0, 1e-5) << name << " E=" << e;
          ++matched;
        }
      }
      pclose(f);
      EXPECT_GT(matched, 50) << name;
    }
  }
}

// Restricted collision stopping power + the hard-collision loss integrated numerically from the
// Moller/Bhabha DCS (Simpson in ln W, 2000 steps) = unrestricted Bethe S_col, within 0.5 %; the
// hard cross section equals the numerical integral of the DCS (0.1 %).
TEST(ElectronTables, RestrictedPlusHardEqualsUnrestricted) {
  const ElectronMediumPhysics w(water(), sources(), 75.0);
  const double kk_per_beta2 = kBetheConstant * w.z_over_a() * w.density();
  for (bool pos : {false, true}) {
    for (double wcc : {0.001, 0.01, 0.1}) {
      for (double t : {0.05, 0.3, 1.0, 5.0, 20.0}) {
        const double wmax = pos ? t : 0.5 * t;
        if (wcc >= wmax) continue;
        const double tau = t / kElectronMassMeV;
        const double beta2 = tau * (tau + 2) / ((tau + 1) * (tau + 1));
        const double kk = kk_per_beta2 / beta2;
        const int n = 2000;
        const double a = std::log(wcc);
        const double h = (std::log(wmax) - a) / n;
        double loss = 0;
        double number = 0;
        for (int k = 0; k <= n; ++k) {
          const double wgt = (k == 0 || k == n) ? 1 : (k % 2 ? 4 : 2);
          const double wv = std::exp(a + k * h);
          const double dcs = collision_dcs(t, wv, pos);
          loss += wgt * dcs * wv * wv;  // W dsigma/dW dW = W^2 dsigma/dW d(ln W)
          number += wgt * dcs * wv;
        }
        loss *= kk * h / 3;
        number *= kk * h / 3;
        const double total = w.s_col_restricted(t, wcc, pos) + loss;
        EXPECT_NEAR(total / w.s_col(t, pos), 1.0, 0.005)
            << (pos ? "e+" : "e-") << " T=" << t << " Wcc=" << wcc;
        EXPECT_NEAR(w.hard_inelastic_xs(t, wcc, pos) / number, 1.0, 1e-3)
            << (pos ? "e+" : "e-") << " T=" << t << " Wcc=" << wcc;
      }
    }
  }
}

// The restricted electron stopping power in the closed form of ICRU 37 (Berger-Seltzer
// F-(tau, Delta)), written here independently, equals ours within 1e-6 relative.
TEST(ElectronTables, RestrictedElectronMatchesIcru37ClosedForm) {
  const ElectronMediumPhysics w(water(), sources(), 75.0);
  for (double wcc : {0.001, 0.01, 0.1}) {
    for (double t : {0.05, 0.3, 1.0, 5.0}) {
      if (wcc >= 0.5 * t) continue;
      const double tau = t / kElectronMassMeV;
      const double g = tau + 1;
      const double b2 = 1 - 1 / (g * g);
      const double d = wcc / kElectronMassMeV;
      const double ir = 75e-6 / kElectronMassMeV;
      const double f = -1 - b2 + std::log((tau - d) * d) + tau / (tau - d) +
                       (d * d / 2 + (2 * tau + 1) * std::log(1 - d / tau)) / (g * g);
      const double ref = kBetheConstant * w.z_over_a() / b2 *
                         (std::log(2 * (tau + 2) / (ir * ir)) + f - w.density_effect(t));
      EXPECT_NEAR(w.s_col_restricted(t, wcc, false) / ref, 1.0, 1e-6) << t << " " << wcc;
    }
  }
}

// The same for positrons: the Berger-Seltzer restricted Bhabha function (ICRU 37),
//   G+(tau, D) = ln(tau D) - (beta^2/tau) [tau + 2D - (3/2) D^2 y - (D - D^3/3) y^2
//                - (D^2/2 - tau D^3/3 + D^4/4) y^3],  y = 1/(tau + 2),
// with S = K [ln(2 (tau + 2)/(I/mc^2)^2) + G+ - delta]; it also checks that our Bhabha DCS and
// the unrestricted F+ of ICRU 37 agree (D = tau reproduces F+).
TEST(ElectronTables, RestrictedPositronMatchesIcru37ClosedForm) {
  const ElectronMediumPhysics w(water(), sources(), 75.0);
  for (double wcc : {0.001, 0.01, 0.1}) {
    for (double t : {0.05, 0.3, 1.0, 5.0}) {
      if (wcc >= t) continue;
      const double tau = t / kElectronMassMeV;
      const double g = tau + 1;
      const double b2 = 1 - 1 / (g * g);
      const double d = wcc / kElectronMassMeV;
      const double y = 1 / (tau + 2);
      const double ir = 75e-6 / kElectronMassMeV;
      const double gp = std::log(tau * d) -
                        b2 / tau *
                            (tau + 2 * d - 1.5 * d * d * y - (d - d * d * d / 3) * y * y -
                             (d * d / 2 - tau * d * d * d / 3 + d * d * d * d / 4) * y * y * y);
      const double ref = kBetheConstant * w.z_over_a() / b2 *
                         (std::log(2 * (tau + 2) / (ir * ir)) + gp - w.density_effect(t));
      EXPECT_NEAR(w.s_col_restricted(t, wcc, true) / ref, 1.0, 1e-6) << t << " " << wcc;
    }
  }
}

// lambda_1 of water vs the screened Rutherford (Wentzel) model with Moliere's screening
// parameter A = (h_bar/(2 p a_TF))^2 (1.13 + 3.76 (alpha Z/beta)^2), a_TF = 0.8853 a_0 Z^-1/3:
// sigma_1 = 2 pi (Z r_e m c^2/(p beta c))^2 [ln(1 + 1/A) - 1/(1 + A)] per atom (H. A. Bethe,
// Phys. Rev. 89 (1953) 1256; Moliere 1947). The model neglects spin (Mott) and the exact atomic
// potential, which for water at 1-20 MeV changes sigma_1 by about 10 % (ICRU Report 77 shows
// screened-Rutherford transport cross sections within ~10-20 % of partial-wave ones at these
// energies): tolerance 15 %.
TEST(ElectronTables, WaterTransportMfpMatchesScreenedRutherford) {
  const ElectronMediumPhysics w(water(), sources(), 75.0);
  const double mc2 = kElectronMassMeV;
  const double re = 2.8179403262e-13;
  const double a0 = 0.529177210903e-8;   // cm
  const double hbarc = 1.973269804e-11;  // MeV cm
  const double alpha = 1 / 137.035999;
  for (double t : {1.0, 5.0, 20.0}) {
    const double pc = std::sqrt(t * (t + 2 * mc2));
    const double beta = pc / (t + mc2);
    double inv = 0;
    const double n_mol = w.density() / (2 * 1.00794 + 15.9994) * 6.02214076e23;
    for (auto [z, count] : {std::pair<int, int>{1, 2}, {8, 1}}) {
      const double a_tf = 0.8853 * a0 * std::pow(z, -1.0 / 3.0);
      const double aa =
          std::pow(hbarc / (2 * pc * a_tf), 2) * (1.13 + 3.76 * std::pow(alpha * z / beta, 2));
      const double r = z * re * mc2 / (pc * beta);
      const double s1 = 2 * M_PI * r * r * (std::log(1 + 1 / aa) - 1 / (1 + aa));
      inv += count * n_mol * s1;
    }
    const double lambda_ref = 1 / inv;
    EXPECT_NEAR(w.transport_mfp1(t, false) / lambda_ref, 1.0, 0.15) << "T=" << t;
    std::printf("[ info ] water lambda_1(%g MeV) = %.5g cm, screened Rutherford %.5g cm\n", t,
                w.transport_mfp1(t, false), lambda_ref);
  }
}

// Tables vs direct evaluation half-way between grid points (worst case for the ln T linear
// interpolation): within 0.1 % for smooth quantities, 0.5 % for the hard cross sections.
TEST(ElectronTables, GridInterpolationError) {
  const ElectronLibrary& lib = library();
  const ElectronMediumPhysics w(water(), sources(), 75.0);
  const auto& e = lib.energies();
  double worst = 0;
  for (std::size_t i = 1; i + 1 < e.size(); i += 7) {
    const double t = std::sqrt(e[i] * e[i + 1]);
    for (int p = 0; p < 2; ++p) {
      const bool pos = p == 1;
      auto rel = [&](ElectronQuantity q, double direct) {
        return std::abs(lib.value(q, p, 0, t) / direct - 1);
      };
      const double r1 = rel(ElectronQuantity::kStoppingCollision, w.s_col(t, pos));
      const double r2 = rel(ElectronQuantity::kStoppingRadiative, w.s_rad(t, pos));
      const double r3 = rel(ElectronQuantity::kTransportMfp1,
                            1 / (1 / w.transport_mfp1(t, pos) +
                                 w.soft_inelastic_transport_xs(t, lib.wcc_mev(), pos, 1)));
      EXPECT_LT(r1, 1e-3) << t;
      EXPECT_LT(r2, 1e-3) << t;
      EXPECT_LT(r3, 1e-3) << t;
      // Range (log-log): vs the table's own neighbours integrated exactly is not available
      // directly, so compare the local slope dR/dT of the interpolant with 1/S_tot (0.5 %).
      if (t > 1.1e-3) {
        const double h = 1e-4 * t;
        const double slope = (lib.value(ElectronQuantity::kCsdaRange, p, 0, t + h) -
                              lib.value(ElectronQuantity::kCsdaRange, p, 0, t - h)) /
                             (2 * h);
        EXPECT_NEAR(slope * (w.s_col(t, pos) + w.s_rad(t, pos)), 1.0, 5e-3) << t;
      }
      worst = std::max({worst, r1, r2, r3});
      // Away from the thresholds at 2 Wcc (Moller; Wcc for Bhabha) and Wcr.
      if (t > 3 * lib.wcc_mev()) {
        EXPECT_LT(
            rel(ElectronQuantity::kHardInelasticXs, w.hard_inelastic_xs(t, lib.wcc_mev(), pos)),
            5e-3)
            << t;
      }
      if (t > 5 * lib.wcr_mev()) {
        EXPECT_LT(rel(ElectronQuantity::kHardBremsXs, w.hard_brems_xs(t, lib.wcr_mev(), pos)), 5e-3)
            << t;
      }
    }
  }
  std::printf("[ info ] worst mid-point interpolation error (S_col, S_rad, lambda_1): %.2e\n",
              worst);
}

// electron_energy_after_soft_path: (1) the round trip T -> path R_s(T) - R_s(T2) -> T2 is exact
// to 1e-9; (2) over a short path the energy lost equals restricted S x path (first order, 0.5 %);
// (3) the path that exhausts the soft range gives 0. The soft range exceeds the CSDA range
// (restricted stopping power < total).
TEST(ElectronTables, EnergyAfterSoftPath) {
  const ElectronLibrary& lib = library();
  const ElectronTablesView& v = lib.view();
  const ElectronMediumPhysics w(water(), sources(), 75.0);
  for (int p = 0; p < 2; ++p) {
    for (double t : {0.005, 0.05, 0.7, 3.0, 15.0}) {
      const double rs = lib.value(ElectronQuantity::kSoftRange, p, 0, t);
      EXPECT_GE(rs, lib.value(ElectronQuantity::kCsdaRange, p, 0, t) * (1 - 1e-12)) << t;
      for (double t2 : {0.0011, 0.6 * t, 0.99 * t}) {
        const double path = rs - lib.value(ElectronQuantity::kSoftRange, p, 0, t2);
        EXPECT_NEAR(electron_energy_after_soft_path(v, p, 0, t, path) / t2, 1.0, 1e-9) << t;
      }
      const double s_soft = w.s_col_restricted(t, lib.wcc_mev(), p == 1) +
                            w.s_rad_restricted(t, lib.wcr_mev(), p == 1);
      const double step = 1e-3 * t / s_soft;  // loses ~0.1 % of T
      const double lost = t - electron_energy_after_soft_path(v, p, 0, t, step);
      EXPECT_NEAR(lost / (s_soft * step), 1.0, 5e-3) << t;
      EXPECT_EQ(electron_energy_after_soft_path(v, p, 0, t, rs * 1.0001), 0.0);
    }
  }
}

// Soft straggling Omega^2 = int_0^Wcc W^2 dsigma/dW: for T >> Wcc the DCS is Rutherford-like
// (F -> 1 at small W/T) and Omega^2 -> K Wcc (Bohr's result for the close collisions);
// for e- with Wcc >= T/2 it is the full free-electron integral int_0^{T/2} (always positive,
// growing with Wcc).
// K / beta^2 of a medium at kinetic energy t (MeV/cm): the free-electron collision DCS is
// K / beta^2 F(W/T) / W^2.
double bethe_k(const ElectronMediumPhysics& w, double t) {
  const double tau = t / kElectronMassMeV;
  const double beta2 = tau * (tau + 2) / ((tau + 1) * (tau + 1));
  return kBetheConstant * w.z_over_a() * w.density() / beta2;
}

TEST(ElectronTables, SoftStragglingBohrLimit) {
  const ElectronMediumPhysics w(water(), sources(), 75.0);
  for (bool pos : {false, true}) {
    for (double t : {5.0, 20.0}) {
      const double kk = bethe_k(w, t);
      EXPECT_NEAR(w.soft_straggling(t, 0.01, pos) / (kk * 0.01), 1.0, 0.01) << t;
    }
    EXPECT_GT(w.soft_straggling(1.0, 0.02, pos), w.soft_straggling(1.0, 0.01, pos));
  }
  EXPECT_NEAR(w.soft_straggling(0.1, 0.2, false), w.soft_straggling(0.1, 0.05, false), 1e-12);
}

// Soft inelastic angular deflection (binary collisions from W = I to Wcc): for T >> Wcc the
// Moller/Bhabha factor F is 1 and 1 - cos theta = m c^2 W / (T (T + 2 m c^2)) to O(W/T), so
// sigma_1 -> K/beta^2 m c^2 / (T (T + 2 m c^2)) ln(Wcc / I), and 1 - P_2 = 3 (1 - cos theta) to
// the same order, so sigma_2 -> 3 sigma_1 (checked within 1 % at 5 and 20 MeV). Nothing when
// Wcc <= I. Its size against the elastic 1/lambda_1 is printed (7-10 % for water, 0.05-1 MeV).
TEST(ElectronTables, SoftInelasticDeflectionSmallAngleLimit) {
  const ElectronMediumPhysics w(water(), sources(), 75.0);
  for (bool pos : {false, true}) {
    for (double t : {5.0, 20.0}) {
      const double ref = bethe_k(w, t) * kElectronMassMeV / (t * (t + 2 * kElectronMassMeV)) *
                         std::log(0.01 / 75e-6);
      const double s1 = w.soft_inelastic_transport_xs(t, 0.01, pos, 1);
      EXPECT_NEAR(s1 / ref, 1.0, 0.01) << t << " MeV, positron " << pos;
      EXPECT_NEAR(w.soft_inelastic_transport_xs(t, 0.01, pos, 2) / (3 * s1), 1.0, 0.01) << t;
    }
    EXPECT_EQ(w.soft_inelastic_transport_xs(1.0, 50e-6, pos, 1), 0.0);
  }
  for (double t : {0.05, 0.5, 1.0}) {
    std::printf(
        "[ info ] water, %g MeV e-: soft inelastic sigma_1 = %.4g /cm = %.1f %% of elastic\n", t,
        w.soft_inelastic_transport_xs(t, 0.01, false, 1),
        100 * w.soft_inelastic_transport_xs(t, 0.01, false, 1) * w.transport_mfp1(t, false));
  }
}

// Heitler's annihilation cross section: at low energy it tends to Dirac's non-relativistic
// limit pi r_e^2 c/v per electron (within 2 % at 1 keV), and at high energy to
// pi r_e^2 / gamma (ln 2 gamma - 1), whose corrections are O(ln(2 gamma) / gamma) (8 % at
// 20 MeV), so it is checked at 10 GeV (within 0.5 %); both limits follow from Heitler's formula
// independently of how it is coded (W. Heitler 1954).
TEST(ElectronTables, AnnihilationLimits) {
  const ElectronMediumPhysics w(water(), sources(), 75.0);
  const double pr2 = M_PI * 2.8179403262e-13 * 2.8179403262e-13;
  {
    const double t = 1e-3;
    const double g = 1 + t / kElectronMassMeV;
    const double beta = std::sqrt(1 - 1 / (g * g));
    EXPECT_NEAR(w.annihilation_xs(t) / (w.electron_density() * pr2 / beta), 1.0, 0.02);
  }
  {
    const double t = 1e4;
    const double g = 1 + t / kElectronMassMeV;
    EXPECT_NEAR(w.annihilation_xs(t) / (w.electron_density() * pr2 / g * (std::log(2 * g) - 1)),
                1.0, 0.005);
  }
  EXPECT_EQ(library().value(ElectronQuantity::kAnnihilationXs, 0, 0, 1.0), 0.0);
  EXPECT_NEAR(
      library().value(ElectronQuantity::kAnnihilationXs, 1, 0, 1.0) / w.annihilation_xs(1.0), 1.0,
      1e-3);
}

// Sampled hard-bremsstrahlung photon energies: the mean W/T over 200000 samples equals the
// spectrum-weighted mean from direct quadrature within 5 standard errors.
TEST(ElectronTables, HardBremsSamplingMean) {
  const ElectronLibrary& lib = library();
  const ElectronMediumPhysics w(water(), sources(), 75.0);
  const ElectronTablesView& v = lib.view();
  for (double t : {0.1, 1.0, 10.0}) {
    // Reference: <kappa> = int kappa chi d(ln kappa) / int chi d(ln kappa) over [Wcr/T, 1].
    const int n = 4000;
    const double lk = std::log(v.wcr_mev / t);
    double num = 0, den = 0;
    for (int k = 0; k <= n; ++k) {
      const double wgt = (k == 0 || k == n) ? 1 : (k % 2 ? 4 : 2);
      const double kap = std::exp(lk * (1 - static_cast<double>(k) / n));
      const double f = w.brems_spectrum(t, kap);
      num += wgt * kap * f;
      den += wgt * f;
    }
    const double mean_ref = num / den;
    const int ns = 200000;
    double s = 0, s2 = 0;
    std::uint64_t state = 12345;
    auto uni = [&] {  // splitmix64: a deterministic uniform stream for the test
      state += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = state;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      z ^= z >> 31;
      return (z >> 11) * (1.0 / 9007199254740992.0);
    };
    for (int k = 0; k < ns; ++k) {
      const double wv = sample_hard_brems_energy(v, 0, t, uni(), uni());
      ASSERT_GE(wv, v.wcr_mev * (1 - 1e-12));
      ASSERT_LE(wv, t * (1 + 1e-12));
      s += wv / t;
      s2 += (wv / t) * (wv / t);
    }
    const double mean = s / ns;
    const double se = std::sqrt((s2 / ns - mean * mean) / ns);
    EXPECT_NEAR(mean, mean_ref, 5 * se + 2e-3 * mean_ref) << "T=" << t;
  }
}

// The rejection bounds of sample_hard_collision_energy hold: Bhabha F <= 1 on [0, 1] and Moller
// F <= 1 + 5a/4 on [0, 1/2], for T from 1 keV to 1 GeV (F = W^2 dsigma/dW, from collision_dcs).
TEST(ElectronTables, HardCollisionRejectionBounds) {
  for (double t = 1e-3; t < 1e3; t *= 1.3) {
    const double g = 1 + t / kElectronMassMeV;
    const double a = ((g - 1) / g) * ((g - 1) / g);
    for (int k = 1; k < 1000; ++k) {
      const double eps = k / 1000.0;
      const double w = eps * t;
      EXPECT_LE(collision_dcs(t, w, true) * w * w, 1.0 + 1e-12) << t << " " << eps;
      if (eps <= 0.5) {
        EXPECT_LE(collision_dcs(t, w, false) * w * w, 1.0 + 1.25 * a + 1e-12) << t << " " << eps;
      }
    }
  }
}

// Sampled Moller/Bhabha energy transfers (Philox stream) against the DCS: chi-square over 12
// bins uniform in ln W, expected counts from Simpson
// integration of collision_dcs; chi-square below 32.9 (p = 0.001 for 11 degrees of freedom),
// and the sample mean within 5 standard errors of the ratio of the closed-form integrals.
TEST(ElectronTables, HardCollisionSamplingMatchesDcs) {
  const double wcc = 0.01;
  std::uint32_t job = 0;
  for (bool pos : {false, true}) {
    for (double t : {0.05, 1.0, 15.0}) {
      const double wmax = pos ? t : 0.5 * t;
      const int nb = 12;
      const double la = std::log(wcc);
      const double lb = std::log(wmax);
      std::vector<double> expect(nb);
      double total = 0;
      for (int b = 0; b < nb; ++b) {
        const double a0 = la + (lb - la) * b / nb;
        const double a1 = la + (lb - la) * (b + 1) / nb;
        const int n = 200;
        double sum = 0;
        for (int k = 0; k <= n; ++k) {
          const double wgt = (k == 0 || k == n) ? 1 : (k % 2 ? 4 : 2);
          const double wv = std::exp(a0 + (a1 - a0) * k / n);
          sum += wgt * collision_dcs(t, wv, pos) * wv;
        }
        expect[b] = sum * (a1 - a0) / (3 * n);
        total += expect[b];
      }
      RngStream rng(2026, job++, 0);
      const int ns = 100000;
      std::vector<double> count(nb, 0.0);
      double s = 0, s2 = 0;
      for (int k = 0; k < ns; ++k) {
        const double wv = sample_hard_collision_energy(t, wcc, pos, rng);
        ASSERT_GE(wv, wcc);
        ASSERT_LE(wv, wmax);
        int b = static_cast<int>((std::log(wv) - la) / (lb - la) * nb);
        b = std::min(std::max(b, 0), nb - 1);
        count[b] += 1;
        s += wv;
        s2 += wv * wv;
      }
      double chi2 = 0;
      for (int b = 0; b < nb; ++b) {
        const double e = ns * expect[b] / total;
        chi2 += (count[b] - e) * (count[b] - e) / e;
      }
      EXPECT_LT(chi2, 32.9) << (pos ? "e+" : "e-") << " T=" << t;
      const double mean = s / ns;
      const double se = std::sqrt((s2 / ns - mean * mean) / ns);
      const double mean_ref = hard_collision_energy_loss_integral(t, wcc, pos) /
                              hard_collision_number_integral(t, wcc, pos);
      EXPECT_NEAR(mean, mean_ref, 5 * se) << (pos ? "e+" : "e-") << " T=" << t;
    }
  }
}

TEST(ElectronTables, PositronBremsRatioLimits) {
  // Kim et al. (1986): the ratio tends to 0 at low energy and to 1 at high energy.
  EXPECT_LT(positron_brems_ratio(8, 1e-3), 0.5);
  EXPECT_GT(positron_brems_ratio(8, 1e3), 0.95);
  EXPECT_LT(positron_brems_ratio(82, 1.0), positron_brems_ratio(8, 1.0));
}

TEST(ElectronLibraryFile, RoundTripAndFastLoad) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "gpudose_electron_lib_test.h5").string();
  ElectronLibraryOptions o;
  o.mean_excitation_ev = {75.0};
  const ElectronLibrary built = build_electron_library({water(), af_medium(29)}, kData, path, o);
  const auto t0 = std::chrono::steady_clock::now();
  const ElectronLibrary lib = load_electron_library(path);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ info ] load_electron_library: %.2f ms for 2 media\n", ms);
  EXPECT_LT(ms, 1000.0);
  ASSERT_EQ(lib.n_media(), 2);
  EXPECT_EQ(lib.medium_names()[1], af_medium(29).name);
  EXPECT_DOUBLE_EQ(lib.mean_excitation_ev()[0], 75.0);
  EXPECT_GE(lib.sources().size(), 4u);  // density_effect.h5, BREMX, pdeel01, pdeel08, ...
  // Each source is recorded with its size and SHA-256 (the project's one file digest), and the
  // records survive the round trip; the digest is checked against coreutils' sha256sum.
  ASSERT_EQ(lib.sources().size(), built.sources().size());
  for (std::size_t i = 0; i < lib.sources().size(); ++i) {
    const SourceFileRecord& s = lib.sources()[i];
    const std::string file = kData + "/" + s.path;
    EXPECT_EQ(s.path, built.sources()[i].path);
    EXPECT_EQ(s.sha256, built.sources()[i].sha256) << s.path;
    EXPECT_EQ(s.size, std::filesystem::file_size(file)) << s.path;
    EXPECT_EQ(s.sha256, coreutils_sha256(file)) << s.path;
  }
  for (int q = 0; q < static_cast<int>(ElectronQuantity::kCount); ++q) {
    for (double t : {0.002, 0.5, 15.0}) {
      EXPECT_EQ(lib.value(static_cast<ElectronQuantity>(q), 1, 1, t),
                built.value(static_cast<ElectronQuantity>(q), 1, 1, t));
    }
  }
  const auto rows = describe_electron(lib, 0, 1.0, false);
  ASSERT_GE(rows.size(), 15u);
  bool found = false;
  for (const auto& [name, value, unit] : rows) {
    if (name == "collision stopping power S_col/rho") {
      found = true;
      EXPECT_NEAR(value, 1.849, 0.01);
      EXPECT_EQ(unit, "MeV cm2/g");
    }
  }
  EXPECT_TRUE(found);
  const auto table = electron_table_rows(lib, 1, true);
  EXPECT_EQ(table.rows.size(), lib.energies().size());
  EXPECT_EQ(table.rows[0].size(), table.header.size());
  EXPECT_GE(lib.energies().size(), 431u);  // >= 100 points per decade over 1 keV-20 MeV
  EXPECT_THROW(describe_electron(lib, 5, 1.0, false), UserError);
  EXPECT_THROW(describe_electron(lib, 0, 100.0, false), UserError);
  std::filesystem::remove(path);
}

// A library is current only with the media it was built for and unchanged source files: a data
// folder that mirrors the real one (symbolic links) keeps it current; one source file with a
// byte changed, or another medium list, does not (ensure_electron_library then rebuilds).
TEST(ElectronLibraryFile, CurrentOnlyWithUnchangedSources) {
  const ElectronLibrary& lib = library();
  const std::filesystem::path mirror = std::filesystem::path(test::scratch_dir()) / "data-mirror";
  std::filesystem::remove_all(mirror);
  for (const SourceFileRecord& s : lib.sources()) {
    std::filesystem::create_directories((mirror / s.path).parent_path());
    std::filesystem::create_symlink(std::filesystem::path(kData) / s.path, mirror / s.path);
  }
  EXPECT_TRUE(electron_library_is_current(lib, lib.medium_names(), mirror.string()));
  std::vector<std::string> other = lib.medium_names();
  other.pop_back();
  EXPECT_FALSE(electron_library_is_current(lib, other, mirror.string()));
  // Replace the first source by a copy with its last byte changed (same size).
  const std::filesystem::path first = mirror / lib.sources()[0].path;
  std::filesystem::remove(first);
  std::filesystem::copy_file(std::filesystem::path(kData) / lib.sources()[0].path, first);
  {
    std::fstream f(first, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-1, std::ios::end);
    const char c = static_cast<char>(f.get());
    f.seekp(-1, std::ios::end);
    f.put(static_cast<char>(c ^ 1));
  }
  EXPECT_FALSE(electron_library_is_current(lib, lib.medium_names(), mirror.string()));
  std::filesystem::remove_all(mirror);
}

// A library of an older format (3: CRC-32 source records) is refused with its version named,
// which is what makes the run and physics commands rebuild it.
TEST(ElectronLibraryFile, OlderFormatIsRefused) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "gpudose_electron_lib_v3.h5").string();
  {
    Hdf5Handle f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    ASSERT_TRUE(f.ok());
    Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Hdf5Handle a(H5Acreate2(f, "format_version", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT),
                 H5Aclose);
    const double v3 = 3;
    ASSERT_GE(H5Awrite(a, H5T_NATIVE_DOUBLE, &v3), 0);
  }
  try {
    load_electron_library(path);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("format version 3"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

TEST(ElectronLibraryFile, MissingOrCorruptFilesNameTheFile) {
  const auto tmp = std::filesystem::temp_directory_path();
  const std::string missing = (tmp / "gpudose_no_such_electron_lib.h5").string();
  try {
    load_electron_library(missing);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  const std::string corrupt = (tmp / "gpudose_corrupt_electron_lib.h5").string();
  std::ofstream(corrupt) << "not an hdf5 file";
  try {
    load_electron_library(corrupt);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(corrupt), std::string::npos) << e.what();
  }
  std::filesystem::remove(corrupt);
  // A data directory without the sources: the error names the first missing file.
  const std::string empty_dir = (tmp / "gpudose_empty_data_dir").string();
  std::filesystem::create_directories(empty_dir);
  try {
    load_electron_data_sources(empty_dir, {1, 8});
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("BREMX.DAT.gz"), std::string::npos) << e.what();
  }
  // A truncated gzip Seltzer-Berger file.
  const std::string bad_sb = (tmp / "gpudose_bad_bremx.dat").string();
  std::ofstream(bad_sb) << " BREMSPEC\n x\n y\n z\n 57 30\n 0.001 0.0015\n";
  try {
    read_seltzer_berger(bad_sb);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(bad_sb), std::string::npos) << e.what();
  }
  std::filesystem::remove(bad_sb);
  // A density-effect file that is not HDF5, and a PENELOPE elastic file with a wrong Z line.
  const std::string bad_h5 = (tmp / "gpudose_bad_density_effect.h5").string();
  std::ofstream(bad_h5) << "garbage";
  try {
    read_density_effect_shells(bad_h5, 8);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(bad_h5), std::string::npos) << e.what();
  }
  std::filesystem::remove(bad_h5);
  const std::string bad_eel = (tmp / "gpudose_bad_pdeel.p08").string();
  std::ofstream(bad_eel) << "   7\n 5.000E+01 1 2 3 4 5 6\n";
  try {
    read_penelope_elastic(bad_eel, 8);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(bad_eel), std::string::npos) << e.what();
  }
  std::filesystem::remove(bad_eel);
  std::filesystem::remove(empty_dir);
}

}  // namespace
}  // namespace gpudose
