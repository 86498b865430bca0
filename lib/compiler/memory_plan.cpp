#include "compiler/memory_plan.h"

#include <algorithm>
#include <numeric>

#include "compiler/layout.h"
#include "compiler/weight_packing.h"

namespace rknnc::compiler {
namespace {

int64_t align(int64_t v) { return (v + kArenaAlign - 1) / kArenaAlign * kArenaAlign; }

bool lifetimes_overlap(const Interval& a, const Interval& b) { return a.first <= b.last && b.first <= a.last; }

// Lowest aligned offset where `item` fits between the already placed items
// whose lifetimes overlap its own.
int64_t first_fit(const Interval& item, const std::vector<const Interval*>& placed) {
  std::vector<const Interval*> live;
  for (const Interval* p : placed)
    if (lifetimes_overlap(item, *p)) live.push_back(p);
  std::sort(live.begin(), live.end(), [](const Interval* a, const Interval* b) { return a->offset < b->offset; });
  int64_t offset = 0;
  for (const Interval* p : live) {
    if (p->offset - offset >= item.bytes) break;
    offset = std::max(offset, align(p->offset + p->bytes));
  }
  return offset;
}

}  // namespace

int64_t pack_intervals(std::vector<Interval>& items, int64_t capacity) {
  std::vector<size_t> order(items.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return items[a].bytes > items[b].bytes; });
  std::vector<const Interval*> placed;
  int64_t extent = 0;
  for (size_t i : order) {
    Interval& it = items[i];
    const int64_t offset = first_fit(it, placed);
    if (capacity > 0 && offset + it.bytes > capacity) {
      it.offset = -1;
      continue;
    }
    it.offset = offset;
    placed.push_back(&it);
    extent = std::max(extent, align(offset + it.bytes));
  }
  return extent;
}

void plan_memory(Program& p, const ir::Graph& g, const target::Target& t) {
  MemoryPlan& m = p.memory;
  m = {};
  std::vector<Interval> items;
  std::vector<size_t> owners;
  for (size_t i = 0; i < p.buffers.size(); ++i) {
    const Buffer& b = p.buffers[i];
    if (b.region == Region::Input) m.input_bytes += b.bytes;
    if (b.region == Region::Output) m.output_bytes += b.bytes;
    if (b.region != Region::Internal) continue;
    items.push_back({b.bytes, b.first_step, b.last_step, -1});
    owners.push_back(i);
    m.naive_internal_bytes += b.bytes;
  }
  m.internal_bytes = pack_intervals(items);
  for (size_t k = 0; k < items.size(); ++k) p.buffers[owners[k]].offset = items[k].offset;

  if (t.npu.sram_bytes > 0) {
    std::vector<int64_t> reads(p.buffers.size(), 0);
    for (const Step& s : p.steps)
      for (int b : s.inputs)
        if (b >= 0) ++reads[static_cast<size_t>(b)];
    for (auto& it : items) it.offset = -1;
    m.sram_bytes = pack_intervals(items, t.npu.sram_bytes);
    for (size_t k = 0; k < items.size(); ++k) {
      Buffer& b = p.buffers[owners[k]];
      b.sram_offset = items[k].offset;
      // Written once, read by every reader: all of it stays off DDR.
      if (b.sram_offset >= 0) m.sram_ddr_bytes_saved += b.bytes * (1 + reads[owners[k]]);
    }
  }
  const auto packed = packed_weights(p, g);
  for (const auto& [name, w] : g.initializers) {
    auto it = packed.find(name);
    m.weight_bytes += it == packed.end() ? static_cast<int64_t>(w.nbytes())
                                         : packed_weight_bytes(w.shape(), it->second, ir::dtype_size(w.dtype()));
  }
  m.other_bytes = m.input_bytes + m.output_bytes;
}

}  // namespace rknnc::compiler
