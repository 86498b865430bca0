#include "passes/pipeline.h"

#include <chrono>

#include "ir/verifier.h"
#include "util/error.h"

namespace rknnc::passes {
namespace {

// The pipelines, as data. Each level adds to the one below; cleanup passes
// repeat after rewrites that leave dead values behind.
struct LevelPasses {
  int min_level;
  const char* pass;
};
// Level 0 runs only what later stages need (constant Shape/ConstantOfShape
// resolved, no Identity/Dropout left) plus what the config explicitly asks
// for (remove_reshape, model_pruning gate themselves). Level 1 adds rewrites
// that are bit-exact in fp32; level 2 those exact up to fp32 rounding
// (decomposed LayerNorm / GELU fused into one op, BN and bias folding, then
// the BNs left over become Mul + Add); level 3 input normalisation folding.
// find_attention_blocks only names nodes for build.json: every level.
// Activation fusion is bit-exact but changes which tensors get quantised, so
// it starts at level 1.
// docs/passes.md explains each choice.
constexpr LevelPasses kPipeline[] = {
    {0, "fold_constants"},
    {0, "eliminate_identity"},
    {0, "eliminate_dropout"},
    {1, "eliminate_noop_cast"},
    {1, "eliminate_noop_reshape"},
    {1, "eliminate_noop_ops"},
    {2, "fuse_layer_norm"},
    {2, "fuse_gelu"},
    {0, "eliminate_dead_nodes"},
    {0, "prune_channels"},
    {2, "fuse_bn_into_conv"},
    {2, "fuse_bias_add_into_conv"},
    {2, "batchnorm_to_mul_add"},
    {3, "fold_input_normalization"},
    {1, "fuse_activation"},
    {0, "remove_reshape"},
    {0, "find_attention_blocks"},
    {1, "fold_constants"},
    {0, "eliminate_dead_nodes"},
};

}  // namespace

std::vector<std::string> pipeline_for_level(int level) {
  if (level < 0 || level > 3) fail_config("optimization_level {} is out of range 0–3", level);
  std::vector<std::string> names;
  for (const auto& entry : kPipeline)
    if (level >= entry.min_level) names.push_back(entry.pass);
  return names;
}

std::vector<std::string> cpu_pipeline_for_level(int level) {
  std::vector<std::string> names = pipeline_for_level(level);
  std::erase(names, "batchnorm_to_mul_add");
  return names;
}

std::vector<PassRecord> run_passes(ir::Graph& graph, const std::vector<std::string>& names, PassContext& ctx) {
  std::vector<PassRecord> records;
  for (const auto& name : names) {
    auto pass = PassRegistry::instance().create(name);
    if (!pass) fail("internal: pipeline names unknown pass '{}'", name);
    const auto start = std::chrono::steady_clock::now();
    PassStats stats = pass->run(graph, ctx);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (ctx.verify_each) ir::verify(graph, "after pass " + name);
    records.push_back({name, std::move(stats), took.count()});
  }
  return records;
}

std::vector<PassRecord> run_pipeline(ir::Graph& graph, int level, PassContext& ctx) {
  return run_passes(graph, pipeline_for_level(level), ctx);
}

}  // namespace rknnc::passes
