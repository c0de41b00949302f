#include "host/run/voxel_kernel.hh"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <tuple>

#include "host/foundation/build_info.hh"
#include "host/foundation/durable_file.hh"
#include "host/foundation/hdf5_columns.hh"
#include "host/foundation/hdf5_memory_file.hh"
#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "host/run/dose_image.hh"
#include "host/run/job_runner.hh"
#include "host/run/nuclide_source.hh"
#include "host/run/user_phantom_loader.hh"
#include "kernels/constants.hh"
#include "phantoms/phantom.hh"
#include "phantoms/phantom_export.hh"
#include "physics-data/decay_data.hh"
#include "physics-data/electron_library.hh"
#include "physics-data/media_catalog.hh"
#include "physics-data/photon_library.hh"

namespace gpudose {
namespace {

std::string mm_text(double cm) { return format_g(cm * 10.0); }

// The table formats by lower-case extension (".csv", ".h5", ".hdf5"); "" for anything else,
// an image (phantom_export.hh) or unknown.
std::string table_extension(const std::string& path) {
  std::string lower = path;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* e : {".csv", ".h5", ".hdf5"}) {
    const std::string ext = e;
    if (lower.size() > ext.size() &&
        lower.compare(lower.size() - ext.size(), ext.size(), ext) == 0) {
      return ext;
    }
  }
  return "";
}

// Offsets (a, b, c) >= 0 of a voxel from the centre, made canonical: axes of equal voxel size
// are interchangeable, so their offsets are sorted (descending) among themselves. Equal size
// is an equivalence, so one exchange pass (a selection sort within each class) sorts them.
std::tuple<int, int, int> canonical(int a, int b, int c, const double v[3]) {
  int o[3] = {a, b, c};
  for (int i = 0; i < 3; ++i) {
    for (int j = i + 1; j < 3; ++j) {
      if (v[i] == v[j] && o[j] > o[i]) std::swap(o[i], o[j]);
    }
  }
  return {o[0], o[1], o[2]};
}

}  // namespace

std::pair<std::vector<std::uint32_t>, std::size_t> kernel_symmetry_groups(int n,
                                                                          const double v[3]) {
  const int c = n / 2;
  std::map<std::tuple<int, int, int>, std::uint32_t> index;
  std::vector<std::uint32_t> group(static_cast<std::size_t>(n) * n * n);
  std::size_t at = 0;
  for (int iz = 0; iz < n; ++iz) {
    for (int iy = 0; iy < n; ++iy) {
      for (int ix = 0; ix < n; ++ix) {
        const auto key = canonical(std::abs(ix - c), std::abs(iy - c), std::abs(iz - c), v);
        const auto [it, fresh] = index.emplace(key, static_cast<std::uint32_t>(index.size()));
        group[at++] = it->second;
      }
    }
  }
  return {std::move(group), index.size()};
}

VoxelKernel make_voxel_kernel(const KernelRequest& q,
                              const std::function<void(const std::string&)>& log) {
  if (q.size < 3 || q.size % 2 == 0 || q.size > 401) {
    throw UserError("--size " + std::to_string(q.size) + " is not an odd number from 3 to 401",
                    "the source is the central voxel of an N x N x N block",
                    "e.g. --size 11 (offsets 0..5 from the centre)");
  }
  for (double v : q.voxel_cm) {
    if (!(v > 0) || !std::isfinite(v) || v > 100) {
      throw UserError("--voxel must be positive millimetres", "got " + mm_text(v),
                      "e.g. --voxel 3 or --voxel 4.42x4.42x4.42");
    }
  }
  const int n = q.size;
  const std::string spec = "box:" + q.medium + ":" + std::to_string(n) + "x" + std::to_string(n) +
                           "x" + std::to_string(n) + ":" + mm_text(q.voxel_cm[0]) + "x" +
                           mm_text(q.voxel_cm[1]) + "x" + mm_text(q.voxel_cm[2]) + "mm";
  const MediaCatalog catalog = load_media_catalog(q.data_dir);
  auto block = std::make_shared<const Phantom>(load_user_phantom(spec, "", catalog));
  const PhotonLibrary photons = ensure_photon_library(q.data_dir, q.cache_dir, log);
  const ElectronLibrary electrons = ensure_electron_library(q.data_dir, q.cache_dir, log);

  JobRequest job;
  job.source = "centre";
  job.nuclide = q.nuclide;
  job.decay_dir = q.decay_dir;
  if (q.nuclide.empty()) {
    job.particle = q.particle;
    job.energy_mev = q.energy_mev;
  }
  job.histories = q.histories;
  job.uncertainty = q.uncertainty;
  job.seed = q.seed;
  job.threads = q.threads;
  job.backend = "cpu";
  job.dose_image = true;
  std::tie(job.voxel_groups, job.num_voxel_groups) = kernel_symmetry_groups(n, q.voxel_cm);
  const std::vector<std::uint32_t>& group = job.voxel_groups;
  const RunResult r = run_job(job, *block, photons, &electrons, log);

  VoxelKernel k;
  k.request = q;
  k.block = block;
  k.n = n;
  k.per = q.nuclide.empty() ? "emitted particle" : "decay";
  k.source = q.nuclide.empty() ? q.particle + " " + format_g(q.energy_mev) + " MeV" : r.nuclide;
  k.medium_key = block->medium_key(0);
  k.medium_name = block->media.at(0).name;
  k.density_g_cm3 = block->label_density.at(0);
  k.voxel_mass_kg = k.density_g_cm3 * block->voxel_volume_cm3() * 1e-3;
  k.histories = r.histories;
  const DoseImage& img = *r.dose;
  const std::size_t nv = block->num_voxels();
  k.s.resize(nv);
  k.rel_unc.resize(nv);
  double absorbed = 0;
  for (std::size_t v = 0; v < nv; ++v) {
    k.s[v] = img.dose_gy[v];
    k.rel_unc[v] = img.rel_unc[v];
    absorbed += img.energy_mev[v];
  }
  // Per decay: the transported energy per history x histories per decay, plus local energy.
  const double per_unit = q.nuclide.empty() ? 1.0 : r.particles_per_decay;
  k.emitted_mev = r.energy_mev;
  k.escaped_mev = r.escaped_fraction * r.energy_mev;
  k.absorbed_mev = absorbed;
  // Octant rows from the group statistics (exact sums; the local energy, if any, is in the
  // central voxel's group only).
  const VoxelStatistics& gs = *img.groups;
  std::vector<int> members(gs.num_voxels(), 0);
  for (std::uint32_t g : group) ++members[g];
  const int c = n / 2;
  const double local = q.nuclide.empty() ? 0.0 : r.local_mev_per_decay;
  for (int i = 0; i <= c; ++i) {
    for (int j = 0; j <= c; ++j) {
      for (int kk = 0; kk <= c; ++kk) {
        const std::size_t v =
            static_cast<std::size_t>(c + i) +
            static_cast<std::size_t>(n) * ((c + j) + static_cast<std::size_t>(n) * (c + kk));
        const std::uint32_t g = group[v];
        const double transported = per_unit * gs.mean_mev(g) / members[g];
        const double e = transported + (i == 0 && j == 0 && kk == 0 ? local : 0.0);
        const double u = gs.rel_unc(g);
        KernelRow row{i,
                      j,
                      kk,
                      e * kMeVToJoule / k.voxel_mass_kg,
                      e > 0 ? (std::isfinite(u) ? u * transported / e : 0.0) : 1.0,
                      members[g]};
        k.octant.push_back(row);
      }
    }
  }
  // Range check: the most energetic electron or positron against the block's half-width.
  double e_max = q.nuclide.empty() ? (q.particle == "photon" ? 0.0 : q.energy_mev) : 0.0;
  if (!q.nuclide.empty()) {
    const NuclideSource src(read_nuclide(q.decay_dir, q.nuclide), photons.grid.energy.back());
    for (std::size_t i = 0; i < src.line_energy().size(); ++i) {
      if (src.line_particle()[i] != 0) e_max = std::max(e_max, src.line_energy()[i]);
    }
    if (!src.beta_energy().empty()) e_max = std::max(e_max, src.beta_energy().back());
  }
  k.max_electron_mev = e_max;
  // The physics libraries hold every catalog medium in catalog order.
  const std::size_t lib_medium = catalog.index_of_key(k.medium_key);
  if (e_max > 0) {
    k.max_electron_range_cm =
        electrons.value(ElectronQuantity::kCsdaRange, 0, static_cast<int>(lib_medium), e_max) *
        electrons.densities().at(lib_medium) / k.density_g_cm3;
  }
  const double half_width = (c + 0.5) * std::min({q.voxel_cm[0], q.voxel_cm[1], q.voxel_cm[2]});
  if (k.max_electron_range_cm > half_width) {
    k.warnings.push_back("the block's half-width (" + mm_text(half_width) +
                         " mm) is shorter than the CSDA range of the most energetic electron (" +
                         format_g(e_max) + " MeV: " + mm_text(k.max_electron_range_cm) + " mm); " +
                         format_g(100 * r.escaped_fraction) +
                         " % of the emitted energy escaped the block: use a larger --size");
  }
  k.provenance = r.provenance;
  k.provenance.push_back({"kernel", "source uniform in the central voxel of " + spec +
                                        "; S averaged over symmetric voxels (reflections, "
                                        "permutations of equal voxel edges)"});
  return k;
}

void check_kernel_output_path(const std::string& path) {
  if (!table_extension(path).empty()) {
    check_writable_destination(path, "create the folder or choose another -o destination");
    return;
  }
  if (!is_supported_image_path(path)) {
    throw UserError("unknown output format '" + path + "'",
                    "a kernel is written as .csv, .h5, .mha, .nii.gz, .nii or .nrrd",
                    "e.g. -o kernel.csv");
  }
  check_dose_image_path(path);
}

std::string voxel_kernel_csv(const VoxelKernel& k) {
  std::ostringstream o;
  const KernelRequest& q = k.request;
  const BuildInfo& b = build_info();
  o << "# gpudose voxel S-value kernel (MIRD Pamphlet 17): source " << k.source
    << ", uniform in the central voxel\n"
    << "# voxel " << mm_text(q.voxel_cm[0]) << " x " << mm_text(q.voxel_cm[1]) << " x "
    << mm_text(q.voxel_cm[2]) << " mm; block " << k.n << "^3 voxels; medium " << k.medium_name
    << " (" << k.medium_key << "), " << format_g(k.density_g_cm3) << " g/cm3; voxel mass "
    << format_g(k.voxel_mass_kg) << " kg\n"
    << "# S per " << k.per << "; i j k = voxel offsets from the source voxel along x y z, one "
    << "octant, each value averaged over its symmetric voxels\n"
    << "# histories " << k.histories << ", seed " << q.seed << "; gpudose " << b.version << " "
    << b.git_commit << "\n"
    << "# energy per " << k.per << ": emitted " << format_g(k.emitted_mev)
    << " MeV, absorbed in the block " << format_g(k.absorbed_mev) << " MeV (sum of S x voxel "
    << "mass), escaped " << format_g(k.escaped_mev) << " MeV\n";
  for (const std::string& w : k.warnings) o << "# warning: " << w << "\n";
  o << "i,j,k,S_mGy_per_MBq_s,S_Gy_per_Bq_s,rel_unc,voxels_averaged\n";
  for (const KernelRow& r : k.octant) {
    char line[160];
    std::snprintf(line, sizeof line, "%d,%d,%d,%.6e,%.6e,%.3e,%d\n", r.i, r.j, r.k,
                  r.s_gy_per_bq_s * 1e9, r.s_gy_per_bq_s, r.rel_unc, r.voxels);
    o << line;
  }
  return o.str();
}

namespace {

std::string kernel_h5_image(const VoxelKernel& k, const std::string& path) {
  Hdf5MemoryFile memory;
  try {
    const hid_t root = memory.id();
    write_string_attribute(root, "format", "gpudose-voxel-kernel");
    write_string_attribute(root, "source", k.source);
    write_string_attribute(root, "per", k.per);
    write_string_attribute(root, "medium", k.medium_name + " (" + k.medium_key + ")");
    write_double_attribute(root, "density_g_cm3", k.density_g_cm3);
    write_double_attribute(root, "voxel_x_mm", k.request.voxel_cm[0] * 10);
    write_double_attribute(root, "voxel_y_mm", k.request.voxel_cm[1] * 10);
    write_double_attribute(root, "voxel_z_mm", k.request.voxel_cm[2] * 10);
    write_double_attribute(root, "voxel_mass_kg", k.voxel_mass_kg);
    write_double_attribute(root, "size", k.n);
    write_double_attribute(root, "histories", static_cast<double>(k.histories));
    write_double_attribute(root, "emitted_mev", k.emitted_mev);
    write_double_attribute(root, "absorbed_mev", k.absorbed_mev);
    write_double_attribute(root, "escaped_mev", k.escaped_mev);
    for (const auto& [key, value] : k.provenance) {
      write_string_attribute(root, "provenance_" + key, value);  // as run results name them
    }
    std::vector<double> i, j, kk, s, u, m;
    for (const KernelRow& r : k.octant) {
      i.push_back(r.i);
      j.push_back(r.j);
      kk.push_back(r.k);
      s.push_back(r.s_gy_per_bq_s);
      u.push_back(r.rel_unc);
      m.push_back(r.voxels);
    }
    Hdf5Handle g(H5Gcreate2(root, "octant", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    write_double_column(g, "i", i, "voxels");
    write_double_column(g, "j", j, "voxels");
    write_double_column(g, "k", kk, "voxels");
    write_double_column(g, "S", s, k.per == "decay" ? "Gy/(Bq s)" : "Gy per particle");
    write_double_column(g, "rel_unc", u, "1");
    write_double_column(g, "voxels_averaged", m, "1");
    Hdf5Handle f(H5Gcreate2(root, "image", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    write_double_column(f, "S", k.s, k.per == "decay" ? "Gy/(Bq s)" : "Gy per particle");
    write_double_column(f, "rel_unc", k.rel_unc, "1");
    write_string_attribute(f, "layout", "x fastest: index = i + n (j + n k)");
  } catch (const std::runtime_error& e) {
    throw UserError("cannot write '" + path + "'", e.what(), "check the destination");
  }
  return memory.take_image(path);
}

}  // namespace

void write_voxel_kernel(const VoxelKernel& k, const std::string& path) {
  const std::string ext = table_extension(path);
  if (ext == ".csv") {
    write_file_durably(path, voxel_kernel_csv(k));
  } else if (ext == ".h5" || ext == ".hdf5") {
    write_files_durably({{path, kernel_h5_image(k, path)}});
  } else {
    check_dose_image_path(path);
    std::vector<float> s(k.s.begin(), k.s.end()), u(k.rel_unc.begin(), k.rel_unc.end());
    const std::vector<std::string> paths = dose_image_paths(path, false);
    export_float_image(*k.block, s, paths[0]);
    export_float_image(*k.block, u, paths[1]);
  }
}

}  // namespace gpudose
