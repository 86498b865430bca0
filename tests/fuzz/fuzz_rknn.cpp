// .rknn reader: container, sections, graph, tensors, program; then the
// summary `rknnc inspect` prints, which reads every field of the model.
// Each input is read twice: as it is, and with its file size, CRCs and
// SHA-256 trailer (v4+) recomputed, so that mutations inside a section get
// past the checksums and reach the section parsers. The repaired bytes are
// read with a fixed test key (encrypted seeds are made with the same key by
// tests/fuzz/make_seeds.py), and, when they form a container, encrypted at
// level 1-3 (picked by the last byte) and read back with the key, so the
// decrypting reader sees mutated sealed sections too.
#include "format/byte_io.h"
#include "format/crc32.h"
#include "format/envelope.h"
#include "format/rknn_file.h"
#include "format/rknn_layout.h"
#include "fuzz_common.h"
#include "report/inspect.h"
#include "util/sha256.h"

namespace {

namespace layout = rknnc::format::layout;

void store_le(std::string& bytes, size_t at, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; ++i) bytes[at + i] = static_cast<char>(v >> (8 * i) & 0xFF);
}

// The file size field, every in-bounds section's CRC, the header CRC and the
// SHA-256 trailer made to match the bytes. False when there is no table to
// repair.
bool repair_checksums(std::string& bytes) {
  using rknnc::format::load_le;
  if (bytes.size() < layout::kMinHeaderSize || bytes.compare(0, layout::kMagic.size(), layout::kMagic) != 0) return false;
  const size_t count = std::min<size_t>(load_le<uint16_t>(bytes, layout::kSectionCountOffset), layout::kMaxSections);
  const size_t table_end = layout::kTableOffset + count * layout::kEntrySize;
  if (bytes.size() < table_end + 4) return false;
  store_le(bytes, layout::kFileSizeOffset, bytes.size(), 8);
  for (size_t i = 0; i < count; ++i) {
    const size_t e = layout::kTableOffset + i * layout::kEntrySize;
    const uint64_t offset = load_le<uint64_t>(bytes, e + 8), length = load_le<uint64_t>(bytes, e + 16);
    if (offset <= bytes.size() && length <= bytes.size() - offset)
      store_le(bytes, e + 24, rknnc::format::crc32(bytes.data() + offset, length), 4);
  }
  store_le(bytes, table_end, rknnc::format::crc32(bytes.data(), table_end), 4);
  if (load_le<uint32_t>(bytes, layout::kVersionOffset) >= layout::kFirstDigestVersion &&
      bytes.size() >= table_end + 4 + layout::kDigestSize) {
    const size_t body = bytes.size() - layout::kDigestSize;
    bytes.replace(body, layout::kDigestSize, rknnc::Sha256().update(std::string_view(bytes).substr(0, body)).digest());
  }
  return true;
}

// Key material of the test key; make_seeds.py writes the same bytes as the
// key file of the encrypted seeds.
constexpr std::string_view kTestKey = "rknnc fuzz test key, not a secret: 0123456789";

const rknnc::format::EncryptionKey& test_key() {
  static const rknnc::format::EncryptionKey key(kTestKey, "fuzz test key");
  return key;
}

void read_rknn(const std::string& bytes, const rknnc::format::EncryptionKey* key) {
  const auto model = rknnc::format::parse_rknn(bytes, "fuzz.rknn", key);
  rknnc::report::inspect_rknn_model(model);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes = rknnc::fuzz::as_string(data, size);
  rknnc::fuzz::reject_errors([&] { read_rknn(bytes, nullptr); });
  if (!repair_checksums(bytes)) return 0;
  rknnc::fuzz::reject_errors([&] { read_rknn(bytes, &test_key()); });
  const int level = 1 + (size > 0 ? data[size - 1] % 3 : 0);
  return rknnc::fuzz::reject_errors([&] {
    read_rknn(rknnc::format::encrypt_container(bytes, level, test_key(), "fuzz.rknn"), &test_key());
  });
}
