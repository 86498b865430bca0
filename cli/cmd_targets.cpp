// rknnc targets [--json]: the platforms -t accepts (targets/*.yaml).
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "target/target.h"

namespace rknnc::cli {

Command add_targets(CLI::App& app) {
  auto* sub = app.add_subcommand("targets", "List the target platforms (-t) with aliases, NPU cores and data types");
  auto json_out = std::make_shared<bool>(false);
  sub->add_flag("--json", *json_out, "Print JSON instead of a table");
  return [json_out]() {
    const auto targets = target::load_all_targets();
    if (*json_out) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& t : targets)
        out.push_back({{"name", t.name}, {"aliases", t.aliases}, {"description", t.description},
                       {"npu_cores", t.npu_cores}, {"dtypes", t.dtypes},
                       {"supports_encryption", t.supports_encryption},
                       {"supports_dynamic_input", t.supports_dynamic_input},
                       {"supports_sparse_infer", t.supports_sparse_infer}});
      std::fputs((out.dump(2) + "\n").c_str(), stdout);
      return 0;
    }
    std::string text = fmt::format("{:<10} {:<10} {:>5}  {:<20} {}\n", "TARGET", "ALIASES", "CORES", "DTYPES",
                                   "DESCRIPTION");
    for (const auto& t : targets)
      text += fmt::format("{:<10} {:<10} {:>5}  {:<20} {}\n", t.name,
                          t.aliases.empty() ? "-" : fmt::format("{}", fmt::join(t.aliases, ",")), t.npu_cores,
                          fmt::format("{}", fmt::join(t.dtypes, ",")), t.description);
    std::fputs(text.c_str(), stdout);
    return 0;
  };
}

}  // namespace rknnc::cli
