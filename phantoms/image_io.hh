// What phantom image export and label-image import share: the file formats by extension (NIfTI
// .nii/.nii.gz, MetaImage .mha, NRRD .nrrd) with their ITK ImageIO, and a guard that mutes
// stderr while the NIfTI library prints its own "** ERROR" lines (the user gets one line from
// us instead, the error contract).
#pragma once

#include <fcntl.h>
#include <itkImageIOBase.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>
#include <unistd.h>

#include <cctype>
#include <string>

namespace gpudose {

// The extension that picks the ITK ImageIO, "" if unsupported.
inline std::string image_extension(const std::string& path) {
  std::string lower = path;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* ext : {".nii.gz", ".nii", ".mha", ".nrrd"}) {
    const std::string e = ext;
    if (lower.size() > e.size() && lower.compare(lower.size() - e.size(), e.size(), e) == 0) {
      return e;
    }
  }
  return "";
}

inline itk::ImageIOBase::Pointer image_io_for(const std::string& ext) {
  if (ext == ".mha") return itk::MetaImageIO::New().GetPointer();
  if (ext == ".nrrd") return itk::NrrdImageIO::New().GetPointer();
  return itk::NiftiImageIO::New().GetPointer();
}

// Sends stderr to /dev/null for its lifetime (restored on every path).
class StderrMuted {
 public:
  StderrMuted() : saved_(::dup(STDERR_FILENO)) {
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved_ >= 0 && null >= 0) ::dup2(null, STDERR_FILENO);
    if (null >= 0) ::close(null);
  }
  ~StderrMuted() {
    if (saved_ >= 0) {
      ::dup2(saved_, STDERR_FILENO);
      ::close(saved_);
    }
  }
  StderrMuted(const StderrMuted&) = delete;
  StderrMuted& operator=(const StderrMuted&) = delete;

 private:
  int saved_;
};

}  // namespace gpudose
