#include "runtime/kernels/helpers/recurrent.h"

#include <algorithm>
#include <cmath>

namespace rknnc::runtime::kernels {
namespace {

using Kind = Activation::Kind;

struct ActivationName {
  const char* name;
  Kind kind;
  int params;  // how many of activation_alpha / activation_beta it takes (0, 1 or 2)
  float alpha, beta;
};

constexpr ActivationName kActivations[] = {
    {"Relu", Kind::Relu, 0, 0, 0},
    {"Tanh", Kind::Tanh, 0, 0, 0},
    {"Sigmoid", Kind::Sigmoid, 0, 0, 0},
    {"Affine", Kind::Affine, 2, 1.f, 0.f},
    {"LeakyRelu", Kind::LeakyRelu, 1, 0.01f, 0},
    {"ThresholdedRelu", Kind::ThresholdedRelu, 1, 1.f, 0},
    {"ScaledTanh", Kind::ScaledTanh, 2, 1.f, 1.f},
    {"HardSigmoid", Kind::HardSigmoid, 2, 0.2f, 0.5f},
    {"Elu", Kind::Elu, 1, 1.f, 0},
    {"Softsign", Kind::Softsign, 0, 0, 0},
    {"Softplus", Kind::Softplus, 0, 0, 0},
};

// activations / activation_alpha / activation_beta, per direction. Alphas and
// betas are consumed in order by the activations that take them.
std::vector<std::vector<Activation>> read_activations(const KernelContext& ctx, const RecurrentSpec& spec, int64_t dirs) {
  const auto per_dir = spec.default_acts.size();
  std::vector<std::string> names = ctx.attrs().get_strings("activations");
  if (names.empty())
    for (int64_t d = 0; d < dirs; ++d) names.insert(names.end(), spec.default_acts.begin(), spec.default_acts.end());
  if (names.size() != per_dir * static_cast<size_t>(dirs))
    ctx.fail("activations lists {} functions; {} direction(s) need {}", names.size(), dirs, per_dir * dirs);
  const auto alphas = ctx.attrs().get_floats("activation_alpha"), betas = ctx.attrs().get_floats("activation_beta");
  size_t ai = 0, bi = 0;
  std::vector<std::vector<Activation>> out(static_cast<size_t>(dirs));
  for (size_t i = 0; i < names.size(); ++i) {
    const auto* it = std::find_if(std::begin(kActivations), std::end(kActivations),
                                  [&](const ActivationName& a) { return names[i] == a.name; });
    if (it == std::end(kActivations)) ctx.fail("activation '{}' is not supported", names[i]);
    Activation act{it->kind, it->alpha, it->beta};
    if (it->params >= 1 && ai < alphas.size()) act.alpha = alphas[ai++];
    if (it->params >= 2 && bi < betas.size()) act.beta = betas[bi++];
    out[i / per_dir].push_back(act);
  }
  return out;
}

// Copies `t` ([A, B, rest]) with its first two dims swapped when `swap`.
std::vector<float> first_dims_swapped(const ir::Tensor& t, bool swap) {
  const float* src = t.data<float>();
  if (!swap) return {src, src + t.numel()};
  const int64_t a = t.shape()[0], b = t.shape()[1], rest = a * b > 0 ? t.numel() / (a * b) : 0;
  std::vector<float> out(static_cast<size_t>(t.numel()));
  for (int64_t i = 0; i < a; ++i)
    for (int64_t j = 0; j < b; ++j) std::copy_n(src + (i * b + j) * rest, rest, out.data() + (j * a + i) * rest);
  return out;
}

void expect_shape(const KernelContext& ctx, const char* what, const ir::Tensor& t, const ir::Shape& want) {
  if (t.shape() != want)
    ctx.fail("{} has shape {}, expected {}", what, ir::shape_str(t.shape()), ir::shape_str(want));
}

// initial_h / initial_c in layout 0, zeros when absent.
std::vector<float> initial_state(const KernelContext& ctx, size_t i, const char* what, const RecurrentArgs& a) {
  const ir::Tensor* t = ctx.opt(i);
  if (!t) return std::vector<float>(static_cast<size_t>(a.dirs * a.batch * a.hidden), 0.f);
  expect_shape(ctx, what, *t, a.batch_first ? ir::Shape{a.batch, a.dirs, a.hidden} : ir::Shape{a.dirs, a.batch, a.hidden});
  return first_dims_swapped(*t, a.batch_first);
}

}  // namespace

float Activation::operator()(float x) const {
  switch (kind) {
    case Kind::Relu: return std::max(x, 0.f);
    case Kind::Tanh: return std::tanh(x);
    case Kind::Sigmoid: return 1.f / (1.f + std::exp(-x));
    case Kind::Affine: return alpha * x + beta;
    case Kind::LeakyRelu: return x < 0 ? alpha * x : x;
    case Kind::ThresholdedRelu: return x > alpha ? x : 0.f;
    case Kind::ScaledTanh: return alpha * std::tanh(beta * x);
    case Kind::HardSigmoid: return std::clamp(alpha * x + beta, 0.f, 1.f);
    case Kind::Elu: return x < 0 ? alpha * (std::exp(x) - 1.f) : x;
    case Kind::Softsign: return x / (1.f + std::abs(x));
    case Kind::Softplus: return std::log1p(std::exp(x));
  }
  return x;
}

RecurrentArgs read_recurrent_args(const KernelContext& ctx, const RecurrentSpec& spec, bool cell_state) {
  RecurrentArgs a;
  const std::string direction = ctx.attrs().get_string("direction", "forward");
  if (direction == "forward" || direction == "reverse") a.reverse = {direction == "reverse"};
  else if (direction == "bidirectional") a.reverse = {false, true};
  else ctx.fail("direction '{}' is not one of forward, reverse, bidirectional", direction);
  a.dirs = static_cast<int64_t>(a.reverse.size());
  a.batch_first = ctx.attrs().get_int("layout", 0) != 0;
  a.clip = ctx.attrs().get_float("clip", 0.f);
  if (a.clip < 0) ctx.fail("clip {} is negative", a.clip);
  const ir::Tensor& x = ctx.in(0);
  if (x.shape().size() != 3) ctx.fail("X must be 3-D, got {}", ir::shape_str(x.shape()));
  a.seq = x.shape()[a.batch_first ? 1 : 0];
  a.batch = x.shape()[a.batch_first ? 0 : 1];
  a.input = x.shape()[2];
  const ir::Tensor& w = ctx.in(1);
  if (w.shape().size() != 3 || w.shape()[1] % spec.gates != 0)
    ctx.fail("W has shape {}, expected [{}, {}·hidden_size, {}]", ir::shape_str(w.shape()), a.dirs, spec.gates, a.input);
  a.hidden = ctx.attrs().get_int("hidden_size", w.shape()[1] / spec.gates);
  const int64_t gh = spec.gates * a.hidden;
  expect_shape(ctx, "W", w, {a.dirs, gh, a.input});
  expect_shape(ctx, "R", ctx.in(2), {a.dirs, gh, a.hidden});
  a.x = first_dims_swapped(x, a.batch_first);
  a.w = w.data<float>();
  a.r = ctx.in(2).data<float>();
  a.bias.assign(static_cast<size_t>(a.dirs * 2 * gh), 0.f);
  if (const ir::Tensor* b = ctx.opt(3)) {
    expect_shape(ctx, "B", *b, {a.dirs, 2 * gh});
    std::copy_n(b->data<float>(), b->numel(), a.bias.begin());
  }
  a.lens.assign(static_cast<size_t>(a.batch), a.seq);
  if (const ir::Tensor* l = ctx.opt(4)) {
    if (l->numel() != a.batch) ctx.fail("sequence_lens has {} values for batch {}", l->numel(), a.batch);
    for (int64_t b = 0; b < a.batch; ++b) {
      const int64_t n = l->get_as_int(b);
      if (n < 0 || n > a.seq) ctx.fail("sequence_lens[{}] = {} is outside [0, {}]", b, n, a.seq);
      a.lens[static_cast<size_t>(b)] = n;
    }
  }
  a.h0 = initial_state(ctx, 5, "initial_h", a);
  if (cell_state) a.c0 = initial_state(ctx, 6, "initial_c", a);
  a.acts = read_activations(ctx, spec, a.dirs);
  return a;
}

void matvec_add(const float* m, int64_t rows, int64_t cols, const float* v, float* out) {
  for (int64_t i = 0; i < rows; ++i) {
    const float* row = m + i * cols;
    float s = 0;
    for (int64_t k = 0; k < cols; ++k) s += row[k] * v[k];
    out[i] += s;
  }
}

float clip_value(const RecurrentArgs& a, float v) { return a.clip > 0 ? std::clamp(v, -a.clip, a.clip) : v; }

void input_part(const RecurrentArgs& a, int64_t dir, int64_t first, int64_t rows, const float* x, float* out) {
  const int64_t gh = static_cast<int64_t>(a.bias.size()) / (2 * a.dirs);
  std::copy_n(a.bias.data() + dir * 2 * gh + first, rows, out);
  matvec_add(a.w + (dir * gh + first) * a.input, rows, a.input, x, out);
}

void hidden_part(const RecurrentArgs& a, int64_t dir, int64_t first, int64_t rows, const float* h, float* out) {
  const int64_t gh = static_cast<int64_t>(a.bias.size()) / (2 * a.dirs);
  const float* rb = a.bias.data() + dir * 2 * gh + gh + first;
  for (int64_t i = 0; i < rows; ++i) out[i] += rb[i];
  matvec_add(a.r + (dir * gh + first) * a.hidden, rows, a.hidden, h, out);
}

void gate_inputs(const RecurrentArgs& a, int64_t dir, int64_t first, int64_t rows, const float* x, const float* h,
                 float* out) {
  input_part(a, dir, first, rows, x, out);
  hidden_part(a, dir, first, rows, h, out);
}

void run_recurrence(KernelContext& ctx, const RecurrentArgs& a, const RecurrentStep& step, bool cell_state) {
  const int64_t H = a.hidden, B = a.batch, D = a.dirs, S = a.seq;
  std::vector<float> y(static_cast<size_t>(S * D * B * H), 0.f);  // layout 0: [seq, dirs, batch, H]
  std::vector<float> h = a.h0, c = cell_state ? a.c0 : std::vector<float>{};
  ctx.pool.parallel_for(D * B, S * H * (a.input + H), [&](int64_t begin, int64_t end) {
    for (int64_t db = begin; db < end; ++db) {
      const int64_t d = db / B, b = db % B, len = a.lens[static_cast<size_t>(b)];
      float* hs = h.data() + db * H;
      float* cs = cell_state ? c.data() + db * H : nullptr;
      for (int64_t k = 0; k < len; ++k) {
        const int64_t t = a.reverse[static_cast<size_t>(d)] ? len - 1 - k : k;
        step(d, a.x.data() + (t * B + b) * a.input, hs, cs);
        std::copy_n(hs, H, y.data() + ((t * D + d) * B + b) * H);
      }
    }
  });
  auto emit = [&](size_t i, std::vector<float> v, const ir::Shape& shape) {
    if (i < ctx.outputs.size() && !ctx.node.outputs[i].empty()) ctx.outputs[i] = ir::Tensor::from<float>(shape, v);
  };
  if (!a.batch_first) {
    emit(0, y, {S, D, B, H});
    emit(1, h, {D, B, H});
    if (cell_state) emit(2, c, {D, B, H});
    return;
  }
  // Layout 1: Y [seq, dirs, batch, H] → [batch, seq, dirs, H]; states [dirs, batch, H] → [batch, dirs, H].
  std::vector<float> yb(y.size());
  for (int64_t t = 0; t < S; ++t)
    for (int64_t d = 0; d < D; ++d)
      for (int64_t b = 0; b < B; ++b)
        std::copy_n(y.data() + ((t * D + d) * B + b) * H, H, yb.data() + ((b * S + t) * D + d) * H);
  emit(0, yb, {B, S, D, H});
  emit(1, first_dims_swapped(ir::Tensor::from<float>({D, B, H}, h), true), {B, D, H});
  if (cell_state) emit(2, first_dims_swapped(ir::Tensor::from<float>({D, B, H}, c), true), {B, D, H});
}

}  // namespace rknnc::runtime::kernels
