#pragma once
// Batch conversion: every job of a list (batch/expand.h) on -j worker threads,
// each job isolated (one failure does not stop the others), skipped when its
// inputs are unchanged (batch/record.h), stoppable through a cancel flag.
#include <atomic>
#include <filesystem>
#include <functional>
#include <vector>

#include "batch/job.h"

namespace rknnc::batch {

struct Options {
  int jobs = 0;                // worker threads; 0 = one per core
  bool force = false;          // convert even when the recorded inputs match
  bool verbose = false;        // keep pass logs in JobResult::log
  bool write_depfiles = false;  // -M: {name}.d beside each job's outputs
  const std::atomic<bool>* cancel = nullptr;  // set: running jobs stop, the rest are cancelled
  std::vector<std::filesystem::path> accuracy_inputs;  // -a: one file per model input (single job only)
  // Called as each job ends, one call at a time, from the thread that ran it.
  std::function<void(size_t index, const JobResult&)> on_done;
};

struct BatchResult {
  std::vector<JobResult> results;  // in job order, whatever the finishing order
  double seconds = 0;
};

BatchResult run_batch(const std::vector<Job>& jobs, const Options& options);

// 130 if any job was cancelled, else the largest exit code of a failed job
// (2 before 1), else 0.
int exit_code(const BatchResult& result);

}  // namespace rknnc::batch
