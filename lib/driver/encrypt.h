#pragma once
// `rknnc encrypt` and configs.encrypt_level (docs/encryption.md; 004 §5.9,
// Toolkit2's export_encrypted_rknn_model): a plain .rknn in, its encrypted
// file out. The cryptography itself lives in format/envelope.h.
#include <filesystem>
#include <string>

#include "format/envelope.h"
#include "target/target.h"

namespace rknnc::driver {

// Toolkit2's default name: a/x.rknn → a/x.crypt.rknn (any other name gets
// .crypt.rknn appended to its stem).
std::filesystem::path encrypted_path(const std::filesystem::path& plain);

// A one-line config error naming `where` when the target has no model
// encryption (targets/*.yaml supports_encryption).
void check_encryption_support(const target::Target& t, const std::string& where);

// Reads the plain .rknn `in` (refusing an encrypted one), checks its target
// supports encryption and writes the encrypted file to `out` atomically.
void encrypt_model_file(const std::filesystem::path& in, const std::filesystem::path& out, int level,
                        const format::EncryptionKey& key);

}  // namespace rknnc::driver
