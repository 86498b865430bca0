#pragma once
// One function per subcommand: each adds its CLI11 sub-app and returns the
// callback that runs it. No logic beyond argument parsing and calling lib/.
#include <CLI/CLI.hpp>

#include <functional>

namespace rknnc::cli {

using Command = std::function<int()>;  // returns the exit code

// The root command (conversion); its options live on the root app.
Command add_convert(CLI::App& app);
Command add_run(CLI::App& app);
Command add_passes(CLI::App& app);
Command add_inspect(CLI::App& app);
Command add_targets(CLI::App& app);
Command add_export_qdq(CLI::App& app);
Command add_encrypt(CLI::App& app);
Command add_hybrid(CLI::App& app);

}  // namespace rknnc::cli
