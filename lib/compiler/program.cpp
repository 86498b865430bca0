#include "compiler/program.h"

namespace rknnc::compiler {

const char* device_name(Device d) { return d == Device::Npu ? "NPU" : "CPU"; }

const char* region_name(Region r) {
  switch (r) {
    case Region::Input: return "input";
    case Region::Output: return "output";
    case Region::Internal: break;
  }
  return "internal";
}

int Program::find_buffer(const std::string& value, const std::string& layout) const {
  for (size_t i = 0; i < buffers.size(); ++i)
    if (buffers[i].value == value && (layout.empty() || buffers[i].layout == layout)) return static_cast<int>(i);
  return -1;
}

}  // namespace rknnc::compiler
