#include "phantoms/media_table.hh"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

constexpr const char* kColumns = "columns: label<TAB>medium<TAB>density_g_cm3[<TAB>name]";

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_tabs(const std::string& s) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == '\t') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

[[noreturn]] void bad_line(const std::string& origin, int line_no, const std::string& why) {
  throw UserError("malformed line " + std::to_string(line_no) + " in media table " + origin, why,
                  std::string("fix the table (") + kColumns + ")");
}

}  // namespace

std::vector<MediaTableRow> parse_media_table(const std::string& text, const std::string& origin) {
  std::vector<MediaTableRow> rows;
  std::set<int> seen;
  std::istringstream in(text);
  std::string line;
  bool first = true;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    const bool header = first && t.rfind("label", 0) == 0;
    first = false;
    if (header) continue;
    auto cols = split_tabs(line);
    for (auto& c : cols) c = trim(c);
    if (cols.size() < 3 || cols.size() > 4) {
      bad_line(origin, line_no, std::to_string(cols.size()) + " tab-separated columns, not 3 or 4");
    }
    MediaTableRow r;
    r.line = line_no;
    const std::string& label = cols[0];
    bool digits = !label.empty() && label.size() <= 5;
    for (char c : label) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    r.label = digits ? std::atoi(label.c_str()) : -1;
    if (!digits || r.label > 65535) {
      bad_line(origin, line_no, "label '" + label + "' is not a whole number from 0 to 65535");
    }
    r.medium = cols[1];
    if (r.medium.empty()) bad_line(origin, line_no, "no medium for label " + label);
    const std::string& d = cols[2];
    char* end = nullptr;
    errno = 0;
    r.density_g_cm3 = d.empty() ? 0.0 : std::strtod(d.c_str(), &end);
    if (d.empty() || end != d.c_str() + d.size() || errno != 0 || !std::isfinite(r.density_g_cm3) ||
        !(r.density_g_cm3 > 0)) {
      bad_line(origin, line_no, "density '" + d + "' is not a positive number of g/cm3");
    }
    if (cols.size() == 4) r.name = cols[3];
    if (!seen.insert(r.label).second) {
      bad_line(origin, line_no, "label " + label + " has a row already");
    }
    rows.push_back(r);
  }
  return rows;
}

std::vector<MediaTableRow> read_media_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UserError("cannot read media table '" + path + "'", "missing or unreadable",
                    "give --media TABLE.tsv (" + std::string(kColumns) + ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_media_table(text.str(), path);
}

std::string media_table_text(const Phantom& phantom) {
  std::ostringstream o;
  o << "# gpudose media table of " << phantom.model << ": one row per label (organ ID) of its "
    << "label image.\n# " << kColumns
    << "; medium = media-catalog key, density exact to the last bit.\n";
  for (const OrganInfo& organ : phantom.organs) {
    o << organ.id << '\t' << phantom.medium_key(static_cast<std::size_t>(organ.medium - 1)) << '\t'
      << format_exact(organ.density_g_cm3) << '\t' << organ.name << '\n';
  }
  return o.str();
}

}  // namespace gpudose
