#include "config/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

#include "util/error.h"
#include "util/strings.h"

namespace rknnc::config {
namespace {

using nlohmann::json;

// A plain (unquoted) scalar, resolved like PyYAML's SafeLoader.
json resolve_plain(const std::string& s) {
  static const std::regex kNull("^(~|null|Null|NULL|)$");
  static const std::regex kBool("^(yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$");
  static const std::regex kInt("^[-+]?(0|[1-9][0-9_]*)$");
  static const std::regex kFloat("^[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$");
  static const std::regex kInf("^[-+]?\\.(inf|Inf|INF)$");
  static const std::regex kNan("^\\.(nan|NaN|NAN)$");
  if (std::regex_match(s, kNull)) return nullptr;
  if (std::regex_match(s, kBool)) {
    const std::string l = to_lower(s);
    return l == "yes" || l == "true" || l == "on";
  }
  std::string digits = s;
  std::erase(digits, '_');
  if (std::regex_match(s, kInt)) {
    int64_t v = 0;
    const char* b = digits.data() + (digits[0] == '+' ? 1 : 0);
    auto [p, ec] = std::from_chars(b, digits.data() + digits.size(), v);
    if (ec == std::errc() && p == digits.data() + digits.size()) return v;
    return json(std::stod(digits));  // too large for int64: a float, like a big Python int in a float context
  }
  if (std::regex_match(s, kFloat) && s != "." && s != "+." && s != "-.") return std::stod(digits);
  if (std::regex_match(s, kInf)) return s[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (std::regex_match(s, kNan)) return std::numeric_limits<double>::quiet_NaN();
  return s;
}

json convert(const YAML::Node& node, const std::string& file) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!" and plain ones "?" (or an explicit tag).
      if (node.Tag() == "!") return node.Scalar();
      if (node.Tag() == "tag:yaml.org,2002:str" || node.Tag() == "!!str") return node.Scalar();
      return resolve_plain(node.Scalar());
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(convert(item, file));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar())
          fail_config("{}: line {}: a mapping key must be a plain name; write `key: value`", file, kv.first.Mark().line + 1);
        const std::string key = kv.first.Scalar();
        if (out.contains(key))
          fail_config("{}: line {}: duplicate key '{}'; keep only one", file, kv.first.Mark().line + 1, key);
        out[key] = convert(kv.second, file);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace

nlohmann::json yaml_text_to_json(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail_config("{}: line {}, column {}: YAML syntax error: {}; fix the YAML (indentation, ':' after keys, closed brackets and quotes)",
                file, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  return convert(root, file);
}

nlohmann::json yaml_file_to_json(const std::filesystem::path& path) {
  const std::string file = path.filename().string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    fail_config("{}: no such file ({}); pass the model YAML with -i", file, path.string());
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) fail_config("{}: cannot read {}; check permissions", file, path.string());
  return yaml_text_to_json(text.str(), file);
}

}  // namespace rknnc::config
