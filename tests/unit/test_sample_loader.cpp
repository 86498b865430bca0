// Calibration sample loading: images and .npy into input-shaped float32
// tensors (the one-line errors for bad files: test_sample_loader_errors.cpp).
// Fixtures are written with stb_image_write, so no binary files are committed.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "dataset/sample_loader.h"
#include "ir/graph.h"
#include "test_sample_loader_util.h"
#include "util/error.h"
#include "util/npy.h"

// stb_image_write's one implementation (test_sample_loader_util.h declares it).
#define STB_IMAGE_WRITE_IMPLEMENTATION
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop
#undef STB_IMAGE_WRITE_IMPLEMENTATION

namespace fs = std::filesystem;
using rknnc::dataset::InputSpec;
using rknnc::dataset::load_sample;
using rknnc::dataset::SampleStream;
using rknnc::ir::DataType;
using rknnc::ir::Shape;
using rknnc::ir::Tensor;
using namespace rknnc::testing::samples;  // the shared fixtures (test_sample_loader_util.h)

// W=6, H=5: 4-D shapes whose layout is unambiguous (NHWC needs dim 1 not in {1,3,4}).
TEST_CASE("RGB and grey PNGs load into NCHW and NHWC inputs", "[dataset]") {
  TempDir t;
  const auto rgb = pattern(6, 5, 3), grey = pattern(6, 5, 1);
  const auto rgb_png = t.write("rgb.png", png(6, 5, 3, rgb));
  const auto grey_png = t.write("grey.png", png(6, 5, 1, grey));
  std::vector<std::string> warnings;

  Tensor nchw = load1(rgb_png, {"images", {1, 3, 5, 6}}, &warnings);
  CHECK(nchw.shape() == Shape{1, 3, 5, 6});
  CHECK(values(nchw) == expected(rgb, 6, 5, 3, true));
  CHECK(values(load1(rgb_png, {"images", {1, 5, 6, 3}})) == expected(rgb, 6, 5, 3, false));
  CHECK(values(load1(rgb_png, {"images", {3, 5, 6}})) == expected(rgb, 6, 5, 3, true));  // CHW, no batch
  CHECK(values(load1(rgb_png, {"images", {5, 6, 3}})) == expected(rgb, 6, 5, 3, false));  // HWC
  CHECK(values(load1(grey_png, {"x", {1, 1, 5, 6}})) == expected(grey, 6, 5, 1, true));
  CHECK(values(load1(grey_png, {"x", {1, 5, 6, 1}})) == expected(grey, 6, 5, 1, false));
  // A grey PNG into an RGB input: three equal channels.
  const auto g3 = values(load1(grey_png, {"x", {1, 3, 5, 6}}));
  for (size_t p = 0; p < 30; ++p) CHECK((g3[p] == g3[30 + p] && g3[p] == g3[60 + p] && g3[p] == grey[p]));
  // RGBA input keeps alpha (stb adds 255 to an RGB file).
  const auto rgba = values(load1(rgb_png, {"x", {1, 4, 5, 6}}));
  CHECK(rgba[3 * 30] == 255.0f);
  CHECK(warnings.empty());
  // Both dim 1 and the last dim look like channels: NCHW, as config's mean_values check reads it.
  CHECK(values(load1(t.write("43.png", png(3, 4, 3, pattern(3, 4, 3))), {"x", {1, 3, 4, 3}})) ==
        expected(pattern(3, 4, 3), 3, 4, 3, true));
}

TEST_CASE("quant_img_RGB2BGR swaps channels 0 and 2 of images, not of .npy", "[dataset]") {
  TempDir t;
  const auto rgb = pattern(6, 5, 3);
  const auto f = t.write("rgb.png", png(6, 5, 3, rgb));
  CHECK(values(load1(f, {"images", {1, 3, 5, 6}, true})) == expected(rgb, 6, 5, 3, true, true));
  CHECK(values(load1(f, {"images", {1, 5, 6, 3}, true})) == expected(rgb, 6, 5, 3, false, true));
  const auto grey = pattern(6, 5, 1);
  CHECK(values(load1(t.write("g.png", png(6, 5, 1, grey)), {"x", {1, 1, 5, 6}, true})) == expected(grey, 6, 5, 1, true));
  const auto v = iota(90);
  CHECK(values(load1(t.write("a.npy", npy({1, 3, 5, 6}, v)), {"images", {1, 3, 5, 6}, true})) == v);
}

TEST_CASE("Images of another size are resized bilinearly, with one warning per input", "[dataset]") {
  TempDir t;
  const auto big = pattern(12, 10, 3);
  const auto f = t.write("big.png", png(12, 10, 3, big));
  const auto other = t.write("other.png", png(5, 5, 3, pattern(5, 5, 3)));
  std::vector<std::string> warnings;
  const std::vector<InputSpec> inputs{{"images", {1, 5, 6, 3}}};  // NHWC 6x5
  // Halving: each output pixel is the rounded mean of a 2x2 block.
  const auto out = values(load_sample({f}, inputs, "dataset.txt:1", &warnings)[0]);
  REQUIRE(out.size() == 90);
  for (int y = 0; y < 5; ++y)
    for (int x = 0; x < 6; ++x)
      for (int k = 0; k < 3; ++k) {
        auto px = [&](int yy, int xx) { return big[static_cast<size_t>((yy * 12 + xx) * 3 + k)]; };
        const int sum = px(2 * y, 2 * x) + px(2 * y, 2 * x + 1) + px(2 * y + 1, 2 * x) + px(2 * y + 1, 2 * x + 1);
        CHECK(out[static_cast<size_t>((y * 6 + x) * 3 + k)] == std::round(sum / 4.0));
      }
  load_sample({other}, inputs, "dataset.txt:2", &warnings);
  load_sample({f}, inputs, "dataset.txt:3", &warnings);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].rfind("resizing dataset images for input 'images' from 12x10 to 6x5 (first at dataset.txt:1)", 0) == 0);
  // Another input gets its own warning; a null warnings list is fine.
  load_sample({f}, {{"other", {1, 3, 2, 2}}}, "dataset.txt:4", &warnings);
  CHECK(warnings.size() == 2);
  CHECK(load_sample({f}, inputs, "x", nullptr)[0].shape() == Shape{1, 5, 6, 3});
  // Upscaling a constant image stays constant.
  const auto flat = t.write("flat.png", png(2, 2, 1, std::vector<uint8_t>(4, 77)));
  for (float v : values(load1(flat, {"x", {1, 1, 7, 5}}))) CHECK(v == 77.0f);
}

TEST_CASE("JPEG and BMP files decode", "[dataset]") {
  TempDir t;
  std::vector<uint8_t> colour;
  for (int i = 0; i < 16 * 16; ++i) colour.insert(colour.end(), {200, 100, 30});
  const auto jpeg = values(load1(t.write("c.JPG", jpg(16, 16, 3, colour)), {"images", {1, 3, 16, 16}}));
  for (size_t p = 0; p < 256; ++p) {
    CHECK(std::abs(jpeg[p] - 200) <= 3);
    CHECK(std::abs(jpeg[256 + p] - 100) <= 3);
    CHECK(std::abs(jpeg[512 + p] - 30) <= 3);
  }
  const auto rgb = pattern(6, 5, 3);
  CHECK(values(load1(t.write("p.jpeg", jpg(6, 5, 3, rgb)), {"images", {1, 3, 5, 6}})).size() == 90);
  CHECK(values(load1(t.write("p.bmp", bmp(6, 5, 3, rgb)), {"images", {1, 3, 5, 6}})) == expected(rgb, 6, 5, 3, true));
  const std::string padded = bmp(5, 6, 3, pattern(5, 6, 3));  // 15 pixel bytes + 1 padding byte per row
  CHECK(values(load1(t.write("q.bmp", padded.substr(0, padded.size() - 1)), {"images", {1, 3, 6, 5}})) ==
        expected(pattern(5, 6, 3), 5, 6, 3, true));  // the last row's padding may be missing
  // Grey and RGBA from a JPEG.
  CHECK(values(load1(t.write("g.jpg", jpg(16, 16, 3, colour)), {"x", {1, 1, 16, 16}})).size() == 256);
  CHECK(values(load1(t.dir / "g.jpg", {"x", {1, 16, 16, 4}}))[3] == 255.0f);
}

TEST_CASE(".npy samples load as is, without the batch dim, or NHWC for an NCHW input", "[dataset]") {
  TempDir t;
  const InputSpec in{"x", {1, 3, 2, 4}};
  const auto v = iota(24);
  CHECK(values(load1(t.write("exact.npy", npy({1, 3, 2, 4}, v)), in)) == v);
  const Tensor nb = load1(t.write("nb.npy", npy({3, 2, 4}, v)), in);
  CHECK(nb.shape() == Shape{1, 3, 2, 4});
  CHECK(values(nb) == v);
  // NHWC [1,2,4,3]: element (h,w,c) = v[(h*4+w)*3+c] lands at NCHW (c,h,w).
  for (Shape s : {Shape{1, 2, 4, 3}, Shape{2, 4, 3}}) {
    const auto out = values(load1(t.write("nhwc.npy", npy(s, v)), in));
    for (int c = 0; c < 3; ++c)
      for (int p = 0; p < 8; ++p) CHECK(out[static_cast<size_t>(c * 8 + p)] == v[static_cast<size_t>(p * 3 + c)]);
  }
  // Any rank works as is.
  CHECK(values(load1(t.write("r2.npy", npy({2, 5}, iota(10))), {"y", {2, 5}})) == iota(10));
}

TEST_CASE(".npy of a dtype whose values are float32 values converts exactly", "[dataset]") {
  TempDir t;
  const InputSpec in{"x", {1, 4}};
  auto check = [&](const Tensor& src, std::vector<float> want) {
    INFO(rknnc::ir::dtype_name(src.dtype()));
    CHECK(values(load1(t.write("d.npy", rknnc::to_npy(src)), in)) == want);
  };
  check(Tensor::from<uint8_t>({1, 4}, {0, 1, 128, 255}), {0, 1, 128, 255});
  check(Tensor::from<int8_t>({4}, {-128, -1, 0, 127}), {-128, -1, 0, 127});
  check(Tensor::from<int16_t>({1, 4}, {-300, 0, 7, 300}), {-300, 0, 7, 300});
  check(Tensor::from<int32_t>({1, 4}, {-5, 0, 5, 100000}), {-5, 0, 5, 100000});
  check(Tensor::from<int64_t>({1, 4}, {-5, 0, 5, 1 << 20}), {-5, 0, 5, 1 << 20});
  check(Tensor::from<double>({1, 4}, {-0.5, 0, 0.25, 1e6}), {-0.5f, 0, 0.25f, 1e6f});
  check(Tensor::from<uint16_t>({1, 4}, {0x3c00, 0x4000, 0xc000, 0}), {15360, 16384, 49152, 0});
  const uint16_t halves[4] = {0x3c00, 0x4000, 0xc000, 0};  // 1, 2, -2, 0
  check(Tensor::from_bytes(DataType::Float16, {1, 4}, halves, sizeof halves), {1, 2, -2, 0});
}

TEST_CASE("Loading is deterministic", "[dataset]") {
  TempDir t;
  const auto f = t.write("a.jpg", jpg(9, 7, 3, pattern(9, 7, 3)));
  const InputSpec in{"images", {1, 3, 5, 6}};
  CHECK(values(load1(f, in)) == values(load1(f, in)));
}

TEST_CASE("SampleStream reads the list once and loads one sample at a time", "[dataset]") {
  TempDir t;
  t.write("a.png", png(4, 3, 3, pattern(4, 3, 3)));
  t.write("b.png", png(2, 2, 3, pattern(2, 2, 3)));
  t.write("a.npy", npy({1, 5}, iota(5)));
  t.write("bad.npy", npy({1, 6}, iota(6)));
  const auto list = t.write("dataset.txt", "# calibration\na.png a.npy\n\nb.png a.npy\nb.png bad.npy\n");
  std::vector<std::string> warnings;
  const std::vector<InputSpec> inputs{{"images", {1, 3, 3, 4}}, {"extra", {1, 5}}};
  SampleStream s(list, inputs, &warnings);
  REQUIRE(s.size() == 3);
  CHECK(s.where(1) == list.string() + ":4");
  const auto first = s.load(0);
  REQUIRE(first.size() == 2);
  CHECK(first[0].shape() == Shape{1, 3, 3, 4});
  CHECK(values(first[1]) == iota(5));
  CHECK(warnings.empty());
  s.load(1);
  CHECK(warnings.size() == 1);
  const std::string msg = conversion_error([&] { s.load(2); });
  CHECK(msg.rfind(list.string() + ":5: '", 0) == 0);
  CHECK(msg.find("bad.npy") != std::string::npos);
  // The list's own errors come from read_dataset_list.
  CHECK_THROWS_AS(SampleStream(t.write("one.txt", "a.png\n"), inputs, &warnings), rknnc::Error);
}

TEST_CASE("input_specs and split_inputs", "[dataset]") {
  rknnc::ir::Graph g;
  g.inputs = {"a", "b"};
  g.values["a"] = {DataType::Float32, {1, 3, 8, 8}, true};
  g.values["b"] = {DataType::Float32, {1, 8, 8, 3}, true};
  auto specs = rknnc::dataset::input_specs(g, {true});
  REQUIRE(specs.size() == 2);
  CHECK((specs[0].name == "a" && specs[0].shape == Shape{1, 3, 8, 8} && specs[0].rgb2bgr && specs[1].rgb2bgr));
  specs = rknnc::dataset::input_specs(g, {false, true});
  CHECK((!specs[0].rgb2bgr && specs[1].rgb2bgr));
  CHECK(!rknnc::dataset::input_specs(g, {})[0].rgb2bgr);
  g.values["b"].shape = {-1, 8, 8, 3};
  CHECK_THROWS_WITH(rknnc::dataset::input_specs(g, {}), Catch::Contains("input 'b' has shape [?,8,8,3]"));

  TempDir t;
  const auto a = t.write("a.jpg", jpg(2, 2, 3, pattern(2, 2, 3)));
  const auto b = t.write("b.npy", npy({1}, {1}));
  const auto split = rknnc::dataset::split_inputs(" " + a.string() + "   " + b.string() + " ");
  CHECK(split == std::vector<fs::path>{a, b});
  auto usage = [](const std::string& arg, const std::string& what) {
    try {
      rknnc::dataset::split_inputs(arg);
      FAIL("expected an error for " << arg);
    } catch (const rknnc::Error& e) {
      CHECK(e.code() == rknnc::ExitCode::Usage);
      CHECK_THAT(e.what(), Catch::StartsWith("-a: ") && Catch::Contains(what));
    }
  };
  usage("  ", "no files given");
  usage(a.string() + " " + (t.dir / "nope.png").string(), "nope.png' not found");
  usage(t.write("x.txt", "hi").string(), "is not a .jpg/.png/.bmp/.npy file");
}
