// Fixture of the `layering.detects_upward_include` test: a phantoms/ file that includes the
// command line, which the layering rule must refuse. Never compiled.
#include "host/cli/cli.hh"
