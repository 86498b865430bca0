// Recognises scaled dot-product attention and names its nodes in build.json
// ("patterns": {"attention_blocks": [...]}); the graph is not changed.
//   s = MatMul(q, k) scaled by a constant (Mul or Div, after the MatMul or on
//   q or k before it)  [+ mask]  → Softmax → MatMul(·, v)
// Each block records the node names by role: matmul_qk, scale, mask_add (when
// present), softmax, matmul_v.
#include "passes/helpers/match.h"
#include "passes/helpers/pattern.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

using Block = std::map<std::string, std::string>;

// A Mul or Div by a constant: the node producing `value`, and the other input.
ir::Node* constant_scale(const ir::Graph& g, const std::string& value, std::string* scaled) {
  for (const char* op : {"Mul", "Div"}) {
    ir::Node* n = produced_by(g, value, op);
    if (!n || n->inputs.size() != 2) continue;
    for (size_t i = 0; i < 2; ++i)
      if (g.is_constant(n->input(1 - i)) && !g.is_constant(n->input(i)) && (i == 0 || n->op_type == "Mul")) {
        *scaled = n->input(i);
        return n;
      }
  }
  return nullptr;
}

// MatMul(q, k) with the scale after it or on one of its operands.
bool match_scores(const ir::Graph& g, const std::string& value, Block& b) {
  std::string scaled;
  if (ir::Node* scale = constant_scale(g, value, &scaled)) {
    ir::Node* mm = produced_by(g, scaled, "MatMul");
    if (!mm) return false;
    b["scale"] = scale->name;
    b["matmul_qk"] = mm->name;
    return true;
  }
  ir::Node* mm = produced_by(g, value, "MatMul");
  for (size_t i = 0; mm && i < 2; ++i)
    if (ir::Node* scale = constant_scale(g, mm->input(i), &scaled)) {
      b["scale"] = scale->name;
      b["matmul_qk"] = mm->name;
      return true;
    }
  return false;
}

std::optional<Block> match_at_softmax(const ir::Graph& g, const ir::Node& sm) {
  if (sm.op_type != "Softmax" || !sm.domain.empty() || sm.inputs.size() != 1) return std::nullopt;
  ir::Node* mm_v = read_only_by(g, sm.outputs[0], "MatMul");
  if (!mm_v || mm_v->input(0) != sm.outputs[0]) return std::nullopt;
  Block b{{"softmax", sm.name}, {"matmul_v", mm_v->name}};
  if (match_scores(g, sm.input(0), b)) return b;
  ir::Node* mask = produced_by(g, sm.input(0), "Add");
  for (size_t i = 0; mask && i < 2 && mask->inputs.size() == 2; ++i)
    if (match_scores(g, mask->input(i), b)) {
      b["mask_add"] = mask->name;
      return b;
    }
  return std::nullopt;
}

class FindAttentionBlocks final : public Pass {
 public:
  std::string_view name() const override { return "find_attention_blocks"; }
  std::string_view description() const override {
    return "name MatMul → scale → [mask Add] → Softmax → MatMul attention blocks in build.json (graph unchanged)";
  }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    auto& blocks = stats.found["attention_blocks"];
    for (const auto& n : g.nodes)
      if (auto b = match_at_softmax(g, *n)) {
        (*b)["name"] = "attention_" + std::to_string(blocks.size());
        blocks.push_back(std::move(*b));
      }
    return stats;
  }
};

RKNNC_REGISTER_PASS(FindAttentionBlocks);

}  // namespace
}  // namespace rknnc::passes
