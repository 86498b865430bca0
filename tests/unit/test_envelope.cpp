// Encrypted .rknn files (format/envelope.h, docs/encryption.md): round trip
// per level, determinism, what each level hides, key errors, and seeded
// tamper / truncation runs over a plain and an encrypted file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "format/envelope.h"
#include "test_config_util.h"
#include "test_format_util.h"

using namespace rknnc;
using namespace rknnc::testing::rknn_file;

namespace {

const format::EncryptionKey& test_key() {
  static const format::EncryptionKey key(std::string(32, 'k'), "test.key");
  return key;
}

// Every error a damaged file gives: exit 1, one line, naming the file.
void check_damaged(const std::string& bytes, const format::EncryptionKey* key, const std::string& needle = "") {
  const std::string msg = rknnc::testing::expect_error(ExitCode::Conversion, [&] { format::parse_rknn(bytes, "m.rknn", key); });
  INFO(msg);
  CHECK(msg.rfind("m.rknn: ", 0) == 0);
  CHECK(msg.find('\n') == std::string::npos);
  if (!needle.empty()) CHECK(msg.find(needle) != std::string::npos);
}

bool contains(const std::string& hay, std::string_view needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("encrypted .rknn round trips at every level and is deterministic", "[format][envelope]") {
  const format::RknnModel m = model_with_big_weights();
  const std::string plain = format::serialize_rknn(m);
  std::vector<std::string> files;
  for (int level = 1; level <= 3; ++level) {
    INFO("level " << level);
    const std::string enc = format::serialize_encrypted_rknn(m, level, test_key());
    CHECK(enc == format::serialize_encrypted_rknn(m, level, test_key()));
    const format::ContainerInfo info = format::read_container(enc, "m.rknn");
    CHECK(info.encrypted());
    CHECK(format::encryption_level(enc, info, "m.rknn") == level);
    const format::RknnModel back = format::parse_rknn(enc, "m.rknn", &test_key());
    check_same_graph(m.graph, back.graph);
    CHECK(back.preprocess == m.preprocess);
    CHECK(format::serialize_rknn(back) == plain);  // the same model as the plain file, byte for byte
    files.push_back(enc);
  }
  CHECK(files[0] != files[1]);
  CHECK(files[1] != files[2]);
  // Another key, or another model under the same key, gives other bytes.
  const format::EncryptionKey other(std::string(40, 'o'), "other.key");
  CHECK(format::serialize_encrypted_rknn(m, 3, other) != files[2]);
  format::RknnModel m2 = model_with_big_weights();  // a copy of m would share its tensors' storage
  m2.graph.initializers.at("big").data<float>()[5] = 42.0f;
  const std::string enc2 = format::serialize_encrypted_rknn(m2, 3, test_key());
  const Entry s1 = find_section(files[2], L::SectionKind::Sealed), s2 = find_section(enc2, L::SectionKind::Sealed);
  CHECK(files[2].substr(s1.offset, 12) != enc2.substr(s2.offset, 12));  // synthetic nonces differ
  // A plain file opens with or without a key.
  check_same_graph(m.graph, format::parse_rknn(plain, "m.rknn", &test_key()).graph);
}

TEST_CASE("encrypted .rknn hides what its level promises", "[format][envelope]") {
  const format::RknnModel m = model_with_big_weights();
  std::vector<std::string> names;
  for (const auto& [name, vi] : m.graph.values) names.push_back(name);
  for (const auto& [name, t] : m.graph.initializers) names.push_back(name);
  for (const auto& n : m.graph.nodes) names.push_back(n->name);
  // Every 16-byte run (at multiples of 16) of every constant with at least 16
  // bytes, except runs of one repeated byte (16 zeros are also padding).
  std::vector<std::string> runs;
  for (const auto& [name, t] : m.graph.initializers) {
    const std::string_view bytes(static_cast<const char*>(t.raw()), t.nbytes());
    for (size_t at = 0; at + 16 <= bytes.size(); at += 16) {
      const std::string_view run = bytes.substr(at, 16);
      if (run.find_first_not_of(run[0]) != std::string_view::npos) runs.emplace_back(run);
    }
  }
  REQUIRE(runs.size() > 1000);
  const std::string plain = format::serialize_rknn(m);
  CHECK(std::any_of(runs.begin(), runs.end(), [&](const std::string& r) { return contains(plain, r); }));
  const std::string l1 = format::serialize_encrypted_rknn(m, 1, test_key());
  const std::string l2 = format::serialize_encrypted_rknn(m, 2, test_key());
  const std::string l3 = format::serialize_encrypted_rknn(m, 3, test_key());
  for (const auto* f : {&l1, &l2, &l3})
    CHECK_FALSE(std::any_of(runs.begin(), runs.end(), [&](const std::string& r) { return contains(*f, r); }));
  CHECK(contains(l1, "conv0"));  // level 1: the graph stays readable
  CHECK_FALSE(contains(l2, "conv0"));
  CHECK(contains(l2, "\"model_name\""));  // level 2: the metadata stays readable
  for (const auto& name : names) {
    INFO("tensor or node '" << name << "'");
    if (name.size() >= 4) CHECK_FALSE(contains(l3, name));
    CHECK_FALSE(contains(l3, std::string("\x00\x00\x00", 3) + name));  // as a length-prefixed string
  }
  CHECK_FALSE(contains(l3, "\"model_name\""));
  CHECK_FALSE(contains(l3, "tiny"));
}

TEST_CASE("encrypted .rknn without, or with the wrong, key is a one-line usage error", "[format][envelope]") {
  const std::string enc = format::serialize_encrypted_rknn(sample_model(), 2, test_key());
  const std::string missing =
      rknnc::testing::expect_error(ExitCode::Usage, [&] { format::parse_rknn(enc, "m.rknn"); });
  CHECK_THAT(missing, Catch::StartsWith("m.rknn: the model is encrypted (level 2)") && Catch::Contains("--key-file") &&
                          Catch::Contains("RKNNC_KEY_FILE"));
  const format::EncryptionKey wrong(std::string(32, 'w'), "wrong.key");
  const std::string msg = rknnc::testing::expect_error(ExitCode::Usage, [&] { format::parse_rknn(enc, "m.rknn", &wrong); });
  CHECK_THAT(msg, Catch::StartsWith("m.rknn: the model was encrypted with another key than wrong.key"));
  for (const auto& m : {missing, msg}) CHECK(m.find('\n') == std::string::npos);
}

TEST_CASE("encryption keys and levels are checked", "[format][envelope]") {
  const std::string short_key =
      rknnc::testing::expect_error(ExitCode::Usage, [] { format::EncryptionKey k(std::string(31, 'x'), "k.key"); });
  CHECK_THAT(short_key, Catch::StartsWith("k.key: key file has 31 bytes, a key needs at least 32"));
  CHECK_THAT(rknnc::testing::expect_error(ExitCode::Usage, [] { format::EncryptionKey k("", "k.key"); }),
             Catch::StartsWith("k.key: key file is empty"));
  for (int level : {0, 4, -1})
    CHECK_THAT(rknnc::testing::expect_error(
                   ExitCode::Usage, [&] { format::serialize_encrypted_rknn(sample_model(), level, test_key()); }),
               Catch::Contains(fmt::format("encryption level {} is not 1, 2 or 3", level)));
  // The message never holds key bytes.
  const std::string secret = "SECRET-KEY-BYTES-0123456789abcdefghij";
  const format::EncryptionKey k(secret, "k.key");
  const std::string enc = format::serialize_encrypted_rknn(sample_model(), 1, k);
  CHECK_FALSE(contains(enc, secret));
  const std::string msg = rknnc::testing::expect_error(ExitCode::Usage, [&] { format::parse_rknn(enc, "m.rknn", &test_key()); });
  CHECK_FALSE(contains(msg, "SECRET"));
}

TEST_CASE("encrypted .rknn edited and resealed fails authentication", "[format][envelope]") {
  const std::string l1 = format::serialize_encrypted_rknn(model_with_big_weights(), 1, test_key());
  using K = L::SectionKind;
  SECTION("a ciphertext byte") {
    const Entry e = find_section(l1, K::Sealed);
    std::string bad = l1;
    bad[e.offset + e.length / 2] ^= 0x01;
    reseal(bad);
    check_damaged(bad, &test_key(), "fail authentication");
  }
  SECTION("a readable section (bound as additional data)") {
    std::string g = section_bytes(l1, K::Graph);
    const size_t at = g.find("conv0");
    REQUIRE(at != std::string::npos);
    g[at] = 'k';
    check_damaged(with_section(l1, K::Graph, g), &test_key(), "fail authentication");
  }
  SECTION("the level in the envelope") {
    std::string env = section_bytes(l1, K::Envelope);
    env[0] = 3;
    check_damaged(with_section(l1, K::Envelope, env), &test_key(), "fail authentication");
    env[0] = 9;
    check_damaged(with_section(l1, K::Envelope, env), &test_key(), "level 9");
  }
  SECTION("a sealed section shorter than nonce and tag") {
    check_damaged(with_section(l1, K::Sealed, std::string(20, 'x')), &test_key(), "less than its nonce and tag");
  }
  SECTION("a plain file flagged as encrypted, or an encrypted one unflagged") {
    std::string unflagged = l1;
    store_u32(unflagged, L::kFlagsOffset, 0);
    reseal(unflagged);
    check_damaged(unflagged, &test_key(), "not flagged as encrypted");
  }
}

TEST_CASE("an older (v3) .rknn without the SHA-256 trailer still reads", "[format][envelope]") {
  std::string f = format::serialize_rknn(sample_model());
  f.resize(f.size() - L::kDigestSize);
  store_u32(f, L::kVersionOffset, 3);
  store_u64(f, L::kFileSizeOffset, f.size());
  reseal(f);  // CRCs only: v3 has no digest
  check_same_graph(sample_model().graph, format::parse_rknn(f, "old.rknn").graph);
  store_u32(f, L::kFlagsOffset, L::kFlagEncrypted);  // v3 knew no encryption
  reseal(f);
  check_damaged(f, nullptr, "flags");
}

// The must-show of docs/encryption.md: 1,000 seeded single-byte flips and 100
// truncations each of a plain and an encrypted (level 3) file; every one is a
// one-line exit-1 error (this binary runs under ASan+UBSan in `make test`).
TEST_CASE("1,000 byte flips and 100 truncations of plain and encrypted .rknn are one-line errors", "[format][envelope]") {
  const format::RknnModel m = model_with_big_weights();
  const std::string files[] = {format::serialize_rknn(m), format::serialize_encrypted_rknn(m, 3, test_key())};
  size_t flips = 0, truncations = 0;
  for (const std::string& f : files) {
    std::mt19937_64 rng(20261204);
    for (int i = 0; i < 1000; ++i) {
      std::string bad = f;
      const size_t at = rng() % bad.size();
      bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));  // never a no-op
      INFO("flip at " << at);
      check_damaged(bad, &test_key());
      ++flips;
    }
    for (int i = 0; i < 100; ++i) {
      const size_t n = rng() % f.size();
      INFO("truncated to " << n);
      check_damaged(f.substr(0, n), &test_key());
      ++truncations;
    }
  }
  CHECK(flips == 2000);
  CHECK(truncations == 200);
}

TEST_CASE("hostile sections behind the encryption get the plain file's errors", "[format][envelope]") {
  const std::string f = format::serialize_rknn(sample_model());
  using K = L::SectionKind;
  const std::pair<std::string, std::string> cases[] = {
      {with_section(f, K::Metadata, "{not json"), "not a JSON object"},
      {with_section(f, K::Graph, section_bytes(f, K::Graph) + "x"), "unexpected bytes"},
      {with_section(f, K::Weights, section_bytes(f, K::Weights).substr(0, 10)), "outside"},
  };
  for (const auto& [plain, needle] : cases) {
    check_damaged(plain, nullptr, needle);
    for (int level = 1; level <= 3; ++level) {
      INFO("level " << level << ", " << needle);
      check_damaged(format::encrypt_container(plain, level, test_key(), "m.rknn"), &test_key(), needle);
    }
  }
  // Every truncation of the graph section, sealed at level 3.
  const std::string graph = section_bytes(f, K::Graph);
  for (size_t n = 0; n < graph.size(); n += 3)
    check_damaged(format::encrypt_container(with_section(f, K::Graph, graph.substr(0, n)), 3, test_key(), "m.rknn"),
                  &test_key());
}
