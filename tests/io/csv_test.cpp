#include "segkit/io/csv.h"

#include <gtest/gtest.h>

#include "segkit/core/error.h"

namespace segkit::io {
namespace {

TEST(Csv, QuotesCrlfBomAndHeaderSpaces) {
  const auto table = parse_csv("\xEF\xBB\xBFImageId, EncodedPixels\r\n\"a,b.png\",\"1 2\"\r\nc.png,\n\n\"d\"\"e\", 3 4", "t.csv");
  ASSERT_EQ(table.header, (std::vector<std::string>{"ImageId", "EncodedPixels"}));
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[0].fields[0], "a,b.png");
  EXPECT_EQ(table.rows[1].fields[1], "");
  EXPECT_EQ(table.rows[2].fields[0], "d\"e");
  EXPECT_EQ(table.rows[2].fields[1], " 3 4");  // fields are not trimmed (SIIM's leading space)
  EXPECT_EQ(table.where(table.rows[2]), "t.csv:5");
  EXPECT_EQ(table.column("EncodedPixels"), 1u);
}

TEST(Csv, ErrorsNameFileAndLine) {
  try {
    parse_csv("a,b\n1,2\n3\n", "x.csv");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("x.csv:3: 1 fields, but the header has 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_csv("a\n\"open\n", "x.csv"), DataError);
  EXPECT_THROW(parse_csv("", "x.csv"), DataError);
  try {
    parse_csv("ImageId,EncodedPixel\n", "x.csv").column("EncodedPixels");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'EncodedPixel'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segkit::io
