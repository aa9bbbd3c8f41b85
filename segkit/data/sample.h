#pragma once
// One training/inference example as every reader produces it and every transform changes it.
//
//   image  H x W x C cv::Mat, RGB channel order (as albumentations pipelines see it after
//          cv2.cvtColor(BGR2RGB)); CV_8U for ordinary images, CV_16U / CV_32F for DICOM and
//          GeoTIFF rasters. Normalize turns it into CV_32F.
//   mask   H x W x K cv::Mat, CV_8U, one channel per class, values 0 or 1; empty for unlabelled
//          samples (test sets). K may exceed 4 (OpenCV Mats hold up to 512 channels). Soft labels
//          (pseudo-labels kept as probabilities) are CV_32F in [0, 1] instead.
//   id     the image's identifier as the labels name it (file name with extension, e.g. "0002cc93b.jpg"),
//          used in submissions.

#include <opencv2/core/mat.hpp>

#include <string>

namespace segkit::data {

struct Sample {
  std::string id;
  cv::Mat image;
  cv::Mat mask;

  bool has_mask() const { return !mask.empty(); }
};

}  // namespace segkit::data
