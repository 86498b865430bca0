#pragma once
// One error type for the whole library: a one-line, user-actionable message and
// the process exit code it maps to (DESIGN.md "Errors").
#include <fmt/format.h>
#include <stdexcept>
#include <string>

namespace rknnc {

enum class ExitCode : int { Ok = 0, Conversion = 1, Usage = 2, Device = 3, Interrupted = 130 };

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, std::string message) : std::runtime_error(std::move(message)), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// Model/conversion problem (exit 1): bad model, unsupported op, wrong data.
template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw Error(ExitCode::Conversion, fmt::format(f, std::forward<Args>(args)...));
}

// Usage or configuration problem (exit 2): CLI flags, YAML keys, paths.
template <typename... Args>
[[noreturn]] void fail_config(fmt::format_string<Args...> f, Args&&... args) {
  throw Error(ExitCode::Usage, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace rknnc
