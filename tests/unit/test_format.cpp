// .rknn container: round trip, determinism and robustness against corrupt,
// truncated, hostile and newer-version files (encrypted files:
// test_envelope.cpp).
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <random>

#include <zstd.h>

#include "format/byte_io.h"
#include "format/crc32.h"
#include "format/rknn_file.h"
#include "format/rknn_layout.h"
#include "test_config_util.h"
#include "test_format_util.h"
#include "ir/verifier.h"
#include "util/atomic_file.h"
#include "util/error.h"

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

TEST_CASE(".rknn truncated at every length is an error", "[format]") {
  const std::string f = format::serialize_rknn(sample_model());
  for (size_t n = 0; n < f.size(); ++n) {
    INFO("length " << n);
    CHECK_THROWS_AS(format::parse_rknn(f.substr(0, n), "m.rknn"), Error);
  }
  check_corrupt(f.substr(0, f.size() - 1), "SHA-256 check failed: the file is truncated or damaged");
  check_corrupt(f + std::string(1, '\0'), "SHA-256 check failed");
  std::string longer = f + std::string(1, '\0');
  reseal_digest(longer);
  check_corrupt(longer, "header says");
}

TEST_CASE(".rknn flipped byte anywhere fails the SHA-256 check first", "[format]") {
  const std::string f = format::serialize_rknn(sample_model());
  for (size_t at = 10; at < f.size(); at += 7) {  // from the section count on: magic and version are checked first
    std::string bad = f;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    INFO("offset " << at);
    check_corrupt(bad, "SHA-256 check failed");
  }
}

TEST_CASE(".rknn flipped byte in any section is a CRC error naming it", "[format]") {
  const std::string f = format::serialize_rknn(sample_model());
  for (size_t i = 0; i < section_count(f); ++i) {
    const Entry e = entry(f, i);
    const std::string name(L::section_name(e.kind));
    for (uint64_t at : {e.offset, e.offset + e.length / 2, e.offset + e.length - 1}) {
      std::string bad = f;
      bad[at] = static_cast<char>(bad[at] ^ 0x20);
      reseal_digest(bad);  // the CRCs still catch what the digest would
      INFO("section " << name << " offset " << at);
      check_corrupt(bad, fmt::format("section '{}' CRC mismatch", name));
    }
  }
  // Every header and table byte is covered by the header CRC.
  const size_t table_end = L::kTableOffset + section_count(f) * L::kEntrySize;
  for (size_t at = 10; at < table_end; ++at) {
    std::string bad = f;
    bad[at] = static_cast<char>(bad[at] ^ 1);
    reseal_digest(bad);
    INFO("header offset " << at);
    CHECK_THROWS_AS(format::parse_rknn(bad, "m.rknn"), Error);
  }
  // Non-zero padding between header and first section.
  std::string bad = f;
  bad[table_end + 4] = 1;
  reseal_digest(bad);
  check_corrupt(bad, "padding");
}

TEST_CASE(".rknn bad magic and newer versions are clear errors", "[format]") {
  const std::string f = format::serialize_rknn(sample_model());
  std::string bad = f;
  bad[0] = 'X';
  check_corrupt(bad, "not a .rknn file (bad magic");
  check_corrupt("", "bad magic");
  check_corrupt("\x08\x01\x12\x07pytorch", "bad magic");  // an ONNX protobuf
  std::string newer = f;
  store_u32(newer, L::kVersionOffset, format::kFormatVersion + 1);
  reseal(newer);
  check_corrupt(newer, fmt::format("format version {} is newer than this rknnc reads", format::kFormatVersion + 1));
  // Even a newer file whose header layout changed entirely gives the version error.
  std::string tiny = f.substr(0, 10);
  store_u32(tiny, L::kVersionOffset, 7);
  check_corrupt(tiny, "version 7 is newer");
  std::string zero = f;
  store_u32(zero, L::kVersionOffset, 0);
  reseal(zero);
  check_corrupt(zero, "format version 0");
  std::string flags = f;
  store_u32(flags, L::kFlagsOffset, 2);
  reseal(flags);
  check_corrupt(flags, "flags");
  std::string encrypted = f;  // the encrypted flag without an envelope
  store_u32(encrypted, L::kFlagsOffset, L::kFlagEncrypted);
  reseal(encrypted);
  check_corrupt(encrypted, "encrypted file without its 'envelope' section");
}

TEST_CASE(".rknn section table damage is detected", "[format]") {
  const std::string f = format::serialize_rknn(sample_model());
  SECTION("section outside the file") {
    std::string bad = f;
    store_u64(bad, L::kTableOffset + 3 * L::kEntrySize + 16, uint64_t{1} << 62);
    reseal(bad);
    check_corrupt(bad, "outside");
  }
  SECTION("offset + length overflows") {
    std::string bad = f;
    store_u64(bad, L::kTableOffset + 3 * L::kEntrySize + 8, ~uint64_t{0} - 63);
    reseal(bad);
    check_corrupt(bad, "outside");
  }
  SECTION("duplicate section") {
    std::string bad = f;
    store_u32(bad, L::kTableOffset + 1 * L::kEntrySize, static_cast<uint32_t>(L::SectionKind::Metadata));
    reseal(bad);
    check_corrupt(bad, "appears twice");
  }
  SECTION("missing section (renamed to an unknown kind)") {
    std::string bad = f;
    store_u32(bad, L::kTableOffset + 2 * L::kEntrySize, 99);
    reseal(bad);
    check_corrupt(bad, "section 'tensors' is missing");
  }
  SECTION("huge section count") {
    std::string bad = f;
    bad[L::kSectionCountOffset] = '\xff';
    bad[L::kSectionCountOffset + 1] = '\xff';
    CHECK_THROWS_AS(format::parse_rknn(bad, "m.rknn"), Error);
  }
}

TEST_CASE(".rknn sections with valid CRC but hostile content fail cleanly", "[format]") {
  const std::string f = format::serialize_rknn(sample_model());
  using K = L::SectionKind;
  SECTION("huge counts are rejected before allocating") {
    format::ByteWriter w;
    w.str("g");
    w.i64(13);
    w.u32(0xFFFFFFFFu);  // metadata count
    check_corrupt(with_section(f, K::Graph, w.take()), "does not fit");
    format::ByteWriter t;
    t.u32(0xFFFFFFF0u);  // tensor count
    check_corrupt(with_section(f, K::Tensors, t.take()), "does not fit");
  }
  SECTION("huge string length") {
    format::ByteWriter w;
    w.u32(0x7FFFFFFFu);
    check_corrupt(with_section(f, K::Graph, w.take()), "truncated");
  }
  SECTION("graph section with trailing bytes") {
    check_corrupt(with_section(f, K::Graph, section_bytes(f, K::Graph) + "x"), "unexpected bytes");
  }
  SECTION("metadata that is not JSON or lacks fields") {
    check_corrupt(with_section(f, K::Metadata, "{not json"), "not a JSON object");
    check_corrupt(with_section(f, K::Metadata, "[1,2]"), "not a JSON object");
    check_corrupt(with_section(f, K::Metadata, R"({"model_name":"x"})"), "'target' is missing");
    check_corrupt(with_section(f, K::Metadata,
                               R"({"model_name":"x","target":"t","tool_version":"v","custom_string":"",)"
                               R"("preprocess":[{"input":"x","mean":[1e300],"std":[]}]})"),
                  "out-of-range");
  }
  SECTION("weights section too short for the constants") {
    check_corrupt(with_section(f, K::Weights, section_bytes(f, K::Weights).substr(0, 10)), "outside");
  }
  SECTION("invalid UTF-8 in a name") {
    std::string g = section_bytes(f, K::Graph);
    const size_t at = g.find("tiny");
    REQUIRE(at != std::string::npos);
    g[at] = '\xff';
    check_corrupt(with_section(f, K::Graph, g), "UTF-8");
  }
  SECTION("graph that does not verify") {
    std::string g = section_bytes(f, K::Graph);
    const size_t at = g.find("Reshape");
    REQUIRE(at != std::string::npos);
    // Rename the Reshape's output 'z' so graph output 'z' is never produced.
    std::string t = g;
    const size_t z = t.rfind(std::string("\x01\x00\x00\x00z", 5));
    REQUIRE(z != std::string::npos);
    t[z + 4] = 'q';
    check_corrupt(with_section(f, K::Graph, t), "does not verify");
  }
  SECTION("every single-byte edit of the graph and tensors sections, resealed") {
    // Reaches the section decoders with wrong counts, kinds, dtypes, dims and
    // offsets; each must either parse or throw Error (ASan checks the reads).
    for (K kind : {K::Graph, K::Tensors}) {
      const std::string orig = section_bytes(f, kind);
      for (size_t at = 0; at < orig.size(); ++at)
        for (unsigned char v : {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
          std::string s = orig;
          if (static_cast<unsigned char>(s[at]) == v) continue;
          s[at] = static_cast<char>(v);
          try {
            format::parse_rknn(with_section(f, kind, s), "m.rknn");
          } catch (const Error&) {
          }
        }
    }
  }
  SECTION("every truncation of the graph and tensors sections, resealed") {
    for (K kind : {K::Graph, K::Tensors}) {
      const std::string orig = section_bytes(f, kind);
      for (size_t n = 0; n < orig.size(); ++n) {
        INFO("section length " << n);
        CHECK_THROWS_AS(format::parse_rknn(with_section(f, kind, orig.substr(0, n)), "m.rknn"), Error);
      }
    }
  }
}

TEST_CASE(".rknn reader survives random garbage", "[format]") {
  std::mt19937 rng(1234);
  const std::string f = format::serialize_rknn(sample_model());
  for (int iter = 0; iter < 300; ++iter) {
    std::string g(rng() % 600, '\0');
    for (auto& c : g) c = static_cast<char>(rng());
    if (iter % 2) g.replace(0, std::min<size_t>(g.size(), 10), f.substr(0, std::min<size_t>(g.size(), 10)));
    CHECK_THROWS_AS(format::parse_rknn(g, "m.rknn"), Error);
    // Random bytes inside a well-formed container.
    std::string s = f;
    const size_t n = 1 + rng() % 8;
    for (size_t k = 0; k < n; ++k) s[rng() % s.size()] = static_cast<char>(rng());
    reseal(s);
    try {
      format::parse_rknn(s, "m.rknn");
    } catch (const Error&) {
    }
  }
}

namespace {

std::string zstd_frame(const std::string& bytes) {
  std::string out(ZSTD_compressBound(bytes.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), 3));
  return out;
}

bool has_section(const std::string& f, L::SectionKind kind) {
  for (size_t i = 0; i < section_count(f); ++i)
    if (entry(f, i).kind == static_cast<uint32_t>(kind)) return true;
  return false;
}

}  // namespace

TEST_CASE(".rknn compress_weight stores the weights as one zstd frame and reads them back", "[format]") {
  format::RknnModel m = model_with_big_weights();
  const std::string plain = format::serialize_rknn(m);
  m.compress_weights = true;
  const std::string packed = format::serialize_rknn(m);
  CHECK(packed == format::serialize_rknn(m));  // deterministic
  CHECK(has_section(packed, L::SectionKind::WeightsZstd));
  CHECK_FALSE(has_section(packed, L::SectionKind::Weights));
  CHECK(packed.size() + 40000 < plain.size());
  const format::RknnModel back = format::parse_rknn(packed, "m.rknn");
  CHECK(back.compress_weights);
  check_same_graph(m.graph, back.graph);
  CHECK(format::serialize_rknn(back) == packed);
  // The frame inflates to the plain file's weights section, byte for byte.
  const std::string frame = section_bytes(packed, L::SectionKind::WeightsZstd);
  const std::string weights = section_bytes(plain, L::SectionKind::Weights);
  std::string inflated(weights.size(), '\0');
  CHECK(ZSTD_decompress(inflated.data(), inflated.size(), frame.data(), frame.size()) == weights.size());
  CHECK(inflated == weights);
  // A model without constants compresses to an empty frame and reads back.
  format::RknnModel bare = m;
  bare.graph.initializers.clear();
  bare.graph.nodes.clear();
  bare.graph.outputs = {"x"};
  for (auto it = bare.graph.values.begin(); it != bare.graph.values.end();)
    it = it->first == "x" ? std::next(it) : bare.graph.values.erase(it);
  CHECK(format::parse_rknn(format::serialize_rknn(bare), "m.rknn").graph.initializers.empty());
}

TEST_CASE(".rknn damaged weights_zstd sections are one-line corrupt errors", "[format]") {
  format::RknnModel m = model_with_big_weights();
  m.compress_weights = true;
  const std::string f = format::serialize_rknn(m);
  const std::string frame = section_bytes(f, L::SectionKind::WeightsZstd);
  const std::string weights = section_bytes(format::serialize_rknn(model_with_big_weights()), L::SectionKind::Weights);
  using K = L::SectionKind;
  SECTION("flipped payload bytes (CRC resealed)") {
    for (size_t at : {frame.size() / 3, frame.size() / 2, frame.size() - 2}) {
      std::string bad = frame;
      bad[at] = static_cast<char>(bad[at] ^ 0x55);
      INFO("frame byte " << at);
      check_corrupt(with_section(f, K::WeightsZstd, bad), "weights_zstd");
    }
  }
  SECTION("flipped payload byte without resealing the CRC is a CRC error") {
    std::string bad = f;
    const Entry e = find_section(f, K::WeightsZstd);
    bad[e.offset + e.length / 2] = static_cast<char>(bad[e.offset + e.length / 2] ^ 1);
    reseal_digest(bad);
    check_corrupt(bad, "section 'weights_zstd' CRC mismatch");
  }
  SECTION("truncated frame, trailing bytes, not zstd at all, empty") {
    for (size_t n : {size_t{0}, size_t{3}, size_t{12}, frame.size() / 2, frame.size() - 1})
      check_corrupt(with_section(f, K::WeightsZstd, frame.substr(0, n)), "weights_zstd");
    check_corrupt(with_section(f, K::WeightsZstd, frame + "junk"), "after its zstd frame");
    check_corrupt(with_section(f, K::WeightsZstd, std::string(64, 'x')), "weights_zstd");
  }
  SECTION("a frame of another size than the tensors declare is refused before inflating") {
    check_corrupt(with_section(f, K::WeightsZstd, zstd_frame(weights + std::string(4096, '\0'))), "declares");
    check_corrupt(with_section(f, K::WeightsZstd, zstd_frame(weights.substr(0, 100))), "declares");
    check_corrupt(with_section(f, K::WeightsZstd, zstd_frame(std::string(size_t{1} << 24, '\0'))), "declares");
  }
  SECTION("both weights sections, or neither") {
    std::string both = f;
    store_u32(both, L::kTableOffset + 0 * L::kEntrySize, static_cast<uint32_t>(K::Weights));  // metadata -> weights
    reseal(both);
    CHECK_THROWS_AS(format::parse_rknn(both, "m.rknn"), Error);
    std::string none = f;
    for (size_t i = 0; i < section_count(f); ++i)
      if (entry(f, i).kind == static_cast<uint32_t>(K::WeightsZstd)) store_u32(none, L::kTableOffset + i * L::kEntrySize, 99);
    reseal(none);
    check_corrupt(none, "section 'weights' is missing");
  }
}

TEST_CASE(".rknn remove_weight writes a slave without weights that runs with its master's", "[format]") {
  const format::RknnModel full = model_with_big_weights();
  format::RknnModel slave_in = full;
  slave_in.remove_weights = true;
  slave_in.compress_weights = true;  // nothing to compress: the empty weights section stays plain
  const std::string bytes = format::serialize_rknn(slave_in);
  CHECK(find_section(bytes, L::SectionKind::Weights).length == 0);
  CHECK(bytes.size() + 60000 < format::serialize_rknn(full).size());
  format::RknnModel slave = format::parse_rknn(bytes, "slave.rknn");
  CHECK(slave.remove_weights);
  CHECK(slave.weights_sha256 == format::weights_digest(full.graph));
  REQUIRE(slave.graph.initializers.size() == full.graph.initializers.size());
  const ir::Tensor& placeholder = slave.graph.initializers.at("big");
  CHECK(placeholder.shape() == ir::Shape{16384});
  CHECK(placeholder.data<float>()[100] == 0.0f);

  const format::RknnModel master = format::parse_rknn(format::serialize_rknn(full), "master.rknn");
  format::use_master_weights(slave, master, "slave.rknn", "master.rknn");
  check_same_graph(full.graph, slave.graph);

  // A master with other weights is refused, naming both files and the fix.
  format::RknnModel other = full;
  other.graph.initializers.at("big").data<float>()[7] = 1.0f;
  format::RknnModel slave2 = format::parse_rknn(bytes, "slave.rknn");
  const std::string msg = rknnc::testing::expect_error(ExitCode::Usage, [&] {
    format::use_master_weights(slave2, other, "slave.rknn", "master.rknn");
  });
  CHECK_THAT(msg, Catch::Contains("master.rknn does not hold the weights slave.rknn was built with (digest ") &&
                      Catch::Contains("convert both from the same model"));
  CHECK(msg.find('\n') == std::string::npos);
  // A slave is no master; a full model needs no master.
  rknnc::testing::expect_error(ExitCode::Usage, [&] { format::use_master_weights(slave2, slave2, "s", "m"); });
  format::RknnModel full_back = master;
  rknnc::testing::expect_error(ExitCode::Usage, [&] { format::use_master_weights(full_back, master, "s", "m"); });
}

TEST_CASE(".rknn damaged removed-weights metadata or entries are corrupt", "[format]") {
  format::RknnModel m = model_with_big_weights();
  m.remove_weights = true;
  const std::string f = format::serialize_rknn(m);
  using K = L::SectionKind;
  std::string meta = section_bytes(f, K::Metadata);
  const auto digest_at = meta.find("\"weights_sha256\":\"") + 18;
  std::string bad = meta;
  bad[digest_at] = 'Z';
  check_corrupt(with_section(f, K::Metadata, bad), "weights_sha256");
  bad = meta;
  bad.replace(meta.find("\"weights_removed\":true"), 22, "\"weights_removed\":1.0 ");
  check_corrupt(with_section(f, K::Metadata, bad), "weights_removed");
  // Weight bytes in a slave's weights section.
  check_corrupt(with_section(f, K::Weights, std::string(64, '\0')), "removed-weights");
}
