// Runs ONNX backend node tests (model.onnx + test_data_set_N/{input,output}_M.pb)
// through the ONNX frontend and the fp32 reference executor.
//
//   run_node_tests CASES.txt [--data DIR] [--filter SUBSTR] [--all]
//
// CASES.txt lists the case folders we claim (one a line, # comments). The data
// folder defaults to $ONNX_TESTDATA/node. --all runs every folder in the data
// folder instead (to find which cases pass) and prints PASS/FAIL lines.
// JUnit XML goes to $RKNNC_JUNIT_DIR/onnx_node.xml. Exit 1 on any failure.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "frontends/frontend.h"
#include "frontends/onnx/onnx_proto.h"
#include "runtime/executor.h"
#include "util/error.h"
#include "util/half.h"

namespace fs = std::filesystem;
using namespace rknnc;

namespace {

constexpr double kRtol = 1e-3, kAtol = 1e-5;

struct Named {
  std::string name;
  ir::Tensor tensor;
};

Named read_pb(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  onnx::TensorProto t;
  if (!in || !t.ParseFromIstream(&in)) fail("{}: not a TensorProto", p.string());
  return {t.name(), frontends::onnx_detail::to_ir_tensor(t, p.string())};
}

// input_0.pb, input_1.pb, … in numeric order.
std::vector<Named> read_all(const fs::path& dir, const std::string& prefix) {
  std::vector<Named> out;
  for (int i = 0;; ++i) {
    const fs::path p = dir / fmt::format("{}_{}.pb", prefix, i);
    if (!fs::exists(p)) break;
    out.push_back(read_pb(p));
  }
  return out;
}

double value(const ir::Tensor& t, int64_t i) { return t.get_as_double(i); }

std::string index_str(const ir::Shape& shape, int64_t i) {
  std::vector<int64_t> idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = i % shape[d];
    i /= shape[d];
  }
  std::string s;
  for (int64_t v : idx) s += (s.empty() ? "" : ",") + std::to_string(v);
  return "[" + s + "]";
}

// Empty string when equal within tolerance, else the first mismatch.
std::string compare(const std::string& name, const ir::Tensor& want, const ir::Tensor& got) {
  if (want.dtype() != got.dtype())
    return fmt::format("output '{}': dtype {} expected {}", name, ir::dtype_name(got.dtype()), ir::dtype_name(want.dtype()));
  if (want.shape() != got.shape())
    return fmt::format("output '{}': shape {} expected {}", name, ir::shape_str(got.shape()), ir::shape_str(want.shape()));
  const bool is_float = ir::dtype_is_float(want.dtype());
  for (int64_t i = 0; i < want.numel(); ++i) {
    bool ok;
    std::string w, g;
    if (is_float) {
      const double a = value(want, i), b = value(got, i);
      if (std::isnan(a) || std::isnan(b)) ok = std::isnan(a) && std::isnan(b);
      else if (std::isinf(a) || std::isinf(b)) ok = a == b;
      else ok = std::abs(a - b) <= kAtol + kRtol * std::abs(a);
      w = fmt::format("{}", a), g = fmt::format("{}", b);
    } else {
      ok = want.get_as_int(i) == got.get_as_int(i);
      w = std::to_string(want.get_as_int(i)), g = std::to_string(got.get_as_int(i));
    }
    if (!ok) return fmt::format("output '{}' at {}: got {}, expected {}", name, index_str(want.shape(), i), g, w);
  }
  return {};
}

// Runs one case; empty string on success, else the failure message.
std::string run_case(const fs::path& dir) {
  try {
    frontends::LoadOptions load;
    load.check_by_execution = false;  // inputs here are real data (shapes, scales), not images: zeros are invalid
    const ir::Graph g = frontends::load_onnx(dir / "model.onnx", load);
    runtime::Executor exec(g);
    int sets = 0;
    for (int s = 0;; ++s) {
      const fs::path set = dir / fmt::format("test_data_set_{}", s);
      if (!fs::exists(set)) break;
      ++sets;
      auto inputs = read_all(set, "input");
      auto outputs = read_all(set, "output");
      runtime::TensorMap feeds;
      size_t next = 0;
      for (auto& in : inputs) {
        const bool named = std::find(g.inputs.begin(), g.inputs.end(), in.name) != g.inputs.end();
        if (!named && next >= g.inputs.size()) return fmt::format("{}: more input files than graph inputs", set.string());
        feeds[named ? in.name : g.inputs[next]] = in.tensor;
        ++next;
      }
      const runtime::TensorMap got = exec.run(feeds);
      if (outputs.size() != g.outputs.size())
        return fmt::format("{} has {} outputs, the graph {}", set.string(), outputs.size(), g.outputs.size());
      for (size_t i = 0; i < outputs.size(); ++i) {
        const std::string& name = outputs[i].name.empty() ? g.outputs[i] : outputs[i].name;
        auto it = got.find(name);
        if (it == got.end()) return fmt::format("output '{}' was not produced", name);
        std::string msg = compare(name, outputs[i].tensor, it->second);
        if (!msg.empty()) return fmt::format("test_data_set_{}: {}", s, msg);
      }
    }
    if (sets == 0) return "no test_data_set_* folder";
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') ? ' ' : c;
    }
  }
  return out;
}

std::vector<std::string> read_cases(const fs::path& file) {
  std::ifstream in(file);
  if (!in) fail_config("{}: cannot read the case list", file.string());
  std::vector<std::string> cases;
  std::set<std::string> seen;
  for (std::string line; std::getline(in, line);) {
    if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
    line.erase(0, line.find_first_not_of(" \t"));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (line.empty()) continue;
    if (!seen.insert(line).second) fail_config("{}: case '{}' is listed twice", file.string(), line);
    cases.push_back(line);
  }
  return cases;
}

struct Result {
  std::string name, failure;
  double seconds;
};

void write_junit(const std::vector<Result>& results) {
  const char* dir = std::getenv("RKNNC_JUNIT_DIR");
  if (!dir || !*dir) return;
  fs::create_directories(dir);
  size_t failures = 0;
  for (const auto& r : results) failures += !r.failure.empty();
  std::ofstream out(fs::path(dir) / "onnx_node.xml");
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuites><testsuite name=\"onnx_node\" tests=\"{}\" failures=\"{}\">\n", results.size(), failures);
  for (const auto& r : results) {
    out << fmt::format("  <testcase classname=\"onnx_node\" name=\"{}\" time=\"{:.4f}\"", xml_escape(r.name), r.seconds);
    if (r.failure.empty()) out << "/>\n";
    else out << fmt::format(">\n    <failure message=\"{}\"/>\n  </testcase>\n", xml_escape(r.failure));
  }
  out << "</testsuite></testsuites>\n";
}

int main_impl(int argc, char** argv) {
  std::string cases_file, filter;
  fs::path data;
  bool all = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) data = argv[++i];
    else if (a == "--filter" && i + 1 < argc) filter = argv[++i];
    else if (a == "--all") all = true;
    else if (!a.empty() && a[0] != '-') cases_file = a;
    else fail_config("usage: run_node_tests CASES.txt [--data DIR] [--filter SUBSTR] [--all]");
  }
  if (data.empty()) {
    const char* env = std::getenv("ONNX_TESTDATA");
    if (!env || !*env) fail_config("ONNX_TESTDATA is not set; run scripts/install-deps.sh (Debian libonnx-testdata)");
    data = fs::path(env) / "node";
  }
  if (!fs::is_directory(data))
    fail_config("{}: ONNX node test data not found; install it with scripts/install-deps.sh (libonnx-testdata)",
                data.string());
  std::vector<std::string> cases;
  if (all) {
    for (const auto& e : fs::directory_iterator(data)) cases.push_back(e.path().filename().string());
    std::sort(cases.begin(), cases.end());
  } else {
    if (cases_file.empty()) fail_config("give the case list (tests/onnx_node/cases.txt)");
    cases = read_cases(cases_file);
  }
  std::vector<Result> results;
  for (const auto& c : cases) {
    if (!filter.empty() && c.find(filter) == std::string::npos) continue;
    const auto t0 = std::chrono::steady_clock::now();
    std::string failure = fs::is_directory(data / c) ? run_case(data / c) : "case folder missing in " + data.string();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << (failure.empty() ? "PASS " : "FAIL ") << c << (failure.empty() ? "" : ": " + failure) << "\n";
    results.push_back({c, failure, secs});
  }
  write_junit(results);
  size_t failed = 0;
  for (const auto& r : results) failed += !r.failure.empty();
  std::cout << fmt::format("onnx node tests: {} passed, {} failed\n", results.size() - failed, failed);
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return main_impl(argc, argv);
  } catch (const Error& e) {
    std::cerr << "run_node_tests: " << e.what() << "\n";
    return 2;
  }
}
