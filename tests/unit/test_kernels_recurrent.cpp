// RNN / GRU / LSTM beyond the forward-only ONNX node tests: reverse and
// bidirectional runs, layout 1, sequence_lens, clip, linear_before_reset.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "runtime/executor.h"
#include "util/error.h"

using namespace rknnc;

// Named, not anonymous: make test's unity build joins the unit test files,
// and other files' anonymous namespaces have helpers of these names.
namespace recurrent_test {

runtime::ThreadPool& recurrent_pool() {
  static runtime::ThreadPool p(2);
  return p;
}

ir::Tensor random_sequence_input(ir::Shape shape, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(ir::shape_numel(shape)));
  for (auto& x : v) x = dist(rng);
  return ir::Tensor::from<float>(std::move(shape), v);
}

ir::Node recurrent(const std::string& op, int64_t hidden, const std::string& direction = "forward") {
  ir::Node n{"n", op, "", {"x", "w", "r", "b", "lens", "h0"}, {"y", "y_h"}, {}};
  if (op == "LSTM") n.outputs.push_back("y_c");
  n.attrs.set("hidden_size", hidden);
  n.attrs.set("direction", direction);
  return n;
}

std::vector<ir::Tensor> run_recurrent(const ir::Node& n, const std::vector<const ir::Tensor*>& in) {
  return runtime::Executor::run_node(n, in, recurrent_pool());
}

// [S, ...] with the first dim reversed.
ir::Tensor reversed_in_time(const ir::Tensor& t) {
  const int64_t s = t.shape()[0], step = t.numel() / s;
  std::vector<float> v(static_cast<size_t>(t.numel()));
  for (int64_t i = 0; i < s; ++i) std::copy_n(t.data<float>() + i * step, step, v.data() + (s - 1 - i) * step);
  return ir::Tensor::from<float>(t.shape(), v);
}

// Direction `d` of a [S, D, B, H] output.
std::vector<float> direction_of(const ir::Tensor& y, int64_t d) {
  const auto& s = y.shape();
  const int64_t block = s[2] * s[3];
  std::vector<float> v;
  for (int64_t t = 0; t < s[0]; ++t) {
    const float* p = y.data<float>() + (t * s[1] + d) * block;
    v.insert(v.end(), p, p + block);
  }
  return v;
}

void check_sequence_close(const std::vector<float>& got, const std::vector<float>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) CHECK(got[i] == Approx(want[i]).margin(1e-5));
}

std::vector<float> sequence_values(const ir::Tensor& t) { return {t.data<float>(), t.data<float>() + t.numel()}; }

}  // namespace recurrent_test

using namespace recurrent_test;

TEST_CASE("RNN follows Ht = tanh(W·Xt + R·Ht-1 + Wb + Rb)", "[kernels][recurrent]") {
  const auto x = ir::Tensor::from<float>({2, 1, 1}, {1.f, 2.f});
  const auto w = ir::Tensor::from<float>({1, 1, 1}, {0.5f});
  const auto r = ir::Tensor::from<float>({1, 1, 1}, {0.25f});
  const auto b = ir::Tensor::from<float>({1, 2}, {0.1f, -0.2f});
  const auto out = run_recurrent(recurrent("RNN", 1), {&x, &w, &r, &b});
  const float h1 = std::tanh(0.5f - 0.1f), h2 = std::tanh(1.0f + 0.25f * h1 - 0.1f);
  check_sequence_close(sequence_values(out[0]), {h1, h2});
  check_sequence_close(sequence_values(out[1]), {h2});
}

TEST_CASE("reverse runs equal forward runs on the time-reversed input; bidirectional stacks both",
          "[kernels][recurrent]") {
  std::mt19937 rng(3);
  for (const std::string op : {"RNN", "GRU", "LSTM"}) {
    const int64_t gates = op == "RNN" ? 1 : op == "GRU" ? 3 : 4, H = 3, I = 2, S = 4, B = 2;
    const auto x = random_sequence_input({S, B, I}, rng), xr = reversed_in_time(x);
    const auto w2 = random_sequence_input({2, gates * H, I}, rng), r2 = random_sequence_input({2, gates * H, H}, rng);
    const auto b2 = random_sequence_input({2, 2 * gates * H}, rng), h2 = random_sequence_input({2, B, H}, rng);
    auto half = [](const ir::Tensor& t, int64_t d) {
      ir::Shape s = t.shape();
      s[0] = 1;
      const int64_t n = ir::shape_numel(s);
      return ir::Tensor::from<float>(s, std::vector<float>(t.data<float>() + d * n, t.data<float>() + (d + 1) * n));
    };
    const auto wf = half(w2, 0), rf = half(r2, 0), bf = half(b2, 0), hf = half(h2, 0);
    const auto wr = half(w2, 1), rr = half(r2, 1), br = half(b2, 1), hr = half(h2, 1);
    const auto fwd = run_recurrent(recurrent(op, H), {&x, &wf, &rf, &bf, nullptr, &hf});
    const auto rev = run_recurrent(recurrent(op, H, "reverse"), {&x, &wr, &rr, &br, nullptr, &hr});
    const auto fwd_of_reversed = run_recurrent(recurrent(op, H), {&xr, &wr, &rr, &br, nullptr, &hr});
    check_sequence_close(sequence_values(rev[0]), sequence_values(reversed_in_time(fwd_of_reversed[0])));
    check_sequence_close(sequence_values(rev[1]), sequence_values(fwd_of_reversed[1]));
    const auto bi = run_recurrent(recurrent(op, H, "bidirectional"), {&x, &w2, &r2, &b2, nullptr, &h2});
    REQUIRE(bi[0].shape() == ir::Shape{S, 2, B, H});
    check_sequence_close(direction_of(bi[0], 0), sequence_values(fwd[0]));
    check_sequence_close(direction_of(bi[0], 1), sequence_values(rev[0]));
    std::vector<float> both = sequence_values(fwd[1]);
    for (float v : sequence_values(rev[1])) both.push_back(v);
    check_sequence_close(sequence_values(bi[1]), both);
  }
}

TEST_CASE("layout 1 is layout 0 with batch first", "[kernels][recurrent]") {
  std::mt19937 rng(4);
  const int64_t H = 2, I = 3, S = 3, B = 2;
  const auto x = random_sequence_input({S, B, I}, rng), w = random_sequence_input({1, 4 * H, I}, rng);
  const auto r = random_sequence_input({1, 4 * H, H}, rng);
  std::vector<float> xt(static_cast<size_t>(x.numel()));
  for (int64_t s = 0; s < S; ++s)
    for (int64_t b = 0; b < B; ++b)
      std::copy_n(x.data<float>() + (s * B + b) * I, I, xt.data() + (b * S + s) * I);
  const auto xb = ir::Tensor::from<float>({B, S, I}, xt);
  ir::Node n = recurrent("LSTM", H);
  const auto seq_first = run_recurrent(n, {&x, &w, &r});
  n.attrs.set("layout", int64_t{1});
  const auto batch_first = run_recurrent(n, {&xb, &w, &r});
  REQUIRE(batch_first[0].shape() == ir::Shape{B, S, 1, H});
  REQUIRE(batch_first[2].shape() == ir::Shape{B, 1, H});
  for (int64_t s = 0; s < S; ++s)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t j = 0; j < H; ++j)
        CHECK(batch_first[0].data<float>()[(b * S + s) * H + j] == Approx(seq_first[0].data<float>()[(s * B + b) * H + j]));
  check_sequence_close(sequence_values(batch_first[2]), sequence_values(seq_first[2]));
}

TEST_CASE("sequence_lens stops a batch row early and zero-fills its Y", "[kernels][recurrent]") {
  std::mt19937 rng(5);
  const int64_t H = 2, I = 2, S = 3, B = 2;
  const auto x = random_sequence_input({S, B, I}, rng), w = random_sequence_input({1, 3 * H, I}, rng);
  const auto r = random_sequence_input({1, 3 * H, H}, rng);
  const auto lens = ir::Tensor::from<int32_t>({B}, {3, 1});
  const auto out = run_recurrent(recurrent("GRU", H), {&x, &w, &r, nullptr, &lens});
  const float* y = out[0].data<float>();
  for (int64_t t = 1; t < S; ++t)
    for (int64_t j = 0; j < H; ++j) CHECK(y[(t * B + 1) * H + j] == 0.f);
  for (int64_t j = 0; j < H; ++j) CHECK(out[1].data<float>()[H + j] == y[(0 * B + 1) * H + j]);
  const auto bad = ir::Tensor::from<int32_t>({B}, {3, 4});
  CHECK_THROWS_AS(run_recurrent(recurrent("GRU", H), {&x, &w, &r, nullptr, &bad}), Error);
}

TEST_CASE("GRU linear_before_reset, clip and named activations", "[kernels][recurrent]") {
  const auto x = ir::Tensor::from<float>({1, 1, 1}, {1.f});
  const auto w = ir::Tensor::from<float>({1, 3, 1}, {0.3f, -0.4f, 0.8f});
  const auto r = ir::Tensor::from<float>({1, 3, 1}, {0.5f, 0.6f, -0.7f});
  const auto b = ir::Tensor::from<float>({1, 6}, {0.1f, 0.2f, 0.3f, -0.1f, 0.05f, 0.4f});
  const auto h0 = ir::Tensor::from<float>({1, 1, 1}, {0.5f});
  auto sig = [](float v) { return 1.f / (1.f + std::exp(-v)); };
  const float z = sig(0.3f + 0.5f * 0.5f + 0.1f - 0.1f), rr = sig(-0.4f + 0.6f * 0.5f + 0.2f + 0.05f);
  ir::Node n = recurrent("GRU", 1);
  const float after = std::tanh(0.8f + 0.3f + rr * (-0.7f * 0.5f + 0.4f));
  const float before = std::tanh(0.8f + 0.3f + -0.7f * (rr * 0.5f) + 0.4f);
  check_sequence_close(sequence_values(run_recurrent(n, {&x, &w, &r, &b, nullptr, &h0})[1]), {(1 - z) * before + z * 0.5f});
  n.attrs.set("linear_before_reset", int64_t{1});
  check_sequence_close(sequence_values(run_recurrent(n, {&x, &w, &r, &b, nullptr, &h0})[1]), {(1 - z) * after + z * 0.5f});

  ir::Node rnn = recurrent("RNN", 1);
  rnn.attrs.set("activations", std::vector<std::string>{"Relu"});
  rnn.attrs.set("clip", 0.2f);
  const auto rw = ir::Tensor::from<float>({1, 1, 1}, {3.f});
  check_sequence_close(sequence_values(run_recurrent(rnn, {&x, &rw, &rw})[1]), {0.2f});
  rnn.attrs.set("activations", std::vector<std::string>{"Swish"});
  CHECK_THROWS_AS(run_recurrent(rnn, {&x, &rw, &rw}), Error);
}
