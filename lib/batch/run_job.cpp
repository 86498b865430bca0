#include "batch/run_job.h"

#include <chrono>
#include <new>

#include "batch/depfile.h"
#include "batch/record.h"
#include "driver/convert.h"
#include "util/atomic_file.h"
#include "util/cancel.h"

namespace rknnc::batch {
namespace fs = std::filesystem;
namespace {

void set_outputs(JobResult& r, const std::vector<fs::path>& files) {
  for (const auto& f : files) {
    std::error_code ec;
    const auto bytes = fs::file_size(f, ec);
    r.outputs.push_back({f, ec ? 0 : bytes});
  }
}

void convert_job(const Job& job, const Options& o, JobResult& r, const fs::path& record) {
  driver::ConvertRequest req;
  req.yaml = job.yaml;
  req.target = job.target.name;
  req.out_dir = job.out_dir;
  req.verbose = o.verbose;
  req.cancel = o.cancel;
  req.accuracy_inputs = o.accuracy_inputs;
  driver::ConvertResult c = driver::convert(req);
  Record rec{r.inputs_sha256, {}};
  for (const auto& f : c.written) rec.outputs.push_back(f.filename().string());
  write_record(record, rec);
  r.status = Status::Converted;
  r.warnings = std::move(c.warnings);
  r.log = std::move(c.log);
  set_outputs(r, c.written);
}

void skip_job(const Job& job, JobResult& r, const fs::path& path, const Record& record) {
  refresh_times(path, record);
  r.status = Status::Skipped;
  std::vector<fs::path> files;
  for (const auto& o : record.outputs) files.push_back(job.out_dir / o);
  set_outputs(r, files);
}

void run(const Job& job, const Prepared& p, const Options& o, JobResult& r) {
  if (p.error_code) throw Error(static_cast<ExitCode>(p.error_code), p.error);
  throw_if_cancelled(o.cancel);
  r.inputs = p.inputs;
  r.inputs.push_back(job.target.file);
  r.inputs_sha256 = inputs_digest(p.hashed, job.target);
  const fs::path record = record_path(job.out_dir, p.name);
  const auto recorded = o.force ? std::nullopt : up_to_date(record, r.inputs_sha256);
  if (recorded)
    skip_job(job, r, record, *recorded);
  else
    convert_job(job, o, r, record);
  if (o.write_depfiles) write_file_atomic(depfile_path(job.out_dir, p.name), depfile_text({r}));
}

void set_error(JobResult& r, int code, const std::string& message) {
  r.status = code == static_cast<int>(ExitCode::Interrupted) ? Status::Cancelled : Status::Failed;
  r.exit_code = code;
  r.error = message;
  for (char& c : r.error)
    if (c == '\n') c = ' ';
}

}  // namespace

JobResult run_job(const Job& job, const Prepared& p, const Options& o) {
  const auto start = std::chrono::steady_clock::now();
  JobResult r;
  r.name = p.name;
  try {
    run(job, p, o, r);
  } catch (const Error& e) {
    set_error(r, static_cast<int>(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    set_error(r, 1, "out of memory");
  } catch (const std::exception& e) {
    set_error(r, 1, std::string("internal error: ") + e.what());
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace rknnc::batch
