// The phantom of a run: ICRP 110 AF/AM by model name, or a user phantom (phantoms/user_phantom.hh)
// whose media are looked up in the media catalog here (the catalog is a physics-data matter,
// above the phantoms layer):
//   --phantom box:MEDIUM:NXxNYxNZ:DX[xDYxDZ]mm     a homogeneous block (phantoms/box_phantom.hh)
//   --phantom LABELS.nii.gz|.mha|.nrrd --media TABLE.tsv
//                                                  a label image and its media table
//                                                  (phantoms/label_image_import.hh, media_table.hh)
// A medium query is MediaCatalog::find's, with model AF for ICRP names and numbers ("liver",
// "29"; "AM:29" names AM's); '-' stands for a space when the name as written is unknown
// ("muscle-tissue"). A box takes the medium's catalog density. A media-table medium may
// instead be a composition, "H:0.111894,O:0.888106[;I=75eV]" (parse_composition_medium in
// physics-data/media_catalog.hh): a user medium "user:<digest>" at the row's density, whose
// physics tables the run builds and caches (ensure_photon_library with the user media).
#pragma once

#include <string>
#include <vector>

#include "phantoms/phantom.hh"
#include "physics-data/media_catalog.hh"

namespace gpudose {

// Catalog index of a medium query as above; UserError naming the closest media when unknown.
std::size_t find_user_medium(const MediaCatalog& catalog, const std::string& query);

// A user phantom: `phantom` is a box spec or a label image path; `media_table` the table of a
// label image ("" for a box). Provenance: the image and table paths with their SHA-256.
// `user_media` (may be null) receives the composition media its labels use, in the order of
// the run's catalog (catalog.with_user_media(*user_media)): what ensure_photon_library needs.
// Their keys are the phantom's medium keys.
Phantom load_user_phantom(const std::string& phantom, const std::string& media_table,
                          const MediaCatalog& catalog,
                          std::vector<CatalogMedium>* user_media = nullptr);

// `phantom` empty: AF/AM `model` from the phantom cache (phantoms/phantom_cache.hh); otherwise
// the user phantom, with the catalog of `data_dir`.
Phantom load_run_phantom(const std::string& model, const std::string& phantom,
                         const std::string& media_table, const std::string& data_dir,
                         const std::string& cache_dir,
                         std::vector<CatalogMedium>* user_media = nullptr);

}  // namespace gpudose
