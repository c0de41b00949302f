// Source and target regions of a phantom: single organs and compound regions.
//
// Interface other code uses:
//   Region r = resolve_region(phantom, "liver");        // by ID ("95"), ICRP name, or alias
//   RegionVoxels s = region_voxels(phantom, r, SourceSampling::volume_uniform);
//       s.voxels[i] (linear voxel index, x fastest) is drawn with probability
//       s.weights[i] / s.total_weight; build an alias table from that.
//   std::vector<RegionMass> t = target_regions(phantom);  // every organ + compound region
//
// Resolution (case-insensitive; '_' counts as a space, repeated spaces as one):
//   - a number: that ICRP 110 organ ID (0..141), or OpenDose source number 142..172;
//   - an ICRP 110 organ name from *_organs.dat ("Liver", "Adrenal, left", ...);
//   - a compound region name or alias from phantoms/regions.tsv (embedded in the program at
//     build time): OpenDose's 31 unions, ICRP 133 names ("Kidneys", "Lungs", "AI", "Colon"...),
//     and a few groups. See the header of regions.tsv for its columns.
// Unknown names throw UserError naming the closest matches.
// A user phantom (Phantom::icrp110 false) resolves a label number or name (media table), or one
// of its groups; regions.tsv does not apply (its IDs are ICRP organs, the user's labels are not).
//
// Sampling (the choice is explicit in every output, see to_string(SourceSampling)):
//   volume_uniform  every voxel of the region equally likely (OpenDose's convention);
//   mass_uniform    voxel weight = its density, i.e. uniform per unit mass (ICRP 133).
//   activity        voxel weight = its activity in an activity image (phantoms/activity_image.hh);
//                   never a --sampling choice.
// The first two agree inside a single organ (one density); they differ in compound regions that
// mix densities (lungs: tissue 0.385 vs blood 1.06 g/cm3).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "phantoms/phantom.hh"

namespace gpudose {

struct Region {
  std::string name;
  std::vector<int> organ_ids;  // ascending ICRP 110 organ IDs (the definition)
  std::string kind;            // "organ", "opendose", "icrp133" or "group"
  int opendose_id = -1;        // OpenDose source number (0..172) when it has one
  std::vector<std::string> aliases;
  std::string note;
};

// The compound regions of phantoms/regions.tsv, parsed once (phantom-independent).
const std::vector<Region>& compound_regions();
// Parses a region table in the regions.tsv format; `origin` names it in errors.
std::vector<Region> parse_region_table(const std::string& text, const std::string& origin);
// The text of phantoms/regions.tsv as built into the program.
const std::string& embedded_region_table();

Region resolve_region(const Phantom& phantom, const std::string& query);

// True when every organ of `inner` is one of `outer`'s organs (IDs in any order): a target that
// contains the source region absorbs what the source deposits where it is emitted.
bool region_contains(const std::vector<int>& outer, const std::vector<int>& inner);

std::uint64_t region_voxel_count(const Phantom& phantom, const Region& region);
// Sum of voxel masses (voxels x voxel volume x density), kg.
double region_mass_kg(const Phantom& phantom, const Region& region);

struct RegionMass {
  Region region;
  std::uint64_t voxels = 0;
  double mass_kg = 0;
};
// Every organ ID present in the phantom (kind "organ", ascending ID), then every compound region
// with at least one voxel, in regions.tsv order (a user phantom: its groups).
std::vector<RegionMass> target_regions(const Phantom& phantom);

enum class SourceSampling { volume_uniform, mass_uniform, activity };
// "volume-uniform" / "mass-uniform" / "activity-weighted"
const char* to_string(SourceSampling s);
// Accepts volume-uniform|volume|opendose and mass-uniform|mass|icrp133; else UserError.
SourceSampling parse_source_sampling(const std::string& name);

struct RegionVoxels {
  SourceSampling sampling = SourceSampling::volume_uniform;
  std::vector<std::uint32_t> voxels;  // ascending linear voxel indices
  std::vector<double> weights;  // 1 (volume-uniform), density in g/cm3 (mass-uniform) or activity
  double total_weight = 0;
};
// Throws UserError if the region has no voxel in this phantom (e.g. prostate in AF). Sampling
// volume_uniform or mass_uniform (activity: phantoms/activity_image.hh).
RegionVoxels region_voxels(const Phantom& phantom, const Region& region, SourceSampling sampling);

}  // namespace gpudose
