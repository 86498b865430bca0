// Operators that move or select values: their axis arguments are remapped
// to NCHW when the input is kept NCHW; Reshape / Squeeze read the TFLite
// order unless both orders hold the same bytes.
#include <algorithm>
#include <limits>
#include <numeric>

#include "frontends/tflite/ops.h"

namespace rknnc::frontends::tflite {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

int64_t normalize_axis(Translation& t, int64_t axis, int rank) {
  if (axis < -rank || axis >= rank) t.fail_op(fmt::format("has axis {} for a tensor of rank {}", axis, rank));
  return axis < 0 ? axis + rank : axis;
}

bool keep_nchw(Translation& t, int x) { return t.rank(x) == 4 && t.has_nchw(x); }

// After dropping `axes` (TFLite order) from a 4-D tensor, do the remaining
// dimensions come in the same order from NCHW as from NHWC?
bool same_order_after_dropping(const std::vector<int64_t>& axes) {
  int64_t last = -1;
  for (int64_t a = 0; a < 4; ++a) {
    if (std::find(axes.begin(), axes.end(), a) != axes.end()) continue;
    if (nchw_axis(a) < last) return false;
    last = nchw_axis(a);
  }
  return true;
}

std::vector<int64_t> to_nchw_axes(const std::vector<int64_t>& axes) {
  std::vector<int64_t> r;
  for (int64_t a : axes) r.push_back(nchw_axis(a));
  std::sort(r.begin(), r.end());
  return r;
}

void concatenation(Translation& t) {
  const auto& o = options<fb::ConcatenationOptions>(t);
  const int rank = t.rank(t.out(0));
  const int64_t axis = normalize_axis(t, o.axis(), rank);
  bool nchw = rank == 4, any = false;
  for (size_t i = 0; i < t.num_inputs(); ++i) {
    nchw = nchw && t.rank(t.in(i)) == 4;
    any = any || (!t.file.is_constant(t.in(i)) && t.has_nchw(t.in(i)));
  }
  nchw = nchw && any;
  std::vector<std::string> names;
  for (size_t i = 0; i < t.num_inputs(); ++i) names.push_back(nchw ? t.nchw(t.in(i)) : t.native(t.in(i)));
  t.define(0, t.node("Concat", names, {attr_int("axis", nchw ? nchw_axis(axis) : axis)}), nchw,
           o.fused_activation_function());
}

void reshape(Translation& t) {
  const int x = t.in(0), y = t.out(0);
  const std::string src = keep_nchw(t, x) && t.layout_free(x) ? t.nchw(x) : t.native(x);
  const bool out_nchw = t.rank(y) == 4 && t.layout_free(y);
  t.define(0, t.node("Reshape", {src, t.const_ints(out_nchw ? t.nchw_shape(y) : t.shape(y))}), out_nchw);
}

void softmax(Translation& t) {
  const auto& o = options<fb::SoftmaxOptions>(t);
  const int x = t.in(0);
  const bool nchw = keep_nchw(t, x);
  std::string in = nchw ? t.nchw(x) : t.native(x);
  if (o.beta() != 1.0f) in = t.node("Mul", {in, t.scalar(o.beta())});
  t.define(0, t.node("Softmax", {in}, {attr_int("axis", nchw ? 1 : -1)}), nchw);
}

void pad(Translation& t) {
  const int x = t.in(0);
  const std::vector<int64_t> p = t.file.constant_ints(t.in(1));
  const int rank = t.rank(x);
  if (static_cast<int>(p.size()) != 2 * rank) t.fail_op("has paddings that do not match the input rank");
  const bool nchw = keep_nchw(t, x);
  std::vector<int64_t> pads(2 * rank);
  for (int j = 0; j < rank; ++j) {
    const int64_t a = nchw ? kToNchw[j] : j;
    pads[j] = p[2 * a];
    pads[j + rank] = p[2 * a + 1];
  }
  std::vector<std::string> inputs = {nchw ? t.nchw(x) : t.native(x), t.const_ints(pads)};
  if (t.num_inputs() > 2 && t.in(2) >= 0) inputs.push_back(t.native(t.in(2)));
  t.define(0, t.node("Pad", inputs), nchw);
}

void mean(Translation& t) {
  const int x = t.in(0);
  const auto* o = t.op().builtin_options_as<fb::ReducerOptions>();
  const bool keep = o && o->keep_dims();
  std::vector<int64_t> axes = t.file.constant_ints(t.in(1));
  for (auto& a : axes) a = normalize_axis(t, a, t.rank(x));
  const bool nchw = keep_nchw(t, x) && (keep || same_order_after_dropping(axes));
  const std::vector<int64_t> onnx_axes = nchw ? to_nchw_axes(axes) : axes;
  t.define(0, t.node("ReduceMean", {nchw ? t.nchw(x) : t.native(x)},
                     {attr_ints("axes", onnx_axes), attr_int("keepdims", keep ? 1 : 0)}),
           nchw);
}

template <bool kLinear>
void resize(Translation& t) {
  const int x = t.in(0);
  if (t.rank(x) != 4) t.fail_op("reads a tensor that is not 4-D");
  bool align = false, half = false;
  if constexpr (kLinear) {
    const auto* o = t.op().builtin_options_as<fb::ResizeBilinearOptions>();
    align = o && o->align_corners(), half = o && o->half_pixel_centers();
  } else {
    const auto* o = t.op().builtin_options_as<fb::ResizeNearestNeighborOptions>();
    align = o && o->align_corners(), half = o && o->half_pixel_centers();
  }
  const std::string mode = align ? "align_corners" : !half ? "asymmetric" : kLinear ? "half_pixel" : "tf_half_pixel_for_nn";
  std::vector<onnx::AttributeProto> attrs = {attr_string("mode", kLinear ? "linear" : "nearest"),
                                             attr_string("coordinate_transformation_mode", mode)};
  if (!kLinear) attrs.push_back(attr_string("nearest_mode", align ? "round_prefer_ceil" : "floor"));
  const std::string sizes = t.const_ints(t.nchw_shape(t.out(0)));
  t.define(0, t.node("Resize", {t.nchw(x), "", "", sizes}, attrs), true);
}

void transpose(Translation& t) {
  const int x = t.in(0);
  std::vector<int64_t> perm = t.file.constant_ints(t.in(1));
  if (static_cast<int>(perm.size()) != t.rank(x)) t.fail_op("has a permutation that does not match the input rank");
  for (auto& p : perm) p = normalize_axis(t, p, t.rank(x));
  if (!keep_nchw(t, x)) {
    t.define(0, t.node("Transpose", {t.native(x)}, {attr_ints("perm", perm)}), false);
    return;
  }
  // NCHW in, NCHW out: one permutation of the NCHW value, none when the
  // TFLite transpose only undoes the layout change.
  std::vector<int64_t> folded(4);
  for (int j = 0; j < 4; ++j) folded[j] = nchw_axis(perm[kToNchw[j]]);
  std::vector<int64_t> id(4);
  std::iota(id.begin(), id.end(), 0);
  if (folded == id) return t.alias(0, x);
  t.define(0, t.node("Transpose", {t.nchw(x)}, {attr_ints("perm", folded)}), true);
}

// Slice over every axis of x, with the axes remapped when x is kept NCHW.
void slice_all_axes(Translation& t, std::vector<int64_t> starts, std::vector<int64_t> ends, std::vector<int64_t> steps,
                    const std::vector<int64_t>& squeeze) {
  const int x = t.in(0);
  const bool nchw = keep_nchw(t, x) && squeeze.empty();
  std::vector<int64_t> axes(starts.size());
  std::iota(axes.begin(), axes.end(), 0);
  if (nchw)
    for (auto& a : axes) a = nchw_axis(a);
  std::string y = t.node("Slice", {nchw ? t.nchw(x) : t.native(x), t.const_ints(starts), t.const_ints(ends),
                                   t.const_ints(axes), t.const_ints(steps)});
  if (!squeeze.empty()) y = t.node("Squeeze", {y, t.const_ints(squeeze)});
  t.define(0, y, nchw);
}

void strided_slice(Translation& t) {
  const auto& o = options<fb::StridedSliceOptions>(t);
  if (o.ellipsis_mask() || o.new_axis_mask())
    t.fail_op("uses an ellipsis or new-axis mask, which rknnc does not support; convert the model to ONNX with "
              "`python3 -m tf2onnx.convert --tflite model.tflite --output model.onnx`");
  std::vector<int64_t> b = t.file.constant_ints(t.in(1)), e = t.file.constant_ints(t.in(2));
  std::vector<int64_t> s = t.num_inputs() > 3 ? t.file.constant_ints(t.in(3)) : std::vector<int64_t>(b.size(), 1);
  const int rank = t.rank(t.in(0));
  if (static_cast<int>(b.size()) != rank || e.size() != b.size() || s.size() != b.size())
    t.fail_op("has begin / end / strides that do not match the input rank");
  std::vector<int64_t> squeeze;
  for (int i = 0; i < rank; ++i) {
    if (s[i] == 0) t.fail_op("has a stride of 0");
    if (o.begin_mask() & (1 << i)) b[i] = s[i] > 0 ? 0 : kMax;
    if (o.end_mask() & (1 << i)) e[i] = s[i] > 0 ? kMax : kMin;
    if (o.shrink_axis_mask() & (1 << i)) {
      e[i] = b[i] == -1 ? kMax : b[i] + 1;
      s[i] = 1;
      squeeze.push_back(i);
    }
  }
  slice_all_axes(t, b, e, s, squeeze);
}

void slice(Translation& t) {
  std::vector<int64_t> b = t.file.constant_ints(t.in(1)), size = t.file.constant_ints(t.in(2));
  if (static_cast<int>(b.size()) != t.rank(t.in(0)) || size.size() != b.size())
    t.fail_op("has begin / size that do not match the input rank");
  std::vector<int64_t> e(b.size());
  for (size_t i = 0; i < b.size(); ++i) e[i] = size[i] < 0 ? kMax : b[i] + size[i];
  slice_all_axes(t, b, e, std::vector<int64_t>(b.size(), 1), {});
}

void split(Translation& t) {
  const int x = t.in(1);
  const std::vector<int64_t> a = t.file.constant_ints(t.in(0));
  if (a.size() != 1) t.fail_op("has an axis that is not a single value");
  const int64_t axis = normalize_axis(t, a[0], t.rank(x));
  const bool nchw = keep_nchw(t, x);
  std::vector<std::string> outs;
  for (size_t k = 0; k < t.num_outputs(); ++k) outs.push_back(t.result_name(k));
  t.node_outputs("Split", {nchw ? t.nchw(x) : t.native(x)}, {attr_int("axis", nchw ? nchw_axis(axis) : axis)}, outs);
  for (size_t k = 0; k < outs.size(); ++k) t.define(k, outs[k], nchw);
}

void squeeze(Translation& t) {
  const int x = t.in(0);
  const auto* o = t.op().builtin_options_as<fb::SqueezeOptions>();
  std::vector<int64_t> axes;
  if (o && o->squeeze_dims())
    for (int d : *o->squeeze_dims()) axes.push_back(normalize_axis(t, d, t.rank(x)));
  const auto s = t.shape(x);
  if (axes.empty())
    for (size_t i = 0; i < s.size(); ++i)
      if (s[i] == 1) axes.push_back(static_cast<int64_t>(i));
  const bool nchw = keep_nchw(t, x) && same_order_after_dropping(axes);
  t.define(0, t.node("Squeeze", {nchw ? t.nchw(x) : t.native(x), t.const_ints(nchw ? to_nchw_axes(axes) : axes)}),
           nchw);
}

}  // namespace

void add_shape_ops(std::map<fb::BuiltinOperator, OpTranslation>& table) {
  table[fb::BuiltinOperator::CONCATENATION] = concatenation;
  table[fb::BuiltinOperator::RESHAPE] = reshape;
  table[fb::BuiltinOperator::SOFTMAX] = softmax;
  table[fb::BuiltinOperator::PAD] = pad;
  table[fb::BuiltinOperator::PADV2] = pad;
  table[fb::BuiltinOperator::MEAN] = mean;
  table[fb::BuiltinOperator::RESIZE_BILINEAR] = resize<true>;
  table[fb::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR] = resize<false>;
  table[fb::BuiltinOperator::TRANSPOSE] = transpose;
  table[fb::BuiltinOperator::STRIDED_SLICE] = strided_slice;
  table[fb::BuiltinOperator::SLICE] = slice;
  table[fb::BuiltinOperator::SPLIT] = split;
  table[fb::BuiltinOperator::SQUEEZE] = squeeze;
}

}  // namespace rknnc::frontends::tflite
