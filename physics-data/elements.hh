// Facts about the chemical elements the engine uses: symbol and standard atomic weight.
#pragma once

#include <string>

#include "kernels/constants.hh"

namespace gpudose {

struct ElementFacts {
  int z = 0;
  const char* symbol = "";
  double atomic_weight = 0;  // g/mol, standard (conventional) atomic weight
};

// Facts for Z = 1..100; throws UserError for Z outside 1..100.
const ElementFacts& element_facts(int z);

// Z of a chemical symbol (case-insensitive), 0 if unknown.
int element_z(const std::string& symbol);

// barn/atom -> cm2/g for an element of atomic weight A: sigma[b] * 1e-24 * N_A / A.
inline double barn_per_atom_to_cm2_per_g(double atomic_weight) {
  return 1e-24 * kAvogadro / atomic_weight;
}

}  // namespace gpudose
