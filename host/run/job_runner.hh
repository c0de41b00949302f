// Running one job — a model, source region, particle and energy with its stop rule — to a
// RunResult: the engine behind `gpudose run`, reused by batch campaigns.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "host/run/photon_job.hh"
#include "host/run/run_result.hh"
#include "phantoms/phantom.hh"
#include "physics-data/electron_library.hh"
#include "physics-data/photon_library.hh"

namespace gpudose {

struct JobRequest {
  // What determines the result (with the phantom and the physics library):
  std::string source;  // source region; empty with `activity`
  // An activity image on the phantom's grid instead of `source` (phantoms/activity_image.hh):
  // decays drawn in proportion to voxel activity, results per unit of total activity (per
  // emitted particle, per decay); `sampling` does not apply. The source is named "activity".
  std::string activity;
  std::string particle = "photon";  // photon, electron or positron
  // Electrons set in motion by photons: "transport" (coupled transport) or "local" (kerma
  // approximation: deposited where they are created). Charged sources are always transported.
  std::string electrons = "transport";
  double electron_cutoff_mev = 0.01;  // electron/positron tracking cut-off (kinetic energy)
  // Range rejection of transported electrons: "on" (slow down in place, keeping bremsstrahlung
  // and annihilation photons, when the residual range cannot leave the region) or "off".
  std::string range_rejection = "on";
  double energy_mev = 0;
  // A radionuclide source instead of particle and energy (host/run/nuclide_source.hh): an ICRP
  // 107 name, read from `decay_dir` (<data>/decay-data/icrp107). Results are then per decay.
  std::string nuclide;
  std::string decay_dir;
  std::uint64_t histories = 0;     // 0: default (1e6; with an uncertainty rule: the 1e10 cap)
  double uncertainty = 0;          // stop at this relative 1-sigma (0: off)
  std::string uncertainty_target;  // region of that rule (default: the source; with
                                   // `activity` it must be given)
  std::uint64_t seed = 1;
  std::uint32_t job_id = 0;      // selects the job's random streams under the seed
  std::uint64_t batch_size = 0;  // 0: histories/100, or 20000 with an uncertainty rule
  std::string sampling = "volume-uniform";
  // Tally the energy of every voxel too (RunResult::dose, host/run/dose_image.hh). Range
  // rejection then works within a voxel (host/run/dose_image.hh). Both back ends (CUDA:
  // host/run/device_dose_batches.hh).
  bool dose_image = false;
  // Dose-image jobs: batch statistics of these groups of voxels too (RunResult::dose->groups;
  // the symmetric voxels of a voxel S-value kernel): voxel_groups[v] < num_voxel_groups for
  // every voxel, or empty.
  std::vector<std::uint32_t> voxel_groups;
  std::size_t num_voxel_groups = 0;
  double cutoff_mev = 1e-3;
  // What only decides speed (results do not depend on it, up to --time-limit):
  double time_limit_s = 0;
  int majorant_block = 16;
  std::string backend = "auto";
  std::string devices = "all";
  int threads = 0;  // CPU workers, 0: all cores
  // CUDA launch configuration, "THREADSxBLOCKS_PER_SM[xHISTORIES_PER_LAUNCH][:atomics|:staged]"
  // (parse_cuda_launch); empty: the defaults (cuda_photon_runner.hh). The tallies do not depend
  // on it.
  std::string launch;
};

// Throws UserError for inconsistent or out-of-range requests (before anything runs).
void validate_job_request(const JobRequest& request);

// Runs the job. `log` (may be empty) receives one-line progress and back-end messages.
// The result's provenance holds the engine, the back end, phantom and physics checksums;
// callers add the command line. When electrons are needed, this overload loads the electron
// library that sits next to the photon library (<dir of library.path>/electron.h5, built by
// ensure_photon_library / `gpudose physics build`).
RunResult run_job(const JobRequest& request, const Phantom& phantom, const PhotonLibrary& library,
                  const std::function<void(const std::string&)>& log = {});

// Same with an electron library in hand (may be null for photon jobs with local electrons).
RunResult run_job(const JobRequest& request, const Phantom& phantom, const PhotonLibrary& library,
                  const ElectronLibrary* electrons,
                  const std::function<void(const std::string&)>& log = {});

// The photon job configuration of a particle request (no nuclide), as run_job builds it.
PhotonJobConfig photon_job_config(const JobRequest& request);

// True when the request transports electrons (a charged source, or --electrons transport).
bool job_needs_electrons(const JobRequest& request);

// The electron library next to the photon library of `cache_dir`
// (<cache>/physics/electron.h5), built first when missing or not matching the media catalog.
// With `user_media` (compositions of a user phantom's media table, parse_composition_medium):
// the library of the catalog with them appended, in user_media_library_dir, made from the
// standard library (ensured first, never rebuilt for a user table) plus the tables of the user
// media alone (extend_electron_library).
ElectronLibrary ensure_electron_library(const std::string& data_dir, const std::string& cache_dir,
                                        const std::function<void(const std::string&)>& log = {},
                                        const std::vector<CatalogMedium>& user_media = {});

// The photon library under the cache dir, built first when missing or stale; also makes sure
// the electron library next to it exists (ensure_electron_library), so that run_job finds it.
// With `user_media`: the photon library of the catalog with them appended (built whole, well
// under a second: the energy grid must hold the edges of every element) in
// user_media_library_dir, with its electron library next to it.
PhotonLibrary ensure_photon_library(const std::string& data_dir, const std::string& cache_dir,
                                    const std::function<void(const std::string&)>& log = {},
                                    const std::vector<CatalogMedium>& user_media = {});

// <cache>/physics/user-media/<user_media_digest>: the cached photon.h5 and electron.h5 of the
// catalog plus one list of user media. Each distinct list (one media table) has its own folder;
// the standard <cache>/physics libraries stay as they are. A folder takes some 44 MB (its
// electron library repeats the standard tables, so that a run loads one library whose medium
// indices are the catalog's); deleting it only costs a rebuild. Integrity as for the standard ones:
// recorded source checksums, media keys/names and content digests, rebuilt (saying why) when
// stale or damaged.
std::string user_media_library_dir(const std::string& cache_dir,
                                   const std::vector<CatalogMedium>& user_media);

}  // namespace gpudose
