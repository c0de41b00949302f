#include "phantoms/scalar_image.hh"

#include <itkImage.h>
#include <itkImageFileReader.h>

#include <filesystem>

#include "host/foundation/user_error.hh"
#include "phantoms/image_io.hh"
#include "phantoms/itk_error.hh"

namespace gpudose {

void check_scalar_image_path(const std::string& path, const std::string& noun,
                             const std::string& option) {
  if (image_extension(path).empty()) {
    throw UserError("cannot read " + noun + " '" + path + "'", "unsupported file extension",
                    "give a .nii.gz, .nii, .mha or .nrrd " + noun);
  }
  if (!std::filesystem::is_regular_file(path)) {
    throw UserError("cannot read " + noun + " '" + path + "'", "no such file",
                    "check the path given to " + option);
  }
}

ScalarImage read_scalar_image(const std::string& path, const std::string& noun,
                              const std::string& option) {
  check_scalar_image_path(path, noun, option);
  const auto unreadable = [&](const itk::ExceptionObject& e) {
    return UserError("cannot read " + noun + " '" + path + "'", itk_error_text(e),
                     "give a readable NIfTI, MetaImage or NRRD file");
  };
  auto io = image_io_for(image_extension(path));
  io->SetFileName(path);
  try {
    const StderrMuted muted;
    io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    throw unreadable(e);
  }
  const unsigned dims = io->GetNumberOfDimensions();
  if (dims < 2 || dims > 3 || io->GetNumberOfComponents() != 1) {
    throw UserError(noun + " '" + path + "' has " + std::to_string(dims) + " dimensions and " +
                        std::to_string(io->GetNumberOfComponents()) + " components per voxel",
                    "a " + noun + " is a 3-D (or 2-D) scalar image", "give one value per voxel");
  }
  using Image = itk::Image<double, 3>;
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetImageIO(io);
  reader->SetFileName(path);
  try {
    const StderrMuted muted;
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw unreadable(e);
  }
  const Image* img = reader->GetOutput();
  ScalarImage out;
  const auto size = img->GetLargestPossibleRegion().GetSize();
  for (int a = 0; a < 3; ++a) {
    out.size[a] = static_cast<int>(size[a]);
    out.spacing_mm[a] = img->GetSpacing()[a];
    out.origin_mm[a] = img->GetOrigin()[a];
    for (int c = 0; c < 3; ++c) out.direction[3 * a + c] = img->GetDirection()(a, c);
  }
  const std::size_t n = static_cast<std::size_t>(size[0]) * size[1] * size[2];
  const double* v = img->GetBufferPointer();
  out.values.assign(v, v + n);
  return out;
}

}  // namespace gpudose
