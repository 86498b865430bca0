#include "compiler/multicore.h"

#include <algorithm>

namespace rknnc::compiler {

std::vector<double> split_shares(int64_t units, int cores) {
  std::vector<double> shares(static_cast<size_t>(std::max(cores, 1)), 0.0);
  if (units <= 0) {
    shares[0] = 100.0;
    return shares;
  }
  const int64_t used = std::min<int64_t>(units, static_cast<int64_t>(shares.size()));
  for (int64_t c = 0; c < used; ++c) {
    const int64_t mine = units / used + (c < units % used ? 1 : 0);
    shares[static_cast<size_t>(c)] = 100.0 * static_cast<double>(mine) / static_cast<double>(units);
  }
  return shares;
}

SplitDecision decide_split(int64_t units, int cores, double compute_us, double sync_us) {
  SplitDecision d;
  d.workload = split_shares(1, cores);
  if (cores <= 1 || units <= 1) return d;
  const auto shares = split_shares(units, cores);
  const double largest = *std::max_element(shares.begin(), shares.end()) / 100.0;
  if (compute_us * (1.0 - largest) <= sync_us) return d;
  d.workload = shares;
  d.largest_share = largest;
  return d;
}

}  // namespace rknnc::compiler
