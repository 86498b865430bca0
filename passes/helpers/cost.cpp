#include "passes/helpers/cost.h"

#include "passes/helpers/match.h"

namespace rknnc::passes {
namespace {

double node_macs(const ir::Graph& g, const ir::Node& n) {
  auto w = static_shape(g, n.input(1));
  auto out = static_shape(g, n.outputs.empty() ? "" : n.outputs[0]);
  auto in = static_shape(g, n.input(0));
  if (!w || !out || !in || w->size() < 2) return 0;
  const double out_numel = static_cast<double>(ir::shape_numel(*out));
  if (n.op_type == "Conv") return out_numel * static_cast<double>(ir::shape_numel(*w) / (*w)[0]);
  if (n.op_type == "ConvTranspose")
    return static_cast<double>(ir::shape_numel(*in)) * static_cast<double>(ir::shape_numel(*w) / (*w)[0]);
  if (n.op_type == "Gemm" || n.op_type == "MatMul") {
    const bool trans_a = n.op_type == "Gemm" && n.attrs.get_int("transA", 0);
    return out_numel * static_cast<double>(trans_a ? in->front() : in->back());
  }
  return 0;
}

}  // namespace

double graph_flops(const ir::Graph& g) {
  double total = 0;
  for (const auto& n : g.nodes) total += 2 * node_macs(g, *n);
  return total;
}

}  // namespace rknnc::passes
