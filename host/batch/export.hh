// `gpudose export`: a batch table (HDF5) as text.
//
//   icrp133       DIR/<model>_<particle>.SAF, the record layout of the ICRP Publication 133
//                 SAF files (rcp-a?_photon_2016-08-12.SAF): lines 1-3 description (line 3
//                 starts with "Photons"/"Electrons"/"Positrons"), line 4 = number of targets
//                 (I4), number of sources (I4), 14 blanks, then the energies (MeV), line 5 a
//                 separator, then one record per (source j, target i) in the order
//                 record = (j-1) x n_targets + i: target name, "<-", source name, the SAF
//                 (kg^-1) at each energy, Ecut (the lowest energy with a non-zero SAF) and Icut
//                 (its 1-based energy index, 0 when all are zero). Differences from ICRP's
//                 files, because the names and grids are ours: name fields are as wide as the
//                 longest name (not 10 characters), energies are written 1PE10.3 (not F10.5,
//                 which would round the log91 grid), SAFs 1PE10.3, lines end in LF.
//   opendose-csv  DIR/<model>_<particle>_<source>.csv, one file per source region (as OpenDose
//                 distributes its data): target, target IDs, target mass, energy, AF, SAF,
//                 relative uncertainty, histories; rows by target then energy.
//   csv           one long-format CSV file: one row per model, particle, source, target and
//                 energy.
// Numbers in the text formats have 10 significant digits; the table holds the exact values.
#pragma once

#include <string>

namespace gpudose {

// Returns the paths written (one per line).
std::string export_table(const std::string& table, const std::string& format,
                         const std::string& output);

}  // namespace gpudose
