#include "quant/qdq_export.h"

#include "passes/helpers/rewrite.h"
#include "quant/prepare.h"
#include "quant/qdq_nodes.h"
#include "util/error.h"

namespace rknnc::quant {
namespace {

class QdqBuilder {
 public:
  explicit QdqBuilder(ir::Graph& g) : g_(g) {}

  void run() {
    std::vector<ir::Node*> quantized;
    for (const auto& n : g_.nodes)
      if (is_quantized(*n)) quantized.push_back(n.get());
    for (ir::Node* n : quantized) rewrite(*n);
    g_.quant.clear();
    g_.sort_topologically();
    g_.remove_unused_values();
  }

 private:
  bool is_quantized(const ir::Node& n) const {
    return !n.outputs.empty() && g_.quant.count(n.outputs[0]) && !n.inputs.empty() && g_.quant.count(n.inputs[0]);
  }

  void rewrite(ir::Node& n) {
    for (auto& in : n.inputs)
      if (!in.empty() && g_.quant.count(in)) in = dequantized(in);
    for (size_t k = 0; k < n.outputs.size(); ++k) {
      const std::string out = n.outputs[k];
      if (out.empty()) continue;
      const std::string f = g_.unique_name(out + "__float");
      g_.values[f] = {ir::DataType::Float32, g_.info(out)->shape, g_.info(out)->has_shape};
      n.outputs[k] = f;
      if (k == 0) unfuse_activation(g_, n);
      add_converter("QuantizeLinear", f, out, g_.quant.at(out));
    }
  }

  std::string dequantized(const std::string& t) {
    auto it = done_.find(t);
    if (it != done_.end()) return it->second;
    const std::string f = g_.unique_name(t + "__dequantized");
    g_.values[f] = {ir::DataType::Float32, value_shape(t), true};
    add_converter("DequantizeLinear", t, f, g_.quant.at(t));
    return done_[t] = f;
  }

  ir::Shape value_shape(const std::string& t) const {
    if (const ir::Tensor* c = g_.constant(t)) return c->shape();
    return g_.info(t)->shape;
  }

  void add_converter(const std::string& op, const std::string& in, const std::string& out, const ir::QuantParams& p) {
    add_linear_quant_node(g_, op, in, out, p);
  }

  ir::Graph& g_;
  std::map<std::string, std::string> done_;
};

}  // namespace

ir::Graph to_qdq_graph(const ir::Graph& quantized) {
  if (quantized.quant.empty())
    fail("the model is not quantised (no int8 tensors); export-qdq needs a model converted with quantize: true");
  ir::Graph g = quantized;
  QdqBuilder(g).run();
  return g;
}

}  // namespace rknnc::quant
