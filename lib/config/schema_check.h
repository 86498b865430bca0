#pragma once
// JSON Schema (draft 7) validation with valijson, turning its error list into
// one actionable line: "<file>: <key.path>: got <value>; expected <what the
// schema's description says>".
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rknnc::config {

// Loads schemas/<name> from the data folder (target::data_dir()).
nlohmann::json load_schema(const std::string& name);

// Validates `doc` against `schema`. On failure throws rknnc::Error (exit 2):
// "<file>: <prefix><key path>: got <value>; expected <description>".
// `prefix` is prepended to the key path (e.g. "models[1]."). With `line_of`
// (the line of a key path, config/yaml_lines.h) the message names the line:
// "<file>: line <n>: <key path>: ...".
using LineOf = std::function<int(const std::vector<std::string>& key_path)>;
void validate_or_fail(const nlohmann::json& doc, const nlohmann::json& schema, const std::string& file,
                      const std::string& prefix = "", const LineOf& line_of = nullptr);

// The sub-schema at a key path (properties/items/$ref/anyOf followed), or null.
const nlohmann::json* schema_at(const nlohmann::json& root, const nlohmann::json& schema,
                                const std::vector<std::string>& keys);

}  // namespace rknnc::config
