// Writes the sections of a .rknn (docs/rknn-format.md; the container around
// them: rknn_container.cpp). Everything is emitted
// in a fixed order (maps are ordered, no timestamps, padding is zero), so the
// same model always gives the same bytes.
#include <cmath>
#include <memory>
#include <set>

#include <zstd.h>

#include "format/byte_io.h"
#include "compiler/layout.h"
#include "format/rknn_container.h"
#include "format/rknn_file.h"
#include "format/program_section.h"
#include "format/rknn_layout.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace rknnc::format {
namespace {

using layout::AttrKind;

void write_strings(ByteWriter& w, const std::vector<std::string>& v, std::string_view what) {
  w.count(v.size(), what);
  for (const auto& s : v) w.str(s);
}

void write_dims(ByteWriter& w, const ir::Shape& shape) {
  w.count(shape.size(), "a shape");
  for (int64_t d : shape) w.i64(d);
}

// Tensor attributes are small (ConstantOfShape values, …): stored inline.
void write_inline_tensor(ByteWriter& w, const ir::Tensor& t) {
  w.u8(static_cast<uint8_t>(t.dtype()));
  w.u8(t.empty() ? 0 : layout::kInlineHasData);
  write_dims(w, t.shape());
  w.u64(t.nbytes());
  if (t.nbytes()) w.bytes(t.raw(), t.nbytes());
}

void write_attribute(ByteWriter& w, const std::string& key, const ir::Attribute& a) {
  w.str(key);
  w.u8(static_cast<uint8_t>(a.index()));
  switch (static_cast<AttrKind>(a.index())) {
    case AttrKind::Int: w.i64(std::get<int64_t>(a)); break;
    case AttrKind::Float: w.f32(std::get<float>(a)); break;
    case AttrKind::String: w.str(std::get<std::string>(a)); break;
    case AttrKind::Ints: {
      const auto& v = std::get<std::vector<int64_t>>(a);
      w.count(v.size(), key);
      for (int64_t x : v) w.i64(x);
      break;
    }
    case AttrKind::Floats: {
      const auto& v = std::get<std::vector<float>>(a);
      w.count(v.size(), key);
      for (float x : v) w.f32(x);
      break;
    }
    case AttrKind::Strings: write_strings(w, std::get<std::vector<std::string>>(a), key); break;
    case AttrKind::Tensor: write_inline_tensor(w, std::get<ir::Tensor>(a)); break;
  }
}

std::string graph_section(const ir::Graph& g) {
  ByteWriter w;
  w.str(g.name);
  w.i64(g.opset);
  w.count(g.metadata.size(), "graph metadata");
  for (const auto& [k, v] : g.metadata) {
    w.str(k);
    w.str(v);
  }
  write_strings(w, g.inputs, "graph inputs");
  write_strings(w, g.outputs, "graph outputs");
  w.count(g.nodes.size(), "graph nodes");
  for (const auto& n : g.nodes) {
    w.str(n->name);
    w.str(n->op_type);
    w.str(n->domain);
    write_strings(w, n->inputs, "node inputs");
    write_strings(w, n->outputs, "node outputs");
    const auto& attrs = n->attrs.all();
    w.count(attrs.size(), "node attributes");
    for (const auto& [key, value] : attrs) write_attribute(w, key, value);
  }
  return w.take();
}

// Tensors section (every value and constant, by name) and weights section
// (constant bytes, each at a 64-byte aligned offset) are built together.
// qtype ("" = not quantised), axis, scales, zero points.
void write_quant(ByteWriter& w, const ir::QuantParams* q) {
  const ir::QuantParams none{"", -1, {}, {}};
  if (!q) q = &none;
  w.str(q->qtype);
  w.i32(q->axis);
  w.count(q->scale.size(), "quant scale");
  for (float s : q->scale) w.f32(s);
  w.count(q->zero_point.size(), "quant zero_point");
  for (int32_t z : q->zero_point) w.i32(z);
}

// A constant's bytes as the section stores them: Conv weights the NPU reads
// are packed in its OI1HWI2 order (compiler/layout.h), others are dense.
std::string stored_weight_bytes(const ir::Tensor& c, const TensorAnnotation& a) {
  if (c.nbytes() == 0) return {};
  if (a.layout != compiler::kWeightLayout) return std::string(static_cast<const char*>(c.raw()), c.nbytes());
  std::string out(static_cast<size_t>(compiler::packed_weight_bytes(c.shape(), a.c2, ir::dtype_size(c.dtype()))), '\0');
  compiler::pack_weights(c.raw(), out.data(), c.shape(), a.c2, ir::dtype_size(c.dtype()));
  return out;
}

void tensor_sections(const RknnModel& m, std::string& tensors, std::string& weights) {
  const ir::Graph& g = m.graph;
  std::set<std::string> names;
  for (const auto& [name, vi] : g.values) names.insert(name);
  for (const auto& [name, t] : g.initializers) names.insert(name);
  ByteWriter tw, ww;
  tw.count(names.size(), "tensors");
  for (const auto& name : names) {
    const ir::ValueInfo* vi = g.info(name);
    const ir::Tensor* c = g.constant(name);
    uint8_t flags = 0;
    ir::DataType dtype = ir::DataType::Undefined;
    ir::Shape shape;
    if (vi) {
      flags |= layout::kTensorHasValueInfo;
      dtype = vi->dtype;
      shape = vi->shape;
      if (vi->has_shape) flags |= layout::kTensorHasShape;
    }
    if (c) {  // a constant's own dtype and shape are authoritative
      flags |= layout::kTensorConstant | layout::kTensorHasShape;
      dtype = c->dtype();
      shape = c->shape();
    }
    if (!(flags & layout::kTensorHasShape)) shape.clear();
    tw.str(name);
    tw.u8(flags);
    tw.u8(static_cast<uint8_t>(dtype));
    write_dims(tw, shape);
    const TensorAnnotation a = m.annotation(name);
    tw.str(a.layout);
    tw.u8(static_cast<uint8_t>(a.c2));
    write_quant(tw, m.graph.quant_params(name));
    if (c && m.remove_weights) {  // a slave model: no bytes, offset and length 0
      tw.u64(0);
      tw.u64(0);
    } else if (c) {
      const std::string stored = stored_weight_bytes(*c, a);
      ww.pad_to(layout::kWeightAlign);
      tw.u64(ww.size());
      tw.u64(stored.size());
      ww.bytes(stored.data(), stored.size());
    }
  }
  tensors = tw.take();
  weights = ww.take();
}

std::string metadata_section(const RknnModel& m) {
  nlohmann::json pre = nlohmann::json::array();
  for (const auto& p : m.preprocess) pre.push_back({{"input", p.input}, {"mean", p.mean}, {"std", p.std}});
  nlohmann::json j = {
      {"format_version", kFormatVersion},
      {"model_name", m.model_name},
      {"target", m.target},
      {"tool_version", m.tool_version},
      {"custom_string", m.custom_string},
      {"preprocess", std::move(pre)},
      {"config", m.config_echo},
      {"inputs", describe_values(m.graph, m.graph.inputs)},
      {"outputs", describe_values(m.graph, m.graph.outputs)},
  };
  if (m.remove_weights) {
    j["weights_removed"] = true;
    j["weights_sha256"] = weights_digest(m.graph);
  }
  // Invalid UTF-8 from a config file is replaced rather than thrown on.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// configs.compress_weight: one zstd frame with its content size and checksum,
// a fixed level, single-threaded and without a dictionary (deterministic).
std::string zstd_compress(const std::string& in) {
  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!cctx) fail("cannot write .rknn: out of memory for the zstd compressor");
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, layout::kZstdLevel);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_contentSizeFlag, 1);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(in.size()), '\0');
  const size_t n = ZSTD_compress2(cctx.get(), out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(n)) fail("cannot write .rknn: zstd compression failed ({})", ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

}  // namespace

nlohmann::json describe_values(const ir::Graph& g, const std::vector<std::string>& names) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& name : names) {
    const ir::ValueInfo* vi = g.info(name);
    nlohmann::json e = {{"name", name}, {"dtype", ir::dtype_name(vi ? vi->dtype : ir::DataType::Undefined)}};
    e["shape"] = vi && vi->has_shape ? nlohmann::json(vi->shape) : nlohmann::json(nullptr);
    out.push_back(std::move(e));
  }
  return out;
}

std::string default_layout(size_t rank) { return rank == 4 ? "NCHW" : ""; }

TensorAnnotation RknnModel::annotation(const std::string& tensor) const {
  auto it = tensors.find(tensor);
  if (it != tensors.end()) return it->second;
  TensorAnnotation a;
  const ir::ValueInfo* vi = graph.info(tensor);
  const ir::Tensor* c = graph.constant(tensor);
  a.layout = default_layout(c ? c->shape().size() : vi && vi->has_shape ? vi->shape.size() : 0);
  return a;
}

std::string serialize_rknn(const RknnModel& m) {
  for (const auto& p : m.preprocess)
    for (float v : p.mean) if (!std::isfinite(v)) fail("cannot write .rknn: mean value of input '{}' is not finite", p.input);
  for (const auto& p : m.preprocess)
    for (float v : p.std) if (!std::isfinite(v)) fail("cannot write .rknn: std value of input '{}' is not finite", p.input);
  std::string tensors, weights;
  tensor_sections(m, tensors, weights);
  std::pair<layout::SectionKind, std::string> fixed[] = {
      {layout::SectionKind::Metadata, metadata_section(m)},
      {layout::SectionKind::Graph, graph_section(m.graph)},
      {layout::SectionKind::Tensors, std::move(tensors)},
      {layout::SectionKind::Weights, std::move(weights)},
  };
  // A slave's weights section is empty: nothing to compress.
  if (m.compress_weights && !m.remove_weights)
    fixed[3] = {layout::SectionKind::WeightsZstd, zstd_compress(fixed[3].second)};
  std::string program;
  if (!m.programs.empty()) program = programs_to_json(m.programs).dump();
  std::vector<ContainerSection> sections;
  for (const auto& [kind, bytes] : fixed) sections.push_back({static_cast<uint32_t>(kind), bytes});
  if (!program.empty()) sections.push_back({static_cast<uint32_t>(layout::SectionKind::Program), program});
  return write_container(sections, 0);
}

void stage_rknn(StagedOutputs& staged, const std::filesystem::path& path, const RknnModel& model) {
  staged.add(path, serialize_rknn(model));
}

}  // namespace rknnc::format
