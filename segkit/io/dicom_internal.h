#pragma once
// Internal to the DICOM reader (dicom.cpp, dicom_framing.cpp).

#include <filesystem>
#include <string_view>

namespace segkit::io::dicom_detail {

/// Walks the element headers and value lengths of a DICOM file (no interpretation) and throws
/// DataError naming `path` when the file is surely not DICOM or ends inside an element. GDCM as
/// Debian builds it keeps its assertions, and a file cut inside an element header aborts the
/// process there; a file cut inside the pixel data is read with zeros and only a warning. Whatever
/// the walk does not understand (deflated data sets, odd VRs of broken files) is left for GDCM to
/// judge.
void check_framing(std::string_view bytes, const std::filesystem::path& path);

}  // namespace segkit::io::dicom_detail
