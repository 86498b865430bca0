// .rknn container: round trip, determinism, alignment and the atomic write
// (corrupt, truncated, hostile and newer-version files: test_format_corrupt.cpp;
// compressed and removed weights: test_format_weights.cpp; encrypted files:
// test_envelope.cpp).
#include <catch2/catch.hpp>

#include <filesystem>

#include "format/byte_io.h"
#include "format/crc32.h"
#include "format/rknn_file.h"
#include "format/rknn_layout.h"
#include "test_format_util.h"
#include "util/atomic_file.h"

using namespace rknnc;
using namespace rknnc::testing::rknn_file;
namespace L = rknnc::format::layout;

TEST_CASE("crc32 matches the IEEE/zlib check value", "[format]") {
  CHECK(format::crc32("123456789") == 0xCBF43926u);
  CHECK(format::crc32("") == 0u);
  CHECK(format::crc32("The quick brown fox jumps over the lazy dog") == 0x414FA339u);
}

TEST_CASE("utf-8 validation rejects malformed sequences", "[format]") {
  CHECK(format::is_valid_utf8("plain ascii"));
  CHECK(format::is_valid_utf8("\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80"));
  CHECK_FALSE(format::is_valid_utf8("\xc3"));           // truncated
  CHECK_FALSE(format::is_valid_utf8("\xc0\xaf"));       // overlong
  CHECK_FALSE(format::is_valid_utf8("\xed\xa0\x80"));   // surrogate
  CHECK_FALSE(format::is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  CHECK_FALSE(format::is_valid_utf8("\xff"));
}

TEST_CASE(".rknn round trip keeps graph, constants and metadata", "[format]") {
  const format::RknnModel m = sample_model();
  const std::string bytes = format::serialize_rknn(m);
  const format::RknnModel back = format::parse_rknn(bytes, "m.rknn");
  check_same_graph(m.graph, back.graph);
  CHECK(back.model_name == m.model_name);
  CHECK(back.target == m.target);
  CHECK(back.tool_version == m.tool_version);
  CHECK(back.custom_string == m.custom_string);
  CHECK(back.preprocess == m.preprocess);
  CHECK(back.config_echo == m.config_echo);
  CHECK(back.tensors.empty());  // every tensor has the default annotation
  CHECK(back.annotation("x").layout == "NCHW");
  CHECK(back.annotation("shape").layout == "");
  // A reloaded model serialises to the same bytes.
  CHECK(format::serialize_rknn(back) == bytes);
}

TEST_CASE(".rknn keeps tensor annotations (layout, quant params)", "[format]") {
  format::RknnModel m = sample_model();
  m.tensors["w"] = {"NC1HWC2"};
  m.graph.quant["w"] = {"asymmetric_quantized-8", 0, {0.5f, 0.25f}, {0, -3}};
  m.graph.quant["y"] = ir::QuantParams::per_tensor(0.125f, 12);
  const format::RknnModel back = format::parse_rknn(format::serialize_rknn(m), "m.rknn");
  CHECK(back.tensors == m.tensors);
  CHECK(back.graph.quant == m.graph.quant);
}

TEST_CASE(".rknn serialisation is deterministic and aligned", "[format]") {
  const std::string a = format::serialize_rknn(sample_model());
  const std::string b = format::serialize_rknn(sample_model());
  CHECK(a == b);
  CHECK(a.substr(0, 6) == std::string("RKNNC\0", 6));
  CHECK(format::load_le<uint32_t>(a, L::kVersionOffset) == format::kFormatVersion);
  CHECK(format::load_le<uint64_t>(a, L::kFileSizeOffset) == a.size());
  const format::ContainerInfo info = format::read_container(a, "m.rknn");
  REQUIRE(info.sections.size() == 4);
  for (const auto& s : info.sections) CHECK(s.offset % L::kSectionAlign == 0);
  CHECK(info.sections[0].name == "metadata");
  CHECK(info.sections[3].name == "weights");
  // Copying the graph (shared storage) or building it in another order of
  // map insertions does not change the bytes.
  format::RknnModel m = sample_model();
  format::RknnModel copy = m;
  CHECK(format::serialize_rknn(copy) == a);
}

TEST_CASE(".rknn weights are 64-byte aligned with zero padding", "[format]") {
  const std::string f = format::serialize_rknn(sample_model());
  const Entry w = find_section(f, L::SectionKind::Weights);
  // The float weight [2,3,1,1] (24 bytes) must be found at some 64-aligned offset.
  const format::RknnModel m = sample_model();
  const ir::Tensor& t = m.graph.initializers.at("w");
  const std::string_view weights(f.data() + w.offset, w.length);
  const size_t at = weights.find(std::string_view(static_cast<const char*>(t.raw()), t.nbytes()));
  REQUIRE(at != std::string_view::npos);
  CHECK((w.offset + at) % 64 == 0);
  // The section holds the constants plus at most 63 padding bytes before each.
  size_t total_constant = 0;
  for (const auto& [name, c] : m.graph.initializers) total_constant += c.nbytes();
  CHECK(w.length >= total_constant);
  CHECK(w.length <= total_constant + 64 * m.graph.initializers.size());
  // Padding between constants is zero: bytes outside the constants sum to zero.
  size_t nonzero = 0;
  for (char c : weights) nonzero += c != 0;
  size_t nonzero_in_constants = 0;
  for (const auto& [name, c] : m.graph.initializers)
    for (size_t i = 0; i < c.nbytes(); ++i) nonzero_in_constants += static_cast<const char*>(c.raw())[i] != 0;
  CHECK(nonzero == nonzero_in_constants);
}

TEST_CASE(".rknn written atomically reads back from disk", "[format]") {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("rknnc_test_format_{}", ::getpid());
  std::filesystem::remove_all(dir);
  const auto path = dir / "tiny.rknn";
  {
    StagedOutputs staged;
    format::stage_rknn(staged, path, sample_model());
    CHECK_FALSE(std::filesystem::exists(path));  // nothing before commit
    staged.commit();
  }
  CHECK(format::is_rknn_file(path));
  check_same_graph(sample_model().graph, format::read_rknn(path).graph);
  write_file_atomic(dir / "not.rknn", "ONNX-ish bytes");
  CHECK_FALSE(format::is_rknn_file(dir / "not.rknn"));
  CHECK_FALSE(format::is_rknn_file(dir / "missing.rknn"));
  std::filesystem::remove_all(dir);
}
