#include "segkit/transforms/transform_registry.h"

#include "segkit/core/strings.h"
#include "segkit/transforms/registry_builders.h"
#include "segkit/transforms/transforms.h"

namespace segkit::transforms {
namespace {

std::vector<TransformPtr> children(TransformArgs& args, const std::string& where,
                                   const std::string& name) {
  const json list = args.raw("transforms");
  if (!list.is_array()) {
    args.fail("transforms", "is required: a list of transforms, got " + list.dump());
  }
  std::vector<TransformPtr> out;
  for (size_t i = 0; i < list.size(); ++i) {
    out.push_back(
        build_transform(list[i], where + "." + name + ".transforms[" + std::to_string(i) + "]"));
  }
  return out;
}

const BuilderTable& registry() {
  static const BuilderTable table = [] {
    BuilderTable t;
    add_geometric_builders(t);
    add_color_builders(t);
    add_region_builders(t);
    const BuilderTable composition = {
        {"Compose",
         [](TransformArgs& a, const std::string& where) {
           auto list = children(a, where, "Compose");
           return a.make<Compose>(std::move(list), a.p(1.0));
         }},
        {"OneOf",
         [](TransformArgs& a, const std::string& where) {
           auto list = children(a, where, "OneOf");
           return a.make<OneOf>(std::move(list), a.p(0.5));
         }},
        {"Sometimes",
         [](TransformArgs& a, const std::string& where) {
           const json child = a.raw("transform");
           if (child.is_null()) a.fail("transform", "is required: the transform to apply");
           TransformPtr built = build_transform(child, where + ".Sometimes.transform");
           return a.make<Sometimes>(a.p(0.5), std::move(built));
         }},
    };
    t.insert(t.end(), composition.begin(), composition.end());
    return t;
  }();
  return table;
}

}  // namespace

std::string name_1x_or_2x(TransformArgs& a, const std::string& name_1x, const std::string& name_2x) {
  if (a.has(name_1x) && a.has(name_2x)) {
    a.fail(name_2x, "and '" + name_1x + "' name the same setting (albumentations 2.x and 1.x); give one");
  }
  return a.has(name_2x) ? name_2x : name_1x;
}

FillValue fill_1x_or_2x(TransformArgs& a, const std::string& name_1x, const std::string& name_2x) {
  return a.fill(name_1x_or_2x(a, name_1x, name_2x));
}

std::optional<AxisRanges> axis_ranges(TransformArgs& a, const std::string& key, double missing) {
  const json value = a.raw(key);
  if (value.is_null()) return std::nullopt;
  const auto one = [&](const json& v, const std::string& where) -> Range {
    if (v.is_number()) return {v.get<double>(), v.get<double>()};
    if (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number()) return {v[0].get<double>(), v[1].get<double>()};
    a.fail(where, "must be a number, [low, high] or {x: ..., y: ...}, got " + v.dump());
  };
  if (!value.is_object()) {
    const Range both = one(value, key);
    return AxisRanges{both, both};
  }
  for (const auto& item : value.items()) {
    if (item.key() != "x" && item.key() != "y") a.fail(key, "has keys x and y only, got '" + item.key() + "'");
  }
  if (value.empty()) a.fail(key, "needs key x or y");
  const Range fallback{missing, missing};
  return AxisRanges{value.contains("x") ? one(value["x"], key + ".x") : fallback,
                    value.contains("y") ? one(value["y"], key + ".y") : fallback};
}

std::vector<std::string> transform_names() {
  std::vector<std::string> names;
  for (const auto& entry : registry()) names.push_back(entry.first);
  return names;
}

TransformPtr build_transform(const json& spec, const std::string& where) {
  std::string name;
  json params;
  if (spec.is_string()) {
    name = spec.get<std::string>();
  } else if (spec.is_object() && spec.size() == 1) {
    name = spec.begin().key();
    params = spec.begin().value();
  } else {
    throw ConfigError(where +
                      ": a transform is a name (\"HorizontalFlip\") or a one-key mapping "
                      "({HorizontalFlip: {p: 0.5}}), got " +
                      spec.dump());
  }
  for (const auto& [key, builder] : registry()) {
    if (key != name) continue;
    TransformArgs args(params, where + " (" + name + ")");
    return builder(args, where);
  }
  const std::vector<std::string> names = transform_names();
  throw ConfigError(where + ": unknown transform '" + name + "'" + did_you_mean(name, names) +
                    "; valid transforms: " + join(names, ", "));
}

std::shared_ptr<const Compose> build_pipeline(const json& list, const std::string& where) {
  if (list.is_null()) return std::make_shared<Compose>(std::vector<TransformPtr>{});
  if (!list.is_array()) {
    throw ConfigError(where + ": expected a list of transforms, got " + list.dump());
  }
  std::vector<TransformPtr> transforms;
  for (size_t i = 0; i < list.size(); ++i) {
    transforms.push_back(build_transform(list[i], where + "[" + std::to_string(i) + "]"));
  }
  return std::make_shared<Compose>(std::move(transforms));
}

}  // namespace segkit::transforms
