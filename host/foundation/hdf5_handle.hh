// One HDF5 identifier (file, group, dataset, attribute, dataspace, datatype or property list)
// owned together with the H5*close function that matches its kind, closed at scope exit on every
// path, exceptions included. The one RAII handle for the HDF5 C API in this project: the phantom
// cache, the physics libraries and the host writers all use it. Header-only and needing only
// <hdf5.h>, so every library can include it without a link dependency (gpudose_phantoms is the
// lowest library above the kernels).
#pragma once

#include <hdf5.h>

namespace gpudose {

class Hdf5Handle {
 public:
  // `id` may be negative (a failed H5*open/create): then nothing is closed; test with ok().
  Hdf5Handle(hid_t id, herr_t (*close_fn)(hid_t)) noexcept : id_(id), close_(close_fn) {}
  ~Hdf5Handle() { close(); }
  Hdf5Handle(Hdf5Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(Hdf5Handle&&) = delete;

  // Passes straight to the C API wherever an hid_t is expected.
  operator hid_t() const { return id_; }
  bool ok() const { return id_ >= 0; }

  // Closes now and returns the close status: a file's close flushes it, and a writer must see
  // that failure (disk full) instead of losing it in the destructor. 0 when nothing was open.
  herr_t close() {
    if (id_ < 0) return 0;
    const herr_t status = close_(id_);
    id_ = -1;
    return status;
  }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

}  // namespace gpudose
