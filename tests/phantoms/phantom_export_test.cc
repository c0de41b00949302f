// Exports read back through ITK: size, spacing, origin, direction and voxel values.
#include "phantoms/phantom_export.hh"

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>

#include <filesystem>

#include "host/foundation/user_error.hh"
#include "test_phantoms.hh"
#include "tests/test_tmp.hh"

namespace gpudose {
namespace {
namespace fs = std::filesystem;
using testing::af;

template <typename Pixel>
typename itk::Image<Pixel, 3>::Pointer read_back(const std::string& path) {
  using Image = itk::Image<Pixel, 3>;
  auto reader = itk::ImageFileReader<Image>::New();
  const std::string ext = fs::path(path).extension().string();
  if (ext == ".mha")
    reader->SetImageIO(itk::MetaImageIO::New());
  else if (ext == ".nrrd")
    reader->SetImageIO(itk::NrrdImageIO::New());
  else
    reader->SetImageIO(itk::NiftiImageIO::New());
  reader->SetFileName(path);
  reader->Update();
  return reader->GetOutput();
}

TEST(PhantomExport, OrganImageRoundTrips) {
  const Phantom& p = af();
  for (const std::string ext : {".nii.gz", ".mha", ".nrrd"}) {
    const std::string path = gpudose::test::scratch_dir() + "/af_export" + ext;
    export_phantom_image(p, path);
    const auto img = read_back<std::uint16_t>(path);
    const auto size = img->GetLargestPossibleRegion().GetSize();
    EXPECT_EQ(size[0], 299u) << ext;
    EXPECT_EQ(size[1], 137u) << ext;
    EXPECT_EQ(size[2], 348u) << ext;
    EXPECT_NEAR(img->GetSpacing()[0], 1.775, 1e-5) << ext;
    EXPECT_NEAR(img->GetSpacing()[1], 1.775, 1e-5) << ext;
    EXPECT_NEAR(img->GetSpacing()[2], 4.84, 1e-5) << ext;
    EXPECT_NEAR(img->GetOrigin()[0], 0.8875, 1e-5) << ext;
    EXPECT_NEAR(img->GetOrigin()[2], 2.42, 1e-5) << ext;
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) EXPECT_NEAR(img->GetDirection()(r, c), r == c ? 1.0 : 0.0, 1e-6);
    }
    // A few voxels: a liver voxel, the corners, a voxel of the first slice's skin layer.
    const std::uint16_t* buf = img->GetBufferPointer();
    std::size_t liver = 0, skin = 0;
    while (p.organ_ids[liver] != 95) ++liver;
    while (p.organ_ids[skin] != 141) ++skin;
    for (std::size_t v : {std::size_t{0}, liver, skin, p.num_voxels() - 1, p.num_voxels() / 2}) {
      EXPECT_EQ(buf[v], p.organ_ids[v]) << ext << " voxel " << v;
    }
    // ITK's physical point of a voxel is 10 x the engine's centre of it (cm -> mm).
    itk::Index<3> idx;
    const auto c = p.voxel_centre_cm(static_cast<std::uint32_t>(liver));
    idx[0] = liver % p.nx;
    idx[1] = (liver / p.nx) % p.ny;
    idx[2] = liver / (p.nx * p.ny);
    itk::Point<double, 3> pt;
    img->TransformIndexToPhysicalPoint(idx, pt);
    // NIfTI stores float32 geometry: agree to 1 um.
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(pt[a], 10 * c[a], 1e-3) << ext;
    EXPECT_EQ(img->GetPixel(idx), 95);
    fs::remove(path);
  }
}

TEST(PhantomExport, RegionMaskRoundTrips) {
  const Phantom& p = af();
  const Region kidneys = resolve_region(p, "kidneys");
  const std::string path = gpudose::test::scratch_dir() + "/af_kidneys.nii.gz";
  export_region_mask(p, kidneys, path);
  const auto img = read_back<std::uint8_t>(path);
  const std::uint8_t* buf = img->GetBufferPointer();
  std::uint64_t ones = 0;
  for (std::size_t v = 0; v < p.num_voxels(); ++v) {
    const bool in = p.organ_ids[v] >= 89 && p.organ_ids[v] <= 94;
    ASSERT_EQ(buf[v], in ? 1 : 0) << v;
    ones += buf[v];
  }
  EXPECT_EQ(ones, region_voxel_count(p, kidneys));
  fs::remove(path);
}

TEST(PhantomExport, BadPathsAreClearErrors) {
  const Phantom& p = af();
  EXPECT_FALSE(is_supported_image_path("af.png"));
  EXPECT_TRUE(is_supported_image_path("AF.NII.GZ"));
  EXPECT_THROW(export_phantom_image(p, gpudose::test::scratch_dir() + "/af.png"), UserError);
  EXPECT_THROW(export_phantom_image(p, "/nonexistent-dir/af.nii.gz"), UserError);
}

}  // namespace
}  // namespace gpudose
