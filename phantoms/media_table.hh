// The media table of a user phantom (`gpudose run --phantom LABELS --media TABLE.tsv`): one row
// per label, tab-separated,
//   label<TAB>medium<TAB>density_g_cm3[<TAB>name]
// label: 0..65535, the voxel value in the label image; medium: a media-catalog query ("water",
// "air", an ICRP 110 medium name or number such as "Muscle tissue" or "29", a catalog key such as
// "AF:30"; '-' may stand for a space) or a composition by mass fractions with an optional mean
// excitation energy, "H:0.111894,O:0.888106;I=75eV" (checked and resolved above this layer:
// parse_composition_medium in physics-data/media_catalog.hh); density in g/cm3 (> 0); name: the
// region name results use (default "label N"). Lines starting with '#' and blank lines are skipped;
// a first line starting with "label" is taken as column names. Rows for labels the image lacks are
// fine.
//
// `gpudose phantom export --media-table` writes the table of AF/AM (medium = catalog key,
// density to the last bit, organ name), so that their exported label image and this table give
// back the same phantom.
#pragma once

#include <string>
#include <vector>

#include "phantoms/phantom.hh"

namespace gpudose {

struct MediaTableRow {
  int label = 0;
  std::string medium;
  double density_g_cm3 = 0;
  std::string name;
  int line = 0;  // in the file, for messages
};

// Throws UserError naming `origin` and the line for malformed rows or a label given twice.
std::vector<MediaTableRow> parse_media_table(const std::string& text, const std::string& origin);
// Reads the file; throws UserError when it cannot be read.
std::vector<MediaTableRow> read_media_table(const std::string& path);

// The table of `phantom`: one row per organ (label) it holds.
std::string media_table_text(const Phantom& phantom);

}  // namespace gpudose
