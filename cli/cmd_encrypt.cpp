// rknnc encrypt IN.rknn [-o OUT] --level 1|2|3 --key-file KEY
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/key_option.h"
#include "driver/encrypt.h"

namespace rknnc::cli {

Command add_encrypt(CLI::App& app) {
  struct Args {
    std::string model, out, key_file;
    int level = 1;
  };
  auto a = std::make_shared<Args>();
  CLI::App* sub = app.add_subcommand(
      "encrypt", "Encrypt a .rknn (AES-256-GCM, key from a key file) like Toolkit2's export_encrypted_rknn_model; "
                 "run and inspect open it with the same key");
  sub->add_option("model", a->model, "plain .rknn to encrypt")->required();
  sub->add_option("-o,--output", a->out, "encrypted file to write (default: {name}.crypt.rknn beside the model)");
  sub->add_option("--level", a->level, "1: weights; 2: + graph, tensors, program; 3: everything (default 1)")
      ->check(CLI::Range(format::kMinEncryptLevel, format::kMaxEncryptLevel));
  add_key_file_option(sub, a->key_file)->required();
  return [a] {
    const format::EncryptionKey key = format::load_key_file(a->key_file);
    const std::filesystem::path out = a->out.empty() ? driver::encrypted_path(a->model) : std::filesystem::path(a->out);
    driver::encrypt_model_file(a->model, out, a->level, key);
    fmt::print("{}\n", out.string());
    return 0;
  };
}

}  // namespace rknnc::cli
