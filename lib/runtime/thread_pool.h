#pragma once
// A fixed pool that splits a loop over its workers. Kernels call
// parallel_for only when the work pays for the hand-off (see kMinWork).
#include <condition_variable>
#include <cstdint>
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
  // per-item op count: small loops run inline.
  void parallel_for(int64_t n, int64_t cost, const std::function<void(int64_t, int64_t)>& fn);

  static ThreadPool& shared();
  // Loops started from the calling thread run inline on it. Batch workers
  // set this: when the jobs already occupy every core, splitting each loop
  // across the pool only adds hand-offs and contention.
  static void run_inline_on_this_thread(bool on);

 private:
  void worker_loop(int index);
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  int64_t job_n_ = 0;
  uint64_t generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
  bool busy_ = false;  // a parallel_for owns the workers
};

}  // namespace rknnc::runtime
