#include "runtime/kernels/helpers/recurrent.h"

namespace rknnc::runtime::kernels {
namespace {

// Gates z, r, h (W rows in that order):
//   zt = f(Wz·Xt + Rz·Ht-1 + b),  rt = f(Wr·Xt + Rr·Ht-1 + b)
//   ht = g(Wh·Xt + Rh·(rt ⊙ Ht-1) + Wbh + Rbh)          linear_before_reset = 0
//   ht = g(Wh·Xt + Wbh + rt ⊙ (Rh·Ht-1 + Rbh))          linear_before_reset = 1
//   Ht = (1 - zt) ⊙ ht + zt ⊙ Ht-1
void gru_f32(KernelContext& ctx) {
  const RecurrentArgs a = read_recurrent_args(ctx, {3, {"Sigmoid", "Tanh"}}, false);
  const bool linear_before_reset = ctx.attrs().get_int("linear_before_reset", 0) != 0;
  run_recurrence(ctx, a, [&a, linear_before_reset](int64_t d, const float* x, float* h, float*) {
    const int64_t H = a.hidden;
    const auto& act = a.acts[static_cast<size_t>(d)];
    std::vector<float> zr(static_cast<size_t>(2 * H)), cand(static_cast<size_t>(H)), tmp(static_cast<size_t>(H));
    gate_inputs(a, d, 0, 2 * H, x, h, zr.data());
    for (auto& v : zr) v = act[0](clip_value(a, v));
    const float* z = zr.data();
    const float* r = zr.data() + H;
    input_part(a, d, 2 * H, H, x, cand.data());
    if (linear_before_reset) {
      hidden_part(a, d, 2 * H, H, h, tmp.data());
      for (int64_t j = 0; j < H; ++j) cand[static_cast<size_t>(j)] += r[j] * tmp[static_cast<size_t>(j)];
    } else {
      for (int64_t j = 0; j < H; ++j) tmp[static_cast<size_t>(j)] = r[j] * h[j];
      hidden_part(a, d, 2 * H, H, tmp.data(), cand.data());
    }
    for (int64_t j = 0; j < H; ++j) {
      const float hc = act[1](clip_value(a, cand[static_cast<size_t>(j)]));
      h[j] = (1.f - z[j]) * hc + z[j] * h[j];
    }
  }, false);
}

RKNNC_KERNEL("GRU", ir::DataType::Float32, gru_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
