// The plugin's entry (torch_plugin.h): torch::jit::load, freeze (eval mode),
// inline and torch's clean-up passes, then one execution at the configured
// input shapes (torchscript_walk.cpp).
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/frozen_conv_folding.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/passes/lower_tuples.h>
#include <torch/csrc/jit/passes/remove_mutation.h>
#include <torch/script.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <mutex>

#include "frontends/pytorch/torch_plugin.h"
#include "frontends/pytorch/with_torch/torchscript_walk.h"
#include "util/error.h"

namespace rknnc::frontends::pytorch {
namespace {

std::string first_line(const char* what) {
  std::string msg = what;
  if (auto pos = msg.find('\n'); pos != std::string::npos) msg.resize(pos);
  return msg;
}

constexpr const char* kHowToSave =
    "save the model with torch.jit.trace(model, example_input).save(path) (or torch.jit.script), or export it to ONNX "
    "with torch.onnx.export and set platform: onnx";

// A TorchScript archive holds code/; torch.save of a state_dict or of a
// module object holds only data.pkl and tensors.
void check_archive(const std::string& file) {
  std::vector<std::string> records;
  try {
    caffe2::serialize::PyTorchStreamReader reader(file);
    records = reader.getAllRecords();
  } catch (const std::exception& e) {
    fail("{}: not a TorchScript archive ({}): the file is truncated or in another format; {}", file,
         first_line(e.what()), kHowToSave);
  }
  const bool code = std::any_of(records.begin(), records.end(), [](const std::string& r) { return r.rfind("code/", 0) == 0; });
  const bool data = std::find(records.begin(), records.end(), "data.pkl") != records.end();
  if (!code && data)
    fail("{}: a pickled state_dict or module (torch.save), not TorchScript: it holds weights but no code; {}", file,
         kHowToSave);
  if (!code) fail("{}: not a TorchScript archive (no code/ folder); {}", file, kHowToSave);
}

// Quantised weights are packed for the engine at load: qnnpack, which
// python3-torch on the same machine uses too, when the build has it.
void choose_quantized_engine() {
  static std::once_flag once;  // batch mode reads models on several threads
  std::call_once(once, [] {
    const auto& engines = at::globalContext().supportedQEngines();
    if (std::find(engines.begin(), engines.end(), at::QEngine::QNNPACK) != engines.end())
      at::globalContext().setQEngine(at::QEngine::QNNPACK);
  });
}

std::shared_ptr<torch::jit::Graph> frozen_graph(torch::jit::Module& module) {
  module.eval();
  torch::jit::Module frozen = torch::jit::freeze_module(module);
  std::shared_ptr<torch::jit::Graph> graph = frozen.get_method("forward").graph()->copy();
  torch::jit::Inline(*graph);
  torch::jit::RemoveTensorMutation(graph);
  torch::jit::RemoveListMutation(graph);
  torch::jit::LowerSimpleTuples(graph);
  torch::jit::ConstantPropagation(graph);
  // Eval-mode BatchNorm after a convolution folds into its weights, as
  // torch.onnx.export does.
  torch::jit::FoldFrozenConvBatchnorm(graph);
  torch::jit::EliminateDeadCode(graph);
  return graph;
}

// The shapes of the model's inputs, in their order: input_size_list, whose
// entries follow subgraphs.inputs when it names them.
std::vector<ir::Shape> input_shapes(const torch::jit::Graph& graph, const TorchReadRequest& opt, const std::string& file) {
  std::vector<std::string> names;
  for (size_t i = 1; i < graph.inputs().size(); ++i) names.push_back(graph.inputs()[i]->debugName());
  if (opt.input_shapes.empty())
    fail_config("{}: a TorchScript model records no input shapes; give one shape per input ({}): "
                "subgraphs.input_size_list in the YAML, `rknnc inspect --input-size`, or the --input files of `rknnc run`",
                file, fmt::join(names, ", "));
  if (opt.inputs.empty()) {
    if (opt.input_shapes.size() != names.size())
      fail_config("{}.input_size_list has {} shapes, but {} has {} inputs ({})", opt.options_where,
                  opt.input_shapes.size(), file, names.size(), fmt::join(names, ", "));
    return opt.input_shapes;
  }
  std::vector<ir::Shape> shapes(names.size());
  for (size_t i = 0; i < opt.inputs.size(); ++i) {
    const auto it = std::find(names.begin(), names.end(), opt.inputs[i]);
    if (it == names.end())
      fail_config("{}.inputs names '{}', which is not an input of {}; a TorchScript model is cut at its inputs ({})",
                  opt.options_where, opt.inputs[i], file, fmt::join(names, ", "));
    shapes[static_cast<size_t>(it - names.begin())] = opt.input_shapes.at(i);
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (shapes[i].empty())
      fail_config("{}.inputs does not name model input '{}' of {}; name every input", opt.options_where, names[i], file);
  return shapes;
}

}  // namespace

TorchGraph read_torchscript(const TorchReadRequest& request) {
  const std::string& file = request.file;
  check_archive(file);
  choose_quantized_engine();
  try {
    torch::jit::Module module = torch::jit::load(file, torch::kCPU);
    const std::shared_ptr<torch::jit::Graph> graph = frozen_graph(module);
    name_inputs(*graph);
    return walk_torchscript(*graph, input_shapes(*graph, request, file), file);
  } catch (const c10::Error& e) {
    fail("{}: libtorch cannot load the TorchScript model: {}; {}", file, first_line(e.what_without_backtrace()),
         kHowToSave);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    fail("{}: libtorch cannot load the TorchScript model: {}; {}", file, first_line(e.what()), kHowToSave);
  }
}

}  // namespace rknnc::frontends::pytorch

extern "C" __attribute__((visibility("default"))) void rknnc_read_torchscript(
    const rknnc::frontends::pytorch::TorchReadRequest& request, rknnc::frontends::pytorch::TorchReadResult& result) {
  try {
    result.graph = rknnc::frontends::pytorch::read_torchscript(request);
  } catch (const rknnc::Error& e) {
    result.error = e.what();
    result.exit_code = static_cast<int>(e.code());
  } catch (const std::exception& e) {
    result.error = fmt::format("{}: libtorch failed: {}", request.file, e.what());
    result.exit_code = 1;
  }
}
