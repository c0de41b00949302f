#include "phantoms/opendose_import.hh"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkMetaImageIO.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "host/foundation/user_error.hh"
#include "phantoms/itk_error.hh"

namespace gpudose {
namespace fs = std::filesystem;

std::string opendose_data_dir(const std::string& data_dir) {
  return data_dir + "/phantoms/opendose_gate_ICRP110/data";
}

std::string opendose_mhd_path(const std::string& data_dir, const PhantomModelSpec& spec) {
  return opendose_data_dir(data_dir) + "/" + spec.model + "_UINT16_" + std::to_string(spec.nx) +
         "_" + std::to_string(spec.ny) + "_" + std::to_string(spec.nz) + ".mhd";
}

namespace {

// "ElementDataFile = X" of a MetaImage header, resolved next to the header; "" if absent.
std::string metaimage_data_file(const std::string& mhd_path) {
  std::ifstream in(mhd_path);
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto trim = [](std::string s) {
      const auto b = s.find_first_not_of(" \t\r");
      const auto e = s.find_last_not_of(" \t\r");
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    if (trim(line.substr(0, eq)) != "ElementDataFile") continue;
    const std::string name = trim(line.substr(eq + 1));
    if (name == "LOCAL") return mhd_path;
    return (fs::path(mhd_path).parent_path() / name).string();
  }
  return "";
}

}  // namespace

std::vector<std::uint16_t> read_opendose_grid(const std::string& mhd_path,
                                              const PhantomModelSpec& spec) {
  const std::string todo = "restore the OpenDose files (see ../shared/phantoms/README.md)";
  if (!fs::is_regular_file(mhd_path)) {
    throw UserError("cannot read '" + mhd_path + "'", "missing OpenDose phantom header",
                    "check --data-dir / GPUDOSE_DATA points at the shared data folder");
  }
  const std::string raw = metaimage_data_file(mhd_path);
  if (raw.empty()) {
    throw UserError("no ElementDataFile in '" + mhd_path + "'", "not a MetaImage header", todo);
  }
  if (!fs::is_regular_file(raw)) {
    throw UserError("cannot read '" + raw + "'", "missing OpenDose voxel data", todo);
  }

  using Image = itk::Image<std::uint16_t, 3>;
  auto io = itk::MetaImageIO::New();
  io->SetFileName(mhd_path);
  try {
    io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    throw UserError("cannot read '" + mhd_path + "'", itk_error_text(e), todo);
  }
  const std::array<int, 3> want = {spec.nx, spec.ny, spec.nz};
  const std::array<double, 3> want_mm = {spec.dx_cm * 10, spec.dy_cm * 10, spec.dz_cm * 10};
  if (io->GetNumberOfDimensions() != 3) {
    throw UserError(
        "'" + mhd_path + "' has " + std::to_string(io->GetNumberOfDimensions()) + " dimensions",
        "an ICRP 110 phantom is 3-D", todo);
  }
  for (unsigned a = 0; a < 3; ++a) {
    if (static_cast<int>(io->GetDimensions(a)) != want[a] ||
        std::abs(io->GetSpacing(a) - want_mm[a]) > 1e-6) {
      throw UserError("wrong dimensions in '" + mhd_path + "': axis " + std::to_string(a) +
                          " has " + std::to_string(io->GetDimensions(a)) + " voxels of " +
                          std::to_string(io->GetSpacing(a)) + " mm",
                      "ICRP 110 " + spec.model + " has " + std::to_string(want[a]) + " of " +
                          std::to_string(want_mm[a]) + " mm",
                      todo);
    }
  }
  if (io->GetComponentType() != itk::IOComponentEnum::USHORT || io->GetNumberOfComponents() != 1) {
    throw UserError("'" + mhd_path + "' is not a uint16 scalar image",
                    "OpenDose stores organ IDs as MET_USHORT", todo);
  }
  const std::uintmax_t need = static_cast<std::uintmax_t>(spec.nx) * spec.ny * spec.nz * 2;
  if (raw != mhd_path && fs::file_size(raw) < need) {
    throw UserError(
        "truncated '" + raw + "'",
        std::to_string(fs::file_size(raw)) + " bytes, " + std::to_string(need) + " expected", todo);
  }

  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetImageIO(io);
  reader->SetFileName(mhd_path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw UserError("cannot read '" + mhd_path + "'", itk_error_text(e), todo);
  }
  const Image* img = reader->GetOutput();
  const std::size_t n = static_cast<std::size_t>(spec.nx) * spec.ny * spec.nz;
  const std::uint16_t* p = img->GetBufferPointer();
  return std::vector<std::uint16_t>(p, p + n);
}

}  // namespace gpudose
