#pragma once
// Building small ONNX models in C++ for loader tests.
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rknnc::testing {

// A float32 tensor value info `name` with static `dims`.
inline void set_float_io(onnx::ValueInfoProto* v, const std::string& name, const std::vector<int64_t>& dims) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
}

// A node `name` of `op` reading `inputs`, writing `outputs`.
inline onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op, const std::string& name,
                                 const std::vector<std::string>& inputs, const std::vector<std::string>& outputs) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return n;
}

}  // namespace rknnc::testing
