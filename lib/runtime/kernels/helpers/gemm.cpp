#include "runtime/kernels/helpers/gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace rknnc::runtime::kernels {
namespace {

constexpr int64_t kMr = 4, kNr = 8;             // register tile
constexpr int64_t kMc = 64, kNc = 256, kKc = 256;  // cache blocks

typedef float v8 __attribute__((vector_size(32)));

float a_at(const GemmArgs& g, int64_t i, int64_t p) { return g.trans_a ? g.a[p * g.lda + i] : g.a[i * g.lda + p]; }
float b_at(const GemmArgs& g, int64_t p, int64_t j) { return g.trans_b ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j]; }

// A[i0:i0+mc, p0:p0+kc] as panels of kMr rows: dst[panel][p][r], zero padded.
void pack_a(const GemmArgs& g, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* dst) {
  for (int64_t ip = 0; ip < mc; ip += kMr)
    for (int64_t p = 0; p < kc; ++p)
      for (int64_t r = 0; r < kMr; ++r)
        *dst++ = ip + r < mc ? a_at(g, i0 + ip + r, p0 + p) : 0.0f;
}

// B[p0:p0+kc, j0:j0+nc] as panels of kNr columns: dst[panel][p][c], zero padded.
void pack_b(const GemmArgs& g, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) {
  for (int64_t jp = 0; jp < nc; jp += kNr) {
    const int64_t w = std::min(kNr, nc - jp);
    for (int64_t p = 0; p < kc; ++p) {
      if (!g.trans_b && w == kNr) {
        std::memcpy(dst, g.b + (p0 + p) * g.ldb + j0 + jp, sizeof(float) * kNr);
        dst += kNr;
        continue;
      }
      for (int64_t c = 0; c < kNr; ++c) *dst++ = c < w ? b_at(g, p0 + p, j0 + jp + c) : 0.0f;
    }
  }
}

void micro_kernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t rows, int64_t cols) {
  v8 c0 = {}, c1 = {}, c2 = {}, c3 = {};
  for (int64_t p = 0; p < kc; ++p) {
    v8 bv;
    std::memcpy(&bv, b + p * kNr, sizeof(bv));
    c0 += a[0] * bv;
    c1 += a[1] * bv;
    c2 += a[2] * bv;
    c3 += a[3] * bv;
    a += kMr;
  }
  float tile[kMr][kNr];
  std::memcpy(tile[0], &c0, sizeof(c0));
  std::memcpy(tile[1], &c1, sizeof(c1));
  std::memcpy(tile[2], &c2, sizeof(c2));
  std::memcpy(tile[3], &c3, sizeof(c3));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; ++j) c[r * ldc + j] += tile[r][j];
}

void gemm_tile(const GemmArgs& g, int64_t i0, int64_t mc, int64_t j0, int64_t nc) {
  thread_local std::vector<float> pa, pb;
  pa.resize(static_cast<size_t>(((mc + kMr - 1) / kMr) * kMr * kKc));
  pb.resize(static_cast<size_t>(((nc + kNr - 1) / kNr) * kNr * kKc));
  if (!g.accumulate)
    for (int64_t i = 0; i < mc; ++i) std::fill_n(g.c + (i0 + i) * g.ldc + j0, nc, 0.0f);
  for (int64_t p0 = 0; p0 < g.k; p0 += kKc) {
    const int64_t kc = std::min(kKc, g.k - p0);
    pack_a(g, i0, mc, p0, kc, pa.data());
    pack_b(g, p0, kc, j0, nc, pb.data());
    for (int64_t jp = 0; jp < nc; jp += kNr)
      for (int64_t ip = 0; ip < mc; ip += kMr)
        micro_kernel(kc, pa.data() + ip * kc, pb.data() + jp * kc, g.c + (i0 + ip) * g.ldc + j0 + jp, g.ldc,
                     std::min(kMr, mc - ip), std::min(kNr, nc - jp));
  }
}

}  // namespace

void sgemm(const GemmArgs& g, ThreadPool* pool) {
  if (g.m <= 0 || g.n <= 0) return;
  if (g.k <= 0) {
    if (!g.accumulate)
      for (int64_t i = 0; i < g.m; ++i) std::fill_n(g.c + i * g.ldc, g.n, 0.0f);
    return;
  }
  const int64_t tm = (g.m + kMc - 1) / kMc, tn = (g.n + kNc - 1) / kNc;
  auto body = [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      const int64_t i0 = (t / tn) * kMc, j0 = (t % tn) * kNc;
      gemm_tile(g, i0, std::min(kMc, g.m - i0), j0, std::min(kNc, g.n - j0));
    }
  };
  if (pool) pool->parallel_for(tm * tn, std::min(kMc, g.m) * std::min(kNc, g.n) * g.k, body);
  else body(0, tm * tn);
}

void sgemm_reference(const GemmArgs& g) {
  for (int64_t i = 0; i < g.m; ++i)
    for (int64_t j = 0; j < g.n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < g.k; ++p) s += static_cast<double>(a_at(g, i, p)) * b_at(g, p, j);
      float& c = g.c[i * g.ldc + j];
      c = static_cast<float>(g.accumulate ? c + s : s);
    }
}

}  // namespace rknnc::runtime::kernels
