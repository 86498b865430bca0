#include <fmt/format.h>

#include "cli/commands.h"
#include "passes/pipeline.h"

namespace rknnc::cli {

Command add_passes(CLI::App& app) {
  auto level = std::make_shared<int>(-1);
  CLI::App* sub = app.add_subcommand("passes", "List graph passes and the pipeline of each optimization_level");
  sub->add_option("--level", *level, "print only the pipeline of this optimization_level (0-3)");
  return [level] {
    auto& reg = passes::PassRegistry::instance();
    if (*level < 0) {
      fmt::print("passes:\n");
      for (const auto& name : reg.names()) fmt::print("  {:<32} {}\n", name, reg.create(name)->description());
    }
    for (int l = 0; l <= 3; ++l) {
      if (*level >= 0 && l != *level) continue;
      fmt::print("optimization_level {}:\n", l);
      int i = 1;
      for (const auto& name : passes::pipeline_for_level(l)) fmt::print("  {:>2}. {}\n", i++, name);
    }
    return 0;
  };
}

}  // namespace rknnc::cli
