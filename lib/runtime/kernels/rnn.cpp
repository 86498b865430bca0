#include "runtime/kernels/helpers/recurrent.h"

namespace rknnc::runtime::kernels {
namespace {

// Ht = f(W·Xt + R·Ht-1 + Wb + Rb).
void rnn_f32(KernelContext& ctx) {
  const RecurrentArgs a = read_recurrent_args(ctx, {1, {"Tanh"}}, false);
  run_recurrence(ctx, a, [&a](int64_t d, const float* x, float* h, float*) {
    std::vector<float> g(static_cast<size_t>(a.hidden));
    gate_inputs(a, d, 0, a.hidden, x, h, g.data());
    const Activation& f = a.acts[static_cast<size_t>(d)][0];
    for (int64_t j = 0; j < a.hidden; ++j) h[j] = f(clip_value(a, g[static_cast<size_t>(j)]));
  }, false);
}

RKNNC_KERNEL("RNN", ir::DataType::Float32, rnn_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
