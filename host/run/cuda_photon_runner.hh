// CUDA back end of the photon transport: one BatchRunner per device. It mirrors the job's
// read-only data (phantom labels, photon tables, majorant grid, source alias table) into device
// memory once and runs many consecutive batches per launch, with per-batch atomic tallies.
#pragma once

#include <memory>

#include "host/run/photon_job.hh"
#include "host/run/scheduler.hh"

namespace gpudose {

// Throws std::logic_error in builds without the CUDA back end (the back-end selection never
// picks CUDA there).
std::unique_ptr<BatchRunner> make_cuda_photon_runner(const PhotonJob& job, int device);

}  // namespace gpudose
