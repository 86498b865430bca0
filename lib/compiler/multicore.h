#pragma once
// Multi-core split (§5.3.2): an op of the target's multi_core_ops list is cut
// across NPU cores by output-channel blocks (Conv) or output rows (the other
// ops) when the time saved exceeds the cost of synchronising the cores. The
// shares become the eval_perf WorkLoad(0/1/2) column.
#include <cstdint>
#include <vector>

namespace rknnc::compiler {

// Percent of `units` work units per core, as evenly as possible over at most
// `cores` cores (5 units on 3 cores: 40/40/20); one entry per core.
std::vector<double> split_shares(int64_t units, int cores);

struct SplitDecision {
  std::vector<double> workload;  // percent per core (size = cores)
  double largest_share = 1.0;    // of the work, on the busiest core
};
// Splits when `saved_us` (single-core compute time × (1 − largest share))
// exceeds `sync_us`; otherwise everything stays on core 0.
SplitDecision decide_split(int64_t units, int cores, double compute_us, double sync_us);

}  // namespace rknnc::compiler
