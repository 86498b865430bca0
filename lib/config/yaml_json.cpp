#include "config/yaml_json.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "util/error.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace rknnc::config {
namespace {

using nlohmann::json;

// A big plain integer or a float; overflow gives ±inf as PyYAML's float() does, never an exception.
json to_double(const std::string& digits) { return std::strtod(digits.c_str(), nullptr); }

// A plain (unquoted) scalar, resolved like PyYAML's SafeLoader.
json resolve_plain(const std::string& s) {
  // Null, bool, number, inf and nan spellings all start with one of these: any
  // other scalar is a string, without the regexes (an alias-heavy file has many).
  if (!s.empty() && std::string_view("~nNyYtTfFoO0123456789+-.").find(s[0]) == std::string_view::npos) return s;
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
    return to_double(digits);  // too large for int64: a float, like a big Python int in a float context
  }
  if (std::regex_match(s, kFloat) && s != "." && s != "+." && s != "-.") return to_double(digits);
  if (std::regex_match(s, kInf)) return s[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (std::regex_match(s, kNan)) return std::numeric_limits<double>::quiet_NaN();
  return s;
}

// One conversion: counts the values aliases repeat and tracks the key path,
// so a limit names where it was reached.
class Converter {
 public:
  explicit Converter(const std::string& file) : file_(file) {}

  json convert(const YAML::Node& node, int depth) {
    // A node met again (same source position) is repeated by an alias.
    const int pos = node.Mark().pos;
    if (pos >= 0 && !seen_.insert(pos).second && ++repeated_ > kMaxYamlAliasValues)
      fail_limit(node, fmt::format("its aliases repeat more than {} values (each alias `*name` repeats its anchored "
                                   "value); write the values out or use fewer aliases",
                                   kMaxYamlAliasValues));
    if (depth > kMaxYamlDepth)
      fail_limit(node, fmt::format("nested more than {} levels deep; a model YAML needs a few", kMaxYamlDepth));
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
        size_t i = 0;
        for (const auto& item : node) {
          path_.push_back(fmt::format("[{}]", i++));
          out.push_back(convert(item, depth + 1));
          path_.pop_back();
        }
        return out;
      }
      case YAML::NodeType::Map:
        return convert_map(node, depth);
    }
    return nullptr;
  }

 private:
  static bool is_merge_key(const YAML::Node& key) { return key.Scalar() == "<<" && key.Tag() == "?"; }

  json convert_map(const YAML::Node& node, int depth) {
    json out = json::object();
    json merged = json::object();
    for (const auto& kv : node) {
      if (!kv.first.IsScalar())
        fail_config("{}: line {}: a mapping key must be a plain name; write `key: value`", file_, line(kv.first));
      const std::string key = kv.first.Scalar();
      path_.push_back(path_.empty() ? key : "." + key);
      if (is_merge_key(kv.first)) {
        merge_into(merged, kv.second, depth);
      } else {
        if (out.contains(key))
          fail_config("{}: line {}: duplicate key '{}'; keep only one", file_, line(kv.first), key);
        out[key] = convert(kv.second, depth + 1);
      }
      path_.pop_back();
    }
    for (auto it = merged.begin(); it != merged.end(); ++it)
      if (!out.contains(it.key())) out[it.key()] = std::move(it.value());  // explicit keys win over merged ones
    return out;
  }

  // `<<: *base` or `<<: [*a, *b]` (the earlier mapping wins), as PyYAML merges.
  void merge_into(json& merged, const YAML::Node& value, int depth) {
    json v = convert(value, depth + 1);
    if (!v.is_array()) v = json::array({std::move(v)});
    for (auto& m : v) {
      if (!m.is_object())
        fail_config("{}: line {}: {}: a merge key `<<` takes a mapping or a list of mappings (`<<: *base`)", file_,
                    line(value), where());
      for (auto it = m.begin(); it != m.end(); ++it)
        if (!merged.contains(it.key())) merged[it.key()] = std::move(it.value());
    }
  }

  static int line(const YAML::Node& n) { return n.Mark().line + 1; }

  std::string where() const {
    std::string s;
    for (const auto& p : path_) s += p;
    return s.empty() ? "top level" : s;
  }

  [[noreturn]] void fail_limit(const YAML::Node& node, const std::string& what) const {
    fail_config("{}: line {}: {}: {}", file_, line(node), where(), what);
  }

  const std::string& file_;
  std::unordered_set<int> seen_;  // source positions of the values converted so far
  size_t repeated_ = 0;
  std::vector<std::string> path_;
};

size_t line_of(const std::string& text, size_t offset) {
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Offset of the first C0 control character other than tab, LF and CR, or DEL.
size_t control_char_offset(const std::string& text) {
  const auto it = std::find_if(text.begin(), text.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
  });
  return it == text.end() ? std::string::npos : static_cast<size_t>(it - text.begin());
}

void check_size(uintmax_t bytes, const std::string& file) {
  if (bytes > kMaxYamlBytes)
    fail_config("{}: the file has {} bytes, more than the {} a YAML file may have; is it the right file?", file, bytes,
                kMaxYamlBytes);
}

}  // namespace

nlohmann::json yaml_text_to_json(const std::string& text, const std::string& file) {
  check_size(text.size(), file);
  if (const size_t bad = invalid_utf8_offset(text); bad != std::string::npos)
    fail_config("{}: line {}: byte {} is not UTF-8 text; save the file as UTF-8", file, line_of(text, bad), bad + 1);
  if (const size_t bad = control_char_offset(text); bad != std::string::npos)
    fail_config("{}: line {}: byte {} is the control character 0x{:02x}; a YAML file is plain text: remove it", file,
                line_of(text, bad), bad + 1, static_cast<unsigned char>(text[bad]));
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    fail_config("{}: line {}: nested more than {} levels deep; a model YAML needs a few", file, e.mark.line + 1,
                kMaxYamlDepth);
  } catch (const YAML::Exception& e) {
    fail_config("{}: line {}, column {}: YAML syntax error: {}; fix the YAML (indentation, ':' after keys, closed brackets and quotes)",
                file, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  return Converter(file).convert(root, 0);
}

std::string json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string read_yaml_file(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail_config("{}: no such file; pass the model YAML with -i", file);
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) check_size(size, file);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) fail_config("{}: cannot read the file; check its permissions", file);
  return text.str();
}

nlohmann::json yaml_file_to_json(const std::filesystem::path& path) {
  const std::string file = path.filename().string();
  return yaml_text_to_json(read_yaml_file(path), file);
}

}  // namespace rknnc::config
