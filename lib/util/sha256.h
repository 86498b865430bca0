#pragma once
// SHA-256 (OpenSSL) of byte strings and files, as raw bytes or lower-case hex.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace rknnc {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& update(std::string_view bytes);
  std::string digest();  // finishes the hash: the 32 raw bytes
  std::string hex();     // finishes the hash: 64 lower-case hex digits

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// Streams the file; a file that cannot be read hashes as "missing".
std::string sha256_file(const std::filesystem::path& path);

}  // namespace rknnc
