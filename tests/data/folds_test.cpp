#include "segkit/data/folds.h"

#include <gtest/gtest.h>

#include <set>

#include "segkit/core/error.h"
#include "tests/support/test_support.h"

namespace segkit::data {
namespace {

std::vector<int> counts(const std::vector<int>& folds, int k) {
  std::vector<int> sizes(k, 0);
  for (int fold : folds) ++sizes.at(fold);
  return sizes;
}

TEST(Folds, KFoldIsBalancedSeededAndShuffled) {
  const auto folds = kfold(103, 5, 42);
  const auto sizes = counts(folds, 5);
  EXPECT_EQ(*std::max_element(sizes.begin(), sizes.end()) - *std::min_element(sizes.begin(), sizes.end()), 1);
  EXPECT_EQ(folds, kfold(103, 5, 42));
  EXPECT_NE(folds, kfold(103, 5, 43));
  std::vector<int> in_order(103);
  for (size_t i = 0; i < in_order.size(); ++i) in_order[i] = static_cast<int>(i % 5);
  EXPECT_NE(folds, in_order);
  EXPECT_THROW(kfold(3, 5, 0), ConfigError);
  EXPECT_THROW(kfold(10, 1, 0), ConfigError);
}

TEST(Folds, StratifiedSpreadsEveryStratumEvenly) {
  // Severstal-like: many empty images (0 defects), fewer with 1, a few with 2.
  std::vector<int> strata;
  for (int i = 0; i < 60; ++i) strata.push_back(0);
  for (int i = 0; i < 27; ++i) strata.push_back(1);
  for (int i = 0; i < 8; ++i) strata.push_back(2);
  const auto folds = stratified_kfold(strata, 4, 7);
  for (int stratum = 0; stratum <= 2; ++stratum) {
    std::vector<int> per_fold(4, 0);
    for (size_t i = 0; i < strata.size(); ++i) per_fold[folds[i]] += strata[i] == stratum;
    EXPECT_LE(*std::max_element(per_fold.begin(), per_fold.end()) - *std::min_element(per_fold.begin(), per_fold.end()),
              1)
        << "stratum " << stratum;
  }
  const auto sizes = counts(folds, 4);
  EXPECT_LE(*std::max_element(sizes.begin(), sizes.end()) - *std::min_element(sizes.begin(), sizes.end()), 1);
}

TEST(Folds, GroupsNeverSplitAndFoldsStayBalanced) {
  std::vector<std::string> groups;
  for (int patient = 0; patient < 30; ++patient) {
    for (int image = 0; image <= patient % 4; ++image) groups.push_back("patient" + std::to_string(patient));
  }
  const auto folds = group_kfold(groups, 5, 1);
  std::map<std::string, std::set<int>> folds_of_group;
  for (size_t i = 0; i < groups.size(); ++i) folds_of_group[groups[i]].insert(folds[i]);
  for (const auto& [group, set] : folds_of_group) EXPECT_EQ(set.size(), 1u) << group;
  const auto sizes = counts(folds, 5);
  EXPECT_LE(*std::max_element(sizes.begin(), sizes.end()) - *std::min_element(sizes.begin(), sizes.end()), 4);
  EXPECT_THROW(group_kfold({"a", "a", "b"}, 3, 0), ConfigError);
}

TEST(Folds, CsvRoundTripAndErrors) {
  test::TempDir dir;
  const std::vector<std::string> ids = {"a.jpg", "b.jpg", "c.jpg"};
  write_folds(dir / "folds.csv", ids, {0, 1, 0});
  const auto folds = read_folds(dir / "folds.csv");
  EXPECT_EQ(folds, (std::map<std::string, int>{{"a.jpg", 0}, {"b.jpg", 1}, {"c.jpg", 0}}));
  test::write_text(dir / "bad.csv", "ImageId,fold\na.jpg,x\n");
  EXPECT_THROW(read_folds(dir / "bad.csv"), DataError);
  test::write_text(dir / "twice.csv", "ImageId,fold\na.jpg,1\na.jpg,2\n");
  try {
    read_folds(dir / "twice.csv");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("twice.csv:3"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segkit::data
