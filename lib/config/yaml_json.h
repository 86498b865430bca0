#pragma once
// YAML → JSON with PyYAML's (YAML 1.1 safe_load) scalar rules, so a file means
// here what it means to rknn_convert: plain true/false/yes/no/on/off are
// booleans, plain ~/null/empty are null, plain integers and floats are numbers,
// quoted scalars are always strings.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace rknnc::config {

// Parses YAML text; `file` names the source in error messages (exit 2).
nlohmann::json yaml_text_to_json(const std::string& text, const std::string& file);
// Reads and parses a YAML file (error if missing or unreadable, exit 2).
nlohmann::json yaml_file_to_json(const std::filesystem::path& path);

}  // namespace rknnc::config
