// Independent references for the electron-table tests, read from the shared data directory:
//  - NIST ESTAR elemental collision and radiative stopping powers (openmc-misc/
//    stopping_powers_estar.h5; MeV cm2/g on 200 log points, 1 keV-1 GeV);
//  - ESTAR density-effect tables (egsnrc/pegs4/density_corrections/*/*.density: name line;
//    "npts I rho nelem"; (Z, mass fraction) pairs; then "T,delta" pairs). AGPL files: used only
//    as test references, nothing derived from them is shipped.
#pragma once

#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host/foundation/hdf5_handle.hh"
#include "phantoms/icrp110_tables.hh"

namespace gpudose::testref {

inline const std::string kData = GPUDOSE_TEST_DATA_DIR;

struct EstarElement {
  std::vector<double> e, s_col, s_rad;
  double i_ev = 0;
};

inline std::vector<double> h5_read(hid_t f, const std::string& name) {
  Hdf5Handle ds(H5Dopen2(f, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) return {};
  Hdf5Handle sp(H5Dget_space(ds), H5Sclose);
  std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp)));
  H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  return v;
}

inline EstarElement read_estar(int z) {
  EstarElement r;
  const std::string path = kData + "/physics-data-sources/openmc-misc/stopping_powers_estar.h5";
  Hdf5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.ok()) return r;
  char g[8];
  std::snprintf(g, sizeof g, "%03d", z);
  r.e = h5_read(f, "energy");
  r.s_col = h5_read(f, std::string(g) + "/s_collision");
  r.s_rad = h5_read(f, std::string(g) + "/s_radiative");
  Hdf5Handle grp(H5Gopen2(f, g, H5P_DEFAULT), H5Gclose);
  Hdf5Handle a(H5Aopen(grp, "I", H5P_DEFAULT), H5Aclose);
  H5Aread(a, H5T_NATIVE_DOUBLE, &r.i_ev);
  return r;
}

// Log-log interpolation on a tabulated grid (x ascending, inside the grid).
inline double loglog(const std::vector<double>& x, const std::vector<double>& y, double v) {
  std::size_t i = 1;
  while (i + 1 < x.size() && x[i] < v) ++i;
  const double f = std::log(v / x[i - 1]) / std::log(x[i] / x[i - 1]);
  return std::exp(std::log(y[i - 1]) + f * std::log(y[i] / y[i - 1]));
}

struct EstarDensityFile {
  std::string name;
  double i_ev = 0, density = 0;
  Medium medium;
  std::vector<double> t, delta;
};

// Reads egsnrc/pegs4/density_corrections/<kind>/<file>; empty name on failure.
inline EstarDensityFile read_density_file(const std::string& kind, const std::string& file) {
  EstarDensityFile d;
  std::ifstream in(kData + "/physics-data-sources/egsnrc/pegs4/density_corrections/" + kind + "/" +
                   file);
  if (!in) return d;
  std::string line;
  std::getline(in, line);
  int npts = 0, nel = 0;
  in >> npts >> d.i_ev >> d.density >> nel;
  for (int k = 0; k < nel; ++k) {
    ElementFraction e;
    in >> e.z >> e.mass_fraction;
    d.medium.elements.push_back(e);
  }
  double sum = 0;
  for (auto& e : d.medium.elements) sum += e.mass_fraction;
  for (auto& e : d.medium.elements) e.mass_fraction /= sum;
  d.medium.density_g_cm3 = d.density;
  d.medium.name = file;
  std::string tok;
  while (in >> tok) {
    const auto comma = tok.find(',');
    if (comma == std::string::npos) continue;
    d.t.push_back(std::stod(tok.substr(0, comma)));
    d.delta.push_back(std::stod(tok.substr(comma + 1)));
  }
  if (static_cast<int>(d.t.size()) == npts) d.name = file;
  return d;
}

// Linear interpolation of delta(T) in ln T (delta starts at 0 below threshold).
inline double delta_at(const EstarDensityFile& d, double t) {
  std::size_t i = 1;
  while (i + 1 < d.t.size() && d.t[i] < t) ++i;
  const double f = std::log(t / d.t[i - 1]) / std::log(d.t[i] / d.t[i - 1]);
  return d.delta[i - 1] + f * (d.delta[i] - d.delta[i - 1]);
}

// Atomic weights used by ESTAR (NIST) for the reference Z/A; independent of the engine's table
// on purpose (written again here).
inline double ref_atomic_weight(int z) {
  switch (z) {
    case 1:
      return 1.00794;
    case 6:
      return 12.0107;
    case 7:
      return 14.0067;
    case 8:
      return 15.9994;
    case 11:
      return 22.98977;
    case 12:
      return 24.305;
    case 13:
      return 26.981538;
    case 15:
      return 30.973761;
    case 16:
      return 32.065;
    case 17:
      return 35.453;
    case 19:
      return 39.0983;
    case 20:
      return 40.078;
    case 26:
      return 55.845;
    case 29:
      return 63.546;
    case 30:
      return 65.409;
    case 53:
      return 126.90447;
    case 82:
      return 207.2;
    default:
      return 0;
  }
}

// ICRU 37 collision stopping power (MeV cm2/g) for electrons with a given delta: written
// independently of the engine (ICRU Report 37, Bethe formula with the Moller function F-).
inline double icru37_scol_electron(double z_over_a, double i_ev, double delta, double t) {
  const double mc2 = 0.51099895;
  const double tau = t / mc2;
  const double g = tau + 1;
  const double b2 = 1 - 1 / (g * g);
  const double fm = 1 - b2 + (tau * tau / 8 - (2 * tau + 1) * std::log(2.0)) / (g * g);
  const double ir = i_ev * 1e-6 / mc2;
  return 0.153537466 * z_over_a / b2 *
         (std::log(tau * tau * (tau + 2) / (2 * ir * ir)) + fm - delta);
}

}  // namespace gpudose::testref
