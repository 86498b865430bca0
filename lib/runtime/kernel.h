#pragma once
// Kernel interface: one kernel per (op type, input dtype), each in its own
// file under runtime/kernels/, registered with RKNNC_KERNEL. A kernel reads
// ctx.inputs, computes output shapes from the actual input shapes (so it works
// for any shape the graph admits) and assigns ctx.outputs[i].
//
// Kernels throw rknnc::Error for bad attributes or shapes (ctx.fail names the
// node), but never from inside a parallel_for body.
//
// A kernel may also register a prepare function: what it derives from the
// node's constant inputs (packed weights, requantisation multipliers, lookup
// tables) is computed once per node by the Executor and handed back on every
// run as ctx.prepared_state. See KernelContext::prepared.
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/thread_pool.h"
#include "util/error.h"

namespace rknnc::runtime {

struct PreparedState {
  virtual ~PreparedState() = default;
};
struct KernelContext;
using PrepareFn = std::unique_ptr<PreparedState> (*)(const KernelContext&);

struct KernelContext {
  const ir::Node& node;
  std::vector<const ir::Tensor*> inputs;  // nullptr for absent optional inputs
  std::vector<ir::Tensor> outputs;        // one per node output
  ThreadPool& pool;
  // Quantisation parameters of each input / output (nullptr: not quantised).
  // Filled for every node of a quantised graph; quantised kernels read them.
  std::vector<const ir::QuantParams*> in_quant = {};
  std::vector<const ir::QuantParams*> out_quant = {};
  // Set by the Executor when the node's prepared inputs are constants.
  const PreparedState* prepared_state = nullptr;
  // A float16 simulation holding half values in floats asks for float
  // outputs rounded to float16; a kernel that rounds them itself, while they
  // are in cache, sets rounded_to_half (otherwise the caller makes a pass).
  bool round_to_half = false;
  bool rounded_to_half = false;
  // Per input, set by the Executor: the input's value dies at this node, so
  // an element-wise kernel may write its output into the input's bytes
  // (set_output_in_place) instead of into fresh memory: the bytes it just
  // read are in cache, fresh ones come from memory first.
  const std::vector<char>* donated = nullptr;  // the Executor's, per step (none: nothing donated)

  size_t num_inputs() const { return inputs.size(); }
  bool has(size_t i) const { return i < inputs.size() && inputs[i] != nullptr; }
  const ir::Tensor& in(size_t i) const;  // throws when absent
  const ir::Tensor* opt(size_t i) const { return has(i) ? inputs[i] : nullptr; }
  const ir::Attributes& attrs() const { return node.attrs; }
  ir::Tensor& set_output(size_t i, ir::DataType dtype, ir::Shape shape);  // allocates zeroed
  // Allocates without zeroing: for kernels that write every element.
  ir::Tensor& set_output_unfilled(size_t i, ir::DataType dtype, ir::Shape shape);
  // As set_output_unfilled, but in the bytes of input `from` when it was
  // donated, nothing else holds them and they fit (same dtype and element
  // count). Only for kernels whose output i at index k depends on input
  // `from` at index k alone (element-wise, no broadcast of that input).
  ir::Tensor& set_output_in_place(size_t i, ir::DataType dtype, ir::Shape shape, size_t from);
  // Quantisation parameters of input / output i; fails naming the node when absent.
  const ir::QuantParams& qin(size_t i) const;
  const ir::QuantParams& qout(size_t i) const;
  // The node computes on quantised int8 values: its first input and first
  // output are quantised (QuantizeLinear / DequantizeLinear at the borders
  // of the int8 region are plain ONNX ops).
  bool quantized() const {
    return !out_quant.empty() && out_quant[0] != nullptr && !in_quant.empty() && in_quant[0] != nullptr;
  }

  // The node's prepared state: the Executor's, or else one prepared now into
  // `local` (constant folding, a weight computed by the graph).
  template <class State>
  const State& prepared(PrepareFn prepare, std::unique_ptr<PreparedState>& local) const {
    if (prepared_state) return static_cast<const State&>(*prepared_state);
    local = prepare(*this);
    return static_cast<const State&>(*local);
  }

  template <typename... Args>
  [[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) const {
    rknnc::fail("node '{}' ({}): {}", node.name, node.op_type, fmt::format(f, std::forward<Args>(args)...));
  }
};

using KernelFn = void (*)(KernelContext&);

// kAnyType matches every input dtype (shape ops that only move bytes).
constexpr ir::DataType kAnyType = ir::DataType::Undefined;

// Kernels are keyed by op, input dtype and whether the node is quantised:
// an int8 Add of a quantised graph requantises ((a - za)·sa + (b - zb)·sb),
// a plain int8 Add (ONNX semantics) does not.
struct KernelEntry {
  std::string op;
  ir::DataType dtype;
  bool quantized;
  KernelFn fn;
  PrepareFn prepare = nullptr;
  uint32_t prepared_inputs = 0;  // bit i: prepare reads input i (cached only when all are constants)
};

class KernelRegistry {
 public:
  static KernelRegistry& instance();
  void add(KernelEntry entry);
  // Exact dtype first, then kAnyType; nullptr when there is none.
  const KernelEntry* lookup(const std::string& op, ir::DataType dtype, bool quantized = false) const;
  KernelFn find(const std::string& op, ir::DataType dtype, bool quantized = false) const;
  bool has_op(const std::string& op) const;
  // Ops the Executor's own plans add (runtime/layout_plan.h), named rknnc.*:
  // not ops of a model, so not listed and not accepted in one.
  static bool internal(const std::string& op) { return op.rfind("rknnc.", 0) == 0; }
  std::vector<std::string> ops() const;
  // Ops with a quantised int8 kernel.
  std::vector<std::string> quantized_ops() const;

 private:
  std::vector<KernelEntry> kernels_;
};

struct KernelRegistrar {
  KernelRegistrar(const char* op, ir::DataType dtype, KernelFn fn, bool quantized = false,
                  PrepareFn prepare = nullptr, uint32_t prepared_inputs = 0) {
    KernelRegistry::instance().add({op, dtype, quantized, fn, prepare, prepared_inputs});
  }
};

// The dtype a node's kernel is chosen by: its first present input's.
ir::DataType dispatch_type(const KernelContext& ctx);

}  // namespace rknnc::runtime

#define RKNNC_KERNEL_CAT2(a, b) a##b
#define RKNNC_KERNEL_CAT(a, b) RKNNC_KERNEL_CAT2(a, b)
#define RKNNC_KERNEL(op, dtype, fn) \
  static const ::rknnc::runtime::KernelRegistrar RKNNC_KERNEL_CAT(kernel_registrar_, __COUNTER__)(op, dtype, fn)
// A kernel for quantised int8 nodes (lib/runtime/kernels/quant/).
#define RKNNC_QUANT_KERNEL(op, fn)                                                                      \
  static const ::rknnc::runtime::KernelRegistrar RKNNC_KERNEL_CAT(kernel_registrar_, __COUNTER__)(        \
      op, ::rknnc::ir::DataType::Int8, fn, true)
// Kernels with a prepare function; `inputs` is the bit mask of the inputs it reads.
#define RKNNC_PREPARED_KERNEL(op, dtype, fn, prepare, inputs)                                          \
  static const ::rknnc::runtime::KernelRegistrar RKNNC_KERNEL_CAT(kernel_registrar_, __COUNTER__)(        \
      op, dtype, fn, false, prepare, inputs)
#define RKNNC_PREPARED_QUANT_KERNEL(op, fn, prepare, inputs)                                           \
  static const ::rknnc::runtime::KernelRegistrar RKNNC_KERNEL_CAT(kernel_registrar_, __COUNTER__)(        \
      op, ::rknnc::ir::DataType::Int8, fn, true, prepare, inputs)
