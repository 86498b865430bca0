#include "quant/hybrid_proposal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <span>

#include "quant/accuracy.h"
#include "quant/float16.h"
#include "quant/mixed_range.h"
#include "util/cancel.h"

namespace rknnc::quant {
namespace {

// Cosine accumulated over several tensor pairs (all samples of one output).
struct CosineSum {
  double dot = 0, na = 0, nb = 0;
  void add(double x, double y) { dot += x * y, na += x * x, nb += y * y; }
  double cosine() const { return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : (na == nb ? 1.0 : 0.0); }
};

// Part [offset, offset + length) along `axis` of a tensor: the elements one
// Concat input contributed.
struct Segment {
  int64_t axis = 0, offset = 0, length = 0;
};

void add_segment(CosineSum& sum, const ir::Tensor& golden, const ir::Tensor& got, const Segment& s) {
  const ir::Shape& shape = golden.shape();
  if (got.numel() != golden.numel() || s.axis >= static_cast<int64_t>(shape.size())) return;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < s.axis; ++d) outer *= shape[d];
  for (size_t d = s.axis + 1; d < shape.size(); ++d) inner *= shape[d];
  const int64_t dim = shape[s.axis];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t a = s.offset; a < s.offset + s.length && a < dim; ++a)
      for (int64_t k = 0; k < inner; ++k) {
        const int64_t i = (o * dim + a) * inner + k;
        sum.add(golden.get_as_double(i), got.get_as_double(i));
      }
}

void add_all(CosineSum& sum, const ir::Tensor& golden, const ir::Tensor& got) {
  if (got.numel() != golden.numel()) return sum.add(1, 0);
  for (int64_t i = 0; i < golden.numel(); ++i) sum.add(golden.get_as_double(i), got.get_as_double(i));
}

// A tensor of a trial in float32: int8 dequantised with its parameters, half widened.
ir::Tensor to_float(const ir::Graph& g, const std::string& name, const ir::Tensor& t) {
  return t.dtype() == ir::DataType::Float32 ? t : as_float(g, name, t);
}

using Values = std::vector<runtime::TensorMap>;  // per sample: tensor -> float32 value

// Runs trials: the model as step2 builds it with a set of float16 layers.
class Trials {
 public:
  Trials(const ProposalInput& in, std::set<std::string> watch) : in_(in), watch_(std::move(watch)) {
    const runtime::Executor ex(*in.prepared);
    for (const auto& sample : samples()) golden_.push_back(run(*in.prepared, ex, sample));
  }

  // Model output cosine (lowest over outputs, all samples) and the watched tensors.
  std::pair<double, Values> run_with(const std::set<std::string>& half) {
    ++count_;
    ir::Graph g = *in_.prepared;
    run_layers_in_float16(g, half);
    quantize_graph(g, *in_.cal, in_.method);
    const runtime::Executor ex(g);
    Values values;
    for (const auto& sample : samples()) values.push_back(run(g, ex, sample));
    double worst = 1;
    for (const auto& out : in_.prepared->outputs) {
      CosineSum sum;
      for (size_t i = 0; i < values.size(); ++i) add_all(sum, golden_[i].at(out), values[i].at(out));
      worst = std::min(worst, sum.cosine());
    }
    return {worst, std::move(values)};
  }

  double segment_cosine(const Values& values, const std::string& tensor, const Segment& s) const {
    CosineSum sum;
    for (size_t i = 0; i < values.size(); ++i)
      if (values[i].count(tensor)) add_segment(sum, golden_[i].at(tensor), values[i].at(tensor), s);
    return sum.cosine();
  }

  size_t sample_count() const { return samples().size(); }
  int count() const { return count_; }

 private:
  std::span<const runtime::TensorMap> samples() const {
    return {in_.samples.data(), std::min(in_.samples.size(), kProposalSamples)};
  }

  // Graph outputs and watched tensors in float32 (int8 versions dequantised).
  runtime::TensorMap run(const ir::Graph& g, const runtime::Executor& ex, const runtime::TensorMap& inputs) const {
    std::map<std::string, std::string> wanted;  // simulator name -> original name
    for (const auto& t : watch_) {
      wanted[t] = t;
      if (const std::string q = g.quant.empty() ? "" : int8_name(g, t); !q.empty()) wanted[q] = t;
    }
    runtime::TensorMap got;
    const runtime::TensorMap outs = ex.run(inputs, [&](const ir::Node& n, const std::vector<ir::Tensor>& values) {
      for (size_t i = 0; i < values.size(); ++i)
        if (auto it = wanted.find(n.outputs[i]); it != wanted.end() && !got.count(it->second))
          got[it->second] = to_float(g, n.outputs[i], values[i]);
    });
    for (const auto& [name, t] : outs) got[name] = to_float(g, name, t);
    return got;
  }

  const ProposalInput& in_;
  std::set<std::string> watch_;
  std::vector<runtime::TensorMap> golden_;
  int count_ = 0;
};

// The int8 layers reading `tensor`, through ops that only move values (their
// outputs have no parameters of their own): they would quantise the Concat's
// output onto its one scale again.
std::vector<std::string> int8_readers(const ir::Graph& g, const std::string& tensor, const std::set<std::string>& layers) {
  std::vector<std::string> found, todo{tensor};
  std::set<std::string> seen;
  while (!todo.empty()) {
    const std::string t = todo.back();
    todo.pop_back();
    for (const ir::Node* n : g.consumers(t))
      for (const auto& out : n->outputs) {
        if (out.empty() || !seen.insert(out).second) continue;
        if (layers.count(out))
          found.push_back(out);
        else
          todo.push_back(out);
      }
  }
  return found;
}

// Where the narrow input lies in the Concat output.
Segment narrow_segment(const ir::Graph& g, const MixedConcat& m) {
  Segment s;
  const ir::ValueInfo* out = g.info(m.node->outputs[0]);
  if (!out || !out->has_shape) return s;
  s.axis = ir::normalize_axis(m.node->attrs.get_int("axis", 0), out->shape.size(), m.node->name);
  for (const auto& in : m.node->inputs) {
    const ir::ValueInfo* vi = g.info(in);
    const int64_t len = vi && vi->has_shape ? vi->shape.at(s.axis) : 0;
    if (in == m.narrow) {
      s.length = len;
      break;
    }
    s.offset += len;
  }
  return s;
}

class Search {
 public:
  Search(const ProposalInput& in, const ProposalOptions& options, const std::atomic<bool>* cancel)
      : in_(in), options_(options), cancel_(cancel) {
    for (const auto& [t, cos] : in.candidates) layers_.insert(t);
    mixed_ = mixed_range_concats(*in.prepared, *in.cal);
    std::set<std::string> watch;
    for (const auto& m : mixed_) watch.insert(m.node->outputs[0]);
    trials_.emplace(in, watch);
    auto [cos, values] = trials_->run_with({});
    plain_ = values;
    result_.plain_cos = result_.cos = cos;
  }

  Proposal run() {
    for (const MixedConcat& m : mixed_) add_mixed(m);
    greedy();
    summarise();
    return std::move(result_);
  }

 private:
  int room() const { return options_.max_layers - static_cast<int>(chosen_.size()); }

  // `tensor`'s layer and the int8 layers reading it, not chosen yet: in
  // float16 together, `tensor` is never put on its int8 scale.
  std::vector<std::string> group_of(const std::string& tensor) const {
    std::vector<std::string> group{tensor};
    for (const auto& r : int8_readers(*in_.prepared, tensor, layers_))
      if (!chosen_.count(r) && r != tensor) group.push_back(r);
    return group;
  }

  std::set<std::string> with(const std::vector<std::string>& group) const {
    std::set<std::string> half = chosen_;
    half.insert(group.begin(), group.end());
    return half;
  }

  void add_readers(const std::vector<std::string>& group) {
    const size_t of = result_.layers.size();
    for (size_t i = 1; i < group.size(); ++i)
      add(group[i], fmt::format("reads '{}' (proposal {}): in int8 it would quantise it onto its one int8 scale again",
                                group[0], of));
  }

  void add_mixed(const MixedConcat& m) {
    const std::string& concat = m.node->outputs[0];
    const std::vector<std::string> group = group_of(concat);
    if (static_cast<int>(group.size()) > room()) {
      skipped_.push_back(concat);
      return;
    }
    throw_if_cancelled(cancel_);
    const auto [cos, values] = trials_->run_with(with(group));
    const Segment seg = narrow_segment(*in_.prepared, m);
    const double before = trials_->segment_cosine(plain_, concat, seg);
    const double after = trials_->segment_cosine(values, concat, seg);
    add(concat, fmt::format("mixed ranges: input '{}' [{:.4g}, {:.4g}] is {:.0f}x narrower than '{}'; in "
                            "float16 its part of '{}' goes from cosine {:.6f} to {:.6f} (output cosine {:.6f} -> {:.6f})",
                            m.narrow, m.narrow_range.lo, m.narrow_range.hi, m.factor, m.wide, concat, before, after,
                            result_.cos, cos));
    add_readers(group);
    result_.cos = cos;
  }

  void greedy() {
    std::vector<std::pair<std::string, double>> pool;
    for (const auto& c : in_.candidates)
      if (!chosen_.count(c.first)) pool.push_back(c);
    std::stable_sort(pool.begin(), pool.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    if (pool.size() > kProposalCandidates) pool.resize(kProposalCandidates);
    while (result_.cos < options_.target_cos && room() > 0) {
      std::erase_if(pool, [&](const auto& c) { return chosen_.count(c.first) != 0; });
      size_t best = pool.size();
      double best_cos = result_.cos;
      std::vector<std::string> best_group;
      for (size_t i = 0; i < pool.size(); ++i) {
        std::vector<std::string> group = group_of(pool[i].first);
        if (static_cast<int>(group.size()) > room()) group.resize(1);  // what fits: the layer alone
        throw_if_cancelled(cancel_);
        const double cos = trials_->run_with(with(group)).first;
        if (cos > best_cos) best = i, best_cos = cos, best_group = group;
      }
      if (best == pool.size()) {
        stop_ = pool.empty() ? "all candidates tried" : "no other candidate raises the output cosine";
        return;
      }
      add(pool[best].first,
          fmt::format("single-layer cosine {:.6f}; in float16{} the output cosine goes {:.6f} -> {:.6f}",
                      pool[best].second,
                      best_group.size() > 1 ? fmt::format(" with its {} int8 reader(s)", best_group.size() - 1) : "",
                      result_.cos, best_cos));
      add_readers(best_group);
      result_.cos = best_cos;
    }
    if (result_.cos >= options_.target_cos)
      stop_ = fmt::format("target {} reached", options_.target_cos);
    else if (room() <= 0)
      stop_ = fmt::format("--max-layers {} reached", options_.max_layers);
  }

  void add(const std::string& tensor, std::string why) {
    chosen_.insert(tensor);
    const ir::Node* n = in_.prepared->producer(tensor);
    result_.layers.push_back(
        {tensor, "float16", fmt::format("proposal {}, {}: {}", result_.layers.size() + 1, n ? n->op_type : "layer", why)});
  }

  void summarise() {
    auto& s = result_.summary;
    s.push_back(fmt::format("Proposal (rknnc hybrid step1 --proposal, target cosine {}, at most {} layers): model "
                            "output cosine vs float32 on {} calibration sample(s)",
                            options_.target_cos, options_.max_layers, trials_->sample_count()));
    s.push_back(fmt::format("{:.6f} in plain int8, {:.6f} with the {} layer(s) below ({}; {} trial builds).",
                            result_.plain_cos, result_.cos, result_.layers.size(), stop_, trials_->count()));
    s.push_back(fmt::format("Tried: mixed-range Concats first, then the {} layers with the lowest single-layer "
                            "cosine (each with its int8 readers).",
                            kProposalCandidates));
    for (const auto& c : skipped_)
      s.push_back(fmt::format("Mixed-range Concat '{}' and its int8 readers do not fit into --max-layers {}.", c,
                              options_.max_layers));
  }

  const ProposalInput& in_;
  ProposalOptions options_;
  const std::atomic<bool>* cancel_;
  std::set<std::string> layers_, chosen_;
  std::vector<MixedConcat> mixed_;
  std::optional<Trials> trials_;
  Values plain_;
  Proposal result_;
  std::vector<std::string> skipped_;
  std::string stop_ = "the plain model reaches the target";
};

}  // namespace

Proposal propose_float16_layers(const ProposalInput& in, const ProposalOptions& options,
                                const std::atomic<bool>* cancel) {
  return Search(in, options, cancel).run();
}

}  // namespace rknnc::quant
