#include "host/foundation/tar_gz.hh"

#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <memory>

#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

// Header fields (POSIX.1-1988 ustar): name[100] at 0, size[12] octal at 124, typeflag at 156,
// magic "ustar" at 257, prefix[155] at 345.
std::string field(const char* h, int off, int len) {
  const char* p = h + off;
  return std::string(p, strnlen(p, len));
}

}  // namespace

void read_tar_gz(const std::string& path, const std::function<bool(const std::string&)>& want,
                 const std::function<void(const std::string&, std::string&&)>& take) {
  const std::string todo = "restore the archive (see ../shared/phantoms/README.md)";
  if (!std::filesystem::is_regular_file(path)) {
    throw UserError("cannot read '" + path + "'", "missing archive",
                    "check --data-dir / GPUDOSE_DATA points at the shared data folder");
  }
  std::unique_ptr<gzFile_s, GzCloser> gz(gzopen(path.c_str(), "rb"));
  if (!gz) throw UserError("cannot open '" + path + "'", "unreadable archive", todo);
  gzbuffer(gz.get(), 1 << 20);
  auto read_exact = [&](char* buf, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      const int r = gzread(gz.get(), buf + got, static_cast<unsigned>(n - got));
      if (r <= 0) return false;
      got += static_cast<std::size_t>(r);
    }
    return true;
  };
  auto truncated = [&](const std::string& why) {
    int errnum = 0;
    const char* msg = gzerror(gz.get(), &errnum);
    throw UserError("truncated or corrupt archive '" + path + "'",
                    why + (errnum != Z_OK && msg ? std::string(", zlib: ") + msg : ""), todo);
  };

  std::string long_name;  // GNU 'L' entries carry the next member's long name
  char h[512];
  int members = 0;
  while (true) {
    if (!read_exact(h, 512)) truncated("archive ends inside a header");
    bool zero = true;
    for (char c : h) zero = zero && c == 0;
    if (zero) break;  // end-of-archive marker
    const std::string size_text = field(h, 124, 12);
    std::size_t size = 0;
    for (char c : size_text) {
      if (c >= '0' && c <= '7')
        size = size * 8 + static_cast<std::size_t>(c - '0');
      else if (c != ' ')
        truncated("bad size field in a tar header");
    }
    const char type = h[156];
    std::string name = field(h, 0, 100);
    if (std::strncmp(h + 257, "ustar", 5) == 0 && h[345] != 0)
      name = field(h, 345, 155) + "/" + name;
    if (!long_name.empty()) {
      name = long_name;
      long_name.clear();
    }
    const std::size_t padded = (size + 511) / 512 * 512;
    const bool regular = type == '0' || type == 0;
    if (type == 'L' || (regular && want(name))) {
      std::string data(padded, '\0');
      if (padded > 0 && !read_exact(data.data(), padded))
        truncated("archive ends inside '" + name + "'");
      data.resize(size);
      if (type == 'L') {
        long_name = std::string(data.c_str());
      } else {
        take(name, std::move(data));
      }
    } else if (padded > 0) {
      if (gzseek(gz.get(), static_cast<z_off_t>(padded), SEEK_CUR) < 0) {
        truncated("archive ends inside '" + name + "'");
      }
    }
    ++members;
  }
  if (members == 0) truncated("no members");
}

}  // namespace gpudose
