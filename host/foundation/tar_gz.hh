// Minimal reader for .tar.gz archives (POSIX ustar / GNU tar, regular files only): streams the
// archive through zlib and hands each wanted member to a callback, without unpacking to disk.
#pragma once

#include <functional>
#include <string>

namespace gpudose {

// Calls `want(name)` for every regular file member; when it returns true, reads the member and
// calls `take(name, contents)`. Throws UserError when the archive is missing, truncated or not a
// tar.gz.
void read_tar_gz(const std::string& path, const std::function<bool(const std::string&)>& want,
                 const std::function<void(const std::string&, std::string&&)>& take);

}  // namespace gpudose
