#include "ir/verifier.h"

#include <set>

#include "util/error.h"

namespace rknnc::ir {

void verify(const Graph& g, const std::string& stage) {
  auto bad = [&](const std::string& what) { fail("internal: IR verification failed {}: {}", stage, what); };
  std::set<std::string> defined;
  for (const auto& in : g.inputs) {
    if (!defined.insert(in).second) bad("graph input '" + in + "' is listed twice");
    if (!g.info(in)) bad("graph input '" + in + "' has no value info");
  }
  for (const auto& [name, t] : g.initializers) {
    if (!defined.insert(name).second) bad("constant '" + name + "' is also a graph input");
    const ValueInfo* vi = g.info(name);
    if (!vi || vi->dtype != t.dtype() || vi->shape != t.shape())
      bad("constant '" + name + "' has no matching value info");
  }
  std::set<std::string> node_names;
  for (const auto& n : g.nodes) {
    if (n->op_type.empty()) bad("a node has no op type");
    if (!n->name.empty() && !node_names.insert(n->name).second) bad("node name '" + n->name + "' is used twice");
    for (const auto& in : n->inputs)
      if (!in.empty() && !defined.count(in))
        bad("node '" + n->name + "' reads '" + in + "' before it is defined");
    for (const auto& out : n->outputs) {
      if (out.empty()) continue;
      if (!defined.insert(out).second) bad("value '" + out + "' has two producers");
      if (!g.info(out)) bad("value '" + out + "' of node '" + n->name + "' has no value info");
    }
  }
  for (const auto& out : g.outputs)
    if (!defined.count(out)) bad("graph output '" + out + "' is never produced");
}

}  // namespace rknnc::ir
