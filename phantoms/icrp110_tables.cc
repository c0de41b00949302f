#include "phantoms/icrp110_tables.hh"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

std::ifstream open_or_throw(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw UserError("cannot read '" + path + "'", "missing or unreadable ICRP 110 data file",
                    "check --data-dir / GPUDOSE_DATA points at the shared data folder");
  }
  return in;
}

std::vector<std::string> split_ws(const std::string& line) {
  std::istringstream s(line);
  std::vector<std::string> out;
  for (std::string t; s >> t;) out.push_back(t);
  return out;
}

bool parse_int(const std::string& t, int& v) {
  std::size_t used = 0;
  try {
    v = std::stoi(t, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == t.size();
}

bool parse_double(const std::string& t, double& v) {
  std::size_t used = 0;
  try {
    v = std::stod(t, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == t.size();
}

[[noreturn]] void malformed(const std::string& path, int line_no, const std::string& why) {
  throw UserError("malformed line " + std::to_string(line_no) + " in '" + path + "'", why,
                  "restore the original ICRP 110 file (see ../shared/phantoms/README.md)");
}

std::string join(const std::vector<std::string>& t, std::size_t from, std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to; ++i) s += (i > from ? " " : "") + t[i];
  return s;
}

}  // namespace

std::vector<Medium> read_icrp110_media(const std::string& path) {
  std::ifstream in = open_or_throw(path);
  std::vector<int> zs;
  std::vector<Medium> media;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    const auto t = split_ws(line);
    if (t.empty()) continue;
    if (zs.empty()) {  // first line: the atomic numbers of the columns
      for (const auto& tok : t) {
        int z = 0;
        if (!parse_int(tok, z) || z < 1 || z > 100) malformed(path, line_no, "expected Z list");
        zs.push_back(z);
      }
      continue;
    }
    int id = 0;
    if (!parse_int(t[0], id)) continue;  // header lines
    if (t.size() < zs.size() + 2) malformed(path, line_no, "too few columns");
    Medium m;
    m.id = id;
    m.name = join(t, 1, t.size() - zs.size());
    double total = 0;
    for (std::size_t k = 0; k < zs.size(); ++k) {
      double pct = 0;
      // std::stod accepts "nan" and "inf": refused here, or they would reach the physics.
      if (!parse_double(t[t.size() - zs.size() + k], pct) || !std::isfinite(pct) || pct < 0) {
        malformed(path, line_no, "bad mass percentage (must be a finite number >= 0)");
      }
      if (pct > 0) m.elements.push_back({zs[k], pct});
      total += pct;
    }
    if (std::abs(total - 100.0) > 1.0)
      malformed(path, line_no, "mass percentages do not sum to 100");
    for (auto& e : m.elements) e.mass_fraction /= total;
    media.push_back(m);
  }
  if (zs.empty() || media.empty()) {
    throw UserError("no media found in '" + path + "'", "empty or truncated file",
                    "restore the original ICRP 110 file");
  }
  return media;
}

std::vector<OrganRecord> read_icrp110_organs(const std::string& path) {
  std::ifstream in = open_or_throw(path);
  std::vector<OrganRecord> organs;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    const auto t = split_ws(line);
    OrganRecord o;
    if (t.size() < 4 || !parse_int(t[0], o.id)) continue;  // header lines
    if (!parse_int(t[t.size() - 2], o.medium) || !parse_double(t.back(), o.density_g_cm3) ||
        !std::isfinite(o.density_g_cm3) || !(o.density_g_cm3 > 0)) {
      malformed(path, line_no, "expected: ID name medium density (a finite density > 0 g/cm3)");
    }
    o.name = join(t, 1, t.size() - 2);
    organs.push_back(o);
  }
  if (organs.empty()) {
    throw UserError("no organs found in '" + path + "'", "empty or truncated file",
                    "restore the original ICRP 110 file");
  }
  return organs;
}

std::vector<Medium> load_icrp110_media(const std::string& p110_dir, const std::string& model) {
  const std::string base = p110_dir + "/" + model + "/" + model;
  std::vector<Medium> media = read_icrp110_media(base + "_media.dat");
  const std::vector<OrganRecord> organs = read_icrp110_organs(base + "_organs.dat");
  std::map<int, Medium*> by_id;
  for (auto& m : media) by_id[m.id] = &m;
  for (const auto& o : organs) {
    auto it = by_id.find(o.medium);
    if (it == by_id.end()) {
      throw UserError(
          "organ " + std::to_string(o.id) + " uses unknown medium " + std::to_string(o.medium),
          "not in " + model + "_media.dat", "restore the original ICRP 110 files");
    }
    Medium& m = *it->second;
    if (m.density_g_cm3 == 0) {
      m.density_g_cm3 = o.density_g_cm3;
    } else if (m.density_g_cm3 != o.density_g_cm3) {
      throw UserError(
          "medium " + std::to_string(m.id) + " has two densities in " + model + "_organs.dat",
          "organ " + std::to_string(o.id) + " says " + std::to_string(o.density_g_cm3),
          "restore the original ICRP 110 files");
    }
  }
  return media;
}

std::string icrp110_side_file_dir(const std::string& data_dir) {
  return data_dir + "/phantoms/geant4_ICRP110_ICRPdata/ICRPdata/ICRP110_g4dat/P110_data_V1.2";
}

}  // namespace gpudose
