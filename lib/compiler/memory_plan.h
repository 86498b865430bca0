#pragma once
// Memory plan (§9.1, §9.3): internal buffers share one arena wherever their
// lifetimes do not overlap; the arena size is what rknn_query reports as
// internal memory. On targets with SRAM (§5.7) a second plan says which
// buffers RKNN_FLAG_ENABLE_SRAM would keep on chip. Weights are counted as the
// NPU stores them (packed, padded to C2).
#include "compiler/program.h"
#include "ir/graph.h"
#include "target/target.h"

namespace rknnc::compiler {

inline constexpr int64_t kArenaAlign = 64;  // every buffer's offset

void plan_memory(Program& program, const ir::Graph& g, const target::Target& t);

// The interval packer behind it, exposed for tests: places each item at the
// lowest aligned offset where it overlaps no placed item with an intersecting
// [first, last] lifetime, largest first (TFLite's greedy-by-size). Items that
// would end beyond `capacity` (when > 0) get offset -1. Returns the extent used.
struct Interval {
  int64_t bytes = 0;
  int first = 0, last = 0;
  int64_t offset = -1;
};
int64_t pack_intervals(std::vector<Interval>& items, int64_t capacity = 0);

}  // namespace rknnc::compiler
