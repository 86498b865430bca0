#include "quant/float16.h"

#include "ir/convert_float.h"
#include "passes/helpers/rewrite.h"

namespace rknnc::quant {
namespace {

constexpr int64_t kOnnxFloat = 1, kOnnxFloat16 = 10;

ir::Node& add_cast(ir::Graph& g, const std::string& in, const std::string& out, int64_t to) {
  auto n = std::make_unique<ir::Node>();
  n->name = passes::unique_node_name(g, out + "_Cast");
  n->op_type = "Cast";
  n->inputs = {in};
  n->outputs = {out};
  n->attrs.set("to", to);
  return g.add_node(std::move(n));
}

bool is_float32(const ir::Graph& g, const std::string& v) {
  const ir::ValueInfo* vi = g.info(v);
  return vi && vi->dtype == ir::DataType::Float32;
}

}  // namespace

int convert_to_float16(ir::Graph& g) {
  int converted = 0;
  std::vector<std::pair<std::string, std::string>> outputs;  // (name, its float16 producer value)
  for (auto& o : g.outputs) {
    if (!is_float32(g, o) || std::count(g.inputs.begin(), g.inputs.end(), o)) continue;
    const std::string name = o, half = g.unique_name(o + "__f16");
    const ir::ValueInfo info = *g.info(o);
    passes::rename_value(g, name, half);  // renames the graph output too
    for (auto& out : g.outputs)
      if (out == half) out = name;
    g.values[name] = info;
    outputs.emplace_back(name, half);
  }
  for (auto& [name, t] : g.initializers)
    if (t.dtype() == ir::DataType::Float32) t = ir::convert_float(t, ir::DataType::Float16), ++converted;
  for (auto& [name, vi] : g.values)
    if (vi.dtype == ir::DataType::Float32) vi.dtype = ir::DataType::Float16, ++converted;
  for (auto& n : g.nodes)
    if (n->op_type == "Cast" && n->domain.empty() && n->attrs.get_int("to", 0) == kOnnxFloat)
      n->attrs.set("to", kOnnxFloat16);
  for (const auto& in : g.inputs) {
    if (g.info(in)->dtype != ir::DataType::Float16) continue;
    const std::string half = g.unique_name(in + "__f16");
    g.values[half] = *g.info(in);
    g.values[in].dtype = ir::DataType::Float32;
    g.replace_all_uses(in, half);
    add_cast(g, in, half, kOnnxFloat16);
  }
  for (const auto& [name, half] : outputs) {
    g.values[name].dtype = ir::DataType::Float32;
    add_cast(g, half, name, kOnnxFloat);
  }
  g.sort_topologically();
  return converted;
}

}  // namespace rknnc::quant
