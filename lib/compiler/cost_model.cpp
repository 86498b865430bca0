#include "compiler/cost_model.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "compiler/layout.h"
#include "compiler/multicore.h"
#include "util/strings.h"

namespace rknnc::compiler {
namespace {

int64_t round_up(int64_t v, int64_t m) { return m > 0 ? ceil_div(v, m) * m : v; }

int64_t numel(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

const std::vector<int64_t>& shape_of(const ir::Graph& g, const std::string& v) {
  static const std::vector<int64_t> kNone;
  const ir::ValueInfo* i = g.info(v);
  return i && i->has_shape ? i->shape : kNone;
}

// The work a step hands to the NPU, before any core split.
struct NpuWork {
  int64_t macs = 0;            // useful MACs (MacUsage numerator)
  int64_t array_macs = 0, depthwise_macs = 0, element_ops = 0;  // issued (StepCost)
  int64_t split_units = 0;     // output-channel blocks or rows to share out
};

// Zero test of weight element i: int8 weights are zero at their zero point.
struct WeightZeros {
  const ir::Tensor& w;
  const ir::QuantParams* q;
  bool operator()(int64_t i, int64_t o) const {
    if (w.dtype() == ir::DataType::Float32) return w.data<float>()[i] == 0.0f;
    const int32_t zp = !q || q->zero_point.empty() ? 0 : q->zero_point[q->axis == 0 ? static_cast<size_t>(o) : 0];
    return w.data<int8_t>()[i] == zp;
  }
};

class CostModel {
 public:
  CostModel(const ir::Graph& g, const target::Target& t, bool sparse) : g_(g), t_(t), sparse_(sparse) {
    clock_hz_ = t.npu.clock_mhz * 1e6;
    conv_eff_ = t.cost_constant("conv_efficiency");
    dw_eff_ = t.cost_constant("depthwise_efficiency");
    elem_per_cycle_ = t.cost_constant("elementwise_per_cycle");
    bw_ = t.npu.ddr_bandwidth_gbps * 1e9 * t.cost_constant("bandwidth_efficiency");
    overhead_us_ = t.cost_constant("op_overhead_us");
    sync_us_ = t.cost_constant("multi_core_sync_us");
    cpu_macs_per_us_ = t.cost_constant("cpu_macs_per_us");
    cpu_overhead_us_ = t.cost_constant("cpu_op_overhead_us");
  }

  void estimate(Program& p, Step& s, int cores) const {
    s.cost = {};
    s.cost.ddr_bytes = ddr_bytes(p, s);
    if (s.device == Device::Cpu) {
      s.workload.assign(static_cast<size_t>(std::max(cores, 1)), 0.0);
      estimate_cpu(p, s);
      return;
    }
    NpuWork w = npu_work(p, s);
    if (sparse_ && s.kind == Step::Kind::Compute && s.dtype == "INT8" && w.array_macs > 0) {  // sparse_infer: int8 only
      s.cost.sparse_kept = sparse_kept_share(*g_.nodes[static_cast<size_t>(s.node)], g_);
      w.array_macs = static_cast<int64_t>(static_cast<double>(w.array_macs) * s.cost.sparse_kept);
    }
    const double peak = macs_per_cycle(s.dtype);
    const double single = static_cast<double>(w.array_macs) / (peak * conv_eff_) +
                          static_cast<double>(w.depthwise_macs) / (peak * dw_eff_) +
                          static_cast<double>(w.element_ops) / elem_per_cycle_;
    s.cost.array_macs = w.array_macs;
    s.cost.depthwise_macs = w.depthwise_macs;
    s.cost.element_ops = w.element_ops;
    const bool may_split = cores > 1 && s.kind == Step::Kind::Compute && t_.multi_core_op(s.op_type);
    const SplitDecision split = decide_split(may_split ? w.split_units : 1, cores, single / clock_hz_ * 1e6, sync_us_);
    s.workload = split.workload;
    s.cost.macs = w.macs;
    s.cost.npu_cycles = single * split.largest_share;
    s.cost.ddr_cycles = static_cast<double>(s.cost.ddr_bytes) / bw_ * clock_hz_;
    const double overhead_us = overhead_us_ + (split.largest_share < 1.0 ? sync_us_ : 0.0);
    s.cost.cycles = std::max(s.cost.npu_cycles, s.cost.ddr_cycles) + overhead_us * 1e-6 * clock_hz_;
    s.cost.time_us = s.cost.cycles / clock_hz_ * 1e6;
    const int used = static_cast<int>(std::count_if(s.workload.begin(), s.workload.end(), [](double x) { return x > 0; }));
    const double capacity = peak * s.cost.cycles * used;
    s.cost.mac_usage = capacity > 0 ? 100.0 * static_cast<double>(w.macs) / capacity : 0.0;
  }

 private:
  double macs_per_cycle(const std::string& dtype) const {
    auto it = t_.npu.macs_per_cycle.find(to_lower(dtype));
    if (it != t_.npu.macs_per_cycle.end()) return it->second;
    double slowest = 0;
    for (const auto& [k, v] : t_.npu.macs_per_cycle) slowest = slowest == 0 ? v : std::min(slowest, v);
    return slowest;
  }

  int64_t ddr_bytes(const Program& p, const Step& s) const {
    int64_t bytes = 0;
    for (int b : s.inputs)
      if (b >= 0) bytes += p.buffers[static_cast<size_t>(b)].bytes;
    for (int b : s.outputs) bytes += p.buffers[static_cast<size_t>(b)].bytes;
    if (s.kind == Step::Kind::Compute)
      for (const auto& in : g_.nodes[static_cast<size_t>(s.node)]->inputs)
        if (const ir::Tensor* c = in.empty() ? nullptr : g_.constant(in)) bytes += static_cast<int64_t>(c->nbytes());
    return bytes;
  }

  NpuWork npu_work(const Program& p, const Step& s) const {
    const Buffer& out = p.buffers[static_cast<size_t>(s.outputs.at(0))];
    const int64_t c2 = std::max(out.c2, 1);
    NpuWork w;
    w.split_units = out.shape.size() == 4 ? out.shape[2] : 1;
    if (s.kind == Step::Kind::Compute) {
      const ir::Node& n = *g_.nodes[static_cast<size_t>(s.node)];
      if (n.op_type == "Conv" || n.op_type == "ConvTranspose") return conv_work(n, out, c2);
      if (n.op_type == "Gemm" || n.op_type == "MatMul") return matmul_work(n, out, c2);
    }
    w.element_ops = out.bytes / std::max(out.elem_size, 1) * window_size(s);
    return w;
  }

  int64_t window_size(const Step& s) const {
    if (s.kind != Step::Kind::Compute) return 1;
    const ir::Node& n = *g_.nodes[static_cast<size_t>(s.node)];
    if (n.op_type == "GlobalAveragePool" || n.op_type == "GlobalMaxPool") {
      const auto& in = shape_of(g_, n.input(0));
      return in.size() == 4 ? in[2] * in[3] : 1;
    }
    int64_t k = 1;
    for (int64_t d : n.attrs.get_ints("kernel_shape")) k *= d;
    return k;
  }

  NpuWork conv_work(const ir::Node& n, const Buffer& out, int64_t c2) const {
    NpuWork w;
    const auto& ws = shape_of(g_, n.input(1));  // [M, C/group, k...]
    if (ws.size() < 3 || out.shape.size() != 4) return w;
    const int64_t group = n.attrs.get_int("group", 1);
    const int64_t m = ws[0], cg = ws[1], mg = m / std::max<int64_t>(group, 1);
    const int64_t kernel = numel(std::vector<int64_t>(ws.begin() + 2, ws.end()));
    const int64_t pixels = out.shape[0] * out.shape[2] * out.shape[3];
    w.macs = pixels * m * cg * kernel;
    w.split_units = ceil_div(m, c2);
    if (cg == 1 && mg == 1)  // depthwise: one lane per channel
      w.depthwise_macs = pixels * round_up(m, c2) * kernel;
    else
      w.array_macs = pixels * kernel * group * round_up(mg, c2) * round_up(cg, c2);
    return w;
  }

  NpuWork matmul_work(const ir::Node& n, const Buffer& out, int64_t c2) const {
    NpuWork w;
    const auto& a = shape_of(g_, n.input(0));
    if (a.empty() || out.shape.empty()) return w;
    const int64_t k = n.op_type == "Gemm" && n.attrs.get_int("transA", 0) ? a.front() : a.back();
    const int64_t cols = out.shape.back();
    const int64_t rows = numel(out.shape) / std::max<int64_t>(cols, 1);
    w.macs = rows * cols * k;
    w.split_units = ceil_div(cols, c2);
    w.array_macs = rows * round_up(cols, c2) * round_up(k, c2);
    return w;
  }

  // LSTM / GRU / RNN: at every time step, for every batch row and direction,
  // each gate's W·x and R·h: steps × batch × (|W| + |R|), with
  // W [directions, gates × hidden, input] and R [directions, gates × hidden, hidden].
  int64_t recurrent_macs(const ir::Node& n) const {
    if (n.inputs.size() < 3) return 0;
    const auto& x = shape_of(g_, n.input(0));
    const auto& w = shape_of(g_, n.input(1));
    const auto& r = shape_of(g_, n.input(2));
    if (x.size() != 3 || w.size() != 3 || r.size() != 3) return 0;
    return x[0] * x[1] * (numel(w) + numel(r));
  }

  // Two-operand Einsum (attention's "bhid,bhjd->bhij"): one multiply-add per
  // combination of all its index letters, kept and summed. An ellipsis or a
  // one-operand form (a transpose or a sum) counts none.
  int64_t einsum_macs(const ir::Node& n) const {
    if (n.inputs.size() != 2) return 0;
    const std::string eq = n.attrs.get_string("equation", "");
    std::map<char, int64_t> size;
    size_t operand = 0, axis = 0;
    for (char c : eq.substr(0, eq.find("->"))) {
      if (c == ' ') continue;
      if (c == ',') {
        ++operand, axis = 0;
        continue;
      }
      const auto& shape = shape_of(g_, n.input(std::min<size_t>(operand, 1)));
      if (!std::isalpha(static_cast<unsigned char>(c)) || axis >= shape.size()) return 0;
      size[c] = shape[axis++];
    }
    int64_t macs = 1;
    for (const auto& [letter, extent] : size) macs *= extent;
    return macs;
  }

  // Conversions and other light CPU ops are memory-bound: their bytes cross
  // the same DDR; compute-heavy fallbacks are bound by the CPU's MAC rate.
  void estimate_cpu(const Program& p, Step& s) const {
    if (s.kind == Step::Kind::Compute && !s.outputs.empty()) {
      const Buffer& out = p.buffers[static_cast<size_t>(s.outputs[0])];
      const ir::Node& n = *g_.nodes[static_cast<size_t>(s.node)];
      if (n.op_type == "Conv" || n.op_type == "ConvTranspose") s.cost.macs = conv_work(n, out, 1).macs;
      if (n.op_type == "Gemm" || n.op_type == "MatMul") s.cost.macs = matmul_work(n, out, 1).macs;
      if (n.op_type == "LSTM" || n.op_type == "GRU" || n.op_type == "RNN") s.cost.macs = recurrent_macs(n);
      if (n.op_type == "Einsum") s.cost.macs = einsum_macs(n);
    }
    s.cost.ddr_cycles = static_cast<double>(s.cost.ddr_bytes) / bw_ * clock_hz_;
    s.cost.time_us = cpu_overhead_us_ + std::max(static_cast<double>(s.cost.macs) / cpu_macs_per_us_,
                                                 s.cost.ddr_cycles / clock_hz_ * 1e6);
    s.cost.cycles = s.cost.time_us * 1e-6 * clock_hz_;
  }

  const ir::Graph& g_;
  const target::Target& t_;
  const bool sparse_;
  double clock_hz_ = 0, conv_eff_ = 0, dw_eff_ = 0, elem_per_cycle_ = 0, bw_ = 0, overhead_us_ = 0, sync_us_ = 0;
  double cpu_macs_per_us_ = 0, cpu_overhead_us_ = 0;
};

}  // namespace

double sparse_kept_share(const ir::Node& n, const ir::Graph& g) {
  const ir::Tensor* w = n.op_type == "Conv" && n.inputs.size() > 1 ? g.constant(n.input(1)) : nullptr;
  if (!w || w->shape().size() != 4 || n.attrs.get_int("group", 1) != 1) return 1.0;
  if (w->dtype() != ir::DataType::Int8 && w->dtype() != ir::DataType::Float32) return 1.0;
  const int64_t oc = w->shape()[0], ic = w->shape()[1], k = w->shape()[2] * w->shape()[3];
  if (oc % 32 != 0 || ic % 32 != 0) return 1.0;
  const WeightZeros zero{*w, g.quant_params(n.input(1))};
  const auto at = [&](int64_t o, int64_t i, int64_t x) { return (o * ic + i) * k + x; };
  bool along_ic = true, along_oc = true, block_16_4 = true;
  for (int64_t o = 0; o < oc; o += 4)
    for (int64_t i = 0; i < ic; i += 4)
      for (int64_t x = 0; x < k; ++x) {
        int block_zeros = 0;
        for (int64_t a = 0; a < 4; ++a) {
          int row = 0, col = 0;  // zeros of output channel o+a over 4 inputs; of input i+a over 4 outputs
          for (int64_t b = 0; b < 4; ++b) {
            row += zero(at(o + a, i + b, x), o + a);
            col += zero(at(o + b, i + a, x), o + b);
          }
          along_ic = along_ic && row >= 2;
          along_oc = along_oc && col >= 2;
          block_zeros += row;
        }
        block_16_4 = block_16_4 && block_zeros >= 12;
      }
  if (along_ic && along_oc && block_16_4) return 0.25;
  return along_ic || along_oc ? 0.5 : 1.0;
}

void estimate_costs(Program& p, const ir::Graph& g, const target::Target& t, int cores, bool sparse_infer) {
  const CostModel model(g, t, sparse_infer && t.supports_sparse_infer);
  p.total_time_us = 0;
  p.total_ddr_bytes = 0;
  for (Step& s : p.steps) {
    model.estimate(p, s, cores);
    p.total_time_us += s.cost.time_us;
    p.total_ddr_bytes += s.cost.ddr_bytes;
  }
}

}  // namespace rknnc::compiler
