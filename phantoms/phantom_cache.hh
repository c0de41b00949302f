// Importing the ICRP 110 phantoms and the engine's cached compact form.
//
// Interface other code uses:
//   Phantom p = load_phantom("female", data_dir, cache_dir);
// reads <cache_dir>/phantoms/AF.h5 when it is there and its sources are unchanged, and otherwise
// imports the OpenDose files and writes the cache first (so the first `run` pays once, ~1 s).
//
// Cache file (HDF5, format version 3): root attributes model, source, format_version, dims
// (nx ny nz), spacing_cm, origin_mm, direction (row-major 3x3), sources (one line per source
// file: path relative to the data directory, size in bytes, modification time in ns, SHA-256);
// content_sha256 (host/foundation/content_digest.hh over every attribute and dataset above and
// below, recomputed at each load: a mismatch is a damaged cache, rebuilt by load_phantom with a
// line on stderr); datasets /labels (uint8 [nz][ny][nx], deflate), /boundary_distance (uint8,
// same shape) and /label_organ_id (uint16). The organ and
// media tables are re-read from the ICRP side files at load (they are sources too, checked the
// same way), so the cache never holds anything the side files could contradict.
// A cache is stale when a source file is missing, or its size differs, or its modification time
// differs and its SHA-256 differs too. Caches are written to a temporary file and renamed, so
// concurrent loads never see half a file.
#pragma once

#include <string>
#include <vector>

#include "phantoms/phantom.hh"

namespace gpudose {

// Import sources: "opendose" (MetaImage through ITK) or "icrp" (Geant4's ASCII slices).
// Accepts those names (any case); anything else throws UserError.
std::string phantom_source_name(const std::string& name);

// <cache_dir>/phantoms/<AF|AM>.h5
std::string phantom_cache_path(const std::string& cache_dir, const std::string& model);

// Absolute paths of the files an import from `source` reads.
std::vector<std::string> phantom_source_files(const PhantomModelSpec& spec,
                                              const std::string& data_dir,
                                              const std::string& source);

// Imports from the source files, without touching any cache.
Phantom import_phantom(const std::string& model, const std::string& data_dir,
                       const std::string& source);

struct CacheCheck {
  bool fresh = false;
  std::string why;     // when not fresh: missing, unreadable, which source changed
  std::string source;  // the import source recorded in the cache
};
CacheCheck check_phantom_cache(const std::string& cache_path, const std::string& data_dir);

// Writes the cache (temporary file + rename), recording phantom.source_files.
void write_phantom_cache(const Phantom& phantom, const std::string& cache_path);
// Reads a cache (without checking freshness); throws UserError if unreadable.
Phantom read_phantom_cache(const std::string& cache_path, const std::string& data_dir);

struct ImportOutcome {
  Phantom phantom;
  bool reused = false;  // the cache was fresh and from the same source: nothing imported
  std::string why;      // why it was (re)imported
  std::string cache_path;
};
// `gpudose phantom import`: imports unless a fresh cache from the same source exists (or
// `force`), then writes the cache.
ImportOutcome import_phantom_to_cache(const std::string& model, const std::string& data_dir,
                                      const std::string& cache_dir, const std::string& source,
                                      bool force);

// Fresh cache -> read it; otherwise import from OpenDose's files and write the cache.
Phantom load_phantom(const std::string& model, const std::string& data_dir,
                     const std::string& cache_dir);

}  // namespace gpudose
