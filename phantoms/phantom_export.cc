#include "phantoms/phantom_export.hh"

#include <fcntl.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "host/foundation/user_error.hh"
#include "phantoms/image_io.hh"
#include "phantoms/image_spacing.hh"
#include "phantoms/itk_error.hh"

namespace gpudose {
namespace fs = std::filesystem;
namespace {

template <typename Pixel>
void write_image(const Phantom& p, const std::vector<Pixel>& voxels, const std::string& path) {
  const std::string ext = image_extension(path);
  if (ext.empty()) {
    throw UserError("cannot export to '" + path + "'", "unsupported file extension",
                    "use .nii.gz, .nii, .mha or .nrrd");
  }
  using Image = itk::Image<Pixel, 3>;
  auto img = Image::New();
  typename Image::RegionType region;
  typename Image::SizeType size;
  size[0] = p.nx;
  size[1] = p.ny;
  size[2] = p.nz;
  region.SetSize(size);
  img->SetRegions(region);
  typename Image::SpacingType spacing;
  spacing[0] = spacing_cm_to_mm(p.dx);
  spacing[1] = spacing_cm_to_mm(p.dy);
  spacing[2] = spacing_cm_to_mm(p.dz);
  img->SetSpacing(spacing);
  typename Image::PointType origin;
  for (int a = 0; a < 3; ++a) origin[a] = p.origin_mm[a];
  img->SetOrigin(origin);
  typename Image::DirectionType dir;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) dir(r, c) = p.direction[3 * r + c];
  }
  img->SetDirection(dir);
  img->Allocate();
  std::copy(voxels.begin(), voxels.end(), img->GetBufferPointer());

  // Temporary name keeps the extension, so ITK picks the same format; renamed when complete.
  const fs::path target(path);
  const std::string base = target.filename().string();
  const fs::path tmp = target.parent_path() / (".tmp" + std::to_string(::getpid()) + "." + base);
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetImageIO(image_io_for(ext));
  writer->SetFileName(tmp.string());
  writer->SetInput(img);
  writer->SetUseCompression(true);
  try {
    // The NIfTI library prints its own "** ERROR" lines on a failed write; the user gets one
    // line from us instead (the error contract), so its stderr is muted while it writes.
    const StderrMuted muted;
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw UserError("cannot write '" + path + "'", itk_error_text(e),
                    "check that the folder exists and is writable");
  }
  // ITK does not report every failed write (a full disk left a torn .nii and an empty .nii.gz
  // under the final name with exit 0): read the temporary file back and compare every voxel
  // before it may take the final name, then flush it to the disk.
  std::error_code ec;
  bool intact = false;
  try {
    auto reader = itk::ImageFileReader<Image>::New();
    reader->SetImageIO(image_io_for(ext));
    reader->SetFileName(tmp.string());
    const StderrMuted muted;  // a torn file makes the readers print their own complaints
    reader->Update();
    const auto* back = reader->GetOutput();
    intact = back->GetLargestPossibleRegion() == img->GetLargestPossibleRegion() &&
             std::equal(voxels.begin(), voxels.end(), back->GetBufferPointer());
  } catch (const itk::ExceptionObject&) {
    intact = false;
  }
  const int fd = intact ? ::open(tmp.c_str(), O_RDONLY) : -1;
  if (fd >= 0) {
    intact = ::fsync(fd) == 0;
    ::close(fd);
  }
  if (!intact) {
    fs::remove(tmp, ec);
    throw UserError("cannot write '" + path + "'",
                    "the written file does not read back whole (disk full?)",
                    "free disk space or choose another destination");
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw UserError("cannot write '" + path + "'", "rename failed",
                    "check that the folder exists and is writable");
  }
}

}  // namespace

std::string image_path_extension(const std::string& path) {
  const std::string ext = image_extension(path);
  return path.substr(path.size() - ext.size());
}

bool is_supported_image_path(const std::string& path) { return !image_extension(path).empty(); }

void export_phantom_image(const Phantom& phantom, const std::string& path) {
  write_image(phantom, phantom.organ_ids, path);
}

void export_float_image(const Phantom& phantom, const std::vector<float>& voxels,
                        const std::string& path) {
  if (voxels.size() != phantom.num_voxels()) {
    throw std::logic_error("image of " + std::to_string(voxels.size()) + " voxels for a grid of " +
                           std::to_string(phantom.num_voxels()));
  }
  write_image(phantom, voxels, path);
}

void export_region_mask(const Phantom& phantom, const Region& region, const std::string& path) {
  std::vector<std::uint8_t> in_region(phantom.label_organ_id.size(), 0);
  for (std::size_t l = 0; l < in_region.size(); ++l) {
    in_region[l] = std::binary_search(region.organ_ids.begin(), region.organ_ids.end(),
                                      static_cast<int>(phantom.label_organ_id[l]));
  }
  std::vector<std::uint8_t> mask(phantom.labels.size());
  for (std::size_t v = 0; v < mask.size(); ++v) mask[v] = in_region[phantom.labels[v]];
  write_image(phantom, mask, path);
}

}  // namespace gpudose
