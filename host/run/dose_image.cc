#include "host/run/dose_image.hh"

#include <cmath>
#include <fstream>

#include "host/foundation/durable_file.hh"
#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "kernels/constants.hh"
#include "phantoms/phantom_export.hh"

namespace gpudose {

DoseImage make_dose_image(const Phantom& phantom, std::shared_ptr<const VoxelStatistics> stats,
                          double per_unit, const LocalEnergy& local, const std::string& unit) {
  const std::size_t n = phantom.num_voxels();
  if (stats->num_voxels() != n) throw std::logic_error("voxel statistics of another grid");
  std::vector<double> local_mev;
  if (local.mev > 0 && local.voxels && local.weights && local.total_weight > 0) {
    local_mev.assign(n, 0.0);
    for (std::size_t i = 0; i < local.voxels->size(); ++i) {
      local_mev[(*local.voxels)[i]] += local.mev * (*local.weights)[i] / local.total_weight;
    }
  }
  DoseImage img;
  img.unit = unit;
  img.dose_gy.resize(n);
  img.rel_unc.resize(n);
  img.energy_mev.resize(n);
  const double volume_kg_per_density = phantom.voxel_volume_cm3() * 1e-3;  // kg per (g/cm3)
  for (std::size_t v = 0; v < n; ++v) {
    const double transported = per_unit * stats->mean_mev(v);
    const double e = transported + (local_mev.empty() ? 0.0 : local_mev[v]);
    const double mass_kg = phantom.label_density[phantom.labels[v]] * volume_kg_per_density;
    img.energy_mev[v] = static_cast<float>(e);
    img.dose_gy[v] = mass_kg > 0 ? static_cast<float>(e * kMeVToJoule / mass_kg) : 0.0f;
    // The local part is exact: it scales the relative uncertainty of the transported part.
    const double u = stats->rel_unc(v);
    img.rel_unc[v] = e > 0 && std::isfinite(u) ? static_cast<float>(u * transported / e)
                     : e > 0                   ? 0.0f
                                               : 1.0f;
  }
  img.stats = std::move(stats);
  return img;
}

namespace {

// "dose.nii.gz" -> {"dose", ".nii.gz"}; the extension as phantom_export accepts it.
std::pair<std::string, std::string> split_image_path(const std::string& path) {
  const std::string ext = image_path_extension(path);
  return {path.substr(0, path.size() - ext.size()), ext};
}

// MemAvailable of /proc/meminfo in bytes, 0 when unknown.
std::size_t available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::size_t kib = 0;
  std::string rest;
  while (in >> key >> kib) {
    std::getline(in, rest);
    if (key == "MemAvailable:") return kib * 1024;
  }
  return 0;
}

}  // namespace

std::vector<std::string> dose_image_paths(const std::string& path, bool energy) {
  const auto [stem, ext] = split_image_path(path);
  std::vector<std::string> paths = {path, stem + "_uncertainty" + ext};
  if (energy) paths.push_back(stem + "_energy" + ext);
  return paths;
}

void check_dose_image_path(const std::string& path) {
  if (!is_supported_image_path(path)) {
    throw UserError("cannot write a dose image to '" + path + "'", "unsupported file extension",
                    "use .nii.gz, .nii, .mha or .nrrd");
  }
  check_writable_destination(path, "create the folder or choose another destination");
}

std::size_t dose_image_bytes(std::size_t num_voxels) {
  // VoxelStatistics (128-bit sum + double) and three float images.
  return num_voxels * (sizeof(EnergySum128) + sizeof(double) + 3 * sizeof(float));
}

void check_dose_image_memory(std::size_t num_voxels, std::size_t bytes) {
  const std::size_t need = bytes > 0 ? bytes : dose_image_bytes(num_voxels);
  const std::size_t have = available_memory_bytes();
  if (have > 0 && need > have) {
    throw UserError("a dose image of " + std::to_string(num_voxels) + " voxels needs " +
                        format_g(need / 1048576.0) + " MiB",
                    "only " + format_g(have / 1048576.0) + " MiB of memory are available",
                    "free memory, or run without --dose-image");
  }
}

void write_dose_image(const Phantom& phantom, const DoseImage& image, const std::string& path,
                      bool energy) {
  const std::vector<std::string> paths = dose_image_paths(path, energy);
  export_float_image(phantom, image.dose_gy, paths[0]);
  export_float_image(phantom, image.rel_unc, paths[1]);
  if (energy) export_float_image(phantom, image.energy_mev, paths[2]);
}

}  // namespace gpudose
