#pragma once
// Shared parts of RNN, GRU and LSTM: attributes, inputs brought to layout 0
// ([seq, batch, …]), activation functions by name, the time loop over every
// direction and batch row (reverse direction, sequence_lens), and outputs in
// the node's layout. An op file supplies only its cell.
#include <functional>
#include <string>
#include <vector>

#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {

// One ONNX recurrent activation (Sigmoid, Tanh, Relu, Affine, LeakyRelu, …).
struct Activation {
  enum class Kind { Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus };
  Kind kind = Kind::Tanh;
  float alpha = 0, beta = 0;
  float operator()(float x) const;
};

struct RecurrentSpec {
  int64_t gates;                           // 1 (RNN), 3 (GRU), 4 (LSTM)
  std::vector<std::string> default_acts;   // per direction: {Tanh} / {Sigmoid, Tanh} / {Sigmoid, Tanh, Tanh}
};

struct RecurrentArgs {
  int64_t seq = 0, batch = 0, input = 0, hidden = 0, dirs = 1;
  bool batch_first = false;  // layout 1
  std::vector<bool> reverse;  // per direction
  float clip = 0;             // 0: no clipping
  std::vector<std::vector<Activation>> acts;  // per direction
  std::vector<float> x;        // [seq, batch, input]
  const float* w = nullptr;    // [dirs, gates·H, input]
  const float* r = nullptr;    // [dirs, gates·H, H]
  std::vector<float> bias;     // [dirs, 2·gates·H] (Wb then Rb; zeros when absent)
  std::vector<int64_t> lens;   // per batch row
  std::vector<float> h0, c0;   // [dirs, batch, H] (zeros when absent)
};

// Reads attributes and inputs 0–6 (X, W, R, B, sequence_lens, initial_h,
// initial_c when `cell_state`); fails naming the node on a bad shape.
RecurrentArgs read_recurrent_args(const KernelContext& ctx, const RecurrentSpec& spec, bool cell_state);

// Gate pre-activations over `rows` gate rows from row `first` of direction
// `dir`: input_part sets out = W·x + Wb, hidden_part adds R·h + Rb,
// gate_inputs does both.
void input_part(const RecurrentArgs& a, int64_t dir, int64_t first, int64_t rows, const float* x, float* out);
void hidden_part(const RecurrentArgs& a, int64_t dir, int64_t first, int64_t rows, const float* h, float* out);
void gate_inputs(const RecurrentArgs& a, int64_t dir, int64_t first, int64_t rows, const float* x, const float* h,
                 float* out);
// out[i] += Σ_k m[i·cols + k] · v[k] for i < rows.
void matvec_add(const float* m, int64_t rows, int64_t cols, const float* v, float* out);
float clip_value(const RecurrentArgs& a, float v);

// step(dir, x_t, h, c) advances the state of one (direction, batch row) in
// place (c is null for RNN / GRU); it runs on pool threads and must not throw.
// Writes Y, Y_h and Y_c (with `cell_state`) in the node's layout.
using RecurrentStep = std::function<void(int64_t dir, const float* x, float* h, float* c)>;
void run_recurrence(KernelContext& ctx, const RecurrentArgs& a, const RecurrentStep& step, bool cell_state);

}  // namespace rknnc::runtime::kernels
