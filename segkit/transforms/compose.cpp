#include "segkit/transforms/compose.h"

#include <sstream>

#include "segkit/core/error.h"

namespace segkit::transforms {
namespace {

void check_children(const std::vector<TransformPtr>& transforms, const std::string& owner) {
  for (size_t i = 0; i < transforms.size(); ++i) {
    if (!transforms[i]) throw ConfigError(owner + ": transform " + std::to_string(i) + " is null");
  }
}

std::string describe_list(const std::string& name, const std::vector<TransformPtr>& transforms,
                          double p) {
  std::ostringstream out;
  out << name << "([";
  for (size_t i = 0; i < transforms.size(); ++i) {
    out << (i ? ", " : "") << transforms[i]->describe();
  }
  out << "], p=" << p << ")";
  return out.str();
}

}  // namespace

Compose::Compose(std::vector<TransformPtr> transforms, double p)
    : Transform(p), transforms_(std::move(transforms)) {
  check_children(transforms_, "Compose");
}

void Compose::apply(data::Sample& sample, Rng& rng) const {
  for (const auto& transform : transforms_) (*transform)(sample, rng);
}

std::string Compose::describe() const {
  return describe_list(name(), transforms_, p());
}

OneOf::OneOf(std::vector<TransformPtr> transforms, double p)
    : Transform(p), transforms_(std::move(transforms)) {
  check_children(transforms_, "OneOf");
  double total = 0.0;
  for (const auto& transform : transforms_) total += transform->p();
  if (!transforms_.empty() && total <= 0.0) {
    throw ConfigError(
        "OneOf: the children's p are its weights and add up to 0; give at least one "
        "child p > 0");
  }
  double running = 0.0;
  for (const auto& transform : transforms_) {
    running += transform->p();
    cumulative_.push_back(running / total);
  }
  if (!cumulative_.empty()) cumulative_.back() = 1.0;
}

void OneOf::apply(data::Sample& sample, Rng& rng) const {
  if (transforms_.empty()) return;
  const double u = rng.uniform();
  size_t pick = 0;
  while (pick + 1 < cumulative_.size() && u >= cumulative_[pick]) ++pick;
  transforms_[pick]->force(sample, rng);
}

std::string OneOf::describe() const {
  return describe_list(name(), transforms_, p());
}

Sometimes::Sometimes(double p, TransformPtr child) : Transform(p), child_(std::move(child)) {
  if (!child_) throw ConfigError("Sometimes: the child transform is null");
}

void Sometimes::apply(data::Sample& sample, Rng& rng) const {
  child_->force(sample, rng);
}

std::string Sometimes::describe() const {
  std::ostringstream out;
  out << name() << "(p=" << p() << ", " << child_->describe() << ")";
  return out.str();
}

}  // namespace segkit::transforms
