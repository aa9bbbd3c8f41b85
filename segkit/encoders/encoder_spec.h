#pragma once
// One row of the encoder registry: SMP's name, the family (weight naming), the feature channels at
// depth 5, and a builder. Each family file returns its rows (resnet_encoders(), ...) and
// encoder_registry.cpp concatenates them explicitly, as SMP's `encoders.update(...)` does.

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace segkit::encoders {

class EncoderImpl;

struct EncoderSpec {
  std::string name;
  std::string family;  // "resnet", "densenet", "efficientnet"
  std::vector<int64_t> out_channels;
  std::function<std::shared_ptr<EncoderImpl>(int depth)> build;
  int min_depth = 1;
  int max_depth = 5;
};

}  // namespace segkit::encoders
