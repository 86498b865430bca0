// Ops that move or regroup values: reshape, transpose, concat, split, slice,
// select, pad, and the ops that are no-ops in an inference graph. Target
// shapes are torch's executed shapes, so size arithmetic needs no nodes.
#include "frontends/pytorch/aten_args.h"

namespace rknnc::frontends::pytorch {
namespace {

void same(OnnxBuilder& b, const TorchNode& n) { b.alias(b.in(arg(n, 0))); }

void reshape(OnnxBuilder& b, const TorchNode& n) {
  b.node("Reshape", {b.in(arg(n, 0)), b.ints(b.out_shape())}, {b.out()});
}

// aten::flatten(x, start, end): Flatten when it flattens from dim 1 to the
// end (torch.onnx.export's form), Reshape otherwise.
void flatten(OnnxBuilder& b, const TorchNode& n) {
  const int64_t rank = b.rank(arg(n, 0));
  const int64_t start = axis_arg(b, n, 1, rank), end = axis_arg(b, n, 2, rank);
  if (start == 1 && end == rank - 1) {
    set_attr(b.node("Flatten", {b.in(arg(n, 0))}, {b.out()}), "axis", int64_t{1});
    return;
  }
  reshape(b, n);
}

void transpose_to(OnnxBuilder& b, const TorchNode& n, const std::vector<int64_t>& perm) {
  b.transpose(b.in(arg(n, 0)), perm, b.out());
}

void permute(OnnxBuilder& b, const TorchNode& n) {
  const int64_t rank = b.rank(arg(n, 0));
  std::vector<int64_t> perm = ints_arg(b, n, 1);
  for (auto& p : perm) p = p < 0 ? p + rank : p;
  transpose_to(b, n, perm);
}

void transpose(OnnxBuilder& b, const TorchNode& n) {
  const int64_t rank = b.rank(arg(n, 0));
  std::vector<int64_t> perm(static_cast<size_t>(rank));
  for (int64_t i = 0; i < rank; ++i) perm[static_cast<size_t>(i)] = i;
  std::swap(perm[static_cast<size_t>(axis_arg(b, n, 1, rank))], perm[static_cast<size_t>(axis_arg(b, n, 2, rank))]);
  transpose_to(b, n, perm);
}

void t(OnnxBuilder& b, const TorchNode& n) {
  if (b.rank(arg(n, 0)) < 2) return same(b, n);
  transpose_to(b, n, {1, 0});
}

void squeeze(OnnxBuilder& b, const TorchNode& n) {
  const int64_t rank = b.rank(arg(n, 0));
  const ir::Shape& in = b.info_of(arg(n, 0)).shape;
  std::vector<int64_t> axes;
  if (n.inputs.size() > 1) {
    const int64_t axis = axis_arg(b, n, 1, rank);
    if (in[static_cast<size_t>(axis)] != 1) return same(b, n);
    axes = {axis};
  } else {
    for (int64_t i = 0; i < rank; ++i)
      if (in[static_cast<size_t>(i)] == 1) axes.push_back(i);
  }
  b.node("Squeeze", {b.in(arg(n, 0)), b.ints(axes)}, {b.out()});
}

void unsqueeze(OnnxBuilder& b, const TorchNode& n) {
  b.node("Unsqueeze", {b.in(arg(n, 0)), b.ints({axis_arg(b, n, 1, b.rank(arg(n, 0)) + 1)})}, {b.out()});
}

void cat(OnnxBuilder& b, const TorchNode& n) {
  const int64_t rank = static_cast<int64_t>(b.out_shape().size());
  set_attr(b.node("Concat", b.ins(arg(n, 0)), {b.out()}), "axis", axis_arg(b, n, 1, rank));
}

void stack(OnnxBuilder& b, const TorchNode& n) {
  const int64_t axis = axis_arg(b, n, 1, static_cast<int64_t>(b.out_shape().size()));
  std::vector<std::string> parts;
  for (const auto& x : b.ins(arg(n, 0))) parts.push_back(b.step("Unsqueeze", {x, b.ints({axis})}));
  set_attr(b.node("Concat", parts, {b.out()}), "axis", axis);
}

// aten::chunk / split / split_with_sizes / unbind: Split with the sizes torch
// produced; unbind also drops the split axis.
// aten::chunk: one Slice per chunk, as torch.onnx.export writes it.
void chunk(OnnxBuilder& b, const TorchNode& n) {
  const int64_t axis = axis_arg(b, n, 2, b.rank(arg(n, 0)));
  int64_t start = 0;
  for (size_t i = 0; i < n.outputs.size(); ++i) {
    const int64_t end = start + b.out_shape(i).at(static_cast<size_t>(axis));
    b.node("Slice", {b.in(arg(n, 0)), b.ints({start}), b.ints({end}), b.ints({axis})}, {b.out(i)});
    start = end;
  }
}

void split(OnnxBuilder& b, const TorchNode& n, bool unbind) {
  const int64_t axis = axis_arg(b, n, unbind ? 1 : 2, b.rank(arg(n, 0)));
  std::vector<int64_t> sizes;
  std::vector<std::string> outs;
  for (size_t i = 0; i < n.outputs.size(); ++i) {
    sizes.push_back(unbind ? 1 : b.out_shape(i).at(static_cast<size_t>(axis)));
    outs.push_back(unbind ? b.out(i) + "__split" : b.out(i));
  }
  set_attr(b.node("Split", {b.in(arg(n, 0)), b.ints(sizes)}, outs), "axis", axis);
  if (unbind)
    for (size_t i = 0; i < outs.size(); ++i) b.node("Squeeze", {outs[i], b.ints({axis})}, {b.out(i)});
}

int64_t clamp_index(int64_t v, int64_t size) {
  if (v < 0) v += size;
  return std::clamp<int64_t>(v, 0, size);
}

// aten::slice(x, dim, start, end, step)
void slice(OnnxBuilder& b, const TorchNode& n) {
  const ir::Shape& in = b.info_of(arg(n, 0)).shape;
  const int64_t axis = axis_arg(b, n, 1, static_cast<int64_t>(in.size()));
  const int64_t size = in[static_cast<size_t>(axis)];
  const int64_t start = is_none(n, 2) ? 0 : clamp_index(int_arg(b, n, 2), size);
  const int64_t end = is_none(n, 3) ? size : clamp_index(int_arg(b, n, 3), size);
  const int64_t step = int_arg(b, n, 4);
  if (start == 0 && end == size && step == 1) return same(b, n);
  b.node("Slice", {b.in(arg(n, 0)), b.ints({start}), b.ints({end}), b.ints({axis}), b.ints({step})}, {b.out()});
}

// aten::narrow(x, dim, start, length)
void narrow(OnnxBuilder& b, const TorchNode& n) {
  const ir::Shape& in = b.info_of(arg(n, 0)).shape;
  const int64_t axis = axis_arg(b, n, 1, static_cast<int64_t>(in.size()));
  const int64_t start = clamp_index(int_arg(b, n, 2), in[static_cast<size_t>(axis)]);
  b.node("Slice", {b.in(arg(n, 0)), b.ints({start}), b.ints({start + int_arg(b, n, 3)}), b.ints({axis})}, {b.out()});
}

// aten::select(x, dim, index) → Gather with a scalar index
void select(OnnxBuilder& b, const TorchNode& n) {
  const ir::Shape& in = b.info_of(arg(n, 0)).shape;
  const int64_t axis = axis_arg(b, n, 1, static_cast<int64_t>(in.size()));
  int64_t index = int_arg(b, n, 2);
  if (index < 0) index += in[static_cast<size_t>(axis)];
  set_attr(b.node("Gather", {b.in(arg(n, 0)), b.ints({index}, true)}, {b.out()}), "axis", axis);
}

// aten::constant_pad_nd(x, pad, value): torch lists (begin, end) pairs from
// the last dim backwards; ONNX all begins, then all ends.
void pad(OnnxBuilder& b, const TorchNode& n) {
  const int64_t rank = b.rank(arg(n, 0));
  const auto p = ints_arg(b, n, 1);
  std::vector<int64_t> pads(static_cast<size_t>(2 * rank), 0);
  for (size_t i = 0; i + 1 < p.size(); i += 2) {
    const size_t dim = static_cast<size_t>(rank) - 1 - i / 2;
    pads[dim] = p[i];
    pads[static_cast<size_t>(rank) + dim] = p[i + 1];
  }
  const float value = n.inputs.size() > 2 && !is_none(n, 2) ? static_cast<float>(float_arg(b, n, 2)) : 0.f;
  b.node("Pad", {b.in(arg(n, 0)), b.ints(pads), b.floats({value}, true)}, {b.out()});
}

void expand(OnnxBuilder& b, const TorchNode& n) { b.node("Expand", {b.in(arg(n, 0)), b.ints(b.out_shape())}, {b.out()}); }

// aten::to / type_as: a Cast when the element type changes.
void cast(OnnxBuilder& b, const TorchNode& n) {
  const ir::DataType from = b.info_of(arg(n, 0)).dtype, to = b.info(n.outputs.at(0)).dtype;
  if (from == to || b.info_of(arg(n, 0)).quant) return same(b, n);
  set_attr(b.node("Cast", {b.in(arg(n, 0))}, {b.out()}), "to", static_cast<int64_t>(to));
}

// aten::pixel_shuffle(x, r) → DepthToSpace (CRD, torch's channel order)
void pixel_shuffle(OnnxBuilder& b, const TorchNode& n) {
  auto& d = b.node("DepthToSpace", {b.in(arg(n, 0))}, {b.out()});
  set_attr(d, "blocksize", int_arg(b, n, 1));
  set_attr(d, "mode", std::string("CRD"));
}

// aten::channel_shuffle(x, groups): N,g,C/g,H,W → transpose → N,C,H,W
void channel_shuffle(OnnxBuilder& b, const TorchNode& n) {
  const ir::Shape& s = b.info_of(arg(n, 0)).shape;
  const int64_t g = int_arg(b, n, 1);
  const std::string grouped = b.step("Reshape", {b.in(arg(n, 0)), b.ints({s[0], g, s[1] / g, s[2], s[3]})});
  const std::string swapped = b.out() + "__shuffled";
  set_attr(b.node("Transpose", {grouped}, {swapped}), "perm", std::vector<int64_t>{0, 2, 1, 3, 4});
  b.node("Reshape", {swapped, b.ints(s)}, {b.out()});
}

}  // namespace

void add_shape_mappings(std::map<std::string, AtenMapping>& table) {
  for (const char* k : {"aten::contiguous", "aten::dropout", "aten::feature_dropout", "aten::alpha_dropout",
                        "aten::detach", "aten::clone", "aten::lift_fresh", "aten::alias"})
    table[k] = same;
  for (const char* k : {"aten::view", "aten::reshape", "aten::view_as", "aten::reshape_as", "aten::unflatten",
                        "aten::_reshape_alias"})
    table[k] = reshape;
  table["aten::flatten"] = flatten;
  table["aten::permute"] = permute;
  table["aten::transpose"] = transpose;
  table["aten::t"] = t;
  table["aten::numpy_T"] = t;
  table["aten::squeeze"] = squeeze;
  table["aten::unsqueeze"] = unsqueeze;
  table["aten::cat"] = cat;
  table["aten::concat"] = cat;
  table["aten::stack"] = stack;
  table["aten::chunk"] = chunk;
  table["aten::unsafe_chunk"] = chunk;
  for (const char* k : {"aten::split", "aten::split_with_sizes", "aten::unsafe_split", "aten::tensor_split"})
    table[k] = [](OnnxBuilder& b, const TorchNode& n) { split(b, n, false); };
  table["aten::unbind"] = [](OnnxBuilder& b, const TorchNode& n) { split(b, n, true); };
  table["aten::slice"] = slice;
  table["aten::narrow"] = narrow;
  table["aten::select"] = select;
  table["aten::constant_pad_nd"] = pad;
  table["aten::expand"] = expand;
  table["aten::expand_as"] = expand;
  table["aten::to"] = cast;
  table["aten::type_as"] = cast;
  table["aten::pixel_shuffle"] = pixel_shuffle;
  table["aten::channel_shuffle"] = channel_shuffle;
}

}  // namespace rknnc::frontends::pytorch
