// Removed-weights ("slave") models and their master (configs.remove_weight,
// docs/rknn-format.md §5.2): the digest that ties them, and loading the
// master's constants into the slave.
#include "util/sha256.h"
#include "format/byte_io.h"
#include "format/rknn_file.h"
#include "util/error.h"

namespace rknnc::format {

std::string weights_digest(const ir::Graph& g) {
  Sha256 h;
  for (const auto& [name, t] : g.initializers) {  // std::map: name order
    ByteWriter w;
    w.str(name);
    w.u8(static_cast<uint8_t>(t.dtype()));
    w.count(t.shape().size(), "a shape");
    for (int64_t d : t.shape()) w.i64(d);
    w.u64(t.nbytes());
    h.update(w.data());
    if (t.nbytes()) h.update(std::string_view(static_cast<const char*>(t.raw()), t.nbytes()));
  }
  return h.hex();
}

void use_master_weights(RknnModel& slave, const RknnModel& master, const std::string& slave_what,
                        const std::string& master_what) {
  if (!slave.remove_weights)
    fail_config("--weights-from: {} holds its own weights (converted without remove_weight); drop --weights-from",
                slave_what);
  if (master.remove_weights)
    fail_config("--weights-from: {} has no weights either (converted with remove_weight); give the model converted "
                "without remove_weight",
                master_what);
  const std::string digest = weights_digest(master.graph);
  if (digest != slave.weights_sha256)
    fail_config("{} does not hold the weights {} was built with (digest {}, {} has {}); convert both from the same model",
                master_what, slave_what, slave.weights_sha256.substr(0, 16), master_what, digest.substr(0, 16));
  for (auto& [name, t] : slave.graph.initializers) {
    const ir::Tensor* m = master.graph.constant(name);
    if (!m || m->dtype() != t.dtype() || m->shape() != t.shape())
      fail("{}: corrupt .rknn (constant '{}' does not match {} although the weight digests do)", slave_what, name,
           master_what);
    t = *m;
  }
}

}  // namespace rknnc::format
