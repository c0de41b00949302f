#include "phantoms/user_phantom.hh"

#include <cmath>
#include <map>

#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {

Phantom build_user_phantom(const UserGrid& grid, std::vector<std::uint16_t> organ_ids,
                           std::vector<Medium> media, std::vector<std::string> keys,
                           const std::vector<UserLabel>& labels, const std::string& model,
                           const std::string& source) {
  const std::size_t expected = static_cast<std::size_t>(grid.nx) * grid.ny * grid.nz;
  if (grid.nx < 1 || grid.ny < 1 || grid.nz < 1 || organ_ids.size() != expected) {
    throw UserError("phantom " + model + " has " + std::to_string(organ_ids.size()) + " voxels",
                    "its grid is " + std::to_string(grid.nx) + "x" + std::to_string(grid.ny) + "x" +
                        std::to_string(grid.nz),
                    "give a non-empty 3-D label image");
  }
  if (expected > 0xffffffffull) {
    throw UserError("phantom " + model + " has " + std::to_string(expected) + " voxels",
                    "voxel indices are 32-bit", "use fewer than 4.29e9 voxels");
  }
  for (double d : {grid.dx, grid.dy, grid.dz}) {
    if (!(d > 0) || !std::isfinite(d)) {
      throw UserError("voxel size " + format_g(d) + " cm of phantom " + model,
                      "voxel sizes must be positive", "fix the image spacing or the box spec");
    }
  }
  if (keys.size() != media.size()) {
    throw UserError("internal: " + std::to_string(keys.size()) + " medium keys for " +
                    std::to_string(media.size()) + " media of " + model);
  }

  if (media.size() > 256) {
    throw UserError("phantom " + model + " uses " + std::to_string(media.size()) + " media",
                    "the engine stores a medium index in one byte", "use at most 256 media");
  }

  std::map<int, const UserLabel*> defined;
  for (const UserLabel& l : labels) defined[l.label] = &l;

  std::vector<std::uint64_t> counts(65536, 0);
  for (std::uint16_t id : organ_ids) ++counts[id];

  Phantom p;
  p.model = model;
  p.source = source;
  p.icrp110 = false;
  p.nx = grid.nx;
  p.ny = grid.ny;
  p.nz = grid.nz;
  p.dx = grid.dx;
  p.dy = grid.dy;
  p.dz = grid.dz;
  p.origin_mm = grid.origin_mm;
  p.direction = grid.direction;
  const double voxel_cm3 = p.voxel_volume_cm3();

  std::vector<int> label_of(65536, -1);
  int distinct = 0;
  for (int id = 0; id < 65536; ++id) distinct += counts[id] > 0;
  if (distinct > kMaxUserLabels) {
    throw UserError("phantom " + model + " holds " + std::to_string(distinct) + " distinct labels",
                    "the engine stores one byte per voxel: at most " +
                        std::to_string(kMaxUserLabels) + " labels",
                    "merge labels that share a medium and density");
  }
  for (int id = 0; id < 65536; ++id) {
    if (counts[id] == 0) continue;
    const auto it = defined.find(id);
    if (it == defined.end()) {
      throw UserError("label " + std::to_string(id) + " of " + model + " has no medium (" +
                          std::to_string(counts[id]) + " voxels)",
                      "the media table has no row for it",
                      "add a row: " + std::to_string(id) + "<TAB>medium<TAB>density_g_cm3");
    }
    const UserLabel& l = *it->second;
    if (l.medium >= media.size()) {
      throw UserError("internal: label " + std::to_string(id) + " of " + model + " names medium " +
                      std::to_string(l.medium));
    }
    if (!(l.density_g_cm3 > 0) || !std::isfinite(l.density_g_cm3)) {
      throw UserError("label " + std::to_string(id) + " of " + model + " has density " +
                          format_g(l.density_g_cm3) + " g/cm3",
                      "a density must be positive and finite", "give the density in g/cm3");
    }
    OrganInfo o;
    o.id = id;
    o.name = l.name.empty() ? "label " + std::to_string(id) : l.name;
    o.medium = static_cast<int>(l.medium) + 1;
    o.density_g_cm3 = l.density_g_cm3;
    o.voxels = counts[id];
    o.mass_kg = static_cast<double>(o.voxels) * voxel_cm3 * o.density_g_cm3 / 1000.0;
    label_of[id] = static_cast<int>(p.organs.size());
    p.organs.push_back(o);
    p.label_organ_id.push_back(static_cast<std::uint16_t>(id));
    p.label_medium.push_back(static_cast<std::uint8_t>(l.medium));
    p.label_density.push_back(static_cast<float>(o.density_g_cm3));
  }

  p.labels.resize(organ_ids.size());
  for (std::size_t i = 0; i < organ_ids.size(); ++i) {
    p.labels[i] = static_cast<std::uint8_t>(label_of[organ_ids[i]]);
  }
  p.organ_ids = std::move(organ_ids);
  p.media = std::move(media);
  p.medium_keys = std::move(keys);
  return p;
}

}  // namespace gpudose
