#include "physics-data/decay_data.hh"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "host/foundation/closest_names.hh"
#include "host/foundation/sha256.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* const kRestore =
    "restore it from the shared data folder (its MANIFEST*.sha256 lists every file's SHA-256)";

[[noreturn]] void corrupt(const std::string& path, const std::string& why) {
  throw UserError("decay-data file '" + path + "' is corrupt", why, kRestore);
}

std::string read_bytes(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UserError("cannot read " + what + " '" + path + "'", "missing or unreadable file",
                    "check --data-dir / GPUDOSE_DATA points at the shared data folder with "
                    "decay-data/icrp107/");
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Half-life units of ICRP 107 (JSON time_unit and NDX columns). The year is taken as the Julian
// year (365.25 d); neither file states it, and the choice moves no half-life by more than 1e-5.
bool unit_seconds(const std::string& unit, double* seconds) {
  static const std::map<std::string, double> units = {
      {"us", 1e-6},   {"ms", 1e-3},           {"s", 1.0}, {"m", 60.0}, {"h", 3600.0},
      {"d", 86400.0}, {"y", 365.25 * 86400.0}};
  const auto it = units.find(unit);
  if (it == units.end()) return false;
  *seconds = it->second;
  return true;
}

// --- ICRP-07.NDX: a small reader of the Fortran edit descriptors used by its format string ---

struct FortranField {
  char type;  // 'a', 'i', 'e', 'f'
  std::size_t column;
  std::size_t width;
};

// Expands e.g. "a7,a8,2f8.0,1x,3(a7,i6,e11.0,1x)" into fields with their columns. Supports
// repeat counts, groups, nX, aW, iW, eW.D, fW.D (all the file uses).
class FortranFormat {
 public:
  explicit FortranFormat(const std::string& text) : s_(lower(text)) {}
  bool parse(std::vector<FortranField>* out) {
    std::size_t column = 0;
    if (!items(&column, out)) return false;
    skip_spaces();
    return pos_ == s_.size();
  }

 private:
  void skip_spaces() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  int number(int missing) {
    skip_spaces();
    if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_]))) return missing;
    int n = 0;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      n = n * 10 + (s_[pos_++] - '0');
    }
    return n;
  }
  bool items(std::size_t* column, std::vector<FortranField>* out) {
    while (true) {
      if (!item(column, out)) return false;
      skip_spaces();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      return true;
    }
  }
  bool item(std::size_t* column, std::vector<FortranField>* out) {
    const int repeat = number(1);
    skip_spaces();
    if (pos_ >= s_.size()) return false;
    const char c = s_[pos_++];
    if (c == '(') {
      const std::size_t group_start = pos_;
      for (int r = 0; r < repeat; ++r) {
        pos_ = group_start;
        if (!items(column, out)) return false;
        skip_spaces();
        if (pos_ >= s_.size() || s_[pos_] != ')') return false;
      }
      ++pos_;
      return true;
    }
    if (c == 'x') {  // nX: n blanks (the count is before the letter)
      *column += static_cast<std::size_t>(repeat);
      return true;
    }
    if (c != 'a' && c != 'i' && c != 'e' && c != 'f') return false;
    const int width = number(-1);
    if (width <= 0) return false;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (number(-1) < 0) return false;
    }
    for (int r = 0; r < repeat; ++r) {
      out->push_back({c, *column, static_cast<std::size_t>(width)});
      *column += static_cast<std::size_t>(width);
    }
    return true;
  }

  std::string s_;
  std::size_t pos_ = 0;
};

// Positions (among the data fields, blanks skipped) of the NDX columns read here, for the
// format "a7,a8,a2,a8,3i7,i6,1x,3(a7,i6,e11.0,1x),a7,i6,e11.0,f7.0,2f8.0,3i4,i5,i4,e11.0,...".
constexpr int kFieldName = 0, kFieldHalfLife = 1, kFieldUnit = 2, kFieldModes = 3;
constexpr int kFieldFirstDaughter = 8;  // then (name, index, branching) x 4
constexpr int kFieldAlpha = 20, kFieldElectron = 21, kFieldPhoton = 22, kFieldAmu = 28;

double fortran_number(const std::string& path, int line_no, const std::string& column_name,
                      const std::string& text) {
  const std::string t = trim(text);
  if (t.empty()) return 0.0;  // Fortran reads a blank numeric field as zero
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || errno == ERANGE || !std::isfinite(v)) {
    corrupt(path, "line " + std::to_string(line_no) + ": " + column_name + " '" + t +
                      "' is not a number");
  }
  return v;
}

}  // namespace

const char* emission_kind_key(EmissionKind kind) {
  switch (kind) {
    case EmissionKind::gamma:
      return "gamma";
    case EmissionKind::x_ray:
      return "X";
    case EmissionKind::annihilation:
      return "annihilation";
    case EmissionKind::ic_electron:
      return "IE";
    case EmissionKind::auger:
      return "auger";
    case EmissionKind::alpha:
      return "alpha";
    case EmissionKind::alpha_recoil:
      return "alpha recoil";
    case EmissionKind::fission:
      return "fission";
    case EmissionKind::neutron:
      return "neutron";
    case EmissionKind::beta_minus_mean:
      return "beta-";
    case EmissionKind::beta_plus_mean:
      return "beta+";
    case EmissionKind::betaD_mean:
      return "betaD";
  }
  return "?";
}

const std::vector<EmissionKind>& all_emission_kinds() {
  static const std::vector<EmissionKind> kinds = [] {
    std::vector<EmissionKind> k;
    for (int i = 0; i < kEmissionKindCount; ++i) k.push_back(static_cast<EmissionKind>(i));
    return k;
  }();
  return kinds;
}

const NdxEntry* NdxTable::find(const std::string& name) const {
  for (const auto& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const NdxEntry* NdxTable::daughter_entry(const NdxDaughter& d) const {
  const int i = d.ndx_record - 2;
  if (d.ndx_record == 0 || i < 0 || i >= static_cast<int>(entries.size())) return nullptr;
  return &entries[static_cast<std::size_t>(i)];
}

std::string decay_data_dir(const std::string& data_dir) {
  const std::string dir = data_dir + "/decay-data/icrp107";
  if (!fs::is_directory(dir)) {
    throw UserError("no ICRP 107 decay data in '" + data_dir + "'",
                    "folder '" + dir + "' not found",
                    "point --data-dir / GPUDOSE_DATA at the shared data folder that holds "
                    "decay-data/icrp107/");
  }
  return dir;
}

std::vector<std::string> list_nuclides(const std::string& decay_dir) {
  const fs::path json_dir = fs::path(decay_dir) / "json";
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(json_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path p = it->path();
    if (p.extension() == ".json") names.push_back(p.stem().string());
  }
  if (names.empty()) {
    throw UserError("no ICRP 107 nuclide files in '" + json_dir.string() + "'",
                    ec ? ec.message() : "no *.json file",
                    "point --data-dir / GPUDOSE_DATA at the shared data folder that holds "
                    "decay-data/icrp107/json/");
  }
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

// "Lu-177", "lu177", "LU_177", "lu 177" -> "lu177"; "Tc-99m" -> "tc99m".
std::string spelling_key(const std::string& s) {
  std::string k;
  for (char c : s) {
    if (c == '-' || c == '_' || c == ' ') continue;
    k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return k;
}

// Keys to try for a spelling: itself and, for mass-first spellings ("177lu", "99mtc"), the
// element-first forms ("lu177"; "tc99m", or "mtc99" for an element starting with m).
std::vector<std::string> candidate_keys(const std::string& key) {
  std::vector<std::string> keys = {key};
  std::size_t d = 0;
  while (d < key.size() && std::isdigit(static_cast<unsigned char>(key[d]))) ++d;
  if (d == 0 || d == key.size()) return keys;
  const std::string mass = key.substr(0, d), rest = key.substr(d);
  if (rest.size() > 1 && (rest[0] == 'm' || rest[0] == 'n')) {
    keys.push_back(rest.substr(1) + mass + rest[0]);  // "99mtc" -> "tc99m"
  }
  keys.push_back(rest + mass);  // "177lu" -> "lu177", "99mo" -> "mo99"
  return keys;
}

}  // namespace

std::string canonical_nuclide_name(const std::string& spelling,
                                   const std::vector<std::string>& known_names) {
  std::map<std::string, std::string> by_key;
  std::vector<std::string> keys;
  for (const auto& n : known_names) {
    by_key.emplace(spelling_key(n), n);
    keys.push_back(spelling_key(n));
  }
  const std::string key = spelling_key(spelling);
  for (const auto& k : candidate_keys(key)) {
    const auto it = by_key.find(k);
    if (it != by_key.end()) return it->second;
  }
  // Suggestions compare keys, so that "lu178" is one edit from "Lu-177", not two.
  std::vector<std::string> close;
  for (const auto& k : closest_names(key, keys, 3)) close.push_back(by_key.at(k));
  throw UserError("unknown nuclide '" + spelling + "'",
                  "not among the " + std::to_string(known_names.size()) +
                      " ICRP 107 nuclides; closest: " + quoted_list(close),
                  "spell it as ICRP 107 does, e.g. 'Lu-177', 'Tc-99m' (case and '-' optional)");
}

NdxTable read_ndx(const std::string& decay_dir) {
  NdxTable table;
  table.path = decay_dir + "/ICRP-07.NDX";
  const std::string bytes = read_bytes(table.path, "ICRP 107 index");
  table.sha256 = sha256_text(bytes);

  std::vector<std::string> lines;
  {
    std::istringstream in(bytes);
    for (std::string l; std::getline(in, l);) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      lines.push_back(l);
    }
  }
  if (lines.empty()) corrupt(table.path, "empty file");
  // The layout is whatever the header's format string says; the columns read must have the
  // types this reader expects, else the file is not the ICRP 107 index it knows.
  const std::string header = lower(lines[0]);
  const std::size_t open = header.find("format(");
  std::vector<FortranField> fields;
  bool ok = open != std::string::npos;
  if (ok) {
    // The format string nests groups: find the parenthesis that closes "format(".
    int depth = 0;
    std::size_t end = std::string::npos;
    for (std::size_t i = open + 6; i < header.size(); ++i) {
      if (header[i] == '(') ++depth;
      if (header[i] == ')' && --depth == 0) {
        end = i;
        break;
      }
    }
    ok = end != std::string::npos &&
         FortranFormat(header.substr(open + 7, end - open - 7)).parse(&fields);
  }
  const auto type_is = [&](int i, char t) {
    return static_cast<int>(fields.size()) > i && fields[static_cast<std::size_t>(i)].type == t;
  };
  ok = ok && type_is(kFieldName, 'a') && type_is(kFieldHalfLife, 'a') && type_is(kFieldUnit, 'a') &&
       type_is(kFieldModes, 'a') && type_is(kFieldAlpha, 'f') && type_is(kFieldElectron, 'f') &&
       type_is(kFieldPhoton, 'f') && type_is(kFieldAmu, 'e');
  for (int d = 0; d < 4 && ok; ++d) {
    const int f = kFieldFirstDaughter + 3 * d;
    ok = type_is(f, 'a') && type_is(f + 1, 'i') && type_is(f + 2, 'e');
  }
  if (!ok) corrupt(table.path, "line 1 lacks the expected Fortran format(...) of ICRP-07.NDX");
  const FortranField& last = fields[kFieldAmu];
  const std::size_t min_length = last.column + last.width;

  for (std::size_t li = 1; li < lines.size(); ++li) {
    const std::string& l = lines[li];
    if (trim(l).empty()) continue;
    const int line_no = static_cast<int>(li) + 1;
    if (l.size() < min_length) {
      corrupt(table.path, "line " + std::to_string(line_no) + " is " + std::to_string(l.size()) +
                              " characters long, the format needs " + std::to_string(min_length));
    }
    const auto field = [&](int i) {
      const auto& f = fields[static_cast<std::size_t>(i)];
      return l.substr(f.column, f.width);
    };
    const auto number = [&](int i, const std::string& column_name) {
      return fortran_number(table.path, line_no, column_name, field(i));
    };
    NdxEntry e;
    e.name = trim(field(kFieldName));
    e.record = line_no;
    const std::string hl = trim(field(kFieldHalfLife)), unit = trim(field(kFieldUnit));
    double unit_s = 0;
    const double hl_value = number(kFieldHalfLife, "half-life");
    if (e.name.empty() || !unit_seconds(unit, &unit_s) || !(hl_value > 0)) {
      corrupt(table.path, "line " + std::to_string(line_no) + ": bad nuclide/half-life '" + e.name +
                              "' '" + hl + "' '" + unit + "'");
    }
    e.half_life_text = hl + " " + unit;
    e.half_life_s = hl_value * unit_s;
    e.decay_modes = trim(field(kFieldModes));
    for (int d = 0; d < 4; ++d) {
      const int f = kFieldFirstDaughter + 3 * d;
      NdxDaughter dau;
      dau.name = trim(field(f));
      if (dau.name.empty()) continue;
      dau.ndx_record = static_cast<int>(number(f + 1, "daughter record"));
      dau.branching = number(f + 2, "branching fraction");
      if (dau.name == "SF" && dau.ndx_record == 9999) {
        dau.spontaneous_fission = true;
        dau.ndx_record = 0;
      }
      if (dau.ndx_record < 0 || !(dau.branching >= 0 && dau.branching <= 1 + 1e-6)) {
        corrupt(table.path, "line " + std::to_string(line_no) + ": daughter '" + dau.name +
                                "' has record " + std::to_string(dau.ndx_record) +
                                " and branching fraction " + std::to_string(dau.branching));
      }
      e.daughters.push_back(dau);
    }
    e.alpha_mev = number(kFieldAlpha, "alpha energy");
    e.electron_mev = number(kFieldElectron, "electron energy");
    e.photon_mev = number(kFieldPhoton, "photon energy");
    e.atomic_mass_u = number(kFieldAmu, "atomic mass");
    if (e.alpha_mev < 0 || e.electron_mev < 0 || e.photon_mev < 0) {
      corrupt(table.path, "line " + std::to_string(line_no) + ": negative energy per decay");
    }
    table.entries.push_back(std::move(e));
  }
  if (table.entries.empty()) corrupt(table.path, "no nuclide lines");
  // Daughter pointers are line numbers of the same file; they must land on the daughter.
  for (const auto& e : table.entries) {
    for (const auto& d : e.daughters) {
      if (d.ndx_record == 0) continue;
      const NdxEntry* target = table.daughter_entry(d);
      if (!target || target->name != d.name) {
        corrupt(table.path, e.name + "'s daughter " + d.name + " points at line " +
                                std::to_string(d.ndx_record) + ", which holds " +
                                (target ? target->name : std::string("no nuclide")));
      }
    }
  }
  return table;
}

namespace {

// JSON key -> kind. "Annihilation" is how the schema spells the key the files write lower-case.
bool kind_of_key(const std::string& key, EmissionKind* kind) {
  for (EmissionKind k : all_emission_kinds()) {
    if (key == emission_kind_key(k)) {
      *kind = k;
      return true;
    }
  }
  if (key == "Annihilation") {
    *kind = EmissionKind::annihilation;
    return true;
  }
  return false;
}

// [[a, b], ...] with finite, non-negative numbers.
std::vector<std::pair<double, double>> pairs(const std::string& path, const std::string& key,
                                             const json& v, const char* first, const char* second) {
  if (!v.is_array()) corrupt(path, "emissions '" + key + "' is not a list");
  std::vector<std::pair<double, double>> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const json& p = v[i];
    const std::string where = "emissions '" + key + "' entry " + std::to_string(i + 1);
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) {
      corrupt(path, where + " is not a pair of numbers: " + p.dump());
    }
    const double a = p[0].get<double>(), b = p[1].get<double>();
    if (!std::isfinite(a) || a < 0) corrupt(path, where + ": " + first + " " + p[0].dump());
    if (!std::isfinite(b) || b < 0) corrupt(path, where + ": " + second + " " + p[1].dump());
    out.emplace_back(a, b);
  }
  return out;
}

}  // namespace

NuclideEmissions read_nuclide(const std::string& decay_dir, const std::string& name) {
  return read_nuclide(decay_dir, name, read_ndx(decay_dir));
}

NuclideEmissions read_nuclide(const std::string& decay_dir, const std::string& name,
                              const NdxTable& ndx) {
  NuclideEmissions n;
  // Resolved against the index's names (the same 1252 as the JSON files), so that reading every
  // nuclide does not list the folder once per nuclide.
  std::vector<std::string> known;
  known.reserve(ndx.entries.size());
  for (const auto& e : ndx.entries) known.push_back(e.name);
  n.name = canonical_nuclide_name(name, known);
  n.json_path = decay_dir + "/json/" + n.name + ".json";
  const std::string& path = n.json_path;
  // One read serves both the digest and the parse, so they describe the same bytes.
  const std::string bytes = read_bytes(path, "decay-data file");
  n.json_sha256 = sha256_text(bytes);

  json j;
  try {
    j = json::parse(bytes);
    // Double-encoded: the file is a JSON string whose text is the object (README.md).
    if (j.is_string()) j = json::parse(j.get<std::string>());
  } catch (const json::exception& e) {
    corrupt(path, std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) corrupt(path, "does not hold a JSON object");
  for (const char* key : {"name", "half_life", "time_unit", "emissions"}) {
    if (!j.contains(key)) corrupt(path, std::string("missing key '") + key + "'");
  }
  if (!j["name"].is_string() || j["name"].get<std::string>() != n.name) {
    corrupt(path, "its name " + j["name"].dump() + " is not '" + n.name + "'");
  }
  double unit_s = 0;
  if (!j["half_life"].is_number() || !(j["half_life"].get<double>() > 0) ||
      !std::isfinite(j["half_life"].get<double>()) || !j["time_unit"].is_string() ||
      !unit_seconds(j["time_unit"].get<std::string>(), &unit_s)) {
    corrupt(path, "bad half-life " + j["half_life"].dump() + " " + j["time_unit"].dump());
  }
  n.half_life_s = j["half_life"].get<double>() * unit_s;
  n.half_life_text = j["half_life"].dump() + " " + j["time_unit"].get<std::string>();

  const json& em = j["emissions"];
  if (!em.is_object()) corrupt(path, "'emissions' is not an object");
  // Kinds absent from a file are empty (the schema requires none); an unknown kind is an error
  // rather than energy silently left out of the fold.
  for (const auto& [key, value] : em.items()) {
    if (key == "b-spectra") {
      n.beta_spectrum = pairs(path, key, value, "energy", "dN/dE");
      for (std::size_t i = 1; i < n.beta_spectrum.size(); ++i) {
        if (!(n.beta_spectrum[i].first > n.beta_spectrum[i - 1].first)) {
          corrupt(path, "beta spectrum not increasing in energy at node " + std::to_string(i + 1) +
                            " (" + std::to_string(n.beta_spectrum[i - 1].first) + " then " +
                            std::to_string(n.beta_spectrum[i].first) + " MeV)");
        }
      }
      continue;
    }
    EmissionKind kind;
    if (!kind_of_key(key, &kind)) corrupt(path, "unknown emission kind '" + key + "'");
    for (const auto& [e, y] : pairs(path, key, value, "energy", "yield")) {
      n.lines.push_back({kind, e, y});
    }
  }
  // Kinds in enum order (files list them in varying order); within a kind, file order.
  std::stable_sort(n.lines.begin(), n.lines.end(),
                   [](const DiscreteLine& a, const DiscreteLine& b) {
                     return static_cast<int>(a.kind) < static_cast<int>(b.kind);
                   });

  const NdxEntry* entry = ndx.find(n.name);
  if (!entry) corrupt(ndx.path, "no line for " + n.name + ", which has a JSON file");
  n.ndx = *entry;
  return n;
}

double line_energy_per_decay(const NuclideEmissions& n, EmissionKind kind) {
  double sum = 0;
  for (const auto& l : n.lines) {
    if (l.kind == kind) sum += l.yield * l.energy_mev;
  }
  return sum;
}

double line_yield_per_decay(const NuclideEmissions& n, EmissionKind kind) {
  double sum = 0;
  for (const auto& l : n.lines) {
    if (l.kind == kind) sum += l.yield;
  }
  return sum;
}

double beta_branch_yield(const NuclideEmissions& n) {
  return line_yield_per_decay(n, EmissionKind::beta_minus_mean) +
         line_yield_per_decay(n, EmissionKind::beta_plus_mean);
}

std::vector<double> trapezoid_weights(const std::vector<std::pair<double, double>>& spectrum) {
  std::vector<double> w(spectrum.size(), 0.0);
  for (std::size_t i = 0; i + 1 < spectrum.size(); ++i) {
    const double h = spectrum[i + 1].first - spectrum[i].first;
    w[i] += 0.5 * h;
    w[i + 1] += 0.5 * h;
  }
  return w;
}

double beta_spectrum_count_per_decay(const NuclideEmissions& n) {
  const auto w = trapezoid_weights(n.beta_spectrum);
  double sum = 0;
  for (std::size_t i = 0; i < w.size(); ++i) sum += w[i] * n.beta_spectrum[i].second;
  return sum;
}

double beta_spectrum_energy_per_decay(const NuclideEmissions& n) {
  const auto w = trapezoid_weights(n.beta_spectrum);
  double sum = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    sum += w[i] * n.beta_spectrum[i].first * n.beta_spectrum[i].second;
  }
  return sum;
}

}  // namespace gpudose
