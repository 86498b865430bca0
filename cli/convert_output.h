#pragma once
// What the convert command prints: progress lines and the final table on
// stderr, output paths or JSON on stdout. Colour only on a terminal and never
// with NO_COLOR set.
#include <cstdio>
#include <string>
#include <vector>

#include "batch/batch.h"

namespace rknnc::cli {

bool colour_enabled(std::FILE* stream);

// "[3/8] rk3588/digits_cnn converted 0.12 s"; a failed job: "error: [rk3588/x] <its error>".
std::string progress_line(size_t index, size_t total, const batch::Job& job, const batch::JobResult& r, bool colour);

// One row per job, then "8 jobs: 6 converted, 1 skipped, 1 failed in 2.1 s".
std::string summary_table(const std::vector<batch::Job>& jobs, const batch::BatchResult& result, bool colour);

}  // namespace rknnc::cli
