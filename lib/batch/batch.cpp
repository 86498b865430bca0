#include "batch/batch.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "batch/run_job.h"
#include "config/model_config.h"
#include "driver/input_files.h"
#include "runtime/thread_pool.h"
#include "util/error.h"

namespace rknnc::batch {
namespace fs = std::filesystem;
namespace {

Prepared prepare_config(const fs::path& yaml) {
  Prepared p;
  p.name = yaml.stem().string();
  try {
    const config::ModelConfig cfg = config::load_model_config(yaml);
    p.name = cfg.name;
    p.inputs = driver::input_files(cfg);
    p.hashed = hash_inputs(p.inputs, yaml);
  } catch (const Error& e) {
    p.error_code = static_cast<int>(e.code());
    p.error = e.what();
  }
  return p;
}

// Loads each YAML once (names and inputs for every target) and fails a job
// whose outputs would overwrite an earlier job's (two YAMLs, one models.name).
std::vector<Prepared> prepare(const std::vector<Job>& jobs) {
  std::map<fs::path, Prepared> by_yaml;
  std::map<fs::path, fs::path> owner;  // out_dir/name -> first YAML writing it
  std::vector<Prepared> out;
  for (const auto& job : jobs) {
    auto it = by_yaml.find(job.yaml);
    if (it == by_yaml.end()) it = by_yaml.emplace(job.yaml, prepare_config(job.yaml)).first;
    Prepared p = it->second;
    const auto [first, fresh] = owner.emplace(job.out_dir / p.name, job.yaml);
    if (!p.error_code && !fresh) {
      p.error_code = static_cast<int>(ExitCode::Usage);
      p.error = fmt::format("{}: models.name '{}' is also the name in {}; both would write {}; give each model its own name",
                            job.yaml.string(), p.name, first->second.string(), (job.out_dir / p.name).string() + ".*");
    }
    out.push_back(std::move(p));
  }
  return out;
}

int worker_count(const Options& o, size_t jobs) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, std::min(o.jobs > 0 ? o.jobs : cores, static_cast<int>(jobs)));
}

}  // namespace

BatchResult run_batch(const std::vector<Job>& jobs, const Options& o) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<Prepared> prepared = prepare(jobs);
  BatchResult out;
  out.results.resize(jobs.size());
  std::atomic<size_t> next{0};
  std::mutex done_mutex;
  const auto work = [&] {
    for (size_t i; (i = next++) < jobs.size();) {
      JobResult r = run_job(jobs[i], prepared[i], o);
      std::lock_guard lock(done_mutex);
      out.results[i] = std::move(r);
      if (o.on_done) o.on_done(i, out.results[i]);
    }
  };
  // -j N means N cores: with several jobs each worker runs its kernels'
  // loops inline (one core per job, no oversubscription); a lone job keeps
  // the kernel threads.
  const bool one_core_per_job = jobs.size() > 1;
  const auto worker = [&] {
    runtime::ThreadPool::run_inline_on_this_thread(one_core_per_job);
    work();
    runtime::ThreadPool::run_inline_on_this_thread(false);
  };
  const int n = worker_count(o, jobs.size());
  if (n == 1) {
    worker();
  } else {
    std::vector<std::jthread> workers;
    for (int i = 0; i < n; ++i) workers.emplace_back(worker);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

int exit_code(const BatchResult& result) {
  int code = 0;
  for (const auto& r : result.results) {
    if (r.status == Status::Cancelled) return static_cast<int>(ExitCode::Interrupted);
    if (r.status == Status::Failed) code = std::max(code, r.exit_code);
  }
  return code;
}

}  // namespace rknnc::batch
