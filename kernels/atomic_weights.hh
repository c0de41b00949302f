// NIST standard atomic weights (g/mol, as used by ESTAR/XCOM) of the elements the engine's
// libraries hold (Z = 1-30, 53, 56, 64, 74, 79, 82, 83), for host and device code alike:
// physics-data/electron_data_sources.cc (medium electron densities) and
// kernels/charged_emission.hh (the effective Z of pair production).
#pragma once

#include "kernels/portability.hh"

namespace gpudose {

// Z = 1-30.
GD_CONSTANT_TABLE(double, kLightAtomicWeights, 30, 1.00794, 4.002602, 6.941, 9.012182, 10.811,
                  12.0107, 14.0067, 15.9994, 18.9984032, 20.1797, 22.98977, 24.3050, 26.981538,
                  28.0855, 30.973761, 32.065, 35.453, 39.948, 39.0983, 40.078, 44.955910, 47.867,
                  50.9415, 51.9961, 54.938049, 55.845, 58.933200, 58.6934, 63.546, 65.409)

// Standard atomic weight of element z, g/mol; 0 for an element no library holds.
GD_HOST_DEVICE inline double standard_atomic_weight(int z) {
  if (z >= 1 && z <= 30) return GD_TABLE(kLightAtomicWeights)[z - 1];
  switch (z) {
    case 53:
      return 126.90447;
    case 56:
      return 137.327;
    case 64:
      return 157.25;
    case 74:
      return 183.84;
    case 79:
      return 196.96655;
    case 82:
      return 207.2;
    case 83:
      return 208.98038;
    default:
      return 0.0;
  }
}

}  // namespace gpudose
