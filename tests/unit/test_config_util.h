#pragma once
// Helpers for the config tests: a temporary folder with a YAML and a dummy
// model file (the config layer checks that the file exists, not its content).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "config/model_config.h"
#include "util/error.h"

namespace rknnc::testing {

struct ConfigDir {
  std::filesystem::path dir;
  ConfigDir() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() / ("rknnc_cfg_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir / "models");
    write("models/m.onnx", "not parsed by the config layer");
  }
  ~ConfigDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    std::ofstream(dir / rel, std::ios::binary) << text;
  }
  std::filesystem::path yaml(const std::string& text, const std::string& name = "model.yml") const {
    write(name, text);
    return dir / name;
  }
};

// A valid entry's leading lines, to which tests append keys.
inline std::string base_entry() {
  return "models:\n  name: net\n  platform: onnx\n  model_file_path: models/m.onnx\n";
}

// Runs `f`, requires an rknnc::Error with exit code `code`, returns its message.
template <typename F>
std::string expect_error(rknnc::ExitCode code, F&& f) {
  try {
    f();
  } catch (const rknnc::Error& e) {
    CHECK(e.code() == code);
    return e.what();
  }
  FAIL("expected an error with exit code " << static_cast<int>(code));
  return "";
}

// Runs `f`, requires an exit-2 rknnc::Error, returns its message.
template <typename F>
std::string usage_error(F&& f) {
  return expect_error(rknnc::ExitCode::Usage, std::forward<F>(f));
}

}  // namespace rknnc::testing
