#include "segkit/transforms/transform.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "segkit/core/error.h"

namespace segkit::transforms {
namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;

}  // namespace

uint64_t splitmix64(uint64_t x) {
  uint64_t z = x + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Rng Rng::for_sample(uint64_t seed, uint64_t epoch, uint64_t index) {
  // Each stage is a bijection of the previous hash xor the next key, so for a fixed (seed, epoch)
  // distinct indices always get distinct engine seeds.
  const uint64_t h = splitmix64(splitmix64(splitmix64(seed) ^ epoch) ^ index);
  return Rng(h);
}

double Rng::uniform(double a, double b) {
  // The top 53 bits give every double in [0, 1) that is a multiple of 2^-53.
  const double u = static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0);
  return a + (b - a) * u;
}

int64_t Rng::uniform_int(int64_t a, int64_t b) {
  if (b < a)
    throw Error("Rng::uniform_int: empty range [" + std::to_string(a) + ", " + std::to_string(b) +
                "]");
  const uint64_t span = static_cast<uint64_t>(b) - static_cast<uint64_t>(a) + 1;
  if (span == 0) return static_cast<int64_t>(engine_());  // the full 64-bit range
  // Rejection sampling: values past the last whole multiple of `span` would bias the modulo.
  const uint64_t limit =
      std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % span;
  uint64_t draw = engine_();
  while (draw >= limit) draw = engine_();
  return static_cast<int64_t>(static_cast<uint64_t>(a) + draw % span);
}

double Rng::normal(double mean, double stddev) {
  if (has_spare_) {
    has_spare_ = false;
    return mean + stddev * spare_normal_;
  }
  const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
  const double u2 = uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = kTwoPi * u2;
  spare_normal_ = radius * std::sin(angle);
  has_spare_ = true;
  return mean + stddev * radius * std::cos(angle);
}

Transform::Transform(double p) : p_(p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw ConfigError("p must be within [0, 1], got " + std::to_string(p));
  }
}

Transform::~Transform() = default;

void Transform::check(const data::Sample& sample) const {
  if (sample.image.empty()) {
    throw DataError(name() + ": sample '" + sample.id + "' has no image");
  }
  if (sample.has_mask() && sample.mask.size() != sample.image.size()) {
    throw ShapeError(name() + ": sample '" + sample.id + "' has a " +
                     std::to_string(sample.mask.rows) + "x" + std::to_string(sample.mask.cols) +
                     " mask for a " + std::to_string(sample.image.rows) + "x" +
                     std::to_string(sample.image.cols) +
                     " image (height x width); image and mask must have the same size");
  }
}

void Transform::operator()(data::Sample& sample, Rng& rng) const {
  check(sample);
  if (rng.uniform() < p_) apply(sample, rng);
}

void Transform::force(data::Sample& sample, Rng& rng) const {
  check(sample);
  apply(sample, rng);
}

std::string Transform::describe() const {
  std::ostringstream out;
  out << name() << "(p=" << p_ << ")";
  return out.str();
}

}  // namespace segkit::transforms
