// A standalone inference BatchNormalization (one fuse_bn_into_conv could not
// fold, e.g. the pre-activation BNs of ResNet v2 after an Add, or a BN right
// after the model input) becomes y = Add(Mul(x, scale), shift) with
//   scale = γ / sqrt(var + ε);  shift = β − mean·scale
// as float32 constants of shape [C, 1, …] (rank(x) − 2 ones), which broadcast
// along axis 1 of x for any rank ≥ 2. Mul and Add run on the NPU in int8 once
// the graph is quantised; a BatchNormalization would stay float and go to the
// CPU. Exact up to the rounding of scale and shift (computed in double).
#include <algorithm>
#include <memory>

#include "passes/helpers/batchnorm.h"
#include "passes/helpers/match.h"
#include "passes/helpers/rewrite.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

ir::Tensor channel_constant(const std::vector<double>& values, size_t rank) {
  ir::Shape shape(rank - 1, 1);
  shape[0] = static_cast<int64_t>(values.size());
  ir::Tensor t(ir::DataType::Float32, shape);
  float* p = t.data<float>();
  for (size_t c = 0; c < values.size(); ++c) p[c] = static_cast<float>(values[c]);
  return t;
}

std::unique_ptr<ir::Node> make_node(const ir::Graph& g, const std::string& op, const std::string& base,
                                    std::vector<std::string> inputs, std::string output) {
  auto n = std::make_unique<ir::Node>();
  n->name = unique_node_name(g, base);
  n->op_type = op;
  n->inputs = std::move(inputs);
  n->outputs = {std::move(output)};
  return n;
}

class BatchnormToMulAdd final : public Pass {
 public:
  std::string_view name() const override { return "batchnorm_to_mul_add"; }
  std::string_view description() const override {
    return "rewrite a standalone BatchNormalization as Mul + Add by per-channel constants (int8 on the NPU)";
  }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    const int64_t bytes_before = g.constant_bytes();
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const ir::Node& bn = *g.nodes[i];
      if (!is_inference_batchnorm(g, bn)) continue;
      const std::string x = bn.input(0), y = bn.outputs.empty() ? "" : bn.outputs[0];
      const ir::ValueInfo* xi = g.info(x);
      const ir::Tensor* gamma = float_constant_input(g, bn, 1);
      if (y.empty() || !xi || !xi->has_shape || xi->shape.size() < 2 || xi->dtype != ir::DataType::Float32 ||
          !gamma)
        continue;
      const int64_t channels = gamma->numel();
      if (xi->shape[1] >= 0 && xi->shape[1] != channels) continue;
      auto affine = batchnorm_affine(g, bn, channels);
      if (!affine) continue;
      const size_t rank = xi->shape.size();
      const std::string base = bn.name.empty() ? y : bn.name;
      const std::string scaled = g.unique_name(y + "_scaled");
      g.values[scaled] = *xi;
      auto mul = make_node(g, "Mul", base + "_mul", {x}, scaled);
      set_constant_input(g, *mul, 1, channel_constant(affine->scale, rank), base + "_scale");
      auto add = make_node(g, "Add", base + "_add", {scaled}, y);
      set_constant_input(g, *add, 1, channel_constant(affine->shift, rank), base + "_shift");
      // BN at i becomes Mul at i and Add at i + 1, which keeps the topological order.
      g.add_node(std::move(mul));
      g.add_node(std::move(add));
      std::rotate(g.nodes.begin() + static_cast<std::ptrdiff_t>(i + 1), g.nodes.end() - 2, g.nodes.end());
      g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(i));
      ++i;  // skip the Add
      stats.nodes_added += 2;
      ++stats.nodes_removed;
      ++stats.counters["batchnorm_decomposed"];
    }
    if (stats.nodes_added) g.remove_unused_values();
    stats.bytes_saved = bytes_before - g.constant_bytes();
    return stats;
  }
};

RKNNC_REGISTER_PASS(BatchnormToMulAdd);

}  // namespace
}  // namespace rknnc::passes
