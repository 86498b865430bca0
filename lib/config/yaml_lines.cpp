#include "config/yaml_lines.h"

#include <charconv>

namespace rknnc::config {
namespace {

int line_of(const YAML::Mark& m, int fallback) { return m.line >= 0 ? m.line + 1 : fallback; }

// Follows path[i..] from `node` (recursion, not Node assignment: assigning a
// yaml-cpp Node rebinds the node it referred to inside the tree).
int walk(const YAML::Node& node, const std::vector<std::string>& path, size_t i, int line) {
  if (i == path.size()) return line;
  const std::string& key = path[i];
  if (node.IsMap()) {
    for (const auto& kv : node)
      if (kv.first.IsScalar() && kv.first.Scalar() == key) return walk(kv.second, path, i + 1, line_of(kv.first.Mark(), line));
    return line;
  }
  size_t index = 0;
  const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
  if (!node.IsSequence() || ec != std::errc() || end != key.data() + key.size() || index >= node.size()) return line;
  const YAML::Node item = node[index];
  return walk(item, path, i + 1, line_of(item.Mark(), line));
}

}  // namespace

YamlLines::YamlLines(const std::string& text) {
  try {
    root_ = YAML::Load(text);
  } catch (const YAML::Exception&) {
    root_ = YAML::Node();
  }
}

int YamlLines::of(const std::vector<std::string>& path) const { return walk(root_, path, 0, 1); }

}  // namespace rknnc::config
