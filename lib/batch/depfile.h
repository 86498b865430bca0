#pragma once
// Make-style depfiles (as gcc -MD -MP writes them): one rule "outputs: inputs"
// per job, plus an empty rule per input so a deleted input does not stop make.
#include <filesystem>
#include <string>
#include <vector>

#include "batch/job.h"

namespace rknnc::batch {

// The rules of every converted or skipped job, in job order.
std::string depfile_text(const std::vector<JobResult>& results);

// -M: {name}.d beside the job's outputs.
std::filesystem::path depfile_path(const std::filesystem::path& out_dir, const std::string& name);

}  // namespace rknnc::batch
