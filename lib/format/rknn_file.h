#pragma once
// The .rknn container, documented byte by byte in docs/rknn-format.md:
// magic, version, a section table, sections (metadata JSON, graph, tensors,
// weights) each with a CRC-32, and a SHA-256 of the whole file. Serialisation
// is deterministic: the same model gives the same bytes. The reader checks the
// SHA-256 first, then every length and offset before use, and reports a
// corrupt file in one line. Encrypted files: format/envelope.h.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/program.h"
#include "ir/graph.h"

namespace rknnc {
class StagedOutputs;
}

namespace rknnc::format {

// Toolkit2-style input normalisation kept with the model: inference on the
// .rknn takes raw input and applies (x - mean) / std per channel.
struct InputPreprocess {
  std::string input;
  std::vector<float> mean;  // per channel; empty = 0
  std::vector<float> std;   // per channel; empty = 1
  bool operator==(const InputPreprocess&) const = default;
};

// Per-tensor data the compiler attaches (stored in the tensors section with
// the tensor's quantisation parameters, which live in graph.quant).
struct TensorAnnotation {
  std::string layout;  // "NCHW", "NC1HWC2", "OI1HWI2" (packed Conv weights); default_layout() when absent
  int c2 = 0;          // C2 of NC1HWC2 / OI1HWI2 (v3)
  bool operator==(const TensorAnnotation&) const = default;
};

// "NCHW" for rank-4 tensors, "" (plain row-major) for every other rank.
std::string default_layout(size_t rank);

struct RknnModel {
  ir::Graph graph;  // compiled graph, constants included
  std::string model_name;
  std::string target;        // canonical platform name
  std::string tool_version;  // rknnc version that wrote it
  std::string custom_string;
  std::vector<InputPreprocess> preprocess;
  nlohmann::json config_echo;  // the model YAML entry, as converted
  // Only tensors whose annotation differs from the default (layout
  // default_layout(rank), no quantisation); the reader fills it the same way.
  std::map<std::string, TensorAnnotation> tensors = {};
  // The compiled Programs (one per input shape set; several with
  // dynamic_input); empty for a graph that was not compiled.
  std::vector<compiler::Program> programs = {};
  // configs.compress_weight: the writer stores the weights section as one
  // zstd frame (section kind 6, weights_zstd); the reader sets it back.
  bool compress_weights = false;
  // configs.remove_weight: a "slave" model. The writer stores no constant
  // bytes, only weights_digest(graph) in the metadata; the reader fills the
  // constants with zeros and sets weights_sha256. Run it with the constants of
  // a master model converted from the same model (use_master_weights).
  bool remove_weights = false;
  std::string weights_sha256 = {};  // reader: the digest a removed-weights model was built with

  TensorAnnotation annotation(const std::string& tensor) const;
};

// 2: quantisation parameters with their axis; 3: program section, C2, packed
// weights; 4: SHA-256 trailer, encrypted files (header flags, envelope and
// sealed sections).
constexpr uint32_t kFormatVersion = 4;

class EncryptionKey;

// [{name, dtype, shape}] of values (shape null when the rank is unknown): the
// inputs/outputs lists of the metadata section, build.json and inspect.
nlohmann::json describe_values(const ir::Graph& g, const std::vector<std::string>& names);

std::string serialize_rknn(const RknnModel& model);
// Stages `path` in `staged` (written when the driver commits).
void stage_rknn(StagedOutputs& staged, const std::filesystem::path& path, const RknnModel& model);
// Parses a .rknn held in memory; `what` names it in errors. `key` opens an
// encrypted file (format/envelope.h); without it an encrypted file is refused
// with a usage error (exit 2) saying how to give the key. A plain file ignores
// `key`. Any bytes give a model or a one-line rknnc::Error (for fuzzing too).
RknnModel parse_rknn(const std::string& bytes, const std::string& what, const EncryptionKey* key = nullptr);
RknnModel read_rknn(const std::filesystem::path& path, const EncryptionKey* key = nullptr);
// SHA-256 (hex) of every constant of the graph: per constant in name order,
// its name, dtype, dims and bytes. A removed-weights model stores it; a master
// matches when its constants give the same digest.
std::string weights_digest(const ir::Graph& g);
// Replaces the zero placeholders of a removed-weights model with the master's
// constants after checking the digest; one-line error when they do not match.
void use_master_weights(RknnModel& slave, const RknnModel& master, const std::string& slave_what,
                        const std::string& master_what);

// True when the file starts with the .rknn magic (for `inspect` / `run`).
bool is_rknn_file(const std::filesystem::path& path);

// The container's header and section table, after checking magic, version,
// SHA-256 (v4+), file size, header CRC and every section's bounds and CRC. A
// plain file's sections are checked as a model's (check_model_sections); an
// encrypted file's must include its envelope and sealed section.
struct SectionInfo {
  uint32_t kind = 0;
  std::string name;  // "metadata", "graph", "tensors", "weights", "program", "weights_zstd", "unknown"
  uint64_t offset = 0;
  uint64_t length = 0;
  uint32_t crc = 0;
};
struct ContainerInfo {
  uint32_t version = 0;
  uint32_t flags = 0;
  uint64_t file_size = 0;
  std::vector<SectionInfo> sections;
  bool encrypted() const { return (flags & 1u) != 0; }  // layout::kFlagEncrypted
};
ContainerInfo read_container(const std::string& bytes, const std::string& what);

}  // namespace rknnc::format
