// rknnc export-qdq MODEL.rknn -o OUT.onnx
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/key_option.h"
#include "driver/export_qdq.h"

namespace rknnc::cli {

Command add_export_qdq(CLI::App& app) {
  struct Args {
    std::string model, out, key_file;
  };
  auto a = std::make_shared<Args>();
  CLI::App* sub = app.add_subcommand(
      "export-qdq", "Write a quantised .rknn as an ONNX QDQ model (QuantizeLinear/DequantizeLinear with rknnc's scales) "
                    "so any ONNX runtime can check the quantisation");
  sub->add_option("model", a->model, "quantised model (.rknn, converted with quantize: true)")->required();
  sub->add_option("-o,--output", a->out, "the .onnx file to write")->required();
  add_key_file_option(sub, a->key_file);
  return [a] {
    const auto key = load_key(a->key_file);
    driver::export_qdq(a->model, a->out, key ? &*key : nullptr);
    fmt::print("{}\n", a->out);
    return 0;
  };
}

}  // namespace rknnc::cli
