#include <algorithm>
#include <map>
#include <string>

#include "runtime/kernels/helpers/dispatch.h"

namespace rknnc::runtime::kernels {
namespace {

// One operand term: a label per dim ('...' expanded to digit labels, which
// are right-aligned across operands so that ellipsis dims broadcast).
using Term = std::string;

std::vector<Term> split_terms(const std::string& lhs) {
  std::vector<Term> terms(1);
  for (char c : lhs) {
    if (c == ',') terms.emplace_back();
    else if (c != ' ') terms.back() += c;
  }
  return terms;
}

// Raises max_ellipsis to the number of dims "..." stands for in `t`.
void count_ellipsis(const KernelContext& ctx, const Term& t, size_t rank, size_t& max_ellipsis) {
  if (t.find("...") == std::string::npos) return;
  const size_t letters = t.size() - 3;
  if (rank < letters) ctx.fail("term '{}' has more labels than its operand's {} dims", t, rank);
  max_ellipsis = std::max(max_ellipsis, rank - letters);
}

// Replaces "..." in `t` by digit labels, right-aligned to max_ellipsis.
Term with_digits(const Term& t, size_t rank, size_t max_ellipsis) {
  const size_t dots = t.find("...");
  if (dots == std::string::npos) return t;
  const size_t n = rank - (t.size() - 3);
  std::string digits;
  for (size_t i = max_ellipsis - n; i < max_ellipsis; ++i) digits += static_cast<char>('0' + i);
  return t.substr(0, dots) + digits + t.substr(dots + 3);
}

// Implicit output: ellipsis labels, then labels seen once in alphabetical order.
Term implicit_output(const std::vector<Term>& terms) {
  std::map<char, int> count;
  for (const auto& t : terms)
    for (char c : t) ++count[c];
  Term out;
  for (const auto& [c, n] : count)
    if (c >= '0' && c <= '9') out += c;
  for (const auto& [c, n] : count)
    if (n == 1 && !(c >= '0' && c <= '9')) out += c;
  return out;
}

// Einsum over any number of operands by walking the full label space:
// output labels outermost (so the output is written in order), summed labels inside.
template <typename T>
void einsum_kernel(KernelContext& ctx) {
  std::string eq = ctx.attrs().get_string("equation", "");
  eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
  const size_t arrow = eq.find("->");
  std::vector<Term> terms = split_terms(eq.substr(0, arrow));
  if (terms.size() != ctx.num_inputs()) ctx.fail("equation '{}' has {} terms for {} inputs", eq, terms.size(), ctx.num_inputs());
  size_t max_ellipsis = 0;
  for (size_t i = 0; i < terms.size(); ++i) count_ellipsis(ctx, terms[i], ctx.in(i).shape().size(), max_ellipsis);
  for (size_t i = 0; i < terms.size(); ++i) terms[i] = with_digits(terms[i], ctx.in(i).shape().size(), max_ellipsis);
  Term out = arrow == std::string::npos ? implicit_output(terms) : eq.substr(arrow + 2);
  if (out.find("...") != std::string::npos) out = with_digits(out, out.size() - 3 + max_ellipsis, max_ellipsis);
  std::map<char, int64_t> size;
  for (size_t i = 0; i < terms.size(); ++i) {
    const ir::Shape& s = ctx.in(i).shape();
    if (terms[i].size() != s.size()) ctx.fail("term '{}' has {} labels for input {} of rank {}", terms[i], terms[i].size(), i, s.size());
    for (size_t d = 0; d < s.size(); ++d) {
      auto [it, fresh] = size.emplace(terms[i][d], s[d]);
      if (!fresh && it->second != s[d] && s[d] != 1 && it->second != 1)
        ctx.fail("label '{}' has sizes {} and {}", terms[i][d], it->second, s[d]);
      it->second = std::max(it->second, s[d]);
    }
  }
  Term labels = out;
  for (const auto& [c, n] : size)
    if (out.find(c) == std::string::npos) labels += c;
  ir::Shape out_shape;
  for (char c : out) {
    if (!size.count(c)) ctx.fail("output label '{}' appears in no input", c);
    out_shape.push_back(size[c]);
  }
  // strides[i][l]: element stride of input i along label l (0 when absent or broadcast).
  std::vector<std::vector<int64_t>> strides(terms.size(), std::vector<int64_t>(labels.size(), 0));
  for (size_t i = 0; i < terms.size(); ++i) {
    const auto st = ir::shape_strides(ctx.in(i).shape());
    for (size_t d = 0; d < terms[i].size(); ++d)
      if (ctx.in(i).shape()[d] != 1) strides[i][labels.find(terms[i][d])] += st[d];
  }
  ir::Shape dims;
  for (char c : labels) dims.push_back(size[c]);
  const int64_t inner = ir::shape_numel(ir::Shape(dims.begin() + static_cast<int64_t>(out.size()), dims.end()));
  T* y = ctx.set_output(0, ctx.in(0).dtype(), out_shape).template data<T>();
  const int64_t total = ir::shape_numel(dims);
  std::vector<int64_t> idx(labels.size(), 0), off(terms.size(), 0);
  double acc = 0;
  for (int64_t n = 0; n < total; ++n) {
    double prod = 1;
    for (size_t i = 0; i < terms.size(); ++i) prod *= static_cast<double>(ctx.in(i).template data<T>()[off[i]]);
    acc += prod;
    if ((n + 1) % inner == 0) {
      y[n / inner] = static_cast<T>(acc);
      acc = 0;
    }
    for (size_t l = labels.size(); l-- > 0;) {  // next label index, row-major
      for (size_t i = 0; i < terms.size(); ++i) off[i] += strides[i][l];
      if (++idx[l] < dims[l]) break;
      for (size_t i = 0; i < terms.size(); ++i) off[i] -= strides[i][l] * dims[l];
      idx[l] = 0;
    }
  }
}

RKNNC_TYPED_KERNELS("Einsum", einsum_kernel, float, double);

}  // namespace
}  // namespace rknnc::runtime::kernels
