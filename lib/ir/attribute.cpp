#include "ir/attribute.h"

#include "util/error.h"

namespace rknnc::ir {

std::string_view attribute_kind(const Attribute& a) {
  static constexpr std::string_view kNames[] = {"int", "float", "string", "ints", "floats", "strings", "tensor"};
  return kNames[a.index()];
}

template <typename T>
const T* Attributes::find(const std::string& key) const {
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  const T* v = std::get_if<T>(&it->second);
  if (!v) fail("node '{}': attribute '{}' is a {}, expected another kind", owner, key, attribute_kind(it->second));
  return v;
}

int64_t Attributes::get_int(const std::string& key, int64_t fallback) const {
  const int64_t* v = find<int64_t>(key);
  return v ? *v : fallback;
}

float Attributes::get_float(const std::string& key, float fallback) const {
  const float* v = find<float>(key);
  return v ? *v : fallback;
}

std::string Attributes::get_string(const std::string& key, const std::string& fallback) const {
  const std::string* v = find<std::string>(key);
  return v ? *v : fallback;
}

std::vector<int64_t> Attributes::get_ints(const std::string& key, std::vector<int64_t> fallback) const {
  const auto* v = find<std::vector<int64_t>>(key);
  return v ? *v : fallback;
}

std::vector<std::string> Attributes::get_strings(const std::string& key, std::vector<std::string> fallback) const {
  const auto* v = find<std::vector<std::string>>(key);
  return v ? *v : fallback;
}

std::vector<float> Attributes::get_floats(const std::string& key, std::vector<float> fallback) const {
  const auto* v = find<std::vector<float>>(key);
  return v ? *v : fallback;
}

const Tensor* Attributes::get_tensor(const std::string& key) const { return find<Tensor>(key); }

}  // namespace rknnc::ir
