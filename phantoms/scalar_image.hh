// Reading a 2-D or 3-D scalar image (NIfTI .nii/.nii.gz, MetaImage .mha, NRRD .nrrd) through ITK
// as double, whatever its pixel type (exact for every float and for integers up to 2^53): what
// label images (phantoms/label_image_import.hh) and activity images
// (phantoms/activity_image.hh) share. A 2-D image is one slice.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace gpudose {

struct ScalarImage {
  std::array<int, 3> size{};           // voxels along the index axes
  std::array<double, 3> spacing_mm{};  // as the header states
  std::array<double, 3> origin_mm{};   // centre of voxel (0,0,0)
  std::array<double, 9> direction{};   // row-major direction cosines
  std::vector<double> values;          // x fastest
};

// `noun` names the image in errors ("label image", "activity image"); `option` is the flag that
// gave the path ("--phantom"). Throws UserError for an unsupported extension, a missing or
// unreadable file, and an image that is not a 2-D or 3-D scalar image.
ScalarImage read_scalar_image(const std::string& path, const std::string& noun,
                              const std::string& option);

// The UserError of read_scalar_image for an unsupported extension or a missing file, thrown
// before anything heavier is loaded.
void check_scalar_image_path(const std::string& path, const std::string& noun,
                             const std::string& option);

}  // namespace gpudose
