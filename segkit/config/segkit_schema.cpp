#include "segkit/config/segkit_schema.h"

namespace segkit::config {
namespace {

Schema build_schema() {
  Schema root = Schema::section("segkit configuration");
  root.add("seed", Schema::integer(42, "Seed of every random choice (weights init, shuffling, augmentation)")
                       .range(0, {}));
  root.add("threads", Schema::integer(0, "Intra-op CPU threads; 0 = OMP_NUM_THREADS when set, else all cores")
                          .range(0, {}));
  root.add("device", Schema::string("auto", "Where tensors live: auto (CUDA when available), cpu, cuda, cuda:N"));
  root.add("log_level", Schema::string("info", "Logging verbosity")
                            .choices({"trace", "debug", "info", "warn", "error", "off"}));
  return root;
}

}  // namespace

const Schema& segkit_schema() {
  static const Schema schema = build_schema();
  return schema;
}

}  // namespace segkit::config
