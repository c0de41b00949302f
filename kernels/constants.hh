// Physical constants (CODATA 2018, E. Tiesinga et al., Rev. Mod. Phys. 93 (2021) 025010) in the
// engine's units: MeV, cm, g, s.
#pragma once

namespace gpudose {

constexpr double kPi = 3.14159265358979323846;
constexpr double kElectronMassMeV = 0.51099895000;        // m_e c^2
constexpr double kHcMeVAngstrom = 1.2398419843320026e-2;  // h c = 12398.42 eV Angstrom
constexpr double kClassicalElectronRadiusCm = 2.8179403262e-13;
constexpr double kMeVToJoule = 1.602176634e-13;
constexpr double kBarnCm2 = 1e-24;
constexpr double kAvogadro = 6.02214076e23;
constexpr double kFineStructure =
    7.2973525693e-3;  // alpha; 1 atomic unit of momentum = alpha m_e c

}  // namespace gpudose
