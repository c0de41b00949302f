// Writing small images through ITK in tests (activity images, label images): `values` (x
// fastest) stored as pixel type T in the format the extension of `path` names, with the given
// geometry (spacing and origin in mm, row-major direction cosines).
#pragma once

#include <itkImage.h>
#include <itkImageFileWriter.h>

#include <array>
#include <string>
#include <vector>

#include "phantoms/image_io.hh"

namespace gpudose::test {

struct ImageGeometry {
  std::array<int, 3> size{};
  std::array<double, 3> spacing_mm{1, 1, 1};
  std::array<double, 3> origin_mm{};
  std::array<double, 9> direction{1, 0, 0, 0, 1, 0, 0, 0, 1};
};

template <typename T>
void write_image(const std::string& path, const ImageGeometry& g,
                 const std::vector<double>& values) {
  using Image = itk::Image<T, 3>;
  auto img = Image::New();
  typename Image::SizeType size;
  typename Image::SpacingType spacing;
  typename Image::PointType origin;
  typename Image::DirectionType dir;
  for (int a = 0; a < 3; ++a) {
    size[a] = g.size[a];
    spacing[a] = g.spacing_mm[a];
    origin[a] = g.origin_mm[a];
    for (int c = 0; c < 3; ++c) dir(a, c) = g.direction[3 * a + c];
  }
  typename Image::RegionType region;
  region.SetSize(size);
  img->SetRegions(region);
  img->SetSpacing(spacing);
  img->SetOrigin(origin);
  img->SetDirection(dir);
  img->Allocate();
  for (std::size_t i = 0; i < values.size(); ++i) {
    img->GetBufferPointer()[i] = static_cast<T>(values[i]);
  }
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetImageIO(image_io_for(image_extension(path)));
  writer->SetFileName(path);
  writer->SetInput(img);
  writer->Update();
}

}  // namespace gpudose::test
