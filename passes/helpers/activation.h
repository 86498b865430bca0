#pragma once
// Activations as fused attributes (see docs/passes.md and
// lib/runtime/kernels/helpers/fused_activation.h).
#include "ir/graph.h"

namespace rknnc::passes {

// Adds the fused-activation attributes describing `act` (Relu, Clip with
// constant bounds, LeakyRelu, Sigmoid, HardSwish) to `target`; false, leaving
// `target` unchanged, when `act` is not such an activation.
bool activation_attrs(const ir::Graph& g, const ir::Node& act, ir::Attributes& target);
// f(v) for the activation described by `attrs` (v itself when none).
double apply_activation(const ir::Attributes& attrs, double v);
// True when a convolution adds no padding (pads all zero, auto_pad NOTSET/VALID).
bool pads_nothing(const ir::Node& conv);

}  // namespace rknnc::passes
