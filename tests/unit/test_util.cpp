// lib/util odds and ends.
#include <catch2/catch.hpp>

#include <cctype>

#include "util/build_id.h"
#include "util/file_names.h"
#include "util/utf8.h"

TEST_CASE("build_id reads the binary's GNU build ID as lower-case hex", "[util]") {
  const std::string id = rknnc::build_id();
  // Debian's toolchain links with --build-id (SHA-1, 20 bytes); the batch
  // records rely on it to tell two builds of one version apart.
  CHECK(id.size() == 40);
  for (char c : id) CHECK((std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f')));
  CHECK(rknnc::build_id() == id);
}

TEST_CASE("tensor names become safe, short and distinct file names", "[util]") {
  CHECK(rknnc::safe_file_name("conv/out:0") == "conv_out_0");
  CHECK(rknnc::safe_file_name(".hidden") == "_.hidden");
  CHECK(rknnc::safe_file_name("") == "_");
  // A long name keeps its start and gets a hash of the whole name: distinct, deterministic, short.
  const std::string a(300, 'a'), b = std::string(299, 'a') + "b";
  const std::string fa = rknnc::safe_file_name(a), fb = rknnc::safe_file_name(b);
  CHECK(fa.size() == rknnc::kMaxTensorFileBytes);
  CHECK(fa.rfind(std::string(183, 'a'), 0) == 0);
  CHECK(fa != fb);
  CHECK(fa == rknnc::safe_file_name(a));
  CHECK(rknnc::safe_file_name(std::string(200, 'x')) == std::string(200, 'x'));
  // Names that map to one file name get numbered, and a number never takes another name's file.
  const auto files = rknnc::unique_file_names({"a/b", "a_b", "a:b", "a_b_2"});
  CHECK(files.at("a/b") == "a_b");
  CHECK(files.at("a_b") == "a_b_3");
  CHECK(files.at("a:b") == "a_b_4");
  CHECK(files.at("a_b_2") == "a_b_2");
}

TEST_CASE("UTF-8 validation finds the first bad byte", "[util]") {
  using rknnc::invalid_utf8_offset;
  constexpr size_t kValid = std::string_view::npos;
  CHECK(invalid_utf8_offset("") == kValid);
  CHECK(invalid_utf8_offset("name: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == kValid);
  CHECK(invalid_utf8_offset("ab\xff") == 2);
  CHECK(invalid_utf8_offset("a\xc3") == 1);              // truncated
  CHECK(invalid_utf8_offset("a\xc0\xaf" "b") == 1);      // overlong '/'
  CHECK(invalid_utf8_offset("\xed\xa0\x80") == 0);      // a surrogate
  CHECK(invalid_utf8_offset("\xf4\x90\x80\x80") == 0);  // past U+10FFFF
  CHECK(invalid_utf8_offset("x\x80") == 1);              // a lone continuation byte
}
