// gpudose::Phantom: a voxel phantom in the engine: one ICRP Publication 110 adult reference
// phantom (AF or AM), or a user phantom (a homogeneous box or a label image with a media table,
// phantoms/user_phantom.hh; p.icrp110 false).
//
// Interface other code uses (names are the contract):
//   Phantom p = load_phantom("female", data_dir, cache_dir);   // phantoms/phantom_cache.hh
//   p.model                       "AF" or "AM"; a user phantom's spec or label image path
//   p.nx, p.ny, p.nz              grid size; p.dx, p.dy, p.dz voxel size in cm
//   p.origin_mm, p.direction      ITK/LPS geometry used for export (see kernels/voxel_phantom.hh)
//   p.organ_ids                   uint16 ICRP 110 organ ID per voxel (a user phantom: its
//                                 label), x fastest:
//                                 index = ix + nx * (iy + ny * iz); x = column (body right ->
//                                 left), y = row (front -> back), z = slice (toes -> vertex)
//   p.organs                      organ table, ascending ID, only IDs present in the grid:
//                                 id, name, medium (1-based index into p.media: the ICRP number
//                                 for AF/AM), density, voxels, mass_kg
//   p.media                       the 53 ICRP 110 media (gpudose::Medium, with density); for a
//                                 user phantom the catalog media its labels use
//   p.medium_key(i)               media-catalog key of p.media[i] ("AF:30", "water"), which the
//                                 physics libraries are indexed by
//   p.labels                      compact uint8 label per voxel, with per-label tables
//   p.label_organ_id, p.label_medium (0-based index into p.media), p.label_density (g/cm3)
//   p.view()                      VoxelPhantomView over the host vectors (kernels/voxel_phantom.hh)
//
// Organ IDs beyond the 140 of the ICRP organ tables, handled as OpenDose's production inputs
// (opendose_gate_ICRP110 *_LabelsToMaterials.txt / *_GateMaterials.db) handle them:
//   0   outside the body (the box around it): medium 53 (ICRP 110 "Air", N 80 % O 20 %) with
//       OpenDose's Air_outside_body density 0.00120479 g/cm3 (dry air at 20 C, 1 atm);
//   141 the skin layer on the first and last slices (ICRP 110 CD README: "skin with a different
//       organ identification number at the top and bottom"): skin, medium 27, 1.09 g/cm3.
// User phantoms have none of these: every label is an organ like any other (label 0 included).
// The body mass (body_mass_kg) of AF/AM counts IDs 1..140 only: the ICRP reference masses (AF 60
// kg, AM 73 kg) are those of the organ table, and ID 141 is a layer that the README says either may
// be used or neglected. ID 141 still appears as an organ of its own (a source or target).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "kernels/voxel_phantom.hh"
#include "phantoms/icrp110_tables.hh"
#include "phantoms/phantom_model.hh"

namespace gpudose {

// Organ ID 0: voxels around the body; ID 141: extra skin on the first and last slices.
constexpr int kOutsideBodyId = 0;
constexpr int kEndSkinId = 141;
constexpr int kAirMedium = 53;                     // ICRP 110 medium "Air"
constexpr int kSkinMedium = 27;                    // ICRP 110 medium "Skin"
constexpr double kOutsideAirDensity = 0.00120479;  // g/cm3, OpenDose Air_outside_body

struct OrganInfo {
  int id = 0;
  std::string name;
  int medium = 0;  // 1-based index into Phantom::media (AF/AM: the ICRP medium number 1..53)
  double density_g_cm3 = 0;
  std::uint64_t voxels = 0;
  double mass_kg = 0;  // voxels x voxel volume x density
};

struct SourceFile {
  std::string path;  // relative to the data directory
  std::uintmax_t size = 0;
  long long mtime_ns = 0;  // modification time when it was read
  std::string sha256;      // lower-case hex
};

// A region of a user phantom made of several labels (the box: "box" = its two labels).
struct LabelGroup {
  std::string name;
  std::vector<int> organ_ids;  // ascending
  std::string note;
};

class Phantom {
 public:
  std::string model;   // "AF" or "AM"; a user phantom: "box:water:51x51x51:2mm" or the image path
  std::string source;  // "opendose" or "icrp": which files it was imported from; "box spec"
                       // or "label image and media table" for a user phantom
  // True for AF/AM: organ IDs are ICRP 110 IDs and the compound regions of phantoms/regions.tsv
  // apply. False for a user phantom: organ IDs are the user's labels, regions are the labels and
  // `groups` only.
  bool icrp110 = true;
  int nx = 0, ny = 0, nz = 0;
  double dx = 0, dy = 0, dz = 0;  // cm
  // ITK (LPS) geometry of exports: centre of voxel (0,0,0) in mm, and row-major direction
  // cosines (identity: ICRP 110 columns/rows/slices run along L, P, S).
  std::array<double, 3> origin_mm{};
  std::array<double, 9> direction{1, 0, 0, 0, 1, 0, 0, 0, 1};

  std::vector<std::uint16_t> organ_ids;  // per voxel, x fastest
  std::vector<OrganInfo> organs;         // ascending ID, IDs present in the grid only
  std::vector<Medium> media;  // AF/AM: 53 ICRP 110 media, media[i].id == i + 1; user: see above
  std::vector<OrganRecord> organ_table;  // the model's *_organs.dat, present in the grid or not
  // Media-catalog key of each medium; empty for AF/AM, whose keys are "<model>:<id>" (derived,
  // so the phantom cache does not store them).
  std::vector<std::string> medium_keys;
  std::vector<LabelGroup> groups;  // user phantoms: regions of several labels

  // Compact device form: label per voxel and per-label tables (label = index into organs).
  std::vector<std::uint8_t> labels;
  std::vector<std::uint16_t> label_organ_id;
  std::vector<std::uint8_t> label_medium;  // 0-based index into media
  std::vector<float> label_density;        // g/cm3

  // The files it was imported from (provenance; the cache checks them), and the same as
  // (path relative to the data directory, SHA-256 hex) pairs for provenance records.
  std::vector<SourceFile> source_files;
  std::vector<std::pair<std::string, std::string>> source_checksums;

  std::size_t num_voxels() const { return organ_ids.size(); }
  double voxel_volume_cm3() const { return dx * dy * dz; }
  VoxelPhantomView view() const;

  // Organ record by ID, or nullptr when the ID has no voxel in this phantom.
  const OrganInfo* organ(int id) const;
  // Mass of organ IDs 1..140 (see the header comment), kg; of every label for a user phantom.
  double body_mass_kg() const;
  // Media-catalog key of media[i] (see medium_keys).
  std::string medium_key(std::size_t i) const;
  // Bytes the compact representation takes on a device (labels + per-label tables).
  std::size_t device_bytes() const;
  // Centre of voxel index v in the engine frame (cm).
  std::array<double, 3> voxel_centre_cm(std::uint32_t v) const;
  // Per voxel, the distance to the nearest label boundary in units of kBoundaryDistanceUnitCm
  // (phantoms/boundary_distance.hh; electron range rejection). Computed on first use (about a
  // second for AF) and kept; copies of this phantom share it, so the labels must not change
  // once it has been asked for.
  const std::vector<std::uint8_t>& boundary_distance() const;
  // Sets that map (read from the phantom cache) unless it has been asked for already.
  void set_boundary_distance(std::vector<std::uint8_t> code);

 private:
  struct LazyBoundaryDistance {
    std::once_flag once;
    std::vector<std::uint8_t> code;
  };
  std::shared_ptr<LazyBoundaryDistance> boundary_distance_ =
      std::make_shared<LazyBoundaryDistance>();
};

// Builds a phantom from an organ-ID grid and the ICRP side tables: checks the grid size against
// the model, that every ID is in the organ table (or is 0 / 141), fills organs with voxel counts
// and masses and builds the compact labels. Throws UserError on unknown IDs or wrong sizes.
Phantom build_phantom(const PhantomModelSpec& spec, std::vector<std::uint16_t> organ_ids,
                      const std::vector<OrganRecord>& organ_table, std::vector<Medium> media,
                      const std::string& source);

}  // namespace gpudose
