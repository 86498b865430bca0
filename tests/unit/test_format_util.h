#pragma once
// Shared by the .rknn unit tests (test_format*.cpp, test_envelope.cpp): a
// sample model, graph comparison, and raw edits of a serialised container
// (section table access, resealing CRCs and the SHA-256 trailer).
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "format/byte_io.h"
#include "format/crc32.h"
#include "format/rknn_file.h"
#include "format/rknn_layout.h"
#include "ir/verifier.h"
#include "util/error.h"
#include "util/sha256.h"

namespace L = rknnc::format::layout;

namespace rknnc::testing::rknn_file {

namespace detail {


inline std::unique_ptr<ir::Node> node(std::string name, std::string op, std::vector<std::string> in, std::vector<std::string> out) {
  auto n = std::make_unique<ir::Node>();
  n->name = std::move(name);
  n->op_type = std::move(op);
  n->inputs = std::move(in);
  n->outputs = std::move(out);
  return n;
}

inline void value(ir::Graph& g, const std::string& name, ir::DataType t, ir::Shape s, bool has_shape = true) {
  g.values[name] = {t, std::move(s), has_shape};
}

// A small graph with every attribute kind, several dtypes, an absent optional
// input, a dynamic dim, an unknown-rank value and an empty constant.
}  // namespace detail

inline format::RknnModel sample_model() {
  using detail::node;
  using detail::value;
  format::RknnModel m;
  ir::Graph& g = m.graph;
  g.name = "tiny";
  g.opset = 13;
  g.metadata = {{"producer", "pytorch"}, {"source", "tiny.onnx"}};
  g.inputs = {"x"};
  value(g, "x", ir::DataType::Float32, {ir::kDynamic, 3, 4, 4});
  g.add_constant("w", ir::Tensor::from<float>({2, 3, 1, 1}, {1.5f, -2, 3, 4, 5, 6}));
  g.add_constant("b16", ir::Tensor::from<uint16_t>({2}, {0x3C00, 0xC000}));
  g.add_constant("i8", ir::Tensor::from<int8_t>({3}, {-128, 0, 127}));
  g.add_constant("shape", ir::Tensor::from<int64_t>({2}, {1, -1}));
  ir::Tensor flag(ir::DataType::Bool, {});
  flag.data<uint8_t>()[0] = 1;
  g.add_constant("flag", flag);
  g.add_constant("empty", ir::Tensor(ir::DataType::Int32, {0}));
  g.add_constant("d", ir::Tensor::from<double>({1}, {3.141592653589793}));
  for (const auto& [name, t] : g.initializers) value(g, name, t.dtype(), t.shape());
  auto conv = node("conv0", "Conv", {"x", "w", ""}, {"y"});
  conv->attrs.set("group", int64_t{1});
  conv->attrs.set("alpha", 0.25f);
  conv->attrs.set("auto_pad", std::string("NOTSET"));
  conv->attrs.set("pads", std::vector<int64_t>{0, 0, 0, 0});
  conv->attrs.set("scales", std::vector<float>{1.0f, -0.0f, 1e-30f, std::numeric_limits<float>::infinity()});
  conv->attrs.set("names", std::vector<std::string>{"a", "", "\xc3\xa9t\xc3\xa9"});
  conv->attrs.set("value", ir::Tensor::from<int32_t>({2, 1}, {7, -7}));
  conv->attrs.set("empty_tensor", ir::Tensor());
  conv->attrs.set("no_ints", std::vector<int64_t>{});
  g.add_node(std::move(conv));
  value(g, "y", ir::DataType::Float32, {ir::kDynamic, 2, 4, 4});
  auto flat = node("flat", "Reshape", {"y", "shape"}, {"z"});
  flat->domain = "com.example";
  g.add_node(std::move(flat));
  value(g, "z", ir::DataType::Float32, {}, false);
  g.outputs = {"z", "y"};
  ir::verify(g, "sample");

  m.model_name = "tiny";
  m.target = "rk3588";
  m.tool_version = "0.1.0";
  m.custom_string = "built by test \xe2\x9c\x93";
  m.preprocess = {{"x", {0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}}};
  m.config_echo = {{"name", "tiny"}, {"configs", {{"mean_values", {{1, 2, 3}}}, {"quantize", false}}}};
  return m;
}

inline bool same_tensor(const ir::Tensor& a, const ir::Tensor& b) {
  return a.empty() == b.empty() && a.dtype() == b.dtype() && a.shape() == b.shape() && a.nbytes() == b.nbytes() &&
         (a.nbytes() == 0 || std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0);
}

inline bool same_attribute(const ir::Attribute& a, const ir::Attribute& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        const T& y = std::get<T>(b);
        if constexpr (std::is_same_v<T, ir::Tensor>) {
          return same_tensor(x, y);
        } else if constexpr (std::is_same_v<T, float>) {
          return std::memcmp(&x, &y, sizeof(float)) == 0;  // bit-exact, -0.0 included
        } else if constexpr (std::is_same_v<T, std::vector<float>>) {
          return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * 4) == 0);
        } else {
          return x == y;
        }
      },
      a);
}

inline void check_same_graph(const ir::Graph& a, const ir::Graph& b) {
  CHECK(a.name == b.name);
  CHECK(a.opset == b.opset);
  CHECK(a.metadata == b.metadata);
  CHECK(a.inputs == b.inputs);
  CHECK(a.outputs == b.outputs);
  REQUIRE(a.nodes.size() == b.nodes.size());
  for (size_t i = 0; i < a.nodes.size(); ++i) {
    const ir::Node &x = *a.nodes[i], &y = *b.nodes[i];
    CHECK(x.name == y.name);
    CHECK(x.op_type == y.op_type);
    CHECK(x.domain == y.domain);
    CHECK(x.inputs == y.inputs);
    CHECK(x.outputs == y.outputs);
    CHECK(y.attrs.owner == y.name);
    REQUIRE(x.attrs.all().size() == y.attrs.all().size());
    for (const auto& [key, v] : x.attrs.all()) {
      INFO("attribute " << key);
      REQUIRE(y.attrs.has(key));
      CHECK(same_attribute(v, y.attrs.all().at(key)));
    }
  }
  REQUIRE(a.values.size() == b.values.size());
  for (const auto& [name, vi] : a.values) {
    INFO("value " << name);
    REQUIRE(b.values.count(name));
    CHECK(vi.dtype == b.values.at(name).dtype);
    CHECK(vi.shape == b.values.at(name).shape);
    CHECK(vi.has_shape == b.values.at(name).has_shape);
  }
  REQUIRE(a.initializers.size() == b.initializers.size());
  for (const auto& [name, t] : a.initializers) {
    INFO("constant " << name);
    REQUIRE(b.initializers.count(name));
    CHECK(same_tensor(t, b.initializers.at(name)));
  }
}

// sample_model() plus a compressible 64 KiB constant (a slowly varying ramp).
inline format::RknnModel model_with_big_weights() {
  format::RknnModel m = sample_model();
  std::vector<float> ramp(16384);
  for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<float>(i / 64);
  m.graph.add_constant("big", ir::Tensor::from<float>({16384}, ramp));
  m.graph.values["big"] = {ir::DataType::Float32, {16384}, true};
  return m;
}

// Section table entry i of a serialised file.
struct Entry {
  uint32_t kind;
  uint64_t offset, length;
};
inline Entry entry(const std::string& f, size_t i) {
  const size_t e = L::kTableOffset + i * L::kEntrySize;
  return {format::load_le<uint32_t>(f, e), format::load_le<uint64_t>(f, e + 8), format::load_le<uint64_t>(f, e + 16)};
}
inline size_t section_count(const std::string& f) { return format::load_le<uint16_t>(f, L::kSectionCountOffset); }
inline Entry find_section(const std::string& f, L::SectionKind kind) {
  for (size_t i = 0; i < section_count(f); ++i)
    if (entry(f, i).kind == static_cast<uint32_t>(kind)) return entry(f, i);
  FAIL("no such section");
  return {};
}

inline void store_u32(std::string& f, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) f[at + i] = static_cast<char>(v >> (8 * i));
}
inline void store_u64(std::string& f, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) f[at + i] = static_cast<char>(v >> (8 * i));
}

// Recomputes the SHA-256 trailer (v4+), so a test reaches the checks behind it.
inline void reseal_digest(std::string& f) {
  if (f.size() < L::kVersionOffset + 4 || f.size() < L::kDigestSize ||
      format::load_le<uint32_t>(f, L::kVersionOffset) < L::kFirstDigestVersion)
    return;
  const size_t body = f.size() - L::kDigestSize;
  f.replace(body, L::kDigestSize, Sha256().update(std::string_view(f).substr(0, body)).digest());
}

// Recomputes every section CRC, the header CRC and the SHA-256 trailer, so a
// test can reach the section decoders with content it edited.
inline void reseal(std::string& f) {
  const size_t n = section_count(f);
  if (L::kTableOffset + n * L::kEntrySize + 4 > f.size()) return;
  for (size_t i = 0; i < n; ++i) {
    const Entry e = entry(f, i);
    if (e.offset > f.size() || e.length > f.size() - e.offset) continue;
    store_u32(f, L::kTableOffset + i * L::kEntrySize + 24, format::crc32(f.data() + e.offset, e.length));
  }
  const size_t table_end = L::kTableOffset + n * L::kEntrySize;
  store_u32(f, table_end, format::crc32(f.data(), table_end));
  reseal_digest(f);
}

// Replaces the bytes of one (the last-placed sections shift) section and reseals.
inline std::string with_section(const std::string& f, L::SectionKind kind, const std::string& content) {
  const size_t n = section_count(f);
  std::string head = f.substr(0, L::kTableOffset + n * L::kEntrySize + 4);
  std::vector<std::string> bodies;
  for (size_t i = 0; i < n; ++i) {
    const Entry e = entry(f, i);
    bodies.push_back(e.kind == static_cast<uint32_t>(kind) ? content : f.substr(e.offset, e.length));
  }
  std::string out = head;
  for (size_t i = 0; i < n; ++i) {
    out.resize(L::align_up(out.size(), L::kSectionAlign), '\0');
    store_u64(out, L::kTableOffset + i * L::kEntrySize + 8, out.size());
    store_u64(out, L::kTableOffset + i * L::kEntrySize + 16, bodies[i].size());
    out += bodies[i];
  }
  out.append(L::kDigestSize, '\0');
  store_u64(out, L::kFileSizeOffset, out.size());
  reseal(out);
  return out;
}

inline std::string section_bytes(const std::string& f, L::SectionKind kind) {
  const Entry e = find_section(f, kind);
  return f.substr(e.offset, e.length);
}

inline void check_corrupt(const std::string& bytes, const std::string& needle = "") {
  try {
    format::parse_rknn(bytes, "m.rknn");
    FAIL("parse_rknn accepted a corrupt file");
  } catch (const Error& e) {
    const std::string msg = e.what();
    INFO(msg);
    CHECK(e.code() == ExitCode::Conversion);
    CHECK(msg.rfind("m.rknn: ", 0) == 0);
    CHECK(msg.find('\n') == std::string::npos);
    if (!needle.empty()) CHECK(msg.find(needle) != std::string::npos);
  }
}

}  // namespace rknnc::testing::rknn_file
