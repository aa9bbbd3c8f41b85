#include "segkit/core/strings.h"

#include <gtest/gtest.h>

namespace segkit {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("batch_size", "bach_size"), 1u);
}

TEST(ClosestMatch, ProposesPlausibleTyposOnly) {
  const std::vector<std::string> keys = {"batch_size", "epochs", "lr"};
  EXPECT_EQ(closest_match("bach_size", keys), "batch_size");
  EXPECT_EQ(closest_match("epoch", keys), "epochs");
  EXPECT_EQ(closest_match("completely_different", keys), "");
  EXPECT_EQ(did_you_mean("lrr", keys), "; did you mean 'lr'?");
  EXPECT_EQ(did_you_mean("zzzzzzzz", keys), "");
}

TEST(Split, KeepsEmptyParts) {
  EXPECT_EQ(split("a.b.c", '.'), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split("a..b", '.'), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("", '.'), (std::vector<std::string>{""}));
}

TEST(Utf8, FindsTheFirstIllFormedByte) {
  EXPECT_EQ(first_invalid_utf8("plain ascii"), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("man@\"\xab"), 5u);              // a lone continuation byte
  EXPECT_EQ(first_invalid_utf8("a\xc3"), 1u);                    // truncated sequence
  EXPECT_EQ(first_invalid_utf8("\xc0\xaf"), 0u);                // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xed\xa0\x80"), 0u);            // a surrogate
  EXPECT_EQ(first_invalid_utf8("\xf4\x90\x80\x80"), 0u);        // past U+10FFFF
}

TEST(Trim, StripsWhitespace) {
  EXPECT_EQ(trim("  a b \r\n"), "a b");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
}

}  // namespace
}  // namespace segkit
