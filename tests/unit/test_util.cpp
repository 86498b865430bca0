// lib/util odds and ends.
#include <catch2/catch.hpp>

#include <cctype>

#include "util/build_id.h"

TEST_CASE("build_id reads the binary's GNU build ID as lower-case hex", "[util]") {
  const std::string id = rknnc::build_id();
  // Debian's toolchain links with --build-id (SHA-1, 20 bytes); the batch
  // records rely on it to tell two builds of one version apart.
  CHECK(id.size() == 40);
  for (char c : id) CHECK((std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f')));
  CHECK(rknnc::build_id() == id);
}
