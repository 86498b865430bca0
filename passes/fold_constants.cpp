// Executes nodes whose inputs are all constants (runtime::Executor::run_node)
// and stores their outputs as constants. Shape of a value with a static shape
// becomes a constant even when its input is not one. Nodes without a kernel,
// random ops and results much larger than their inputs are left alone.
#include <algorithm>
#include <optional>
#include <set>

#include "passes/helpers/rewrite.h"
#include "passes/pass.h"
#include "runtime/executor.h"
#include "runtime/kernel.h"

namespace rknnc::passes {
namespace {

// A folded result may grow the model (Expand, Tile, ConstantOfShape): beyond
// this size it must also stay within twice the input bytes.
constexpr size_t kLargeResultBytes = size_t{16} << 20;

const std::set<std::string, std::less<>> kNondeterministic = {
    "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout"};

// Shape(x) for a statically shaped x, honouring start/end (opset 15).
std::optional<ir::Tensor> static_shape_of(const ir::Graph& g, const ir::Node& n) {
  const ir::ValueInfo* vi = g.info(n.input(0));
  if (!vi || !vi->has_shape || !ir::shape_is_static(vi->shape)) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(vi->shape.size());
  auto clamp = [&](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
  const int64_t start = clamp(n.attrs.get_int("start", 0)), end = clamp(n.attrs.get_int("end", rank));
  std::vector<int64_t> dims(vi->shape.begin() + start, vi->shape.begin() + std::max(start, end));
  return ir::Tensor::from<int64_t>({static_cast<int64_t>(dims.size())}, dims);
}

std::optional<std::vector<ir::Tensor>> try_fold(const ir::Graph& g, const ir::Node& n, PassStats& stats) {
  if (!n.domain.empty() || kNondeterministic.count(n.op_type)) return std::nullopt;
  if (n.op_type == "Shape") {
    if (auto t = static_shape_of(g, n)) return std::vector<ir::Tensor>{*t};
  }
  std::vector<const ir::Tensor*> args;
  size_t in_bytes = 0;
  for (const auto& in : n.inputs) {
    if (in.empty()) {
      args.push_back(nullptr);
      continue;
    }
    const ir::Tensor* t = g.constant(in);
    if (!t) return std::nullopt;
    args.push_back(t);
    in_bytes += t->nbytes();
  }
  if (!runtime::KernelRegistry::instance().has_op(n.op_type)) {
    ++stats.counters["skipped_no_kernel"];
    return std::nullopt;
  }
  std::vector<ir::Tensor> outs = runtime::Executor::run_node(n, args);
  for (const auto& t : outs)
    if (t.nbytes() > kLargeResultBytes && t.nbytes() > 2 * in_bytes) {
      ++stats.counters["skipped_large"];
      return std::nullopt;
    }
  return outs;
}

class FoldConstants final : public Pass {
 public:
  std::string_view name() const override { return "fold_constants"; }
  std::string_view description() const override {
    return "evaluate nodes with constant inputs, Shape of static shapes, ConstantOfShape";
  }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    const int64_t bytes_before = g.constant_bytes();
    // Nodes are in topological order, so one sweep folds whole constant chains.
    for (size_t i = 0; i < g.nodes.size();) {
      const ir::Node& n = *g.nodes[i];
      auto outs = try_fold(g, n, stats);
      if (!outs) {
        ++i;
        continue;
      }
      const std::vector<std::string> names = n.outputs;
      erase_node(g, &n);
      for (size_t o = 0; o < names.size(); ++o)
        if (!names[o].empty()) g.add_constant(names[o], std::move((*outs)[o]));
      ++stats.nodes_removed;
    }
    g.remove_unused_values();
    stats.counters["nodes_folded"] = stats.nodes_removed;
    stats.bytes_saved = bytes_before - g.constant_bytes();
    return stats;
  }
};

RKNNC_REGISTER_PASS(FoldConstants);

}  // namespace
}  // namespace rknnc::passes
