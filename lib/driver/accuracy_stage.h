#pragma once
// `-a "a.jpg b.jpg"`: accuracy analysis of the converted model against its
// float32 golden graph on the given inputs (quant/accuracy.h). Stages
// OUTDIR/error_analysis.txt, OUTDIR/accuracy.json and one .npy per layer
// output in OUTDIR/snapshot/{golden,simulator}/; returns the analysis.
#include <filesystem>
#include <vector>

#include "config/model_config.h"
#include "quant/accuracy.h"
#include "util/atomic_file.h"

namespace rknnc::driver {

quant::AccuracyAnalysis stage_accuracy_analysis(const ir::Graph& golden, const ir::Graph& converted,
                                                const std::vector<std::filesystem::path>& files,
                                                const config::ModelConfig& cfg, const std::filesystem::path& out_dir,
                                                StagedOutputs& staged, std::vector<std::filesystem::path>& written);

}  // namespace rknnc::driver
