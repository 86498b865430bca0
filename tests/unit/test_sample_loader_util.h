#pragma once
// Shared by the sample loader tests (test_sample_loader*.cpp): a temporary
// folder, image and .npy fixtures (written with stb_image_write, whose one
// implementation is in test_sample_loader.cpp), the expected values of a
// pattern image, and the check of a one-line conversion error.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "dataset/sample_loader.h"
#include "ir/graph.h"
#include "test_config_util.h"
#include "util/error.h"
#include "util/npy.h"

#include <stb/stb_image_write.h>

namespace rknnc::testing::samples {

namespace fs = std::filesystem;
using dataset::InputSpec;
using dataset::load_input;
using ir::DataType;
using ir::Shape;
using ir::Tensor;

struct TempDir {
  fs::path dir;
  TempDir() {
    std::random_device rd;
    dir = fs::temp_directory_path() / fmt::format("rknnc_samples_{}{}", rd(), rd());
    fs::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path write(const std::string& name, const std::string& bytes) const {
    std::ofstream(dir / name, std::ios::binary) << bytes;
    return dir / name;
  }
};

// A deterministic test pattern: distinct values per row, column and channel.
inline std::vector<uint8_t> pattern(int w, int h, int c) {
  std::vector<uint8_t> px(static_cast<size_t>(w * h * c));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k) px[static_cast<size_t>((y * w + x) * c + k)] = static_cast<uint8_t>(y * 40 + x * 9 + k * 70 + 5);
  return px;
}

inline void append(void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), static_cast<size_t>(size)); }

inline std::string png(int w, int h, int c, const std::vector<uint8_t>& px) {
  std::string out;
  REQUIRE(stbi_write_png_to_func(append, &out, w, h, c, px.data(), w * c));
  return out;
}
inline std::string jpg(int w, int h, int c, const std::vector<uint8_t>& px) {
  std::string out;
  REQUIRE(stbi_write_jpg_to_func(append, &out, w, h, c, px.data(), 100));
  return out;
}
inline std::string bmp(int w, int h, int c, const std::vector<uint8_t>& px) {
  std::string out;
  REQUIRE(stbi_write_bmp_to_func(append, &out, w, h, c, px.data()));
  return out;
}

inline std::vector<float> values(const Tensor& t) {
  REQUIRE(t.dtype() == DataType::Float32);
  auto v = t.values<float>();
  return {v.begin(), v.end()};
}

// The pattern laid out NCHW / NHWC as floats, optionally with channels 0 and 2 swapped.
inline std::vector<float> expected(const std::vector<uint8_t>& px, int w, int h, int c, bool nchw, bool bgr = false) {
  std::vector<float> out(px.size());
  for (int p = 0; p < w * h; ++p)
    for (int k = 0; k < c; ++k) {
      const int src = bgr && k != 1 ? 2 - k : k;
      out[static_cast<size_t>(nchw ? k * w * h + p : p * c + k)] = px[static_cast<size_t>(p * c + src)];
    }
  return out;
}

inline Tensor load1(const fs::path& f, const InputSpec& in, std::vector<std::string>* warnings = nullptr) {
  return load_input(f, in, "dataset.txt:7", warnings);
}

// Runs `f`, requires an exit-1 rknnc::Error on one line, returns its message.
template <typename F>
std::string conversion_error(F&& f) {
  const std::string msg = rknnc::testing::expect_error(rknnc::ExitCode::Conversion, std::forward<F>(f));
  CHECK(msg.find('\n') == std::string::npos);
  return msg;
}

inline std::string npy(Shape shape, const std::vector<float>& v) { return rknnc::to_npy(Tensor::from<float>(std::move(shape), v)); }

inline std::vector<float> iota(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i);
  return v;
}

}  // namespace rknnc::testing::samples
