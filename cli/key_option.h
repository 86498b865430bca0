#pragma once
// --key-file KEY (or RKNNC_KEY_FILE=KEY), shared by every subcommand that
// reads or writes encrypted .rknn files (docs/encryption.md).
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "format/envelope.h"

namespace rknnc::cli {

CLI::Option* add_key_file_option(CLI::App* sub, std::string& key_file);

// The key when a key file was given; nullopt otherwise.
std::optional<format::EncryptionKey> load_key(const std::string& key_file);

}  // namespace rknnc::cli
