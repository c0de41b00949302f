#include "phantoms/box_phantom.hh"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "host/foundation/user_error.hh"
#include "phantoms/image_spacing.hh"

namespace gpudose {
namespace {

constexpr const char* kSyntax = "use box:MEDIUM:NXxNYxNZ:DX[xDYxDZ]mm, e.g. box:water:51x51x51:2mm";
// Voxels per axis: a few thousand is already more than a device holds as a cube.
constexpr long kMaxVoxelsPerAxis = 100000;

[[noreturn]] void bad(const std::string& text, const std::string& why) {
  throw UserError("bad box phantom '" + text + "'", why, kSyntax);
}

std::vector<std::string> split_x(const std::string& s) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == 'x' || c == 'X') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

bool is_box_spec(const std::string& text) {
  return text.size() >= 4 && std::tolower(static_cast<unsigned char>(text[0])) == 'b' &&
         std::tolower(static_cast<unsigned char>(text[1])) == 'o' &&
         std::tolower(static_cast<unsigned char>(text[2])) == 'x' && text[3] == ':';
}

BoxSpec parse_box_spec(const std::string& text) {
  if (!is_box_spec(text)) bad(text, "it does not start with 'box:'");
  // From the right: voxel size, then the grid; what is left is the medium (it may hold ':').
  const auto last = text.rfind(':');
  const auto mid = last > 3 ? text.rfind(':', last - 1) : std::string::npos;
  if (mid == std::string::npos || mid <= 3) bad(text, "expected four ':'-separated fields");
  BoxSpec box;
  box.medium = text.substr(4, mid - 4);
  if (box.medium.empty()) bad(text, "no medium");
  const std::string grid = text.substr(mid + 1, last - mid - 1);
  std::string voxel = text.substr(last + 1);

  const auto counts = split_x(grid);
  if (counts.size() != 3) bad(text, "grid '" + grid + "' is not NXxNYxNZ");
  int* n[3] = {&box.nx, &box.ny, &box.nz};
  for (int a = 0; a < 3; ++a) {
    const std::string& c = counts[a];
    bool digits = !c.empty() && c.size() <= 9;
    for (char ch : c) digits = digits && std::isdigit(static_cast<unsigned char>(ch));
    const long v = digits ? std::strtol(c.c_str(), nullptr, 10) : 0;
    if (!digits || v < 1 || v > kMaxVoxelsPerAxis) {
      bad(text, "voxel count '" + c + "' is not a whole number from 1 to " +
                    std::to_string(kMaxVoxelsPerAxis));
    }
    *n[a] = static_cast<int>(v);
  }
  if (static_cast<unsigned long long>(box.nx) * box.ny * box.nz > 0xffffffffull) {
    bad(text, "more than 2^32 - 1 voxels");
  }

  if (voxel.size() < 3 || voxel.compare(voxel.size() - 2, 2, "mm") != 0) {
    bad(text, "voxel size '" + voxel + "' does not end in mm");
  }
  voxel.resize(voxel.size() - 2);
  auto sizes = split_x(voxel);
  if (sizes.size() == 1) sizes = {sizes[0], sizes[0], sizes[0]};
  if (sizes.size() != 3) bad(text, "voxel size '" + voxel + "mm' is not D or DXxDYxDZ");
  double* d[3] = {&box.dx, &box.dy, &box.dz};
  for (int a = 0; a < 3; ++a) {
    const std::string& s = sizes[a];
    char* end = nullptr;
    errno = 0;
    const double mm = s.empty() || std::isspace(static_cast<unsigned char>(s[0]))
                          ? 0.0
                          : std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || errno != 0 || !std::isfinite(mm) || !(mm > 0)) {
      bad(text, "voxel size '" + s + "' is not a positive number of mm");
    }
    *d[a] = spacing_mm_to_cm(mm);
  }
  return box;
}

Phantom build_box_phantom(const BoxSpec& box, const std::string& text, const Medium& medium,
                          const std::string& key, double density_g_cm3) {
  UserGrid grid;
  grid.nx = box.nx;
  grid.ny = box.ny;
  grid.nz = box.nz;
  grid.dx = box.dx;
  grid.dy = box.dy;
  grid.dz = box.dz;
  grid.origin_mm = {spacing_cm_to_mm(box.dx) / 2, spacing_cm_to_mm(box.dy) / 2,
                    spacing_cm_to_mm(box.dz) / 2};
  const std::size_t n = static_cast<std::size_t>(box.nx) * box.ny * box.nz;
  std::vector<std::uint16_t> ids(n, kBoxLabel);
  const std::size_t centre =
      box.nx / 2 + static_cast<std::size_t>(box.nx) *
                       (box.ny / 2 + static_cast<std::size_t>(box.ny) * (box.nz / 2));
  ids[centre] = kBoxCentreLabel;
  const std::vector<UserLabel> labels = {{kBoxLabel, 0, density_g_cm3, "box without centre"},
                                         {kBoxCentreLabel, 0, density_g_cm3, "centre"}};
  Phantom p = build_user_phantom(grid, std::move(ids), {medium}, {key}, labels, text, "box spec");
  p.groups.push_back({"box", {kBoxLabel, kBoxCentreLabel}, "the whole block"});
  return p;
}

}  // namespace gpudose
