#include "driver/accuracy_stage.h"

#include "dataset/sample_loader.h"
#include "report/accuracy_report.h"
#include "report/build_report.h"
#include "util/file_names.h"
#include "util/npy.h"

namespace rknnc::driver {

quant::AccuracyAnalysis stage_accuracy_analysis(const ir::Graph& golden, const ir::Graph& converted,
                                                const std::vector<std::filesystem::path>& files,
                                                const config::ModelConfig& cfg, const std::filesystem::path& out_dir,
                                                StagedOutputs& staged, std::vector<std::filesystem::path>& written) {
  const auto specs = dataset::input_specs(golden, cfg.configs.quant_img_RGB2BGR);
  if (files.size() != specs.size())
    fail_config("-a: {} file(s) given, the model has {} input(s); give one file per input, space-separated",
                files.size(), specs.size());
  std::vector<std::string> warnings;
  const std::vector<ir::Tensor> tensors = dataset::load_sample(files, specs, "-a", &warnings);
  runtime::TensorMap inputs;
  for (size_t i = 0; i < specs.size(); ++i) inputs[specs[i].name] = tensors[i];
  quant::AccuracyAnalysis a = quant::analyse_accuracy(golden, converted, inputs);
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.string());
  const auto text = out_dir / "error_analysis.txt", json = out_dir / "accuracy.json";
  staged.add(text, report::error_analysis_text(a));
  staged.add(json, report::dump_report(report::accuracy_json(a, names)));
  written.push_back(text);
  written.push_back(json);
  for (const auto& [side, tensors_of] : {std::pair{"golden", &a.golden}, std::pair{"simulator", &a.simulator}}) {
    const auto files = unique_file_names_of(*tensors_of);
    for (const auto& [name, t] : *tensors_of)
      staged.add(out_dir / "snapshot" / side / (files.at(name) + ".npy"), to_npy(t));
  }
  written.push_back(out_dir / "snapshot");
  return a;
}

}  // namespace rknnc::driver
