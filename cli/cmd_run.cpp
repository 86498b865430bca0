#include <fmt/format.h>

#include "cli/commands.h"
#include "frontends/frontend.h"
#include "runtime/executor.h"
#include "util/atomic_file.h"
#include "util/npy.h"

namespace rknnc::cli {
namespace {

struct RunArgs {
  std::string model;
  std::vector<std::string> inputs;
  std::string out_dir;
};

std::string safe_file_name(const std::string& tensor) {
  std::string out;
  for (char c : tensor) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  if (out.empty() || out[0] == '.') out = "_" + out;
  return out;
}

int run(const RunArgs& a) {
  ir::Graph g = frontends::load_onnx(a.model);
  if (a.inputs.size() != g.inputs.size())
    fail_config("{} has {} inputs, {} --input files given", a.model, g.inputs.size(), a.inputs.size());
  runtime::TensorMap feeds;
  for (size_t i = 0; i < a.inputs.size(); ++i) feeds[g.inputs[i]] = read_npy(a.inputs[i]);
  runtime::Executor exec(g);
  runtime::TensorMap outs = exec.run(feeds);
  StagedOutputs staged;
  for (const auto& name : g.outputs) staged.add(std::filesystem::path(a.out_dir) / (safe_file_name(name) + ".npy"), to_npy(outs.at(name)));
  staged.commit();
  return 0;
}

}  // namespace

Command add_run(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* sub = app.add_subcommand("run", "Run a .rknn or .onnx model on the CPU");
  sub->add_option("model", args->model, "model file (.rknn or .onnx)")->required();
  sub->add_option("--input", args->inputs, "input .npy, one per model input, in order")->required();
  sub->add_option("-o,--output", args->out_dir, "folder for one .npy per output")->required();
  return [args] { return run(*args); };
}

}  // namespace rknnc::cli
