#pragma once
// Building blocks for a self-contained HTML page: every string from the run (class names, example ids,
// the config) goes through html_escape, and images travel inside the page as JPEG data URIs so the
// report opens from a mail attachment or a copied folder without its run directory.
//
//   out << "<img alt=\"" << html_escape(id) << "\" src=\"" << jpeg_data_uri(panel) << "\">";

#include <opencv2/core/mat.hpp>

#include <string>
#include <string_view>

namespace segkit::report {

/// Escapes & < > " ' so text is safe both between tags and inside quoted attribute values.
std::string html_escape(std::string_view text);

/// RFC 4648 base64 with '=' padding and no line breaks (data URIs allow none).
std::string base64_encode(std::string_view bytes);

/// "data:image/jpeg;base64,..." (quality 88) of an 8-bit image: 3 channels are taken as RGB, 1 as grey.
/// DataError when OpenCV cannot encode it (wrong depth or channel count).
std::string jpeg_data_uri(const cv::Mat& image);

/// A number for tables and captions: 4 significant digits, "–" for NaN or infinity.
std::string format_number(double value);

}  // namespace segkit::report
