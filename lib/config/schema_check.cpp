// valijson's json_pointer.hpp trips GCC 12's -Wrestrict false positive (std::string::replace
// inlined at -O3, GCC bug 105329); it must be silenced before <string> is seen.
#pragma GCC diagnostic ignored "-Wrestrict"

#include "config/schema_check.h"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <fmt/format.h>

#include <fstream>
#include <regex>

#include "config/yaml_json.h"
#include "target/target.h"
#include "util/error.h"

namespace rknnc::config {
namespace {

using nlohmann::json;

const json* resolve(const json& root, const json* node) {
  for (int depth = 0; node && node->is_object() && node->contains("$ref") && depth < 16; ++depth) {
    const std::string ref = (*node)["$ref"].get<std::string>();
    if (ref.rfind("#/", 0) != 0) return nullptr;
    try {
      node = &root.at(json::json_pointer(ref.substr(1)));
    } catch (const json::exception&) {
      return nullptr;
    }
  }
  return node;
}

// Child schema for one step (object key or array index) of a path.
const json* step(const json& root, const json* node, const std::string& key, bool is_index) {
  node = resolve(root, node);
  if (!node || !node->is_object()) return nullptr;
  if (!is_index && node->contains("properties") && (*node)["properties"].contains(key))
    return &(*node)["properties"][key];
  if (!is_index && node->contains("additionalProperties") && (*node)["additionalProperties"].is_object())
    return &(*node)["additionalProperties"];
  if (is_index && node->contains("items") && (*node)["items"].is_object()) return &(*node)["items"];
  for (const char* comb : {"anyOf", "oneOf", "allOf"}) {
    if (!node->contains(comb)) continue;
    for (const auto& branch : (*node)[comb])
      if (const json* s = step(root, &branch, key, is_index)) return s;
  }
  return nullptr;
}

std::string description_of(const json& root, const json* node) {
  // A description next to a $ref wins over the referenced one.
  for (int depth = 0; node && node->is_object() && depth < 16; ++depth) {
    if (node->contains("description") && (*node)["description"].is_string())
      return (*node)["description"].get<std::string>();
    if (!node->contains("$ref")) break;
    const json* next = resolve(root, node);
    if (next == node) break;
    node = next;
  }
  return "";
}

struct PathStep {
  std::string key;
  bool is_index;
};

std::string render_path(const std::string& prefix, const std::vector<PathStep>& path, size_t n) {
  std::string out = prefix;
  for (size_t i = 0; i < n; ++i) {
    if (path[i].is_index)
      out += fmt::format("[{}]", path[i].key);
    else
      out += (out.empty() || out.back() == '.' ? "" : ".") + path[i].key;
  }
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::string render_value(const json& v) {
  std::string s = json_text(v);
  if (s.size() > 60) s = fmt::format("{}...", s.substr(0, 57));
  return s;
}

}  // namespace

const json* schema_at(const json& root, const json& schema, const std::vector<std::string>& keys) {
  const json* node = &schema;
  for (const auto& k : keys) {
    node = step(root, node, k, false);
    if (!node) return nullptr;
  }
  return resolve(root, node);
}

json load_schema(const std::string& name) {
  const auto path = target::data_dir() / "schemas" / name;
  std::ifstream in(path);
  if (!in) fail_config("{}: schema file not found; reinstall rknnc or set RKNNC_DATA_DIR to the folder holding schemas/", path.string());
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    fail_config("{}: invalid JSON schema ({}); reinstall rknnc", path.string(), e.what());
  }
}

void validate_or_fail(const json& doc, const json& schema, const std::string& file_name, const std::string& prefix,
                      const LineOf& line_of) {
  valijson::Schema compiled;
  valijson::SchemaParser parser;
  try {
    valijson::adapters::NlohmannJsonAdapter schema_adapter(schema);
    parser.populateSchema(schema_adapter, compiled);
  } catch (const std::exception& e) {
    fail_config("{}: the JSON schema used to check it is broken ({}); reinstall rknnc", file_name, e.what());
  }
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter doc_adapter(doc);
  if (validator.validate(compiled, doc_adapter, &results)) return;

  // The most specific error: the longest context (valijson reports the
  // failing combinator first, then what failed inside it).
  valijson::ValidationResults::Error err, best;
  bool have = false;
  while (results.popError(err))
    if (!have || err.context.size() > best.context.size()) {
      best = err;
      have = true;
    }

  // Context → path steps, deciding key vs index by walking the document.
  std::vector<PathStep> path;
  std::vector<const json*> values{&doc};
  for (size_t i = 1; i < best.context.size(); ++i) {
    std::string k = best.context[i];
    if (k.size() >= 2 && k.front() == '[' && k.back() == ']') k = k.substr(1, k.size() - 2);
    const json* cur = values.back();
    const json* next = nullptr;
    bool is_index = false;
    if (cur && cur->is_array()) {
      is_index = true;
      size_t idx = 0;
      try {
        idx = std::stoul(k);
      } catch (...) {
        break;
      }
      if (idx < cur->size()) next = &(*cur)[idx];
    } else if (cur && cur->is_object() && cur->contains(k)) {
      next = &(*cur)[k];
    }
    path.push_back({k, is_index});
    values.push_back(next);
  }
  auto located = [&](size_t depth) {
    if (!line_of) return file_name;
    std::vector<std::string> keys;
    for (size_t i = 0; i < depth && i < path.size(); ++i) keys.push_back(path[i].key);
    return fmt::format("{}: line {}", file_name, line_of(keys));
  };

  // "Missing required property 'x'." → name the missing key.
  static const std::regex kMissing("Missing required property '([^']*)'");
  std::smatch m;
  if (std::regex_search(best.description, m, kMissing)) {
    std::vector<PathStep> full = path;
    full.push_back({m[1].str(), false});
    const json* node = &schema;
    for (const auto& s : full) node = node ? step(schema, node, s.key, s.is_index) : nullptr;
    const std::string desc = description_of(schema, node);
    fail_config("{}: {}: required key is missing; add it{}", located(path.size()), render_path(prefix, full, full.size()),
                desc.empty() ? "" : fmt::format(" ({})", desc));
  }

  // Report at the deepest level of the path whose schema has a description.
  size_t at = 0;
  std::string desc;
  const json* node = &schema;
  {
    const std::string d0 = description_of(schema, node);
    if (!d0.empty()) desc = d0;
  }
  for (size_t i = 0; i < path.size(); ++i) {
    node = step(schema, node, path[i].key, path[i].is_index);
    if (!node) break;
    const std::string d = description_of(schema, node);
    if (!d.empty()) {
      desc = d;
      at = i + 1;
    }
  }
  const json* value = values.size() > at ? values[at] : nullptr;
  const std::string where = render_path(prefix, path, at);
  fail_config("{}: {}{}got {}; expected {}", located(at), where.empty() ? "" : where, where.empty() ? "" : ": ",
              value ? render_value(*value) : "nothing", desc.empty() ? best.description : desc);
}

}  // namespace rknnc::config
