#include <set>

#include "quant/float16.h"
#include "quant/qdq_nodes.h"
#include "quant/weights.h"

namespace rknnc::quant {
namespace {

bool has_weight_input(const ir::Node& n) {
  static const std::set<std::string, std::less<>> kOps = {"Conv", "ConvTranspose", "Gemm", "MatMul"};
  return n.domain.empty() && kOps.count(n.op_type) && n.has_input(1);
}

// Conv weights [M, ...] and Gemm weights with transB = 1 ([N, K]) have the
// output channel on axis 0; other layouts quantise per tensor.
bool output_channel_first(const ir::Node& n) {
  return n.op_type == "Conv" || (n.op_type == "Gemm" && n.attrs.get_int("transB", 0) == 1);
}

}  // namespace

int64_t quantize_weights_only(ir::Graph& g, bool per_channel) {
  int64_t saved = 0;
  std::map<std::string, std::string> done;  // float weight -> its DequantizeLinear output
  const size_t count = g.nodes.size();
  for (size_t i = 0; i < count; ++i) {
    ir::Node& n = *g.nodes[i];
    if (!has_weight_input(n)) continue;
    const std::string w = n.input(1);
    const ir::Tensor* t = g.constant(w);
    if (!t || t->dtype() != ir::DataType::Float32 || t->shape().size() < 2) continue;
    if (auto it = done.find(w); it != done.end()) {
      n.inputs[1] = it->second;
      continue;
    }
    QuantizedConstant q = quantize_weight(*t, per_channel && output_channel_first(n));
    const std::string qname = g.unique_name(w + "__int8"), deq = g.unique_name(w + "__dq");
    saved += static_cast<int64_t>(t->nbytes() - q.values.nbytes());
    g.values[deq] = *g.info(w);
    g.add_constant(qname, std::move(q.values));
    g.quant[qname] = q.params;
    add_linear_quant_node(g, "DequantizeLinear", qname, deq, q.params);
    n.inputs[1] = deq;
    done[w] = deq;
  }
  g.sort_topologically();
  g.remove_unused_values();
  return saved;
}

}  // namespace rknnc::quant
