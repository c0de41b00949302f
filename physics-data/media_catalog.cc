#include "physics-data/media_catalog.hh"

#include <algorithm>
#include <cctype>
#include <utility>

#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Edit distance, used only to suggest the closest names when a lookup fails.
std::size_t levenshtein(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

bool all_digits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

std::string normalize_model(const std::string& model) {
  const std::string m = lower(trim(model));
  if (m.empty() || m == "af" || m == "female" || m == "f") return "AF";
  if (m == "am" || m == "male" || m == "m") return "AM";
  throw UserError("unknown phantom model '" + model + "'", "the ICRP 110 adults are AF and AM",
                  "use --model female (AF) or --model male (AM)");
}

CatalogMedium reference_water() {
  CatalogMedium c;
  c.key = "water";
  c.medium.name = "Water, liquid";
  c.medium.density_g_cm3 = 1.0;
  c.medium.elements = {{1, 0.111894}, {8, 0.888106}};
  c.mean_excitation_ev = 75.0;
  c.source = "ICRU Report 37 / NIST ESTAR 'Water, liquid'";
  return c;
}

CatalogMedium reference_air() {
  CatalogMedium c;
  c.key = "air";
  c.medium.name = "Air, dry (near sea level)";
  c.medium.density_g_cm3 = 1.20479e-3;
  c.medium.elements = {{6, 0.000124}, {7, 0.755268}, {8, 0.231781}, {18, 0.012827}};
  c.mean_excitation_ev = 85.7;
  c.source = "NIST ESTAR/XCOM 'Air, dry (near sea level)'";
  return c;
}

CatalogMedium reference_soft_tissue() {
  CatalogMedium c;
  c.key = "soft-tissue";
  c.medium.name = "Tissue, soft (ICRU four-component)";
  c.medium.density_g_cm3 = 1.0;
  c.medium.elements = {{1, 0.101172}, {6, 0.111000}, {7, 0.026000}, {8, 0.761828}};
  c.mean_excitation_ev = 74.9;
  c.source = "ICRU Report 37 / NIST ESTAR 'Tissue, soft (ICRU four-component)'";
  return c;
}

MediaCatalog::MediaCatalog(std::vector<CatalogMedium> media,
                           std::vector<std::vector<OrganRecord>> organs)
    : media_(std::move(media)), organs_(std::move(organs)) {}

std::size_t MediaCatalog::index_of_key(const std::string& key) const {
  const std::string want = lower(trim(key));
  for (std::size_t i = 0; i < media_.size(); ++i) {
    if (lower(media_[i].key) == want) return i;
  }
  throw UserError("unknown medium key '" + key + "'", "not in the media catalog",
                  "use AF:<1..53>, AM:<1..53>, water, air or soft-tissue");
}

std::size_t MediaCatalog::find(const std::string& model_in, const std::string& query_in) const {
  const std::string model = normalize_model(model_in);
  const std::string q = lower(trim(query_in));
  auto by_key = [&](const std::string& key) -> std::size_t {
    for (std::size_t i = 0; i < media_.size(); ++i) {
      if (lower(media_[i].key) == lower(key)) return i;
    }
    return media_.size();
  };
  if (q == "water" || q == "air") return by_key(q);
  if (q == "soft-tissue" || q == "soft tissue") return by_key("soft-tissue");
  if (q.size() > 3 && (q.rfind("af:", 0) == 0 || q.rfind("am:", 0) == 0)) {
    const std::size_t i = by_key(q);
    if (i < media_.size()) return i;
  }
  if (all_digits(q)) {
    const std::size_t i = by_key(model + ":" + std::to_string(std::stoi(q)));
    if (i < media_.size()) return i;
    throw UserError("no medium number " + query_in + " in " + model,
                    "ICRP 110 media are numbered 1..53", "use a number from 1 to 53 or a name");
  }
  for (std::size_t i = 0; i < media_.size(); ++i) {
    if (media_[i].model == model && lower(media_[i].medium.name) == q) return i;
  }
  const auto& organs = organs_.at(model == "AF" ? 0 : 1);
  for (const auto& o : organs) {
    if (lower(o.name) == q) return by_key(model + ":" + std::to_string(o.medium));
  }
  // Not found: suggest the three closest names (media of the model, organs, references).
  std::vector<std::pair<std::size_t, std::string>> scored;
  auto consider = [&](const std::string& name) {
    for (const auto& s : scored) {
      if (lower(s.second) == lower(name)) return;  // a medium and its organ share names
    }
    // A name containing the query ("bone" in "Mineral bone") ranks before edit distances.
    const std::size_t d =
        lower(name).find(q) != std::string::npos ? 0 : 1 + levenshtein(q, lower(name));
    scored.emplace_back(d, name);
  };
  consider("water");
  consider("air");
  consider("soft-tissue");
  for (const auto& m : media_) {
    if (m.model == model) consider(m.medium.name);
  }
  for (const auto& o : organs) consider(o.name);
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string closest;
  for (std::size_t i = 0; i < scored.size() && i < 3; ++i) {
    closest += (i ? ", '" : "'") + scored[i].second + "'";
  }
  throw UserError("unknown medium '" + query_in + "' for model " + model,
                  "not a medium name, number or organ name of that phantom, nor "
                  "water/air/soft-tissue",
                  "closest: " + closest);
}

MediaCatalog load_media_catalog(const std::string& data_dir) {
  const std::string p110 = icrp110_side_file_dir(data_dir);
  std::vector<CatalogMedium> media;
  std::vector<std::vector<OrganRecord>> organs;
  for (const std::string model : {"AF", "AM"}) {
    for (auto& m : load_icrp110_media(p110, model)) {
      CatalogMedium c;
      c.key = model + ":" + std::to_string(m.id);
      c.model = model;
      c.medium = std::move(m);
      c.source = "ICRP Publication 110 " + model + "_media.dat / " + model + "_organs.dat";
      media.push_back(std::move(c));
    }
    organs.push_back(read_icrp110_organs(p110 + "/" + model + "/" + model + "_organs.dat"));
  }
  media.push_back(reference_water());
  media.push_back(reference_air());
  media.push_back(reference_soft_tissue());
  return MediaCatalog(std::move(media), std::move(organs));
}

}  // namespace gpudose
