// .rknn weight options: compress_weight (one zstd frame) and remove_weight
// (a slave run with its master's weights), and their damaged files.
#include <catch2/catch.hpp>

#include <zstd.h>

#include "format/rknn_file.h"
#include "format/rknn_layout.h"
#include "test_config_util.h"
#include "test_format_util.h"
#include "util/error.h"

using namespace rknnc;
using namespace rknnc::testing::rknn_file;
namespace L = rknnc::format::layout;

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
