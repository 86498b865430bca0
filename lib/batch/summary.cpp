#include "batch/summary.h"

namespace rknnc::batch {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json job_json(const Job& job, const JobResult& r, const fs::path& out_dir) {
  json outputs = json::array();
  for (const auto& o : r.outputs)
    outputs.push_back({{"file", o.path.lexically_relative(out_dir).generic_string()}, {"bytes", o.bytes}});
  return {{"config", job.yaml.generic_string()},
          {"target", job.target.name},
          {"name", r.name},
          {"status", status_name(r.status)},
          {"exit_code", r.exit_code},
          {"error", r.error.empty() ? json(nullptr) : json(r.error)},
          {"warnings", r.warnings},
          {"outputs", outputs},
          {"inputs_sha256", r.inputs_sha256.empty() ? json(nullptr) : json(r.inputs_sha256)}};
}

}  // namespace

json summary_json(const std::vector<Job>& jobs, const BatchResult& result, const fs::path& out_dir) {
  json list = json::array(), seconds = json::array();
  json counts = {{"converted", 0}, {"skipped", 0}, {"failed", 0}, {"cancelled", 0}};
  for (size_t i = 0; i < jobs.size(); ++i) {
    const JobResult& r = result.results[i];
    list.push_back(job_json(jobs[i], r, out_dir));
    counts[status_name(r.status)] = counts[status_name(r.status)].get<int>() + 1;
    seconds.push_back(r.seconds);
  }
  return {{"rknnc_version", RKNNC_VERSION},
          {"jobs", list},
          {"counts", counts},
          {"exit_code", exit_code(result)},
          {"timings", {{"total_seconds", result.seconds}, {"job_seconds", seconds}}}};
}

fs::path summary_path(const fs::path& out_dir) { return out_dir / "summary.json"; }

}  // namespace rknnc::batch
