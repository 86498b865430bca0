#include "runtime/thread_pool.h"

#include <algorithm>
#include <cstdlib>
#include <exception>

namespace rknnc::runtime {
namespace {
constexpr int64_t kMinWork = 1 << 16;  // below this many ops a thread hand-off costs more than it saves

int default_threads() {
  if (const char* env = std::getenv("RKNNC_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

void chunk(int64_t n, int parts, int index, int64_t& begin, int64_t& end) {
  const int64_t step = (n + parts - 1) / parts;
  begin = std::min(n, step * index);
  end = std::min(n, begin + step);
}
}  // namespace

ThreadPool::ThreadPool(int threads) {
  const int n = threads > 0 ? threads : default_threads();
  for (int i = 1; i < n; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

namespace {
thread_local bool t_run_inline = false;
}  // namespace

void ThreadPool::run_inline_on_this_thread(bool on) { t_run_inline = on; }

ThreadPool& ThreadPool::shared() {
  static ThreadPool pool;
  return pool;
}

void ThreadPool::worker_loop(int index) {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void(int64_t, int64_t)>* job;
    int64_t n;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      job = job_;
      n = job_n_;
    }
    int64_t begin, end;
    chunk(n, size(), index, begin, end);
    if (begin < end) (*job)(begin, end);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }
}

void ThreadPool::parallel_for(int64_t n, int64_t cost, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (t_run_inline || workers_.empty() || n == 1 || n * std::max<int64_t>(cost, 1) < kMinWork) {
    fn(0, n);
    return;
  }
  // One job at a time: nested or concurrent callers (batch jobs converting
  // side by side) run inline. busy_ holds from publishing the job until its
  // owner has seen every chunk done, so no second caller can publish a job in
  // between (which would make the owner wait for it and lose its wake-up).
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock() || busy_) {
    if (lock.owns_lock()) lock.unlock();
    fn(0, n);
    return;
  }
  busy_ = true;
  job_ = &fn;
  job_n_ = n;
  pending_ = static_cast<int>(workers_.size());
  ++generation_;
  lock.unlock();
  wake_.notify_all();
  int64_t begin, end;
  chunk(n, size(), 0, begin, end);
  std::exception_ptr error;  // the workers still use fn: wait for them before unwinding
  try {
    if (begin < end) fn(begin, end);
  } catch (...) {
    error = std::current_exception();
  }
  lock.lock();
  done_.wait(lock, [&] { return pending_ == 0; });
  job_ = nullptr;
  busy_ = false;
  if (error) std::rethrow_exception(error);
}

}  // namespace rknnc::runtime
