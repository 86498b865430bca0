#include "quant/qdq_nodes.h"

#include "passes/helpers/rewrite.h"

namespace rknnc::quant {

void add_linear_quant_node(ir::Graph& g, const std::string& op, const std::string& in, const std::string& out,
                           const ir::QuantParams& p) {
  const ir::Shape shape = p.per_channel() ? ir::Shape{static_cast<int64_t>(p.scale.size())} : ir::Shape{};
  const std::string scale = g.unique_name(out + "_scale"), zero = g.unique_name(out + "_zero_point");
  g.add_constant(scale, ir::Tensor::from<float>(shape, p.scale));
  const ir::Tensor* c = g.constant(in);
  if (op == "DequantizeLinear" && c && c->dtype() == ir::DataType::Int32)
    g.add_constant(zero, ir::Tensor::from<int32_t>(shape, p.zero_point));
  else
    g.add_constant(zero, ir::Tensor::from<int8_t>(shape, std::vector<int8_t>(p.zero_point.begin(), p.zero_point.end())));
  auto node = std::make_unique<ir::Node>();
  node->name = passes::unique_node_name(g, out + "_" + op);
  node->op_type = op;
  node->inputs = {in, scale, zero};
  node->outputs = {out};
  if (p.per_channel()) node->attrs.set("axis", static_cast<int64_t>(p.axis));
  g.add_node(std::move(node));
}

}  // namespace rknnc::quant
