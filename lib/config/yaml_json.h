#pragma once
// YAML → JSON with PyYAML's (YAML 1.1 safe_load) scalar rules, so a file means
// here what it means to rknn_convert: plain true/false/yes/no/on/off are
// booleans, plain ~/null/empty are null, plain integers and floats are numbers,
// quoted scalars are always strings. Merge keys (`<<: *base`) merge as PyYAML
// merges them.
//
// A YAML file is outside data: its size, its nesting and how many values its
// aliases stand for (an alias `*a` repeats the whole anchored value, so a few
// lines can stand for billions of values) are bounded; past a limit the file
// is a one-line error (exit 2) naming the file, the line and the key.
// Sized for real files: a model YAML has a few KiB, a hybrid
// .quantization.cfg about 300 bytes per tensor.
#include <cstddef>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace rknnc::config {

constexpr size_t kMaxYamlBytes = size_t{8} << 20;   // 8 MiB, checked before parsing
constexpr int kMaxYamlDepth = 64;                   // nested mappings / sequences
constexpr size_t kMaxYamlAliasValues = 1'000'000;   // values repeated through aliases and merge keys

// Parses YAML text; `file` names the source in error messages (exit 2).
// The text must be UTF-8 without control characters other than tab, CR and LF
// (YAML's printable set; yaml-cpp turns a NUL byte into invalid UTF-8).
nlohmann::json yaml_text_to_json(const std::string& text, const std::string& file);
// Reads a YAML file (error if missing, unreadable or over kMaxYamlBytes, exit 2).
std::string read_yaml_file(const std::filesystem::path& path);
// Reads and parses a YAML file.
nlohmann::json yaml_file_to_json(const std::filesystem::path& path);
// A parsed value as JSON text for a message: never throws (bytes that are not
// UTF-8 show as U+FFFD).
std::string json_text(const nlohmann::json& value);

}  // namespace rknnc::config
