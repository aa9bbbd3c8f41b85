#pragma once
// Small DICOM files written with GDCM, for the tests: ../shared holds no DICOM sample. Header-only
// so that only the test binaries including it link GDCM (gdcmMSFF in tests/CMakeLists.txt).
//
//   test::DicomSpec spec;
//   spec.window_center = "40\\400";
//   test::write_dicom(dir / "a.dcm", spec, std::vector<uint16_t>{0, 10, 20, 30, 40, 50});

#include <gdcmDataSet.h>
#include <gdcmImageChangeTransferSyntax.h>
#include <gdcmImageWriter.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmTrace.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace segkit::test {

struct DicomSpec {
  int rows{2};
  int cols{3};
  int frames{1};
  gdcm::PixelFormat::ScalarType type{gdcm::PixelFormat::UINT16};
  int samples{1};  // 3 for RGB, interleaved
  gdcm::PhotometricInterpretation::PIType photometric{gdcm::PhotometricInterpretation::MONOCHROME2};
  double slope{1.0};
  double intercept{0.0};
  std::string window_center{};  // Decimal String text as written, e.g. "40\\400"; empty: no tag
  std::string window_width{};
  std::string voi_lut_function{};
  gdcm::TransferSyntax::TSType transfer_syntax{gdcm::TransferSyntax::ExplicitVRLittleEndian};
  bool with_sequence{false};  // adds an undefined-length sequence with one undefined-length item
};

template <typename T>
std::filesystem::path write_dicom(const std::filesystem::path& path, const DicomSpec& spec,
                                  const std::vector<T>& pixels) {
  // GDCM warns on stderr about the fresh data set (no SOP class yet) while it fills one in.
  gdcm::Trace::WarningOff();
  gdcm::ImageWriter writer;
  gdcm::Image& image = writer.GetImage();
  image.SetNumberOfDimensions(spec.frames > 1 ? 3 : 2);
  image.SetDimension(0, static_cast<unsigned>(spec.cols));
  image.SetDimension(1, static_cast<unsigned>(spec.rows));
  if (spec.frames > 1) image.SetDimension(2, static_cast<unsigned>(spec.frames));
  gdcm::PixelFormat format(spec.type);
  format.SetSamplesPerPixel(static_cast<unsigned short>(spec.samples));
  image.SetPixelFormat(format);
  image.SetPhotometricInterpretation(spec.photometric);
  image.SetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
  // The writer sets (0028,1052/1053) from these, overwriting any tag of the data set.
  image.SetSlope(spec.slope);
  image.SetIntercept(spec.intercept);
  if (pixels.size() != static_cast<size_t>(spec.rows) * spec.cols * spec.frames * spec.samples) {
    throw std::invalid_argument("write_dicom: pixel count does not match the spec");
  }
  gdcm::DataElement data(gdcm::Tag(0x7fe0, 0x0010));
  data.SetByteValue(reinterpret_cast<const char*>(pixels.data()),
                    static_cast<uint32_t>(pixels.size() * sizeof(T)));
  image.SetDataElement(data);

  if (spec.transfer_syntax != gdcm::TransferSyntax::ExplicitVRLittleEndian) {
    gdcm::ImageChangeTransferSyntax change;
    change.SetTransferSyntax(spec.transfer_syntax);
    change.SetInput(image);
    if (!change.Change())
      throw std::runtime_error("write_dicom: GDCM cannot encode this transfer syntax");
    writer.SetImage(change.GetOutput());
  }

  gdcm::DataSet& dataset = writer.GetFile().GetDataSet();
  const auto put = [&dataset](uint16_t element, std::string value, gdcm::VR vr) {
    if (value.empty()) return;
    if (value.size() % 2 != 0) value += ' ';  // DICOM values have even lengths
    gdcm::DataElement tag(gdcm::Tag(0x0028, element));
    tag.SetByteValue(value.data(), static_cast<uint32_t>(value.size()));
    tag.SetVR(vr);
    dataset.Replace(tag);
  };
  put(0x1050, spec.window_center, gdcm::VR::DS);
  put(0x1051, spec.window_width, gdcm::VR::DS);
  put(0x1056, spec.voi_lut_function, gdcm::VR::CS);
  if (spec.with_sequence) {
    gdcm::DataElement uid(gdcm::Tag(0x0008, 0x1150));  // Referenced SOP Class UID
    uid.SetVR(gdcm::VR::UI);
    uid.SetByteValue("1.2.840.10008.5.1.4.1.1.7", 26);
    gdcm::Item item;
    item.SetVLToUndefined();
    item.GetNestedDataSet().Insert(uid);
    gdcm::SmartPointer<gdcm::SequenceOfItems> items = new gdcm::SequenceOfItems;
    items->SetLengthToUndefined();
    items->AddItem(item);
    gdcm::DataElement sequence(gdcm::Tag(0x0008, 0x1140));  // Referenced Image Sequence
    sequence.SetVR(gdcm::VR::SQ);
    sequence.SetValue(*items);
    sequence.SetVLToUndefined();
    dataset.Insert(sequence);
  }
  writer.SetFileName(path.c_str());
  if (!writer.Write())
    throw std::runtime_error("write_dicom: GDCM could not write " + path.string());
  return path;
}

}  // namespace segkit::test
