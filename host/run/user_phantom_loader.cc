#include "host/run/user_phantom_loader.hh"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "host/foundation/sha256.hh"
#include "host/foundation/user_error.hh"
#include "phantoms/box_phantom.hh"
#include "phantoms/label_image_import.hh"
#include "phantoms/media_table.hh"
#include "phantoms/phantom_cache.hh"

namespace gpudose {
namespace {

SourceFile source_file(const std::string& path) {
  namespace fs = std::filesystem;
  SourceFile f;
  f.path = path;
  f.size = fs::file_size(path);
  f.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   fs::last_write_time(path).time_since_epoch())
                   .count();
  f.sha256 = sha256_file(path);
  return f;
}

Phantom load_box(const std::string& text, const MediaCatalog& catalog) {
  const BoxSpec box = parse_box_spec(text);
  const CatalogMedium& c = catalog[find_user_medium(catalog, box.medium)];
  if (!(c.medium.density_g_cm3 > 0)) {
    throw UserError("medium '" + box.medium + "' (" + c.key + ") has no reference density",
                    "no organ of its phantom uses it", "give a label image with a media table");
  }
  return build_box_phantom(box, text, c.medium, c.key, c.medium.density_g_cm3);
}

Phantom load_label_image(const std::string& path, const std::string& table_path,
                         const MediaCatalog& catalog, std::vector<CatalogMedium>* user_media) {
  const std::vector<MediaTableRow> rows = read_media_table(table_path);
  LabelImage image = read_label_image(path);
  std::vector<bool> present(65536, false);
  for (std::uint16_t l : image.labels) present[l] = true;
  // Every row's medium is resolved (a misspelt medium or a bad composition is an error even for
  // an absent label). A row's medium index counts the catalog's media first, then the user
  // compositions of present labels in order of first appearance (their index in the run's
  // catalog, MediaCatalog::with_user_media). The phantom's media are those of the labels it
  // holds, in that order.
  std::vector<CatalogMedium> user;
  std::vector<std::size_t> medium_index;
  std::vector<std::size_t> used;
  for (const MediaTableRow& r : rows) {
    std::size_t m = 0;
    try {
      if (is_composition_text(r.medium)) {
        const CatalogMedium c = parse_composition_medium(r.medium, r.density_g_cm3);
        std::size_t k = 0;
        while (k < user.size() && user[k].key != c.key) ++k;
        if (k == user.size() && present[r.label]) user.push_back(c);
        m = catalog.size() + k;
      } else {
        m = find_user_medium(catalog, r.medium);
      }
    } catch (const UserError& e) {
      throw UserError("media table " + table_path + " line " + std::to_string(r.line) + ": " +
                      e.what());
    }
    medium_index.push_back(m);
    if (present[r.label]) used.push_back(m);
  }
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  std::vector<Medium> media;
  std::vector<std::string> keys;
  for (std::size_t c : used) {
    const CatalogMedium& cm = c < catalog.size() ? catalog[c] : user[c - catalog.size()];
    media.push_back(cm.medium);
    keys.push_back(cm.key);
  }
  std::vector<UserLabel> labels;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!present[rows[i].label]) continue;
    const std::size_t m =
        std::lower_bound(used.begin(), used.end(), medium_index[i]) - used.begin();
    labels.push_back({rows[i].label, m, rows[i].density_g_cm3, rows[i].name});
  }
  Phantom p = build_user_phantom(image.grid, std::move(image.labels), std::move(media),
                                 std::move(keys), labels, path, "label image and media table");
  p.source_files = {source_file(path), source_file(table_path)};
  for (const SourceFile& f : p.source_files) p.source_checksums.emplace_back(f.path, f.sha256);
  if (user_media) *user_media = std::move(user);
  return p;
}

}  // namespace

std::size_t find_user_medium(const MediaCatalog& catalog, const std::string& query) {
  try {
    return catalog.find("AF", query);
  } catch (const UserError&) {
    std::string spaced = query;
    std::replace(spaced.begin(), spaced.end(), '-', ' ');
    if (spaced == query) throw;
    try {
      return catalog.find("AF", spaced);
    } catch (const UserError&) {
    }
    throw;  // the message about the name as written
  }
}

Phantom load_user_phantom(const std::string& phantom, const std::string& media_table,
                          const MediaCatalog& catalog, std::vector<CatalogMedium>* user_media) {
  if (user_media) user_media->clear();
  if (is_box_spec(phantom)) {
    if (!media_table.empty()) {
      throw UserError("--media given with a box phantom", "a box is one medium, named in its spec",
                      "drop --media, or give a label image to --phantom");
    }
    return load_box(phantom, catalog);
  }
  if (media_table.empty()) {
    throw UserError("label image '" + phantom + "' has no media table",
                    "each label needs a medium and a density",
                    "give --media TABLE.tsv (label<TAB>medium<TAB>density_g_cm3[<TAB>name]), or "
                    "--phantom box:MEDIUM:NXxNYxNZ:Dmm");
  }
  return load_label_image(phantom, media_table, catalog, user_media);
}

Phantom load_run_phantom(const std::string& model, const std::string& phantom,
                         const std::string& media_table, const std::string& data_dir,
                         const std::string& cache_dir, std::vector<CatalogMedium>* user_media) {
  if (user_media) user_media->clear();
  if (phantom.empty()) {
    if (!media_table.empty()) {
      throw UserError("--media given without --phantom", "it is the media table of a label image",
                      "add --phantom LABELS.nii.gz, or drop --media");
    }
    return load_phantom(model, data_dir, cache_dir);
  }
  return load_user_phantom(phantom, media_table, load_media_catalog(data_dir), user_media);
}

}  // namespace gpudose
