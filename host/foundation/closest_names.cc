#include "host/foundation/closest_names.hh"

#include <algorithm>
#include <cctype>

namespace gpudose {
namespace {

std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

int edit_distance(const std::string& a_in, const std::string& b_in) {
  const std::string a = lower(a_in), b = lower(b_in);
  std::vector<int> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::vector<std::string> closest_names(const std::string& query,
                                       const std::vector<std::string>& candidates,
                                       std::size_t max_count) {
  const std::string q = lower(query);
  struct Scored {
    int rank;  // 0: substring relation, 1: otherwise
    int distance;
    std::size_t order;
    const std::string* name;
  };
  std::vector<Scored> scored;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const std::string c = lower(candidates[i]);
    const bool related =
        !q.empty() && (c.find(q) != std::string::npos || q.find(c) != std::string::npos);
    scored.push_back({related ? 0 : 1, edit_distance(q, c), i, &candidates[i]});
  }
  std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.distance < b.distance;
  });
  std::vector<std::string> out;
  for (const auto& s : scored) {
    if (out.size() >= max_count) break;
    const std::string l = lower(*s.name);
    bool seen = false;
    for (const auto& o : out) seen = seen || lower(o) == l;
    if (!seen) out.push_back(*s.name);
  }
  return out;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) s += (i + 1 == names.size()) ? " or " : ", ";
    s += "'" + names[i] + "'";
  }
  return s;
}

}  // namespace gpudose
