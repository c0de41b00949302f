// The real type of the photon flight arithmetic: position, the flight's direction copies, the
// distances and optical depths of Woodcock tracking (kernels/photon_transport.hh). Double by
// default; float with the CMake option GPUDOSE_PHOTON_FLOAT (a GPU does single precision at
// twice the rate of double on a data-centre part, far more on others, and a float takes one
// register instead of two). Energies, cross sections, interaction sampling and the tallies stay
// double or fixed point in both builds: only geometry is single precision, where 24 bits put a
// point of a 180 cm phantom within 11 um (voxels are 1.8-8 mm). benchmarks/RESULTS.md holds the
// validation of the float build against the double one.
#pragma once

#include <type_traits>

#ifndef GPUDOSE_PHOTON_FLOAT
#define GPUDOSE_PHOTON_FLOAT 0
#endif

namespace gpudose {

constexpr bool kPhotonFloat = GPUDOSE_PHOTON_FLOAT != 0;
using PhotonReal = std::conditional_t<kPhotonFloat, float, double>;

}  // namespace gpudose
