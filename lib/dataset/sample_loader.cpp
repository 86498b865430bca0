#include "dataset/sample_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include "dataset/image_decode.h"
#include "ir/graph.h"
#include "util/error.h"
#include "util/npy.h"

namespace rknnc::dataset {
namespace fs = std::filesystem;
namespace {

// Where an image's pixels go in an input: NCHW/CHW or NHWC/HWC, batch 1.
// 4-D/3-D, NCHW unless the last dim is a channel count (1/3/4) and dim 1 is
// not: the rule config/check_model uses for mean_values.
struct ImageLayout {
  bool nchw = true;
  int64_t c = 0, h = 0, w = 0;
};

std::optional<ImageLayout> image_layout(const ir::Shape& s) {
  if (s.size() != 3 && !(s.size() == 4 && s[0] == 1)) return std::nullopt;
  const size_t o = s.size() - 3;  // skip the batch dim
  ImageLayout l;
  l.nchw = !(ir::is_image_channel_count(s[o + 2]) && !ir::is_image_channel_count(s[o]));
  l.c = l.nchw ? s[o] : s[o + 2];
  l.h = l.nchw ? s[o + 1] : s[o];
  l.w = l.nchw ? s[o + 2] : s[o + 1];
  if (!ir::is_image_channel_count(l.c) || l.h <= 0 || l.w <= 0 || l.h > kMaxImageSide || l.w > kMaxImageSide) return std::nullopt;
  return l;
}

std::string read_bytes(const fs::path& file, const std::string& where) {
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (!fs::exists(st)) fail("{}: '{}' not found", where, file.string());
  if (fs::is_directory(st)) fail("{}: '{}' is a directory; give an image or .npy file", where, file.string());
  if (!fs::is_regular_file(st)) fail("{}: '{}' is not a regular file; give an image or .npy file", where, file.string());
  std::ifstream in(file, std::ios::binary);
  std::ostringstream ss;
  if (!in || !(ss << in.rdbuf())) {
    if (fs::file_size(file, ec) == 0 && !ec)
      fail("{}: '{}' is empty (0 bytes); replace it with a valid image or .npy file", where, file.string());
    fail("{}: cannot read '{}' (check its permissions)", where, file.string());
  }
  std::string bytes = ss.str();
  if (bytes.empty()) fail("{}: '{}' is empty (0 bytes); replace it with a valid image or .npy file", where, file.string());
  return bytes;
}

// Adds `warning` unless *warnings already holds one starting with `key`.
void warn_once(std::vector<std::string>* warnings, const std::string& key, const std::string& warning) {
  if (!warnings) return;
  for (const auto& w : *warnings)
    if (w.rfind(key, 0) == 0) return;
  warnings->push_back(warning);
}

ir::Tensor load_image(const fs::path& file, const std::string& bytes, const InputSpec& input, const std::string& where,
                      std::vector<std::string>* warnings) {
  const auto layout = image_layout(input.shape);
  if (!layout)
    fail("{}: '{}' is an image, input '{}' has shape {} (not NCHW or NHWC with batch 1 and 1, 3 or 4 channels); "
         "give a .npy file of that shape",
         where, file.string(), input.name, ir::shape_str(input.shape));
  Image img;
  std::string reason;
  if (!decode_image(bytes, static_cast<int>(layout->c), &img, &reason))
    fail("{}: cannot decode '{}' as an image ({}); re-save it as .jpg/.png/.bmp or give a .npy file", where,
         file.string(), reason);
  if (img.width != layout->w || img.height != layout->h) {
    // Keyed without the source size: one warning per input, whatever the mix of sizes.
    const std::string key = fmt::format("resizing dataset images for input '{}'", input.name);
    warn_once(warnings, key,
              fmt::format("{} from {}x{} to {}x{} (first at {}); give images of the input's size to skip resizing",
                          key, img.width, img.height, layout->w, layout->h, where));
    img = resize_bilinear(img, static_cast<int>(layout->w), static_cast<int>(layout->h));
  }
  const auto c = static_cast<size_t>(layout->c);
  const size_t hw = static_cast<size_t>(layout->h) * static_cast<size_t>(layout->w);
  const bool swap = input.rgb2bgr && c == 3;
  ir::Tensor t(ir::DataType::Float32, input.shape);
  float* out = t.data<float>();
  for (size_t p = 0; p < hw; ++p)
    for (size_t k = 0; k < c; ++k) {
      const size_t src = swap && k != 1 ? 2 - k : k;  // RGB2BGR swaps channels 0 and 2
      const float v = img.pixels[p * c + src];
      out[layout->nchw ? k * hw + p : p * c + k] = v;
    }
  return t;
}

// The NHWC form of a 4-D NCHW input shape.
ir::Shape nhwc_of(const ir::Shape& s) { return {s[0], s[2], s[3], s[1]}; }

ir::Tensor nhwc_to_nchw(const std::vector<float>& v, const ir::Shape& nchw) {
  ir::Tensor t(ir::DataType::Float32, nchw);
  float* out = t.data<float>();
  const auto n = static_cast<size_t>(nchw[0]), c = static_cast<size_t>(nchw[1]);
  const size_t hw = static_cast<size_t>(nchw[2]) * static_cast<size_t>(nchw[3]);
  for (size_t b = 0; b < n; ++b)
    for (size_t p = 0; p < hw; ++p)
      for (size_t k = 0; k < c; ++k) out[(b * c + k) * hw + p] = v[(b * hw + p) * c + k];
  return t;
}

// Float32 is read as is; float16 and 8/16-bit integers convert to float32
// exactly. Float64 and 32/64-bit integers are taken only when every value is
// exactly a float32, so a sample never changes silently on the way in.
bool always_exact(ir::DataType t) {
  using ir::DataType;
  return t == DataType::Float32 || t == DataType::Float16 || t == DataType::Int8 || t == DataType::UInt8 ||
         t == DataType::Int16 || t == DataType::UInt16 || t == DataType::Bool;
}

// Element i of a float64 / 32- or 64-bit integer tensor, compared with its
// float32 `f` in its own type (a double would round 64-bit integers).
bool exact_at(const ir::Tensor& raw, int64_t i, float f) {
  const float two63 = std::ldexp(1.0f, 63);
  switch (raw.dtype()) {
    case ir::DataType::Float64: return static_cast<double>(f) == raw.get_as_double(i);
    case ir::DataType::UInt64:
      return f < 2 * two63 && static_cast<uint64_t>(f) == raw.values<uint64_t>()[static_cast<size_t>(i)];
    default: return f >= -two63 && f < two63 && static_cast<int64_t>(f) == raw.get_as_int(i);
  }
}

std::string value_text(const ir::Tensor& raw, int64_t i) {
  if (raw.dtype() == ir::DataType::Float64) return fmt::format("{}", raw.get_as_double(i));
  if (raw.dtype() == ir::DataType::UInt64) return fmt::format("{}", raw.values<uint64_t>()[static_cast<size_t>(i)]);
  return fmt::format("{}", raw.get_as_int(i));
}

std::vector<float> exact_floats(const ir::Tensor& raw, const fs::path& file, const std::string& where) {
  const std::vector<float> v = raw.to_float_vector();
  const bool check = !always_exact(raw.dtype());
  for (size_t i = 0; i < v.size(); ++i) {
    const auto at = static_cast<int64_t>(i);
    if (check && !std::isnan(v[i]) && !exact_at(raw, at, v[i]))
      fail("{}: '{}' is {} and its value {} at flat index {} is not exactly a float32{}; save it as float32 "
           "(np.save(path, a.astype(np.float32)))",
           where, file.string(), ir::dtype_name(raw.dtype()), value_text(raw, at), i,
           std::isinf(v[i]) ? " (beyond float32 range)" : "");
    if (!std::isfinite(v[i]))
      fail("{}: '{}' has a {} value at flat index {}; calibration data must be finite", where, file.string(),
           std::isnan(v[i]) ? "NaN" : "Inf", i);
  }
  return v;
}

ir::Tensor load_npy(const fs::path& file, const std::string& bytes, const InputSpec& input, const std::string& where) {
  const ir::Tensor raw = parse_npy(bytes, fmt::format("{}: '{}'", where, file.string()));
  const ir::Shape& s = input.shape;
  const ir::Shape& got = raw.shape();
  const ir::Shape no_batch = !s.empty() && s[0] == 1 ? ir::Shape(s.begin() + 1, s.end()) : s;
  const bool transposable = s.size() == 4 && image_layout(s).value_or(ImageLayout{}).nchw;
  const bool as_nhwc = transposable && got != s && (got == nhwc_of(s) || (s[0] == 1 && got == ir::Shape{s[2], s[3], s[1]}));
  if (got != s && got != no_batch && !as_nhwc)
    fail("{}: '{}' has shape {}, input '{}' needs {}{}{}; save the array with the input's shape", where, file.string(),
         ir::shape_str(got), input.name, ir::shape_str(s),
         no_batch != s ? fmt::format(" (or {} without the batch dim)", ir::shape_str(no_batch)) : "",
         transposable ? fmt::format(" or NHWC {}", ir::shape_str(nhwc_of(s))) : "");
  const std::vector<float> v = exact_floats(raw, file, where);
  if (as_nhwc) return nhwc_to_nchw(v, s);
  return ir::Tensor::from<float>(s, v);
}

}  // namespace

std::vector<InputSpec> input_specs(const ir::Graph& g, const std::vector<bool>& rgb2bgr) {
  if (rgb2bgr.size() > 1 && rgb2bgr.size() != g.inputs.size())
    fail_config("configs.quant_img_RGB2BGR has {} values, the model has {} inputs; give one value, or one per input",
                rgb2bgr.size(), g.inputs.size());
  std::vector<InputSpec> specs;
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    const ir::ValueInfo* info = g.info(g.inputs[i]);
    if (!info || !info->has_shape || !ir::shape_is_static(info->shape))
      fail("input '{}' has shape {}; loading dataset samples needs a fixed shape (set subgraphs.input_size_list)",
           g.inputs[i], info && info->has_shape ? ir::shape_str(info->shape) : "of unknown rank");
    const bool bgr = rgb2bgr.empty() ? false : rgb2bgr[rgb2bgr.size() == 1 ? 0 : i];
    specs.push_back({g.inputs[i], info->shape, bgr});
  }
  return specs;
}

ir::Tensor load_input(const fs::path& file, const InputSpec& input, const std::string& where,
                      std::vector<std::string>* warnings) {
  if (!ir::shape_is_static(input.shape))
    fail("{}: input '{}' has shape {}; loading samples needs a fixed shape (set subgraphs.input_size_list)", where,
         input.name, ir::shape_str(input.shape));
  const std::string bytes = read_bytes(file, where);
  if (lower_extension(file) == ".npy") return load_npy(file, bytes, input, where);
  return load_image(file, bytes, input, where, warnings);
}

std::vector<ir::Tensor> load_sample(const std::vector<fs::path>& files, const std::vector<InputSpec>& inputs,
                                    const std::string& where, std::vector<std::string>* warnings) {
  if (files.size() != inputs.size())
    fail("{}: {} file(s) given, the model has {} input(s); give one file per input, space-separated", where,
         files.size(), inputs.size());
  std::vector<ir::Tensor> out;
  out.reserve(files.size());
  for (size_t i = 0; i < files.size(); ++i) out.push_back(load_input(files[i], inputs[i], where, warnings));
  return out;
}

SampleStream::SampleStream(const fs::path& list, std::vector<InputSpec> inputs, std::vector<std::string>* warnings)
    : list_(list), inputs_(std::move(inputs)), samples_(read_dataset_list(list, inputs_.size())), warnings_(warnings) {}

std::string SampleStream::where(size_t i) const { return fmt::format("{}:{}", list_.string(), samples_.at(i).line); }

std::vector<ir::Tensor> SampleStream::load(size_t i) const {
  return load_sample(samples_.at(i).files, inputs_, where(i), warnings_);
}

std::vector<fs::path> split_inputs(const std::string& arg) {
  std::vector<fs::path> files;
  std::istringstream words(arg);
  for (std::string w; words >> w;) {
    const fs::path f(w);
    std::error_code ec;
    if (!fs::is_regular_file(f, ec))
      fail_config("-a: '{}' not found (paths are relative to the current folder)", f.string());
    if (!supported_extension(f)) fail_config("-a: '{}' is not a .jpg/.png/.bmp/.npy file", f.string());
    files.push_back(f);
  }
  if (files.empty()) fail_config("-a: no files given; pass one image or .npy per model input, e.g. -a \"a.jpg b.jpg\"");
  return files;
}

}  // namespace rknnc::dataset
