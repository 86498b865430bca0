#pragma once
// Cooperative cancellation: long work polls a flag that a signal handler (or
// the batch scheduler) sets, and stops by throwing Error(Interrupted). Output
// is staged (util/atomic_file.h), so stopping leaves no half-written file.
#include <atomic>

#include "util/error.h"

namespace rknnc {

inline bool cancelled(const std::atomic<bool>* flag) { return flag && flag->load(std::memory_order_relaxed); }

// Call between stages and inside long loops (calibration): cheap, one load.
inline void throw_if_cancelled(const std::atomic<bool>* flag) {
  if (cancelled(flag)) throw Error(ExitCode::Interrupted, "interrupted");
}

}  // namespace rknnc
