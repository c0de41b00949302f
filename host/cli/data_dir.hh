// Where third-party input data lives: --data-dir, else $GPUDOSE_DATA, else ../shared next to
// the source checkout (set at configure time). The project never copies that data into its tree.
#pragma once

#include <string>

namespace gpudose {

// Returns the data directory to use; `from_flag` wins when non-empty. Throws UserError if the
// chosen directory does not exist.
std::string resolve_data_dir(const std::string& from_flag);

// Where the engine keeps what it imports (phantom caches, physics libraries): --cache-dir,
// else $GPUDOSE_CACHE, else <build dir>/data (set at configure time).
std::string resolve_cache_dir(const std::string& from_flag);

}  // namespace gpudose
