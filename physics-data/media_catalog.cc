#include "physics-data/media_catalog.hh"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <utility>

#include "host/foundation/sha256.hh"
#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "kernels/atomic_weights.hh"
#include "physics-data/elements.hh"

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

// A whole-string strtod: false for empty text, trailing characters, overflow or non-finite.
bool parse_number(const std::string& text, double& v) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  v = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && errno == 0 && std::isfinite(v);
}

constexpr const char* kCompositionForm =
    "write SYMBOL:MASS_FRACTION,... with an optional ;I=VALUEeV, e.g. H:0.111894,O:0.888106;I=75eV";

[[noreturn]] void bad_composition(const std::string& text, const std::string& why,
                                  const std::string& fix = kCompositionForm) {
  throw UserError("bad composition '" + text + "'", why, fix);
}

}  // namespace

bool is_composition_text(const std::string& text) {
  const std::string t = lower(trim(text));
  if (t.find(':') == std::string::npos) return false;
  const bool catalog_key =
      t.size() > 3 && (t.rfind("af:", 0) == 0 || t.rfind("am:", 0) == 0) && all_digits(t.substr(3));
  return !catalog_key;
}

CatalogMedium parse_composition_medium(const std::string& text_in, double density_g_cm3) {
  const std::string text = trim(text_in);
  std::string body = text;
  double i_ev = 0;
  const auto semi = text.find(';');
  if (semi != std::string::npos) {
    body = trim(text.substr(0, semi));
    std::string suffix = trim(text.substr(semi + 1));
    const std::string l = lower(suffix);
    double v = 0;
    const bool form = l.rfind("i=", 0) == 0 && l.size() > 4 && l.substr(l.size() - 2) == "ev";
    if (!form || !parse_number(trim(suffix.substr(2, suffix.size() - 4)), v) || !(v > 0) ||
        v > 1e5) {
      bad_composition(text, "'" + suffix + "' is not a mean excitation energy I=VALUEeV (eV, > 0)",
                      "write e.g. ;I=75eV, or leave it out to derive I by the ICRU 37 rule");
    }
    i_ev = v;
  }
  std::vector<ElementFraction> elements;
  std::set<int> seen;
  std::size_t start = 0;
  while (start <= body.size()) {
    const auto comma = body.find(',', start);
    const std::string item =
        trim(body.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    start = comma == std::string::npos ? body.size() + 1 : comma + 1;
    const auto colon = item.find(':');
    if (colon == std::string::npos) {
      bad_composition(text, "'" + item + "' is not SYMBOL:MASS_FRACTION");
    }
    const std::string symbol = trim(item.substr(0, colon));
    const std::string fraction = trim(item.substr(colon + 1));
    const int z = symbol.empty() ? 0 : element_z(symbol);
    if (z == 0) {
      bad_composition(text, "'" + symbol + "' is not a chemical symbol",
                      "use symbols such as H, C, O, Ca (" + std::string(kCompositionForm) + ")");
    }
    if (!(standard_atomic_weight(z) > 0)) {
      bad_composition(text,
                      std::string(element_facts(z).symbol) + " (Z = " + std::to_string(z) +
                          ") has no photon and electron data",
                      "use elements of Z = 1-30, 53, 56, 64, 74, 79, 82, 83");
    }
    double w = 0;
    if (!parse_number(fraction, w) || !(w > 0)) {
      bad_composition(text, "the mass fraction '" + fraction + "' of " + element_facts(z).symbol +
                                " is not a positive number");
    }
    if (!seen.insert(z).second) {
      bad_composition(text, std::string(element_facts(z).symbol) + " is given twice",
                      "give each element once with its whole mass fraction");
    }
    elements.push_back({z, w});
  }
  std::sort(elements.begin(), elements.end(),
            [](const ElementFraction& a, const ElementFraction& b) { return a.z < b.z; });
  double sum = 0;
  for (const auto& e : elements) sum += e.mass_fraction;
  if (!(std::fabs(sum - 1.0) <= 1e-3)) {
    bad_composition(text, "the mass fractions sum to " + format_exact(sum) + ", not 1 within 0.001",
                    "fix the fractions so that they sum to 1");
  }
  // Divided by their sum, so they sum to 1 up to rounding; x / 1.0 == x, so fractions that
  // already sum to 1 stay as written (the catalog's own compositions are used as written).
  for (auto& e : elements) e.mass_fraction /= sum;
  if (!(density_g_cm3 > 0) || !std::isfinite(density_g_cm3)) {
    bad_composition(text, "density " + format_g(density_g_cm3) + " g/cm3 is not positive",
                    "give the density in g/cm3");
  }
  std::string canonical;
  for (const auto& e : elements) {
    canonical += (canonical.empty() ? "" : ",") + std::string(element_facts(e.z).symbol) + ":" +
                 format_exact(e.mass_fraction);
  }
  if (i_ev > 0) canonical += ";I=" + format_exact(i_ev) + "eV";
  CatalogMedium c;
  c.key = "user:" + sha256_text(canonical + ";rho=" + format_exact(density_g_cm3)).substr(0, 12);
  c.model = "user";
  c.medium.name = canonical + " at " + format_exact(density_g_cm3) + " g/cm3";
  c.medium.density_g_cm3 = density_g_cm3;
  c.medium.elements = std::move(elements);
  c.mean_excitation_ev = i_ev;
  c.source = "composition given in a media table";
  return c;
}

std::string user_media_digest(const std::vector<CatalogMedium>& media) {
  std::string all;
  for (const CatalogMedium& c : media) {
    all += c.key + "\t" + c.medium.name + "\t" + format_exact(c.medium.density_g_cm3) + "\t" +
           format_exact(c.mean_excitation_ev);
    for (const auto& e : c.medium.elements) {
      all += "\t" + std::to_string(e.z) + ":" + format_exact(e.mass_fraction);
    }
    all += "\n";
  }
  return sha256_text(all).substr(0, 16);
}

MediaCatalog MediaCatalog::with_user_media(const std::vector<CatalogMedium>& extra) const {
  std::vector<CatalogMedium> media = media_;
  for (const CatalogMedium& c : extra) {
    const bool known = std::any_of(media.begin(), media.end(),
                                   [&](const CatalogMedium& m) { return m.key == c.key; });
    if (!known) media.push_back(c);
  }
  return MediaCatalog(std::move(media), organs_);
}

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
