// Reading a user's integer label image (NIfTI .nii/.nii.gz, MetaImage .mha, NRRD .nrrd) through
// ITK for `gpudose run --phantom FILE --media TABLE` (phantoms/user_phantom.hh).
//
// Any pixel type is accepted as long as every voxel holds a whole number from 0 to 65535 (label
// maps are often stored as float); spacing (mm) becomes the engine's voxel size in cm
// (phantoms/image_spacing.hh), origin and direction are kept for exports. The engine's frame
// runs along the image's index axes (x fastest), whatever the direction cosines say.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "phantoms/user_phantom.hh"

namespace gpudose {

struct LabelImage {
  UserGrid grid;
  std::vector<std::uint16_t> labels;  // x fastest
};

// Throws UserError for an unsupported extension, an unreadable file, an image that is not 3-D
// (2-D images are taken as one slice) or not scalar, and a voxel that is not a label.
LabelImage read_label_image(const std::string& path);

}  // namespace gpudose
