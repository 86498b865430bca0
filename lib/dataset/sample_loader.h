#pragma once
// Calibration / accuracy-analysis samples as rknn_convert loads them (004
// §3.1, 001 build()): one file per model input, images (.jpg/.jpeg/.png/.bmp)
// or .npy, into float32 tensors of exactly the model's input shapes.
//
// Images: decoded to the input's channel count (1 grey, 3 RGB, 4 RGBA),
// resized bilinearly to the input's H×W when they differ (with a warning),
// RGB→BGR when quant_img_RGB2BGR is set (3 channels), values 0–255, laid out
// NCHW when dim 1 is the channel count (1/3/4) and the last dim is not, else
// NHWC. .npy: "as is": shape equal to the input's, or without its leading
// batch dim of 1, or the NHWC form of a 4-D NCHW input (transposed); float32,
// or a dtype whose values convert to float32 exactly (float16, 8/16-bit
// integers always; float64 and 32/64-bit integers when every value is exactly
// a float32, else an error saying to save it as float32). Mean/std are NOT applied: the converted graph applies them
// (driver/preprocess). Every bad file is a one-line rknnc::Error (exit 1)
// naming `where` and the file.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "dataset/dataset_list.h"
#include "ir/shape.h"
#include "ir/tensor.h"

namespace rknnc::ir {
class Graph;
}

namespace rknnc::dataset {

struct InputSpec {       // one per model input, in graph input order
  std::string name;      // graph input name
  ir::Shape shape;       // static input shape: {1,3,96,96} (NCHW), {1,96,96,3} (NHWC), any rank for .npy
  bool rgb2bgr = false;  // quant_img_RGB2BGR for this input (3-channel images only)
};

// The specs of a graph's inputs: shapes from the graph, quant_img_RGB2BGR per
// input (empty = all false, one value broadcasts). A dynamic input shape is an
// error (exit 1) naming the input.
std::vector<InputSpec> input_specs(const ir::Graph& g, const std::vector<bool>& rgb2bgr);

// Loads one sample (one file per input, files.size() == inputs.size()) into
// float32 tensors with exactly the input shapes. `where` names the dataset
// line ("dataset.txt:7") or the -a option for messages. Warnings (resizing)
// are appended to *warnings (may be null) at most once per input: a warning
// already in *warnings for that input is not repeated.
std::vector<ir::Tensor> load_sample(const std::vector<std::filesystem::path>& files,
                                    const std::vector<InputSpec>& inputs, const std::string& where,
                                    std::vector<std::string>* warnings);
// One file for one input (what load_sample does per input).
ir::Tensor load_input(const std::filesystem::path& file, const InputSpec& input, const std::string& where,
                      std::vector<std::string>* warnings);

// The dataset list read once (read_dataset_list: paths checked), samples
// loaded one at a time so memory stays flat whatever the list's length.
// `warnings` (may be null) must outlive the stream.
class SampleStream {
 public:
  SampleStream(const std::filesystem::path& list, std::vector<InputSpec> inputs, std::vector<std::string>* warnings);
  size_t size() const { return samples_.size(); }
  const std::vector<InputSpec>& inputs() const { return inputs_; }
  // "dataset.txt:7" for sample i, as used in messages.
  std::string where(size_t i) const;
  std::vector<ir::Tensor> load(size_t i) const;

 private:
  std::filesystem::path list_;
  std::vector<InputSpec> inputs_;
  std::vector<Sample> samples_;
  std::vector<std::string>* warnings_;
};

// The -a "a.jpg b.jpg" argument: space-separated paths, relative to the
// current folder. Each must be an existing image/.npy file (one-line error
// naming `-a` otherwise); an empty string is an error.
std::vector<std::filesystem::path> split_inputs(const std::string& arg);

}  // namespace rknnc::dataset
