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
  out["loss_scale"] = loss_scale;
  out["loss_scale_good_steps"] = loss_scale_good_steps;
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
  state.loss_scale = value.value("loss_scale", 0.0);
  state.loss_scale_good_steps = value.value("loss_scale_good_steps", int64_t{0});
  for (const auto& entry : value.at("history")) state.history.push_back(entry);
  return state;
}

}  // namespace segkit::train
