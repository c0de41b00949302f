// Suggestions for misspelt names ("did you mean ...") in UserError messages.
#pragma once

#include <string>
#include <vector>

namespace gpudose {

// Case-insensitive Levenshtein distance.
int edit_distance(const std::string& a, const std::string& b);

// Up to `max_count` candidates closest to `query`: names containing the query (or contained in
// it) first, then by edit distance; duplicates removed, order otherwise stable.
std::vector<std::string> closest_names(const std::string& query,
                                       const std::vector<std::string>& candidates,
                                       std::size_t max_count = 3);

// "'a', 'b' or 'c'" for messages.
std::string quoted_list(const std::vector<std::string>& names);

}  // namespace gpudose
