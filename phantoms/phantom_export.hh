// Exporting a phantom (organ-ID image, or a 0/1 mask of one region) through ITK as NIfTI
// (.nii, .nii.gz), MetaImage (.mha, single file) or NRRD (.nrrd).
//
// Geometry: spacing dx, dy, dz in mm; origin = centre of voxel (0,0,0) = (dx/2, dy/2, dz/2) in
// mm; identity direction in ITK's LPS frame (columns run to the body's left, rows to the back,
// slices up). ITK's physical point (mm) is then 10 x the engine's transport frame (cm), see
// kernels/voxel_phantom.hh. The file is written under a temporary name and renamed.
#pragma once

#include <string>
#include <vector>

#include "phantoms/phantom.hh"
#include "phantoms/regions.hh"

namespace gpudose {

// Throws UserError for an unsupported extension or an unwritable path.
void export_phantom_image(const Phantom& phantom, const std::string& path);
// Mask: 1 in the region's voxels, 0 elsewhere (uint8).
void export_region_mask(const Phantom& phantom, const Region& region, const std::string& path);

// A float image on the phantom's grid, in the same frame as export_phantom_image (dose images:
// host/run/dose_image.hh). `voxels` holds nx*ny*nz values, x fastest.
void export_float_image(const Phantom& phantom, const std::vector<float>& voxels,
                        const std::string& path);

// The image extension of `path` as written (".nii.gz", ".nii", ".mha", ".nrrd", any case), ""
// when unsupported.
std::string image_path_extension(const std::string& path);

// True for .nii, .nii.gz, .mha, .nrrd (case-insensitive).
bool is_supported_image_path(const std::string& path);

}  // namespace gpudose
