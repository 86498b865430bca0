#pragma once
// Where a key of a YAML document is: the 1-based line of the value at a key
// path (mapping keys and sequence indices as strings), for messages that
// name the line of a file users edit by hand.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace rknnc::config {

class YamlLines {
 public:
  // `text` must already have parsed (yaml_text_to_json) without error.
  explicit YamlLines(const std::string& text);
  // The line of the deepest node of `path` that exists (1 when none does).
  int of(const std::vector<std::string>& path) const;

 private:
  YAML::Node root_;
};

}  // namespace rknnc::config
