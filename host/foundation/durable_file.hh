// Crash-safe small-file I/O for batch campaigns: a file is written to a temporary name in its
// folder, flushed to the disk (fsync), renamed over the destination and the folder entry is
// flushed too, so after a crash or kill -9 the destination holds either the old or the complete
// new content, never a torn one.
#pragma once

#include <string>

namespace gpudose {

// Throws UserError (what could not be written and why: disk full, read-only folder...).
void write_file_durably(const std::string& path, const std::string& content);

// The whole file; throws UserError naming `what` when it cannot be read.
std::string read_text_file(const std::string& path, const std::string& what);

// Flushes a folder's entries (after a rename or an unlink); errors are ignored where a file
// system does not support it.
void sync_directory(const std::string& dir);

}  // namespace gpudose
