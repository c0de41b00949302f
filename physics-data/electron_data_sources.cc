#include "physics-data/electron_data_sources.hh"

#include <hdf5.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "host/foundation/hdf5_handle.hh"
#include "host/foundation/sha256.hh"
#include "host/foundation/user_error.hh"
#include "kernels/atomic_weights.hh"

namespace gpudose {
namespace {

const char* const kTodo = "check --data-dir / GPUDOSE_DATA points at the shared data folder";

[[noreturn]] void bad_file(const std::string& path, const std::string& why) {
  throw UserError("cannot use '" + path + "'", why, kTodo);
}

// Whole file as text; transparently gunzips (gzopen reads plain files too).
std::string read_maybe_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) bad_file(path, "missing or unreadable data file");
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      gzclose(f);
      bad_file(path, "corrupt gzip stream");
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  gzclose(f);
  return out;
}

std::vector<double> read_h5_vector(hid_t group, const char* name, const std::string& path,
                                   const std::string& where) {
  Hdf5Handle ds{H5Dopen2(group, name, H5P_DEFAULT), H5Dclose};
  if (!ds.ok()) bad_file(path, "dataset " + where + "/" + name + " is missing");
  Hdf5Handle space{H5Dget_space(ds), H5Sclose};
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n <= 0) bad_file(path, "dataset " + where + "/" + name + " is empty");
  std::vector<double> v(static_cast<std::size_t>(n));
  if (H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) {
    bad_file(path, "cannot read dataset " + where + "/" + name);
  }
  return v;
}

}  // namespace

double atomic_weight(int z) {
  const double a = standard_atomic_weight(z);
  if (a > 0) return a;
  throw UserError("no atomic weight for Z = " + std::to_string(z),
                  "the electron tables cover Z = 1-30, 53, 56, 64, 74, 79, 82, 83",
                  "use a medium made of these elements");
}

std::string physics_data_sources_dir(const std::string& data_dir) {
  return data_dir + "/physics-data-sources";
}

DensityEffectShells read_density_effect_shells(const std::string& h5_path, int z) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // our messages replace HDF5's stack dumps
  Hdf5Handle file{H5Fopen(h5_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  if (!file.ok()) bad_file(h5_path, "missing or not an HDF5 file");
  char name[8];
  std::snprintf(name, sizeof name, "%03d", z);
  Hdf5Handle group{H5Gopen2(file, name, H5P_DEFAULT), H5Gclose};
  if (!group.ok()) bad_file(h5_path, std::string("group /") + name + " (Z) is missing");
  DensityEffectShells s;
  {
    Hdf5Handle attr{H5Aopen(group, "I", H5P_DEFAULT), H5Aclose};
    if (!attr.ok() || H5Aread(attr, H5T_NATIVE_DOUBLE, &s.i_value_ev) < 0) {
      bad_file(h5_path, std::string("attribute /") + name + "/I is missing");
    }
  }
  s.occupancy = read_h5_vector(group, "num_electrons", h5_path, name);
  s.binding_ev = read_h5_vector(group, "ionization_energy", h5_path, name);
  double total = 0;
  for (double n : s.occupancy) total += std::abs(n);
  bool finite = std::isfinite(s.i_value_ev);
  for (double b : s.binding_ev) finite = finite && std::isfinite(b) && b >= 0;
  if (s.occupancy.size() != s.binding_ev.size() || !(std::abs(total - z) <= 1e-6) ||
      !(s.i_value_ev > 0) || !finite) {
    bad_file(h5_path, std::string("shell data of /") + name +
                          " inconsistent (occupancies must sum to Z, I > 0, energies finite)");
  }
  return s;
}

std::vector<SeltzerBergerSpectrum> read_seltzer_berger(const std::string& path) {
  const std::string text = read_maybe_gz(path);
  std::istringstream in(text);
  std::string line;
  for (int i = 0; i < 4; ++i) {  // four title lines ("BREMSPEC-2 ...")
    if (!std::getline(in, line)) bad_file(path, "truncated header");
  }
  int nt = 0;
  int nk = 0;
  if (!(in >> nt >> nk) || nt < 2 || nk < 2 || nt > 1000 || nk > 1000) {
    bad_file(path, "expected the grid sizes (57 30) after the 4 title lines");
  }
  std::vector<double> t(nt);
  std::vector<double> k(nk);
  for (auto& x : t) in >> x;
  for (auto& x : k) in >> x;
  if (!in) bad_file(path, "truncated or non-numeric energy and kappa grids");
  std::vector<SeltzerBergerSpectrum> out(100);
  for (int z = 1; z <= 100; ++z) {
    SeltzerBergerSpectrum& s = out[z - 1];
    s.t_mev = t;
    s.kappa = k;
    s.chi_mb.resize(static_cast<std::size_t>(nt) * nk);
    for (auto& x : s.chi_mb) in >> x;
    // A "nan" or "inf" token stops the stream as well (the C++ number reader refuses them).
    if (!in) {
      bad_file(path, "truncated or non-numeric: spectra of Z = " + std::to_string(z) +
                         " incomplete (expected 100 elements x " + std::to_string(nt) + " x " +
                         std::to_string(nk) + " values)");
    }
    for (double x : s.chi_mb) {
      if (!std::isfinite(x) || x < 0) {
        bad_file(path, "spectrum of Z = " + std::to_string(z) +
                           " holds a negative or "
                           "non-finite value");
      }
    }
  }
  for (int i = 0; i < nt; ++i) {
    if (!std::isfinite(t[i]) || !(t[i] > 0) || (i > 0 && !(t[i] > t[i - 1]))) {
      bad_file(path, "electron energies must be finite, positive and increasing");
    }
  }
  for (int i = 1; i < nk; ++i) {
    if (!(k[i] > k[i - 1])) bad_file(path, "kappa grid not increasing");
  }
  if (k.front() != 0.0 || k.back() != 1.0) bad_file(path, "kappa grid must run from 0 to 1");
  // Coverage: the electron tables need 1 keV - 20 MeV; BREMX.DAT spans 1 keV - 10 GeV.
  if (t.front() > 1e-3 * (1 + 1e-9) || t.back() < 20.0) {
    bad_file(path, "electron energies must cover 1 keV - 20 MeV");
  }
  return out;
}

ElasticCrossSections read_penelope_elastic(const std::string& path, int z) {
  const std::string text = read_maybe_gz(path);
  std::istringstream in(text);
  int zf = 0;
  if (!(in >> zf) || zf != z) bad_file(path, "first line must hold Z = " + std::to_string(z));
  ElasticCrossSections e;
  double row[7];
  while (in >> row[0]) {
    for (int c = 1; c < 7; ++c) {
      if (!(in >> row[c])) {
        bad_file(path, "row " + std::to_string(e.e_mev.size() + 1) +
                           ": fewer than 7 columns or a non-numeric entry (a NaN)");
      }
    }
    e.e_mev.push_back(row[0] * 1e-6);  // eV -> MeV
    for (int p = 0; p < 2; ++p) {
      e.sigma[p].push_back(row[1 + 3 * p]);
      e.sigma1[p].push_back(row[2 + 3 * p]);
      e.sigma2[p].push_back(row[3 + 3 * p]);
    }
  }
  if (!in.eof()) bad_file(path, "non-numeric entry (a NaN, or not a number)");
  const std::size_t n = e.e_mev.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(e.e_mev[i]) || !(e.e_mev[i] > 0) ||
        (i > 0 && !(e.e_mev[i] > e.e_mev[i - 1]))) {
      bad_file(path, "energies must be finite, positive and increasing (row " +
                         std::to_string(i + 1) + ")");
    }
  }
  // Coverage: PENELOPE-2018's pdeel files tabulate 111 energies from 50 eV to 1 GeV
  // (pdfiles-readme.txt). A file cut at a row boundary is still valid text (and gzip): only the
  // missing end of the grid tells, and the tables would extrapolate the last row silently.
  if (n == 0 || e.e_mev.front() > 50e-6 * (1 + 1e-9) || e.e_mev.back() < 1e3 * (1 - 1e-9)) {
    bad_file(path, "truncated: dataset (elastic cross sections) has " + std::to_string(n) +
                       " energies ending at " + std::to_string(n ? e.e_mev.back() : 0.0) +
                       " MeV; PENELOPE's grid runs from 50 eV to 1 GeV (111 rows)");
  }
  for (int p = 0; p < 2; ++p) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!(std::isfinite(e.sigma[p][i]) && std::isfinite(e.sigma1[p][i]) &&
            std::isfinite(e.sigma2[p][i]) && e.sigma[p][i] > 0 && e.sigma1[p][i] > 0 &&
            e.sigma2[p][i] > 0)) {
        bad_file(path, std::string("non-positive or non-finite ") + (p ? "e+" : "e-") +
                           " cross section at row " + std::to_string(i + 1));
      }
    }
  }
  return e;
}

SourceFileRecord checksum_file(const std::string& path, const std::string& display_path) {
  // Checked here so that a missing source keeps this module's message and hint.
  if (!std::ifstream(path, std::ios::binary)) bad_file(path, "missing or unreadable data file");
  SourceFileRecord r;
  r.path = display_path;
  r.size = std::filesystem::file_size(path);
  // The project's one file digest (phantom cache and photon library record the same).
  r.sha256 = sha256_file(path);
  return r;
}

ElectronDataSources load_electron_data_sources(const std::string& data_dir,
                                               const std::vector<int>& zs) {
  const std::string src = physics_data_sources_dir(data_dir);
  const std::string de_rel = "physics-data-sources/openmc-misc/density_effect.h5";
  const std::string sb_rel = "physics-data-sources/openmc-misc/BREMX.DAT.gz";
  ElectronDataSources out;
  const std::set<int> unique(zs.begin(), zs.end());
  const auto sb = read_seltzer_berger(data_dir + "/" + sb_rel);
  out.files.push_back(checksum_file(data_dir + "/" + de_rel, de_rel));
  out.files.push_back(checksum_file(data_dir + "/" + sb_rel, sb_rel));
  for (int z : unique) {
    if (z < 1 || z > 100) {
      throw UserError("element Z = " + std::to_string(z) + " out of range", "Z must be 1-100",
                      "fix the medium composition");
    }
    ElementElectronData& e = out.elements[z];
    e.z = z;
    e.atomic_weight = atomic_weight(z);
    e.shells = read_density_effect_shells(data_dir + "/" + de_rel, z);
    e.brems = sb[z - 1];
    char name[32];
    std::snprintf(name, sizeof name, "pdeel%02d.p08.gz", z);
    const std::string el_rel = std::string("physics-data-sources/penelope2018/pdfiles/") + name;
    e.elastic = read_penelope_elastic(data_dir + "/" + el_rel, z);
    out.files.push_back(checksum_file(data_dir + "/" + el_rel, el_rel));
  }
  return out;
}

}  // namespace gpudose
