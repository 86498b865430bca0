// The encryption envelope (envelope.h, docs/rknn-format.md §8): HKDF-SHA256
// key derivation, AES-256-GCM with a synthetic nonce, and the envelope and
// sealed sections.
#include "format/envelope.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>

#include "format/byte_io.h"
#include "format/rknn_layout.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace rknnc::format {
namespace {

using layout::SectionKind;

constexpr std::string_view kHkdfSalt = "rknnc .rknn envelope v1";  // fixed: the same key file gives the same keys
constexpr uint8_t kCipherAes256Gcm = 1;
constexpr uint8_t kKdfHkdfSha256 = 1;
constexpr size_t kCheckSize = 16;
constexpr size_t kEnvelopeSize = 4 + kCheckSize;
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
constexpr size_t kChunk = size_t{1} << 30;  // OpenSSL's EVP lengths are int

const unsigned char* uc(const char* p) { return reinterpret_cast<const unsigned char*>(p); }

[[noreturn]] void openssl_failed(const char* what) { fail("OpenSSL {} failed; check the libssl3 installation", what); }

template <size_t N>
std::array<unsigned char, N> hkdf_sha256(std::string_view ikm, std::string_view info) {
  std::array<unsigned char, N> out{};
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr),
                                                                  EVP_PKEY_CTX_free);
  size_t len = N;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 || EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), uc(kHkdfSalt.data()), static_cast<int>(kHkdfSalt.size())) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), uc(ikm.data()), static_cast<int>(ikm.size())) <= 0 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), uc(info.data()), static_cast<int>(info.size())) <= 0 ||
      EVP_PKEY_derive(ctx.get(), out.data(), &len) <= 0 || len != N)
    openssl_failed("HKDF-SHA256");
  return out;
}

// Deterministic output without nonce reuse: the GCM nonce is synthetic, the
// first 12 bytes of HMAC-SHA256 (under its own HKDF key) of the additional
// data and the plaintext, as in SIV modes (RFC 5297). Equal inputs give equal
// files; different plaintexts get different nonces (a collision needs ~2^48
// files under one key), so GCM never sees one nonce with two plaintexts. A
// random nonce would make every encryption differ; a counter or a fixed nonce
// would repeat across models.
std::array<unsigned char, kNonceSize> synthetic_nonce(const EncryptionKey& key, std::string_view aad,
                                                      std::string_view plaintext) {
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr), EVP_MAC_free);
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr,
                                                                EVP_MAC_CTX_free);
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest_name, 0), OSSL_PARAM_construct_end()};
  ByteWriter lengths;
  lengths.u64(aad.size());
  lengths.u64(plaintext.size());
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  bool ok = ctx && EVP_MAC_init(ctx.get(), key.nonce.data(), key.nonce.size(), params) == 1 &&
            EVP_MAC_update(ctx.get(), uc(lengths.data().data()), lengths.size()) == 1 &&
            EVP_MAC_update(ctx.get(), uc(aad.data()), aad.size()) == 1 &&
            EVP_MAC_update(ctx.get(), uc(plaintext.data()), plaintext.size()) == 1 &&
            EVP_MAC_final(ctx.get(), out, &len, sizeof out) == 1 && len >= kNonceSize;
  if (!ok) openssl_failed("HMAC-SHA256");
  std::array<unsigned char, kNonceSize> nonce{};
  std::copy(out, out + kNonceSize, nonce.begin());
  return nonce;
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// Feeds `in` through an initialised GCM context in int-sized chunks (out null: additional data).
bool gcm_update(EVP_CIPHER_CTX* ctx, bool encrypt, std::string_view in, char* out) {
  for (size_t at = 0; at < in.size(); at += kChunk) {
    const int n = static_cast<int>(std::min(kChunk, in.size() - at));
    int written = 0;
    unsigned char* dst = out ? reinterpret_cast<unsigned char*>(out + at) : nullptr;
    const int ok = encrypt ? EVP_EncryptUpdate(ctx, dst, &written, uc(in.data() + at), n)
                           : EVP_DecryptUpdate(ctx, dst, &written, uc(in.data() + at), n);
    if (ok != 1 || written != n) return false;
  }
  return true;
}

// nonce || ciphertext || tag
std::string gcm_seal(const EncryptionKey& key, std::string_view aad, std::string_view plaintext) {
  const auto nonce = synthetic_nonce(key, aad, plaintext);
  std::string out(kNonceSize + plaintext.size() + kTagSize, '\0');
  std::copy(nonce.begin(), nonce.end(), out.begin());
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int final_len = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.aead.data(), nonce.data()) == 1 &&
            gcm_update(ctx.get(), true, aad, nullptr) &&
            gcm_update(ctx.get(), true, plaintext, out.data() + kNonceSize) &&
            EVP_EncryptFinal_ex(ctx.get(), nullptr, &final_len) == 1 && final_len == 0 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, out.data() + kNonceSize + plaintext.size()) == 1;
  if (!ok) openssl_failed("AES-256-GCM encryption");
  return out;
}

// The plaintext, or false when the tag does not verify.
bool gcm_open(const EncryptionKey& key, std::string_view aad, std::string_view sealed, std::string& plaintext) {
  const std::string_view nonce = sealed.substr(0, kNonceSize);
  const std::string_view body = sealed.substr(kNonceSize, sealed.size() - kNonceSize - kTagSize);
  std::string tag(sealed.substr(sealed.size() - kTagSize));
  plaintext.assign(body.size(), '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int final_len = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.aead.data(), uc(nonce.data())) != 1)
    openssl_failed("AES-256-GCM decryption");
  return gcm_update(ctx.get(), false, aad, nullptr) && gcm_update(ctx.get(), false, body, plaintext.data()) &&
         EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) == 1 &&
         EVP_DecryptFinal_ex(ctx.get(), nullptr, &final_len) == 1 && final_len == 0;
}

// What each level hides (docs/encryption.md).
bool sealed_at(uint32_t kind, int level) {
  if (level >= 3) return true;
  if (level == 2) return kind != kind_of(SectionKind::Metadata);
  return kind == kind_of(SectionKind::Weights) || kind == kind_of(SectionKind::WeightsZstd);
}

// Binds the envelope and every readable section to the ciphertext: changing
// any of them (with the key or not) fails authentication.
std::string additional_data(std::string_view envelope, const std::vector<ContainerSection>& readable) {
  ByteWriter w;
  w.str("rknnc sealed sections v1");
  w.str(envelope);
  for (const auto& s : readable) {
    w.u32(s.kind);
    w.u64(s.bytes.size());
    w.bytes(s.bytes.data(), s.bytes.size());
  }
  return w.take();
}

std::string sealed_plaintext(const std::vector<ContainerSection>& hidden) {
  ByteWriter w;
  w.count(hidden.size(), "sealed sections");
  for (const auto& s : hidden) {
    w.u32(s.kind);
    w.u64(s.bytes.size());
    w.bytes(s.bytes.data(), s.bytes.size());
  }
  return w.take();
}

std::vector<ContainerSection> parse_sealed_plaintext(std::string_view plaintext, const std::string& what) {
  ByteReader r(plaintext, what, "sealed");
  const size_t n = r.count("sealed section count", 12);
  std::vector<ContainerSection> out;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t kind = r.u32("sealed section kind");
    if (kind == kind_of(SectionKind::Envelope) || kind == kind_of(SectionKind::Sealed))
      r.corrupt(fmt::format("holds a '{}' section", layout::section_name(kind)));
    const uint64_t length = r.u64("sealed section length");
    if (length > r.remaining()) r.corrupt(fmt::format("section #{} is longer than the bytes left", i));
    out.push_back({kind, r.bytes(static_cast<size_t>(length), "sealed section bytes")});
  }
  r.expect_end();
  return out;
}

struct Envelope {
  int level = 0;
  std::string_view check;
};

Envelope read_envelope_section(std::string_view bytes, const std::string& what) {
  ByteReader r(bytes, what, "envelope");
  Envelope e;
  e.level = r.u8("level");
  const uint8_t cipher = r.u8("cipher"), kdf = r.u8("key derivation");
  if (r.u8("reserved") != 0 || e.level < kMinEncryptLevel || e.level > kMaxEncryptLevel)
    r.corrupt(fmt::format("has level {} or a non-zero reserved byte", e.level));
  if (cipher != kCipherAes256Gcm || kdf != kKdfHkdfSha256)
    fail("{}: encrypted with cipher {} / key derivation {}, which this rknnc does not read; use a newer rknnc", what,
         cipher, kdf);
  e.check = r.bytes(kCheckSize, "key check");
  r.expect_end();
  return e;
}

std::string_view section_bytes(const std::string& bytes, const ContainerInfo& info, SectionKind kind) {
  for (const auto& s : info.sections)
    if (s.kind == kind_of(kind)) return std::string_view(bytes).substr(s.offset, s.length);
  return {};
}

std::vector<ContainerSection> file_sections(const std::string& bytes, const ContainerInfo& info) {
  std::vector<ContainerSection> out;
  for (const auto& s : info.sections) out.push_back({s.kind, std::string_view(bytes).substr(s.offset, s.length)});
  return out;
}

}  // namespace

EncryptionKey::EncryptionKey(std::string_view ikm, std::string source) : source_(std::move(source)) {
  if (ikm.empty())
    fail_config("{}: key file is empty; a key is at least {} random bytes (make one with: head -c 32 /dev/urandom > KEY)",
                source_, kMinKeyBytes);
  if (ikm.size() < kMinKeyBytes)
    fail_config("{}: key file has {} bytes, a key needs at least {} random bytes (make one with: head -c 32 "
                "/dev/urandom > KEY)",
                source_, ikm.size(), kMinKeyBytes);
  aead = hkdf_sha256<32>(ikm, "rknnc aes-256-gcm key");
  nonce = hkdf_sha256<32>(ikm, "rknnc synthetic nonce key");
  check = hkdf_sha256<kCheckSize>(ikm, "rknnc key check");
}

EncryptionKey::~EncryptionKey() {
  OPENSSL_cleanse(aead.data(), aead.size());
  OPENSSL_cleanse(nonce.data(), nonce.size());
  OPENSSL_cleanse(check.data(), check.size());
}

EncryptionKey load_key_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxKeyBytes)
    fail_config("{}: key file is {} bytes, more than the {}-byte limit; give the key file (32 or more random bytes)",
                path.string(), size, kMaxKeyBytes);
  std::string ikm = read_file(path, "key file");
  try {
    EncryptionKey key(ikm, path.string());
    OPENSSL_cleanse(ikm.data(), ikm.size());
    return key;
  } catch (...) {
    OPENSSL_cleanse(ikm.data(), ikm.size());
    throw;
  }
}

std::string serialize_encrypted_rknn(const RknnModel& model, int level, const EncryptionKey& key) {
  return encrypt_container(serialize_rknn(model), level, key, model.model_name + ".rknn");
}

std::string encrypt_container(const std::string& plain, int level, const EncryptionKey& key, const std::string& what) {
  if (level < kMinEncryptLevel || level > kMaxEncryptLevel)
    fail_config("encryption level {} is not 1, 2 or 3", level);
  const ContainerInfo info = read_container(plain, what);
  if (info.encrypted()) fail_config("{}: already encrypted; encrypt the plain .rknn", what);
  std::vector<ContainerSection> readable, hidden;
  for (const auto& s : file_sections(plain, info)) (sealed_at(s.kind, level) ? hidden : readable).push_back(s);
  ByteWriter envelope;
  envelope.u8(static_cast<uint8_t>(level));
  envelope.u8(kCipherAes256Gcm);
  envelope.u8(kKdfHkdfSha256);
  envelope.u8(0);
  envelope.bytes(key.check.data(), key.check.size());
  const std::string sealed = gcm_seal(key, additional_data(envelope.data(), readable), sealed_plaintext(hidden));
  readable.push_back({kind_of(SectionKind::Envelope), envelope.data()});
  readable.push_back({kind_of(SectionKind::Sealed), sealed});
  return write_container(readable, layout::kFlagEncrypted);
}

int encryption_level(const std::string& bytes, const ContainerInfo& info, const std::string& what) {
  if (!info.encrypted()) return 0;
  return read_envelope_section(section_bytes(bytes, info, SectionKind::Envelope), what).level;
}

std::vector<ContainerSection> model_sections(const std::string& bytes, const ContainerInfo& info,
                                             const EncryptionKey* key, const std::string& what, std::string& plaintext) {
  std::vector<ContainerSection> all = file_sections(bytes, info);
  if (!info.encrypted()) return all;
  const std::string_view envelope = section_bytes(bytes, info, SectionKind::Envelope);
  const Envelope e = read_envelope_section(envelope, what);
  if (!key)
    fail_config("{}: the model is encrypted (level {}); give its key file with --key-file KEY or the environment "
                "variable RKNNC_KEY_FILE",
                what, e.level);
  if (CRYPTO_memcmp(key->check.data(), e.check.data(), kCheckSize) != 0)
    fail_config("{}: the model was encrypted with another key than {}; give the key file it was encrypted with", what,
                key->source());
  std::vector<ContainerSection> readable;
  for (const auto& s : all)
    if (s.kind != kind_of(SectionKind::Envelope) && s.kind != kind_of(SectionKind::Sealed)) readable.push_back(s);
  const std::string_view sealed = section_bytes(bytes, info, SectionKind::Sealed);
  if (sealed.size() < kNonceSize + kTagSize)
    corrupt(what, fmt::format("section 'sealed' has {} bytes, less than its nonce and tag", sealed.size()));
  if (!gcm_open(*key, additional_data(envelope, readable), sealed, plaintext))
    corrupt(what, "the encrypted sections fail authentication: the file was modified after encryption");
  std::vector<ContainerSection> inner = parse_sealed_plaintext(plaintext, what);
  readable.insert(readable.end(), inner.begin(), inner.end());
  std::vector<uint32_t> kinds;
  for (const auto& s : readable) kinds.push_back(s.kind);
  check_model_sections(kinds, what);
  return readable;
}

}  // namespace rknnc::format
