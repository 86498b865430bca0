#pragma once
// summary.json (schemas/batch_summary.schema.json): every job with its status,
// error line, outputs and sizes. Deterministic: wall times live only in the
// "timings" field.
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "batch/batch.h"

namespace rknnc::batch {

// Output paths are relative to out_dir (where summary.json goes).
nlohmann::json summary_json(const std::vector<Job>& jobs, const BatchResult& result,
                            const std::filesystem::path& out_dir);

std::filesystem::path summary_path(const std::filesystem::path& out_dir);  // OUTDIR/summary.json

}  // namespace rknnc::batch
