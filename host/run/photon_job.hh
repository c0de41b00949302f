// A transport job ready to run: the phantom, the photon library (and the electron library when
// electrons are transported or are the source), the source region's alias table, the majorant
// grid and the history functor (kernels/photon_transport.hh, coupled with
// kernels/electron_transport.hh), shared by every back end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host/run/alias_table.hh"
#include "host/run/majorant_builder.hh"
#include "host/run/nuclide_source.hh"
#include "kernels/photon_physics.hh"
#include "kernels/photon_transport.hh"
#include "phantoms/phantom.hh"
#include "phantoms/regions.hh"
#include "physics-data/electron_library.hh"
#include "physics-data/photon_library.hh"

namespace gpudose {

struct PhotonJobConfig {
  std::string source = "liver";  // region query (phantoms/regions.hh)
  SourceSampling sampling = SourceSampling::volume_uniform;
  double energy_mev = 0.5;
  std::uint64_t seed = 1;
  std::uint32_t job_id = 0;
  double cutoff_mev = 1e-3;
  int majorant_block = 16;  // voxels per majorant block edge (fastest of 8-32 measured)
  int majorant_bins = 128;  // coarse energy bins of the majorant
  int particle = 0;         // 0 photon, 1 electron, 2 positron (PhotonSourceView::particle)
  ElectronMode electrons = ElectronMode::kLocal;  // electrons set in motion by photons
  ElectronTransportParams electron;               // transport parameters (mode set from above)
  // A radionuclide source instead of `particle` and `energy_mev` (host/run/nuclide_source.hh);
  // not owned, must outlive the job.
  const NuclideSource* nuclide = nullptr;
  // Source voxels with their weights instead of the region `source` and `sampling` (an
  // activity image, phantoms/activity_image.hh): the job's source region is then "activity",
  // kind "activity", the distinct organ IDs of these voxels. Not owned, must outlive the job.
  const RegionVoxels* source_voxels = nullptr;
};

using PhotonHistoryFunctor = PhotonHistory<PhotonTablesPhysics>;

class PhotonJob {
 public:
  // Throws UserError for an unknown source region or an energy outside the tables, or when
  // electrons are needed (charged source or ElectronMode::kTransport) and `electrons` is null
  // or does not hold the photon library's media.
  PhotonJob(const Phantom& phantom, const PhotonLibrary& library, const PhotonJobConfig& config,
            const ElectronLibrary* electrons = nullptr);
  PhotonJob(const PhotonJob&) = delete;
  PhotonJob& operator=(const PhotonJob&) = delete;

  const PhotonJobConfig& config() const { return config_; }
  const Region& source_region() const { return source_; }
  // Tally bins per batch: tally_bins.hh, then the step counters when compiled in
  // (kernels/step_counters.hh).
  int num_bins() const { return job_tally_bins(phantom_.view().num_labels); }
  // The functor over host memory (CPU back end).
  PhotonHistoryFunctor history() const;

  // Host arrays a device back end mirrors.
  const Phantom& phantom() const { return phantom_; }
  const PhotonLibrary& library() const { return library_; }
  const std::vector<int>& catalog_medium() const { return catalog_medium_; }
  const ElectronLibrary* electron_library() const { return electrons_; }  // null: local only
  // Range rejection inputs (empty when electrons are not transported or it is off): the
  // phantom's boundary distance map and the radiative event count of the electron tables.
  const std::vector<std::uint8_t>& boundary_distance() const;
  const std::vector<double>& radiative_count() const { return radiative_count_; }
  // The electron tables of the phantom's media only (the library holds the whole catalog:
  // this halves what a device holds), and phantom medium -> index into them.
  const ElectronTablesView& electron_tables() const { return electron_view_; }
  const std::vector<int>& electron_medium() const { return electron_medium_; }
  const MajorantGrid& majorant() const { return majorant_; }
  const AliasTable& alias() const { return alias_; }
  const std::vector<std::uint32_t>& source_voxels() const { return source_voxels_->voxels; }
  // The source voxels with their sampling weights (the region's, or config().source_voxels).
  const RegionVoxels& source_region_voxels() const { return *source_voxels_; }
  // Bytes a device back end holds for this job besides tallies: phantom labels and tables,
  // majorant grid, source alias table, photon tables.
  std::size_t device_bytes() const;

 private:
  void compact_electron_tables();

  const Phantom& phantom_;
  const PhotonLibrary& library_;
  const ElectronLibrary* electrons_;
  PhotonJobConfig config_;
  Region source_;
  RegionVoxels region_voxels_;         // of the source region (empty with config.source_voxels)
  const RegionVoxels* source_voxels_;  // &region_voxels_ or config.source_voxels
  std::vector<int> catalog_medium_;    // phantom medium index -> library medium index
  PhotonTablesView tables_;
  MajorantGrid majorant_;
  AliasTable alias_;
  const std::vector<std::uint8_t>* boundary_distance_ = nullptr;  // the phantom's (not a copy)
  std::vector<double> radiative_count_;
  // Compact electron tables (see electron_tables()).
  std::vector<std::vector<double>> electron_quantity_;  // [quantity][(particle, medium, energy)]
  std::vector<double> electron_density_;
  std::vector<double> electron_brems_cdf_;
  std::vector<int> electron_medium_;
  ElectronTablesView electron_view_;
};

}  // namespace gpudose
