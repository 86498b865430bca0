#pragma once
// Operator translations: each reads the current operator of a Translation
// and writes its ONNX nodes. ops() maps the builtin codes rknnc reads.
#include <fmt/format.h>

#include <map>

#include "frontends/tflite/translation.h"

namespace rknnc::frontends::tflite {

using OpTranslation = void (*)(Translation&);
const std::map<fb::BuiltinOperator, OpTranslation>& ops();

// By family (ops_conv.cpp, ops_elementwise.cpp, ops_shape.cpp).
void add_conv_ops(std::map<fb::BuiltinOperator, OpTranslation>& table);
void add_elementwise_ops(std::map<fb::BuiltinOperator, OpTranslation>& table);
void add_shape_ops(std::map<fb::BuiltinOperator, OpTranslation>& table);

// The options table of the current operator, or an error naming the operator
// when the file stores other options.
template <typename T>
const T& options(const Translation& t) {
  const T* o = t.op().builtin_options_as<T>();
  if (!o) t.fail_op("stores no options or options of another operator; the file is corrupt");
  return *o;
}

}  // namespace rknnc::frontends::tflite
