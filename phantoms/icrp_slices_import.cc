#include "phantoms/icrp_slices_import.hh"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/foundation/tar_gz.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {
namespace fs = std::filesystem;

std::string icrp_slices_archive(const std::string& data_dir) {
  return data_dir + "/phantoms/geant4_ICRP110_ICRPdata/ICRPdata.tar.gz";
}

namespace {

// Slice number k of "<...>/<M>/<M>_slice<k>.g4dat" (or a bare file name), else 0.
int slice_number(const std::string& path, const std::string& model) {
  const fs::path p(path);
  const std::string file = p.filename().string();
  const std::string prefix = model + "_slice", suffix = ".g4dat";
  if (file.size() <= prefix.size() + suffix.size() || file.compare(0, prefix.size(), prefix) != 0 ||
      file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return 0;
  }
  const std::string digits =
      file.substr(prefix.size(), file.size() - prefix.size() - suffix.size());
  if (digits.empty() || digits.size() > 6) return 0;
  int k = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    k = k * 10 + (c - '0');
  }
  return k;
}

class SliceParser {
 public:
  SliceParser(const PhantomModelSpec& spec, std::vector<std::uint16_t>& grid,
              std::vector<char>& seen, const std::string& origin)
      : spec_(spec), grid_(grid), seen_(seen), origin_(origin) {}

  void parse(const std::string& name, int k, const std::string& text) {
    const std::string todo = "restore the ICRP 110 slice files (see ../shared/phantoms/README.md)";
    const std::string where = "'" + name + "' in " + origin_;
    if (k < 1 || k > spec_.nz) {
      throw UserError("slice " + std::to_string(k) + " " + where,
                      spec_.model + " has slices 1.." + std::to_string(spec_.nz), todo);
    }
    if (seen_[k - 1])
      throw UserError("slice " + std::to_string(k) + " twice " + where, "duplicate", todo);
    seen_[k - 1] = 1;
    const char* p = text.data();
    const char* end = p + text.size();
    long header[3];
    for (long& h : header) {
      if (!next_number(p, end, h)) {
        throw UserError("malformed header " + where, "expected three numbers nx ny nz", todo);
      }
    }
    if (header[0] != spec_.nx || header[1] != spec_.ny || header[2] != spec_.nz) {
      throw UserError("wrong dimensions " + where + ": header says " + std::to_string(header[0]) +
                          "x" + std::to_string(header[1]) + "x" + std::to_string(header[2]),
                      "ICRP 110 " + spec_.model + " is " + std::to_string(spec_.nx) + "x" +
                          std::to_string(spec_.ny) + "x" + std::to_string(spec_.nz),
                      todo);
    }
    const std::size_t per_slice = static_cast<std::size_t>(spec_.nx) * spec_.ny;
    std::uint16_t* out = grid_.data() + per_slice * (k - 1);
    for (std::size_t i = 0; i < per_slice; ++i) {
      long v = 0;
      if (!next_number(p, end, v)) {
        throw UserError(
            "truncated " + where,
            std::to_string(i) + " organ IDs, " + std::to_string(per_slice) + " expected", todo);
      }
      if (v > 65535) {
        throw UserError("organ ID " + std::to_string(v) + " " + where, "not a 16-bit ID", todo);
      }
      out[i] = static_cast<std::uint16_t>(v);
    }
    long extra = 0;
    if (next_number(p, end, extra)) {
      throw UserError("wrong dimensions " + where,
                      "more than " + std::to_string(per_slice) + " organ IDs in one slice", todo);
    }
  }

 private:
  // Next non-negative decimal integer; false at the end; throws on any other character.
  bool next_number(const char*& p, const char* end, long& v) {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
    if (p == end) return false;
    if (*p < '0' || *p > '9') {
      throw UserError("unexpected character '" + std::string(1, *p) + "' in a slice of " + origin_,
                      "slices hold non-negative integers only",
                      "restore the ICRP 110 slice files (see ../shared/phantoms/README.md)");
    }
    v = 0;
    while (p < end && *p >= '0' && *p <= '9') {
      v = v * 10 + (*p - '0');
      if (v > 1000000000L) v = 1000000000L;
      ++p;
    }
    return true;
  }

  const PhantomModelSpec& spec_;
  std::vector<std::uint16_t>& grid_;
  std::vector<char>& seen_;
  std::string origin_;
};

}  // namespace

std::vector<std::uint16_t> read_icrp_slices(const std::string& source,
                                            const PhantomModelSpec& spec) {
  std::vector<std::uint16_t> grid(static_cast<std::size_t>(spec.nx) * spec.ny * spec.nz, 0);
  std::vector<char> seen(spec.nz, 0);
  SliceParser parser(spec, grid, seen, "'" + source + "'");
  if (fs::is_directory(source)) {
    for (const auto& entry : fs::directory_iterator(source)) {
      const int k = slice_number(entry.path().string(), spec.model);
      if (k == 0) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      parser.parse(entry.path().filename().string(), k, text.str());
    }
  } else {
    // Only the model's own folder: both models' slices share the archive.
    const std::string folder = "/" + spec.model + "/";
    read_tar_gz(
        source,
        [&](const std::string& name) {
          return name.find(folder) != std::string::npos && slice_number(name, spec.model) > 0;
        },
        [&](const std::string& name, std::string&& text) {
          parser.parse(name, slice_number(name, spec.model), text);
        });
  }
  for (int k = 1; k <= spec.nz; ++k) {
    if (!seen[k - 1]) {
      throw UserError(
          "slice " + std::to_string(k) + " of " + spec.model + " missing from '" + source + "'",
          "ICRP 110 " + spec.model + " has " + std::to_string(spec.nz) + " slices",
          "restore the ICRP 110 slice files (see ../shared/phantoms/README.md)");
    }
  }
  return grid;
}

}  // namespace gpudose
