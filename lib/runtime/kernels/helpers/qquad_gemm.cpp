#include "runtime/kernels/helpers/qquad_gemm.h"

#include <algorithm>
#include <vector>

#include "runtime/kernels/helpers/scratch.h"

namespace rknnc::runtime::kernels {
namespace {

constexpr int64_t kPanelsPerTile = 2;
constexpr int64_t kChunkBytes = 192 * 1024;  // packed pixels of one chunk stay in L2 across channel blocks
constexpr int64_t kMaxChunkPanels = 32;

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
  const int threads = pool ? pool->size() : 1;
  const int64_t pairs = (x.panels + kPanelsPerTile - 1) / kPanelsPerTile;
  if (!pool || x.panels >= 2 * threads)
    pool ? pool->parallel_for(pairs, kPanelsPerTile * tile_cost * w.blocks,
                              [&](int64_t b, int64_t e) {
                                run(b * kPanelsPerTile, std::min(x.panels, e * kPanelsPerTile), 0, w.blocks);
                              })
         : run(0, x.panels, 0, w.blocks);
  else
    pool->parallel_for(w.blocks, tile_cost * x.panels, [&](int64_t b, int64_t e) { run(0, x.panels, b, e); });
}

}  // namespace rknnc::runtime::kernels
