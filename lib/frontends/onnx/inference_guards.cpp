// libonnx's convPoolShapeInference indexes the data input's spatial dims by
// the kernel's rank: a data input of rank 2 with a 4-D weight reads past its
// dims and crashes (found by fuzz_onnx). The guard checks the ranks first and
// raises an ordinary inference error, which load_onnx reports in one line.
#include "frontends/onnx/inference_guards.h"

#include <onnx/defs/schema.h>
#include <onnx/defs/shape_inference.h>

#include <mutex>
#include <set>

namespace rknnc::frontends::onnx_detail {
namespace {

struct ConvLike {
  const char* op;
  size_t data;    // input index of X
  int weight;     // input index of W, -1 for pools
};

constexpr ConvLike kConvLike[] = {{"Conv", 0, 1},        {"ConvTranspose", 0, 1}, {"ConvInteger", 0, 1},
                                  {"QLinearConv", 0, 3}, {"AveragePool", 0, -1},  {"MaxPool", 0, -1},
                                  {"LpPool", 0, -1}};
constexpr int kNewestOpset = 17;  // newest opset whose schemas get the guard (load_onnx's limit)

int rank(onnx::InferenceContext& ctx, size_t input) {
  return onnx::hasInputShape(ctx, input) ? ctx.getInputType(input)->tensor_type().shape().dim_size() : -1;
}

void check_ranks(onnx::InferenceContext& ctx, const ConvLike& op) {
  const int x = rank(ctx, op.data);
  if (x >= 0 && x < 3) fail_shape_inference(op.op, ": input X has rank ", x, "; it must be N x C x spatial dims (rank 3 or more)");
  if (op.weight < 0 || x < 0 || ctx.getNumInputs() <= static_cast<size_t>(op.weight)) return;
  const int w = rank(ctx, static_cast<size_t>(op.weight));
  if (w >= 0 && w != x) fail_shape_inference(op.op, ": input X has rank ", x, " and the weight rank ", w, "; they must match");
}

}  // namespace

void install_inference_guards() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::set<const onnx::OpSchema*> guarded;
    for (const ConvLike& op : kConvLike)
      for (int version = 1; version <= kNewestOpset; ++version) {
        const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Schema(op.op, version, "");
        if (!schema || !guarded.insert(schema).second || !schema->has_type_and_shape_inference_function()) continue;
        auto inner = schema->GetTypeAndShapeInferenceFunction();
        // The registry hands out const schemas; replacing the function is the
        // one change made, once, before any inference runs.
        const_cast<onnx::OpSchema*>(schema)->TypeAndShapeInferenceFunction([inner, op](onnx::InferenceContext& ctx) {
          check_ranks(ctx, op);
          inner(ctx);
        });
      }
  });
}

}  // namespace rknnc::frontends::onnx_detail
