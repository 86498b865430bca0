// Bad calibration sample files: one-line errors naming the dataset line and the
// file, and truncated or corrupted images that must never crash the decoder.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "dataset/sample_loader.h"
#include "ir/graph.h"
#include "test_sample_loader_util.h"
#include "util/error.h"
#include "util/npy.h"

namespace fs = std::filesystem;
using rknnc::dataset::InputSpec;
using rknnc::dataset::load_sample;
using rknnc::ir::Shape;
using rknnc::ir::Tensor;
using namespace rknnc::testing::samples;  // the shared fixtures (test_sample_loader_util.h)

namespace {

// The message shape every bad file must have: "dataset.txt:7: ... 'path' ...".
void check_names_line_and_file(const std::string& msg, const fs::path& f) {
  INFO(msg);
  CHECK(msg.rfind("dataset.txt:7: ", 0) == 0);
  CHECK(msg.find("'" + f.string() + "'") != std::string::npos);
}

}  // namespace

TEST_CASE(".npy values that are not exactly float32 are refused, naming line, file and dtype", "[dataset]") {
  TempDir t;
  const InputSpec in{"x", {1, 2}};
  auto refused = [&](const Tensor& src, const std::string& what) {
    const auto f = t.write("d.npy", rknnc::to_npy(src));
    const std::string msg = conversion_error([&] { load1(f, in); });
    check_names_line_and_file(msg, f);
    INFO(msg);
    CHECK_THAT(msg, Catch::Contains(what));
    CHECK_THAT(msg, Catch::Contains("save it as float32"));
  };
  refused(Tensor::from<double>({1, 2}, {0.5, 0.1}), "is float64 and its value 0.1 at flat index 1 is not exactly a float32");
  refused(Tensor::from<int32_t>({1, 2}, {1, (1 << 24) + 1}), "is int32 and its value 16777217 at flat index 1");
  refused(Tensor::from<int64_t>({1, 2}, {std::numeric_limits<int64_t>::max(), 0}), "value 9223372036854775807 at flat index 0");
  refused(Tensor::from<uint64_t>({1, 2}, {0, std::numeric_limits<uint64_t>::max()}), "is uint64 and its value 18446744073709551615");
  refused(Tensor::from<uint32_t>({1, 2}, {0, 4294967295u}), "is uint32 and its value 4294967295");
  // Large values that are float32 values pass: 2^24 + 2, 2^40, -2^63.
  CHECK(values(load1(t.write("ok.npy", rknnc::to_npy(Tensor::from<int64_t>({1, 2}, {(1 << 24) + 2, int64_t{1} << 40}))), in)) ==
        std::vector<float>{16777218.0f, 1099511627776.0f});
  CHECK(values(load1(t.write("min.npy", rknnc::to_npy(Tensor::from<int64_t>({1, 2}, {std::numeric_limits<int64_t>::min(), 0}))), in))[0] ==
        -9223372036854775808.0f);
  CHECK(values(load1(t.write("e.npy", rknnc::to_npy(Tensor::from<double>({1, 2}, {1e-3f, 3.0}))), in))[0] == 1e-3f);
}

TEST_CASE("Every bad sample file is a one-line error naming the line and the file", "[dataset]") {
  TempDir t;
  const InputSpec img{"images", {1, 3, 4, 4}};
  const auto good = png(4, 4, 3, pattern(4, 4, 3));
  auto bad = [&](const fs::path& f, const InputSpec& in, const std::string& what) {
    INFO(f.filename().string());
    const std::string msg = conversion_error([&] { load1(f, in); });
    check_names_line_and_file(msg, f);
    INFO(msg);
    CHECK(msg.find(what) != std::string::npos);
  };
  bad(t.dir / "missing.png", img, "not found");
  bad(t.write("empty.png", ""), img, "is empty (0 bytes)");
  bad(t.write("empty.npy", ""), img, "is empty (0 bytes)");
  fs::create_directories(t.dir / "folder.png");
  bad(t.dir / "folder.png", img, "is a directory");
  bad(t.write("random.jpg", "this is not a jpeg at all, just text"), img, "cannot decode");
  bad(t.write("trunc.png", good.substr(0, good.size() / 2)), img, "cannot decode");
  bad(t.write("header.png", good.substr(0, 30)), img, "cannot decode");
  const std::string good_bmp = bmp(4, 4, 3, pattern(4, 4, 3));  // 12-byte rows: no padding
  bad(t.write("trunc.bmp", good_bmp.substr(0, good_bmp.size() - 1)), img, "which needs 102 bytes; the file has 101");
  bad(t.write("good.png", good), {"x", {1, 2, 5, 5}}, "1, 3 or 4 channels");
  bad(t.dir / "good.png", {"x", {2, 3, 4, 4}}, "batch 1");
  bad(t.dir / "good.png", {"x", {1, 1, 3, 4, 4}}, "give a .npy file");
  bad(t.write("shape.npy", npy({1, 3, 4, 5}, iota(60))), img, "has shape [1,3,4,5], input 'images' needs [1,3,4,4]");
  bad(t.write("nan.npy", npy({1, 2}, {1.0f, std::nanf("")})), {"x", {1, 2}}, "NaN value at flat index 1");
  bad(t.write("inf.npy", npy({2}, {-std::numeric_limits<float>::infinity(), 0})), {"x", {1, 2}}, "Inf value");
  bad(t.write("big.npy", rknnc::to_npy(Tensor::from<double>({1}, {1e300}))), {"x", {1}}, "beyond float32 range");
  bad(t.write("text.npy", "not numpy"), {"x", {1}}, "not a .npy file");
  std::string trunc_npy = npy({1, 8}, iota(8));
  bad(t.write("trunc.npy", trunc_npy.substr(0, trunc_npy.size() - 3)), {"x", {1, 8}}, "truncated");
  // Crafted .npy shapes: a dim too long for int64, a product that wraps around.
  auto npy_header = [](const std::string& shape) {
    std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }\n";
    return std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(h.size()) + '\0' + h + std::string(16, '\0');
  };
  bad(t.write("long.npy", npy_header("(99999999999999999999,)")), {"x", {4}}, "corrupt .npy header");
  bad(t.write("wrap.npy", npy_header("(1099511627776, 1099511627776, 0)")), {"x", {4}}, "larger than the");
  // A PNG header claiming 20000x20000 pixels is refused before decoding.
  std::string huge = good;
  const char dims[8] = {0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20};
  huge.replace(16, 8, dims, 8);
  bad(t.write("huge.png", huge), img, "cannot decode");
  const char dims2[8] = {0, 0, 0x27, 0x10, 0, 0, 0x27, 0x10};  // 10000x10000: each side fits, the total does not
  huge.replace(16, 8, dims2, 8);
  bad(t.write("huge2.png", huge), img, "10000x10000 pixels; the limit is");
  // The wrong number of files for the inputs.
  const std::string msg = conversion_error([&] { load_sample({}, {img}, "dataset.txt:7", nullptr); });
  CHECK(msg.rfind("dataset.txt:7: 0 file(s)", 0) == 0);
}

TEST_CASE("A PNG with an empty IDAT chunk loads like the same PNG without it", "[dataset]") {
  TempDir t;
  const auto rgb = pattern(6, 5, 3);
  std::string file = png(6, 5, 3, rgb);
  file.insert(33, std::string("\0\0\0\0IDAT\x35\xaf\x06\x1e", 12));  // after the signature and IHDR
  CHECK(values(load1(t.write("e.png", file), {"images", {1, 3, 5, 6}})) == expected(rgb, 6, 5, 3, true));
}

TEST_CASE("A PNG chunk that claims more bytes than the file has is refused before decoding", "[dataset]") {
  TempDir t;
  const InputSpec img{"images", {1, 3, 5, 6}};
  std::string file = png(6, 5, 3, pattern(6, 5, 3));
  file.replace(33, 4, "\x7e\0\0\0", 4);  // the IDAT after IHDR declares ~2 GB (found by fuzz_image)
  const auto f = t.write("claims.png", file);
  const std::string msg = conversion_error([&] { load1(f, img); });
  INFO(msg);
  CHECK(msg.find("PNG chunk 'IDAT' at byte 33 declares 2113929216 bytes") != std::string::npos);
}

TEST_CASE("Truncated and corrupted images never crash the decoder", "[dataset]") {
  TempDir t;
  const InputSpec in{"images", {1, 3, 6, 5}};
  const auto px = pattern(5, 6, 3);
  std::mt19937 rng(7);
  for (const std::string& file : {png(5, 6, 3, px), jpg(5, 6, 3, px), bmp(5, 6, 3, px)}) {
    for (size_t n = 0; n < file.size(); n += 1 + file.size() / 60) {
      std::string cut = file.substr(0, n), flipped = file;
      flipped[rng() % flipped.size()] = static_cast<char>(rng());
      flipped[rng() % flipped.size()] = static_cast<char>(rng());
      for (const std::string& bytes : {cut, flipped}) {
        const auto f = t.write("fuzz.png", bytes);
        Shape loaded;
        std::string error;
        try {
          loaded = load1(f, in).shape();
        } catch (const rknnc::Error& e) {
          error = e.what();
        }
        // Loaded whole, or a one-line error naming the line; anything else escapes the test.
        CHECK((error.empty() ? loaded == in.shape : error.rfind("dataset.txt:7: ", 0) == 0));
      }
    }
  }
}
