#include "segkit/train/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <torch/serialize.h>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"

namespace segkit::train {
namespace {

constexpr const char* kFormat = "segkit-checkpoint-v1";

void write_json(torch::serialize::OutputArchive& archive, const std::string& key, const config::json& value) {
  archive.write(key, c10::IValue(value.dump()));
}

config::json read_json(torch::serialize::InputArchive& archive, const std::string& key) {
  c10::IValue value;
  archive.read(key, value);
  return config::json::parse(value.toStringRef());
}

}  // namespace

void save_checkpoint(const std::filesystem::path& file, const TrainState& state, const CheckpointRefs& refs) {
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(std::string(kFormat)));
  write_json(archive, "state", state.to_json());
  write_json(archive, "scheduler", refs.scheduler.state());

  torch::serialize::OutputArchive model;
  refs.model.save(model);
  archive.write("model", model);
  torch::serialize::OutputArchive optimizer;
  refs.optimizer.save(optimizer);
  archive.write("optimizer", optimizer);
  if (refs.ema) {
    torch::serialize::OutputArchive ema;
    refs.ema->save(ema);
    archive.write("ema", ema);
  }
  if (refs.partial_metrics) {
    torch::serialize::OutputArchive metrics;
    refs.partial_metrics->save(metrics);
    archive.write("partial_metrics", metrics);
  }
  archive.write("cpu_rng", at::detail::getDefaultCPUGenerator().get_state());
  write_atomic_with(file, [&](const std::filesystem::path& temp) { archive.save_to(temp.string()); });
}

TrainState load_checkpoint(const std::filesystem::path& file, const CheckpointRefs& refs) {
  if (!std::filesystem::exists(file)) throw IoError(fmt::format("{}: no checkpoint to resume from", file.string()));
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(file.string());
    c10::IValue format;
    if (!archive.try_read("format", format) || !format.isString() || format.toStringRef() != kFormat) {
      throw DataError(fmt::format("{}: not a segkit checkpoint ({} expected)", file.string(), kFormat));
    }
    TrainState state = TrainState::from_json(read_json(archive, "state"));
    refs.scheduler.load_state(read_json(archive, "scheduler"));
    torch::serialize::InputArchive model;
    archive.read("model", model);
    refs.model.load(model);
    torch::serialize::InputArchive optimizer;
    archive.read("optimizer", optimizer);
    refs.optimizer.load(optimizer);
    if (refs.ema) {
      torch::serialize::InputArchive ema;
      archive.read("ema", ema);
      refs.ema->load(ema);
    }
    if (refs.partial_metrics) {
      torch::serialize::InputArchive metrics;
      archive.read("partial_metrics", metrics);
      refs.partial_metrics->load(metrics);
    }
    torch::Tensor rng;
    archive.read("cpu_rng", rng);
    auto generator = at::detail::getDefaultCPUGenerator();  // a handle: setting its state sets the global one
    generator.set_state(rng);
    return state;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw DataError(fmt::format("{}: cannot resume from this checkpoint: {}", file.string(), e.what()));
  }
}

}  // namespace segkit::train
