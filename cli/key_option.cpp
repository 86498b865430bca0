#include "cli/key_option.h"

namespace rknnc::cli {

CLI::Option* add_key_file_option(CLI::App* sub, std::string& key_file) {
  return sub->add_option("--key-file", key_file, "key file of encrypted .rknn models (32+ random bytes)")
      ->envname("RKNNC_KEY_FILE");
}

std::optional<format::EncryptionKey> load_key(const std::string& key_file) {
  if (key_file.empty()) return std::nullopt;
  return format::load_key_file(key_file);
}

}  // namespace rknnc::cli
