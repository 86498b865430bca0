#include "runtime/kernels/helpers/packed_gemm.h"

#include <algorithm>
#include <cstring>

#include "runtime/kernels/helpers/fused_activation.h"
#include "runtime/kernels/helpers/scratch.h"

namespace rknnc::runtime::kernels {
namespace {

constexpr int64_t kTasks = 8;               // split the work at least this finely (two cores, uneven loads)
constexpr int64_t kMaxColumnBlock = 256;     // columns of C per task when B is packed per task
constexpr int64_t kRowPanels = 8;            // A panels per task when the whole B is packed first
constexpr int64_t kWholeB = 1 << 20;             // pack all of B first when it has at most this many floats

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// C[panels [panel0, panel1), columns [j0, j0+nc)] += A · B for one K block;
// B's panel i (kc x nr, rows ldb apart, or row p at + off[p]) for these
// columns starts at b + i * panel_stride.
struct BPanels {
  const float* b;
  int64_t panel_stride, ldb;
  const int64_t* off = nullptr;
};
BPanels packed_panels(const float* packed, int64_t kc, int64_t nr) { return {packed, kc * nr, nr}; }

// A tile of fewer rows, or of columns that are not a whole vector, runs on
// a copy of its part of C (and of its bias) in a buffer of whole tiles; the
// rows and columns past the copy are computed and dropped.
__attribute__((noinline)) void run_partial_tile(const TileKernel& t, int64_t kc, APanel a, const float* b,
                                                const BPanels& bp, float* c, int64_t ldc, int64_t rows, int64_t cols,
                                                const TileEdges& edges) {
  int64_t width = 0;
  const TileFn fn = t.for_columns(cols, width, bp.off != nullptr);
  alignas(64) float tmp[16 * 64];
  float bias[16] = {};
  TileEdges e = edges;
  if (e.bias) {
    std::copy(e.bias, e.bias + rows, bias);
    e.bias = bias;
  }
  const auto bytes = sizeof(float) * static_cast<size_t>(cols);
  if (!e.from_bias)  // the tile reads all of it: zeros past the copy (no stray denormals or NaNs)
    for (int64_t r = 0; r < t.mr; ++r) {
      const int64_t copied = r < rows ? cols : 0;
      if (copied) std::memcpy(tmp + r * width, c + r * ldc, bytes);
      std::fill(tmp + r * width + copied, tmp + (r + 1) * width, 0.0f);
    }
  fn(kc, a.a, a.rs, a.ps, b, bp.ldb, bp.off, tmp, width, e);
  for (int64_t r = 0; r < rows; ++r) std::memcpy(c + r * ldc, tmp + r * width, bytes);
}

// The edges of the tiles of one K block: the bias start on the first, a
// Relu / Clip clamp (and a float16 rounding) on the last (other
// activations: finish_tile).
TileEdges block_edges(const GemmEpilogue& ep, bool first, bool last) {
  TileEdges e;
  e.from_bias = first && ep.start_from_bias;
  if (last) e.clamp = store_clamp(ep.act);
  return e;
}

// C[rows x cols] (ldc) of one tile after its last product: an activation the tiles do not clamp.
void finish_tile(const GemmEpilogue& ep, float* c, int64_t ldc, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) ep.act->apply(c + r * ldc, cols);
}

// Fetches the part of C of the tile after this one while this one computes:
// a tile of a layer with a short K (a 1x1 conv of few channels) is over
// before its stores' cache lines would arrive from memory.
void prefetch_c(const float* c, int64_t ldc, int64_t rows, int64_t cols) {
  constexpr int64_t kLineFloats = 16;  // a 64-byte cache line
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t x = 0; x < cols; x += kLineFloats) __builtin_prefetch(c + r * ldc + x, 1, 3);
}

void multiply_block(const AMatrix& a, int64_t p0, int64_t kc, BPanels b, int64_t panel0, int64_t panel1, int64_t j0,
                    int64_t nc, float* c, int64_t ldc, const GemmEpilogue& ep) {
  const TileKernel& t = *a.tile;
  const bool last = p0 + kc == a.k;
  TileEdges edges = block_edges(ep, p0 == 0, last);
  const bool finish = last && !store_clamp_covers(ep.act);
  const float* bj = b.b;
  for (int64_t jp = 0; jp < nc; jp += t.nr, bj += b.panel_stride)
    for (int64_t ip = panel0; ip < panel1; ++ip) {
      const int64_t i0 = ip * t.mr, rows = std::min(t.mr, a.m - i0), cols = std::min(t.nr, nc - jp);
      float* ct = c + i0 * ldc + j0 + jp;
      edges.bias = edges.from_bias && ep.bias ? ep.bias + i0 : nullptr;
      const APanel ap = a.panel(ip, p0);
      if (ip + 1 < panel1)
        prefetch_c(ct + t.mr * ldc, ldc, std::min(t.mr, a.m - i0 - t.mr), cols);
      else if (jp + t.nr < nc)
        prefetch_c(c + panel0 * t.mr * ldc + j0 + jp + t.nr, ldc, t.mr, std::min(t.nr, nc - jp - t.nr));
      const TileFn one_row = rows <= TileKernel::kOneRowPanels ? t.one_row(cols, b.off != nullptr) : nullptr;
      if (rows == t.mr && cols % t.lanes == 0) {  // a whole tile, or a narrower one of whole vectors: in place
        int64_t width = 0;
        t.for_columns(cols, width, b.off != nullptr)(kc, ap.a, ap.rs, ap.ps, bj, b.ldb, b.off, ct, ldc, edges);
      } else if (one_row) {  // a panel of one or two rows: row by row, in place
        for (int64_t r = 0; r < rows; ++r) {
          TileEdges er = edges;
          if (er.bias) er.bias += r;
          one_row(kc, ap.a + r * ap.rs, ap.rs, ap.ps, bj, b.ldb, b.off, ct + r * ldc, ldc, er);
        }
      } else {
        run_partial_tile(t, kc, ap, bj, b, ct, ldc, rows, cols, edges);
      }
      if (finish) finish_tile(ep, ct, ldc, rows, cols);
    }
}

// C split into tasks of at most kRowPanels A panels by a chunk of whole
// column tiles, at least kTasks of them where the columns allow.
struct TaskGrid {
  int64_t panels, col_chunk, col_tasks, tasks, cost;
  TaskGrid(const AMatrix& a, int64_t n) {
    const TileKernel& t = *a.tile;
    panels = ceil_div(a.m, t.mr);
    const int64_t row_tasks = ceil_div(panels, kRowPanels);
    col_chunk = ceil_div(ceil_div(n, t.nr), ceil_div(kTasks, row_tasks)) * t.nr;
    col_tasks = ceil_div(n, col_chunk);
    tasks = row_tasks * col_tasks;
    cost = std::min(a.m, kRowPanels * t.mr) * col_chunk * a.k;
  }
  // Task i: A panels [panel0, panel1) by columns [j0, j0 + nc).
  void task(int64_t i, int64_t n, int64_t& panel0, int64_t& panel1, int64_t& j0, int64_t& nc) const {
    panel0 = i / col_tasks * kRowPanels, panel1 = std::min(panels, panel0 + kRowPanels);
    j0 = i % col_tasks * col_chunk, nc = std::min(col_chunk, n - j0);
  }
  template <typename Body>
  void run(ThreadPool* pool, Body body) const {
    if (pool) pool->parallel_for(tasks, cost, body);
    else body(0, tasks);
  }
};

// B read where it is (1x1 convolutions, plain matrices): whole vectors of
// columns in place, the last few columns (fewer than a vector) packed; split
// C over rows and columns.
void gemm_in_place(const AMatrix& a, const BSource& b, const float* data, int64_t ld, int64_t n, float* c, int64_t ldc,
                   ThreadPool* pool, const GemmEpilogue& ep) {
  const TileKernel& t = *a.tile;
  const TaskGrid grid(a, n);
  grid.run(pool, [&](int64_t lo, int64_t hi) {
    thread_local Scratch scratch;
    float* tail = scratch.floats(static_cast<size_t>(t.kc * t.nr));
    for (int64_t task = lo; task < hi; ++task) {
      int64_t panel0, panel1, j0, nc;
      grid.task(task, n, panel0, panel1, j0, nc);
      const int64_t whole = nc / t.lanes * t.lanes;
      for (int64_t p0 = 0; p0 < a.k; p0 += t.kc) {
        const int64_t kc = std::min(t.kc, a.k - p0);
        if (whole > 0) multiply_block(a, p0, kc, {data + p0 * ld + j0, t.nr, ld}, panel0, panel1, j0, whole, c, ldc, ep);
        if (whole < nc) {
          b.pack(t.nr, p0, kc, j0 + whole, nc - whole, tail);
          multiply_block(a, p0, kc, packed_panels(tail, kc, t.nr), panel0, panel1, j0 + whole, nc - whole, c,
                         ldc, ep);
        }
      }
    }
  });
}

// Large B: each task packs its own column block, K block by K block, and
// multiplies it with every row of A (B is packed exactly once).
void gemm_column_blocks(const AMatrix& a, const BSource& b, int64_t n, float* c, int64_t ldc, ThreadPool* pool,
                        const GemmEpilogue& ep) {
  const TileKernel& t = *a.tile;
  const int64_t panels = ceil_div(a.m, t.mr);
  const int64_t block = std::clamp(ceil_div(ceil_div(n, kTasks), t.nr) * t.nr, t.nr, kMaxColumnBlock / t.nr * t.nr);
  const int64_t tasks = ceil_div(n, block);
  auto body = [&](int64_t lo, int64_t hi) {
    thread_local Scratch scratch;
    float* packed = scratch.floats(static_cast<size_t>(t.kc * block));
    for (int64_t task = lo; task < hi; ++task) {
      const int64_t j0 = task * block, nc = std::min(block, n - j0);
      for (int64_t p0 = 0; p0 < a.k; p0 += t.kc) {
        const int64_t kc = std::min(t.kc, a.k - p0);
        b.pack(t.nr, p0, kc, j0, nc, packed);
        multiply_block(a, p0, kc, packed_panels(packed, kc, t.nr), 0, panels, j0, nc, c, ldc, ep);
      }
    }
  };
  if (pool) pool->parallel_for(tasks, a.m * block * a.k, body);
  else body(0, tasks);
}

// Small B (late layers: few columns, long K): pack all of it once, in
// parallel, then split C over rows and columns.
void gemm_whole_b(const AMatrix& a, const BSource& b, int64_t n, float* c, int64_t ldc, ThreadPool* pool,
                  const GemmEpilogue& ep) {
  const TileKernel& t = *a.tile;
  const int64_t col_panels = ceil_div(n, t.nr), kblocks = ceil_div(a.k, t.kc);
  thread_local Scratch whole;  // K block kb at kb * kc * col_panels * nr, panels inside
  float* packed = whole.floats(static_cast<size_t>(kblocks * t.kc * col_panels * t.nr));  // shared with the workers
  auto pack = [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const int64_t kb = i / col_panels, jp = (i % col_panels) * t.nr, p0 = kb * t.kc, kc = std::min(t.kc, a.k - p0);
      b.pack(t.nr, p0, kc, jp, std::min(t.nr, n - jp), packed + kb * t.kc * col_panels * t.nr + jp * kc);
    }
  };
  const TaskGrid grid(a, n);
  auto body = [&](int64_t lo, int64_t hi) {
    for (int64_t task = lo; task < hi; ++task) {
      int64_t panel0, panel1, j0, nc;
      grid.task(task, n, panel0, panel1, j0, nc);
      for (int64_t kb = 0; kb < kblocks; ++kb) {
        const int64_t p0 = kb * t.kc, kc = std::min(t.kc, a.k - p0);
        const BPanels panels_b = packed_panels(packed + kb * t.kc * col_panels * t.nr + j0 * kc, kc, t.nr);
        multiply_block(a, p0, kc, panels_b, panel0, panel1, j0, nc, c, ldc, ep);
      }
    }
  };
  if (pool) pool->parallel_for(kblocks * col_panels, t.kc * t.nr, pack);
  else pack(0, kblocks * col_panels);
  grid.run(pool, body);
}

// B as rows at b + off[p], read where they are for whole tiles (n is a
// multiple of the vector width; the caller makes every row readable that
// far); C split over rows and columns as for an in-place B. With a pitch,
// each task's columns go through the tiles row by row of the image.
void gemm_row_offsets(const AMatrix& a, const float* b, const int64_t* off, int64_t pitch, int64_t width, int64_t n,
                      float* c, int64_t ldc, ThreadPool* pool, const GemmEpilogue& ep) {
  const TileKernel& t = *a.tile;
  const TaskGrid grid(a, n);
  grid.run(pool, [&](int64_t lo, int64_t hi) {
    for (int64_t task = lo; task < hi; ++task) {
      int64_t panel0, panel1, j0, nc;
      grid.task(task, n, panel0, panel1, j0, nc);
      for (int64_t p0 = 0; p0 < a.k; p0 += t.kc) {
        const int64_t kc = std::min(t.kc, a.k - p0);
        if (pitch == 0) {
          multiply_block(a, p0, kc, {b + j0, t.nr, 0, off + p0}, panel0, panel1, j0, nc, c, ldc, ep);
          continue;
        }
        for (int64_t j = j0; j < j0 + nc;) {  // the part of each image row in this task
          const int64_t row = j / width, len = std::min(j0 + nc, (row + 1) * width) - j;
          const float* bj = b + row * pitch + j % width;
          multiply_block(a, p0, kc, {bj, t.nr, 0, off + p0}, panel0, panel1, j, len, c, ldc, ep);
          j += len;
        }
      }
    }
  });
}

}  // namespace

void BMatrix::pack(int64_t nr, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) const {
  for (int64_t jp = 0; jp < nc; jp += nr) {
    const int64_t w = std::min(nr, nc - jp);
    if (trans) {
      for (int64_t p = 0; p < kc; ++p)
        for (int64_t c = 0; c < nr; ++c) dst[p * nr + c] = c < w ? data[(j0 + jp + c) * ld + p0 + p] : 0.0f;
    } else {
      for (int64_t p = 0; p < kc; ++p) {
        std::memcpy(dst + p * nr, data + (p0 + p) * ld + j0 + jp, sizeof(float) * static_cast<size_t>(w));
        std::fill(dst + p * nr + w, dst + (p + 1) * nr, 0.0f);
      }
    }
    dst += kc * nr;
  }
}

Isa gemm_isa() { return cpu_features().best(); }

AMatrix a_matrix(const float* a, int64_t m, int64_t k, int64_t lda, bool trans, Isa isa) {
  AMatrix p;
  set_a_matrix(p, a, m, k, lda, trans, isa);
  return p;
}

void set_a_matrix(AMatrix& p, const float* a, int64_t m, int64_t k, int64_t lda, bool trans, Isa isa) {
  p.tile = &tile_kernel(isa);
  p.m = m, p.k = k, p.a = a;
  p.rs = trans ? 1 : lda;
  p.ps = trans ? lda : 1;
  const int64_t mr = p.tile->mr, whole = m / mr * mr;
  if (whole == m) return;
  p.tail.assign(static_cast<size_t>(mr * k), 0.0f);
  for (int64_t i = whole; i < m; ++i)
    for (int64_t q = 0; q < k; ++q) p.tail[static_cast<size_t>(q * mr + i - whole)] = a[i * p.rs + q * p.ps];
}

void gemm_packed(const AMatrix& a, const BSource& b, int64_t n, float* c, int64_t ldc, ThreadPool* pool,
                 const GemmEpilogue& ep) {
  if (a.m <= 0 || n <= 0) return;
  if (a.k <= 0) {  // no products: C is its start and activation
    if (ep.start_from_bias)
      for (int64_t i = 0; i < a.m; ++i) std::fill_n(c + i * ldc, n, ep.bias ? ep.bias[i] : 0.0f);
    if (ep.act) finish_tile(ep, c, ldc, a.m, n);
    return;
  }
  int64_t ld = 0, pitch = 0, width = 0;
  const int64_t* off = nullptr;
  if (const float* rows = b.row_offsets(off, pitch, width))
    gemm_row_offsets(a, rows, off, pitch, width, n, c, ldc, pool, ep);
  else if (const float* data = b.in_place(ld)) gemm_in_place(a, b, data, ld, n, c, ldc, pool, ep);
  else if (a.k * n <= kWholeB) gemm_whole_b(a, b, n, c, ldc, pool, ep);
  else gemm_column_blocks(a, b, n, c, ldc, pool, ep);
}

}  // namespace rknnc::runtime::kernels
