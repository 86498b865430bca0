#pragma once
// ir::convert_float (Float32 <-> Float16) split over the thread pool: the
// float16 simulation widens every half activation a node reads and rounds
// every output it writes, whole tensors a node.
#include "ir/tensor.h"
#include "runtime/thread_pool.h"

namespace rknnc::runtime::kernels {

ir::Tensor convert_float_on(ThreadPool& pool, const ir::Tensor& t, ir::DataType to);
// ir::round_to_halves over a float tensor, in place.
void round_to_halves_on(ThreadPool& pool, ir::Tensor& t);

}  // namespace rknnc::runtime::kernels
