#include "passes/helpers/weights.h"

#include <algorithm>
#include <cstring>

#include "passes/helpers/match.h"
#include "passes/helpers/rewrite.h"

namespace rknnc::passes {

int64_t OutChannelLayout::channel_of(int64_t e) const {
  switch (kind) {
    case Kind::Conv:
    case Kind::GemmTransB:
      return e / inner;
    case Kind::GemmPlain:
      return e % channels;
    case Kind::ConvTranspose: {
      const int64_t c = e / (per_group * inner), j = (e / inner) % per_group;
      return (c / in_per_group) * per_group + j;
    }
  }
  return 0;
}

std::optional<OutChannelLayout> out_channel_layout(const ir::Graph& g, const ir::Node& node) {
  const ir::Tensor* w = float_constant_input(g, node, 1);
  if (!w || node.domain != "") return std::nullopt;
  const ir::Shape& s = w->shape();
  OutChannelLayout l;
  if (node.op_type == "Conv" && s.size() >= 3) {
    l.kind = OutChannelLayout::Kind::Conv;
    l.channels = s[0];
    l.inner = w->numel() / s[0];
  } else if (node.op_type == "ConvTranspose" && s.size() >= 3) {
    const int64_t groups = node.attrs.get_int("group", 1);
    if (groups <= 0 || s[0] % groups) return std::nullopt;
    l.kind = OutChannelLayout::Kind::ConvTranspose;
    l.per_group = s[1];
    l.in_per_group = s[0] / groups;
    l.channels = s[1] * groups;
    l.inner = w->numel() / (s[0] * s[1]);
  } else if (node.op_type == "Gemm" && s.size() == 2) {
    const bool trans_b = node.attrs.get_int("transB", 0) != 0;
    l.kind = trans_b ? OutChannelLayout::Kind::GemmTransB : OutChannelLayout::Kind::GemmPlain;
    l.channels = trans_b ? s[0] : s[1];
    l.inner = trans_b ? s[1] : 1;
  } else {
    return std::nullopt;
  }
  if (l.channels <= 0 || l.inner <= 0) return std::nullopt;
  return l;
}

ir::Tensor scale_weight(const ir::Tensor& w, const OutChannelLayout& layout, const std::vector<double>& scale) {
  ir::Tensor out(ir::DataType::Float32, w.shape());
  const float* src = w.data<float>();
  float* dst = out.data<float>();
  for (int64_t e = 0; e < w.numel(); ++e)
    dst[e] = static_cast<float>(static_cast<double>(src[e]) * scale[layout.channel_of(e)]);
  return out;
}

std::optional<std::vector<double>> effective_bias(const ir::Graph& g, const ir::Node& node,
                                                  const OutChannelLayout& layout) {
  if (!node.has_input(2)) return std::vector<double>(static_cast<size_t>(layout.channels), 0.0);
  const ir::Tensor* b = float_constant_input(g, node, 2);
  if (!b) return std::nullopt;
  const bool gemm = node.op_type == "Gemm";
  auto v = per_channel_values(*b, gemm ? 2 : 1, gemm ? 1 : 0, layout.channels);
  if (v && gemm) {
    const double beta = node.attrs.get_float("beta", 1.0f);
    for (double& x : *v) x *= beta;
  }
  return v;
}

void set_bias(ir::Graph& g, ir::Node& node, const std::vector<double>& bias) {
  std::vector<float> values(bias.begin(), bias.end());
  const std::string base = node.has_input(2) ? node.input(2) : node.name + "_bias";
  set_constant_input(g, node, 2, ir::Tensor::from<float>({static_cast<int64_t>(values.size())}, values), base);
  if (node.op_type == "Gemm") node.attrs.set("beta", 1.0f);
}

ir::Tensor drop_along_axis(const ir::Tensor& t, size_t axis, const std::vector<bool>& drop) {
  ir::Shape shape = t.shape();
  int64_t outer = 1, inner = 1;
  for (size_t d = 0; d < axis; ++d) outer *= shape[d];
  for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  const int64_t n = shape[axis];
  shape[axis] = n - std::count(drop.begin(), drop.end(), true);
  ir::Tensor out(t.dtype(), shape);
  const size_t elem = ir::dtype_size(t.dtype());
  const auto* src = static_cast<const std::byte*>(t.raw());
  auto* dst = static_cast<std::byte*>(out.raw());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < n; ++i) {
      if (drop[i]) continue;
      std::memcpy(dst, src + (o * n + i) * inner * elem, inner * elem);
      dst += inner * elem;
    }
  return out;
}

void set_weight(ir::Graph& g, ir::Node& node, ir::Tensor w) {
  set_constant_input(g, node, 1, std::move(w), node.input(1));
}

}  // namespace rknnc::passes
