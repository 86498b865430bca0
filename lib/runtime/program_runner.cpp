#include "runtime/program_runner.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <vector>

#include "compiler/layout.h"
#include "runtime/kernels/helpers/convert_float_on.h"
#include "util/error.h"

namespace rknnc::runtime {
namespace {

using compiler::Buffer;
using compiler::Region;
using compiler::Step;

// Byte pattern of a fresh arena: a step reading memory nobody wrote sees it.
constexpr unsigned char kArenaFill = 0xA5;

// NCHW <-> NC1HWC2 of `b`, one task per image and channel block (each block
// is a whole NC1HWC2 tensor of its own: C2 channels, contiguous on both sides).
void copy_blocks(const std::byte* src, std::byte* dst, const Buffer& b, bool to_blocked, ThreadPool& pool) {
  const int64_t channels = b.shape[1], c2 = b.c2, c1 = compiler::ceil_div(channels, c2);
  const int64_t plane = b.shape[2] * b.shape[3], es = b.elem_size;
  pool.parallel_for(b.shape[0] * c1, plane * c2, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const int64_t n = i / c1, c0 = i % c1 * c2;
      const std::vector<int64_t> block = {1, std::min(c2, channels - c0), b.shape[2], b.shape[3]};
      const int64_t dense = ((n * channels + c0) * plane) * es, blocked = i * plane * c2 * es;
      if (to_blocked)
        compiler::pack_nc1hwc2(src + dense, dst + blocked, block, b.c2, static_cast<size_t>(es));
      else
        compiler::unpack_nc1hwc2(src + blocked, dst + dense, block, b.c2, static_cast<size_t>(es));
    }
  });
}

// The arena of one run, with the logical (NCHW) tensor of each buffer kept
// beside its bytes: a step reading a buffer gets the tensor stored into it
// (unpack(pack(t)) == t) instead of unpacking the bytes again, as long as no
// store has touched the buffer's bytes since. Packing waits as well: a
// buffer's bytes are written when a step reads them raw, when it goes over
// (or a store is about to go over it) a buffer still to be read, so a wrong
// memory plan corrupts what it would on the board, or never, for a value
// whose last reader has run before anything overwrites it.
class Memory {
 public:
  Memory(const ir::Graph& g, const compiler::Program& p, const BufferUse& use, const TensorMap& inputs,
         ThreadPool& pool)
      : g_(g), p_(p), use_(use), inputs_(inputs), pool_(pool),
        logical_(p.buffers.size()), pending_(p.buffers.size(), 0), stored_(p.buffers.size(), 0) {
    for (const Buffer& b : p.buffers)
      if (b.region == Region::Output) outputs_[b.value] = ir::Tensor(dtype(b), b.shape);
  }

  // The logical (NCHW / plain) tensor held by buffer `index`.
  ir::Tensor load(int index) {
    const auto i = static_cast<size_t>(index);
    if (!logical_[i].empty()) return logical_[i];
    const Buffer& b = buffer(index);
    if (b.region == Region::Input && b.layout != compiler::kNc1hwc2) {  // the caller's tensor itself (kernels only read it)
      const ir::Tensor& in = inputs_.at(b.value);
      if (in.shape() == b.shape && in.dtype() == dtype(b)) return logical_[i] = in;
    }
    ir::Tensor t = ir::Tensor::unfilled(dtype(b), b.shape);  // every element is copied below
    const std::byte* src = address(b);
    if (b.layout == compiler::kNc1hwc2)
      copy_blocks(src, static_cast<std::byte*>(t.raw()), b, false, pool_);
    else if (t.nbytes())
      std::memcpy(t.raw(), src, t.nbytes());
    logical_[i] = t;
    return t;
  }

  void store(int index, const ir::Tensor& t, const std::string& step, int k) {
    const Buffer& b = buffer(index);
    if (t.shape() != b.shape || !holds(b, t))
      fail("program step '{}': output '{}' is {} {}, the program planned {} {}; re-convert the model", step, b.value,
           ir::dtype_name(t.dtype()), ir::shape_str(t.shape()), ir::dtype_name(dtype(b)), ir::shape_str(b.shape));
    const bool clobbers = overwrite(index, k);
    const auto i = static_cast<size_t>(index);
    logical_[i] = t;
    pending_[i] = 1;
    if (clobbers || b.region != Region::Internal) write(index);
  }

  // Buffer `index` as it lies in memory: a flat tensor of its padded size
  // (NC1HWC2 blocks included), for ops that work element by element.
  ir::Tensor load_raw(int index) {
    if (pending_[static_cast<size_t>(index)]) write(index);
    const Buffer& b = buffer(index);
    return ir::Tensor::from_bytes(dtype(b), {b.bytes / b.elem_size}, address(b), static_cast<size_t>(b.bytes));
  }

  void store_raw(int index, const ir::Tensor& t, int k) {
    const Buffer& b = buffer(index);
    const ir::Tensor bytes = in_dtype(b, t);
    if (bytes.nbytes() != static_cast<size_t>(b.bytes) || bytes.dtype() != dtype(b))
      fail("program: element-wise step wrote {} bytes into the {}-byte buffer of '{}'", bytes.nbytes(), b.bytes,
           b.value);
    overwrite(index, k);
    std::memcpy(address(b), bytes.raw(), bytes.nbytes());
  }

  bool has_logical(int index) const { return !logical_[static_cast<size_t>(index)].empty(); }
  TensorMap take_outputs() { return std::move(outputs_); }

 private:
  const Buffer& buffer(int index) const { return p_.buffers[static_cast<size_t>(index)]; }
  ir::DataType dtype(const Buffer& b) const { return use_.dtype[static_cast<size_t>(&b - p_.buffers.data())]; }
  // A float16 buffer's tensor may be float16 values held in floats
  // (NodeRunner::Halves::InFloats): they narrow exactly when written as bytes.
  bool holds(const Buffer& b, const ir::Tensor& t) const {
    return t.dtype() == dtype(b) || (dtype(b) == ir::DataType::Float16 && t.dtype() == ir::DataType::Float32);
  }
  ir::Tensor in_dtype(const Buffer& b, const ir::Tensor& t) const {
    return t.dtype() == dtype(b) ? t : kernels::convert_float_on(pool_, t, dtype(b));
  }

  // Step k is about to write buffer `index`: the buffers sharing its bytes
  // lose their logical copies; one still to be read gets its bytes first.
  // True when one is still to be read: the new bytes must then be written
  // over it, as the board would.
  bool overwrite(int index, int k) {
    bool clobbers = false;
    for (int j : use_.overlaps[static_cast<size_t>(index)]) {
      const auto o = static_cast<size_t>(j);
      const bool live = j != index && stored_[o] && use_.last_read[o] > k;
      if (pending_[o] && live) write(j);
      clobbers = clobbers || live;
      pending_[o] = 0;
      stored_[o] = 0;
      logical_[o] = {};
    }
    stored_[static_cast<size_t>(index)] = 1;
    return clobbers;
  }

  // The bytes of buffer `index` from its logical tensor.
  void write(int index) {
    const auto i = static_cast<size_t>(index);
    pending_[i] = 0;
    const Buffer& b = buffer(index);
    const ir::Tensor t = in_dtype(b, logical_[i]);
    std::byte* dst = address(b);
    if (b.layout == compiler::kNc1hwc2)
      copy_blocks(static_cast<const std::byte*>(t.raw()), dst, b, true, pool_);
    else if (t.nbytes())
      std::memcpy(dst, t.raw(), t.nbytes());
  }

  // The arena is made (and filled) when a step first touches its bytes: with
  // a right memory plan every value is read from its logical tensor, and
  // nothing does.
  std::byte* address(const Buffer& b) {
    switch (b.region) {
      case Region::Input: return static_cast<std::byte*>(const_cast<void*>(inputs_.at(b.value).raw()));
      case Region::Output: return static_cast<std::byte*>(outputs_.at(b.value).raw());
      case Region::Internal: break;
    }
    if (arena_.empty()) arena_.assign(static_cast<size_t>(p_.memory.internal_bytes), std::byte{kArenaFill});
    return arena_.data() + b.offset;
  }

  const ir::Graph& g_;
  const compiler::Program& p_;
  const BufferUse& use_;
  const TensorMap& inputs_;
  ThreadPool& pool_;
  std::vector<std::byte> arena_;
  std::vector<ir::Tensor> logical_;  // per buffer: the tensor its bytes hold (empty: read the bytes)
  std::vector<char> pending_;        // per buffer: logical_ not written to its bytes yet
  std::vector<char> stored_;         // per buffer: stored in this run and not overwritten since
  TensorMap outputs_;
};

// Ops whose every output element depends only on the same element of each
// input: on the NPU they run straight on the NC1HWC2 blocks.
bool is_elementwise(const std::string& op) {
  static const std::set<std::string, std::less<>> kOps = {
      "Add", "Sub", "Mul", "Div", "Max", "Min", "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh"};
  return kOps.count(op) != 0;
}

// The step is element-wise and every input is a buffer laid out exactly like
// its output (or a one-value constant), so the padded blocks can be fed as is.
bool runs_on_blocks(const compiler::Program& p, const ir::Graph& g, const Step& s) {
  if (s.kind != Step::Kind::Compute || s.device != compiler::Device::Npu || s.outputs.size() != 1 ||
      !is_elementwise(s.op_type))
    return false;
  const Buffer& out = p.buffers[static_cast<size_t>(s.outputs[0])];
  if (out.layout != compiler::kNc1hwc2) return false;
  const ir::Node& n = *g.nodes[static_cast<size_t>(s.node)];
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    if (s.inputs[i] < 0) {
      const ir::Tensor* c = n.inputs[i].empty() ? nullptr : g.constant(n.inputs[i]);
      if (c && c->numel() != 1) return false;
      continue;
    }
    const Buffer& in = p.buffers[static_cast<size_t>(s.inputs[i])];
    if (in.layout != out.layout || in.c2 != out.c2 || in.shape != out.shape || in.elem_size != out.elem_size)
      return false;
  }
  return true;
}

}  // namespace

// From the steps themselves (not the Program's own first / last step fields).
BufferUse buffer_use(const compiler::Program& p) {
  const size_t n = p.buffers.size();
  BufferUse use;
  use.last_read.assign(n, -1);
  use.overlaps.resize(n);
  for (size_t k = 0; k < p.steps.size(); ++k)
    for (int in : p.steps[k].inputs) {
      if (in < 0 || static_cast<size_t>(in) >= n) continue;
      use.last_read[static_cast<size_t>(in)] = static_cast<int>(k);
    }
  for (size_t i = 0; i < n; ++i) {
    const Buffer& a = p.buffers[i];
    use.overlaps[i].push_back(static_cast<int>(i));
    if (a.region != Region::Internal || a.bytes <= 0) continue;
    for (size_t j = 0; j < n; ++j) {
      const Buffer& b = p.buffers[j];
      if (j != i && b.region == Region::Internal && b.bytes > 0 && a.offset < b.offset + b.bytes &&
          b.offset < a.offset + a.bytes)
        use.overlaps[i].push_back(static_cast<int>(j));
    }
  }
  return use;
}

ProgramRunner::ProgramRunner(const ir::Graph& graph, const compiler::Program& program, ThreadPool& pool)
    : graph_(graph), program_(program), pool_(pool) {
  for (const Buffer& b : program.buffers) {
    const ir::ValueInfo* info = graph.info(b.value);
    if (!info || static_cast<size_t>(b.elem_size) != ir::dtype_size(info->dtype))
      fail("program buffer of '{}' does not match the graph's value; re-convert the model", b.value);
  }
  if (const auto missing = Executor::unsupported_nodes(graph); !missing.empty())
    fail("node '{}': no kernel for op {}", missing.front()->name, missing.front()->op_type);
  for (const Step& s : program.steps) {
    on_blocks_.push_back(runs_on_blocks(program, graph, s));
    const bool compute = s.kind == Step::Kind::Compute;
    const ir::Node* node = compute ? graph.nodes[static_cast<size_t>(s.node)].get() : nullptr;
    runners_.push_back(compute ? std::make_unique<NodeRunner>(*node, &graph, &graph.quant,
                                                              NodeRunner::Halves::InFloats)
                               : nullptr);
  }
  use_ = buffer_use(program);
  for (const Buffer& b : program.buffers) use_.dtype.push_back(graph.info(b.value)->dtype);
  for (const Step& s : program.steps) {
    constants_.emplace_back();
    if (s.kind != Step::Kind::Compute) continue;
    const ir::Node& n = *graph.nodes[static_cast<size_t>(s.node)];
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      if (s.inputs[i] < 0 && !n.inputs[i].empty() && !graph.is_constant(n.inputs[i]))
        fail("program step '{}': input '{}' is neither a buffer nor a constant; re-convert the model", s.name,
             n.inputs[i]);
      constants_.back().push_back(s.inputs[i] < 0 && !n.inputs[i].empty() ? graph.constant(n.inputs[i]) : nullptr);
    }
  }
  for (const Step& s : program.steps) {
    nodes_.push_back(s.kind == Step::Kind::Compute ? graph.nodes[static_cast<size_t>(s.node)].get() : nullptr);
    inputs_.push_back(s.inputs);
  }
  fused_away_.assign(program.steps.size(), 0);
  fuse_input_normalisation();
}

size_t ProgramRunner::steps_on_blocks() const {
  return static_cast<size_t>(std::count(on_blocks_.begin(), on_blocks_.end(), 1));
}

size_t ProgramRunner::steps_fused_away() const {
  return static_cast<size_t>(std::count(fused_away_.begin(), fused_away_.end(), 1));
}

TensorMap ProgramRunner::run(const TensorMap& inputs) const {
  for (const auto& [name, shape] : program_.input_shapes) {
    auto it = inputs.find(name);
    if (it == inputs.end()) fail("input '{}' is missing", name);
    if (it->second.shape() != shape)
      fail("input '{}' has shape {}, the program was compiled for {}", name, ir::shape_str(it->second.shape()),
           ir::shape_str(shape));
  }
  Memory mem(graph_, program_, use_, inputs, pool_);
  for (size_t k = 0; k < program_.steps.size(); ++k) {
    const Step& s = program_.steps[k];
    const int step = static_cast<int>(k);
    if (s.kind == Step::Kind::Reorder) {
      mem.store(s.outputs[0], mem.load(s.inputs[0]), s.name, step);
      continue;
    }
    if (fused_away_[k]) continue;
    const ir::Node& node = *nodes_[k];
    const std::vector<int>& reads = inputs_[k];
    // An element-wise step whose inputs all have their logical tensors runs
    // on those: the same values as on the blocks, whose padding lanes no
    // step ever reads into a value.
    const bool raw = on_blocks_[k] && !std::all_of(reads.begin(), reads.end(),
                                                   [&](int b) { return b < 0 || mem.has_logical(b); });
    std::vector<ir::Tensor> held(node.inputs.size());
    std::vector<const ir::Tensor*> args(node.inputs.size(), nullptr);
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      if (reads[i] >= 0) {
        held[i] = raw ? mem.load_raw(reads[i]) : mem.load(reads[i]);
        args[i] = &held[i];
      } else {
        args[i] = constants_[k][i];
      }
    }
    const auto outs = runners_[k]->run(args, pool_);
    if (raw) {
      mem.store_raw(s.outputs[0], outs[0], step);
      continue;
    }
    for (size_t o = 0; o < s.outputs.size(); ++o) mem.store(s.outputs[o], outs[o], s.name, step);
  }
  TensorMap outputs = mem.take_outputs();
  for (const auto& name : graph_.outputs)  // a graph input handed straight out
    if (!outputs.count(name) && inputs.count(name)) outputs[name] = inputs.at(name).clone();
  return outputs;
}

}  // namespace rknnc::runtime
