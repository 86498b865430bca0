#include "passes/helpers/match.h"

#include <algorithm>

namespace rknnc::passes {

ir::Node* single_consumer(const ir::Graph& g, const std::string& value) {
  if (g.is_graph_output(value)) return nullptr;
  auto readers = g.consumers(value);
  if (readers.size() != 1) return nullptr;
  ir::Node* n = readers.front();
  if (std::count(n->inputs.begin(), n->inputs.end(), value) != 1) return nullptr;
  return n;
}

const ir::Tensor* float_constant_input(const ir::Graph& g, const ir::Node& node, size_t i) {
  if (!node.has_input(i)) return nullptr;
  const ir::Tensor* t = g.constant(node.input(i));
  return t && t->dtype() == ir::DataType::Float32 ? t : nullptr;
}

bool all_elements_equal(const ir::Tensor& t, double v) {
  if (t.dtype() == ir::DataType::String || t.empty()) return false;
  for (int64_t i = 0; i < t.numel(); ++i)
    if (t.get_as_double(i) != v) return false;
  return true;
}

std::optional<ir::Shape> static_shape(const ir::Graph& g, const std::string& value) {
  const ir::ValueInfo* vi = g.info(value);
  if (!vi || !vi->has_shape || !ir::shape_is_static(vi->shape)) return std::nullopt;
  return vi->shape;
}

std::optional<std::vector<double>> per_channel_values(const ir::Tensor& t, size_t out_rank, int64_t channel_axis,
                                                      int64_t channels) {
  if (t.numel() == 1) return std::vector<double>(static_cast<size_t>(channels), t.get_as_double(0));
  const ir::Shape& s = t.shape();
  if (t.numel() != channels || s.size() > out_rank) return std::nullopt;
  // Right-aligned broadcasting: the dim facing channel_axis holds C, all others are 1.
  const int64_t offset = static_cast<int64_t>(out_rank - s.size());
  for (int64_t d = 0; d < static_cast<int64_t>(s.size()); ++d) {
    const bool is_channel = d + offset == channel_axis;
    if (s[d] != (is_channel ? channels : 1)) return std::nullopt;
  }
  if (channel_axis < offset) return std::nullopt;
  std::vector<double> v(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) v[c] = t.get_as_double(c);
  return v;
}

bool has_fused_activation(const ir::Node& node) { return node.attrs.has("activation"); }

}  // namespace rknnc::passes
