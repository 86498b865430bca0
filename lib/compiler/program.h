#pragma once
// compiler::Program: what the NPU compiler makes of a quantised graph for one
// Target. The graph itself is unchanged (it is the IR simulator's graph); the
// Program says where each op runs (NPU / CPU), how its work is split across
// cores, which physical buffer holds each value in which layout (NC1HWC2 on
// the NPU, NCHW / plain on the CPU, reorders between them), where each buffer
// lives (internal arena offset, SRAM, input / output) and what each step is
// estimated to cost. The .rknn stores it (docs/rknn-format.md, "program").
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rknnc::compiler {

enum class Device { Npu, Cpu };
const char* device_name(Device d);  // "NPU", "CPU"

// Where one buffer lives at run time.
enum class Region {
  Input,     // a graph input (the caller's memory)
  Output,    // a graph output (the caller's memory)
  Internal,  // the internal arena (DDR), at `offset`
};
const char* region_name(Region r);  // "input", "output", "internal"

// A physical buffer: one logical value in one layout. A value read by both
// NPU and CPU ops has two buffers and a reorder step between them.
struct Buffer {
  std::string value;           // logical IR value
  std::string layout;          // "NC1HWC2", "NCHW" or "" (plain row-major)
  int c2 = 0;                  // NC1HWC2 only
  std::vector<int64_t> shape;  // logical shape
  int elem_size = 0;           // bytes per element
  Region region = Region::Internal;
  int64_t offset = 0;          // in the internal arena
  // With SRAM enabled at run time (RKNN_FLAG_ENABLE_SRAM, §5.7) the buffer
  // lives at this offset of the SRAM window instead; -1: stays in DDR.
  int64_t sram_offset = -1;
  int64_t bytes = 0;           // padded size in this layout
  int first_step = 0;          // step writing it (-1: before the first step)
  int last_step = 0;           // last step reading it (steps.size(): read after the last)
};

// Cost-model estimate of one step (docs/cost-model.md).
struct StepCost {
  int64_t macs = 0;             // multiply-accumulates
  // What the NPU issues, before the core split (the cost model's inputs,
  // also what bench/fit_cost_model.py fits the constants on):
  int64_t array_macs = 0;       // dense Conv / Gemm MACs with channels padded to C2
  int64_t depthwise_macs = 0;   // depthwise Conv MACs with channels padded to C2
  int64_t element_ops = 0;      // element-wise / pooling / data-movement element visits
  int64_t ddr_bytes = 0;        // bytes read + written in DDR
  double npu_cycles = 0;        // compute cycles (after the core split)
  double ddr_cycles = 0;        // DDR transfer cycles, in NPU clock cycles
  double cycles = 0;            // max(npu, ddr) + fixed overhead
  double time_us = 0;
  double mac_usage = 0;         // percent of the cores' peak MACs used
  // configs.sparse_infer: share of a Conv's dense MACs the NPU issues (0.5 for
  // 4:2 structured-sparse weights, 0.25 for 16:4; 1 = dense). Compile-time
  // report only: not stored in the program section.
  double sparse_kept = 1.0;
};

struct Step {
  enum class Kind { Compute, Reorder };
  Kind kind = Kind::Compute;
  int node = -1;               // Compute: index into graph.nodes
  std::string op_type;         // node op type, or "Reorder"
  std::string name;            // node name, or "reorder:<value>:<layout>"
  std::string dtype;           // "INT8", "FLOAT16", "FLOAT32" (eval_perf DataType)
  Device device = Device::Cpu;
  std::string placement_reason;  // why it runs where it does
  std::vector<int> inputs;       // buffer indices (-1: absent optional input / constant)
  std::vector<int> outputs;      // buffer indices
  std::vector<double> workload;  // share of the work per NPU core, in percent (sums to 100)
  StepCost cost;
};

struct MemoryPlan {
  int64_t weight_bytes = 0;          // constants as stored for the NPU
  int64_t internal_bytes = 0;        // size of the internal arena (after reuse)
  int64_t naive_internal_bytes = 0;  // sum of every internal buffer (no reuse)
  int64_t sram_bytes = 0;            // SRAM window used when SRAM is enabled (§5.7)
  int64_t sram_ddr_bytes_saved = 0;  // DDR traffic per frame that SRAM would save
  int64_t input_bytes = 0;
  int64_t output_bytes = 0;
  int64_t other_bytes = 0;           // inputs + outputs + task descriptors (§9.1 "other")
};

struct Program {
  std::string target;
  int cores = 1;                 // NPU cores the program may use
  std::map<std::string, std::vector<int64_t>> input_shapes;  // the shapes it was compiled for
  std::vector<Buffer> buffers;
  std::vector<Step> steps;       // in execution order
  MemoryPlan memory;
  double total_time_us = 0;      // estimated, one frame
  int64_t total_ddr_bytes = 0;

  // Index of the buffer holding `value` in `layout` ("" matches any), -1 when none.
  int find_buffer(const std::string& value, const std::string& layout = "") const;
};

}  // namespace rknnc::compiler
