#pragma once
// The hybrid quantisation file {name}.quantization.cfg (004 §6.3, 001
// hybrid_quantization_step1 / step2): YAML with
//   model_sha256            the model it was made for (rknnc extension)
//   custom_quantize_layers  layer output tensor -> float16 (or int16)
//   quantize_parameters     per tensor: qtype, qmethod, dtype, min, max,
//                           scale, zero_point, ori_min, ori_max (lists)
// step1 writes it from the calibration (hybrid_cfg_from_calibration +
// write_hybrid_cfg); step2 reads the edited file back (read_hybrid_cfg):
// every edit takes effect or is a one-line error naming the file and line
// (exit 2). docs/hybrid.md describes the format and the rules.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "quant/calibrate.h"

namespace rknnc::quant {

inline constexpr const char* kCfgQtype = "asymmetric_quantized";

// One quantize_parameters entry (per-tensor int8).
struct CfgTensor {
  float ori_min = 0, ori_max = 0;  // the range calibration observed
  float min = 0, max = 0;          // the range int8 covers (the algorithm's range, widened to hold 0)
  ir::QuantParams params;          // scale / zero_point derived from min / max
  std::string comment;             // written above the entry (single-layer cosine)
  double single_cos = 2;           // its layer's single-layer cosine; 2: none measured
};

// One custom_quantize_layers entry.
struct CfgLayer {
  std::string tensor, dtype;  // the layer's output tensor -> float16 / int16
  std::string comment;        // written above it (why the proposal chose it)
};

struct HybridCfg {
  std::string model_sha256;
  std::vector<std::string> custom_header;                 // comment lines above the layers (the proposal's summary)
  std::vector<CfgLayer> custom_layers;                    // file order
  std::vector<std::pair<std::string, CfgTensor>> tensors;  // graph order
};

// The entry of tensor `t` as calibrated: what step1 writes and what step2
// compares edits against.
CfgTensor cfg_tensor(const Calibration& cal, const std::string& t);

std::string write_hybrid_cfg(const HybridCfg& cfg, const std::string& model_name);

// What step2 needs to check a cfg: the model (optimised, prepared for int8,
// before lowering), its fingerprint, the entries as calibrated now, the
// target's data types.
struct CfgContext {
  const ir::Graph* graph = nullptr;
  std::string model_sha256;
  const HybridCfg* fresh = nullptr;
  std::string target;
  std::vector<std::string> target_dtypes;
};

// The validated contents of an edited cfg.
struct HybridPlan {
  std::filesystem::path file;
  std::set<std::string> half_layers;                     // run in half precision (float16, int16)
  std::map<std::string, ir::QuantParams> params;         // every listed tensor
  std::map<std::string, int> edited;                     // tensors whose parameters were edited -> cfg line
};

// Reads and checks `file`; one-line errors (exit 2) name the file and line.
HybridPlan read_hybrid_cfg(const std::filesystem::path& file, const CfgContext& context);

// After lowering with plan.params: every edited tensor must have been used
// (own_params of the lowering), else its edit would be ignored: an error.
void check_edits_used(const HybridPlan& plan, const std::vector<std::string>& own_params);

}  // namespace rknnc::quant
