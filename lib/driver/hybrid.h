#pragma once
// Hybrid quantisation (004 §6.3, 001 hybrid_quantization_step1 / step2):
//   step1  OUTDIR/{name}.model + {name}.data: the optimised float32 graph as
//          ONNX with external weights (the names the cfg uses);
//          OUTDIR/{name}.quantization.cfg: the calibrated int8 parameters,
//          one single-layer cosine comment per tensor (quant/hybrid_cfg.h);
//   step2  an ordinary conversion whose int8 lowering reads the edited cfg
//          (`rknnc hybrid step2 --cfg`, or configs.hybrid_cfg).
#include <nlohmann/json.hpp>

#include <optional>

#include "driver/convert.h"
#include "driver/numerics.h"
#include "quant/hybrid_proposal.h"
#include "quant/quantize_graph.h"

namespace rknnc::driver {

// Writes the three step1 files atomically; result.written lists them. With
// `proposal`, custom_quantize_layers lists the layers the proposal measured
// (quant/hybrid_proposal.h).
ConvertResult hybrid_step1(const ConvertRequest& req, const std::optional<quant::ProposalOptions>& proposal = {});

// Lowers a prepared, calibrated graph to int8 with the cfg's parameters and
// float16 layers; `report` gets build.json's quantization.hybrid section.
quant::QuantizeStats quantize_with_cfg(ir::Graph& graph, const quant::Calibration& cal, quant::Method method,
                                       const std::string& model_name, const HybridRequest& hybrid,
                                       nlohmann::json& report, std::vector<std::string>& warnings);

}  // namespace rknnc::driver
