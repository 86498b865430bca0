// MaxPool's separable passes (width taps per input row, then the window's
// rows per output row) against one pass over every tap in (kd, kh, kw)
// order, bit for bit: ties of +0 and -0, NaN and -inf inputs included, on
// 2-D and 3-D windows with strides, dilations, padding (windows wholly in it
// too) and ceil_mode. And the
// reductions behind GlobalAveragePool, each output summed in element order.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "runtime/executor.h"
#include "random_floats.h"

using namespace rknnc;

namespace {

struct PoolCase {
  std::vector<int64_t> in, kernel, strides, dilations, pads;
  bool ceil;
};

int64_t pool_out_dim(int64_t in, int64_t k, int64_t s, int64_t d, int64_t p0, int64_t p1, bool ceil) {
  const int64_t span = in + p0 + p1 - (k - 1) * d - 1;
  int64_t o = (ceil ? (span + s - 1) / s : span / s) + 1;
  if (ceil && (o - 1) * s >= in + p0) --o;  // the last window starts inside the input or its leading pad
  return o;
}

// One running maximum per output over all in-input taps in order.
std::vector<float> one_pass_max_pool(const PoolCase& t, int64_t planes, const std::vector<float>& x) {
  const size_t r = t.kernel.size();
  std::vector<int64_t> out(r);
  for (size_t d = 0; d < r; ++d)
    out[d] = pool_out_dim(t.in[d], t.kernel[d], t.strides[d], t.dilations[d], t.pads[d], t.pads[d + r], t.ceil);
  int64_t out_size = 1, in_size = 1, taps = 1;
  for (size_t d = 0; d < r; ++d) out_size *= out[d], in_size *= t.in[d], taps *= t.kernel[d];
  std::vector<float> y(static_cast<size_t>(planes * out_size));
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t o = 0; o < out_size; ++o) {
      float m = std::numeric_limits<float>::lowest();
      for (int64_t k = 0; k < taps; ++k) {
        int64_t oi = o, ki = k, idx = 0;
        bool inside = true;
        for (size_t d = r; d-- > 0;) {  // last dim fastest
          const int64_t od = oi % out[d], kd = ki % t.kernel[d];
          oi /= out[d], ki /= t.kernel[d];
          const int64_t i = od * t.strides[d] - t.pads[d] + kd * t.dilations[d];
          inside = inside && i >= 0 && i < t.in[d];
          int64_t stride = 1;
          for (size_t e = d + 1; e < r; ++e) stride *= t.in[e];
          idx += i * stride;
        }
        if (!inside) continue;
        const float v = x[static_cast<size_t>(p * in_size + idx)];
        m = v > m ? v : m;
      }
      y[static_cast<size_t>(p * out_size + o)] = m;
    }
  return y;
}

}  // namespace

TEST_CASE("MaxPool equals one pass over every tap in order, bit for bit", "[kernels]") {
  std::mt19937 rng(71);
  runtime::ThreadPool two(2);
  const PoolCase cases[] = {
      {{20, 20}, {5, 5}, {1, 1}, {1, 1}, {2, 2, 2, 2}, false},  // yolov5's SPPF
      {{112, 112}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, false},  // resnet's stem pool
      {{13, 17}, {3, 2}, {2, 3}, {2, 1}, {1, 0, 2, 1}, true},   // dilated, uneven pads, ceil_mode
      {{5, 6, 7}, {2, 3, 2}, {1, 2, 1}, {1, 1, 2}, {0, 1, 1, 1, 0, 0}, false},  // 3-D
      {{9, 40}, {1, 7}, {1, 1}, {1, 1}, {0, 3, 0, 3}, false},   // one kernel row, a wide one
      {{7, 9}, {3, 3}, {1, 1}, {2, 2}, {2, 3, 2, 3}, false},    // dilated at stride 1
      {{4, 5}, {2, 2}, {1, 1}, {1, 1}, {3, 2, 3, 2}, false},    // windows wholly inside the padding
      {{11, 12}, {3, 3}, {3, 2}, {1, 1}, {1, 1, 2, 2}, true},   // unequal strides, ceil_mode
      {{10, 11}, {3, 3}, {2, 1}, {2, 1}, {1, 0, 1, 2}, true},   // framed rows at stride 2 down the plane
  };
  for (const PoolCase& t : cases) {
    const int64_t planes = 6;
    int64_t in_size = 1;
    for (int64_t v : t.in) in_size *= v;
    std::vector<float> x = random_floats(static_cast<size_t>(planes * in_size), rng);
    for (size_t i = 0; i < x.size(); i += 7) x[i] = 0.0f;  // ties of +0 and -0 ...
    for (size_t i = 3; i < x.size(); i += 11) x[i] = -0.0f;
    for (size_t i = 5; i < x.size(); i += 29) x[i] = std::nanf("");  // ... and NaNs, which the maximum skips
    for (float& v : x) v = v > 0.5f ? -v : v;  // most values negative: zeros often win
    for (size_t i = 2; i < x.size(); i += 13) x[i] = -std::numeric_limits<float>::infinity();
    ir::Shape shape{2, 3};
    shape.insert(shape.end(), t.in.begin(), t.in.end());
    const ir::Tensor xt = ir::Tensor::from<float>(shape, x);
    ir::Node node;
    node.name = "pool";
    node.op_type = "MaxPool";
    node.inputs = {"x"};
    node.outputs = {"y"};
    node.attrs.set("kernel_shape", t.kernel);
    node.attrs.set("strides", t.strides);
    node.attrs.set("dilations", t.dilations);
    node.attrs.set("pads", t.pads);
    node.attrs.set("ceil_mode", int64_t{t.ceil});
    const auto want = one_pass_max_pool(t, planes, x);
    const ir::Tensor y = runtime::Executor::run_node(node, {&xt}, two)[0];
    CAPTURE(t.in.size(), t.kernel[0]);
    REQUIRE(y.numel() == static_cast<int64_t>(want.size()));
    REQUIRE(std::memcmp(y.raw(), want.data(), want.size() * sizeof(float)) == 0);
  }
}

// Reductions over trailing axes fold eight outputs side by side; each output
// must still be one sum in element order (0 + x0 + x1 + ...), then / count.
TEST_CASE("GlobalAveragePool and ReduceSum fold each output in element order", "[kernels]") {
  std::mt19937 rng(73);
  runtime::ThreadPool one(1), two(2);
  const ir::Shape shape{2, 13, 5, 7};  // 26 outputs: three groups of eight and a tail of two
  std::vector<float> x = random_floats(static_cast<size_t>(ir::shape_numel(shape)), rng);
  for (size_t i = 0; i < x.size(); i += 3) x[i] *= 1e6f;  // magnitudes far apart: another order rounds differently
  const ir::Tensor xt = ir::Tensor::from<float>(shape, x);
  const int64_t count = 35, outputs = 26;
  std::vector<float> sums(static_cast<size_t>(outputs)), means(sums.size());
  for (int64_t o = 0; o < outputs; ++o) {
    float acc = 0.0f;
    for (int64_t i = 0; i < count; ++i) acc = acc + x[static_cast<size_t>(o * count + i)];
    sums[static_cast<size_t>(o)] = acc;
    means[static_cast<size_t>(o)] = acc / static_cast<float>(count);
  }
  ir::Node gap;
  gap.name = "gap";
  gap.op_type = "GlobalAveragePool";
  gap.inputs = {"x"};
  gap.outputs = {"y"};
  ir::Node sum = gap;
  sum.name = "sum";
  sum.op_type = "ReduceSum";
  sum.attrs.set("axes", std::vector<int64_t>{2, 3});
  for (runtime::ThreadPool* pool : {&one, &two}) {
    const ir::Tensor ya = runtime::Executor::run_node(gap, {&xt}, *pool)[0];
    const ir::Tensor ys = runtime::Executor::run_node(sum, {&xt}, *pool)[0];
    REQUIRE(ya.numel() == outputs);
    REQUIRE(std::memcmp(ya.raw(), means.data(), means.size() * sizeof(float)) == 0);
    REQUIRE(std::memcmp(ys.raw(), sums.data(), sums.size() * sizeof(float)) == 0);
  }
}
