#include "compiler/placement.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

#include "config/nearest.h"
#include "util/error.h"
#include "util/strings.h"

namespace rknnc::compiler {
namespace {

// Boundary conversions between the caller's float32 data and the NPU's int8
// or float16: the CPU does them (like Toolkit2's InputOperator / OutputOperator).
bool is_boundary_op(const ir::Node& n) {
  return n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear" || n.op_type == "Cast";
}

bool is_windowed(const ir::Node& n) {
  return n.op_type == "Conv" || n.op_type == "ConvTranspose" || n.op_type == "MaxPool" || n.op_type == "AveragePool";
}

// The first parameter of `n` beyond the target's NPU limits, as a reason.
std::optional<std::string> limit_violation(const ir::Graph& g, const ir::Node& n, const target::Target& t) {
  const auto& lim = t.npu.limits;
  if (!is_windowed(n)) return std::nullopt;
  std::vector<int64_t> kernel = n.attrs.get_ints("kernel_shape");
  if (kernel.empty() && n.has_input(1))
    if (const ir::ValueInfo* w = g.info(n.input(1)); w && w->has_shape && w->shape.size() > 2)
      kernel.assign(w->shape.begin() + 2, w->shape.end());
  for (int64_t k : kernel)
    if (lim.max_kernel > 0 && k > lim.max_kernel)
      return fmt::format("kernel {} exceeds {}'s NPU limit max_kernel = {}", fmt::join(kernel, "x"), t.name,
                         lim.max_kernel);
  for (int64_t s : n.attrs.get_ints("strides"))
    if (lim.max_stride > 0 && s > lim.max_stride)
      return fmt::format("stride {} exceeds {}'s NPU limit max_stride = {}", s, t.name, lim.max_stride);
  if (lim.max_channels > 0 && n.op_type.starts_with("Conv"))
    for (const std::string& v : {n.input(0), n.outputs[0]})
      if (const ir::ValueInfo* info = g.info(v); info && info->has_shape && info->shape.size() > 1 &&
                                                 info->shape[1] > lim.max_channels)
        return fmt::format("{} channels exceed {}'s NPU limit max_channels = {}", info->shape[1], t.name,
                           lim.max_channels);
  return std::nullopt;
}

// Where the target's rules put `n` (op_target aside).
NodePlacement place_by_rules(const ir::Graph& g, const ir::Node& n, const target::Target& t) {
  if (is_boundary_op(n)) return {Device::Cpu, "float / int8 conversion at the model boundary"};
  if (!t.npu_runs(n.op_type)) return {Device::Cpu, fmt::format("{} is not an NPU op of {}", n.op_type, t.name)};
  const std::string dtype = to_lower(compute_dtype(g, n));
  if (std::find(t.dtypes.begin(), t.dtypes.end(), dtype) == t.dtypes.end())
    return {Device::Cpu, fmt::format("{} is not an NPU data type of {} (it computes {}; choose quantize / "
                                     "float_dtype accordingly)",
                                     dtype, t.name, fmt::join(t.dtypes, ", "))};
  if (auto why = limit_violation(g, n, t)) return {Device::Cpu, *why};
  return {Device::Npu, ""};
}

// The ops of an input normalisation: (x - mean) / std as the driver writes it,
// or the model's own scale / shift and type conversion.
const std::set<std::string> kInputStageOps = {"Sub", "Div", "Mul", "Add", "Cast"};

// op_target entries by node index; validates names and devices.
std::map<size_t, std::string> op_target_by_node(const ir::Graph& g, const PlacementOptions& o) {
  std::map<std::string, size_t> producer;
  std::vector<std::string> names;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (const auto& out : g.nodes[i]->outputs) {
      producer[out] = i;
      names.push_back(out);
    }
  std::map<size_t, std::string> by_node;
  for (const auto& [tensor, device] : o.op_target) {
    const std::string d = to_lower(device);
    if (d != "cpu" && d != "npu" && d != "auto")
      fail_config("{}: '{}' → '{}' is not supported for rknnc's targets; use cpu, npu or auto (there is no GPU target)",
                  o.op_target_where, tensor, device);
    auto it = producer.find(tensor);
    if (it == producer.end()) {
      const std::string near = config::nearest(tensor, names);
      fail_config("{}: no op produces tensor '{}'{}; keys are op output tensor names (see error_analysis.txt)",
                  o.op_target_where, tensor, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near));
    }
    by_node[it->second] = d;
  }
  return by_node;
}

}  // namespace

std::string dtype_label(ir::DataType t) { return to_upper(std::string(ir::dtype_name(t))); }

std::string compute_dtype(const ir::Graph& g, const ir::Node& n) {
  if (!n.outputs.empty() && !is_boundary_op(n))
    if (const ir::QuantParams* q = g.quant_params(n.outputs[0]); q) return "INT8";
  for (const auto& in : n.inputs)
    if (const ir::ValueInfo* info = in.empty() ? nullptr : g.info(in)) return dtype_label(info->dtype);
  return "FLOAT32";
}

std::vector<NodePlacement> place_nodes(const ir::Graph& g, const target::Target& t, const PlacementOptions& o,
                                       std::vector<std::string>& warnings) {
  const auto forced = op_target_by_node(g, o);
  // float32 element-wise ops fed only by graph inputs and constants (mean / std
  // normalisation ahead of a QuantizeLinear or Cast) are the CPU's input stage,
  // not a fallback worth a warning. A graph with no such boundary (float_dtype:
  // float32) has none. A float op of the model itself reading a graph input
  // (an LSTM, a LayerNormalization) is a fallback like any other.
  const bool has_boundary =
      std::any_of(g.nodes.begin(), g.nodes.end(), [](const auto& n) { return is_boundary_op(*n); });
  std::set<std::string> input_stage;
  if (has_boundary) input_stage.insert(g.inputs.begin(), g.inputs.end());
  std::vector<NodePlacement> out;
  std::map<std::string, std::vector<std::string>> fallbacks;  // reason → nodes
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const ir::Node& n = *g.nodes[i];
    NodePlacement p = place_by_rules(g, n, t);
    const bool in_input_stage = has_boundary && kInputStageOps.count(n.op_type) && compute_dtype(g, n) == "FLOAT32" &&
                                !is_boundary_op(n) &&
                                std::all_of(n.inputs.begin(), n.inputs.end(), [&](const std::string& v) {
                                  return v.empty() || g.is_constant(v) || input_stage.count(v);
                                });
    if (in_input_stage && p.device == Device::Cpu) {
      input_stage.insert(n.outputs.begin(), n.outputs.end());
      p.reason = "float32 input pre-processing ahead of the model's quantisation (the CPU's input stage)";
    }
    auto f = forced.find(i);
    if (f != forced.end() && f->second == "cpu") {
      p = {Device::Cpu, "op_target: cpu"};
    } else if (f != forced.end() && f->second == "npu" && p.device == Device::Cpu) {
      fail_config("{}: '{}' → npu, but node '{}' cannot run on the NPU ({}); set it to cpu or auto",
                  o.op_target_where, n.outputs[0], n.name, p.reason);
    } else if (p.device == Device::Cpu && !is_boundary_op(n) && !in_input_stage) {
      fallbacks[p.reason].push_back(n.name);
    }
    out.push_back(std::move(p));
  }
  for (const auto& [reason, nodes] : fallbacks)
    warnings.push_back(fmt::format("{} node(s) run on the CPU: {} (node '{}'{})", nodes.size(), reason, nodes.front(),
                                   nodes.size() > 1 ? ", …" : ""));
  return out;
}

}  // namespace rknnc::compiler
