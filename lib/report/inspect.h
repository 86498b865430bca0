#pragma once
// `rknnc inspect`: a summary of a .rknn or .onnx file as JSON (the CLI prints
// it as text or JSON). Deterministic: no timings, no absolute paths beyond the
// one given.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "format/rknn_file.h"
#include "ir/graph.h"

namespace rknnc::report {

// Fields common to both formats: inputs, outputs (name, dtype, shape), node
// count, op histogram, constant count and bytes, opset, graph metadata.
nlohmann::json inspect_graph(const ir::Graph& g);
// inspect_graph plus model name, target, tool version, custom_string,
// preprocess, per-tensor layout of inputs/outputs, config echo.
nlohmann::json inspect_rknn_model(const format::RknnModel& m);
// Reads FILE (.rknn by magic, anything else as ONNX) and adds "file",
// "format", "file_bytes" and, for .rknn, "format_version", "sections" and
// "encryption" (level and cipher; null for a plain file). `key` opens an
// encrypted .rknn; without it one is refused. `input_shapes` gives the input
// shapes a source model does not record (TorchScript).
nlohmann::json inspect_file(const std::filesystem::path& path, const format::EncryptionKey* key = nullptr,
                            const std::vector<std::vector<int64_t>>& input_shapes = {});
// The ops the CPU runtime has a kernel for, sorted.
nlohmann::json runtime_ops();
// Human-readable rendering of inspect_file's result.
std::string inspect_text(const nlohmann::json& info);

}  // namespace rknnc::report
