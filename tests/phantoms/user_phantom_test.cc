// User phantoms below the media catalog: box specs, the box's labels and masses, media tables,
// label images read through ITK, regions of a user phantom (labels and groups, never the
// compound regions of regions.tsv), and voxel sizes that survive an export to the last bit.
#include "phantoms/user_phantom.hh"

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkNiftiImageIO.h>

#include <cmath>
#include <fstream>
#include <functional>

#include "host/foundation/user_error.hh"
#include "phantoms/boundary_distance.hh"
#include "phantoms/box_phantom.hh"
#include "phantoms/image_spacing.hh"
#include "phantoms/label_image_import.hh"
#include "phantoms/media_table.hh"
#include "phantoms/phantom_export.hh"
#include "phantoms/regions.hh"
#include "tests/error_text.hh"
#include "tests/test_tmp.hh"

namespace gpudose {
namespace {

// A stand-in for a catalog medium (the catalog is a layer above).
Medium water_medium() {
  Medium m;
  m.id = 0;
  m.name = "Water";
  m.density_g_cm3 = 1.0;
  m.elements = {{1, 0.111894}, {8, 0.888106}};
  return m;
}

Phantom water_box(const std::string& text) {
  return build_box_phantom(parse_box_spec(text), text, water_medium(), "water", 1.0);
}

using test::error_of;

TEST(BoxSpec, ParsesCubicAndAnisotropicVoxels) {
  const BoxSpec a = parse_box_spec("box:water:51x51x51:2mm");
  EXPECT_EQ(a.medium, "water");
  EXPECT_EQ(a.nx, 51);
  EXPECT_EQ(a.ny, 51);
  EXPECT_EQ(a.nz, 51);
  EXPECT_EQ(a.dx, 0.2);
  EXPECT_EQ(a.dz, 0.2);
  const BoxSpec b = parse_box_spec("box:soft-tissue:11x13x15:4.42x4.42x3mm");
  EXPECT_EQ(b.medium, "soft-tissue");
  EXPECT_EQ(b.ny, 13);
  EXPECT_EQ(b.nz, 15);
  EXPECT_EQ(b.dx, 0.442);  // the literal, not 4.42 / 10
  EXPECT_EQ(b.dz, 0.3);
  // The medium may hold ':' (a catalog key).
  const BoxSpec c = parse_box_spec("BOX:AF:30:3x3x3:1.775mm");
  EXPECT_EQ(c.medium, "AF:30");
  EXPECT_EQ(c.dx, 0.1775);
  EXPECT_TRUE(is_box_spec("box:water:1x1x1:1mm"));
  EXPECT_FALSE(is_box_spec("boxes.nii.gz"));
}

TEST(BoxSpec, BadSpecsAreOneLineErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"box:water:51x51:2mm", "grid '51x51' is not NXxNYxNZ"},
      {"box:water:51x51x0:2mm", "voxel count '0'"},
      {"box:water:51x51xa:2mm", "voxel count 'a'"},
      {"box:water:5x5x5:2", "does not end in mm"},
      {"box:water:5x5x5:2cm", "does not end in mm"},
      {"box:water:5x5x5:-2mm", "voxel size '-2'"},
      {"box:water:5x5x5:2x2mm", "is not D or DXxDYxDZ"},
      {"box:water:5x5x5:nanmm", "voxel size 'nan'"},
      {"box::5x5x5:2mm", "no medium"},
      {"box:5x5x5:2mm", "four ':'-separated fields"},
      {"box:water:100001x1x1:1mm", "from 1 to 100000"},
      {"box:water:100000x100000x1:1mm", "2^32"},
  };
  for (const auto& [spec, why] : cases) {
    const std::string e = error_of([&] { parse_box_spec(spec); });
    EXPECT_NE(e.find("bad box phantom '" + spec + "'"), std::string::npos) << e;
    EXPECT_NE(e.find(why), std::string::npos) << spec << ": " << e;
    EXPECT_NE(e.find("box:MEDIUM:NXxNYxNZ:DX[xDYxDZ]mm"), std::string::npos) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos);
  }
}

TEST(BoxPhantom, LabelsMassesAndRegions) {
  const Phantom p = water_box("box:water:5x7x9:2mm");
  EXPECT_FALSE(p.icrp110);
  EXPECT_EQ(p.model, "box:water:5x7x9:2mm");
  ASSERT_EQ(p.organs.size(), 2u);
  EXPECT_EQ(p.organs[0].id, kBoxLabel);
  EXPECT_EQ(p.organs[1].id, kBoxCentreLabel);
  EXPECT_EQ(p.organs[1].voxels, 1u);
  EXPECT_EQ(p.organs[0].voxels, 5u * 7 * 9 - 1);
  EXPECT_EQ(p.medium_key(0), "water");
  const double voxel_kg = 0.2 * 0.2 * 0.2 * 1.0 / 1000;
  EXPECT_DOUBLE_EQ(p.organs[1].mass_kg, voxel_kg);
  EXPECT_DOUBLE_EQ(p.body_mass_kg(), 315 * voxel_kg);
  // The centre voxel is the middle one: (2, 3, 4).
  const std::size_t centre = 2 + 5 * (3 + 7 * 4);
  EXPECT_EQ(p.organ_ids[centre], kBoxCentreLabel);
  const auto c = p.voxel_centre_cm(static_cast<std::uint32_t>(centre));
  EXPECT_DOUBLE_EQ(c[0], 0.5 * 5 * 0.2);
  EXPECT_DOUBLE_EQ(c[2], 0.5 * 9 * 0.2);
  // Regions: the two labels and the group "box"; none of regions.tsv.
  const Region box = resolve_region(p, "box");
  EXPECT_EQ(box.organ_ids, (std::vector<int>{1, 2}));
  EXPECT_EQ(region_voxel_count(p, box), 315u);
  EXPECT_DOUBLE_EQ(region_mass_kg(p, box), 315 * voxel_kg);
  EXPECT_EQ(resolve_region(p, "centre").organ_ids, (std::vector<int>{2}));
  EXPECT_EQ(resolve_region(p, "2").name, "centre");
  EXPECT_EQ(resolve_region(p, "Box_without_centre").organ_ids, (std::vector<int>{1}));
  EXPECT_EQ(resolve_region(p, "2").opendose_id, -1);
  const auto targets = target_regions(p);
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[2].region.name, "box");
  EXPECT_EQ(targets[2].voxels, 315u);
  EXPECT_NE(error_of([&] { resolve_region(p, "kidneys"); }).find("unknown region 'kidneys'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { resolve_region(p, "95"); }).find("label 95 has no voxel"),
            std::string::npos);
  // Sampling the centre: the one voxel.
  const RegionVoxels s =
      region_voxels(p, resolve_region(p, "centre"), SourceSampling::volume_uniform);
  ASSERT_EQ(s.voxels.size(), 1u);
  EXPECT_EQ(s.voxels[0], centre);
}

TEST(BoxPhantom, EvenCountsAndOneVoxel) {
  const Phantom even = water_box("box:water:4x4x4:1mm");
  EXPECT_EQ(even.organ_ids[2 + 4 * (2 + 4 * 2)], kBoxCentreLabel);
  const Phantom one = water_box("box:water:1x1x1:1mm");
  ASSERT_EQ(one.organs.size(), 1u);
  EXPECT_EQ(one.organs[0].name, "centre");
  EXPECT_EQ(region_voxel_count(one, resolve_region(one, "box")), 1u);
}

TEST(BoxPhantom, BoundaryDistanceSeesTheCentreAndTheFaces) {
  // Range rejection must not keep energy in the centre voxel that would have reached the rest
  // of the box: the centre voxel's faces are label boundaries (distance 0 there), and so are the
  // block's faces. Voxel (5,5,5) of 2 mm: 1.0 cm from the block's faces, 1.39 cm from the centre.
  const Phantom p = water_box("box:water:21x21x21:2mm");
  const auto& code = p.boundary_distance();
  ASSERT_EQ(code.size(), p.num_voxels());
  EXPECT_EQ(code[10 + 21 * (10 + 21 * 10)], 0);
  EXPECT_NEAR(code[5 + 21 * (5 + 21 * 5)], 1.0 / kBoundaryDistanceUnitCm, 1.0);
  EXPECT_EQ(code[0], 0);
}

TEST(MediaTable, ParsesRowsCommentsAndHeader) {
  const auto rows = parse_media_table(
      "# a comment\n"
      "label\tmedium\tdensity\tname\n"
      "\n"
      "0\tair\t0.00120479\toutside\r\n"
      "7\tMuscle tissue\t1.05\n"
      "300\tAF:30\t1.06\tliver, left lobe\n",
      "t.tsv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].label, 0);
  EXPECT_EQ(rows[0].medium, "air");
  EXPECT_EQ(rows[0].density_g_cm3, 0.00120479);
  EXPECT_EQ(rows[0].name, "outside");
  EXPECT_EQ(rows[1].name, "");
  EXPECT_EQ(rows[2].label, 300);
  EXPECT_EQ(rows[2].name, "liver, left lobe");
  EXPECT_EQ(rows[2].line, 6);
}

TEST(MediaTable, MalformedRowsAreOneLineErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1\twater\n", "2 tab-separated columns"},
      {"1 water 1.0\n", "1 tab-separated columns"},
      {"x\twater\t1\n", "label 'x'"},
      {"-1\twater\t1\n", "label '-1'"},
      {"70000\twater\t1\n", "label '70000'"},
      {"1\t\t1\n", "no medium"},
      {"1\twater\t0\n", "density '0'"},
      {"1\twater\t-1\n", "density '-1'"},
      {"1\twater\t1 g\n", "density '1 g'"},
      {"1\twater\tinf\n", "density 'inf'"},
      {"1\twater\t1\n1\tair\t0.0012\n", "label 1 has a row already"},
      {"1\twater\t1\tn\textra\n", "5 tab-separated columns"},
  };
  for (const auto& [text, why] : cases) {
    const std::string e = error_of([&] { parse_media_table(text, "m.tsv"); });
    EXPECT_NE(e.find("in media table m.tsv"), std::string::npos) << e;
    EXPECT_NE(e.find(why), std::string::npos) << why << ": " << e;
    EXPECT_EQ(e.find('\n'), std::string::npos);
  }
  EXPECT_NE(error_of([] {
              read_media_table("/nonexistent/m.tsv");
            }).find("cannot read media table '/nonexistent/m.tsv'"),
            std::string::npos);
}

UserGrid grid_of(int nx, int ny, int nz) {
  UserGrid g;
  g.nx = nx;
  g.ny = ny;
  g.nz = nz;
  g.dx = g.dy = g.dz = 0.1;
  return g;
}

TEST(UserPhantom, EveryLabelNeedsARowAndAValidDensity) {
  const std::vector<std::uint16_t> ids = {0, 0, 5, 9};
  // Label 9 has no row; the row for absent label 3 is fine.
  const std::string e = error_of([&] {
    build_user_phantom(grid_of(2, 2, 1), ids, {water_medium()}, {"water"},
                       {{0, 0, 1.0, ""}, {5, 0, 1.0, ""}, {3, 0, 1.0, ""}}, "img.nii", "test");
  });
  EXPECT_NE(e.find("label 9 of img.nii has no medium (1 voxels)"), std::string::npos) << e;
  const Phantom p =
      build_user_phantom(grid_of(2, 2, 1), ids, {water_medium()}, {"water"},
                         {{0, 0, 1.0, ""}, {5, 0, 2.0, "five"}, {9, 0, 1.0, ""}}, "img", "test");
  ASSERT_EQ(p.organs.size(), 3u);
  EXPECT_EQ(p.organs[0].name, "label 0");  // label 0 is a label like any other
  EXPECT_EQ(p.organs[0].voxels, 2u);
  EXPECT_DOUBLE_EQ(p.organs[1].mass_kg, 0.001 * 2.0 / 1000);
  EXPECT_EQ(resolve_region(p, "five").organ_ids, (std::vector<int>{5}));
  EXPECT_EQ(resolve_region(p, "0").name, "label 0");
  EXPECT_EQ(target_regions(p).size(), 3u);  // no compound region of regions.tsv
}

TEST(UserPhantom, TooManyLabels) {
  std::vector<std::uint16_t> ids(300);
  std::vector<UserLabel> rows;
  for (int i = 0; i < 300; ++i) {
    ids[i] = static_cast<std::uint16_t>(i);
    rows.push_back({i, 0, 1.0, ""});
  }
  const std::string e = error_of([&] {
    build_user_phantom(grid_of(300, 1, 1), ids, {water_medium()}, {"water"}, rows, "many", "test");
  });
  EXPECT_NE(e.find("holds 300 distinct labels"), std::string::npos) << e;
  EXPECT_NE(e.find("at most 256 labels"), std::string::npos) << e;
  ids.resize(256);
  rows.resize(256);
  EXPECT_EQ(
      build_user_phantom(grid_of(256, 1, 1), ids, {water_medium()}, {"water"}, rows, "256", "test")
          .organs.size(),
      256u);
}

TEST(ImageSpacing, DecimalShiftsSurviveFloatHeaders) {
  for (double cm : {0.1775, 0.484, 0.2137, 0.8, 0.442, 0.2, 0.3}) {
    const double mm = spacing_cm_to_mm(cm);
    EXPECT_EQ(spacing_mm_to_cm(mm), cm) << cm;
    // A NIfTI header holds a float.
    EXPECT_EQ(spacing_mm_to_cm(static_cast<float>(mm)), cm) << cm;
  }
  EXPECT_EQ(spacing_cm_to_mm(0.1775), 1.775);
}

TEST(LabelImage, ExportedBoxReadsBackAsTheSamePhantom) {
  const Phantom box = water_box("box:water:5x6x7:4.42x2x3mm");
  for (const std::string ext : {".nii.gz", ".mha", ".nrrd"}) {
    const std::string path = test::scratch_dir() + "box" + ext;
    export_phantom_image(box, path);
    const LabelImage img = read_label_image(path);
    EXPECT_EQ(img.grid.nx, 5);
    EXPECT_EQ(img.grid.ny, 6);
    EXPECT_EQ(img.grid.nz, 7);
    EXPECT_EQ(img.grid.dx, box.dx) << ext;
    EXPECT_EQ(img.grid.dy, box.dy) << ext;
    EXPECT_EQ(img.grid.dz, box.dz) << ext;
    EXPECT_NEAR(img.grid.origin_mm[0], 2.21, 1e-6);
    EXPECT_EQ(img.labels, box.organ_ids) << ext;
  }
}

TEST(LabelImage, NonIntegerAndBadFilesAreOneLineErrors) {
  using Image = itk::Image<float, 3>;
  auto img = Image::New();
  Image::SizeType size;
  size[0] = 3;
  size[1] = 2;
  size[2] = 1;
  Image::RegionType region;
  region.SetSize(size);
  img->SetRegions(region);
  img->Allocate();
  img->FillBuffer(4.0f);
  const std::string whole = test::scratch_dir() + "float_labels.nii.gz";
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetImageIO(itk::NiftiImageIO::New());
  writer->SetFileName(whole);
  writer->SetInput(img);
  writer->Update();
  // A float image of whole numbers is a label image.
  EXPECT_EQ(read_label_image(whole).labels, std::vector<std::uint16_t>(6, 4));

  img->GetBufferPointer()[4] = 2.5f;
  const std::string half = test::scratch_dir() + "float_half.nii.gz";
  writer->SetFileName(half);
  writer->Modified();
  writer->Update();
  const std::string e = error_of([&] { read_label_image(half); });
  EXPECT_NE(e.find("holds 2.5 at voxel (1, 1, 0)"), std::string::npos) << e;
  EXPECT_NE(e.find("integer label image"), std::string::npos) << e;

  EXPECT_NE(error_of([] { read_label_image("labels.png"); }).find("unsupported file extension"),
            std::string::npos);
  EXPECT_NE(error_of([] { read_label_image("/nonexistent/l.nii.gz"); }).find("no such file"),
            std::string::npos);
  const std::string junk = test::scratch_dir() + "junk.nii.gz";
  std::ofstream(junk) << "not an image";
  EXPECT_NE(error_of([&] { read_label_image(junk); }).find("cannot read label image"),
            std::string::npos);
}

}  // namespace
}  // namespace gpudose
