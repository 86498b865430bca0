#include "runtime/kernels/helpers/qquad_gemm.h"

#include <algorithm>
#include <vector>

#include "runtime/kernels/helpers/scratch.h"

namespace rknnc::runtime::kernels {
namespace {

constexpr int64_t kPanelsPerTile = 2;
constexpr int64_t kChunkBytes = 192 * 1024;  // packed pixels of one chunk stay in L2 across channel blocks
constexpr int64_t kMaxChunkPanels = 32;
constexpr int64_t kTasksPerThread = 4;  // tasks a thread, so that an uneven last one costs little

}  // namespace

void qquad_gemm(const QuadWeights& w, const QuadPixels& x, QuadIsa isa, const QuadSink& sink, ThreadPool* pool) {
  const QuadTileFn tile = quad_tile(isa);
  const QuadFewPixelsFn few = x.pixels < kFewPixels ? quad_few_pixels(isa) : nullptr;  // then one panel
  const int64_t panel_bytes = x.quads * 4 * kQuadPanel, block_bytes = w.quads * 4 * kQuadBlock;
  // Whole pairs of panels per chunk and per thread's share, so only the last
  // panel of all can need the one-panel tile.
  const int64_t chunk = std::clamp<int64_t>(kChunkBytes / std::max<int64_t>(panel_bytes, 1) / kPanelsPerTile, 1,
                                            kMaxChunkPanels / kPanelsPerTile) * kPanelsPerTile;
  // Panels [pb, pe) × channel blocks [bb, be).
  auto run = [&](int64_t pb, int64_t pe, int64_t bb, int64_t be) {
    thread_local std::vector<int32_t> rows;  // every value is written by a tile before the sink reads it
    grow_to(rows, static_cast<size_t>(kQuadBlock * chunk * kQuadPanel));
    for (int64_t s = pb; s < pe; s += chunk) {
      const int64_t se = std::min(pe, s + chunk), stride = (se - s) * kQuadPanel;
      const int64_t p0 = s * kQuadPanel, n = std::min(se * kQuadPanel, x.pixels) - p0;
      for (int64_t block = bb; block < be; ++block) {
        if (few)
          few(x.data.data(), n, w.data.data() + block * block_bytes, w.quads, w.corr.data() + block * kQuadBlock,
              rows.data(), stride);
        else
          for (int64_t panel = s; panel < se; panel += kPanelsPerTile)
            tile(x.data.data() + panel * panel_bytes, panel_bytes,
                 static_cast<int>(std::min(kPanelsPerTile, se - panel)), w.data.data() + block * block_bytes,
                 w.quads, w.corr.data() + block * kQuadBlock, rows.data() + (panel - s) * kQuadPanel, stride);
        for (int64_t r = 0, c = block * kQuadBlock; r < kQuadBlock && c < w.m; ++r, ++c)
          sink(c, rows.data() + r * stride, p0, n);
      }
    }
  };
  const int64_t tile_cost = w.quads * 4 * kQuadPanel * kQuadBlock;
  const int64_t pairs = (x.panels + kPanelsPerTile - 1) / kPanelsPerTile;
  if (!pool) return run(0, x.panels, 0, w.blocks);
  // Pairs of panels, each for all channel blocks while it stays in L1; with
  // few pairs (a 14x14 image is 7) the threads' shares would be uneven, so
  // each pair's channel blocks are split into a few tasks as well (pair by
  // pair: consecutive tasks of a thread reuse its pixels).
  const int64_t wanted = kTasksPerThread * pool->size();
  const int64_t splits = pairs >= wanted ? 1 : std::min(w.blocks, (wanted + pairs - 1) / pairs);
  pool->parallel_for(pairs * splits, kPanelsPerTile * tile_cost * w.blocks / splits, [&](int64_t b, int64_t e) {
    if (splits == 1) return run(b * kPanelsPerTile, std::min(x.panels, e * kPanelsPerTile), 0, w.blocks);
    for (int64_t t = b; t < e; ++t) {
      const int64_t pair = t / splits, part = t % splits;
      run(pair * kPanelsPerTile, std::min(x.panels, (pair + 1) * kPanelsPerTile), w.blocks * part / splits,
          w.blocks * (part + 1) / splits);
    }
  });
}

}  // namespace rknnc::runtime::kernels
