#pragma once
// Run-length codecs for Kaggle segmentation labels and submissions. Torch-free and OpenCV-free: a
// mask is a plain row-major H x W uint8 buffer (cv::Mat's and numpy's C layout, index y*W + x) in
// which nonzero means foreground.
//
// Pixel order. The RLE numbers pixels in one flat order; Kaggle's is column-major: down the first
// column, then the next column to the right (numpy `mask.T.flatten()`), so pixel p = x*H + y for
// row y, column x. Runs may cross from the bottom of one column to the top of the next. Severstal,
// Airbus, SIIM-ACR and ../shared/vectors/rle.json all use it; it is the default.
// RleOrder::kRowMajor (p = y*W + x, `mask.flatten()`) is for competitions whose reference
// rle_decode reshapes without transposing.
//
// Kaggle RLE: "start length start length ...", starts 1-based (the first pixel is 1), runs sorted
// and disjoint, one space between numbers. "" is an empty mask, a full 256x1600 mask is "1 409600".
//
// SIIM relative RLE (SIIM-ACR Pneumothorax, mask_functions.py): "offset length ..." where offset
// counts the background pixels between the end of the previous run and this run's start (for the
// first run: its 0-based position). Same column-major walk. "-1" is an empty mask. The
// competition's mask2rle never writes a run that reaches the last pixel (rle.json:
// `siim_relative_rle`); ours always does (rle.json: `siim_relative_rle_flushed`), and writes "-1",
// never "", for an empty mask.
//
// Decoding is lenient about whitespace (any mix of spaces, tabs, CR, LF; leading and trailing) and
// strict about everything else: an odd count of numbers, a token that is not a non-negative decimal
// integer, a Kaggle start of 0, a zero length, a run that starts or ends past H*W, and a run that
// starts before the end of the previous one (overlapping or unsorted) are DataErrors. The message
// names the format, the pair (1-based) and the character position (1-based) in the text, e.g.
//   Kaggle RLE pair 3 (character 9): length 0; every run covers at least 1 pixel
// so a caller can prefix its own location: `throw DataError(file + ":" + row + ": " + e.what())`.
// Touching runs ("1 2 3 4") are valid and re-encode merged ("1 6"). Decoding parses and checks the
// whole text before it writes a pixel: after an error the caller's mask is unchanged.
//
// Decoding ORs `value` into the covered pixels (mask[i] |= value) and leaves the others alone, so
// the rows of one image (Airbus: one row per ship) decode into one buffer as their union; zero the
// buffer first for a fresh mask. Encoding allocates only its output string.
// Invalid arguments (negative or overflowing H*W, a vector of the wrong size, value 0) throw
// ShapeError / Error.
//
//   std::vector<uint8_t> mask = segkit::io::decode_kaggle_rle("1 3 10 5", 256, 1600);  // 0/1
//   std::string rle = segkit::io::encode_kaggle_rle(mask, 256, 1600);                 // "1 3 10 5"
//   segkit::io::decode_siim_rle(row_text, 1024, 1024, image.data(), /*value=*/255);

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace segkit::io {

/// The flat pixel order of the run-length text (the buffer itself is always row-major H x W).
enum class RleOrder {
  kColumnMajor,  ///< p = x*H + y: down each column, then the next one (Kaggle, SIIM; the default)
  kRowMajor,     ///< p = y*W + x: along each row, then the next one
};

// ---- Kaggle RLE: 1-based "start length" pairs -------------------------------------------------

/// ORs `value` (nonzero) into the pixels of `rle` in `mask` (height*width bytes, row-major).
/// Throws DataError for malformed text (mask unchanged), ShapeError/Error for bad arguments.
void decode_kaggle_rle(std::string_view rle, int64_t height, int64_t width, uint8_t* mask,
                       uint8_t value = 1, RleOrder order = RleOrder::kColumnMajor);
/// A fresh height*width mask: `value` on the runs, 0 elsewhere.
std::vector<uint8_t> decode_kaggle_rle(std::string_view rle, int64_t height, int64_t width,
                                       uint8_t value = 1, RleOrder order = RleOrder::kColumnMajor);

/// Appends the RLE of `mask` (nonzero = foreground) to `out`: numbers separated by single spaces,
/// nothing before the first or after the last, nothing at all for an empty mask. Lets a submission
/// writer build "id,rle" lines in one reused string.
void append_kaggle_rle(std::string& out, const uint8_t* mask, int64_t height, int64_t width,
                       RleOrder order = RleOrder::kColumnMajor);
std::string encode_kaggle_rle(const uint8_t* mask, int64_t height, int64_t width,
                              RleOrder order = RleOrder::kColumnMajor);
/// Throws ShapeError unless mask.size() == height*width.
std::string encode_kaggle_rle(const std::vector<uint8_t>& mask, int64_t height, int64_t width,
                              RleOrder order = RleOrder::kColumnMajor);

// ---- SIIM relative RLE: "offset length" pairs, "-1" = empty -------------------------------------

/// As decode_kaggle_rle; "-1", "" and whitespace are an empty mask.
void decode_siim_rle(std::string_view rle, int64_t height, int64_t width, uint8_t* mask,
                     uint8_t value = 1, RleOrder order = RleOrder::kColumnMajor);
std::vector<uint8_t> decode_siim_rle(std::string_view rle, int64_t height, int64_t width,
                                     uint8_t value = 1, RleOrder order = RleOrder::kColumnMajor);

/// Appends the relative RLE of `mask`, or "-1" when it is empty. A run reaching the last pixel is
/// written (the competition's encoder drops it).
void append_siim_rle(std::string& out, const uint8_t* mask, int64_t height, int64_t width,
                     RleOrder order = RleOrder::kColumnMajor);
std::string encode_siim_rle(const uint8_t* mask, int64_t height, int64_t width,
                            RleOrder order = RleOrder::kColumnMajor);
std::string encode_siim_rle(const std::vector<uint8_t>& mask, int64_t height, int64_t width,
                            RleOrder order = RleOrder::kColumnMajor);

}  // namespace segkit::io
