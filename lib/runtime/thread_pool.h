#pragma once
// A fixed pool that splits a loop over its workers. Kernels call
// parallel_for only when the work pays for the hand-off (see kMinWork).
//
// Threads take chunks of the loop from a shared counter (large chunks first,
// smaller towards the end), so a thread that wakes late or shares its core
// with another process does less of the loop instead of holding everyone up.
// Which thread runs which chunk varies from run to run; kernels must (and do)
// compute each index the same way whatever chunk it falls in, so results do
// not depend on the thread count or the timing.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rknnc::runtime {

class ThreadPool {
 public:
  explicit ThreadPool(int threads = 0);  // 0 = hardware concurrency
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }
  // Calls fn(begin, end) on disjoint chunks covering [0, n). `cost` is a rough
  // per-item op count: small loops run inline, and no chunk is much smaller
  // than a hand-off is worth.
  void parallel_for(int64_t n, int64_t cost, const std::function<void(int64_t, int64_t)>& fn);

  static ThreadPool& shared();
  // Loops started from the calling thread run inline on it. Batch workers
  // set this: when the jobs already occupy every core, splitting each loop
  // across the pool only adds hand-offs and contention.
  static void run_inline_on_this_thread(bool on);

 private:
  void worker_loop();
  bool wait_for_job(uint64_t& seen);
  void run_chunks();
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  // The published job; written by its owner before generation_ moves on.
  const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  int64_t job_n_ = 0, grain_ = 1;
  std::atomic<int64_t> next_{0};      // first index no thread has taken yet
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};       // workers still on the current job
  std::atomic<int> sleeping_{0};      // workers blocked on wake_
  std::exception_ptr error_;          // the first exception a chunk threw (under mutex_)
  bool stop_ = false;
  std::atomic<bool> busy_{false};  // a parallel_for owns the workers
};

}  // namespace rknnc::runtime
