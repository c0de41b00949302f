#include "physics-data/photon_library.hh"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "host/foundation/content_digest.hh"
#include "host/foundation/sha256.hh"
#include "host/foundation/user_error.hh"
#include "kernels/constants.hh"
#include "physics-data/elements.hh"
#include "physics-data/hdf5_io.hh"
#include "physics-data/media_catalog.hh"

namespace gpudose {
namespace {

// Rayleigh cumulative Phi(x^2) = integral_0^{x^2} F(x')^2 d(x'^2) of one element, exact for the
// lin-lin F(x) of the source table: the integrand 2 x F(x)^2 is a cubic in x on each segment,
// which Simpson's rule integrates exactly.
class RayleighCumulative {
 public:
  explicit RayleighCumulative(const PhotonElementData& d) : x_(d.form_factor_x), f_(d.form_factor) {
    prefix_.assign(x_.size(), 0.0);
    for (std::size_t i = 1; i < x_.size(); ++i) prefix_[i] = prefix_[i - 1] + segment(i - 1, x_[i]);
  }
  double operator()(double xv) const {
    if (xv <= x_.front()) return 0.0;
    if (xv >= x_.back()) return prefix_.back();  // F is ~1e-28 there: nothing more to add
    const int i = search_interval(x_.data(), static_cast<int>(x_.size()), xv);
    return prefix_[static_cast<std::size_t>(i)] + segment(static_cast<std::size_t>(i), xv);
  }

 private:
  // integral from x_[i] to xe (<= x_[i+1]) of 2 x F^2 dx.
  double segment(std::size_t i, double xe) const {
    const double x0 = x_[i];
    auto g = [&](double xv) {
      const double fv = interp_lin(x_[i], x_[i + 1], f_[i], f_[i + 1], xv);
      return 2 * xv * fv * fv;
    };
    return (xe - x0) / 6 * (g(x0) + 4 * g(0.5 * (x0 + xe)) + g(xe));
  }
  std::vector<double> x_, f_, prefix_;
};

// Mean fraction of the photon energy given to the Compton electron, <T>/E, from the
// Klein-Nishina cross section weighted by S(x) (composite Simpson in cos theta).
double incoherent_transfer_fraction(const PhotonElementData& d, double e_mev) {
  const double k = e_mev / kElectronMassMeV;
  const double x_scale = e_mev / kHcMeVAngstrom;
  const int n = 512;  // even
  double num = 0, den = 0;
  for (int j = 0; j <= n; ++j) {
    const double mu = -1.0 + 2.0 * j / n;
    const double r = 1.0 / (1.0 + k * (1.0 - mu));
    const double kn = r * r * (r + 1.0 / r - (1.0 - mu * mu));
    const double s = d.scattering_function_at(x_scale * std::sqrt(0.5 * (1.0 - mu)));
    const double w = (j == 0 || j == n) ? 1.0 : (j % 2 ? 4.0 : 2.0);
    num += w * kn * s * (1.0 - r);
    den += w * kn * s;
  }
  return den > 0 ? num / den : 0.0;
}

// Koch & Motz (1959) radiation-yield approximation (see photon_library.hh).
double radiative_yield(double z, double t_mev) {
  const double a = 6e-4 * z * t_mev;
  return a / (1 + a);
}

// Energy-weighted mean radiative yield of the electrons a process sets in motion,
// <T Y(T)> / <T>: g is the fraction of the transferred energy radiated, so each electron's
// yield counts with its energy. Compton: over the Klein-Nishina electron spectrum (binding
// ignored: Y matters only above ~1 MeV where S(x) = Z at nearly all angles).
double compton_weighted_yield(double z, double e_mev) {
  const double k = e_mev / kElectronMassMeV;
  const int n = 128;  // even
  double num = 0, den = 0;
  for (int j = 0; j <= n; ++j) {
    const double mu = -1.0 + 2.0 * j / n;
    const double r = 1.0 / (1.0 + k * (1.0 - mu));
    const double kn = r * r * (r + 1.0 / r - (1.0 - mu * mu));
    const double w = (j == 0 || j == n) ? 1.0 : (j % 2 ? 4.0 : 2.0);
    const double t = e_mev * (1.0 - r);
    num += w * kn * t * radiative_yield(z, t);
    den += w * kn * t;
  }
  return den > 0 ? num / den : 0.0;
}

// Pair: electron and positron share T_total = E - 2 m c^2, taken as uniform sharing (the
// Bethe-Heitler spectrum is nearly flat in tissue at these energies); the positron's
// annihilation in flight is not counted in g (an underestimate of g of a few per cent of g).
double pair_weighted_yield(double z, double t_total) {
  if (t_total <= 0) return 0.0;
  const int n = 64;  // midpoint rule in the electron's share
  double num = 0, den = 0;
  for (int j = 0; j < n; ++j) {
    const double t = t_total * (j + 0.5) / n;
    num += t * radiative_yield(z, t);
    den += t;
  }
  return num / den;
}

std::string relative_to(const std::string& path, const std::string& base) {
  return std::filesystem::path(path).lexically_relative(base).generic_string();
}

// The source files a library built from data_dir needs: ICRP side files and one h5 per element.
std::vector<std::string> needed_sources(const std::string& data_dir, const MediaCatalog& catalog,
                                        std::vector<int>* zs_out) {
  std::set<int> zs;
  for (const auto& m : catalog.media()) {
    for (const auto& e : m.medium.elements) zs.insert(e.z);
  }
  std::vector<std::string> files;
  const std::string p110 = icrp110_side_file_dir(data_dir);
  for (const std::string model : {"AF", "AM"}) {
    files.push_back(p110 + "/" + model + "/" + model + "_media.dat");
    files.push_back(p110 + "/" + model + "/" + model + "_organs.dat");
  }
  for (int z : zs)
    files.push_back(photon_element_dir(data_dir) + "/" + element_facts(z).symbol + ".h5");
  if (zs_out) zs_out->assign(zs.begin(), zs.end());
  return files;
}

std::string join_lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::int64_t> to64(const std::vector<int>& v) { return {v.begin(), v.end()}; }
std::vector<int> to32(const std::vector<std::int64_t>& v) {
  std::vector<int> out(v.size());
  std::transform(v.begin(), v.end(), out.begin(),
                 [](std::int64_t x) { return static_cast<int>(x); });
  return out;
}

// SHA-256 of everything the library stores (host/foundation/content_digest.hh), in one fixed
// order: computed from the built library when it is written and from the values read back at
// every load, so a value edited inside a still-valid file (a density, a mu) is noticed.
std::string content_sha256(const PhotonLibrary& lib) {
  ContentDigest d;
  std::string sources;
  for (const auto& [p, h] : lib.sources) sources += h + "  " + p + "\n";
  d.add("sources", sources);
  d.add("grid/energy", lib.grid.energy);
  d.add("grid/below", lib.grid.below);
  d.add("grid/bin_first", lib.grid.bin_first);
  d.add_value("grid/points_per_decade", lib.grid.points_per_decade);
  d.add_value("grid/log_e0", lib.grid.log_e0);
  d.add_value("grid/inv_dlog", lib.grid.inv_dlog);
  d.add("media/keys", join_lines(lib.media_keys));
  d.add("media/names", join_lines(lib.media_names));
  d.add("media/density", lib.density);
  d.add("media/element_offset", lib.medium_element_offset);
  d.add("media/element", lib.medium_element);
  d.add("media/atoms", lib.medium_atoms);
  d.add("media/mass_fraction", lib.medium_mass_fraction);
  d.add("media/mass_mu", lib.mass_mu);
  d.add("media/mass_mu_total", lib.mass_mu_total);
  d.add("media/mass_mu_tr", lib.mass_mu_tr);
  d.add("media/mass_mu_en", lib.mass_mu_en);
  d.add("media/majorant", lib.majorant);
  d.add("x/x", lib.x);
  d.add("media/rayleigh_cdf", lib.rayleigh_cdf);
  d.add("media/compton_s", lib.compton_s);
  d.add("media/compton_s_max", lib.compton_s_max);
  d.add("elements/z", lib.element_z);
  d.add("elements/shell_offset", lib.element_shell_offset);
  d.add("elements/photo_xs", lib.element_photo_xs);
  d.add("shells/names", join_lines(lib.shell_names));
  d.add("shells/designator", lib.shell_designator);
  d.add("shells/element", lib.shell_element);
  d.add("shells/transition_offset", lib.shell_transition_offset);
  d.add("shells/binding", lib.shell_binding);
  d.add("shells/num_electrons", lib.shell_num_electrons);
  d.add("shells/fluorescence_energy", lib.shell_fluorescence_energy);
  d.add("shells/xs", lib.shell_xs);
  d.add("transitions/secondary", lib.transition_secondary);
  d.add("transitions/tertiary", lib.transition_tertiary);
  d.add("transitions/energy", lib.transition_energy);
  d.add("transitions/probability", lib.transition_probability);
  d.add("transitions/cumulative", lib.transition_cum);
  d.add("compton/element_shell_offset", lib.element_cshell_offset);
  d.add("compton/binding", lib.cshell_binding);
  d.add("compton/electrons", lib.cshell_electrons);
  d.add("compton/pz_inverse_cdf", lib.cshell_pz);
  d.add("compton/medium_shell_offset", lib.medium_cshell_offset);
  d.add("compton/medium_shell", lib.medium_cshell);
  d.add("compton/medium_shell_cumulative", lib.medium_cshell_cum);
  return d.hex();
}

}  // namespace

std::string default_photon_library_path(const std::string& cache_dir) {
  return cache_dir + "/physics/photon.h5";
}

std::vector<double> cascade_fluorescence_energy(const PhotonElementData& d) {
  std::map<int, std::size_t> by_designator;
  for (std::size_t s = 0; s < d.subshells.size(); ++s) by_designator[d.subshells[s].designator] = s;
  std::vector<double> memo(d.subshells.size(), -1.0);
  // Vacancies only move outwards (secondary/tertiary designators exceed the vacancy's), so the
  // recursion terminates.
  std::function<double(int)> y = [&](int designator) -> double {
    const auto it = by_designator.find(designator);
    if (it == by_designator.end()) return 0.0;
    double& m = memo[it->second];
    if (m >= 0) return m;
    const auto& tr = d.subshells[it->second].transitions;
    double total_p = 0, sum = 0;
    for (const auto& t : tr) total_p += t.probability;
    for (const auto& t : tr) {
      double e = y(t.secondary);
      e += t.tertiary == 0 ? t.energy_ev : y(t.tertiary);
      sum += t.probability * e;
    }
    m = total_p > 0 ? sum / total_p : 0.0;
    return m;
  };
  std::vector<double> out(d.subshells.size());
  for (std::size_t s = 0; s < d.subshells.size(); ++s) out[s] = y(d.subshells[s].designator);
  return out;
}

std::size_t PhotonLibrary::medium_index(const std::string& key) const {
  for (std::size_t i = 0; i < media_keys.size(); ++i) {
    if (media_keys[i] == key) return i;
  }
  throw UserError("medium '" + key + "' not in the photon library '" + path + "'",
                  "the library was built from another media catalog",
                  "rebuild it with `gpudose physics build`");
}

std::size_t PhotonLibrary::element_index(int z) const {
  for (std::size_t i = 0; i < element_z.size(); ++i) {
    if (element_z[i] == z) return i;
  }
  throw UserError("element Z=" + std::to_string(z) + " not in the photon library '" + path + "'",
                  "no catalog medium contains it", "rebuild with `gpudose physics build`");
}

PhotonTablesView PhotonLibrary::view() const {
  PhotonTablesView v;
  v.grid = grid.index();
  v.num_media = static_cast<int>(media_keys.size());
  v.density = density.data();
  v.mass_mu = mass_mu.data();
  v.mass_mu_total = mass_mu_total.data();
  v.mass_mu_tr = mass_mu_tr.data();
  v.mass_mu_en = mass_mu_en.data();
  v.num_x = static_cast<int>(x.size());
  v.x = x.data();
  v.x2 = x2.data();
  v.rayleigh_cdf = rayleigh_cdf.data();
  v.compton_s = compton_s.data();
  v.compton_s_max = compton_s_max.data();
  v.medium_element_offset = medium_element_offset.data();
  v.medium_element = medium_element.data();
  v.medium_atoms = medium_atoms.data();
  v.num_elements = static_cast<int>(element_z.size());
  v.element_z = element_z.data();
  v.element_shell_offset = element_shell_offset.data();
  v.element_photo_xs = element_photo_xs.data();
  v.shell_designator = shell_designator.data();
  v.shell_binding = shell_binding.data();
  v.shell_xs = shell_xs.data();
  v.shell_transition_offset = shell_transition_offset.data();
  v.transition_secondary = transition_secondary.data();
  v.transition_tertiary = transition_tertiary.data();
  v.transition_energy = transition_energy.data();
  v.transition_cum = transition_cum.data();
  v.num_profile_points = kComptonProfilePoints;
  v.medium_cshell_offset = medium_cshell_offset.data();
  v.medium_cshell = medium_cshell.data();
  v.medium_cshell_cum = medium_cshell_cum.data();
  v.cshell_binding = cshell_binding.data();
  v.cshell_pz = cshell_pz.data();
  v.majorant = majorant.data();
  return v;
}

std::vector<double> photon_majorant(const PhotonLibrary& lib, const std::vector<int>& media,
                                    const std::vector<double>& densities) {
  const std::size_t n = lib.num_energies();
  std::vector<double> maj(n, 0.0);
  for (std::size_t k = 0; k < media.size(); ++k) {
    const auto m = static_cast<std::size_t>(media[k]);
    const double rho = densities.empty() ? lib.density.at(m) : densities.at(k);
    const double* row = lib.mass_mu_total.data() + m * n;
    for (std::size_t i = 0; i < n; ++i) {
      const double hi = i + 1 < n ? std::max(row[i], row[i + 1]) : row[i];
      maj[i] = std::max(maj[i], rho * hi);
    }
  }
  return maj;
}

PhotonLibrary build_photon_library(const std::string& data_dir, const std::string& out_path,
                                   const PhotonLibraryOptions& opt) {
  return build_photon_library(load_media_catalog(data_dir), data_dir, out_path, opt);
}

PhotonLibrary build_photon_library(const MediaCatalog& catalog, const std::string& data_dir,
                                   const std::string& out_path, const PhotonLibraryOptions& opt) {
  std::vector<int> zs;
  const std::vector<std::string> files = needed_sources(data_dir, catalog, &zs);

  PhotonLibrary lib;
  lib.path = out_path;
  lib.format_version = kPhotonLibraryFormat;
  for (const auto& f : files) lib.sources.emplace_back(relative_to(f, data_dir), sha256_file(f));

  std::vector<PhotonElementData> elements;
  for (int z : zs) elements.push_back(read_photon_element(photon_element_dir(data_dir), z));

  // --- energy grid with every subshell edge of every element ---
  std::vector<double> edges;
  for (const auto& d : elements) {
    for (std::size_t s = 0; s < d.subshells.size(); ++s) edges.push_back(d.threshold_ev(s) * 1e-6);
  }
  lib.grid = make_energy_grid(opt.e_min_mev, opt.e_max_mev, opt.points_per_decade, edges);
  const std::size_t n = lib.grid.energy.size();

  // --- momentum-transfer grid: 0, then log-spaced 1e-3 .. x_max(e_max) [1/angstrom] ---
  const double x_top = opt.e_max_mev / kHcMeVAngstrom * 1.0001;
  lib.x.push_back(0.0);
  for (int k = 0;; ++k) {
    const double xv = 1e-3 * std::pow(10.0, static_cast<double>(k) / opt.x_points_per_decade);
    if (xv >= x_top) {
      lib.x.push_back(x_top);
      break;
    }
    lib.x.push_back(xv);
  }
  for (double xv : lib.x) lib.x2.push_back(xv * xv);
  const std::size_t nx = lib.x.size();

  // --- per element: cross sections and energy-transfer fractions on the grid ---
  const std::size_t ne = elements.size();
  // f_pe, f_inc: fractions of the photon energy given to charged particles (photon_library.hh).
  std::vector<std::vector<double>> coh(ne), inc(ne), pho(ne), ppn(ne), ppe(ne), fpe(ne), finc(ne);
  std::vector<std::vector<double>> phi(ne), sfun(ne);
  lib.element_shell_offset.push_back(0);
  for (std::size_t el = 0; el < ne; ++el) {
    const PhotonElementData& d = elements[el];
    lib.element_z.push_back(d.z);
    const std::vector<double> fluo = cascade_fluorescence_energy(d);
    coh[el].resize(n);
    inc[el].resize(n);
    pho[el].resize(n);
    ppn[el].resize(n);
    ppe[el].resize(n);
    fpe[el].resize(n);
    finc[el].resize(n);
    const std::size_t shell0 = lib.shell_designator.size();
    for (std::size_t s = 0; s < d.subshells.size(); ++s) {
      const Subshell& sh = d.subshells[s];
      lib.shell_names.push_back(d.symbol + " " + sh.name);
      lib.shell_designator.push_back(sh.designator);
      lib.shell_element.push_back(static_cast<int>(el));
      lib.shell_binding.push_back(sh.binding_ev * 1e-6);
      lib.shell_num_electrons.push_back(sh.num_electrons);
      lib.shell_fluorescence_energy.push_back(fluo[s] * 1e-6);
    }
    lib.shell_xs.resize(lib.shell_xs.size() + d.subshells.size() * n);
    for (std::size_t k = 0; k < n; ++k) {
      const double e_mev = lib.grid.energy[k];
      const double e = e_mev * 1e6;
      const bool below = lib.grid.below[k] != 0;
      coh[el][k] = d.coherent_xs(e);
      inc[el][k] = d.incoherent_xs(e);
      ppn[el][k] = d.pair_nuclear_xs(e);
      ppe[el][k] = d.pair_electron_xs(e);
      double photo = 0, fluo_sum = 0;
      for (std::size_t s = 0; s < d.subshells.size(); ++s) {
        const double xs = d.subshell_xs(s, e, below);
        lib.shell_xs[(shell0 + s) * n + k] = xs;
        photo += xs;
        fluo_sum += xs * fluo[s];
      }
      pho[el][k] = photo;
      fpe[el][k] = photo > 0 ? 1.0 - fluo_sum / (photo * e) : 0.0;
      finc[el][k] = incoherent_transfer_fraction(d, e_mev);
    }
    lib.element_shell_offset.push_back(static_cast<int>(lib.shell_designator.size()));
    lib.element_photo_xs.insert(lib.element_photo_xs.end(), pho[el].begin(), pho[el].end());
    // Relaxation transitions: shells referenced by designator -> global shell index.
    for (std::size_t s = 0; s < d.subshells.size(); ++s) {
      lib.shell_transition_offset.push_back(static_cast<int>(lib.transition_energy.size()));
      const auto& trs = d.subshells[s].transitions;
      double total_p = 0;
      for (const auto& t : trs) total_p += t.probability;
      double cum = 0;
      auto global_shell = [&](int designator) {
        for (std::size_t q = 0; q < d.subshells.size(); ++q) {
          if (d.subshells[q].designator == designator) return static_cast<int>(shell0 + q);
        }
        return -1;
      };
      for (const auto& t : trs) {
        cum += t.probability / total_p;
        lib.transition_secondary.push_back(global_shell(t.secondary));
        lib.transition_tertiary.push_back(t.tertiary == 0 ? -1 : global_shell(t.tertiary));
        lib.transition_energy.push_back(t.energy_ev * 1e-6);
        lib.transition_probability.push_back(t.probability);
        lib.transition_cum.push_back(cum);
      }
      if (!trs.empty()) lib.transition_cum.back() = 1.0;  // exact top against rounding
    }
    // Compton shells.
    if (lib.element_cshell_offset.empty()) lib.element_cshell_offset.push_back(0);
    for (const ComptonShell& cs : d.compton_shells) {
      lib.cshell_binding.push_back(cs.binding_ev * 1e-6);
      lib.cshell_electrons.push_back(cs.num_electrons);
      const std::vector<double> inv =
          compton_pz_inverse_cdf(d.compton_pz, cs.j, kComptonProfilePoints);
      lib.cshell_pz.insert(lib.cshell_pz.end(), inv.begin(), inv.end());
    }
    lib.element_cshell_offset.push_back(static_cast<int>(lib.cshell_binding.size()));
    // Rayleigh cumulative and S(x) on the common x grid.
    const RayleighCumulative cumulative(d);
    phi[el].resize(nx);
    sfun[el].resize(nx);
    for (std::size_t j = 0; j < nx; ++j) {
      phi[el][j] = cumulative(lib.x[j]);
      sfun[el][j] = d.scattering_function_at(lib.x[j]);
    }
  }
  lib.shell_transition_offset.push_back(static_cast<int>(lib.transition_energy.size()));

  // --- per medium: mixture rule ---
  const std::size_t nm = catalog.size();
  lib.mass_mu.assign(nm * kNumPhotonProcesses * n, 0.0);
  lib.mass_mu_total.assign(nm * n, 0.0);
  lib.mass_mu_tr.assign(nm * n, 0.0);
  lib.mass_mu_en.assign(nm * n, 0.0);
  lib.rayleigh_cdf.assign(nm * nx, 0.0);
  lib.compton_s.assign(nm * nx, 0.0);
  lib.medium_element_offset.push_back(0);
  for (std::size_t m = 0; m < nm; ++m) {
    const CatalogMedium& cm = catalog[m];
    lib.media_keys.push_back(cm.key);
    lib.media_names.push_back(cm.medium.name);
    lib.density.push_back(cm.medium.density_g_cm3);
    double electrons = 0, z_weighted = 0;               // per gram x 1e-24, for the mean Z and S/Z
    std::vector<std::pair<std::size_t, double>> parts;  // (element index, atoms/g x 1e-24)
    for (const auto& ef : cm.medium.elements) {
      const std::size_t el =
          static_cast<std::size_t>(std::find(zs.begin(), zs.end(), ef.z) - zs.begin());
      const double atoms =
          ef.mass_fraction * barn_per_atom_to_cm2_per_g(element_facts(ef.z).atomic_weight);
      parts.emplace_back(el, atoms);
      lib.medium_element.push_back(static_cast<int>(el));
      lib.medium_atoms.push_back(atoms);
      lib.medium_mass_fraction.push_back(ef.mass_fraction);
      electrons += atoms * ef.z;
      z_weighted += atoms * ef.z * ef.z;
    }
    lib.medium_element_offset.push_back(static_cast<int>(lib.medium_element.size()));
    // Compton shells of the medium, weighted by atoms x electrons in the shell.
    if (lib.medium_cshell_offset.empty()) lib.medium_cshell_offset.push_back(0);
    const std::size_t first_cshell = lib.medium_cshell.size();
    double shell_weight = 0;
    for (const auto& [el, atoms] : parts) {
      for (int k = lib.element_cshell_offset[el]; k < lib.element_cshell_offset[el + 1]; ++k) {
        shell_weight += atoms * lib.cshell_electrons[static_cast<std::size_t>(k)];
        lib.medium_cshell.push_back(k);
        lib.medium_cshell_cum.push_back(shell_weight);
      }
    }
    for (std::size_t k = first_cshell; k < lib.medium_cshell.size(); ++k) {
      lib.medium_cshell_cum[k] /= shell_weight;
    }
    lib.medium_cshell_cum.back() = 1.0;  // exact top against rounding
    lib.medium_cshell_offset.push_back(static_cast<int>(lib.medium_cshell.size()));
    const double z_mean = z_weighted / electrons;
    double* row = lib.mass_mu.data() + m * kNumPhotonProcesses * n;
    for (std::size_t k = 0; k < n; ++k) {
      const double e_mev = lib.grid.energy[k];
      double p[kNumPhotonProcesses] = {0, 0, 0, 0, 0};
      double photo_tr = 0, inc_tr = 0, pair_tr = 0;
      const double f_pair = e_mev > 2 * kElectronMassMeV ? 1.0 - 2 * kElectronMassMeV / e_mev : 0.0;
      for (const auto& [el, atoms] : parts) {
        p[kPhotonCoherent] += atoms * coh[el][k];
        p[kPhotonIncoherent] += atoms * inc[el][k];
        p[kPhotonPhotoelectric] += atoms * pho[el][k];
        p[kPhotonPairNuclear] += atoms * ppn[el][k];
        p[kPhotonPairElectron] += atoms * ppe[el][k];
        photo_tr += atoms * pho[el][k] * fpe[el][k];
        inc_tr += atoms * inc[el][k] * finc[el][k];
        pair_tr += atoms * (ppn[el][k] + ppe[el][k]) * f_pair;
      }
      double total = 0;
      for (int q = 0; q < kNumPhotonProcesses; ++q) {
        row[static_cast<std::size_t>(q) * n + k] = p[q];
        total += p[q];
      }
      lib.mass_mu_total[m * n + k] = total;
      const double mu_tr = photo_tr + inc_tr + pair_tr;
      lib.mass_mu_tr[m * n + k] = mu_tr;
      // Energy-weighted yields per process: photoelectron T ~ E (the binding energy goes to
      // Auger electrons and fluorescence, both low energy), Compton and pair spectra above.
      const double g = mu_tr > 0
                           ? (photo_tr * radiative_yield(z_mean, e_mev) +
                              inc_tr * compton_weighted_yield(z_mean, e_mev) +
                              pair_tr * pair_weighted_yield(z_mean, e_mev - 2 * kElectronMassMeV)) /
                                 mu_tr
                           : 0.0;
      lib.mass_mu_en[m * n + k] = mu_tr * (1 - g);
    }
    double smax = 0;
    for (std::size_t j = 0; j < nx; ++j) {
      double ph = 0, s = 0;
      for (const auto& [el, atoms] : parts) {
        ph += atoms * phi[el][j];
        s += atoms * sfun[el][j];
      }
      lib.rayleigh_cdf[m * nx + j] = ph;
      lib.compton_s[m * nx + j] = s / electrons;
      smax = std::max(smax, s / electrons);
    }
    lib.compton_s_max.push_back(smax);
  }
  std::vector<int> with_density;
  for (std::size_t m = 0; m < nm; ++m) {
    if (lib.density[m] > 0) with_density.push_back(static_cast<int>(m));
  }
  lib.majorant = photon_majorant(lib, with_density);

  // --- write: temporary file, then rename, so a reader never sees half a library ---
  std::filesystem::create_directories(std::filesystem::path(out_path).parent_path());
  // A temporary name of this process and call: runs that find a (user-media) library missing at
  // the same time each write a whole file, and the last rename wins.
  static std::atomic<int> counter{0};
  const std::string tmp =
      out_path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  {
    H5File f = H5File::create(tmp);
    f.write_attr_string("/", "format", "gpudose photon library");
    f.write_attr_int("/", "format_version", kPhotonLibraryFormat);
    f.write_attr_string("/", "data_source",
                        "ENDF/B-VIII.0 photo-atomic and atomic relaxation sublibraries (OpenMC "
                        "HDF5 photon format v3.0); media: ICRP Publication 110, water, dry air, "
                        "soft tissue, and the user compositions of /media/keys user:*");
    std::vector<std::string> src;
    for (const auto& [p, h] : lib.sources) src.push_back(h + "  " + p);
    f.write_string("/sources", join_lines(src));
    f.write_doubles("/grid/energy", lib.grid.energy);
    f.write_ints("/grid/below",
                 std::vector<std::int64_t>(lib.grid.below.begin(), lib.grid.below.end()));
    f.write_ints("/grid/bin_first", to64(lib.grid.bin_first));
    f.write_attr_double("/grid", "points_per_decade", lib.grid.points_per_decade);
    f.write_attr_double("/grid", "log_e0", lib.grid.log_e0);
    f.write_attr_double("/grid", "inv_dlog", lib.grid.inv_dlog);
    f.write_string("/media/keys", join_lines(lib.media_keys));
    f.write_string("/media/names", join_lines(lib.media_names));
    f.write_doubles("/media/density", lib.density);
    f.write_ints("/media/element_offset", to64(lib.medium_element_offset));
    f.write_ints("/media/element", to64(lib.medium_element));
    f.write_doubles("/media/atoms", lib.medium_atoms);
    f.write_doubles("/media/mass_fraction", lib.medium_mass_fraction);
    f.write_doubles("/media/mass_mu", lib.mass_mu, {nm, kNumPhotonProcesses, n});
    f.write_doubles("/media/mass_mu_total", lib.mass_mu_total, {nm, n});
    f.write_doubles("/media/mass_mu_tr", lib.mass_mu_tr, {nm, n});
    f.write_doubles("/media/mass_mu_en", lib.mass_mu_en, {nm, n});
    f.write_doubles("/media/majorant", lib.majorant);
    f.write_doubles("/x/x", lib.x);
    f.write_doubles("/media/rayleigh_cdf", lib.rayleigh_cdf, {nm, nx});
    f.write_doubles("/media/compton_s", lib.compton_s, {nm, nx});
    f.write_doubles("/media/compton_s_max", lib.compton_s_max);
    f.write_ints("/elements/z", to64(lib.element_z));
    f.write_ints("/elements/shell_offset", to64(lib.element_shell_offset));
    f.write_doubles("/elements/photo_xs", lib.element_photo_xs, {ne, n});
    f.write_string("/shells/names", join_lines(lib.shell_names));
    f.write_ints("/shells/designator", to64(lib.shell_designator));
    f.write_ints("/shells/element", to64(lib.shell_element));
    f.write_ints("/shells/transition_offset", to64(lib.shell_transition_offset));
    f.write_doubles("/shells/binding", lib.shell_binding);
    f.write_doubles("/shells/num_electrons", lib.shell_num_electrons);
    f.write_doubles("/shells/fluorescence_energy", lib.shell_fluorescence_energy);
    f.write_doubles("/shells/xs", lib.shell_xs, {lib.shell_designator.size(), n});
    f.write_ints("/transitions/secondary", to64(lib.transition_secondary));
    f.write_ints("/transitions/tertiary", to64(lib.transition_tertiary));
    f.write_doubles("/transitions/energy", lib.transition_energy);
    f.write_doubles("/transitions/probability", lib.transition_probability);
    f.write_doubles("/transitions/cumulative", lib.transition_cum);
    f.write_ints("/compton/element_shell_offset", to64(lib.element_cshell_offset));
    f.write_doubles("/compton/binding", lib.cshell_binding);
    f.write_doubles("/compton/electrons", lib.cshell_electrons);
    f.write_doubles("/compton/pz_inverse_cdf", lib.cshell_pz,
                    {lib.cshell_binding.size(), static_cast<std::size_t>(kComptonProfilePoints)});
    f.write_ints("/compton/medium_shell_offset", to64(lib.medium_cshell_offset));
    f.write_ints("/compton/medium_shell", to64(lib.medium_cshell));
    f.write_doubles("/compton/medium_shell_cumulative", lib.medium_cshell_cum);
    f.write_attr_string("/", "content_sha256", content_sha256(lib));
  }
  std::filesystem::rename(tmp, out_path);
  return lib;
}

PhotonLibrary load_photon_library(const std::string& path) {
  bool identity_ok = false;
  FileIdentity identity = file_identity(path, "", &identity_ok);  // before reading it
  const H5File f = H5File::open_read(path);
  PhotonLibrary lib;
  lib.path = path;
  if (!f.has_attr("/", "format_version") ||
      f.read_attr_int("/", "format_version") != kPhotonLibraryFormat) {
    throw UserError("photon library '" + path + "' has another format version",
                    "this gpudose reads version " + std::to_string(kPhotonLibraryFormat),
                    "rebuild it with `gpudose physics build`");
  }
  lib.format_version = kPhotonLibraryFormat;
  for (const auto& line : split_lines(f.read_string("/sources"))) {
    const auto sep = line.find("  ");
    if (sep != std::string::npos)
      lib.sources.emplace_back(line.substr(sep + 2), line.substr(0, sep));
  }
  lib.grid.energy = f.read_doubles("/grid/energy");
  for (auto b : f.read_ints("/grid/below")) lib.grid.below.push_back(static_cast<char>(b));
  lib.grid.bin_first = to32(f.read_ints("/grid/bin_first"));
  lib.grid.points_per_decade = f.read_attr_double("/grid", "points_per_decade");
  lib.grid.log_e0 = f.read_attr_double("/grid", "log_e0");
  lib.grid.inv_dlog = f.read_attr_double("/grid", "inv_dlog");
  lib.media_keys = split_lines(f.read_string("/media/keys"));
  lib.media_names = split_lines(f.read_string("/media/names"));
  lib.density = f.read_doubles("/media/density");
  lib.medium_element_offset = to32(f.read_ints("/media/element_offset"));
  lib.medium_element = to32(f.read_ints("/media/element"));
  lib.medium_atoms = f.read_doubles("/media/atoms");
  lib.medium_mass_fraction = f.read_doubles("/media/mass_fraction");
  lib.mass_mu = f.read_doubles("/media/mass_mu");
  lib.mass_mu_total = f.read_doubles("/media/mass_mu_total");
  lib.mass_mu_tr = f.read_doubles("/media/mass_mu_tr");
  lib.mass_mu_en = f.read_doubles("/media/mass_mu_en");
  lib.majorant = f.read_doubles("/media/majorant");
  lib.x = f.read_doubles("/x/x");
  for (double xv : lib.x) lib.x2.push_back(xv * xv);
  lib.rayleigh_cdf = f.read_doubles("/media/rayleigh_cdf");
  lib.compton_s = f.read_doubles("/media/compton_s");
  lib.compton_s_max = f.read_doubles("/media/compton_s_max");
  lib.element_z = to32(f.read_ints("/elements/z"));
  lib.element_shell_offset = to32(f.read_ints("/elements/shell_offset"));
  lib.element_photo_xs = f.read_doubles("/elements/photo_xs");
  lib.shell_names = split_lines(f.read_string("/shells/names"));
  lib.shell_designator = to32(f.read_ints("/shells/designator"));
  lib.shell_element = to32(f.read_ints("/shells/element"));
  lib.shell_transition_offset = to32(f.read_ints("/shells/transition_offset"));
  lib.shell_binding = f.read_doubles("/shells/binding");
  lib.shell_num_electrons = f.read_doubles("/shells/num_electrons");
  lib.shell_fluorescence_energy = f.read_doubles("/shells/fluorescence_energy");
  lib.shell_xs = f.read_doubles("/shells/xs");
  lib.transition_secondary = to32(f.read_ints("/transitions/secondary"));
  lib.transition_tertiary = to32(f.read_ints("/transitions/tertiary"));
  lib.transition_energy = f.read_doubles("/transitions/energy");
  lib.transition_probability = f.read_doubles("/transitions/probability");
  lib.transition_cum = f.read_doubles("/transitions/cumulative");
  lib.element_cshell_offset = to32(f.read_ints("/compton/element_shell_offset"));
  lib.cshell_binding = f.read_doubles("/compton/binding");
  lib.cshell_electrons = f.read_doubles("/compton/electrons");
  lib.cshell_pz = f.read_doubles("/compton/pz_inverse_cdf");
  lib.medium_cshell_offset = to32(f.read_ints("/compton/medium_shell_offset"));
  lib.medium_cshell = to32(f.read_ints("/compton/medium_shell"));
  lib.medium_cshell_cum = f.read_doubles("/compton/medium_shell_cumulative");
  // The file's own content against the digest recorded when it was written (~5 ms for 8 MB),
  // once per process and file version (content_verified_before).
  identity.recorded_digest =
      f.has_attr("/", "content_sha256") ? f.read_attr_string("/", "content_sha256") : "";
  if (!identity_ok || !content_verified_before(identity)) {
    if (identity.recorded_digest != content_sha256(lib)) {
      throw UserError("photon library '" + path + "' is damaged",
                      "its content SHA-256 differs from the one recorded when it was written",
                      "rebuild it with `gpudose physics build --force`");
    }
    if (identity_ok) remember_content_verified(identity);
  }

  // Consistency of the shapes: a truncated or hand-edited file must not reach the transport.
  const std::size_t n = lib.grid.energy.size(), nm = lib.media_keys.size();
  const std::size_t nx = lib.x.size(), ns = lib.shell_designator.size();
  auto check = [&](bool ok, const std::string& what) {
    if (!ok) {
      throw UserError("bad photon library '" + path + "': " + what, "inconsistent sizes",
                      "rebuild it with `gpudose physics build`");
    }
  };
  check(n >= 2 && lib.grid.below.size() == n && !lib.grid.bin_first.empty(), "/grid");
  check(lib.media_names.size() == nm && lib.density.size() == nm, "/media/names, /media/density");
  check(lib.medium_element_offset.size() == nm + 1, "/media/element_offset");
  check(lib.mass_mu.size() == nm * kNumPhotonProcesses * n, "/media/mass_mu");
  check(lib.mass_mu_total.size() == nm * n && lib.mass_mu_tr.size() == nm * n &&
            lib.mass_mu_en.size() == nm * n,
        "/media/mass_mu_total|tr|en");
  check(lib.majorant.size() == n, "/media/majorant");
  check(lib.rayleigh_cdf.size() == nm * nx && lib.compton_s.size() == nm * nx &&
            lib.compton_s_max.size() == nm,
        "/media/rayleigh_cdf|compton_s");
  check(lib.element_shell_offset.size() == lib.element_z.size() + 1 &&
            lib.element_photo_xs.size() == lib.element_z.size() * n,
        "/elements");
  check(lib.shell_xs.size() == ns * n && lib.shell_transition_offset.size() == ns + 1 &&
            lib.shell_binding.size() == ns,
        "/shells");
  const std::size_t ncs = lib.cshell_binding.size();
  check(lib.element_cshell_offset.size() == lib.element_z.size() + 1 &&
            !lib.element_cshell_offset.empty() &&
            static_cast<std::size_t>(lib.element_cshell_offset.back()) == ncs &&
            lib.cshell_electrons.size() == ncs &&
            lib.cshell_pz.size() == ncs * static_cast<std::size_t>(kComptonProfilePoints),
        "/compton shells");
  bool shells_ok =
      lib.medium_cshell_offset.size() == nm + 1 &&
      lib.medium_cshell_cum.size() == lib.medium_cshell.size() &&
      static_cast<std::size_t>(lib.medium_cshell_offset.back()) == lib.medium_cshell.size();
  for (std::size_t m = 0; shells_ok && m < nm; ++m) {
    shells_ok = lib.medium_cshell_offset[m] < lib.medium_cshell_offset[m + 1];
  }
  for (int k : lib.medium_cshell)
    shells_ok = shells_ok && k >= 0 && static_cast<std::size_t>(k) < ncs;
  check(shells_ok, "/compton media");
  check(lib.transition_cum.size() == lib.transition_energy.size() &&
            lib.transition_secondary.size() == lib.transition_energy.size(),
        "/transitions");
  return lib;
}

std::vector<double> compton_pz_inverse_cdf(const std::vector<double>& pz_au,
                                           const std::vector<double>& j, int points) {
  // Cumulative of the piecewise-linear J at the tabulated points (exact trapezoids), then for
  // each probability the p_z inside its interval from the quadratic the linear J gives.
  const std::size_t n = pz_au.size();
  std::vector<double> cum(n, 0.0);
  for (std::size_t i = 1; i < n; ++i) {
    cum[i] = cum[i - 1] + 0.5 * (j[i] + j[i - 1]) * (pz_au[i] - pz_au[i - 1]);
  }
  std::vector<double> out(static_cast<std::size_t>(points));
  std::size_t i = 0;
  for (int k = 0; k < points; ++k) {
    const double w = 1.0 - static_cast<double>(k) / (points - 1);
    const double target = cum[n - 1] * (1.0 - w * w * w);  // u_k = 1 - (1 - k/(points-1))^3
    while (i + 2 < n && cum[i + 1] < target) ++i;
    // On [p0, p1] with J(p) = j0 + s (p - p0): j0 d + s d^2 / 2 = target - cum[i], d = p - p0.
    const double h = pz_au[i + 1] - pz_au[i], r = target - cum[i];
    const double s = (j[i + 1] - j[i]) / h;
    double d;
    if (std::fabs(s) * h < 1e-12 * std::fabs(j[i]) || j[i] + j[i + 1] <= 0) {
      d = j[i] > 0 ? r / j[i] : 0.0;
    } else {
      const double disc = j[i] * j[i] + 2 * s * r;
      d = 2 * r / (j[i] + std::sqrt(disc > 0 ? disc : 0.0));  // stable root of s d^2/2 + j0 d = r
    }
    d = std::min(std::max(d, 0.0), h);
    out[static_cast<std::size_t>(k)] = (pz_au[i] + d) * kFineStructure;
  }
  return out;
}

bool photon_library_is_current(const std::string& path, const std::string& data_dir) {
  return photon_library_is_current(path, data_dir, load_media_catalog(data_dir));
}

bool photon_library_is_current(const std::string& path, const std::string& data_dir,
                               const MediaCatalog& catalog) {
  if (!std::filesystem::is_regular_file(path)) return false;
  std::vector<std::pair<std::string, std::string>> recorded;
  try {
    const H5File f = H5File::open_read(path);
    if (!f.has_attr("/", "format_version") ||
        f.read_attr_int("/", "format_version") != kPhotonLibraryFormat) {
      return false;
    }
    for (const auto& line : split_lines(f.read_string("/sources"))) {
      const auto sep = line.find("  ");
      if (sep != std::string::npos)
        recorded.emplace_back(line.substr(sep + 2), line.substr(0, sep));
    }
  } catch (const UserError& e) {
    // Unreadable (truncated, not HDF5, a dataset gone): damaged, rebuilt by the callers.
    std::string why = e.what();
    const auto cut = why.rfind("); ");
    if (cut != std::string::npos) why.resize(cut + 1);
    std::cerr << "gpudose: photon library '" << path << "' is unreadable: " << why
              << "; rebuilding it\n";
    return false;
  }
  const auto files = needed_sources(data_dir, catalog, nullptr);
  if (files.size() != recorded.size()) return false;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (recorded[i].first != relative_to(files[i], data_dir)) return false;
    if (recorded[i].second != sha256_file(files[i])) return false;
  }
  // Sources unchanged: now the file's own content (a full load, which checks its digest). The
  // callers rebuild when this says false, so a damaged library is named here, on one line.
  try {
    const PhotonLibrary lib = load_photon_library(path);
    // The catalog also holds media defined in the program (water, air, soft tissue) and, for a
    // user phantom, compositions from its media table (keys name their digests): a library
    // built for other media lacks them.
    std::vector<std::string> keys;
    for (const auto& m : catalog.media()) keys.push_back(m.key);
    if (lib.media_keys != keys) {
      std::cerr << "gpudose: photon library '" << path
                << "' was built for another media catalog; rebuilding it\n";
      return false;
    }
  } catch (const UserError& e) {
    std::string why = e.what();
    const auto cut = why.rfind("); ");
    if (cut != std::string::npos) why.resize(cut + 1);
    std::cerr << "gpudose: " << why << "; rebuilding it\n";
    return false;
  }
  return true;
}

}  // namespace gpudose
