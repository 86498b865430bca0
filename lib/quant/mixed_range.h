#pragma once
// Mixed-range inputs of an op that forces one int8 scale on all of them
// (Concat: every input is requantised onto the output's scale). When one
// input spans kMixedRangeFactor times more than another, the narrow one keeps
// only a few of the 256 levels: a YOLO head concatenating box coordinates
// (0-640) with class scores (0-1) rounds every score to 0 (one step is 2.5).
// Calibration reports such ops as warnings naming the op and both inputs.
#include <set>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "quant/calibrate.h"

namespace rknnc::quant {

inline constexpr double kMixedRangeFactor = 16;  // 4 of 8 bits lost; docs/quantization.md

// An int8 Concat whose inputs' calibrated int8 ranges differ by more than
// kMixedRangeFactor: its narrowest and widest input.
struct MixedConcat {
  const ir::Node* node = nullptr;
  std::string narrow, wide;
  Range narrow_range, wide_range;
  double factor = 1;  // wide span / narrow span
};

// The mixed-range Concats of `graph` (prepared, calibrated), graph order;
// layers in `float_layers` (hybrid float16) are skipped.
std::vector<MixedConcat> mixed_range_concats(const ir::Graph& graph, const Calibration& cal,
                                             const std::set<std::string>& float_layers = {});

// One warning per int8 Concat of `graph` (prepared, calibrated) whose widest
// and narrowest calibrated input ranges differ by more than kMixedRangeFactor;
// layers in `float_layers` (hybrid float16) are skipped.
std::vector<std::string> mixed_range_warnings(const ir::Graph& graph, const Calibration& cal,
                                              const std::set<std::string>& float_layers = {});

}  // namespace rknnc::quant
