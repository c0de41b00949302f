#include "host/foundation/durable_file.hh"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/foundation/user_error.hh"

namespace gpudose {

void check_writable_destination(const std::string& path, const std::string& todo) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw UserError("cannot write '" + path + "'", "it is a folder", "give a file name");
  }
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!std::filesystem::is_directory(dir, ec) || ::access(dir.c_str(), W_OK) != 0) {
    throw UserError("cannot write '" + path + "'",
                    "folder '" + dir.string() + "' does not exist or is not writable", todo);
  }
}

void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

namespace {

// Writes and flushes `content` to `tmp`; false with errno's text in *why on failure (the
// temporary file is removed).
bool write_temporary(const std::string& tmp, const std::string& content, std::string* why) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *why = std::strerror(errno);
    return false;
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      *why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    *why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace

void write_files_durably(const std::vector<std::pair<std::string, std::string>>& files,
                         const std::string& todo) {
  std::vector<std::string> temps;
  const auto remove_temps = [&] {
    for (const std::string& t : temps) ::unlink(t.c_str());
  };
  for (const auto& [path, content] : files) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    std::string why;
    if (!write_temporary(tmp, content, &why)) {
      remove_temps();
      throw UserError("cannot write '" + path + "'", why,
                      todo + (files.size() > 1 ? " (none of the " + std::to_string(files.size()) +
                                                     " files was written)"
                                               : ""));
    }
    temps.push_back(tmp);
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (::rename(temps[i].c_str(), files[i].first.c_str()) != 0) {
      const std::string why = std::strerror(errno);
      for (std::size_t k = i; k < temps.size(); ++k) ::unlink(temps[k].c_str());
      throw UserError("cannot write '" + files[i].first + "'", why, todo);
    }
  }
  for (const auto& [path, content] : files) {
    sync_directory(std::filesystem::path(path).parent_path().string());
  }
}

void write_file_durably(const std::string& path, const std::string& content,
                        const std::string& todo) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  auto fail = [&](const std::string& why) {
    ::unlink(tmp.c_str());
    throw UserError("cannot write '" + path + "'", why, todo);
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(std::strerror(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      fail(std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    fail(std::strerror(err));
  }
  if (::close(fd) != 0) fail(std::strerror(errno));
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail(std::strerror(errno));
  sync_directory(std::filesystem::path(path).parent_path().string());
}

std::string read_text_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UserError("cannot read " + what + " '" + path + "'", "it does not exist or is unreadable",
                    "check the path");
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace gpudose
