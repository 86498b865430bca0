#include "runtime/kernels/helpers/recurrent.h"

namespace rknnc::runtime::kernels {
namespace {

// Gates i, o, f, c (W rows in that order), peepholes P = [Pi, Po, Pf]:
//   it = f(Wi·Xt + Ri·Ht-1 + Pi ⊙ Ct-1 + b),  ft = f(… + Pf ⊙ Ct-1)  (1 - it with input_forget)
//   ct = g(Wc·Xt + Rc·Ht-1 + b),  Ct = ft ⊙ Ct-1 + it ⊙ ct
//   ot = f(Wo·Xt + Ro·Ht-1 + Po ⊙ Ct + b),  Ht = ot ⊙ h(Ct)
void lstm_f32(KernelContext& ctx) {
  const RecurrentArgs a = read_recurrent_args(ctx, {4, {"Sigmoid", "Tanh", "Tanh"}}, true);
  const int64_t H = a.hidden;
  std::vector<float> peep(static_cast<size_t>(a.dirs * 3 * H), 0.f);
  if (const ir::Tensor* p = ctx.opt(7)) {
    if (p->shape() != ir::Shape{a.dirs, 3 * H}) ctx.fail("P has shape {}, expected [{}, {}]", ir::shape_str(p->shape()), a.dirs, 3 * H);
    std::copy_n(p->data<float>(), p->numel(), peep.begin());
  }
  const bool input_forget = ctx.attrs().get_int("input_forget", 0) != 0;
  run_recurrence(ctx, a, [&](int64_t d, const float* x, float* h, float* c) {
    const auto& act = a.acts[static_cast<size_t>(d)];
    const float* pi = peep.data() + d * 3 * H;
    const float* po = pi + H;
    const float* pf = pi + 2 * H;
    std::vector<float> g(static_cast<size_t>(4 * H));
    gate_inputs(a, d, 0, 4 * H, x, h, g.data());
    for (int64_t j = 0; j < H; ++j) {
      const auto at = [&](int64_t gate) { return g[static_cast<size_t>(gate * H + j)]; };
      const float it = act[0](clip_value(a, at(0) + pi[j] * c[j]));
      const float ft = input_forget ? 1.f - it : act[0](clip_value(a, at(2) + pf[j] * c[j]));
      const float ct = act[1](clip_value(a, at(3)));
      c[j] = ft * c[j] + it * ct;
      const float ot = act[0](clip_value(a, at(1) + po[j] * c[j]));
      h[j] = ot * act[2](c[j]);
    }
  }, true);
}

RKNNC_KERNEL("LSTM", ir::DataType::Float32, lstm_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
