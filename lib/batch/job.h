#pragma once
// One batch job: one model YAML converted for one target into one folder,
// and what became of it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "target/target.h"

namespace rknnc::batch {

struct Job {
  std::filesystem::path yaml;     // as given, or folder / file name
  target::Target target;          // resolved from -t
  std::filesystem::path out_dir;  // OUTDIR, or OUTDIR/{target} with several jobs
};

enum class Status { Converted, Skipped, Failed, Cancelled };
const char* status_name(Status s);  // "converted", "skipped", "failed", "cancelled"

struct OutputFile {
  std::filesystem::path path;  // out_dir / file name
  std::uintmax_t bytes = 0;
};

struct JobResult {
  std::string name;  // models.name; the YAML's stem when the YAML does not load
  Status status = Status::Failed;
  int exit_code = 0;   // 0, or the exit code of the error (1, 2, 130)
  std::string error;   // one line, empty unless failed
  std::vector<OutputFile> outputs;
  std::vector<std::filesystem::path> inputs;  // every file read (depfile)
  std::string inputs_sha256;
  std::vector<std::string> warnings, log;
  double seconds = 0;  // wall time of this job
};

}  // namespace rknnc::batch
