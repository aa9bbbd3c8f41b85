#include "segkit/io/rle.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "tests/support/test_support.h"

namespace segkit::io {
namespace {

using Mask = std::vector<uint8_t>;
using Runs = std::vector<std::pair<int64_t, int64_t>>;  // 0-based start, length

// A pixel-by-pixel transcription of the conventions, to compare the fast code against.
Runs reference_runs(const Mask& mask, int64_t h, int64_t w, RleOrder order) {
  Runs runs;
  int64_t start = -1;
  for (int64_t p = 0; p < h * w; ++p) {
    const int64_t y = order == RleOrder::kColumnMajor ? p % h : p / w;
    const int64_t x = order == RleOrder::kColumnMajor ? p / h : p % w;
    const bool on = mask[y * w + x] != 0;
    if (on && start < 0) start = p;
    if (!on && start >= 0) {
      runs.emplace_back(start, p - start);
      start = -1;
    }
  }
  if (start >= 0) runs.emplace_back(start, h * w - start);
  return runs;
}

std::string reference_kaggle(const Runs& runs) {
  std::string text;
  for (const auto& [start, length] : runs) {
    text += (text.empty() ? "" : " ") + std::to_string(start + 1) + " " + std::to_string(length);
  }
  return text;
}

std::string reference_siim(const Runs& runs) {
  std::string text;
  int64_t cursor = 0;
  for (const auto& [start, length] : runs) {
    text +=
        (text.empty() ? "" : " ") + std::to_string(start - cursor) + " " + std::to_string(length);
    cursor = start + length;
  }
  return text.empty() ? "-1" : text;
}

Mask binary(const Mask& mask, uint8_t value = 1) {
  Mask out(mask.size());
  for (size_t i = 0; i < mask.size(); ++i) out[i] = mask[i] ? value : 0;
  return out;
}

int64_t foreground(const Mask& mask) {
  return std::count_if(mask.begin(), mask.end(), [](uint8_t v) { return v != 0; });
}

// Whitespace-insensitive form of an RLE field.
std::string normalized(const std::string& text) {
  std::istringstream in(text);
  std::string token, out;
  while (in >> token) out += (out.empty() ? "" : " ") + token;
  return out;
}

template <class Call>
void expect_data_error(Call call, const std::vector<std::string>& fragments) {
  try {
    call();
    ADD_FAILURE() << "accepted malformed RLE";
  } catch (const DataError& e) {
    const std::string message = e.what();
    for (const auto& fragment : fragments) {
      EXPECT_NE(message.find(fragment), std::string::npos)
          << "missing '" << fragment << "' in: " << message;
    }
  }
}

// The masks of rle.json, from the formulas its README gives.
Mask vector_mask(const std::string& name, int64_t h, int64_t w) {
  Mask mask(h * w, 0);
  for (int64_t r = 0; r < h; ++r) {
    for (int64_t c = 0; c < w; ++c) {
      bool on = name == "full";
      if (name == "blobs") {
        on = std::sin(0.019 * c + 1.3) * std::sin(0.047 * r + 0.4) +
                 0.4 * std::sin(0.0053 * c + 0.011 * r) >
             0.75;
      } else if (name == "tiny") {
        static const char* rows[4] = {"01100", "01001", "10001", "10011"};
        on = rows[r][c] == '1';
      }
      mask[r * w + c] = on;
    }
  }
  return mask;
}

const Mask kTiny = vector_mask("tiny", 4, 5);

TEST(Rle, TinyMaskByHandInEveryFormatAndOrder) {
  EXPECT_EQ(encode_kaggle_rle(kTiny, 4, 5), "3 4 9 1 16 1 18 3");
  EXPECT_EQ(encode_siim_rle(kTiny, 4, 5), "2 4 2 1 6 1 1 3");
  EXPECT_EQ(encode_kaggle_rle(kTiny, 4, 5, RleOrder::kRowMajor), "2 2 7 1 10 2 15 2 19 2");
  EXPECT_EQ(decode_kaggle_rle("3 4 9 1 16 1 18 3", 4, 5), kTiny);
  EXPECT_EQ(decode_siim_rle("2 4 2 1 6 1 1 3", 4, 5, 255), binary(kTiny, 255));
  EXPECT_EQ(decode_kaggle_rle("2 2 7 1 10 2 15 2 19 2", 4, 5, 1, RleOrder::kRowMajor), kTiny);
}

TEST(Rle, SharedVectorsEncodeAndDecodeBothWays) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto vectors = nlohmann::json::parse(read_file(shared / "vectors" / "rle.json"));
  ASSERT_EQ(vectors.at("masks").size(), 4u);
  for (const auto& [name, item] : vectors.at("masks").items()) {
    SCOPED_TRACE(name);
    const int64_t h = item.at("shape_HW")[0], w = item.at("shape_HW")[1];
    const Mask mask = vector_mask(name, h, w);
    ASSERT_EQ(foreground(mask), item.at("foreground_pixels").get<int64_t>());
    const auto kaggle = item.at("kaggle_rle").get<std::string>();
    EXPECT_EQ(encode_kaggle_rle(mask, h, w), kaggle);
    EXPECT_EQ(decode_kaggle_rle(kaggle, h, w), mask);
    EXPECT_EQ(reference_runs(mask, h, w, RleOrder::kColumnMajor).size(),
              item.at("kaggle_num_runs").get<size_t>());

    // A decoder that forgets the -1 (numpy slicing clips the end) differs by exactly this much.
    Mask flat(h * w, 0), seed(h * w, 0);
    for (const auto& [start, length] : reference_runs(mask, h, w, RleOrder::kColumnMajor)) {
      for (int64_t p = start + 1; p < std::min(start + 1 + length, h * w); ++p) flat[p] = 1;
    }
    for (int64_t p = 0; p < h * w; ++p) seed[(p % h) * w + p / h] = flat[p];
    const auto& seed_check = item.at("seed_style_decode_of_kaggle_rle (no -1)");
    int64_t mismatched = 0;
    for (int64_t i = 0; i < h * w; ++i) mismatched += seed[i] != mask[i];
    EXPECT_EQ(mismatched, seed_check.at("mismatched_pixels").get<int64_t>());

    // SIIM: we always write the final run (the flushed variant) and "-1" for an empty mask.
    const auto flushed = item.at("siim_relative_rle_flushed").get<std::string>();
    const auto quirky = item.at("siim_relative_rle").get<std::string>();
    EXPECT_EQ(encode_siim_rle(mask, h, w), flushed.empty() ? "-1" : flushed);
    EXPECT_EQ(decode_siim_rle(flushed, h, w), mask);
    Mask without_last_run = mask;
    if (!item.at("siim_relative_rle_roundtrips").get<bool>()) {
      ASSERT_TRUE(item.at("last_pixel_in_column_major_order_is_foreground").get<bool>());
      const auto [start, length] = reference_runs(mask, h, w, RleOrder::kColumnMajor).back();
      for (int64_t p = start; p < start + length; ++p) without_last_run[(p % h) * w + p / h] = 0;
    }
    EXPECT_EQ(decode_siim_rle(quirky, h, w), without_last_run);
  }
  const auto& blobs = vectors.at("masks").at("blobs");
  const Mask mask = vector_mask("blobs", 256, 1600);
  int64_t checksum = 0;
  for (int64_t i = 0; i < 256 * 1600; ++i) checksum += mask[i] ? i : 0;
  EXPECT_EQ(checksum,
            blobs.at("weighted_checksum (sum of (r*1600+c) over fg pixels)").get<int64_t>());
  for (int k = 0; k < 8; ++k) {
    EXPECT_EQ(std::count(mask.begin() + k * 1600, mask.begin() + (k + 1) * 1600, 1),
              blobs.at("row_sums_first8")[k].get<int64_t>());
    int64_t column = 0;
    for (int r = 0; r < 256; ++r) column += mask[r * 1600 + k];
    EXPECT_EQ(column, blobs.at("col_sums_first8")[k].get<int64_t>());
  }
}

TEST(Rle, RandomMasksRoundTripInBothFormatsAndOrders) {
  std::mt19937 rng(7);
  // Sizes around the encoder's 8-column strips and 64-row words, plus Severstal's.
  const std::vector<std::pair<int64_t, int64_t>> sizes = {
      {1, 1},   {1, 9},   {9, 1},   {4, 5},    {7, 13},   {8, 8},
      {63, 17}, {64, 16}, {65, 24}, {130, 37}, {33, 200}, {256, 1600}};
  for (const auto& [h, w] : sizes) {
    for (double density : {0.0, 0.02, 0.3, 0.5, 0.97, 1.0}) {
      for (bool blocky : {false, true}) {
        SCOPED_TRACE(std::to_string(h) + "x" + std::to_string(w) + " density " +
                     std::to_string(density));
        // Blocky masks switch state rarely (long runs that cross columns); the others per pixel.
        Mask mask(h * w);
        std::bernoulli_distribution on(density), flip(blocky ? 0.01 : 1.0);
        std::uniform_int_distribution<int> value(1, 255);
        bool state = on(rng);
        for (auto& pixel : mask) {
          if (flip(rng)) state = on(rng);
          pixel = state ? static_cast<uint8_t>(value(rng)) : 0;
        }
        for (RleOrder order : {RleOrder::kColumnMajor, RleOrder::kRowMajor}) {
          const Runs runs = reference_runs(mask, h, w, order);
          const std::string kaggle = encode_kaggle_rle(mask, h, w, order);
          const std::string siim = encode_siim_rle(mask, h, w, order);
          ASSERT_EQ(kaggle, reference_kaggle(runs));
          ASSERT_EQ(siim, reference_siim(runs));
          ASSERT_EQ(decode_kaggle_rle(kaggle, h, w, 1, order), binary(mask));
          ASSERT_EQ(decode_siim_rle(siim, h, w, 255, order), binary(mask, 255));
        }
      }
    }
  }
}

TEST(Rle, DecodeOrsIntoTheCallersBuffer) {
  Mask mask(20, 0);
  mask[19] = 4;  // existing content stays
  decode_kaggle_rle("1 3", 4, 5, mask.data(), 1);
  decode_kaggle_rle("3 2", 4, 5, mask.data(), 2);  // overlaps the first run at pixel 3
  EXPECT_EQ(mask[0], 1);
  EXPECT_EQ(mask[1 * 5], 1);
  EXPECT_EQ(mask[2 * 5], 3);
  EXPECT_EQ(mask[3 * 5], 2);
  EXPECT_EQ(mask[19], 4);
  EXPECT_EQ(foreground(mask), 5);
  decode_siim_rle("-1", 4, 5, mask.data(), 255);
  EXPECT_EQ(foreground(mask), 5);
}

TEST(Rle, WhitespaceEmptyFormsAndTouchingRuns) {
  const Mask empty(20, 0);
  for (const char* text : {"", " ", "\t\r\n"}) {
    EXPECT_EQ(decode_kaggle_rle(text, 4, 5), empty);
    EXPECT_EQ(decode_siim_rle(text, 4, 5), empty);
  }
  EXPECT_EQ(decode_siim_rle(" -1", 4, 5), empty);
  EXPECT_EQ(decode_siim_rle("-1\r\n", 4, 5), empty);
  EXPECT_EQ(encode_kaggle_rle(empty, 4, 5), "");
  EXPECT_EQ(encode_siim_rle(empty, 4, 5), "-1");
  EXPECT_EQ(decode_kaggle_rle("  3 4\t 9  1 16 1 18 3\r\n", 4, 5), kTiny);
  EXPECT_EQ(decode_siim_rle(" 2 4 2 1 6 1 1 3 ", 4, 5), kTiny);
  // Touching runs are unambiguous and accepted; the encoder writes them as one run.
  EXPECT_EQ(encode_kaggle_rle(decode_kaggle_rle("1 2 3 4", 4, 5), 4, 5), "1 6");
  EXPECT_EQ(encode_siim_rle(decode_siim_rle("0 2 0 4", 4, 5), 4, 5), "0 6");
  // append_* extends a line in place (a submission row).
  std::string line = "img.jpg_1,";
  append_kaggle_rle(line, kTiny.data(), 4, 5);
  EXPECT_EQ(line, "img.jpg_1,3 4 9 1 16 1 18 3");
}

TEST(Rle, KaggleMalformedTextNamesTheProblemAndPosition) {
  auto kaggle = [](const std::string& text) { return [text] { decode_kaggle_rle(text, 4, 5); }; };
  expect_data_error(kaggle("1 2 3"),
                    {"Kaggle RLE", "3 numbers, an odd count", "pair 2 (character 5)"});
  expect_data_error(kaggle("1 2 x 3"),
                    {"pair 2 (character 5)", "start 'x' is not a non-negative integer"});
  expect_data_error(kaggle("1 2a"), {"pair 1 (character 3)", "length '2a'"});
  expect_data_error(kaggle("1.5 2"), {"'1.5' is not"});
  expect_data_error(kaggle("+1 2"), {"'+1' is not"});
  expect_data_error(kaggle("1 2,3 4"), {"'2,3' is not"});
  expect_data_error(kaggle("\"1 2\""), {"'\"1' is not"});
  expect_data_error(kaggle("1 -2"), {"pair 1 (character 3)", "negative length '-2'"});
  expect_data_error(kaggle("-1"), {"negative start '-1'"});
  expect_data_error(kaggle("4 1 0 3"), {"pair 2 (character 5)", "start 0", "1-based"});
  expect_data_error(kaggle("1 1 5 0"), {"pair 2 (character 5)", "length 0"});
  expect_data_error(kaggle("21 1"), {"start 21 is past the last pixel of a 4x5 mask (20 pixels)"});
  expect_data_error(kaggle("19 3"), {"run of 3 pixels from 19 ends past the last pixel"});
  expect_data_error(kaggle("1 5 4 2"), {"pair 2", "run 4-5 overlaps the previous run 1-5"});
  expect_data_error(kaggle("10 2 3 1"),
                    {"pair 2", "start 3 is before the previous run's start 10", "sorted"});
  expect_data_error(kaggle("1 99999999999999999999"),
                    {"length '99999999999999999999' is far beyond"});
  expect_data_error(kaggle("1 9223372036854775807"), {"ends past the last pixel"});
  // Nothing is written when a later pair is bad.
  Mask mask(20, 7);
  EXPECT_THROW(decode_kaggle_rle("1 2 5 0", 4, 5, mask.data(), 1), DataError);
  EXPECT_EQ(mask, Mask(20, 7));
}

TEST(Rle, SiimMalformedTextNamesTheProblemAndPosition) {
  auto siim = [](const std::string& text) { return [text] { decode_siim_rle(text, 4, 5); }; };
  expect_data_error(siim("2 4 1"), {"SIIM RLE", "3 numbers, an odd count", "offset of pair 2"});
  expect_data_error(siim("-1 3"), {"pair 1 (character 1)", "negative offset '-1'", "'-1' alone"});
  expect_data_error(siim("2 4 2 -1"), {"pair 2 (character 7)", "negative length"});
  expect_data_error(siim("2 x"), {"length 'x' is not"});
  expect_data_error(siim("2 0"), {"length 0"});
  expect_data_error(siim("20 1"),
                    {"offset 20 after position 0", "past the last pixel of a 4x5 mask"});
  expect_data_error(siim("2 4 14 1"), {"pair 2", "offset 14 after position 6"});
  expect_data_error(siim("2 4 2 13"),
                    {"pair 2", "run of 13 pixels from 8 ends past the last pixel"});
  EXPECT_EQ(foreground(decode_siim_rle("2 4 2 12", 4, 5)), 16);  // ends exactly at the last pixel
}

// The parser reads numbers eight bytes at a time: numbers of 1-9+ digits, tokens whose bad
// character falls inside or just past an 8-byte window, and texts ending within 8 bytes.
TEST(Rle, LongNumbersAndTokensAroundTheEightByteReader) {
  const int64_t h = 4096, w = 4096;  // 16.7M pixels: starts of up to 8 digits
  Mask mask(h * w, 0);
  std::mt19937 rng(11);
  std::uniform_int_distribution<int64_t> position(0, h * w - 1);
  for (int k = 0; k < 300; ++k) {
    const int64_t p = position(rng);
    for (int64_t q = p; q < std::min(p + (k % 40) + 1, h * w); ++q) mask[q] = 1;
  }
  mask[0] = mask[h * w - 1] = 1;
  for (RleOrder order : {RleOrder::kColumnMajor, RleOrder::kRowMajor}) {
    const std::string kaggle = encode_kaggle_rle(mask, h, w, order);
    const std::string siim = encode_siim_rle(mask, h, w, order);
    EXPECT_EQ(kaggle, reference_kaggle(reference_runs(mask, h, w, order)));
    EXPECT_EQ(decode_kaggle_rle(kaggle, h, w, 1, order), mask);
    EXPECT_EQ(decode_siim_rle(siim, h, w, 1, order), mask);
  }
  Mask out(h * w, 0);
  decode_kaggle_rle("1 1 9 1 99 1 999 1 9999 1 99999 1 999999 1 9999999 1 16777216 1", h, w,
                    out.data());
  for (int64_t p : {0, 8, 98, 998, 9998, 99998, 999998, 9999998, 16777215}) {
    EXPECT_EQ(out[(p % h) * w + p / h], 1) << p;
  }
  EXPECT_EQ(foreground(out), 9);
  EXPECT_EQ(decode_kaggle_rle("0000012 00000003", 4, 5), decode_kaggle_rle("12 3", 4, 5));
  auto kaggle = [&](const std::string& text) {
    return [text, h, w] { decode_kaggle_rle(text, h, w); };
  };
  expect_data_error(kaggle("12345678a 1"), {"start '12345678a' is not"});
  expect_data_error(kaggle("1234567a 1"), {"start '1234567a' is not"});
  expect_data_error(kaggle("1 2x345678 9"), {"length '2x345678' is not"});
  expect_data_error(kaggle("1 1 3 1 5 1 7 1 9 8-"), {"pair 5", "length '8-' is not"});
  expect_data_error(kaggle("16777217 1"), {"start 16777217 is past the last pixel"});
  expect_data_error(kaggle("123456789012 1"), {"start 123456789012 is past the last pixel"});
  expect_data_error(kaggle("9223372036854775808 1"), {"start '9223372036854775808' is far beyond"});
}

TEST(Rle, BadArgumentsAreRejected) {
  Mask mask(20, 0);
  EXPECT_THROW(decode_kaggle_rle("", -1, 5), ShapeError);
  EXPECT_THROW(decode_kaggle_rle("", int64_t{1} << 40, int64_t{1} << 40), ShapeError);
  EXPECT_THROW(decode_kaggle_rle("1 1", 4, 5, mask.data(), 0), Error);
  EXPECT_THROW(encode_kaggle_rle(mask, 4, 4), ShapeError);
  EXPECT_THROW(encode_siim_rle(mask, 5, 5), ShapeError);
  EXPECT_EQ(encode_kaggle_rle(nullptr, 0, 7), "");
}

// ---- real Kaggle label files -------------------------------------------------------------------

struct LabelRow {
  int line = 0;
  std::string id, rle;
};

std::vector<LabelRow> read_labels(const std::filesystem::path& path, const std::string& header) {
  std::istringstream in(read_file(path));
  std::string text;
  std::vector<LabelRow> rows;
  for (int line = 1; std::getline(in, text); ++line) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (line == 1) {
      EXPECT_EQ(text, header);
      continue;
    }
    const size_t comma = text.find(',');
    if (comma == std::string::npos) continue;
    rows.push_back({line, text.substr(0, comma), text.substr(comma + 1)});
  }
  return rows;
}

// Decodes a row with the file:line prefix a loader would add, re-encodes, and returns the mask.
Mask check_row(const std::filesystem::path& path, const LabelRow& row, int64_t h, int64_t w,
               bool siim) {
  Mask mask;
  try {
    mask = siim ? decode_siim_rle(row.rle, h, w) : decode_kaggle_rle(row.rle, h, w);
  } catch (const DataError& e) {
    ADD_FAILURE() << path.filename().string() << ":" << row.line << ": " << e.what();
    return Mask(h * w, 0);
  }
  const std::string again = siim ? encode_siim_rle(mask, h, w) : encode_kaggle_rle(mask, h, w);
  EXPECT_EQ(again, normalized(row.rle)) << path.filename().string() << ":" << row.line;
  return mask;
}

TEST(RleRealLabels, SeverstalRowsDecodeAndReencodeIdentically) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto path = shared / "data/kaggle_rle_label_samples/severstal_steel_defect/test.head.csv";
  const auto rows = read_labels(path, "ImageId_ClassId,EncodedPixels");
  ASSERT_EQ(rows.size(), 164u);
  int masks = 0;
  int64_t pixels = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].id.substr(rows[i].id.size() - 2), "_" + std::to_string(i % 4 + 1));
    if (normalized(rows[i].rle).empty()) continue;
    ++masks;
    pixels += foreground(check_row(path, rows[i], 256, 1600, false));
  }
  EXPECT_EQ(masks, 12);
  EXPECT_EQ(pixels, 131729);
}

TEST(RleRealLabels, AirbusInstancesUnionPerImageWithoutOverlap) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto path =
      shared /
      "data/kaggle_rle_label_samples/airbus_ship_detection/train_ship_segmentations_v2.sample.csv";
  const auto rows = read_labels(path, "ImageId,EncodedPixels");
  ASSERT_EQ(rows.size(), 29u);
  std::map<std::string, Mask> images;
  std::map<std::string, int64_t> instance_pixels;
  int instances = 0;
  for (const auto& row : rows) {
    Mask& image = images.try_emplace(row.id, 768 * 768, 0).first->second;
    if (normalized(row.rle).empty()) continue;
    ++instances;
    instance_pixels[row.id] += foreground(check_row(path, row, 768, 768, false));
    decode_kaggle_rle(row.rle, 768, 768, image.data(), 255);
  }
  EXPECT_EQ(instances, 25);
  EXPECT_EQ(images.size(), 10u);
  int64_t total = 0;
  for (const auto& [id, image] : images) {
    EXPECT_EQ(foreground(image), instance_pixels[id]) << id << ": instances overlap";
    total += foreground(image);
  }
  EXPECT_EQ(total, 22890);
}

TEST(RleRealLabels, SiimRelativeRowsDecodeAndReencodeIdentically) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto path =
      shared / "data/kaggle_rle_label_samples/siim_acr_pneumothorax/train-rle-sample.csv";
  const auto rows = read_labels(path, "fname,mask");
  ASSERT_EQ(rows.size(), 10u);
  std::vector<int64_t> sizes;
  for (const auto& row : rows) {
    if (normalized(row.rle) == "-1") {
      EXPECT_EQ(foreground(decode_siim_rle(row.rle, 1024, 1024)), 0);
      continue;
    }
    EXPECT_EQ(row.rle.front(), ' ');  // the competition file's leading space
    sizes.push_back(foreground(check_row(path, row, 1024, 1024, true)));
  }
  EXPECT_EQ(sizes, (std::vector<int64_t>{9418, 29079, 2486, 5232, 2071}));
}

}  // namespace
}  // namespace segkit::io
