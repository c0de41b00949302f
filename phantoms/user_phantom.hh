// User phantoms: any voxel geometry with labels the user defines, not only ICRP 110 AF/AM.
//
// Interface other code uses:
//   Phantom p = build_user_phantom(grid, ids, media, rows, "labels.nii.gz", "label image");
// Every label value in `ids` becomes one organ (organ ID = label value, ascending, label 0 like
// any other: no implicit air); `rows` give each label its medium (index into `media`), density
// and name; a label without a row is a UserError naming it, rows for absent labels are ignored.
// Masses are voxels x voxel volume x density. The resulting phantom has icrp110 = false: its
// regions are its labels (by name or number) and `groups` (phantoms/regions.hh), never the
// compound regions of regions.tsv, whose IDs mean ICRP organs.
// The media are resolved by the caller (the media catalog lives above this layer, see
// host/run/user_phantom_loader.hh): `media[i]` is a catalog medium and `keys[i]` its catalog key.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "phantoms/phantom.hh"

namespace gpudose {

// Grid and ITK frame of a user phantom.
struct UserGrid {
  int nx = 0, ny = 0, nz = 0;
  double dx = 0, dy = 0, dz = 0;      // cm
  std::array<double, 3> origin_mm{};  // centre of voxel (0,0,0), ITK LPS frame
  std::array<double, 9> direction{1, 0, 0, 0, 1, 0, 0, 0, 1};
};

// One label's definition (a media-table row, or the box's two labels).
struct UserLabel {
  int label = 0;           // 0..65535
  std::size_t medium = 0;  // index into the phantom's media
  double density_g_cm3 = 0;
  std::string name;  // empty: "label N"
};

// Distinct labels a phantom may hold: the compact grid stores one byte per voxel.
constexpr int kMaxUserLabels = 256;

Phantom build_user_phantom(const UserGrid& grid, std::vector<std::uint16_t> organ_ids,
                           std::vector<Medium> media, std::vector<std::string> keys,
                           const std::vector<UserLabel>& labels, const std::string& model,
                           const std::string& source);

}  // namespace gpudose
