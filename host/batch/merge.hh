// `gpudose batch merge` and `gpudose batch status`.
//
// Merge: every shard table must embed the same plan (plan hash) and pass its checksums; every
// job of the plan must appear exactly once over all shards. The merged table is written by the
// same writer as a complete `batch run` (shard "1/1"), from the records sorted by job id, so it
// does not depend on the order the shards are given in and is bit-identical to an unsharded
// run of the plan. The shards' .provenance.json files, where present, are merged beside it.
#pragma once

#include <string>
#include <vector>

namespace gpudose {

void merge_tables(const std::vector<std::string>& shards, const std::string& output,
                  const std::string& command_line);

// Done/missing jobs of a plan (.json) or a table (.h5, or its .jobs folder while it runs).
// Several files: plans and tables combined (jobs of the tables counted against the plan).
// Returns the report text; `complete` is set when no job is missing.
std::string batch_status(const std::vector<std::string>& files, bool& complete);

}  // namespace gpudose
