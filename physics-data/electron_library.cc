#include "physics-data/electron_library.hh"

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>

#include "host/foundation/content_digest.hh"
#include "host/foundation/hdf5_handle.hh"
#include "host/foundation/user_error.hh"
#include "physics-data/electron_medium_physics.hh"

namespace gpudose {
namespace {

// 2: soft range and soft straggling tables added; 3: positron annihilation; 4: source files
// recorded with SHA-256 instead of CRC-32; 5: lambda_1, lambda_2 include the soft inelastic
// deflections (an older file is refused, so it is rebuilt); 6: default Wcc 50 keV (was 10 keV);
// 7: the ICRP 110 media and organ tables recorded as sources (they define the compositions and
// densities: a changed media table now rebuilds the library) and content_sha256, the digest of
// the file's own content, checked at every load (issue #14).
constexpr int kFormatVersion = 7;
constexpr int kNq = static_cast<int>(ElectronQuantity::kCount);

// Dataset names, in ElectronQuantity order.
const char* const kQuantityNames[kNq] = {"s_col_mev_cm",
                                         "s_rad_mev_cm",
                                         "s_tot_mev_cm",
                                         "csda_range_cm",
                                         "s_col_restricted_mev_cm",
                                         "s_rad_restricted_mev_cm",
                                         "hard_inelastic_xs_per_cm",
                                         "hard_brems_xs_per_cm",
                                         "elastic_xs_per_cm",
                                         "lambda1_cm",
                                         "lambda2_cm",
                                         "density_effect",
                                         "soft_range_cm",
                                         "soft_straggling_mev2_per_cm",
                                         "annihilation_xs_per_cm"};

// 4-point Gauss-Legendre nodes and weights on [-1, 1].
const double kGlX[4] = {-0.86113631159405258, -0.33998104358485626, 0.33998104358485626,
                        0.86113631159405258};
const double kGlW[4] = {0.34785484513745386, 0.65214515486254614, 0.65214515486254614,
                        0.34785484513745386};

[[noreturn]] void bad_library(const std::string& path, const std::string& why) {
  throw UserError("cannot load electron library '" + path + "'", why,
                  "rebuild it with the physics import (tools/setup) or check the path");
}

void write_doubles(hid_t loc, const std::string& name, const std::vector<double>& v,
                   const std::vector<hsize_t>& dims, const std::string& path) {
  Hdf5Handle space{H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose};
  Hdf5Handle ds{
      H5Dcreate2(loc, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose};
  if (!ds.ok() || H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) {
    throw UserError("cannot write dataset '" + name + "' to '" + path + "'", "HDF5 write failed",
                    "check disk space and permissions of the cache directory");
  }
}

std::vector<double> read_doubles(hid_t loc, const std::string& name, std::size_t expected,
                                 const std::string& path) {
  Hdf5Handle ds{H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose};
  if (!ds.ok()) bad_library(path, "dataset '" + name + "' is missing");
  Hdf5Handle space{H5Dget_space(ds), H5Sclose};
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0 || static_cast<std::size_t>(n) != expected) {
    bad_library(path, "dataset '" + name + "' has " + std::to_string(n) + " values, expected " +
                          std::to_string(expected));
  }
  std::vector<double> v(expected);
  if (H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) {
    bad_library(path, "cannot read dataset '" + name + "'");
  }
  return v;
}

void write_attr_double(hid_t loc, const char* name, double v) {
  Hdf5Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Hdf5Handle a{H5Acreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  H5Awrite(a, H5T_NATIVE_DOUBLE, &v);
}

double read_attr_double(hid_t loc, const char* name, const std::string& path) {
  Hdf5Handle a{H5Aopen(loc, name, H5P_DEFAULT), H5Aclose};
  double v = 0;
  if (!a.ok() || H5Aread(a, H5T_NATIVE_DOUBLE, &v) < 0) {
    bad_library(path, std::string("attribute '") + name + "' is missing");
  }
  return v;
}

void write_attr_string(hid_t loc, const char* name, const std::string& s) {
  Hdf5Handle type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type, std::max<std::size_t>(1, s.size()));
  Hdf5Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Hdf5Handle a{H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  std::string padded = s.empty() ? std::string(1, '\0') : s;
  H5Awrite(a, type, padded.data());
}

std::string read_attr_string(hid_t loc, const char* name, const std::string& path) {
  Hdf5Handle a{H5Aopen(loc, name, H5P_DEFAULT), H5Aclose};
  if (!a.ok()) bad_library(path, std::string("attribute '") + name + "' is missing");
  Hdf5Handle type{H5Aget_type(a), H5Tclose};
  if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0) {
    bad_library(path, std::string("attribute '") + name + "' is not a fixed-length string");
  }
  const std::size_t n = H5Tget_size(type);
  std::string s(n, '\0');
  if (H5Aread(a, type, s.data()) < 0) {
    bad_library(path, std::string("cannot read attribute '") + name + "'");
  }
  s.resize(std::strlen(s.c_str()));
  return s;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

int grid_points(const ElectronLibraryOptions& o) {
  const double decades = std::log10(o.emax_mev / o.emin_mev);
  return static_cast<int>(std::ceil(decades * o.points_per_decade - 1e-9)) + 1;
}

std::string format_sources(const std::vector<SourceFileRecord>& files) {
  std::string sources;
  for (const auto& s : files) {
    sources += s.path + " size=" + std::to_string(s.size) + " sha256=" + s.sha256 + "\n";
  }
  return sources;
}

// SHA-256 of everything the library stores (host/foundation/content_digest.hh), in one fixed
// order: from the computed tables when the file is written, from the values read back at every
// load (the tables are private: the two friends pass them in).
std::string electron_content_sha256(const ElectronLibrary& lib, const std::vector<double>* tables,
                                    const std::vector<double>& brems_cdf) {
  ContentDigest d;
  const ElectronTablesView& v = lib.view();
  d.add_value("wcc_mev", v.wcc_mev);
  d.add_value("wcr_mev", v.wcr_mev);
  d.add_value("n_kappa", v.n_kappa);
  std::string names;
  for (const auto& n : lib.medium_names()) names += n + "\n";
  d.add("media", names);
  d.add("sources", format_sources(lib.sources()));
  d.add("energy_mev", lib.energies());
  d.add("density_g_cm3", lib.densities());
  d.add("mean_excitation_ev", lib.mean_excitation_ev());
  for (int q = 0; q < kNq; ++q) d.add(kQuantityNames[q], tables[q]);
  d.add("brems_cdf", brems_cdf);
  return d.hex();
}

}  // namespace

ElectronLibrary& ElectronLibrary::operator=(const ElectronLibrary& o) {
  if (this == &o) return *this;
  view_ = o.view_;
  names_ = o.names_;
  density_ = o.density_;
  i_value_ = o.i_value_;
  energy_ = o.energy_;
  for (int q = 0; q < kNq; ++q) tables_[q] = o.tables_[q];
  brems_cdf_ = o.brems_cdf_;
  sources_ = o.sources_;
  bind_view();
  return *this;
}

void ElectronLibrary::bind_view() {
  view_.n_media = static_cast<int>(names_.size());
  view_.n_energy = static_cast<int>(energy_.size());
  view_.energy = energy_.data();
  view_.density = density_.data();
  for (int q = 0; q < kNq; ++q) view_.table[q] = tables_[q].data();
  view_.brems_cdf = brems_cdf_.data();
  if (energy_.size() >= 2) {
    view_.log_e0 = std::log(energy_.front());
    view_.inv_dlog = (energy_.size() - 1) / std::log(energy_.back() / energy_.front());
  }
}

double ElectronLibrary::value(ElectronQuantity q, int particle, int medium, double t_mev) const {
  return electron_lookup(view_, q, particle, medium, t_mev);
}

ElectronLibrary compute_electron_library(const std::vector<Medium>& media,
                                         const std::string& data_dir,
                                         const ElectronLibraryOptions& opt) {
  if (media.empty()) {
    throw UserError("no media given for the electron library", "the media list is empty",
                    "pass the media catalog");
  }
  if (!(opt.emin_mev > 0) || !(opt.emax_mev > opt.emin_mev) || opt.points_per_decade < 10 ||
      opt.n_kappa < 8 || !(opt.wcc_mev > 0) || !(opt.wcr_mev > 0)) {
    throw UserError("invalid electron library options",
                    "need 0 < emin < emax, >= 10 points/decade, >= 8 kappa nodes, cuts > 0",
                    "fix the options");
  }
  std::vector<int> zs;
  for (const auto& m : media) {
    for (const auto& e : m.elements) zs.push_back(e.z);
  }
  const ElectronDataSources data = load_electron_data_sources(data_dir, zs);

  ElectronLibrary lib;
  const int ne = grid_points(opt);
  const int nm = static_cast<int>(media.size());
  const int nk = opt.n_kappa;
  const double l0 = std::log(opt.emin_mev);
  const double dl = std::log(opt.emax_mev / opt.emin_mev) / (ne - 1);
  lib.energy_.resize(ne);
  for (int i = 0; i < ne; ++i) lib.energy_[i] = std::exp(l0 + i * dl);
  lib.energy_.back() = opt.emax_mev;
  for (int q = 0; q < kNq; ++q) lib.tables_[q].assign(static_cast<std::size_t>(2) * nm * ne, 0.0);
  lib.brems_cdf_.assign(static_cast<std::size_t>(nm) * ne * nk, 0.0);
  lib.sources_ = data.files;
  // The media come from the ICRP 110 media and organ tables (compositions, densities) through
  // the media catalog: they are inputs too, so a changed table makes the library out of date
  // (electron_library_is_current) like a changed elemental file. Recorded whenever the data
  // folder has them, whatever subset of the catalog `media` is.
  for (const std::string model : {"AF", "AM"}) {
    for (const std::string what : {"media", "organs"}) {
      const std::string file =
          icrp110_side_file_dir(data_dir) + "/" + model + "/" + model + "_" + what + ".dat";
      if (!std::filesystem::is_regular_file(file)) continue;
      lib.sources_.push_back(checksum_file(
          file, std::filesystem::path(file).lexically_relative(data_dir).generic_string()));
    }
  }
  lib.view_.n_kappa = nk;
  lib.view_.wcc_mev = opt.wcc_mev;
  lib.view_.wcr_mev = opt.wcr_mev;

  for (int m = 0; m < nm; ++m) {
    const double i_given =
        m < static_cast<int>(opt.mean_excitation_ev.size()) ? opt.mean_excitation_ev[m] : 0.0;
    const ElectronMediumPhysics phys(media[m], data, i_given);
    lib.names_.push_back(media[m].name);
    lib.density_.push_back(phys.density());
    lib.i_value_.push_back(phys.i_value_ev());
    for (int p = 0; p < 2; ++p) {
      const bool pos = p == 1;
      auto stot = [&](double t) { return phys.s_col(t, pos) + phys.s_rad(t, pos); };
      // Range below the grid: power-law extrapolation (see header).
      const double t0 = lib.energy_[0];
      const double s0 = stot(t0);
      const double pw = -std::log(stot(1.05 * t0) / s0) / std::log(1.05);
      double range = t0 / ((1 + std::max(pw, 0.0)) * s0);
      // The soft range uses the restricted stopping powers; below 1 keV they equal the
      // unrestricted ones (both cuts are above 1 keV for any sensible choice), same tail.
      auto ssoft = [&](double t) {
        return phys.s_col_restricted(t, opt.wcc_mev, pos) +
               phys.s_rad_restricted(t, opt.wcr_mev, pos);
      };
      double soft_range = t0 / ((1 + std::max(pw, 0.0)) * ssoft(t0));
      for (int i = 0; i < ne; ++i) {
        const double t = lib.energy_[i];
        if (i > 0) {
          const double a = std::log(lib.energy_[i - 1]);
          const double b = std::log(t);
          double sum = 0;
          double sum_soft = 0;
          for (int g = 0; g < 4; ++g) {
            const double e = std::exp(0.5 * (a + b) + 0.5 * (b - a) * kGlX[g]);
            sum += kGlW[g] * e / stot(e);
            sum_soft += kGlW[g] * e / ssoft(e);
          }
          range += 0.5 * (b - a) * sum;
          soft_range += 0.5 * (b - a) * sum_soft;
        }
        const std::size_t idx = (static_cast<std::size_t>(p) * nm + m) * ne + i;
        auto set = [&](ElectronQuantity q, double v) { lib.tables_[static_cast<int>(q)][idx] = v; };
        const double sc = phys.s_col(t, pos);
        const double sr = phys.s_rad(t, pos);
        set(ElectronQuantity::kStoppingCollision, sc);
        set(ElectronQuantity::kStoppingRadiative, sr);
        set(ElectronQuantity::kStoppingTotal, sc + sr);
        set(ElectronQuantity::kCsdaRange, range);
        set(ElectronQuantity::kStoppingCollisionRestricted,
            phys.s_col_restricted(t, opt.wcc_mev, pos));
        set(ElectronQuantity::kStoppingRadiativeRestricted,
            phys.s_rad_restricted(t, opt.wcr_mev, pos));
        set(ElectronQuantity::kHardInelasticXs, phys.hard_inelastic_xs(t, opt.wcc_mev, pos));
        set(ElectronQuantity::kHardBremsXs, phys.hard_brems_xs(t, opt.wcr_mev, pos));
        set(ElectronQuantity::kElasticXs, phys.elastic_xs(t, pos));
        // Soft angular deflections: elastic plus soft inelastic (binary) collisions.
        set(ElectronQuantity::kTransportMfp1,
            1 / (1 / phys.transport_mfp1(t, pos) +
                 phys.soft_inelastic_transport_xs(t, opt.wcc_mev, pos, 1)));
        set(ElectronQuantity::kTransportMfp2,
            1 / (1 / phys.transport_mfp2(t, pos) +
                 phys.soft_inelastic_transport_xs(t, opt.wcc_mev, pos, 2)));
        set(ElectronQuantity::kDensityEffect, phys.density_effect(t));
        set(ElectronQuantity::kSoftRange, soft_range);
        set(ElectronQuantity::kSoftStraggling, phys.soft_straggling(t, opt.wcc_mev, pos));
        set(ElectronQuantity::kAnnihilationXs, pos ? phys.annihilation_xs(t) : 0.0);
      }
    }
    // Hard-bremsstrahlung photon-energy CDFs: pdf in x = ln(W/T) is the spectrum
    // sum_j N_j Z_j^2 chi_j(T, kappa = e^x) (k dsigma/dk, up to 1/beta^2); Simpson per bin.
    for (int i = 0; i < ne; ++i) {
      const double t = lib.energy_[i];
      if (t <= opt.wcr_mev) continue;
      const double ln_kc = std::log(opt.wcr_mev / t);
      double* cdf = &lib.brems_cdf_[(static_cast<std::size_t>(m) * ne + i) * nk];
      std::vector<double> kap;
      std::vector<double> spec;
      phys.brems_spectrum_nodes(t, kap, spec);
      auto pdf = [&](double s) {  // linear in kappa between the nodes, as brems_spectrum()
        const double kv = std::exp((1 - s) * ln_kc);
        const std::size_t hi = std::min<std::size_t>(
            kap.size() - 1,
            std::max<std::size_t>(1, std::upper_bound(kap.begin(), kap.end(), kv) - kap.begin()));
        const double f = (kv - kap[hi - 1]) / (kap[hi] - kap[hi - 1]);
        return spec[hi - 1] + f * (spec[hi] - spec[hi - 1]);
      };
      cdf[0] = 0;
      double prev = pdf(0);
      for (int k = 1; k < nk; ++k) {
        const double s0 = (k - 1.0) / (nk - 1);
        const double s1 = static_cast<double>(k) / (nk - 1);
        const double next = pdf(s1);
        cdf[k] = cdf[k - 1] + (s1 - s0) / 6 * (prev + 4 * pdf(0.5 * (s0 + s1)) + next);
        prev = next;
      }
      const double total = cdf[nk - 1];
      if (!(total > 0)) {
        throw UserError("empty bremsstrahlung spectrum for medium '" + media[m].name + "'",
                        "the Seltzer-Berger data gave zero", "check BREMX.DAT");
      }
      for (int k = 0; k < nk; ++k) cdf[k] /= total;
      cdf[nk - 1] = 1.0;
    }
  }
  lib.bind_view();
  return lib;
}

ElectronLibrary build_electron_library(const std::vector<Medium>& media,
                                       const std::string& data_dir, const std::string& out_path,
                                       const ElectronLibraryOptions& options) {
  ElectronLibrary lib = compute_electron_library(media, data_dir, options);
  lib.write(out_path);
  return lib;
}

ElectronLibrary extend_electron_library(const ElectronLibrary& base,
                                        const std::vector<Medium>& extra,
                                        const std::string& data_dir, const std::string& out_path,
                                        const ElectronLibraryOptions& options) {
  const ElectronLibrary add = compute_electron_library(extra, data_dir, options);
  if (add.energy_ != base.energy_ || add.view_.wcc_mev != base.view_.wcc_mev ||
      add.view_.wcr_mev != base.view_.wcr_mev || add.view_.n_kappa != base.view_.n_kappa) {
    throw UserError("cannot extend the electron library with user media",
                    "the standard library was built with another grid or other cut-offs",
                    "rebuild it with `gpudose physics build --force`");
  }
  ElectronLibrary lib = base;
  const std::size_t nb = base.names_.size(), na = add.names_.size(), ne = base.energy_.size();
  lib.names_.insert(lib.names_.end(), add.names_.begin(), add.names_.end());
  lib.density_.insert(lib.density_.end(), add.density_.begin(), add.density_.end());
  lib.i_value_.insert(lib.i_value_.end(), add.i_value_.begin(), add.i_value_.end());
  // Tables are [particle][medium][energy]: each particle's block gains the extra media.
  for (int q = 0; q < kNq; ++q) {
    std::vector<double> t;
    t.reserve(2 * (nb + na) * ne);
    for (std::size_t p = 0; p < 2; ++p) {
      t.insert(t.end(), base.tables_[q].begin() + p * nb * ne,
               base.tables_[q].begin() + (p + 1) * nb * ne);
      t.insert(t.end(), add.tables_[q].begin() + p * na * ne,
               add.tables_[q].begin() + (p + 1) * na * ne);
    }
    lib.tables_[q] = std::move(t);
  }
  lib.brems_cdf_.insert(lib.brems_cdf_.end(), add.brems_cdf_.begin(), add.brems_cdf_.end());
  for (const SourceFileRecord& s : add.sources_) {
    const bool known = std::any_of(lib.sources_.begin(), lib.sources_.end(),
                                   [&](const SourceFileRecord& b) { return b.path == s.path; });
    if (!known) lib.sources_.push_back(s);
  }
  lib.bind_view();
  lib.write(out_path);
  return lib;
}

void ElectronLibrary::write(const std::string& out_path) const {
  const ElectronLibrary& lib = *this;
  const ElectronTablesView& v = lib.view();
  // Unique temporary name in the same folder, renamed at the end: processes that find the library
  // missing or outdated at the same time (parallel tests, batch workers) each write a complete
  // file and the last rename wins, instead of truncating one shared temporary file.
  static std::atomic<int> counter{0};
  const std::string tmp =
      out_path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  try {
    std::error_code ec;
    const auto parent = std::filesystem::path(out_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    Hdf5Handle file{H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose};
    if (!file.ok()) {
      throw UserError("cannot create '" + tmp + "'", "HDF5 could not create the file",
                      "check that the cache directory is writable");
    }
    const hid_t root = file;
    write_attr_double(root, "format_version", kFormatVersion);
    write_attr_string(root, "content", "gpudose electron/positron tables");
    write_attr_double(root, "wcc_mev", v.wcc_mev);
    write_attr_double(root, "wcr_mev", v.wcr_mev);
    write_attr_double(root, "n_kappa", v.n_kappa);
    std::string names;
    for (const auto& n : lib.medium_names()) names += n + "\n";
    write_attr_string(root, "media", names);
    write_attr_string(root, "sources", format_sources(lib.sources()));
    write_attr_string(root, "content_sha256",
                      electron_content_sha256(lib, lib.tables_, lib.brems_cdf_));
    const hsize_t nm = v.n_media;
    const hsize_t ne = v.n_energy;
    write_doubles(root, "energy_mev", lib.energies(), {ne}, tmp);
    write_doubles(root, "density_g_cm3", lib.densities(), {nm}, tmp);
    write_doubles(root, "mean_excitation_ev", lib.mean_excitation_ev(), {nm}, tmp);
    for (int q = 0; q < kNq; ++q) {
      std::vector<double> all(v.table[q], v.table[q] + 2 * nm * ne);
      write_doubles(root, kQuantityNames[q], all, {2, nm, ne}, tmp);
    }
    std::vector<double> cdf(v.brems_cdf, v.brems_cdf + nm * ne * v.n_kappa);
    write_doubles(root, "brems_cdf", cdf, {nm, ne, static_cast<hsize_t>(v.n_kappa)}, tmp);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);  // nothing half-written stays behind
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out_path, ec);
  if (ec) {
    throw UserError("cannot rename '" + tmp + "' to '" + out_path + "'", ec.message(),
                    "check permissions of the cache directory");
  }
}

ElectronLibrary load_electron_library(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (!std::filesystem::is_regular_file(path)) bad_library(path, "file not found");
  bool identity_ok = false;
  FileIdentity identity = file_identity(path, "", &identity_ok);  // before reading it
  Hdf5Handle file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  if (!file.ok()) bad_library(path, "not an HDF5 file or corrupt");
  const hid_t root = file;
  const double version = read_attr_double(root, "format_version", path);
  if (version != kFormatVersion) {
    bad_library(path, "format version " + std::to_string(version) + ", this build reads " +
                          std::to_string(kFormatVersion));
  }
  ElectronLibrary lib;
  lib.view_.wcc_mev = read_attr_double(root, "wcc_mev", path);
  lib.view_.wcr_mev = read_attr_double(root, "wcr_mev", path);
  lib.view_.n_kappa = static_cast<int>(read_attr_double(root, "n_kappa", path));
  lib.names_ = split_lines(read_attr_string(root, "media", path));
  for (const auto& line : split_lines(read_attr_string(root, "sources", path))) {
    SourceFileRecord r;
    std::istringstream in(line);
    std::string size;
    std::string digest;
    in >> r.path >> size >> digest;
    if (size.rfind("size=", 0) == 0) r.size = std::stoull(size.substr(5));
    if (digest.rfind("sha256=", 0) == 0) r.sha256 = digest.substr(7);
    lib.sources_.push_back(r);
  }
  const std::size_t nm = lib.names_.size();
  Hdf5Handle eds{H5Dopen2(root, "energy_mev", H5P_DEFAULT), H5Dclose};
  if (!eds.ok()) bad_library(path, "dataset 'energy_mev' is missing");
  Hdf5Handle espace{H5Dget_space(eds), H5Sclose};
  const hssize_t ne_read = H5Sget_simple_extent_npoints(espace);
  if (nm == 0 || ne_read < 2 || lib.view_.n_kappa < 2) {
    bad_library(path, "no media, fewer than 2 energies or fewer than 2 kappa nodes");
  }
  const std::size_t ne = static_cast<std::size_t>(ne_read);
  lib.energy_ = read_doubles(root, "energy_mev", ne, path);
  lib.density_ = read_doubles(root, "density_g_cm3", nm, path);
  lib.i_value_ = read_doubles(root, "mean_excitation_ev", nm, path);
  for (int q = 0; q < kNq; ++q)
    lib.tables_[q] = read_doubles(root, kQuantityNames[q], 2 * nm * ne, path);
  lib.brems_cdf_ = read_doubles(root, "brems_cdf", nm * ne * lib.view_.n_kappa, path);
  // The file's own content against the digest recorded when it was written (~20 ms for the
  // 34 MB of 108 media): a value edited inside a still-valid file never reaches a run. Once per
  // process and file version (content_verified_before): a run loads the library twice.
  identity.recorded_digest = read_attr_string(root, "content_sha256", path);
  if (!identity_ok || !content_verified_before(identity)) {
    if (identity.recorded_digest != electron_content_sha256(lib, lib.tables_, lib.brems_cdf_)) {
      bad_library(path,
                  "its content SHA-256 differs from the one recorded when it was written: the "
                  "file was damaged or edited");
    }
    if (identity_ok) remember_content_verified(identity);
  }
  // The view assumes a grid uniform in ln T: check it, so a foreign file cannot mislead lookups.
  const double dl = std::log(lib.energy_.back() / lib.energy_.front()) / (ne - 1);
  for (std::size_t i = 1; i < ne; ++i) {
    if (!(std::abs(std::log(lib.energy_[i] / lib.energy_[i - 1]) - dl) < 1e-6 * dl + 1e-12)) {
      bad_library(path, "energy grid is not uniform in ln T");
    }
  }
  lib.bind_view();
  return lib;
}

std::vector<std::tuple<std::string, double, std::string>> describe_electron(
    const ElectronLibrary& lib, int medium_index, double energy_mev, bool positron) {
  const ElectronTablesView& v = lib.view();
  if (medium_index < 0 || medium_index >= v.n_media) {
    throw UserError("medium index " + std::to_string(medium_index) + " out of range",
                    "the electron library has " + std::to_string(v.n_media) + " media",
                    "pick a medium of the catalog");
  }
  if (!(energy_mev >= v.emin() && energy_mev <= v.emax())) {
    std::ostringstream range;
    range << "the electron tables cover " << v.emin() << " to " << v.emax() << " MeV";
    throw UserError("energy " + std::to_string(energy_mev) + " MeV out of range", range.str(),
                    "give an energy inside the table range");
  }
  const int p = positron ? 1 : 0;
  const double rho = v.density[medium_index];
  auto q = [&](ElectronQuantity which) { return lib.value(which, p, medium_index, energy_mev); };
  using Row = std::tuple<std::string, double, std::string>;
  std::vector<Row> rows;
  rows.emplace_back("kinetic energy", energy_mev, "MeV");
  rows.emplace_back("density", rho, "g/cm3");
  rows.emplace_back("mean excitation energy I", lib.mean_excitation_ev()[medium_index], "eV");
  rows.emplace_back("density-effect correction delta", q(ElectronQuantity::kDensityEffect), "1");
  rows.emplace_back("collision stopping power S_col/rho",
                    q(ElectronQuantity::kStoppingCollision) / rho, "MeV cm2/g");
  rows.emplace_back("radiative stopping power S_rad/rho",
                    q(ElectronQuantity::kStoppingRadiative) / rho, "MeV cm2/g");
  rows.emplace_back("total stopping power S_tot/rho", q(ElectronQuantity::kStoppingTotal) / rho,
                    "MeV cm2/g");
  rows.emplace_back("total stopping power S_tot", q(ElectronQuantity::kStoppingTotal), "MeV/cm");
  rows.emplace_back("CSDA range", q(ElectronQuantity::kCsdaRange) * rho, "g/cm2");
  rows.emplace_back("CSDA range (at this density)", q(ElectronQuantity::kCsdaRange), "cm");
  rows.emplace_back("soft collision straggling Omega^2 (W < Wcc)",
                    q(ElectronQuantity::kSoftStraggling), "MeV2/cm");
  if (positron) {
    rows.emplace_back("annihilation cross section (in flight)",
                      q(ElectronQuantity::kAnnihilationXs), "1/cm");
  }
  rows.emplace_back("soft range (restricted stopping powers)", q(ElectronQuantity::kSoftRange),
                    "cm");
  rows.emplace_back("collision cut-off Wcc", v.wcc_mev, "MeV");
  rows.emplace_back("radiative cut-off Wcr", v.wcr_mev, "MeV");
  rows.emplace_back("restricted collision stopping power (W < Wcc)",
                    q(ElectronQuantity::kStoppingCollisionRestricted), "MeV/cm");
  rows.emplace_back("restricted radiative stopping power (W < Wcr)",
                    q(ElectronQuantity::kStoppingRadiativeRestricted), "MeV/cm");
  rows.emplace_back(
      positron ? "hard Bhabha cross section (W > Wcc)" : "hard Moller cross section (W > Wcc)",
      q(ElectronQuantity::kHardInelasticXs), "1/cm");
  rows.emplace_back("hard bremsstrahlung cross section (W > Wcr)",
                    q(ElectronQuantity::kHardBremsXs), "1/cm");
  rows.emplace_back("total elastic cross section", q(ElectronQuantity::kElasticXs), "1/cm");
  rows.emplace_back("first transport mean free path lambda_1", q(ElectronQuantity::kTransportMfp1),
                    "cm");
  rows.emplace_back("second transport mean free path lambda_2", q(ElectronQuantity::kTransportMfp2),
                    "cm");
  return rows;
}

ElectronTableRows electron_table_rows(const ElectronLibrary& lib, int medium_index, bool positron) {
  const ElectronTablesView& v = lib.view();
  if (medium_index < 0 || medium_index >= v.n_media) {
    throw UserError("medium index " + std::to_string(medium_index) + " out of range",
                    "the electron library has " + std::to_string(v.n_media) + " media",
                    "pick a medium of the catalog");
  }
  ElectronTableRows out;
  out.header = {"energy_MeV",
                "S_col_MeV_cm2_per_g",
                "S_rad_MeV_cm2_per_g",
                "S_tot_MeV_cm2_per_g",
                "csda_range_g_per_cm2",
                "density_effect_delta",
                "S_col_restricted_MeV_per_cm",
                "S_rad_restricted_MeV_per_cm",
                "hard_inelastic_xs_per_cm",
                "hard_brems_xs_per_cm",
                "elastic_xs_per_cm",
                "lambda1_cm",
                "lambda2_cm",
                "soft_range_cm",
                "soft_straggling_MeV2_per_cm",
                "annihilation_xs_per_cm"};
  const int p = positron ? 1 : 0;
  const double rho = v.density[medium_index];
  for (int i = 0; i < v.n_energy; ++i) {
    const int idx = electron_table_index(v, p, medium_index, i);
    auto t = [&](ElectronQuantity q) { return v.table[static_cast<int>(q)][idx]; };
    out.rows.push_back(
        {v.energy[i], t(ElectronQuantity::kStoppingCollision) / rho,
         t(ElectronQuantity::kStoppingRadiative) / rho, t(ElectronQuantity::kStoppingTotal) / rho,
         t(ElectronQuantity::kCsdaRange) * rho, t(ElectronQuantity::kDensityEffect),
         t(ElectronQuantity::kStoppingCollisionRestricted),
         t(ElectronQuantity::kStoppingRadiativeRestricted), t(ElectronQuantity::kHardInelasticXs),
         t(ElectronQuantity::kHardBremsXs), t(ElectronQuantity::kElasticXs),
         t(ElectronQuantity::kTransportMfp1), t(ElectronQuantity::kTransportMfp2),
         t(ElectronQuantity::kSoftRange), t(ElectronQuantity::kSoftStraggling),
         t(ElectronQuantity::kAnnihilationXs)});
  }
  return out;
}

bool electron_library_is_current(const ElectronLibrary& lib,
                                 const std::vector<std::string>& medium_names,
                                 const std::string& data_dir) {
  if (lib.medium_names() != medium_names) return false;
  const ElectronLibraryOptions defaults;
  if (lib.wcc_mev() != defaults.wcc_mev || lib.wcr_mev() != defaults.wcr_mev) return false;
  for (const SourceFileRecord& rec : lib.sources()) {
    const SourceFileRecord now = checksum_file(data_dir + "/" + rec.path, rec.path);
    if (now.size != rec.size || now.sha256 != rec.sha256) return false;
  }
  return true;
}

}  // namespace gpudose
