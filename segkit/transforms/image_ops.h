#pragma once
// OpenCV helpers the transforms share: channel chunking, the geometric primitives with
// albumentations' fill rules, value ranges by depth, and the names of OpenCV flags.
//
// OpenCV's warpAffine, remap and transpose handle at most 4 channels (and element sizes up to 32
// bytes); like albumentations' _maybe_process_in_chunks, every primitive here runs on chunks of at
// most 4 channels and merges the result, so masks with K > 4 classes work.

#include <functional>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "segkit/transforms/transform.h"

namespace segkit::transforms {

/// Constant-border fill, per channel. Empty means 0 (albumentations' None); a single value fills
/// every channel; otherwise one value per channel (channels past the list get 0).
using FillValue = std::vector<double>;

namespace detail {

/// The fill of channels [first_channel, first_channel + 4) as a cv::Scalar.
cv::Scalar fill_scalar(const FillValue& fill, int first_channel);

/// Runs `op` on chunks of at most 4 channels of `src` (the whole Mat when it has <= 4) and merges
/// the chunks' results, which must share one size and depth.
cv::Mat by_chunks(const cv::Mat& src,
                  const std::function<cv::Mat(const cv::Mat& chunk, int first_channel)>& op);

cv::Mat warp_affine(const cv::Mat& src, const cv::Mat& matrix, cv::Size size, int interpolation,
                    int border_mode, const FillValue& fill);
cv::Mat remap(const cv::Mat& src, const cv::Mat& map_x, const cv::Mat& map_y, int interpolation,
              int border_mode, const FillValue& fill);
cv::Mat resize(const cv::Mat& src, cv::Size size, int interpolation);
cv::Mat pad(const cv::Mat& src, int top, int bottom, int left, int right, int border_mode,
            const FillValue& fill);
cv::Mat transpose(const cv::Mat& src);
/// numpy's rot90(img, factor): `factor` quarter turns counter-clockwise.
cv::Mat rot90(const cv::Mat& src, int factor);

/// albumentations' MAX_VALUES_BY_DTYPE: 255 (CV_8U), 65535 (CV_16U), 1.0 (CV_32F). Other depths
/// throw DataError naming `transform`.
double max_value(int depth, const std::string& transform);

/// `src` as CV_32F with the same channels.
cv::Mat to_float(const cv::Mat& src);
/// albumentations' clip(): values clipped to [0, max_value], then converted to `depth` truncating
/// toward zero as numpy's astype does (CV_32F stays float).
cv::Mat clip_to_depth(const cv::Mat& float_image, int depth, double max_value);

/// Throws ConfigError unless `flag` is a cv::INTER_* / cv::BORDER_* value albumentations accepts.
void check_interpolation(int flag);
void check_border_mode(int flag);

/// "linear", "reflect_101", ...; for describe() and error messages.
std::string interpolation_name(int flag);
std::string border_mode_name(int flag);
/// The flag for a name ("nearest", "linear", "cubic", "area", "lanczos4"; "constant", "replicate",
/// "reflect", "wrap", "reflect_101"), or -1.
int interpolation_from_name(const std::string& name);
int border_mode_from_name(const std::string& name);
std::vector<std::string> interpolation_names();
std::vector<std::string> border_mode_names();

/// "(-0.1, 0.1)", "[0, 0]" for a fill, "none" for an empty fill.
std::string format_range(const Range& range);
std::string format_fill(const FillValue& fill);

}  // namespace detail
}  // namespace segkit::transforms
