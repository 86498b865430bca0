#pragma once
// `rknnc run`: executes a .rknn or .onnx on the CPU. For .rknn the stored
// mean/std are part of the graph, so inputs are raw (Toolkit2 inference);
// with pass_through the inputs are already normalised and are mapped back.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "format/envelope.h"
#include "ir/tensor.h"

namespace rknnc::driver {

struct RunOptions {
  bool pass_through = false;
  bool nhwc = false;  // 4-D inputs given as NHWC
  int repeat = 1;     // executions, for timing (bench/); outputs are the last run's
  // Every input has one extra leading dimension N ([N, ...input shape], or
  // [N, ...input shape without its leading 1]); the model runs once per sample
  // and each output is the N results stacked on a new leading axis.
  bool batch = false;
  // Run the .rknn's IR graph on the simulator instead of its compiled Program
  // (the reference the Program must match bit for bit).
  bool ir_graph = false;
  // A source model (.onnx, .pt, .tflite) first goes through the conversion's
  // graph optimisations of this level (configs.optimization_level, 0–3), as
  // onnxruntime applies its own by default: BatchNormalization folded into
  // Conv, activations fused, and so on. Outputs then differ from the graph as
  // written by fp32 rounding only; level 0 keeps every node as written.
  int optimization_level = 3;
  // A removed-weights .rknn (configs.remove_weight) takes its constants from
  // this master .rknn, converted from the same model with its weights.
  std::filesystem::path weights_from;
  // Opens encrypted .rknn files (the model and the weights_from master); null:
  // an encrypted file is refused with a message asking for the key.
  const format::EncryptionKey* key = nullptr;
};

struct RunTiming {
  double mean_ms = 0;  // per execution (one sample with `batch`)
  double min_ms = 0;
  int64_t runs = 0;    // executions timed: repeat, times N with `batch`
};

// Outputs in graph output order, with their tensor names.
std::vector<std::pair<std::string, ir::Tensor>> run_model_file(const std::filesystem::path& model,
                                                               std::vector<ir::Tensor> inputs,
                                                               const RunOptions& options,
                                                               RunTiming* timing = nullptr);

}  // namespace rknnc::driver
