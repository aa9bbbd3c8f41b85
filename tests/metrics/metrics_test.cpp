// Every metric entry of ../shared/vectors/losses_metrics.json against our metrics (inputs rebuilt
// from the README's formulas).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fstream>
#include <map>

#include "segkit/metrics/metrics.h"
#include "tests/support/test_support.h"
#include "tests/support/vector_inputs.h"

namespace segkit::metrics {
namespace {

using json = nlohmann::ordered_json;

Stats stats_of(const test::VectorInputs& inputs, bool strict) {
  StatsOptions options;
  options.threshold = 0.5;
  options.strict = strict;
  return get_stats(torch::sigmoid(inputs.logits), inputs.target.to(torch::kLong), Mode::kMultilabel, options);
}

void expect_counts(const torch::Tensor& actual, const json& expected, const std::string& where) {
  std::vector<int64_t> flat;
  for (const auto& row : expected) {
    for (const auto& value : row) flat.push_back(value.get<int64_t>());
  }
  EXPECT_TRUE(torch::equal(actual.reshape(-1), torch::tensor(flat, torch::kLong))) << where;
}

void check_smp_iou(const Stats& stats, const json& entry, const std::string& where, test::VectorTally& tally) {
  for (const auto& [key, expected] : entry.items()) {
    if (key == "call") continue;  // documentation of the reference call
    if (key == "tp" || key == "fp" || key == "fn" || key == "tn") {
      const auto& counts = key == "tp" ? stats.tp : key == "fp" ? stats.fp : key == "fn" ? stats.fn : stats.tn;
      expect_counts(counts, expected, where + "/" + key);
      continue;
    }
    ASSERT_EQ(key.rfind("iou_", 0), 0u) << "unknown smp_iou key " << key;
    const auto reduction = parse_reduction(key.substr(4));
    tally.expect_close(iou_score(stats, {reduction}), expected, where + "/" + key);
  }
}

void check_kaggle(const Stats& stats, const json& entry, const std::string& where, test::VectorTally& tally) {
  const auto dice = kaggle_dice(stats);
  for (const auto& [key, expected] : entry.items()) {
    if (key == "mean") {
      tally.expect_close(dice.mean, expected.get<double>(), where + "/mean");
    } else {
      ASSERT_EQ(key, "per_image_class") << "unknown kaggle_dice key";
      tally.expect_close(dice.per_image_class, expected, where + "/" + key);
    }
  }
}

void check_optional(const std::optional<double>& actual, const json& expected, const std::string& where,
                    test::VectorTally& tally) {
  if (expected.is_null()) {
    EXPECT_FALSE(actual.has_value()) << where;
  } else {
    ASSERT_TRUE(actual.has_value()) << where;
    tally.expect_close(*actual, expected.get<double>(), where);
  }
}

void check_seed(const Stats& stats, const json& entry, const std::string& where, test::VectorTally& tally) {
  const auto dice = pos_neg_dice(stats);
  for (const auto& [key, expected] : entry.items()) {
    if (key == "per_image") {
      ASSERT_EQ(static_cast<int64_t>(expected.size()), dice.per_image.size(0)) << where;
      for (const auto& image : expected) {
        const auto i = image.at("image").get<int64_t>();
        EXPECT_EQ(dice.positive[i].item<bool>(), image.at("kind") == "pos") << where << " image " << i;
        tally.expect_close(dice.per_image[i].item<double>(), image.at("dice").get<double>(),
                           where + "/per_image/" + std::to_string(i));
      }
    } else if (key == "dice_mean") {
      tally.expect_close(dice.mean, expected.get<double>(), where + "/" + key);
    } else if (key == "dice_pos_mean") {
      check_optional(dice.pos_mean, expected, where + "/" + key, tally);
    } else if (key == "dice_neg_mean") {
      check_optional(dice.neg_mean, expected, where + "/" + key, tally);
    } else if (key == "num_pos") {
      EXPECT_EQ(dice.num_pos, expected.get<int64_t>()) << where;
    } else {
      ASSERT_EQ(key, "num_neg") << "unknown seed_dice_metric key";
      EXPECT_EQ(dice.num_neg, expected.get<int64_t>()) << where;
    }
  }
}

TEST(MetricVectors, EveryEntryMatchesReference) {
  SEGKIT_REQUIRE_SHARED(shared);
  std::ifstream in(shared / "vectors" / "losses_metrics.json");
  ASSERT_TRUE(in.good());
  const json vectors = json::parse(in);
  std::map<std::string, test::VectorTally> tallies;  // per column
  int entries = 0;
  for (const auto& [set_name, set] : vectors.at("sets").items()) {
    const auto inputs = test::vector_inputs(set_name);
    for (const auto& [column, results] : set.items()) {
      if (column == "inputs") continue;
      ASSERT_TRUE(column == "float32" || column == "float64") << "unknown column " << column;
      auto typed = inputs;
      typed.logits = inputs.logits.to(column == "float32" ? torch::kFloat : torch::kDouble);
      auto& tally = tallies[column];
      for (const auto& [name, entry] : results.at("metrics").items()) {
        const std::string where = set_name + "/" + column + "/" + name;
        if (name == "smp_iou") {
          check_smp_iou(stats_of(typed, /*strict=*/false), entry, where, tally);
        } else if (name == "kaggle_dice (p > 0.5)") {
          check_kaggle(stats_of(typed, true), entry, where, tally);
        } else if (name == "kaggle_dice (p >= 0.5)") {
          check_kaggle(stats_of(typed, false), entry, where, tally);
        } else if (name == "seed_dice_metric (p > 0.5)") {
          check_seed(stats_of(typed, true), entry, where, tally);
        } else {
          ADD_FAILURE() << "no C++ computation for vector entry '" << name << "'";
        }
        ++entries;
      }
    }
  }
  EXPECT_EQ(entries, 16);  // 2 sets x 2 columns x 4 entries
  for (const auto& [column, tally] : tallies) {
    std::cout << "[ vectors  ] " << column << ": " << tally.values << " float values (counts compared exactly); "
              << "worst relative error " << tally.worst_relative << " (" << tally.worst_where << ")\n";
  }
  std::cout << "[ vectors  ] " << entries << " metric entries compared\n";
}

}  // namespace
}  // namespace segkit::metrics
