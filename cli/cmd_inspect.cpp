#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "cli/commands.h"
#include "cli/key_option.h"
#include "report/inspect.h"
#include "util/error.h"

namespace rknnc::cli {
namespace {

struct InspectArgs {
  std::string file;
  std::string key_file;
  bool json = false;
  bool ops = false;
  std::vector<std::string> input_sizes;
};

// "1,3,224,224" or "1 3 224 224"
std::vector<int64_t> parse_input_size(const std::string& text) {
  std::vector<int64_t> dims;
  static const std::regex kNum("[0-9]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kNum); it != std::sregex_iterator(); ++it)
    dims.push_back(std::stoll(it->str().substr(0, 12)));
  if (dims.empty() || std::any_of(dims.begin(), dims.end(), [](int64_t d) { return d < 1; }))
    fail_config("--input-size '{}': give the dims of one input, e.g. \"1,3,224,224\"", text);
  return dims;
}

int inspect(const InspectArgs& a) {
  if (a.ops) {
    const nlohmann::json ops = report::runtime_ops();
    if (a.json) {
      fmt::print("{}\n", nlohmann::json{{"runtime_ops", ops}}.dump(2));
    } else {
      fmt::print("ops the CPU runtime executes ({}):\n", ops.size());
      for (const auto& op : ops) fmt::print("  {}\n", op.get<std::string>());
    }
    if (a.file.empty()) return 0;
  }
  if (a.file.empty()) fail_config("inspect: give a model FILE (.rknn, .onnx, .pt or .tflite) or --ops");
  const auto key = load_key(a.key_file);
  std::vector<std::vector<int64_t>> shapes;
  for (const auto& s : a.input_sizes) shapes.push_back(parse_input_size(s));
  const nlohmann::json info = report::inspect_file(a.file, key ? &*key : nullptr, shapes);
  if (a.json)
    fmt::print("{}\n", info.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  else
    fmt::print("{}", report::inspect_text(info));
  return 0;
}

}  // namespace

Command add_inspect(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* sub = app.add_subcommand("inspect", "Show inputs, outputs, ops and weights of a .rknn, .onnx, .pt or .tflite file");
  sub->add_option("file", args->file, "model file (.rknn, .onnx, .pt or .tflite)");
  sub->add_flag("--json", args->json, "print JSON instead of text");
  sub->add_flag("--ops", args->ops, "list the ops the CPU runtime supports");
  sub->add_option("--input-size", args->input_sizes,
                  "input shape \"1,3,224,224\", once per model input, for a model file that records none (.pt)")
      ->allow_extra_args(false);
  add_key_file_option(sub, args->key_file);
  return [args] { return inspect(*args); };
}

}  // namespace rknnc::cli
