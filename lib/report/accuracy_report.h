#pragma once
// Files of `-a` accuracy analysis (004 §7.1): error_analysis.txt in
// Toolkit2's layout and accuracy.json with the same numbers
// (schemas/accuracy.schema.json).
#include <string>

#include <nlohmann/json.hpp>

#include "quant/accuracy.h"

namespace rknnc::report {

std::string error_analysis_text(const quant::AccuracyAnalysis& a);
nlohmann::json accuracy_json(const quant::AccuracyAnalysis& a, const std::vector<std::string>& input_files);

}  // namespace rknnc::report
