#pragma once
// Frontends turn a source model into the IR. Each framework has a folder
// (onnx/, tflite/, pytorch/ …) and one row in frontends().
#include <filesystem>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace rknnc::frontends {

struct LoadOptions {
  // subgraphs.inputs / input_size_list: cut or re-shape inputs. An empty
  // shape list keeps the model's shapes.
  std::vector<std::string> inputs;
  std::vector<std::vector<int64_t>> input_shapes;
  // subgraphs.outputs: cut the graph after these values.
  std::vector<std::string> outputs;
  // Prefix for errors about the options, e.g. "model.yml: subgraphs".
  std::string options_where = "subgraphs";
  // Run the graph once on zero inputs at load time so a node that cannot
  // execute is reported now (callers that execute right away skip it).
  bool check_by_execution = true;
};

ir::Graph load_onnx(const std::filesystem::path& path, const LoadOptions& options = {});

// One row per source format: the YAML `platform` value, the file suffixes
// that `rknnc run` / `rknnc inspect` recognise, and the reader. Each reader
// translates its format into ONNX form and hands it to load_onnx_model()
// (frontends/onnx/load_onnx.h), which does the work every format shares.
struct Frontend {
  std::string platform;
  std::vector<std::string> suffixes;
  ir::Graph (*load)(const std::filesystem::path&, const LoadOptions&);
  // False when the file records no input shapes (TorchScript): `rknnc run`
  // takes them from its --input arrays.
  bool records_input_shapes = true;
};
const std::vector<Frontend>& frontends();

// The platform of a model file by its suffix (case-insensitive); a file
// with an unknown suffix is read as ONNX.
std::string platform_of_file(const std::filesystem::path& path);
bool records_input_shapes(const std::string& platform);

// Dispatches on the YAML `platform` value; unsupported frameworks are a
// one-line usage error naming the platform.
ir::Graph load_model(const std::string& platform, const std::filesystem::path& path, const LoadOptions& options);

}  // namespace rknnc::frontends
