#pragma once
// Input sets A and B of ../shared/vectors/losses_metrics.json, rebuilt from the formulas in
// ../shared/vectors/README.md (the file stores only expected values). Header-only: it needs
// LibTorch, which test_support does not link.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace segkit::test {

struct VectorInputs {
  torch::Tensor logits;  // (N, 4, 16, 24) float32
  torch::Tensor target;  // same shape, 0/1 float32
};

/// Set "A" (2 images) or "B" (4 images, with empty truths and empty predictions).
inline VectorInputs vector_inputs(const std::string& set) {
  if (set != "A" && set != "B") throw std::invalid_argument("unknown vector set " + set);
  const int64_t n = set == "A" ? 2 : 4;
  const int64_t count = n * 4 * 16 * 24;
  // Formulas in float64, then logits rounded to float32, as the reference did.
  auto logits = torch::empty({count}, torch::kFloat);
  auto target = torch::empty({count}, torch::kFloat);
  auto neg = torch::empty({count}, torch::kFloat);
  auto* l = logits.data_ptr<float>();
  auto* t = target.data_ptr<float>();
  auto* g = neg.data_ptr<float>();
  for (int64_t i = 0; i < count; ++i) {
    const double x = 3.0 * std::sin(0.37 * static_cast<double>(i));
    l[i] = static_cast<float>(x);
    g[i] = static_cast<float>(-(std::fabs(x) + 0.5));
    t[i] = std::sin(0.11 * static_cast<double>(i) + 1.0) > 0.3 ? 1.0f : 0.0f;
  }
  logits = logits.reshape({n, 4, 16, 24});
  target = target.reshape({n, 4, 16, 24});
  neg = neg.reshape({n, 4, 16, 24});
  using torch::indexing::Slice;
  target.index_put_({1, 2}, 0.0);
  if (set == "B") {
    logits.index_put_({1, 2}, neg.index({1, 2}));
    logits.index_put_({0, 3}, neg.index({0, 3}));
    target.index_put_({Slice(), 1}, 0.0);
    target.index_put_({2}, 0.0);
    target.index_put_({3}, 0.0);
    logits.index_put_({3}, neg.index({3}));
  }
  return {logits, target};
}

/// Compares values against the reference within 1e-5 relative (1e-6 absolute near 0) and keeps
/// the tally the tests print: values compared and the worst relative error.
struct VectorTally {
  int values = 0;
  double worst_relative = 0;
  std::string worst_where;

  void expect_close(double actual, double expected, const std::string& where) {
    ++values;
    const double error = std::fabs(actual - expected);
    EXPECT_LE(error, std::max(1e-5 * std::fabs(expected), 1e-6))
        << where << ": got " << actual << ", expected " << expected;
    const double relative = error / std::max(std::fabs(expected), 1e-6);
    if (relative > worst_relative) {
      worst_relative = relative;
      worst_where = where;
    }
  }

  /// Element by element; `actual` is flattened against a flat or nested JSON list.
  template <typename Json>
  void expect_close(const torch::Tensor& actual, const Json& expected, const std::string& where) {
    std::vector<double> flat;
    flatten(expected, flat);
    auto values = actual.detach().to(torch::kDouble).contiguous().reshape(-1);
    ASSERT_EQ(values.numel(), static_cast<int64_t>(flat.size())) << where;
    for (size_t i = 0; i < flat.size(); ++i) {
      expect_close(values[static_cast<int64_t>(i)].template item<double>(), flat[i],
                   where + "[" + std::to_string(i) + "]");
    }
  }

  template <typename Json>
  static void flatten(const Json& value, std::vector<double>& out) {
    if (value.is_array()) {
      for (const auto& item : value) flatten(item, out);
    } else {
      out.push_back(value.template get<double>());
    }
  }
};

}  // namespace segkit::test
