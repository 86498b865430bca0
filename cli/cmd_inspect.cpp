#include <fmt/format.h>

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
};

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
  if (a.file.empty()) fail_config("inspect: give a model FILE (.rknn, .onnx or .tflite) or --ops");
  const auto key = load_key(a.key_file);
  const nlohmann::json info = report::inspect_file(a.file, key ? &*key : nullptr);
  if (a.json)
    fmt::print("{}\n", info.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  else
    fmt::print("{}", report::inspect_text(info));
  return 0;
}

}  // namespace

Command add_inspect(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* sub = app.add_subcommand("inspect", "Show inputs, outputs, ops and weights of a .rknn, .onnx or .tflite file");
  sub->add_option("file", args->file, "model file (.rknn, .onnx or .tflite)");
  sub->add_flag("--json", args->json, "print JSON instead of text");
  sub->add_flag("--ops", args->ops, "list the ops the CPU runtime supports");
  add_key_file_option(sub, args->key_file);
  return [args] { return inspect(*args); };
}

}  // namespace rknnc::cli
