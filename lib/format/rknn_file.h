#pragma once
// The .rknn container (v1), documented byte by byte in docs/rknn-format.md:
// magic, version, a section table, sections (metadata JSON, graph, tensors,
// weights) each with a CRC-32. Serialisation is deterministic: the same model
// gives the same bytes. The reader validates every length and offset before
// use and reports a corrupt file in one line.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ir/graph.h"

namespace rknnc::format {

// Toolkit2-style input normalisation kept with the model: inference on the
// .rknn takes raw input and applies (x - mean) / std per channel.
struct InputPreprocess {
  std::string input;
  std::vector<float> mean;  // per channel; empty = 0
  std::vector<float> std;   // per channel; empty = 1
};

struct RknnModel {
  ir::Graph graph;  // compiled graph, constants included
  std::string model_name;
  std::string target;        // canonical platform name
  std::string tool_version;  // rknnc version that wrote it
  std::string custom_string;
  std::vector<InputPreprocess> preprocess;
  nlohmann::json config_echo;  // the model YAML entry, as converted
};

constexpr uint32_t kFormatVersion = 1;

std::string serialize_rknn(const RknnModel& model);
RknnModel parse_rknn(const std::string& bytes, const std::string& what);
RknnModel read_rknn(const std::filesystem::path& path);
// True when the file starts with the .rknn magic (for `inspect` / `run`).
bool is_rknn_file(const std::filesystem::path& path);

}  // namespace rknnc::format
