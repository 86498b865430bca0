#include <cstdio>

#include "cli/commands.h"
#include "cli/key_option.h"
#include "driver/run_model.h"
#include "util/atomic_file.h"
#include "util/file_names.h"
#include "util/npy.h"

namespace rknnc::cli {
namespace {

struct RunArgs {
  std::string model;
  std::vector<std::string> inputs;
  std::string out_dir;
  std::string key_file;
  driver::RunOptions options;
};

int run(const RunArgs& a) {
  std::vector<ir::Tensor> inputs;
  for (const auto& path : a.inputs) inputs.push_back(read_npy(path));
  const auto key = load_key(a.key_file);
  driver::RunOptions options = a.options;
  options.key = key ? &*key : nullptr;
  driver::RunTiming timing;
  auto outputs = driver::run_model_file(a.model, std::move(inputs), options, &timing);
  if (a.options.repeat > 1)
    std::fprintf(stderr, "rknnc: %lld runs: mean %.3f ms, min %.3f ms\n", static_cast<long long>(timing.runs),
                 timing.mean_ms, timing.min_ms);
  const auto files = unique_file_names_of(outputs);
  StagedOutputs staged;
  for (const auto& [name, tensor] : outputs)
    staged.add(std::filesystem::path(a.out_dir) / (files.at(name) + ".npy"), to_npy(tensor));
  staged.commit();
  return 0;
}

}  // namespace

Command add_run(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* sub = app.add_subcommand("run", "Run a .rknn, .onnx, .pt or .tflite model on the CPU, one .npy per output");
  sub->add_option("model", args->model, "model file (.rknn, .onnx, .pt or .tflite)")->required();
  sub->add_option("--input", args->inputs, "input .npy, one per model input, in model order")->required();
  sub->add_option("-o,--output", args->out_dir, "folder for one .npy per output tensor")->required();
  sub->add_flag("--pass-through", args->options.pass_through,
                "inputs are already normalised: do not apply the model's mean/std");
  sub->add_option("--repeat", args->options.repeat,
                  "execute N times after one untimed warm-up run and print mean/min latency (benchmarks)")
      ->check(CLI::Range(1, 1000000));
  sub->add_flag("--batch", args->options.batch,
                "every input has an extra leading dimension N: run N samples, stack the outputs on axis 0");
  sub->add_flag("--nhwc", args->options.nhwc, "4-D inputs are NHWC (default: NCHW as in the source model)");
  sub->add_option("--weights-from", args->options.weights_from,
                  "master .rknn whose weights a model converted with remove_weight uses (same source model)");
  sub->add_flag("--ir-graph", args->options.ir_graph,
                "run the .rknn's IR graph on the simulator instead of its compiled NPU program (the reference)");
  sub->add_option("--optimization-level", args->options.optimization_level,
                  "graph optimisations of a source model before it runs, as configs.optimization_level: 0 runs every "
                  "node as written, 3 (default) folds BatchNormalization and fuses activations")
      ->check(CLI::Range(0, 3));
  add_key_file_option(sub, args->key_file);
  return [args] { return run(*args); };
}

}  // namespace rknnc::cli
