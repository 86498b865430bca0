#include "driver/encrypt.h"

#include "format/rknn_file.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace rknnc::driver {
namespace fs = std::filesystem;

fs::path encrypted_path(const fs::path& plain) {
  fs::path name = plain.filename();
  if (name.extension() == ".rknn") name.replace_extension();
  return plain.parent_path() / (name.string() + ".crypt.rknn");
}

void check_encryption_support(const target::Target& t, const std::string& where) {
  if (!t.supports_encryption)
    fail_config("{}: target {} has no model encryption (004 §5.9: RK3562, RK3566, RK3568, RK3576, RK3588); leave the "
                "model plain",
                where, t.name);
}

void encrypt_model_file(const fs::path& in, const fs::path& out, int level, const format::EncryptionKey& key) {
  const std::string what = in.string();
  if (!format::is_rknn_file(in)) {
    std::error_code ec;
    if (!fs::is_regular_file(in, ec)) fail_config("{}: model file not found", what);
    fail_config("{}: not a .rknn file; encrypt a .rknn that rknnc converted", what);
  }
  const std::string bytes = read_file(in, "model");
  const format::ContainerInfo info = format::read_container(bytes, what);
  if (info.encrypted())
    fail_config("{}: already encrypted (level {}); encrypt the plain .rknn", what,
                format::encryption_level(bytes, info, what));
  const format::RknnModel model = format::parse_rknn(bytes, what);
  check_encryption_support(target::find_target(model.target), what);
  write_file_atomic(out, format::serialize_encrypted_rknn(model, level, key));
}

}  // namespace rknnc::driver
