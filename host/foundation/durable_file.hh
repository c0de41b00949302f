// Crash-safe small-file I/O for batch campaigns: a file is written to a temporary name in its
// folder, flushed to the disk (fsync), renamed over the destination and the folder entry is
// flushed too, so after a crash or kill -9 the destination holds either the old or the complete
// new content, never a torn one.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gpudose {

// Throws UserError (what could not be written and why: disk full, read-only folder...).
// `todo` is the what-to-do part of the error message.
void write_file_durably(const std::string& path, const std::string& content,
                        const std::string& todo =
                            "free disk space or choose a writable "
                            "destination");

// Several files, all or nothing: every content is written and flushed to a temporary name
// first, and only when all of them are complete are they renamed into place (a multi-file
// export never leaves 3 of 4 files). On failure no file is left under a final name that was
// not there before. Throws UserError like write_file_durably.
void write_files_durably(const std::vector<std::pair<std::string, std::string>>& files,
                         const std::string& todo =
                             "free disk space or choose a writable "
                             "destination");
// Checks before long work that `path` can be written: not a folder, in an existing writable
// folder. Throws UserError("cannot write 'path' (why); todo").
void check_writable_destination(const std::string& path, const std::string& todo);

// The whole file; throws UserError naming `what` when it cannot be read.
std::string read_text_file(const std::string& path, const std::string& what);

// Flushes a folder's entries (after a rename or an unlink); errors are ignored where a file
// system does not support it.
void sync_directory(const std::string& dir);

}  // namespace gpudose
