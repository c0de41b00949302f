#include "phantoms/phantom.hh"

#include <map>

#include "host/foundation/user_error.hh"
#include "phantoms/boundary_distance.hh"

namespace gpudose {

const std::vector<std::uint8_t>& Phantom::boundary_distance() const {
  LazyBoundaryDistance& lazy = *boundary_distance_;
  std::call_once(lazy.once, [&] { lazy.code = boundary_distance_map(view()); });
  return lazy.code;
}

void Phantom::set_boundary_distance(std::vector<std::uint8_t> code) {
  LazyBoundaryDistance& lazy = *boundary_distance_;
  std::call_once(lazy.once, [&] { lazy.code = std::move(code); });
}

VoxelPhantomView Phantom::view() const {
  VoxelPhantomView v;
  v.nx = nx;
  v.ny = ny;
  v.nz = nz;
  v.dx = dx;
  v.dy = dy;
  v.dz = dz;
  v.labels = labels.data();
  v.label_medium = label_medium.data();
  v.label_density = label_density.data();
  v.label_organ = label_organ_id.data();
  v.num_labels = static_cast<int>(label_organ_id.size());
  return v;
}

const OrganInfo* Phantom::organ(int id) const {
  for (const auto& o : organs) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

double Phantom::body_mass_kg() const {
  double m = 0;
  for (const auto& o : organs) {
    if (!icrp110 || (o.id >= 1 && o.id <= 140)) m += o.mass_kg;
  }
  return m;
}

std::string Phantom::medium_key(std::size_t i) const {
  if (!medium_keys.empty()) return medium_keys.at(i);
  return model + ":" + std::to_string(media.at(i).id);
}

std::size_t Phantom::device_bytes() const {
  return labels.size() * sizeof(std::uint8_t) + label_organ_id.size() * sizeof(std::uint16_t) +
         label_medium.size() * sizeof(std::uint8_t) + label_density.size() * sizeof(float);
}

std::array<double, 3> Phantom::voxel_centre_cm(std::uint32_t v) const {
  const std::uint32_t ix = v % nx, iy = (v / nx) % ny,
                      iz = v / (static_cast<std::uint32_t>(nx) * ny);
  return {(ix + 0.5) * dx, (iy + 0.5) * dy, (iz + 0.5) * dz};
}

Phantom build_phantom(const PhantomModelSpec& spec, std::vector<std::uint16_t> organ_ids,
                      const std::vector<OrganRecord>& organ_table, std::vector<Medium> media,
                      const std::string& source) {
  const std::size_t expected = static_cast<std::size_t>(spec.nx) * spec.ny * spec.nz;
  if (organ_ids.size() != expected) {
    throw UserError(
        "organ-ID grid of " + spec.model + " has " + std::to_string(organ_ids.size()) + " voxels",
        "ICRP 110 gives " + std::to_string(spec.nx) + "x" + std::to_string(spec.ny) + "x" +
            std::to_string(spec.nz) + " = " + std::to_string(expected),
        "restore the original phantom files (see ../shared/phantoms/README.md)");
  }
  for (std::size_t i = 0; i < media.size(); ++i) {
    if (media[i].id != static_cast<int>(i + 1)) {
      throw UserError(
          "media of " + spec.model + " are not numbered 1.." + std::to_string(media.size()),
          "medium " + std::to_string(media[i].id) + " at position " + std::to_string(i + 1),
          "restore the original ICRP 110 media file");
    }
  }

  // Every ID the grid may hold: the organ table plus the two extra IDs (see phantom.hh).
  std::map<int, OrganInfo> known;
  for (const auto& r : organ_table) {
    known[r.id] = OrganInfo{r.id, r.name, r.medium, r.density_g_cm3, 0, 0};
  }
  known[kOutsideBodyId] =
      OrganInfo{kOutsideBodyId, "Outside body (air)", kAirMedium, kOutsideAirDensity, 0, 0};
  known[kEndSkinId] = OrganInfo{
      kEndSkinId,  "Skin, top and bottom slices",
      kSkinMedium, media.size() >= kSkinMedium ? media[kSkinMedium - 1].density_g_cm3 : 0.0,
      0,           0};
  for (const auto& [id, o] : known) {
    if (o.medium < 1 || o.medium > static_cast<int>(media.size())) {
      throw UserError("organ " + std::to_string(id) + " of " + spec.model + " uses medium " +
                          std::to_string(o.medium),
                      "the media file has " + std::to_string(media.size()),
                      "restore the original ICRP 110 files");
    }
  }

  std::vector<std::uint64_t> counts(65536, 0);
  for (std::uint16_t id : organ_ids) ++counts[id];

  Phantom p;
  p.model = spec.model;
  p.source = source;
  p.nx = spec.nx;
  p.ny = spec.ny;
  p.nz = spec.nz;
  p.dx = spec.dx_cm;
  p.dy = spec.dy_cm;
  p.dz = spec.dz_cm;
  p.origin_mm = {spec.dx_cm * 5.0, spec.dy_cm * 5.0, spec.dz_cm * 5.0};  // voxel centre, mm
  const double voxel_cm3 = p.voxel_volume_cm3();

  std::vector<int> label_of(65536, -1);
  for (int id = 0; id < 65536; ++id) {
    if (counts[id] == 0) continue;
    auto it = known.find(id);
    if (it == known.end()) {
      std::size_t first = 0;
      while (organ_ids[first] != id) ++first;
      const std::uint32_t f = static_cast<std::uint32_t>(first);
      throw UserError("organ ID " + std::to_string(id) + " in the " + spec.model + " grid (" +
                          std::to_string(counts[id]) + " voxels, first at column " +
                          std::to_string(f % spec.nx) + " row " +
                          std::to_string((f / spec.nx) % spec.ny) + " slice " +
                          std::to_string(f / (spec.nx * spec.ny)) + ")",
                      "not in " + spec.model + "_organs.dat nor 0/141",
                      "restore the original phantom files (see ../shared/phantoms/README.md)");
    }
    if (p.organs.size() >= 256) {
      throw UserError(spec.model + " holds more than 256 distinct organ IDs",
                      "the compact grid stores one byte per voxel",
                      "restore the original phantom files");
    }
    OrganInfo o = it->second;
    o.voxels = counts[id];
    o.mass_kg = static_cast<double>(o.voxels) * voxel_cm3 * o.density_g_cm3 / 1000.0;
    label_of[id] = static_cast<int>(p.organs.size());
    p.organs.push_back(o);
    p.label_organ_id.push_back(static_cast<std::uint16_t>(id));
    p.label_medium.push_back(static_cast<std::uint8_t>(o.medium - 1));
    p.label_density.push_back(static_cast<float>(o.density_g_cm3));
  }

  p.labels.resize(organ_ids.size());
  for (std::size_t i = 0; i < organ_ids.size(); ++i) {
    p.labels[i] = static_cast<std::uint8_t>(label_of[organ_ids[i]]);
  }
  p.organ_ids = std::move(organ_ids);
  p.organ_table = organ_table;
  p.media = std::move(media);
  return p;
}

}  // namespace gpudose
