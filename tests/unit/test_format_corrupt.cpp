// .rknn container robustness: truncated, flipped, corrupt, hostile and
// newer-version files are one-line errors, and random garbage never crashes
// the reader.
#include <catch2/catch.hpp>

#include <random>

#include "format/byte_io.h"
#include "format/rknn_file.h"
#include "format/rknn_layout.h"
#include "test_format_util.h"
#include "util/error.h"

using namespace rknnc;
using namespace rknnc::testing::rknn_file;
namespace L = rknnc::format::layout;

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
