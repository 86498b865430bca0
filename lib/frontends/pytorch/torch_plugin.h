#pragma once
// libtorch lives in a plugin (librknnc_torch.so, built from with_torch/),
// opened only when a TorchScript file is read: linked into rknnc, its ~280
// shared libraries cost every rknnc run more than a second at start-up.
// Both sides are built together, so the C++ types pass through unchanged.
#include <string>
#include <vector>

#include "frontends/pytorch/torch_graph.h"

namespace rknnc::frontends::pytorch {

struct TorchReadRequest {
  std::string file;
  std::vector<ir::Shape> input_shapes;  // input_size_list
  std::vector<std::string> inputs;      // subgraphs.inputs (empty: the model's order)
  std::string options_where;            // "model.yml: subgraphs", for errors about the two
};

// A failure arrives as the one-line message and exit code of the plugin's
// rknnc::Error (exceptions do not cross the plugin boundary).
struct TorchReadResult {
  TorchGraph graph;
  std::string error;
  int exit_code = 0;
};

using ReadTorchScript = void (*)(const TorchReadRequest&, TorchReadResult&);
inline constexpr const char* kReadTorchScriptSymbol = "rknnc_read_torchscript";
inline constexpr const char* kTorchPluginName = "librknnc_torch.so";

// The plugin's reader; `file` names the model in the error when the plugin
// is absent (a build without libtorch) or cannot be opened.
ReadTorchScript torch_plugin(const std::string& file);

}  // namespace rknnc::frontends::pytorch
