#pragma once
// Resize geometry shared by the fp32 / uint8 / int8 kernel and the quantised
// int8 kernel: per output index along each dim, its input taps with
// weights (float, and on kResizeWeightBits fraction bits for integer sums).
#include <array>
#include <type_traits>
#include <vector>

#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {

constexpr int kResizeWeightBits = 15;

// One output index along one dim: its taps (input index, weight), up to 4
// (more with antialias); `outside` reads extrapolation_value (tf_crop_and_resize).
struct Taps {
  std::vector<int64_t> i;
  std::vector<float> w;
  std::vector<int64_t> q;  // round(w · 2^kResizeWeightBits)
  int n = 0;
  bool outside = false;
  void add(int64_t index, float weight);
};

struct DimMap {
  std::vector<Taps> taps;
  bool identity = true;
};

struct ResizePlan {
  ir::Shape out;
  std::vector<DimMap> maps;  // per dim
  std::vector<size_t> interp;  // the dims that are not the identity
  float extrapolation = 0;
  int64_t taps_per_output = 1;
};

// Reads the attributes and scales / sizes / roi inputs; ctx.fail names the node.
ResizePlan resize_plan(const KernelContext& ctx);

// A tap's weight for Acc: float, or int64 on kResizeWeightBits fraction bits.
template <typename Acc>
Acc tap_weight(const Taps& t, int k) {
  if constexpr (std::is_floating_point_v<Acc>) return t.w[static_cast<size_t>(k)];
  else return t.q[static_cast<size_t>(k)];
}

// For every output index o (plan.out): acc = Σ over the combinations of one
// tap per interpolated dim of Π weights · (x[tap] - zero), then put(o, acc);
// outputs outside the roi (tf_crop_and_resize) get put_outside(o). An integer
// Acc carries kResizeWeightBits fraction bits per interpolated dim.
// True when every output has one tap of the same weight per interpolated dim
// and none is outside (nearest): the sums are then one product each, and
// nearest_weight() is that product.
bool resize_is_nearest(const ResizePlan& p);
template <typename Acc>
Acc nearest_weight(const ResizePlan& p) {
  Acc wgt = 1;
  for (size_t d : p.interp) wgt *= tap_weight<Acc>(p.maps[d].taps[0], 0);
  return wgt;
}

// for_each_resize_output for a nearest plan, output row by output row: the
// same sum per output (0 + wgt · (x - zero)), without decoding every index.
template <typename T, typename Acc, typename Put>
void for_each_nearest_output(KernelContext& ctx, const ResizePlan& p, const ir::Tensor& x, Acc zero, Put put) {
  const size_t rank = x.shape().size(), last = rank - 1;
  const auto in_strides = ir::shape_strides(x.shape());
  const T* src = x.data<T>();
  const Acc wgt = nearest_weight<Acc>(p);
  auto offset = [&](size_t d, int64_t i) {  // input offset of output index i along dim d
    return (p.maps[d].identity ? i : p.maps[d].taps[static_cast<size_t>(i)].i[0]) * in_strides[d];
  };
  const int64_t width = p.out[last], rows = width ? ir::shape_numel(p.out) / width : 0;
  std::vector<int64_t> col(static_cast<size_t>(width));
  for (int64_t j = 0; j < width; ++j) col[static_cast<size_t>(j)] = offset(last, j);
  ctx.pool.parallel_for(rows, width * 2, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      int64_t rem = r, base = 0;
      for (size_t d = last; d-- > 0;) {
        base += offset(d, rem % p.out[d]);
        rem /= p.out[d];
      }
      const T* row = src + base;
      for (int64_t j = 0; j < width; ++j) {
        Acc acc = 0;
        acc += wgt * (static_cast<Acc>(row[col[static_cast<size_t>(j)]]) - zero);
        put(r * width + j, acc);
      }
    }
  });
}

template <typename T, typename Acc, typename Put, typename PutOutside>
void for_each_resize_output(KernelContext& ctx, const ResizePlan& p, const ir::Tensor& x, Acc zero, Put put,
                            PutOutside put_outside) {
  if (resize_is_nearest(p) && !x.shape().empty()) {
    for_each_nearest_output<T, Acc>(ctx, p, x, zero, put);
    return;
  }
  const size_t rank = x.shape().size();
  const auto in_strides = ir::shape_strides(x.shape());
  const T* src = x.data<T>();
  ctx.pool.parallel_for(ir::shape_numel(p.out), p.taps_per_output * 4, [&](int64_t b, int64_t e) {
    std::vector<int64_t> idx(rank);
    std::vector<const Taps*> taps(p.interp.size());
    std::vector<int> k(p.interp.size());
    for (int64_t o = b; o < e; ++o) {
      int64_t rem = o, base = 0;
      for (size_t d = rank; d-- > 0;) {
        idx[d] = rem % p.out[d];
        rem /= p.out[d];
        if (p.maps[d].identity) base += idx[d] * in_strides[d];
      }
      bool outside = false;
      for (size_t j = 0; j < p.interp.size(); ++j) {
        taps[j] = &p.maps[p.interp[j]].taps[static_cast<size_t>(idx[p.interp[j]])];
        outside = outside || taps[j]->outside;
        k[j] = 0;
      }
      if (outside) {
        put_outside(o);
        continue;
      }
      Acc acc = 0;
      for (bool more = true; more;) {  // every combination of one tap per interpolated dim
        Acc wgt = 1;
        int64_t off = base;
        for (size_t j = 0; j < p.interp.size(); ++j) {
          wgt *= tap_weight<Acc>(*taps[j], k[j]);
          off += taps[j]->i[static_cast<size_t>(k[j])] * in_strides[p.interp[j]];
        }
        acc += wgt * (static_cast<Acc>(src[off]) - zero);
        more = false;
        for (size_t j = 0; j < p.interp.size() && !more; ++j)
          if (++k[j] < taps[j]->n) more = true;
          else k[j] = 0;
      }
      put(o, acc);
    }
  });
}

}  // namespace rknnc::runtime::kernels
