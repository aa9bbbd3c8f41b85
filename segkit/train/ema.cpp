#include "segkit/train/ema.h"

#include <map>
#include <set>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/nn/state_dict.h"

namespace segkit::train {
namespace {

// One module level of the archive layout torch::nn::Module::save writes: own tensors, then children.
struct ArchiveLevel {
  std::vector<size_t> tensors;  // indices into the EMA's list
  std::vector<std::string> leaf_names;
  std::vector<std::pair<std::string, ArchiveLevel>> children;

  ArchiveLevel& child(const std::string& name) {
    for (auto& entry : children) {
      if (entry.first == name) return entry.second;
    }
    return children.emplace_back(name, ArchiveLevel{}).second;
  }
};

ArchiveLevel archive_layout(const nn::NamedTensors& tensors, const std::vector<std::string>& modules) {
  ArchiveLevel root;
  // Module::load expects an archive for every child, parameterless ones (ReLU, MaxPool) included.
  for (const auto& module : modules) {
    ArchiveLevel* level = &root;
    for (const auto& part : split(module, '.')) level = &level->child(part);
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    auto parts = split(tensors[i].first, '.');
    ArchiveLevel* level = &root;
    for (size_t k = 0; k + 1 < parts.size(); ++k) level = &level->child(parts[k]);
    level->tensors.push_back(i);
    level->leaf_names.push_back(parts.back());
  }
  return root;
}

void ema_shape_error(const std::string& name, const torch::Tensor& ema, const torch::Tensor& other) {
  throw ShapeError("EMA entry '" + name + "' has shape " + c10::str(ema.sizes()) + ", the model's " +
                   c10::str(other.sizes()));
}

}  // namespace

ModelEma::ModelEma(const torch::nn::Module& model, EmaOptions options) : options_(options) {
  if (!(options_.decay >= 0 && options_.decay <= 1)) {
    throw ConfigError("EMA decay must lie in [0, 1], got " + std::to_string(options_.decay));
  }
  std::set<std::string> buffers;
  for (const auto& item : model.named_buffers()) buffers.insert(item.key());
  for (const auto& item : model.named_modules(/*name_prefix=*/"", /*include_self=*/false)) {
    if (item.value()->is_serializable()) modules_.push_back(item.key());
  }
  torch::NoGradGuard no_grad;
  for (const auto& [name, tensor] : nn::state_dict(model)) {
    tensors_.emplace_back(name, tensor.detach().clone());
    is_buffer_.push_back(buffers.count(name) > 0);
  }
}

std::vector<torch::Tensor> ModelEma::matching(const torch::nn::Module& model) const {
  std::map<std::string, torch::Tensor> by_name;
  for (const auto& [name, tensor] : nn::state_dict(model)) by_name.emplace(name, tensor);
  if (by_name.size() != tensors_.size()) {
    throw ShapeError("the model has " + std::to_string(by_name.size()) + " state_dict entries, the EMA " +
                     std::to_string(tensors_.size()) + ": not the model the EMA was made from");
  }
  std::vector<torch::Tensor> result;
  for (const auto& [name, ema] : tensors_) {
    auto found = by_name.find(name);
    if (found == by_name.end()) throw ShapeError("the model has no entry '" + name + "' that the EMA averages");
    if (!found->second.sizes().equals(ema.sizes())) ema_shape_error(name, ema, found->second);
    result.push_back(found->second);
  }
  return result;
}

void ModelEma::update(const torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  const auto current = matching(model);
  for (size_t i = 0; i < tensors_.size(); ++i) {
    torch::Tensor& ema = tensors_[i].second;
    const torch::Tensor value = current[i].detach().to(ema.device());
    const bool average = ema.is_floating_point() && (!is_buffer_[i] || options_.average_buffers);
    if (average) {
      // ModelEmaV2's decay * ema + (1 - decay) * value, without temporaries.
      ema.mul_(options_.decay).add_(value, 1.0 - options_.decay);
    } else {
      ema.copy_(value);
    }
  }
}

void ModelEma::set(const torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  const auto current = matching(model);
  for (size_t i = 0; i < tensors_.size(); ++i) tensors_[i].second.copy_(current[i]);
}

void ModelEma::copy_to(torch::nn::Module& model) const {
  torch::NoGradGuard no_grad;
  auto current = matching(model);
  for (size_t i = 0; i < tensors_.size(); ++i) current[i].copy_(tensors_[i].second);
}

void ModelEma::swap(torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  auto current = matching(model);
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const torch::Tensor saved = current[i].clone();
    current[i].copy_(tensors_[i].second);
    tensors_[i].second.copy_(saved);
  }
}

namespace {

void save_archive_level(const ArchiveLevel& level, const nn::NamedTensors& tensors,
                        const std::vector<bool>& is_buffer, torch::serialize::OutputArchive& archive) {
  for (size_t k = 0; k < level.tensors.size(); ++k) {
    const size_t i = level.tensors[k];
    archive.write(level.leaf_names[k], tensors[i].second, is_buffer[i]);
  }
  for (const auto& [name, child] : level.children) {
    torch::serialize::OutputArchive child_archive(archive.compilation_unit());
    save_archive_level(child, tensors, is_buffer, child_archive);
    archive.write(name, child_archive);
  }
}

void load_archive_level(const ArchiveLevel& level, nn::NamedTensors& tensors,
                        const std::vector<bool>& is_buffer, torch::serialize::InputArchive& archive) {
  for (size_t k = 0; k < level.tensors.size(); ++k) {
    const size_t i = level.tensors[k];
    torch::Tensor read;
    if (!archive.try_read(level.leaf_names[k], read, is_buffer[i])) {
      throw ShapeError("the EMA archive has no entry '" + tensors[i].first + "'");
    }
    if (!read.sizes().equals(tensors[i].second.sizes())) ema_shape_error(tensors[i].first, tensors[i].second, read);
    tensors[i].second.copy_(read);
  }
  for (const auto& [name, child] : level.children) {
    torch::serialize::InputArchive child_archive;
    if (!archive.try_read(name, child_archive)) throw ShapeError("the EMA archive has no module '" + name + "'");
    load_archive_level(child, tensors, is_buffer, child_archive);
  }
}

}  // namespace

void ModelEma::save(torch::serialize::OutputArchive& archive) const {
  save_archive_level(archive_layout(tensors_, modules_), tensors_, is_buffer_, archive);
}

void ModelEma::load(torch::serialize::InputArchive& archive) {
  torch::NoGradGuard no_grad;
  load_archive_level(archive_layout(tensors_, modules_), tensors_, is_buffer_, archive);
}

}  // namespace segkit::train
