// Activity-image sources (`gpudose run --activity FILE`): a voxel image of activity on the
// phantom's grid, read through ITK (NIfTI .nii/.nii.gz, MetaImage .mha, NRRD .nrrd; any numeric
// pixel type, read as double), whose voxels become the source of a job in proportion to their
// activity.
//
// Interface other code uses:
//   ActivitySource a = read_activity_image("spect.nii.gz", phantom);
//   a.voxels        RegionVoxels (phantoms/regions.hh): the voxels with activity > 0, ascending;
//                   weights = their activity (the image's unit, any), total_weight = the sum;
//                   sampling SourceSampling::activity. An alias table built from the weights
//                   draws decay positions in proportion to activity.
//   a.region        Region "activity" (kind "activity"): the distinct organ IDs (labels) of
//                   the active voxels, ascending (source_region_of(phantom, a.voxels)).
//
// The image must lie on the phantom's grid: the same size, spacing and origin as
// `gpudose phantom export` writes for it (within 1e-4 relative: headers store floats) and the
// same direction cosines. Values: finite and >= 0, not all 0; an ICRP 110 phantom
// (Phantom::icrp110) takes no activity in organ ID 0, the air around the body. Each rule broken
// is a one-line UserError naming the file, and the voxel (i, j, k) and value where it applies.
// NIfTI caveat: the NIfTI reader inside ITK (nifti1_io) replaces NaN and infinite floats by 0
// before they reach us, so in a .nii/.nii.gz such a voxel reads as no activity; MetaImage and
// NRRD files keep them (and are refused).
#pragma once

#include <string>
#include <vector>

#include "phantoms/phantom.hh"
#include "phantoms/regions.hh"

namespace gpudose {

struct ActivitySource {
  std::string path;  // the file (empty for values given in memory)
  RegionVoxels voxels;
  Region region;
};

// Throws the UserError read_activity_image would for an unsupported extension or a missing
// file, before the phantom and physics are loaded.
void check_activity_image_path(const std::string& path);

// Reads and checks the image against the phantom; throws UserError (see above).
ActivitySource read_activity_image(const std::string& path, const Phantom& phantom);

// The same checks and result for values already in memory: nx*ny*nz values, x fastest
// (index = i + nx * (j + ny * k)). `what` names them in errors ("activity image 'a.nii'").
ActivitySource make_activity_source(const Phantom& phantom, const std::vector<double>& activity,
                                    const std::string& what);

// The source region of weighted voxels: named "activity", kind "activity", organ_ids = the
// distinct organ IDs of `voxels.voxels`, ascending.
Region source_region_of(const Phantom& phantom, const RegionVoxels& voxels);

}  // namespace gpudose
