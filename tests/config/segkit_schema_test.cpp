#include "segkit/config/segkit_schema.h"

#include <gtest/gtest.h>

#include "segkit/core/atomic_file.h"
#include "tests/support/test_support.h"

namespace segkit::config {
namespace {

// docs/config.md embeds the generated reference table; this keeps every key documented.
TEST(SegkitSchema, DocsConfigMdListsEveryKeyWithItsDefault) {
  const std::string docs = read_file(test::source_dir() / "docs/config.md");
  const std::string table = describe_markdown(segkit_schema());
  EXPECT_NE(docs.find(table), std::string::npos)
      << "docs/config.md is out of date; paste the output of `segkit config keys`:\n" << table;
}

TEST(SegkitSchema, EveryKeyHasADoc) {
  for (const auto& row : describe(segkit_schema())) EXPECT_FALSE(row.doc.empty()) << row.key;
}

}  // namespace
}  // namespace segkit::config
