#include "quant/float16.h"

#include <algorithm>

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

// The float16 version of a float32 value: a converted constant or a Cast, made once.
std::string half_version(ir::Graph& g, const std::string& v, std::map<std::string, std::string>& made) {
  if (auto it = made.find(v); it != made.end()) return it->second;
  const std::string half = g.unique_name(v + "__f16");
  if (const ir::Tensor* c = g.constant(v)) {
    g.add_constant(half, ir::convert_float(*c, ir::DataType::Float16));
  } else {
    g.values[half] = *g.info(v);
    g.values[half].dtype = ir::DataType::Float16;
    add_cast(g, v, half, kOnnxFloat16);
  }
  return made[v] = half;
}

}  // namespace

int run_layers_in_float16(ir::Graph& g, const std::set<std::string>& layer_outputs) {
  std::map<std::string, std::string> made;
  std::vector<ir::Node*> layers;
  for (const auto& n : g.nodes)
    if (std::any_of(n->outputs.begin(), n->outputs.end(), [&](const std::string& o) { return layer_outputs.count(o); }))
      layers.push_back(n.get());
  if (layers.empty()) return 0;
  for (ir::Node* n : layers) {
    for (auto& in : n->inputs)
      if (!in.empty() && is_float32(g, in)) in = half_version(g, in, made);
    for (auto& out : n->outputs) {
      if (out.empty() || !is_float32(g, out)) continue;
      const std::string widened = out, half = g.unique_name(out + "__f16");
      g.values[half] = *g.info(out);
      g.values[half].dtype = ir::DataType::Float16;
      out = half;
      add_cast(g, half, widened, kOnnxFloat);
    }
  }
  g.sort_topologically();
  return static_cast<int>(layers.size());
}

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
