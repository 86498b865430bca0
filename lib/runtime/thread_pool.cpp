#include "runtime/thread_pool.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define RKNNC_CPU_RELAX() _mm_pause()
#else
#define RKNNC_CPU_RELAX() std::this_thread::yield()
#endif

namespace rknnc::runtime {
namespace {
constexpr int64_t kMinWork = 1 << 14;    // below this many ops a thread hand-off costs more than it saves
constexpr int64_t kMinChunkWork = 1 << 14;  // the smallest chunk taken from the counter, in ops
// Polls (each a pause instruction) before a waiting thread yields its core,
// then blocks: about the gap between two kernels of a network, so workers
// stay awake through a run (blocking and waking costs tens of µs) but give
// the core away soon when the machine is busier than the pool.
constexpr int kSpinPolls = 4000;
constexpr int kYields = 16;

int default_threads() {
  if (const char* env = std::getenv("RKNNC_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

thread_local bool t_run_inline = false;

// Polls `ready` for a while (spinning, then yielding); true once it holds.
template <typename Ready>
bool spin_until(const Ready& ready) {
  for (int i = 0; i < kSpinPolls; ++i) {
    if (ready()) return true;
    RKNNC_CPU_RELAX();
  }
  for (int i = 0; i < kYields; ++i) {
    if (ready()) return true;
    std::this_thread::yield();
  }
  return ready();
}
}  // namespace

ThreadPool::ThreadPool(int threads) {
  const int n = threads > 0 ? threads : default_threads();
  for (int i = 1; i < n; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::run_inline_on_this_thread(bool on) { t_run_inline = on; }

ThreadPool& ThreadPool::shared() {
  static ThreadPool pool;
  return pool;
}

// Takes chunks until the loop is handed out: half of an even share of what
// is left, never below the grain.
void ThreadPool::run_chunks() {
  const int64_t n = job_n_, share = 2 * size();
  for (;;) {
    int64_t begin = next_.load(std::memory_order_relaxed), len;
    do {
      if (begin >= n) return;
      len = std::min(n - begin, std::max(grain_, (n - begin) / share));
    } while (!next_.compare_exchange_weak(begin, begin + len, std::memory_order_relaxed));
    try {
      (*job_)(begin, begin + len);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
      next_.store(n, std::memory_order_relaxed);  // the loop failed: hand out nothing more
    }
  }
}

// False when the pool stops. Spins first, then sleeps on wake_.
bool ThreadPool::wait_for_job(uint64_t& seen) {
  spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; });
  std::unique_lock<std::mutex> lock(mutex_);
  if (generation_.load(std::memory_order_acquire) == seen) {
    sleeping_.fetch_add(1);
    wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
    sleeping_.fetch_sub(1);
  }
  seen = generation_.load(std::memory_order_acquire);
  return !stop_;
}

void ThreadPool::worker_loop() {
  uint64_t seen = 0;
  while (wait_for_job(seen)) {
    run_chunks();
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);  // the owner may be between its check and its wait
      done_.notify_one();
    }
  }
}

void ThreadPool::parallel_for(int64_t n, int64_t cost, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  cost = std::max<int64_t>(cost, 1);
  if (t_run_inline || workers_.empty() || n == 1 || n * cost < kMinWork) {
    fn(0, n);
    return;
  }
  // One job at a time: nested or concurrent callers (batch jobs converting
  // side by side) run inline. busy_ holds from publishing the job until its
  // owner has seen every worker done, so no second caller can publish a job
  // in between.
  bool idle = false;
  if (!busy_.compare_exchange_strong(idle, true, std::memory_order_acquire)) {
    fn(0, n);
    return;
  }
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &fn;
    job_n_ = n;
    grain_ = std::max<int64_t>(1, kMinChunkWork / cost);
    error_ = nullptr;
    next_.store(0, std::memory_order_relaxed);
    pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    wake = sleeping_.load() > 0;
  }
  if (wake) wake_.notify_all();
  run_chunks();
  // The workers still use fn: wait for all of them, spinning first (they
  // finish their last chunk about when this thread does).
  spin_until([&] { return pending_.load(std::memory_order_acquire) == 0; });
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
  job_ = nullptr;
  std::exception_ptr error = std::exchange(error_, nullptr);
  lock.unlock();
  busy_.store(false, std::memory_order_release);
  if (error) std::rethrow_exception(error);
}

}  // namespace rknnc::runtime
