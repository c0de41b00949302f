// Voxel sizes between image files (mm) and the engine (cm), as decimal shifts: 1.775 mm is
// 0.1775 cm exactly as the literal 0.1775 is, not 1.775 / 10 (which may differ in the last bit).
// A NIfTI header stores float32: a spacing that is exactly a float is read as the shortest
// decimal that float stands for (1.77499997615814 -> 1.775), the value its writer meant. So a
// phantom exported and read back has the engine's voxel size to the last bit, and transport
// (hence the tallies) is the same.
#pragma once

namespace gpudose {

double spacing_mm_to_cm(double mm);
double spacing_cm_to_mm(double cm);

}  // namespace gpudose
