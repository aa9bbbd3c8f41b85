#include "segkit/io/dicom_internal.h"

#include <cstdint>
#include <cstdio>
#include <string>

#include "segkit/core/error.h"

namespace segkit::io::dicom_detail {
namespace {

constexpr uint32_t kUndefinedLength = 0xFFFFFFFF;
constexpr uint16_t kItemGroup = 0xFFFE;
constexpr uint16_t kItem = 0xE000, kItemEnd = 0xE00D, kSequenceEnd = 0xE0DD;
constexpr int kMaxDepth = 32;

struct Encoding {
  bool explicit_vr = true;
  bool big_endian = false;
};

// Thrown inside the walk when it meets something it cannot frame; check_framing then defers to
// GDCM.
struct Unsure {};

bool is_vr(std::string_view vr) {
  static constexpr const char* kVrs[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL",
                                         "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW",
                                         "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC",
                                         "UI", "UL", "UN", "UR", "US", "UT", "UV"};
  for (const char* known : kVrs) {
    if (vr == known) return true;
  }
  return false;
}

// PS3.5 7.1.2: these VRs have a 2-byte reserved field and a 4-byte length in explicit encodings.
bool has_long_length(std::string_view vr) {
  static constexpr const char* kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                          "SV", "UC", "UN", "UR", "UT", "UV"};
  for (const char* known : kLong) {
    if (vr == known) return true;
  }
  return false;
}

std::string tag_text(uint16_t group, uint16_t element) {
  char text[16];
  std::snprintf(text, sizeof(text), "(%04X,%04X)", group, element);
  return text;
}

class Walk {
 public:
  Walk(std::string_view bytes, const std::filesystem::path& path) : bytes_(bytes), path_(path) {}

  uint16_t u16(size_t at, const Encoding& e) const {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes_.data() + at);
    return e.big_endian ? static_cast<uint16_t>(p[0] << 8 | p[1])
                        : static_cast<uint16_t>(p[1] << 8 | p[0]);
  }
  uint32_t u32(size_t at, const Encoding& e) const {
    const uint32_t a = u16(at, e), b = u16(at + 2, e);
    return e.big_endian ? a << 16 | b : b << 16 | a;
  }

  [[noreturn]] void cut(size_t at, const std::string& what) const {
    throw DataError("DICOM file " + path_.string() + " is truncated: " + what + " at byte " +
                    std::to_string(at) + " runs past the end of the file (" +
                    std::to_string(bytes_.size()) + " bytes)");
  }

  void need(size_t at, size_t count, const std::string& what) const {
    if (count > bytes_.size() || at > bytes_.size() - count) cut(at, what);
  }

  // Elements from `pos` up to `end`; inside an undefined-length item, up to its delimiter instead.
  // Returns the position after the last element (after the delimiter).
  size_t dataset(size_t pos, size_t end, const Encoding& e, bool in_item, int depth) const {
    if (depth > kMaxDepth) throw Unsure{};
    while (pos < end || in_item) {
      need(pos, 8, "an element header");
      const uint16_t group = u16(pos, e), element = u16(pos + 2, e);
      if (group == kItemGroup) {
        if (in_item && element == kItemEnd) return pos + 8;
        throw Unsure{};
      }
      pos = this->element(pos, e, depth, group, element);
    }
    return pos;
  }

  size_t element(size_t pos, const Encoding& e, int depth, uint16_t group, uint16_t element) const {
    const std::string name = "element " + tag_text(group, element);
    std::string vr;
    uint32_t length = 0;
    size_t header = 8;
    if (e.explicit_vr) {
      vr.assign(bytes_.data() + pos + 4, 2);
      if (!is_vr(vr)) throw Unsure{};
      if (has_long_length(vr)) {
        need(pos, 12, name + " header");
        length = u32(pos + 8, e);
        header = 12;
      } else {
        length = u16(pos + 6, e);
      }
    } else {
      length = u32(pos + 4, e);
    }
    const size_t value = pos + header;
    if (length != kUndefinedLength) {
      need(value, length, name);
      return value + length;
    }
    if (group == 0x7FE0 && element == 0x0010) return fragments(value, e, name);
    if (!e.explicit_vr || vr == "SQ") return items(value, e, depth, name);
    if (vr == "UN")
      return items(value, Encoding{false, false}, depth, name);  // PS3.5 6.2.2: implicit inside
    throw Unsure{};
  }

  size_t items(size_t pos, const Encoding& e, int depth, const std::string& name) const {
    for (;;) {
      need(pos, 8, "an item of " + name);
      if (u16(pos, e) != kItemGroup) throw Unsure{};
      const uint16_t kind = u16(pos + 2, e);
      const uint32_t length = u32(pos + 4, e);
      if (kind == kSequenceEnd) return pos + 8;
      if (kind != kItem) throw Unsure{};
      if (length == kUndefinedLength) {
        pos = dataset(pos + 8, bytes_.size(), e, true, depth + 1);
      } else {
        need(pos + 8, length, "an item of " + name);
        pos += 8 + length;
      }
    }
  }

  // Encapsulated pixel data (PS3.5 A.4): defined-length fragments up to a sequence delimiter.
  size_t fragments(size_t pos, const Encoding& e, const std::string& name) const {
    for (;;) {
      need(pos, 8, "a fragment of " + name);
      if (u16(pos, e) != kItemGroup) throw Unsure{};
      const uint16_t kind = u16(pos + 2, e);
      const uint32_t length = u32(pos + 4, e);
      if (kind == kSequenceEnd) return pos + 8;
      if (kind != kItem || length == kUndefinedLength) throw Unsure{};
      need(pos + 8, length, "a fragment of " + name);
      pos += 8 + length;
    }
  }

  // Explicit or implicit, from whether a VR follows the first tag (files without a meta group).
  Encoding guess(size_t pos) const {
    Encoding e;
    e.explicit_vr = pos + 6 <= bytes_.size() && is_vr(bytes_.substr(pos + 4, 2));
    return e;
  }

 private:
  std::string_view bytes_;
  const std::filesystem::path& path_;
};

Encoding encoding_of(std::string uid) {
  while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) uid.pop_back();
  if (uid == "1.2.840.10008.1.2") return Encoding{false, false};
  if (uid == "1.2.840.10008.1.2.2") return Encoding{true, true};
  if (uid == "1.2.840.10008.1.2.1.99") throw Unsure{};  // deflated: the data set is a zlib stream
  return Encoding{true, false};  // every other syntax is explicit little endian
}

}  // namespace

void check_framing(std::string_view bytes, const std::filesystem::path& path) {
  const Walk walk(bytes, path);
  const Encoding meta_encoding;
  size_t pos = 0;
  const bool preamble = bytes.size() >= 132 && bytes.substr(128, 4) == "DICM";
  if (preamble) {
    pos = 132;
  } else {
    // Old ACR-NEMA style files start with the data set, in group 0008 (or the meta group 0002).
    const uint16_t group = bytes.size() >= 8 ? walk.u16(0, meta_encoding) : 0;
    if (group != 0x0002 && group != 0x0008) {
      throw DataError("not a DICOM file: " + path.string() +
                      " (no 'DICM' marker at byte 128 and no data set at its start; or a DICOM "
                      "file cut short)");
    }
  }
  try {
    std::string transfer_syntax;
    bool has_meta = false;
    while (pos + 2 <= bytes.size() && walk.u16(pos, meta_encoding) == 0x0002) {
      walk.need(pos, 8, "a meta information element header");
      const uint16_t element = walk.u16(pos + 2, meta_encoding);
      const size_t next = walk.element(pos, meta_encoding, 0, 0x0002, element);
      if (element == 0x0010) transfer_syntax.assign(bytes.data() + pos + 8, next - pos - 8);
      // A cut between meta elements looks complete; the group length says where the group ends.
      if (element == 0x0000 && next - pos == 12) {
        walk.need(next, walk.u32(pos + 8, meta_encoding), "the file meta information group");
      }
      has_meta = true;
      pos = next;
    }
    if (pos == bytes.size()) {
      throw DataError("DICOM file " + path.string() + " is truncated: it ends before its data set");
    }
    const Encoding encoding =
        has_meta && !transfer_syntax.empty() ? encoding_of(transfer_syntax) : walk.guess(pos);
    walk.dataset(pos, bytes.size(), encoding, false, 0);
  } catch (const Unsure&) {
    // Left to GDCM, which reads many broken files this walk does not model.
  }
}

}  // namespace segkit::io::dicom_detail
