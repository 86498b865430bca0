#pragma once
// Encrypted .rknn files (docs/encryption.md, docs/rknn-format.md §8; 004 §5.9,
// Toolkit2's export_encrypted_rknn_model). An encrypted file is a container
// whose header has the encrypted flag; the sections its level hides are
// serialised into one "sealed" section, encrypted with AES-256-GCM, beside an
// "envelope" section (level, cipher, key check) and the sections left
// readable. Keys are derived with HKDF-SHA256 from a key file's bytes; nothing
// is compiled in. The only crypto code of rknnc lives here (envelope.cpp).
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "format/rknn_container.h"
#include "format/rknn_file.h"

namespace rknnc::format {

// Levels: 1 hides the weights; 2 also the graph, tensors (names, shapes,
// quantisation) and compiled program; 3 everything, the metadata too.
constexpr int kMinEncryptLevel = 1;
constexpr int kMaxEncryptLevel = 3;
// A key file holds at least 32 random bytes (256 bits); HKDF is not a
// password hash, so short or guessable keys are refused rather than stretched.
constexpr size_t kMinKeyBytes = 32;
constexpr size_t kMaxKeyBytes = 64 * 1024;

// The keys derived from one key file. The file's bytes are not kept; the
// derived keys are wiped when the object dies. Opaque outside envelope.cpp.
class EncryptionKey {
 public:
  // `ikm`: the key material (a key file's bytes); `source` names it in errors
  // (never its content). Fails (exit 2) when it is shorter than kMinKeyBytes.
  EncryptionKey(std::string_view ikm, std::string source);
  EncryptionKey(const EncryptionKey&) = default;
  EncryptionKey& operator=(const EncryptionKey&) = default;
  ~EncryptionKey();
  const std::string& source() const { return source_; }

  std::array<unsigned char, 32> aead{};   // AES-256-GCM key
  std::array<unsigned char, 32> nonce{};  // HMAC-SHA256 key of the synthetic nonce
  std::array<unsigned char, 16> check{};  // stored in the envelope: tells a wrong key from a damaged file

 private:
  std::string source_;
};

// Reads a key file (exit 2 naming the file when it is missing, empty, shorter
// than kMinKeyBytes or longer than kMaxKeyBytes).
EncryptionKey load_key_file(const std::filesystem::path& path);

// The encrypted file of a model: deterministic (same model, level and key,
// same bytes). `level` outside 1..3 is a usage error.
std::string serialize_encrypted_rknn(const RknnModel& model, int level, const EncryptionKey& key);
// The same from a plain container's bytes (its sections are sealed as they
// are, not parsed; the container itself is checked). For fuzzing the
// decrypting reader: encrypt_container(input) then parse_rknn(…, &key).
std::string encrypt_container(const std::string& plain, int level, const EncryptionKey& key, const std::string& what);

// The level of an encrypted file (its envelope, checked); 0 for a plain one.
int encryption_level(const std::string& bytes, const ContainerInfo& info, const std::string& what);

// The model sections of a checked container: a plain file's own, or an
// encrypted file's readable sections plus its sealed ones, decrypted into
// `plaintext` (which the returned views point into; keep it alive). Errors:
// no key (exit 2), a wrong key (exit 2), a sealed section that fails
// authentication or does not parse (exit 1).
std::vector<ContainerSection> model_sections(const std::string& bytes, const ContainerInfo& info,
                                             const EncryptionKey* key, const std::string& what, std::string& plaintext);

}  // namespace rknnc::format
