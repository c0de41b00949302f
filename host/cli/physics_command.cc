// `gpudose physics build|show|table`: builds the engine's physics libraries from the elemental
// data in the data directory, and prints or exports their tables for one medium.
//   physics build [--force]   (re)build <cache>/physics/photon.h5 and electron.h5 when their
//                             sources changed
//   physics show  --medium M [--model F] --energy E [--particle photon|electron|positron]
//   physics table --medium M [--model F] [--particle photon|electron|positron] -o FILE.csv
// Media are the catalog media (physics-data/media_catalog.hh); both libraries are built for
// the whole catalog in catalog order, so a catalog index is a medium index of both.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <tuple>
#include <vector>

#include "host/cli/cli.hh"
#include "host/cli/data_dir.hh"
#include "host/foundation/durable_file.hh"
#include "host/foundation/user_error.hh"
#include "physics-data/electron_data_sources.hh"
#include "physics-data/electron_library.hh"
#include "physics-data/elements.hh"
#include "physics-data/media_catalog.hh"
#include "physics-data/photon_library.hh"

namespace gpudose {
namespace {

struct PhysicsOptions {
  std::string medium;
  std::string model;
  std::string particle = "photon";
  double energy = 0;
  std::string output;
  std::string library;
  bool force = false;
};

enum class Particle { kPhoton, kElectron, kPositron };

Particle parse_particle(const std::string& particle) {
  if (particle == "photon") return Particle::kPhoton;
  if (particle == "electron") return Particle::kElectron;
  if (particle == "positron") return Particle::kPositron;
  throw UserError("unknown particle '" + particle + "'", "expected photon, electron or positron",
                  "use --particle photon, electron or positron");
}

std::string library_path(const PhysicsOptions& o, const GlobalOptions& g) {
  if (!o.library.empty()) return o.library;
  return default_photon_library_path(resolve_cache_dir(g.cache_dir));
}

// The electron library sits next to the photon library.
std::string electron_library_path(const PhysicsOptions& o, const GlobalOptions& g) {
  return (std::filesystem::path(library_path(o, g)).parent_path() / "electron.h5").string();
}

std::vector<Medium> catalog_media(const MediaCatalog& catalog, std::vector<double>* i_values) {
  std::vector<Medium> media;
  for (const auto& c : catalog.media()) {
    media.push_back(c.medium);
    i_values->push_back(c.mean_excitation_ev);
  }
  return media;
}

// True when the electron library exists, holds the catalog's media and every source file it
// records still has the recorded size and SHA-256.
bool electron_library_file_is_current(const std::string& path, const std::string& data_dir,
                                      const MediaCatalog& catalog) {
  if (!std::filesystem::is_regular_file(path)) return false;
  try {
    std::vector<std::string> names;
    for (std::size_t m = 0; m < catalog.size(); ++m) names.push_back(catalog[m].medium.name);
    return electron_library_is_current(load_electron_library(path), names, data_dir);
  } catch (const UserError&) {
    return false;
  }
}

void build_electron(const std::string& data_dir, const std::string& path,
                    const MediaCatalog& catalog) {
  ElectronLibraryOptions options;
  const std::vector<Medium> media = catalog_media(catalog, &options.mean_excitation_ev);
  const auto t0 = std::chrono::steady_clock::now();
  const ElectronLibrary lib = build_electron_library(media, data_dir, path, options);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "electron library: " << lib.n_media() << " media, " << lib.energies().size()
            << " energies (e- and e+), " << lib.sources().size() << " source files; built in "
            << std::setprecision(3) << s << " s: " << path << "\n";
}

// Loads the electron library, building it first when it does not exist yet.
ElectronLibrary load_or_build_electron(const PhysicsOptions& o, const GlobalOptions& g,
                                       const MediaCatalog& catalog) {
  const std::string path = electron_library_path(o, g);
  if (!std::filesystem::exists(path)) {
    std::cerr << "gpudose: electron library '" << path << "' not found, building it\n";
    build_electron(resolve_data_dir(g.data_dir), path, catalog);
  }
  ElectronLibrary lib = load_electron_library(path);
  if (lib.n_media() != static_cast<int>(catalog.size())) {
    throw UserError("electron library '" + path + "' does not match the media catalog",
                    "it holds " + std::to_string(lib.n_media()) + " media, the catalog " +
                        std::to_string(catalog.size()),
                    "rebuild it with `gpudose physics build --force`");
  }
  return lib;
}

void show_electron(const PhysicsOptions& o, const GlobalOptions& g, bool positron) {
  const MediaCatalog catalog = load_media_catalog(resolve_data_dir(g.data_dir));
  const std::size_t c = catalog.find(o.model, o.medium);
  const ElectronLibrary lib = load_or_build_electron(o, g, catalog);
  const auto rows = describe_electron(lib, static_cast<int>(c), o.energy, positron);
  std::cout << std::setprecision(6);
  std::cout << "medium: " << catalog[c].key << " '" << catalog[c].medium.name << "', density "
            << lib.densities()[c] << " g/cm3, I = " << lib.mean_excitation_ev()[c] << " eV\n";
  std::cout << (positron ? "positron" : "electron") << " kinetic energy: " << o.energy
            << " MeV; cut-offs Wcc = " << lib.wcc_mev() << " MeV, Wcr = " << lib.wcr_mev()
            << " MeV\n";
  std::cout << "library: " << electron_library_path(o, g) << "\n\n";
  std::size_t width = 0;
  for (const auto& r : rows) width = std::max(width, std::get<0>(r).size());
  for (const auto& [name, value, unit] : rows) {
    std::cout << std::left << std::setw(static_cast<int>(width) + 2) << name << std::right
              << std::setw(14) << value << " " << unit << "\n";
  }
}

void write_electron_table(const PhysicsOptions& o, const GlobalOptions& g, bool positron) {
  if (o.output.empty()) {
    throw UserError("no output file", "physics table writes a CSV file", "give -o FILE.csv");
  }
  const MediaCatalog catalog = load_media_catalog(resolve_data_dir(g.data_dir));
  const std::size_t c = catalog.find(o.model, o.medium);
  const ElectronLibrary lib = load_or_build_electron(o, g, catalog);
  const ElectronTableRows t = electron_table_rows(lib, static_cast<int>(c), positron);
  // Composed in memory, written in one durable write: no .tmp left behind on failure.
  {
    std::ostringstream out;
    out << "# gpudose " << (positron ? "positron" : "electron") << " table: medium "
        << catalog[c].key << " '" << catalog[c].medium.name << "', density " << lib.densities()[c]
        << " g/cm3; composition ";
    for (std::size_t k = 0; k < catalog[c].medium.elements.size(); ++k) {
      const auto& e = catalog[c].medium.elements[k];
      out << (k ? ", " : "") << element_facts(e.z).symbol << " " << e.mass_fraction;
    }
    out << "\n# I = " << lib.mean_excitation_ev()[c] << " eV; Wcc = " << lib.wcc_mev()
        << " MeV, Wcr = " << lib.wcr_mev() << " MeV\n";
    for (std::size_t k = 0; k < t.header.size(); ++k) out << (k ? "," : "") << t.header[k];
    out << "\n" << std::setprecision(8);
    for (const auto& row : t.rows) {
      for (std::size_t k = 0; k < row.size(); ++k) out << (k ? "," : "") << row[k];
      out << "\n";
    }
    write_file_durably(o.output, out.str());
  }
  std::cout << "wrote " << t.rows.size() << " energies of " << catalog[c].key << " ("
            << (positron ? "positron" : "electron") << ") to " << o.output << "\n";
}

// Loads the photon library, building it first when it does not exist yet.
PhotonLibrary load_or_build(const PhysicsOptions& o, const GlobalOptions& g) {
  const std::string path = library_path(o, g);
  if (!std::filesystem::exists(path)) {
    std::cerr << "gpudose: photon library '" << path << "' not found, building it\n";
    build_photon_library(resolve_data_dir(g.data_dir), path);
  }
  return load_photon_library(path);
}

std::string composition(const PhotonLibrary& lib, std::size_t m) {
  std::ostringstream s;
  for (int k = lib.medium_element_offset[m]; k < lib.medium_element_offset[m + 1]; ++k) {
    s << (k > lib.medium_element_offset[m] ? ", " : "")
      << element_facts(lib.element_z[static_cast<std::size_t>(lib.medium_element[k])]).symbol << " "
      << lib.medium_mass_fraction[static_cast<std::size_t>(k)];
  }
  return s.str();
}

void show_photon(const PhysicsOptions& o, const GlobalOptions& g) {
  if (!(o.energy >= 1e-3 && o.energy <= 20.0)) {
    throw UserError("energy " + std::to_string(o.energy) + " MeV out of range",
                    "photon tables cover 0.001 - 20 MeV", "give --energy in MeV within that range");
  }
  const MediaCatalog catalog = load_media_catalog(resolve_data_dir(g.data_dir));
  const std::size_t c = catalog.find(o.model, o.medium);
  const PhotonLibrary lib = load_or_build(o, g);
  const std::size_t m = lib.medium_index(catalog[c].key);
  const PhotonTablesView v = lib.view();
  const double e = o.energy;
  const int i = v.find(e);
  const int mi = static_cast<int>(m);
  const double rho = lib.density[m];
  std::cout << std::setprecision(6);
  std::cout << "medium: " << lib.media_keys[m] << " '" << lib.media_names[m] << "', density " << rho
            << " g/cm3\n";
  std::cout << "composition (mass fractions): " << composition(lib, m) << "\n";
  std::cout << "photon energy: " << e << " MeV (grid interval " << v.grid.x[i] << " - "
            << v.grid.x[i + 1] << " MeV, log-log interpolation)\n";
  std::cout << "library: " << lib.path << "\n\n";
  static const char* const kNames[] = {"coherent (Rayleigh)", "incoherent (Compton)",
                                       "photoelectric", "pair, nuclear field",
                                       "pair, electron field"};
  std::cout << std::left << std::setw(24) << "process" << std::right << std::setw(14) << "mu/rho"
            << std::setw(14) << "mu" << std::setw(12) << "fraction"
            << "\n";
  std::cout << std::left << std::setw(24) << "" << std::right << std::setw(14) << "[cm2/g]"
            << std::setw(14) << "[1/cm]"
            << "\n";
  const double total = v.mass_mu_tot(mi, i, e);
  for (int p = 0; p < kNumPhotonProcesses; ++p) {
    const double mu = v.mass_mu_process(mi, p, i, e);
    std::cout << std::left << std::setw(24) << kNames[p] << std::right << std::setw(14) << mu
              << std::setw(14) << mu * rho << std::setw(12) << mu / total << "\n";
  }
  std::cout << std::left << std::setw(24) << "total" << std::right << std::setw(14) << total
            << std::setw(14) << total * rho << "\n";
  const double mtr = v.interp(v.mass_mu_tr + static_cast<long>(m) * v.grid.n, i, e);
  const double men = v.interp(v.mass_mu_en + static_cast<long>(m) * v.grid.n, i, e);
  std::cout << "mu_tr/rho (energy transfer):   " << mtr << " cm2/g\n";
  std::cout << "mu_en/rho (energy absorption): " << men << " cm2/g (approximate g, see README)\n";
  std::cout << "mean free path: " << 1.0 / (total * rho) << " cm\n";
  std::cout << "majorant over all media (interval " << i << "): " << v.majorant_at(i)
            << " 1/cm\n\n";

  const double x_max = e / kHcMeVAngstrom;
  std::cout << "Rayleigh: x_max = E/hc = " << x_max << " 1/angstrom; cumulative F^2 Phi(x_max^2) = "
            << v.sample_rayleigh_x2(mi, x_max * x_max, 1.0 - 1e-16)
            << " (arbitrary unit; median x = "
            << std::sqrt(v.sample_rayleigh_x2(mi, x_max * x_max, 0.5)) << " 1/angstrom)\n";
  std::cout << "Compton: S(x_max)/Z = " << v.compton_s_of_x(mi, x_max)
            << " (max of S/Z on the grid " << lib.compton_s_max[m] << ")\n\n";

  std::cout << "photoelectric absorption by element and subshell at this energy:\n";
  double photo_total = 0;
  for (int k = lib.medium_element_offset[m]; k < lib.medium_element_offset[m + 1]; ++k) {
    photo_total +=
        lib.medium_atoms[static_cast<std::size_t>(k)] *
        v.interp(v.element_photo_xs + static_cast<long>(lib.medium_element[k]) * v.grid.n, i, e);
  }
  for (int k = lib.medium_element_offset[m]; k < lib.medium_element_offset[m + 1]; ++k) {
    const int el = lib.medium_element[k];
    const double xs = v.interp(v.element_photo_xs + static_cast<long>(el) * v.grid.n, i, e);
    std::cout << "  " << std::left << std::setw(3) << element_facts(v.element_z[el]).symbol
              << std::right << " sigma_pe " << std::setw(12) << xs << " b/atom, probability "
              << std::setw(10) << lib.medium_atoms[static_cast<std::size_t>(k)] * xs / photo_total
              << "\n";
    for (int s = v.element_shell_offset[el]; s < v.element_shell_offset[el + 1]; ++s) {
      const double sx = v.interp(v.shell_xs + static_cast<long>(s) * v.grid.n, i, e);
      if (sx <= 0 || v.shell_designator[s] > 4) continue;  // K and L shells
      const int nt = v.shell_transition_offset[s + 1] - v.shell_transition_offset[s];
      double omega = 0;
      for (int t = v.shell_transition_offset[s]; t < v.shell_transition_offset[s + 1]; ++t) {
        if (v.transition_tertiary[t] < 0)
          omega += lib.transition_probability[static_cast<std::size_t>(t)];
      }
      std::cout << "      " << std::left << std::setw(8)
                << lib.shell_names[static_cast<std::size_t>(s)] << std::right << "sigma "
                << std::setw(12) << sx << " b, binding " << v.shell_binding[s] * 1e3 << " keV, "
                << nt << " transitions, radiative yield " << omega << ", mean fluorescence "
                << lib.shell_fluorescence_energy[static_cast<std::size_t>(s)] * 1e3 << " keV\n";
    }
  }
}

void write_photon_table(const PhysicsOptions& o, const GlobalOptions& g) {
  if (o.output.empty()) {
    throw UserError("no output file", "physics table writes a CSV file", "give -o FILE.csv");
  }
  const MediaCatalog catalog = load_media_catalog(resolve_data_dir(g.data_dir));
  const std::size_t c = catalog.find(o.model, o.medium);
  const PhotonLibrary lib = load_or_build(o, g);
  const std::size_t m = lib.medium_index(catalog[c].key);
  const std::size_t n = lib.num_energies();
  // Composed in memory, written in one durable write: no .tmp left behind on failure.
  {
    std::ostringstream out;
    out << "# gpudose photon table: medium " << lib.media_keys[m] << " '" << lib.media_names[m]
        << "', density " << lib.density[m] << " g/cm3; composition " << composition(lib, m)
        << "\n# edge: -1 = value just below an absorption edge, 1 = at/above it, 0 = no edge\n";
    out << "energy_MeV,edge,coherent_cm2_g,incoherent_cm2_g,photoelectric_cm2_g,"
           "pair_nuclear_cm2_g,pair_electron_cm2_g,total_cm2_g,total_1_cm,mu_tr_cm2_g,"
           "mu_en_cm2_g\n";
    out << std::setprecision(8);
    for (std::size_t k = 0; k < n; ++k) {
      int edge = 0;
      if (lib.grid.below[k])
        edge = -1;
      else if (k > 0 && lib.grid.below[k - 1])
        edge = 1;
      out << lib.grid.energy[k] << "," << edge;
      for (int p = 0; p < kNumPhotonProcesses; ++p) {
        out << "," << lib.mass_mu[(m * kNumPhotonProcesses + static_cast<std::size_t>(p)) * n + k];
      }
      out << "," << lib.mass_mu_total[m * n + k] << ","
          << lib.mass_mu_total[m * n + k] * lib.density[m] << "," << lib.mass_mu_tr[m * n + k]
          << "," << lib.mass_mu_en[m * n + k] << "\n";
    }
    write_file_durably(o.output, out.str());
  }
  std::cout << "wrote " << n << " energies of " << lib.media_keys[m] << " to " << o.output << "\n";
}

}  // namespace

void add_physics_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "physics", "Build and inspect the photon and electron/positron physics tables");
  cmd->require_subcommand(1);
  auto opt = std::make_shared<PhysicsOptions>();

  auto* build = cmd->add_subcommand("build",
                                    "Build the physics libraries into the cache (only "
                                    "when their source files changed)");
  build->add_flag("--force", opt->force, "Rebuild even when the sources did not change");
  build->add_option("--library", opt->library,
                    "Photon library file (default <cache>/physics/photon.h5; electron.h5 is "
                    "written next to it)");
  build->callback([opt, &global]() {
    const std::string data_dir = resolve_data_dir(global.data_dir);
    const std::string path = library_path(*opt, global);
    const MediaCatalog catalog = load_media_catalog(data_dir);
    // The photon sources include the ICRP media files: when they change, rebuild both.
    const bool photon_current = !opt->force && photon_library_is_current(path, data_dir);
    const std::string epath = electron_library_path(*opt, global);
    if (photon_current && electron_library_file_is_current(epath, data_dir, catalog)) {
      std::cout << "electron library up to date: " << epath << "\n";
    } else {
      build_electron(data_dir, epath, catalog);
    }
    if (photon_current) {
      std::cout << "photon library up to date: " << path << "\n";
      return;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const PhotonLibrary lib = build_photon_library(data_dir, path);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "photon library: " << lib.media_keys.size() << " media, " << lib.element_z.size()
              << " elements, " << lib.num_energies() << " energies (1 keV - 20 MeV), "
              << lib.sources.size() << " source files; built in " << std::setprecision(3) << s
              << " s: " << path << "\n";
  });

  auto add_common = [&](CLI::App* sub) {
    sub->add_option("--medium", opt->medium,
                    "Medium: ICRP 110 name or number, organ name, water or air")
        ->required();
    sub->add_option("--model", opt->model, "Phantom for ICRP media: female (AF) or male (AM)")
        ->default_str("female");
    sub->add_option("--particle", opt->particle, "photon, electron or positron")
        ->capture_default_str();
    sub->add_option("--library", opt->library,
                    "Photon library (default <cache>/physics/photon.h5)");
  };
  auto* show =
      cmd->add_subcommand("show", "Print every tabulated quantity of a medium at an energy");
  add_common(show);
  show->add_option("--energy", opt->energy, "Energy in MeV")->required();
  show->callback([opt, &global]() {
    const Particle p = parse_particle(opt->particle);
    if (p == Particle::kPhoton) {
      show_photon(*opt, global);
    } else {
      show_electron(*opt, global, p == Particle::kPositron);
    }
  });
  auto* table = cmd->add_subcommand("table", "Write a medium's tables on the energy grid as CSV");
  add_common(table);
  table->add_option("-o,--output", opt->output, "CSV file to write")->required();
  table->callback([opt, &global]() {
    const Particle p = parse_particle(opt->particle);
    if (p == Particle::kPhoton) {
      write_photon_table(*opt, global);
    } else {
      write_electron_table(*opt, global, p == Particle::kPositron);
    }
  });
}

}  // namespace gpudose
