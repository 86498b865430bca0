#include "frontends/onnx/external_data.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <optional>

#include "frontends/onnx/onnx_proto.h"
#include "ir/size_limit.h"
#include "util/error.h"

namespace rknnc::frontends::onnx_detail {
namespace {

struct Entry {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
};

uint64_t parse_count(const std::string& key, const std::string& value, const std::string& what) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || value.empty())
    fail("{}: external data {} '{}' is not a byte count; re-export the model", what, key, value);
  return v;
}

Entry read_entry(const onnx::TensorProto& t, const std::string& what) {
  Entry e;
  for (const auto& kv : t.external_data()) {
    if (kv.key() == "location") e.location = kv.value();
    else if (kv.key() == "offset") e.offset = parse_count("offset", kv.value(), what);
    else if (kv.key() == "length") e.length = parse_count("length", kv.value(), what);
  }
  if (e.location.empty()) fail("{}: external data names no location; re-export the model", what);
  return e;
}

// The data file, which must stay inside the model's folder.
std::filesystem::path resolve(const Entry& e, const std::filesystem::path& folder, const std::string& what) {
  const std::filesystem::path rel(e.location);
  if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory())
    fail("{}: external data location '{}' is an absolute path; it must name a file in the model's folder", what,
         e.location);
  for (const auto& part : rel)
    if (part == "..")
      fail("{}: external data location '{}' leaves the model's folder; it must name a file in that folder", what,
           e.location);
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::canonical(folder, ec);
  const std::filesystem::path file = std::filesystem::canonical(folder / rel, ec);
  if (ec) fail("{}: external data file '{}' not found next to the model; copy it beside the model", what, e.location);
  if (std::mismatch(base.begin(), base.end(), file.begin(), file.end()).first != base.end())
    fail("{}: external data file '{}' is a link to '{}', outside the model's folder; copy the file itself beside the "
         "model", what, e.location, file.string());
  if (!std::filesystem::is_regular_file(file, ec)) fail("{}: external data '{}' is not a regular file", what, e.location);
  return file;
}

std::string read_bytes(const onnx::TensorProto& t, const std::filesystem::path& folder, const std::string& what) {
  const Entry e = read_entry(t, what);
  const std::filesystem::path file = resolve(e, folder, what);
  const ir::DataType dtype = to_ir_type(t.data_type(), what);
  const ir::Shape shape(t.dims().begin(), t.dims().end());
  for (int64_t d : shape)
    if (d < 0) fail("{}: has a negative dimension in shape {}; re-export the model", what, ir::shape_str(shape));
  ir::check_tensor_size(shape, what);
  const uint64_t need = static_cast<uint64_t>(ir::shape_numel(shape)) * ir::dtype_size(dtype);
  if (e.length && *e.length != need)
    fail("{}: external data length {} in '{}', but shape {} of {} needs {} bytes; re-export the model", what,
         *e.length, e.location, ir::shape_str(shape), ir::dtype_name(dtype), need);
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(file, ec);
  if (ec || e.offset > size || size - e.offset < need)
    fail("{}: external data '{}' has {} bytes, the tensor needs {} from offset {}; the file is truncated or belongs "
         "to another model", what, e.location, size, need, e.offset);
  std::ifstream in(file, std::ios::binary);
  std::string bytes(need, '\0');
  in.seekg(static_cast<std::streamoff>(e.offset));
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(need)))
    fail("{}: cannot read {} bytes of external data '{}' (permission?)", what, need, e.location);
  return bytes;
}

}  // namespace

void load_external_data(onnx::ModelProto& model, const std::filesystem::path& model_path) {
  const std::filesystem::path folder = model_path.has_parent_path() ? model_path.parent_path() : std::filesystem::path(".");
  for (auto& t : *model.mutable_graph()->mutable_initializer()) {
    if (t.data_location() != onnx::TensorProto::EXTERNAL && t.external_data_size() == 0) continue;
    const std::string what = fmt::format("{}: initializer '{}'", model_path.string(), t.name());
    if (t.has_raw_data()) fail("{}: has both raw data and external data; re-export the model", what);
    t.set_raw_data(read_bytes(t, folder, what));
    t.clear_external_data();
    t.set_data_location(onnx::TensorProto::DEFAULT);
  }
}

}  // namespace rknnc::frontends::onnx_detail
