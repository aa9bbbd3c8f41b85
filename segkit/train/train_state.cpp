#include "segkit/train/train_state.h"

namespace segkit::train {

config::json TrainState::to_json() const {
  config::json out;
  out["epoch"] = epoch;
  out["batch_in_epoch"] = batch_in_epoch;
  out["global_step"] = global_step;
  out["best"] = best ? config::json(*best) : config::json(nullptr);
  out["best_epoch"] = best_epoch;
  out["epochs_since_best"] = epochs_since_best;
  out["encoder_frozen"] = encoder_frozen;
  out["world_size"] = world_size;
  out["finished"] = finished;
  out["history"] = history;
  return out;
}

TrainState TrainState::from_json(const config::json& value) {
  TrainState state;
  state.epoch = value.at("epoch").get<int64_t>();
  state.batch_in_epoch = value.at("batch_in_epoch").get<int64_t>();
  state.global_step = value.at("global_step").get<int64_t>();
  if (!value.at("best").is_null()) state.best = value.at("best").get<double>();
  state.best_epoch = value.at("best_epoch").get<int64_t>();
  state.epochs_since_best = value.at("epochs_since_best").get<int64_t>();
  state.encoder_frozen = value.at("encoder_frozen").get<bool>();
  state.world_size = value.value("world_size", int64_t{1});
  state.finished = value.at("finished").get<bool>();
  for (const auto& entry : value.at("history")) state.history.push_back(entry);
  return state;
}

}  // namespace segkit::train
