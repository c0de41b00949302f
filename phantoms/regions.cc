#include "phantoms/regions.hh"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "host/foundation/closest_names.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

// Matching key: lower case, '_' as space, runs of whitespace as one space, trimmed.
std::string key_of(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '_' || std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool parse_int(const std::string& t, int& v) {
  if (t.empty() || t.size() > 9) return false;
  for (char c : t) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  v = std::stoi(t);
  return true;
}

[[noreturn]] void bad_line(const std::string& origin, int line_no, const std::string& why) {
  throw UserError("malformed line " + std::to_string(line_no) + " in " + origin, why,
                  "fix the region table (columns: see its header)");
}

std::vector<int> parse_id_list(const std::string& text, const std::string& origin, int line_no) {
  std::set<int> ids;
  for (const std::string& part : split(text, ',')) {
    const std::string p = trim(part);
    const auto dash = p.find('-');
    int lo = 0, hi = 0;
    if (dash == std::string::npos) {
      if (!parse_int(p, lo)) bad_line(origin, line_no, "bad organ ID '" + p + "'");
      hi = lo;
    } else if (!parse_int(p.substr(0, dash), lo) || !parse_int(p.substr(dash + 1), hi) || hi < lo) {
      bad_line(origin, line_no, "bad organ ID range '" + p + "'");
    }
    if (hi > 141) bad_line(origin, line_no, "organ ID above 141 in '" + p + "'");
    for (int id = lo; id <= hi; ++id) ids.insert(id);
  }
  return {ids.begin(), ids.end()};
}

Region organ_region(const Phantom& phantom, const OrganInfo& o) {
  Region r;
  r.name = o.name;
  r.organ_ids = {o.id};
  r.kind = "organ";
  // OpenDose sources 0..141 are the single IDs of AF/AM; a user's labels have no such number.
  if (phantom.icrp110 && o.id <= 141) r.opendose_id = o.id;
  return r;
}

// The regions of several organs: regions.tsv for AF/AM, whose IDs are ICRP organs; a user
// phantom's own groups otherwise (its IDs are the user's labels, regions.tsv means nothing).
std::vector<Region> compounds_of(const Phantom& phantom) {
  if (phantom.icrp110) return compound_regions();
  std::vector<Region> out;
  for (const LabelGroup& g : phantom.groups) {
    Region r;
    r.name = g.name;
    r.organ_ids = g.organ_ids;
    r.kind = "group";
    r.note = g.note;
    out.push_back(r);
  }
  return out;
}

// All names a query may match, each with the region it means (organs of this phantom first).
std::vector<std::pair<std::string, Region>> named_regions(const Phantom& phantom) {
  std::vector<std::pair<std::string, Region>> out;
  for (const auto& o : phantom.organs) out.emplace_back(o.name, organ_region(phantom, o));
  for (const auto& r : compounds_of(phantom)) {
    out.emplace_back(r.name, r);
    for (const auto& a : r.aliases) out.emplace_back(a, r);
  }
  return out;
}

}  // namespace

std::uint64_t region_voxel_count(const Phantom& phantom, const Region& region);

namespace {

[[noreturn]] void no_voxels(const Phantom& phantom, const Region& region) {
  if (!phantom.icrp110) {
    throw UserError("region '" + region.name + "' has no voxel in " + phantom.model,
                    "none of its labels is in the image", "choose a label the image holds");
  }
  throw UserError(
      "region '" + region.name + "' has no voxel in " + phantom.model,
      "ICRP 110 " + phantom.model + " does not contain its organs",
      "choose a region of this model (gpudose phantom regions --model " + phantom.model + ")");
}

const Region& with_voxels(const Phantom& phantom, const Region& region) {
  if (region_voxel_count(phantom, region) == 0) no_voxels(phantom, region);
  return region;
}

}  // namespace

extern const char* const kEmbeddedRegionTable;  // regions_data.cc, generated from regions.tsv

const std::string& embedded_region_table() {
  static const std::string text = kEmbeddedRegionTable;
  return text;
}

std::vector<Region> parse_region_table(const std::string& text, const std::string& origin) {
  std::vector<Region> out;
  std::set<std::string> names;
  std::istringstream in(text);
  std::string line;
  bool header_seen = false;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty() || line[0] == '#') continue;
    const auto cols = split(line, '\t');
    if (!header_seen) {  // the column-name line
      if (cols.size() < 6 || cols[0] != "name") bad_line(origin, line_no, "expected column names");
      header_seen = true;
      continue;
    }
    if (cols.size() != 6) {
      bad_line(origin, line_no, std::to_string(cols.size()) + " tab-separated columns, not 6");
    }
    Region r;
    r.name = trim(cols[0]);
    r.kind = trim(cols[1]);
    if (r.name.empty()) bad_line(origin, line_no, "empty name");
    if (r.kind != "opendose" && r.kind != "icrp133" && r.kind != "group") {
      bad_line(origin, line_no, "kind '" + r.kind + "' is not opendose, icrp133 or group");
    }
    const std::string od = trim(cols[2]);
    if (od != "-" && (!parse_int(od, r.opendose_id) || r.opendose_id < 142)) {
      bad_line(origin, line_no, "OpenDose number '" + od + "' is not - or 142..");
    }
    if ((r.kind == "opendose") != (r.opendose_id >= 142)) {
      bad_line(origin, line_no, "kind opendose needs an OpenDose number and only it");
    }
    r.organ_ids = parse_id_list(cols[3], origin, line_no);
    for (const std::string& a : split(cols[4], ';')) {
      if (!trim(a).empty()) r.aliases.push_back(trim(a));
    }
    r.note = trim(cols[5]);
    if (!names.insert(key_of(r.name)).second) {
      bad_line(origin, line_no, "region name '" + r.name + "' appears twice");
    }
    out.push_back(r);
  }
  if (!header_seen || out.empty()) {
    throw UserError("no regions in " + origin, "empty or truncated table",
                    "restore phantoms/regions.tsv");
  }
  return out;
}

const std::vector<Region>& compound_regions() {
  static const std::vector<Region> regions =
      parse_region_table(embedded_region_table(), "phantoms/regions.tsv");
  return regions;
}

Region resolve_region(const Phantom& phantom, const std::string& query) {
  const std::string q = trim(query);
  int number = 0;
  if (parse_int(q, number)) {
    if (const OrganInfo* o = phantom.organ(number)) return organ_region(phantom, *o);
    if (!phantom.icrp110) {
      throw UserError("label " + q + " has no voxel in " + phantom.model,
                      "the label image does not hold it",
                      "give a label the image holds, or a region name");
    }
    for (const auto& r : compound_regions()) {
      if (r.opendose_id == number) return with_voxels(phantom, r);
    }
    if (number <= 141) {
      throw UserError("organ ID " + q + " has no voxel in " + phantom.model,
                      "ICRP 110 " + phantom.model + " does not contain it",
                      "see `gpudose phantom info --model " + phantom.model + "` for its organs");
    }
    throw UserError("no region number " + q, "organ IDs are 0..141, OpenDose unions 142..172",
                    "see `gpudose phantom regions --model " + phantom.model + "`");
  }
  const std::string k = key_of(q);
  const auto named = named_regions(phantom);
  for (const auto& [name, region] : named) {
    if (key_of(name) == k) return with_voxels(phantom, region);
  }
  // An organ of the ICRP table that this model's grid lacks (prostate in AF, ovaries in AM).
  for (const auto& rec : phantom.organ_table) {
    if (key_of(rec.name) == k) {
      throw UserError(
          "organ '" + rec.name + "' (ID " + std::to_string(rec.id) + ") has no voxel in " +
              phantom.model,
          "ICRP 110 " + phantom.model + " does not contain it",
          "choose an organ of this model (gpudose phantom info --model " + phantom.model + ")");
    }
  }
  std::vector<std::string> candidates;
  for (const auto& [name, region] : named) {
    if (region_voxel_count(phantom, region) > 0) candidates.push_back(name);
  }
  if (!phantom.icrp110) {
    throw UserError("unknown region '" + q + "' for " + phantom.model,
                    "closest: " + quoted_list(closest_names(q, candidates, 3)),
                    "give a label number, a label name (media table) or a group of the phantom");
  }
  throw UserError("unknown region '" + q + "' for " + phantom.model,
                  "closest: " + quoted_list(closest_names(q, candidates, 3)),
                  "give an organ ID, an ICRP 110 organ name or a region of phantoms/regions.tsv "
                  "(list: gpudose phantom regions --model " +
                      phantom.model + ")");
}

std::uint64_t region_voxel_count(const Phantom& phantom, const Region& region) {
  std::uint64_t n = 0;
  for (int id : region.organ_ids) {
    if (const OrganInfo* o = phantom.organ(id)) n += o->voxels;
  }
  return n;
}

double region_mass_kg(const Phantom& phantom, const Region& region) {
  double m = 0;
  for (int id : region.organ_ids) {
    if (const OrganInfo* o = phantom.organ(id)) m += o->mass_kg;
  }
  return m;
}

std::vector<RegionMass> target_regions(const Phantom& phantom) {
  std::vector<RegionMass> out;
  for (const auto& o : phantom.organs) {
    out.push_back({organ_region(phantom, o), o.voxels, o.mass_kg});
  }
  for (const auto& r : compounds_of(phantom)) {
    const std::uint64_t n = region_voxel_count(phantom, r);
    if (n > 0) out.push_back({r, n, region_mass_kg(phantom, r)});
  }
  return out;
}

const char* to_string(SourceSampling s) {
  switch (s) {
    case SourceSampling::volume_uniform:
      return "volume-uniform";
    case SourceSampling::mass_uniform:
      return "mass-uniform";
    case SourceSampling::activity:
      break;
  }
  return "activity-weighted";
}

SourceSampling parse_source_sampling(const std::string& name) {
  const std::string k = key_of(name);
  if (k == "volume-uniform" || k == "volume" || k == "opendose") {
    return SourceSampling::volume_uniform;
  }
  if (k == "mass-uniform" || k == "mass" || k == "icrp133") return SourceSampling::mass_uniform;
  throw UserError("unknown source sampling '" + name + "'",
                  "expected volume-uniform (OpenDose) or mass-uniform (ICRP 133)",
                  "use --sampling volume-uniform|mass-uniform");
}

RegionVoxels region_voxels(const Phantom& phantom, const Region& region, SourceSampling sampling) {
  if (sampling == SourceSampling::activity) {
    throw std::logic_error("region_voxels: activity weights come from an activity image");
  }
  // Label membership and per-label weight: a label is one organ ID.
  std::vector<char> member(phantom.label_organ_id.size(), 0);
  for (std::size_t l = 0; l < phantom.label_organ_id.size(); ++l) {
    member[l] = std::binary_search(region.organ_ids.begin(), region.organ_ids.end(),
                                   static_cast<int>(phantom.label_organ_id[l]));
  }
  RegionVoxels out;
  out.sampling = sampling;
  const std::uint64_t expected = region_voxel_count(phantom, region);
  if (expected == 0) no_voxels(phantom, region);
  out.voxels.reserve(expected);
  out.weights.reserve(expected);
  const std::size_t n = phantom.labels.size();
  for (std::size_t v = 0; v < n; ++v) {
    const std::uint8_t l = phantom.labels[v];
    if (!member[l]) continue;
    out.voxels.push_back(static_cast<std::uint32_t>(v));
    // The density table is float on the device; the host weight uses the exact organ density.
    out.weights.push_back(
        sampling == SourceSampling::volume_uniform ? 1.0 : phantom.organs[l].density_g_cm3);
  }
  for (double w : out.weights) out.total_weight += w;
  return out;
}

bool region_contains(const std::vector<int>& outer, const std::vector<int>& inner) {
  return std::all_of(inner.begin(), inner.end(), [&](int id) {
    return std::find(outer.begin(), outer.end(), id) != outer.end();
  });
}

}  // namespace gpudose
