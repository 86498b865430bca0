#include "runtime/kernels/helpers/reduce.h"

namespace rknnc::runtime::kernels {

ir::Shape reduced_shape(const ir::Shape& in, const std::vector<int64_t>& axes, bool keepdims) {
  ir::Shape out;
  for (size_t d = 0; d < in.size(); ++d) {
    bool r = false;
    for (int64_t a : axes) r = r || a == static_cast<int64_t>(d);
    if (!r) out.push_back(in[d]);
    else if (keepdims) out.push_back(1);
  }
  return out;
}

}  // namespace rknnc::runtime::kernels
