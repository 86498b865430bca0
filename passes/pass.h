#pragma once
// A graph pass: a small class with a name, a one-line description and
// statistics (MLIR-style). One pass per file in passes/, registered with
// RKNNC_REGISTER_PASS; the pipelines per optimization_level are data
// (pipeline.cpp) and `rknnc passes` prints them.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/model_config.h"
#include "ir/graph.h"

namespace rknnc::passes {

struct PassStats {
  int64_t nodes_removed = 0;
  int64_t nodes_added = 0;
  int64_t bytes_saved = 0;  // constant bytes no longer stored
  std::map<std::string, int64_t> counters;  // pass-specific, e.g. {"bn_fused": 3}
  // Node groups the pass recognised, by kind (e.g. "attention_blocks"), each
  // as role → node name; build.json lists them under "patterns".
  std::map<std::string, std::vector<std::map<std::string, std::string>>> found;
  bool changed() const;
};

struct PassContext {
  const config::ModelConfig* config = nullptr;  // null in unit tests: defaults apply
  std::vector<std::string>* warnings = nullptr;  // user-facing, also go to build.json
  std::vector<std::string>* log = nullptr;       // -v log lines (e.g. §5.8 pruning)
  bool verify_each = true;

  void warn(std::string message) const;
  void note(std::string message) const;
};

class Pass {
 public:
  virtual ~Pass() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  virtual PassStats run(ir::Graph& graph, PassContext& ctx) = 0;
};

using PassFactory = std::unique_ptr<Pass> (*)();

class PassRegistry {
 public:
  static PassRegistry& instance();
  void add(std::string_view name, PassFactory factory);
  std::unique_ptr<Pass> create(std::string_view name) const;  // nullptr if unknown
  std::vector<std::string> names() const;

 private:
  std::map<std::string, PassFactory, std::less<>> factories_;
};

template <typename P>
struct PassRegistrar {
  PassRegistrar() {
    PassRegistry::instance().add(P().name(), [] { return std::unique_ptr<Pass>(new P()); });
  }
};

}  // namespace rknnc::passes

#define RKNNC_REGISTER_PASS(Class) static const ::rknnc::passes::PassRegistrar<Class> Class##_registrar
