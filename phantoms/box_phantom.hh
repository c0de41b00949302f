// A homogeneous block of one medium: `--phantom box:MEDIUM:NXxNYxNZ:DX[xDYxDZ]mm`, e.g.
// box:water:51x51x51:2mm or box:AF:30:11x11x11:4.42x4.42x4.42mm (MEDIUM may hold ':').
//
// Labels (the phantom's organs): 2 "centre" = the voxel (nx/2, ny/2, nz/2) (integer division:
// the central voxel when every count is odd, as a voxel S-value kernel needs; with an even
// count, the voxel whose lower corner is the block's centre), 1 "box without centre" = every
// other voxel; group "box" = both, the whole block. Same medium and density everywhere, so the
// labels only name places: transport does not see them.
// The frame: origin at the centre of voxel (0,0,0) = half a voxel (mm), identity direction, as
// phantom exports (phantoms/phantom_export.hh).
#pragma once

#include <string>

#include "phantoms/user_phantom.hh"

namespace gpudose {

constexpr int kBoxLabel = 1;
constexpr int kBoxCentreLabel = 2;

struct BoxSpec {
  std::string medium;  // the catalog query, as written ("water", "muscle-tissue", "AF:30")
  int nx = 0, ny = 0, nz = 0;
  double dx = 0, dy = 0, dz = 0;  // cm
};

// True when `text` starts with "box:" (any case): the caller then parses it as a box spec.
bool is_box_spec(const std::string& text);
// Throws UserError naming the part that is wrong and the syntax.
BoxSpec parse_box_spec(const std::string& text);

// The block of `medium` (its catalog key `key`) at `density_g_cm3`; model = `text`.
Phantom build_box_phantom(const BoxSpec& box, const std::string& text, const Medium& medium,
                          const std::string& key, double density_g_cm3);

}  // namespace gpudose
