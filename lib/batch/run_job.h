#pragma once
// One job from start to end: skip when up to date, else convert, then record
// the inputs' hash and (with -M) write the depfile.
#include <string>
#include <vector>

#include "batch/batch.h"
#include "batch/record.h"

namespace rknnc::batch {

// What the scheduler learnt about a job's YAML before running it.
struct Prepared {
  std::string name;                           // models.name, or the file's stem
  std::vector<std::filesystem::path> inputs;  // driver::input_files of the config
  std::vector<HashedInput> hashed;            // their contents' hashes (once per YAML)
  int error_code = 0;                         // non-zero: the job fails with `error`
  std::string error;
};

JobResult run_job(const Job& job, const Prepared& prepared, const Options& options);

}  // namespace rknnc::batch
