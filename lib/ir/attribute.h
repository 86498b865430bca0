#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "ir/tensor.h"

namespace rknnc::ir {

using Attribute = std::variant<int64_t, float, std::string, std::vector<int64_t>,
                               std::vector<float>, std::vector<std::string>, Tensor>;

std::string_view attribute_kind(const Attribute& a);  // "int", "float", "ints", …

// Typed access to a node's attributes. Missing keys return the fallback;
// a key of the wrong kind is a conversion error naming the node.
class Attributes {
 public:
  bool has(const std::string& key) const { return map_.count(key) != 0; }
  void set(const std::string& key, Attribute value) { map_[key] = std::move(value); }
  void erase(const std::string& key) { map_.erase(key); }
  const std::map<std::string, Attribute>& all() const { return map_; }

  int64_t get_int(const std::string& key, int64_t fallback) const;
  float get_float(const std::string& key, float fallback) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  std::vector<int64_t> get_ints(const std::string& key, std::vector<int64_t> fallback = {}) const;
  std::vector<float> get_floats(const std::string& key, std::vector<float> fallback = {}) const;
  std::vector<std::string> get_strings(const std::string& key, std::vector<std::string> fallback = {}) const;
  const Tensor* get_tensor(const std::string& key) const;

  // Used in error messages; set by the owning node.
  std::string owner;

 private:
  template <typename T> const T* find(const std::string& key) const;
  std::map<std::string, Attribute> map_;
};

}  // namespace rknnc::ir
