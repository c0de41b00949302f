#include "phantoms/label_image_import.hh"

#include <itkImage.h>
#include <itkImageFileReader.h>

#include <cmath>
#include <filesystem>

#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "phantoms/image_io.hh"
#include "phantoms/image_spacing.hh"
#include "phantoms/itk_error.hh"

namespace gpudose {

LabelImage read_label_image(const std::string& path) {
  const std::string ext = image_extension(path);
  if (ext.empty()) {
    throw UserError("cannot read label image '" + path + "'", "unsupported file extension",
                    "give a .nii.gz, .nii, .mha or .nrrd label image");
  }
  if (!std::filesystem::is_regular_file(path)) {
    throw UserError("cannot read label image '" + path + "'", "no such file",
                    "check the path given to --phantom");
  }
  auto io = image_io_for(ext);
  io->SetFileName(path);
  try {
    const StderrMuted muted;
    io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    throw UserError("cannot read label image '" + path + "'", itk_error_text(e),
                    "give a readable NIfTI, MetaImage or NRRD file");
  }
  const unsigned dims = io->GetNumberOfDimensions();
  if (dims < 2 || dims > 3 || io->GetNumberOfComponents() != 1) {
    throw UserError("label image '" + path + "' has " + std::to_string(dims) + " dimensions and " +
                        std::to_string(io->GetNumberOfComponents()) + " components per voxel",
                    "a label image is a 3-D (or 2-D) scalar image",
                    "give one integer label per voxel");
  }

  // Read as double, whatever the stored type: exact for every integer type up to 2^53, so a
  // non-integer value is found whether it was stored as float or not.
  using Image = itk::Image<double, 3>;
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetImageIO(io);
  reader->SetFileName(path);
  try {
    const StderrMuted muted;
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw UserError("cannot read label image '" + path + "'", itk_error_text(e),
                    "give a readable NIfTI, MetaImage or NRRD file");
  }
  const Image* img = reader->GetOutput();
  const auto size = img->GetLargestPossibleRegion().GetSize();
  LabelImage out;
  UserGrid& g = out.grid;
  g.nx = static_cast<int>(size[0]);
  g.ny = static_cast<int>(size[1]);
  g.nz = static_cast<int>(size[2]);
  double* d[3] = {&g.dx, &g.dy, &g.dz};
  for (int a = 0; a < 3; ++a) {
    const double mm = img->GetSpacing()[a];
    if (!(mm > 0) || !std::isfinite(mm)) {
      throw UserError("label image '" + path + "' has spacing " + format_g(mm) + " mm on axis " +
                          std::to_string(a),
                      "voxel sizes must be positive", "fix the image header");
    }
    *d[a] = spacing_mm_to_cm(mm);
    g.origin_mm[a] = img->GetOrigin()[a];
    for (int c = 0; c < 3; ++c) g.direction[3 * a + c] = img->GetDirection()(a, c);
  }
  const std::size_t n = static_cast<std::size_t>(g.nx) * g.ny * g.nz;
  if (n == 0 || n > 0xffffffffull) {
    throw UserError("label image '" + path + "' has " + std::to_string(n) + " voxels",
                    "voxel indices are 32-bit", "give an image of 1 to 2^32 - 1 voxels");
  }
  const double* v = img->GetBufferPointer();
  out.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!(v[i] >= 0 && v[i] <= 65535 && v[i] == std::floor(v[i]))) {
      const std::size_t ix = i % g.nx, iy = (i / g.nx) % g.ny,
                        iz = i / (static_cast<std::size_t>(g.nx) * g.ny);
      throw UserError("label image '" + path + "' holds " + format_g(v[i]) + " at voxel (" +
                          std::to_string(ix) + ", " + std::to_string(iy) + ", " +
                          std::to_string(iz) + ")",
                      "labels are whole numbers from 0 to 65535",
                      "give an integer label image (segmentation), not an intensity image");
    }
    out.labels[i] = static_cast<std::uint16_t>(v[i]);
  }
  return out;
}

}  // namespace gpudose
