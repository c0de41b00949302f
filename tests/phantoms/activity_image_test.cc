// Activity images (phantoms/activity_image.hh): read through ITK in any format and pixel type on
// a box phantom's grid, the source voxels and weights they give, and one-line errors for a grid
// that differs (size, spacing, origin, direction), negative/NaN/infinite values, no activity,
// activity outside an ICRP phantom's body, and unreadable files.
#include "phantoms/activity_image.hh"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>

#include "host/foundation/user_error.hh"
#include "phantoms/box_phantom.hh"
#include "tests/error_text.hh"
#include "tests/test_images.hh"
#include "tests/test_tmp.hh"

namespace gpudose {
namespace {

Phantom water_box(const std::string& text) {
  Medium m;
  m.id = 0;
  m.name = "Water";
  m.density_g_cm3 = 1.0;
  m.elements = {{1, 0.111894}, {8, 0.888106}};
  return build_box_phantom(parse_box_spec(text), text, m, "water", 1.0);
}

using test::error_of;

// The box's frame: 2 mm voxels, origin at the centre of voxel (0,0,0).
test::ImageGeometry box_frame() {
  test::ImageGeometry g;
  g.size = {5, 5, 5};
  g.spacing_mm = {2, 2, 2};
  g.origin_mm = {1, 1, 1};
  return g;
}

template <typename T>
std::string write_image(const std::string& name, const std::vector<double>& values,
                        const test::ImageGeometry& g = box_frame()) {
  const std::string path = test::scratch_dir() + name;
  test::write_image<T>(path, g, values);
  return path;
}

std::size_t index(int i, int j, int k) { return i + 5 * (j + 5 * k); }

TEST(ActivityImage, EveryFormatAndPixelTypeGivesTheActiveVoxelsAndTheirWeights) {
  const Phantom box = water_box("box:water:5x5x5:2mm");
  std::vector<double> a(125, 0.0);
  a[index(2, 2, 2)] = 3;  // the centre (label 2)
  a[index(0, 0, 0)] = 1;  // box without centre (label 1)
  a[index(4, 1, 3)] = 2;
  for (const std::string& path :
       {write_image<float>("float.nii.gz", a), write_image<double>("double.mha", a),
        write_image<std::uint16_t>("uint16.nrrd", a), write_image<std::int32_t>("int32.nii", a)}) {
    const ActivitySource s = read_activity_image(path, box);
    EXPECT_EQ(s.voxels.voxels,
              (std::vector<std::uint32_t>{0, static_cast<std::uint32_t>(index(2, 2, 2)),
                                          static_cast<std::uint32_t>(index(4, 1, 3))}))
        << path;
    EXPECT_EQ(s.voxels.weights, (std::vector<double>{1, 3, 2})) << path;
    EXPECT_EQ(s.voxels.total_weight, 6) << path;
    EXPECT_EQ(s.voxels.sampling, SourceSampling::activity);
    EXPECT_EQ(s.region.name, "activity");
    EXPECT_EQ(s.region.kind, "activity");
    EXPECT_EQ(s.region.organ_ids, (std::vector<int>{kBoxLabel, kBoxCentreLabel})) << path;
  }
  EXPECT_STREQ(to_string(SourceSampling::activity), "activity-weighted");
  // A float header's spacing and origin (2 mm, 1 mm exactly; 0.1775 cm voxels would be floats
  // close to the decimal) pass: within 1e-4 relative.
  test::ImageGeometry g = box_frame();
  g.spacing_mm[1] = 2 * (1 + 5e-5);
  g.origin_mm[2] = 1 + 5e-5;
  EXPECT_EQ(read_activity_image(write_image<float>("close.nii.gz", a, g), box).voxels.total_weight,
            6);
}

TEST(ActivityImage, AnotherGridIsAOneLineErrorNamingBoth) {
  const Phantom box = water_box("box:water:5x5x5:2mm");
  const std::vector<double> a(100, 1.0);
  test::ImageGeometry g = box_frame();
  g.size[2] = 4;
  const std::string e =
      error_of([&] { read_activity_image(write_image<float>("small.nii", a, g), box); });
  EXPECT_NE(e.find("is 5x5x4 voxels of 2 x 2 x 2 mm, the phantom box:water:5x5x5:2mm 5x5x5 "
                   "voxels of 2 x 2 x 2 mm"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("resample it onto the phantom's grid"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);

  const std::vector<double> b(125, 1.0);
  test::ImageGeometry s = box_frame();
  s.spacing_mm[0] = 2.5;
  const std::string es =
      error_of([&] { read_activity_image(write_image<float>("spacing.mha", b, s), box); });
  EXPECT_NE(es.find("is 5x5x5 voxels of 2.5 x 2 x 2 mm"), std::string::npos) << es;

  test::ImageGeometry o = box_frame();
  o.origin_mm[1] = -100;
  const std::string eo =
      error_of([&] { read_activity_image(write_image<float>("origin.mha", b, o), box); });
  EXPECT_NE(eo.find("has its origin at (1, -100, 1) mm, the phantom box:water:5x5x5:2mm at (1, 1, "
                    "1) mm"),
            std::string::npos)
      << eo;

  test::ImageGeometry d = box_frame();
  d.direction[0] = -1;
  const std::string ed =
      error_of([&] { read_activity_image(write_image<float>("flipped.mha", b, d), box); });
  EXPECT_NE(ed.find("other direction cosines"), std::string::npos) << ed;
}

TEST(ActivityImage, BadValuesAreOneLineErrorsNamingTheVoxel) {
  const Phantom box = water_box("box:water:5x5x5:2mm");
  std::vector<double> a(125, 1.0);
  a[index(1, 2, 3)] = -0.5;
  const std::string neg =
      error_of([&] { read_activity_image(write_image<float>("neg.nii.gz", a), box); });
  EXPECT_NE(neg.find("holds -0.5 at voxel (1, 2, 3) (activity is a finite number >= 0)"),
            std::string::npos)
      << neg;
  a[index(1, 2, 3)] = std::numeric_limits<double>::quiet_NaN();
  const std::string nan =
      error_of([&] { read_activity_image(write_image<float>("nan.nrrd", a), box); });
  EXPECT_NE(nan.find("holds nan at voxel (1, 2, 3)"), std::string::npos) << nan;
  // NIfTI's reader (nifti1_io, inside ITK) replaces NaN and infinite floats by 0 before we see
  // them: such a voxel reads as no activity (documented in activity_image.hh).
  const ActivitySource fixed = read_activity_image(write_image<float>("nan.nii.gz", a), box);
  EXPECT_EQ(fixed.voxels.voxels.size(), 124u);
  a[index(1, 2, 3)] = std::numeric_limits<double>::infinity();
  const std::string inf =
      error_of([&] { read_activity_image(write_image<double>("inf.mha", a), box); });
  EXPECT_NE(inf.find("holds inf at voxel (1, 2, 3)"), std::string::npos) << inf;

  const std::vector<double> zero(125, 0.0);
  const std::string none =
      error_of([&] { read_activity_image(write_image<float>("zero.nii.gz", zero), box); });
  EXPECT_NE(none.find("holds no activity (every voxel is 0)"), std::string::npos) << none;

  // An ICRP 110 phantom takes no activity in organ ID 0 (a box relabelled as one).
  Phantom icrp = water_box("box:water:5x5x5:2mm");
  icrp.icrp110 = true;
  icrp.organ_ids[index(4, 4, 4)] = kOutsideBodyId;
  icrp.organ_ids[index(0, 1, 0)] = kOutsideBodyId;
  std::vector<double> body(125, 1.0);
  body[index(4, 4, 4)] = 7;
  const std::string outside = error_of([&] { make_activity_source(icrp, body, "activity x"); });
  EXPECT_NE(outside.find("activity x holds activity outside the body of box:water:5x5x5:2mm in 2 "
                         "voxels, the first 1 at voxel (0, 1, 0) (organ ID 0 is the air"),
            std::string::npos)
      << outside;
  body[index(4, 4, 4)] = 0;
  body[index(0, 1, 0)] = 0;
  EXPECT_EQ(make_activity_source(icrp, body, "x").voxels.voxels.size(), 123u);
  // A user phantom's label 0 is an organ like any other.
  Phantom user = water_box("box:water:5x5x5:2mm");
  user.organ_ids[0] = 0;
  EXPECT_EQ(make_activity_source(user, std::vector<double>(125, 1.0), "x").region.organ_ids,
            (std::vector<int>{0, kBoxLabel, kBoxCentreLabel}));
}

TEST(ActivityImage, UnreadableFilesAreOneLineErrors) {
  const Phantom box = water_box("box:water:5x5x5:2mm");
  EXPECT_NE(
      error_of([&] { read_activity_image("spect.png", box); }).find("unsupported file extension"),
      std::string::npos);
  const std::string missing = error_of([&] { read_activity_image("/nonexistent/a.nii.gz", box); });
  EXPECT_NE(missing.find("cannot read activity image '/nonexistent/a.nii.gz' (no such file)"),
            std::string::npos)
      << missing;
  const std::string junk = test::scratch_dir() + "junk.nii.gz";
  std::ofstream(junk) << "not an image";
  const std::string e = error_of([&] { read_activity_image(junk, box); });
  EXPECT_NE(e.find("cannot read activity image"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

}  // namespace
}  // namespace gpudose
