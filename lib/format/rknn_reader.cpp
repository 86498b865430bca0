// Reads the sections of a .rknn (the container header and table:
// rknn_container.cpp). Nothing from the file is trusted: every count, length,
// offset, dtype, shape and string is checked before use, counts against the
// bytes left before anything is allocated, and the finished graph is run
// through the IR verifier.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <zstd.h>

#include "compiler/layout.h"
#include "format/byte_io.h"
#include "format/envelope.h"
#include "format/program_section.h"
#include "format/rknn_file.h"
#include "format/rknn_layout.h"
#include "ir/verifier.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace rknnc::format {
namespace {

using layout::AttrKind;

bool known_dtype(uint8_t code) {
  return code != 0 && ir::dtype_name(static_cast<ir::DataType>(code)) != "undefined";
}

// Bytes a dense tensor of this dtype and shape needs; nullopt when a dim is
// negative or the product overflows.
std::optional<uint64_t> dense_bytes(ir::DataType dtype, const ir::Shape& shape) {
  uint64_t n = ir::dtype_size(dtype);
  uint64_t numel = 1;
  for (int64_t d : shape) {
    if (d < 0) return std::nullopt;
    if (d != 0 && numel > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d)) return std::nullopt;
    numel *= static_cast<uint64_t>(d);
  }
  if (n != 0 && numel > std::numeric_limits<uint64_t>::max() / n) return std::nullopt;
  // The executor indexes elements with int64_t.
  if (numel > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return numel * n;
}

std::vector<std::string> read_strings(ByteReader& r, std::string_view what) {
  const size_t n = r.count(what, 4);
  std::vector<std::string> v;
  v.reserve(n);
  for (size_t i = 0; i < n; ++i) v.push_back(r.str(what));
  return v;
}

ir::Shape read_dims(ByteReader& r, bool allow_dynamic, const std::string& owner) {
  const size_t rank = r.count("shape rank", 8);
  ir::Shape shape(rank);
  for (auto& d : shape) {
    d = r.i64("shape dim");
    if (d < (allow_dynamic ? ir::kDynamic : 0))
      r.corrupt(fmt::format("tensor '{}' has invalid dim {}", printable(owner), d));
  }
  return shape;
}

ir::DataType read_dtype(ByteReader& r, bool allow_undefined, const std::string& owner) {
  const uint8_t code = r.u8("dtype");
  if (!(known_dtype(code) || (allow_undefined && code == 0)))
    r.corrupt(fmt::format("tensor '{}' has unknown dtype code {}", printable(owner), code));
  return static_cast<ir::DataType>(code);
}

ir::Tensor read_inline_tensor(ByteReader& r, const std::string& owner) {
  const ir::DataType dtype = read_dtype(r, true, owner);
  const uint8_t flags = r.u8("tensor flags");
  if (flags & ~layout::kInlineHasData) r.corrupt(fmt::format("tensor '{}' has unknown flags {:#x}", printable(owner), flags));
  const ir::Shape shape = read_dims(r, false, owner);
  const uint64_t nbytes = r.u64("tensor byte length");
  if (!(flags & layout::kInlineHasData)) {
    if (dtype != ir::DataType::Undefined || !shape.empty() || nbytes != 0)
      r.corrupt(fmt::format("empty tensor '{}' has a dtype, shape or bytes", printable(owner)));
    return ir::Tensor();
  }
  if (dtype == ir::DataType::Undefined) r.corrupt(fmt::format("tensor '{}' has no dtype", printable(owner)));
  const auto want = dense_bytes(dtype, shape);
  if (!want || *want != nbytes)
    r.corrupt(fmt::format("tensor '{}' has {} bytes, which does not match its dtype and shape", printable(owner), nbytes));
  const std::string_view data = r.bytes(nbytes, "tensor bytes");
  return ir::Tensor::from_bytes(dtype, shape, data.data(), data.size());
}

ir::Attribute read_attribute(ByteReader& r, const std::string& key) {
  const uint8_t kind = r.u8("attribute kind");
  switch (static_cast<AttrKind>(kind)) {
    case AttrKind::Int: return r.i64("int attribute");
    case AttrKind::Float: return r.f32("float attribute");
    case AttrKind::String: return r.str("string attribute");
    case AttrKind::Ints: {
      std::vector<int64_t> v(r.count("ints attribute", 8));
      for (auto& x : v) x = r.i64("ints attribute");
      return v;
    }
    case AttrKind::Floats: {
      std::vector<float> v(r.count("floats attribute", 4));
      for (auto& x : v) x = r.f32("floats attribute");
      return v;
    }
    case AttrKind::Strings: return read_strings(r, "strings attribute");
    case AttrKind::Tensor: return read_inline_tensor(r, key);
  }
  r.corrupt(fmt::format("attribute '{}' has unknown kind {}", printable(key), kind));
}

void read_graph(ByteReader& r, ir::Graph& g) {
  g.name = r.str("graph name");
  g.opset = r.i64("opset");
  const size_t nmeta = r.count("graph metadata count", 8);
  for (size_t i = 0; i < nmeta; ++i) {
    std::string key = r.str("metadata key");
    if (!g.metadata.emplace(key, r.str("metadata value")).second)
      r.corrupt(fmt::format("graph metadata key '{}' appears twice", printable(key)));
  }
  g.inputs = read_strings(r, "graph inputs");
  g.outputs = read_strings(r, "graph outputs");
  const size_t nnodes = r.count("node count", 6 * 4);
  g.nodes.reserve(nnodes);
  for (size_t i = 0; i < nnodes; ++i) {
    auto n = std::make_unique<ir::Node>();
    n->name = r.str("node name");
    n->op_type = r.str("node op_type");
    n->domain = r.str("node domain");
    n->inputs = read_strings(r, "node inputs");
    n->outputs = read_strings(r, "node outputs");
    const size_t nattr = r.count("attribute count", 5);
    std::string prev;
    for (size_t k = 0; k < nattr; ++k) {
      std::string key = r.str("attribute name");
      if (k > 0 && key <= prev)
        r.corrupt(fmt::format("node '{}': attributes are not sorted and unique at '{}'", printable(n->name), printable(key)));
      n->attrs.set(key, read_attribute(r, key));
      prev = std::move(key);
    }
    g.add_node(std::move(n));
  }
  r.expect_end();
}

// Quantisation parameters; nullopt when qtype is "" (a float tensor).
std::optional<ir::QuantParams> read_quant(ByteReader& r, const std::string& name) {
  ir::QuantParams q;
  q.qtype = r.str("qtype");
  q.axis = r.i32("quant axis");
  q.scale.resize(r.count("scale count", 4));
  for (auto& s : q.scale) s = r.f32("scale");
  q.zero_point.resize(r.count("zero_point count", 4));
  for (auto& z : q.zero_point) z = r.i32("zero_point");
  if (q.qtype.empty()) {
    if (!q.scale.empty() || !q.zero_point.empty() || q.axis != -1)
      r.corrupt(fmt::format("tensor '{}' has quantisation parameters but no qtype", printable(name)));
    return std::nullopt;
  }
  bool ok = !q.scale.empty() && q.scale.size() == q.zero_point.size() && q.axis >= -1 && (q.axis >= 0 || q.scale.size() == 1);
  for (float s : q.scale) ok = ok && std::isfinite(s) && s > 0;
  if (!ok) r.corrupt(fmt::format("tensor '{}' has invalid quantisation parameters", printable(name)));
  return q;
}

// A constant from its stored bytes: packed Conv weights (OI1HWI2) are
// unpacked, so the graph always holds the logical OIHW tensor.
ir::Tensor read_constant(const ByteReader& r, const std::string& name, ir::DataType dtype, const ir::Shape& shape,
                         const TensorAnnotation& a, std::string_view bytes) {
  const auto dense = dense_bytes(dtype, shape);
  if (a.layout != compiler::kWeightLayout) {
    if (!dense || *dense != bytes.size())
      r.corrupt(fmt::format("tensor '{}' has {} weight bytes, which does not match its dtype and shape", printable(name),
                            bytes.size()));
    return ir::Tensor::from_bytes(dtype, shape, bytes.data(), bytes.size());
  }
  const size_t es = ir::dtype_size(dtype);
  if (!dense || shape.size() != 4 || a.c2 < 1 || es == 0 ||
      static_cast<uint64_t>(compiler::packed_weight_bytes(shape, a.c2, es)) != bytes.size())
    r.corrupt(fmt::format("tensor '{}' has {} packed weight bytes, which does not match its shape and C2 {}",
                          printable(name), bytes.size(), a.c2));
  ir::Tensor t(dtype, shape);
  compiler::unpack_weights(bytes.data(), t.raw(), shape, a.c2, es);
  return t;
}

// A constant's entry in the tensors section; its bytes are read once the
// whole section is checked (a weights_zstd section is inflated to the extent
// the entries declare).
struct ConstantEntry {
  std::string name;
  ir::DataType dtype;
  ir::Shape shape;
  TensorAnnotation a;
  uint64_t offset = 0, length = 0;
};

std::vector<ConstantEntry> read_tensors(ByteReader& r, RknnModel& m, uint32_t version) {
  ir::Graph& g = m.graph;
  std::vector<ConstantEntry> constants;
  const size_t n = r.count("tensor count", 4 + 2 + 4 + 4 + 4 + 4 + 4);
  std::string prev;
  for (size_t i = 0; i < n; ++i) {
    std::string name = r.str("tensor name");
    if (i > 0 && name <= prev) r.corrupt(fmt::format("tensor names are not sorted and unique at '{}'", printable(name)));
    const uint8_t flags = r.u8("tensor flags");
    if (flags & ~layout::kTensorFlagsMask)
      r.corrupt(fmt::format("tensor '{}' has unknown flags {:#x}", printable(name), flags));
    const bool constant = flags & layout::kTensorConstant;
    const ir::DataType dtype = read_dtype(r, !constant, name);
    const ir::Shape shape = read_dims(r, !constant, name);
    if (!(flags & layout::kTensorHasShape) && !shape.empty())
      r.corrupt(fmt::format("tensor '{}' has dims but no shape flag", printable(name)));
    TensorAnnotation a;
    a.layout = r.str("layout");
    if (version >= 3) a.c2 = r.u8("c2");
    if (auto q = read_quant(r, name)) g.quant[name] = std::move(*q);
    if (flags & layout::kTensorHasValueInfo) g.values[name] = {dtype, shape, (flags & layout::kTensorHasShape) != 0};
    if (constant) {
      const uint64_t offset = r.u64("weight offset");
      const uint64_t length = r.u64("weight length");
      if (offset % layout::kWeightAlign != 0 || offset > layout::kMaxWeightBytes ||
          length > layout::kMaxWeightBytes - offset)
        r.corrupt(fmt::format("tensor '{}' points at weight bytes [{}, +{}), beyond the {}-byte limit", printable(name),
                              offset, length, layout::kMaxWeightBytes));
      constants.push_back({name, dtype, shape, a, offset, length});
    }
    TensorAnnotation def;
    def.layout = default_layout(shape.size());
    if (a != def) m.tensors[name] = a;
    prev = std::move(name);
  }
  r.expect_end();
  return constants;
}

void read_constants(const ByteReader& r, const std::vector<ConstantEntry>& constants, std::string_view weights,
                    ir::Graph& g) {
  for (const auto& c : constants) {
    if (c.offset > weights.size() || c.length > weights.size() - c.offset)
      r.corrupt(fmt::format("tensor '{}' points at weight bytes [{}, +{}) outside the {}-byte weights section",
                            printable(c.name), c.offset, c.length, weights.size()));
    g.initializers.emplace(c.name, read_constant(r, c.name, c.dtype, c.shape, c.a, weights.substr(c.offset, c.length)));
  }
}

// A removed-weights model: every constant is a zero placeholder of its dtype
// and shape (replaced by a master's constants before running).
void placeholder_constants(const ByteReader& r, const std::vector<ConstantEntry>& constants, ir::Graph& g) {
  uint64_t total = 0;
  for (const auto& c : constants) {
    const auto bytes = dense_bytes(c.dtype, c.shape);
    if (c.offset != 0 || c.length != 0 || !bytes || *bytes > layout::kMaxWeightBytes - total)
      r.corrupt(fmt::format("removed-weights constant '{}' has stored bytes or a shape beyond the {}-byte limit",
                            printable(c.name), layout::kMaxWeightBytes));
    total += *bytes;
  }
  for (const auto& c : constants) g.initializers.emplace(c.name, ir::Tensor(c.dtype, c.shape));
}

// The weights_zstd section, inflated: one zstd frame whose content size is
// exactly the extent the tensors section declares (checked before anything
// is allocated, so a damaged file cannot ask for more).
std::string inflate_weights(std::string_view frame, const std::vector<ConstantEntry>& constants, const std::string& what) {
  uint64_t extent = 0;
  for (const auto& c : constants) extent = std::max(extent, c.offset + c.length);  // each bounded by kMaxWeightBytes
  const auto bad = [&](const std::string& detail) { corrupt(what, "section 'weights_zstd' " + detail); };
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
    bad("does not start with a zstd frame that records its size");
  if (size != extent) bad(fmt::format("inflates to {} bytes, the tensors section declares {}", size, extent));
  const size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size) || frame_size != frame.size())
    bad(ZSTD_isError(frame_size) ? fmt::format("is not a complete zstd frame ({})", ZSTD_getErrorName(frame_size))
                                 : fmt::format("has {} bytes after its zstd frame", frame.size() - frame_size));
  std::string out(static_cast<size_t>(size), '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) || n != out.size())
    bad(ZSTD_isError(n) ? fmt::format("zstd: {}", ZSTD_getErrorName(n)) : fmt::format("inflates to {} bytes, not {}", n, size));
  return out;
}

std::vector<float> float_list(const nlohmann::json& j, const std::string& what) {
  if (!j.is_array()) corrupt(what, "metadata: preprocess mean/std is not a list");
  std::vector<float> v;
  for (const auto& x : j) {
    if (!x.is_number() || !(std::fabs(x.get<double>()) <= std::numeric_limits<float>::max()))
      corrupt(what, "metadata: preprocess mean/std holds a non-number or out-of-range value");
    v.push_back(x.get<float>());
  }
  return v;
}

void read_metadata(std::string_view text, const std::string& what, RknnModel& m) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) corrupt(what, "section 'metadata' is not a JSON object");
  auto str = [&](const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) corrupt(what, fmt::format("metadata: '{}' is missing or not a string", key));
    return it->get<std::string>();
  };
  m.model_name = str("model_name");
  m.target = str("target");
  m.tool_version = str("tool_version");
  m.custom_string = str("custom_string");
  m.config_echo = j.contains("config") ? j["config"] : nlohmann::json();
  if (auto it = j.find("weights_removed"); it != j.end()) {
    if (!it->is_boolean()) corrupt(what, "metadata: 'weights_removed' is not true/false");
    m.remove_weights = it->get<bool>();
  }
  if (m.remove_weights) {
    m.weights_sha256 = str("weights_sha256");
    if (m.weights_sha256.size() != 64 || m.weights_sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
      corrupt(what, "metadata: 'weights_sha256' is not a SHA-256 in hex");
  }
  auto pre = j.find("preprocess");
  if (pre == j.end() || !pre->is_array()) corrupt(what, "metadata: 'preprocess' is missing or not a list");
  for (const auto& p : *pre) {
    if (!p.is_object() || !p.contains("input") || !p["input"].is_string() || !p.contains("mean") || !p.contains("std"))
      corrupt(what, "metadata: a preprocess entry lacks input, mean or std");
    m.preprocess.push_back({p["input"].get<std::string>(), float_list(p["mean"], what), float_list(p["std"], what)});
  }
}

}  // namespace

RknnModel parse_rknn(const std::string& bytes, const std::string& what, const EncryptionKey* key) {
  const ContainerInfo info = read_container(bytes, what);
  std::string plaintext;  // an encrypted file's sealed sections, decrypted
  std::string_view section[layout::kNumKnownSections + 1];
  bool present[layout::kNumKnownSections + 1] = {};
  for (const auto& s : model_sections(bytes, info, key, what, plaintext))
    if (s.kind >= 1 && s.kind <= layout::kNumKnownSections) {  // unknown kinds: later additions, skipped
      section[s.kind] = s.bytes;
      present[s.kind] = true;
    }
  auto sec = [&](layout::SectionKind k) { return section[static_cast<uint32_t>(k)]; };

  RknnModel m;
  read_metadata(sec(layout::SectionKind::Metadata), what, m);
  ByteReader gr(sec(layout::SectionKind::Graph), what, "graph");
  read_graph(gr, m.graph);
  ByteReader tr(sec(layout::SectionKind::Tensors), what, "tensors");
  const std::vector<ConstantEntry> constants = read_tensors(tr, m, info.version);
  m.compress_weights = present[static_cast<uint32_t>(layout::SectionKind::WeightsZstd)];
  if (m.remove_weights) {
    if (m.compress_weights || !sec(layout::SectionKind::Weights).empty())
      corrupt(what, "a removed-weights model has weight bytes");
    placeholder_constants(tr, constants, m.graph);
  } else if (m.compress_weights) {
    const std::string inflated = inflate_weights(sec(layout::SectionKind::WeightsZstd), constants, what);
    read_constants(tr, constants, inflated, m.graph);
  } else {
    read_constants(tr, constants, sec(layout::SectionKind::Weights), m.graph);
  }
  if (!sec(layout::SectionKind::Program).empty())
    m.programs = programs_from_json(sec(layout::SectionKind::Program), m.graph, what);
  try {
    ir::verify(m.graph, "in " + what);
  } catch (const Error& e) {
    corrupt(what, fmt::format("graph does not verify: {}", e.what()));
  }
  return m;
}

RknnModel read_rknn(const std::filesystem::path& path, const EncryptionKey* key) {
  return parse_rknn(read_file(path, "model"), path.string(), key);
}


}  // namespace rknnc::format
