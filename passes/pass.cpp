#include "passes/pass.h"

#include "util/error.h"

namespace rknnc::passes {

bool PassStats::changed() const {
  if (nodes_removed || nodes_added || bytes_saved) return true;
  for (const auto& [k, v] : counters)
    if (v) return true;
  return false;
}

void PassContext::warn(std::string message) const {
  if (warnings) warnings->push_back(std::move(message));
}

void PassContext::note(std::string message) const {
  if (log) log->push_back(std::move(message));
}

PassRegistry& PassRegistry::instance() {
  static PassRegistry registry;
  return registry;
}

void PassRegistry::add(std::string_view name, PassFactory factory) {
  if (!factories_.emplace(std::string(name), factory).second) fail("internal: pass '{}' registered twice", name);
}

std::unique_ptr<Pass> PassRegistry::create(std::string_view name) const {
  auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : it->second();
}

std::vector<std::string> PassRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : factories_) out.push_back(k);
  return out;
}

}  // namespace rknnc::passes
