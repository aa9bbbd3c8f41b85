#include "segkit/transforms/placement.h"

#include "segkit/transforms/compose.h"
#include "segkit/transforms/crops_resize_pad.h"

namespace segkit::transforms {
namespace {

bool place(const Transform& transform, Placement& placement) {
  if (const auto* compose = dynamic_cast<const Compose*>(&transform)) {
    for (const auto& child : compose->transforms()) {
      if (!place(*child, placement)) return false;
    }
    return true;
  }
  if (const auto* pad = dynamic_cast<const PadIfNeeded*>(&transform)) {
    const auto padding = pad->padding(placement.output);
    if (!padding) return false;
    const auto [top, bottom, left, right] = *padding;
    placement.content.x += left;
    placement.content.y += top;
    placement.output = {placement.output.width + left + right, placement.output.height + top + bottom};
    return true;
  }
  if (const auto* resize = dynamic_cast<const Resize*>(&transform)) {
    const double sx = static_cast<double>(resize->size().width) / placement.output.width;
    const double sy = static_cast<double>(resize->size().height) / placement.output.height;
    placement.content = {placement.content.x * sx, placement.content.y * sy, placement.content.width * sx,
                         placement.content.height * sy};
    placement.output = resize->size();
  }
  return true;
}

}  // namespace

std::optional<Placement> content_placement(const Transform& pipeline, cv::Size input) {
  Placement placement{input, cv::Rect2d(0, 0, input.width, input.height)};
  if (!place(pipeline, placement)) return std::nullopt;
  return placement;
}

}  // namespace segkit::transforms
