#include "quant/accuracy.h"

#include <cmath>
#include <limits>

#include "ir/convert_float.h"
#include "quant/quantize_graph.h"
#include "quant/weights.h"

namespace rknnc::quant {
namespace {

ir::Tensor dequantize(const ir::Tensor& t, const ir::QuantParams& q) {
  ir::Tensor out(ir::DataType::Float32, t.shape());
  float* dst = out.data<float>();
  for (int64_t i = 0; i < t.numel(); ++i)
    dst[i] = static_cast<float>((t.get_as_double(i) - q.zero_point_at(0)) * static_cast<double>(q.scale_at(0)));
  return out;
}

ir::Tensor quantize(const ir::Tensor& t, const ir::QuantParams& q) {
  ir::Tensor out(ir::DataType::Int8, t.shape());
  const float* src = t.data<float>();
  int8_t* dst = out.data<int8_t>();
  for (int64_t i = 0; i < t.numel(); ++i)
    dst[i] = static_cast<int8_t>(ir::quantize_real(src[i], q.scale_at(0), q.zero_point_at(0), -128, 127));
  return out;
}

// The golden tensor a simulator tensor stands for: T itself, or T with the
// suffix the lowering gave its int8 / float version.
std::string golden_name(const runtime::TensorMap& golden, const std::string& sim) {
  if (golden.count(sim)) return sim;
  for (const char* suffix : {"__int8", "__q", "__dq"}) {
    const auto at = sim.rfind(suffix);
    if (at != std::string::npos && golden.count(sim.substr(0, at))) return sim.substr(0, at);
  }
  return "";
}

// Runs `node` of the quantised graph alone on golden values (quantised with
// the simulator's parameters for int8 inputs); its first output in float32.
ir::Tensor run_single(const ir::Graph& q, const ir::Node& node, const runtime::TensorMap& golden) {
  std::vector<ir::Tensor> args(node.inputs.size());
  std::vector<const ir::Tensor*> ptrs(node.inputs.size(), nullptr);
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const std::string& in = node.inputs[i];
    if (in.empty()) continue;
    if (const ir::Tensor* c = q.constant(in)) {
      args[i] = *c;
    } else {
      const std::string g = golden_name(golden, in);
      if (g.empty()) return {};
      const ir::QuantParams* p = q.quant_params(in);
      const ir::ValueInfo* vi = q.info(in);
      if (p)
        args[i] = quantize(golden.at(g), *p);
      else if (vi && vi->dtype == ir::DataType::Float16)
        args[i] = ir::convert_float(golden.at(g), ir::DataType::Float16);
      else
        args[i] = golden.at(g);
    }
    ptrs[i] = &args[i];
  }
  std::vector<ir::Tensor> outs = runtime::Executor::run_node(node, ptrs, runtime::ThreadPool::shared(), &q.quant);
  return as_float(q, node.outputs[0], outs.at(0));
}

runtime::TensorMap run_all(const ir::Graph& g, const runtime::TensorMap& inputs) {
  runtime::TensorMap all = inputs;
  runtime::Executor(g).run(inputs, [&](const ir::Node& n, const std::vector<ir::Tensor>& outs) {
    for (size_t i = 0; i < outs.size(); ++i)
      if (!n.outputs[i].empty()) all[n.outputs[i]] = outs[i];
  });
  return all;
}

}  // namespace

ir::Tensor as_float(const ir::Graph& g, const std::string& name, const ir::Tensor& t) {
  if (const ir::QuantParams* q = g.quant_params(name); q && !q->per_channel()) return dequantize(t, *q);
  return t.dtype() == ir::DataType::Float32 ? t : dequantize(t, ir::QuantParams::per_tensor(1.f, 0));
}

Similarity compare_tensors(const ir::Tensor& a, const ir::Tensor& b) {
  Similarity s;
  if (a.numel() != b.numel()) return {0, std::numeric_limits<double>::infinity()};
  double dot = 0, na = 0, nb = 0, d2 = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double x = a.get_as_double(i), y = b.get_as_double(i);
    dot += x * y, na += x * x, nb += y * y, d2 += (x - y) * (x - y);
  }
  s.euclidean = std::sqrt(d2);
  s.cosine = na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : (na == nb ? 1.0 : 0.0);
  return s;
}

AccuracyAnalysis analyse_accuracy(const ir::Graph& golden, const ir::Graph& quantized, const runtime::TensorMap& inputs) {
  AccuracyAnalysis r;
  r.golden = run_all(golden, inputs);
  const runtime::TensorMap sim = run_all(quantized, inputs);
  std::map<std::string, const ir::Node*> sim_producer;
  for (const auto& n : quantized.nodes)
    for (const auto& o : n->outputs) sim_producer[o] = n.get();
  for (const auto& n : golden.nodes) {
    const std::string& t = n->outputs.at(0);
    std::string s = int8_name(quantized, t);
    if (s.empty() || !sim.count(s)) s = t;
    if (!sim.count(s) || !r.golden.count(t)) continue;
    LayerError e{n->op_type, t};
    const ir::Tensor sim_t = as_float(quantized, s, sim.at(s));
    r.simulator[t] = sim_t;
    const Similarity entire = compare_tensors(r.golden.at(t), sim_t);
    e.entire_cos = entire.cosine, e.entire_euc = entire.euclidean;
    const ir::Node* producer = sim_producer.count(s) ? sim_producer.at(s) : nullptr;
    e.quantized = quantized.quant.count(s) != 0;
    if (producer) {
      const ir::Tensor single = run_single(quantized, *producer, r.golden);
      if (!single.empty()) {
        const Similarity sg = compare_tensors(r.golden.at(t), single);
        e.single_cos = sg.cosine, e.single_euc = sg.euclidean;
      }
    }
    e.flagged = e.single_cos < kFlagCosine;
    r.layers.push_back(e);
  }
  for (auto it = r.golden.begin(); it != r.golden.end();)
    it = r.simulator.count(it->first) ? std::next(it) : r.golden.erase(it);
  return r;
}

}  // namespace rknnc::quant
