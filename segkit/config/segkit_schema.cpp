#include "segkit/config/segkit_schema.h"

namespace segkit::config {
namespace {

Schema build_schema() {
  Schema root = Schema::section("segkit configuration");
  root.add("seed", Schema::integer(42, "Seed of every random choice (weights init, shuffling, augmentation)")
                       .range(0, {}));
  root.add("threads", Schema::integer(0, "Intra-op CPU threads; 0 = OMP_NUM_THREADS when set, else all cores")
                          .range(0, {}));
  root.add("device", Schema::string("auto", "Where tensors live: auto (CUDA when available), cpu, cuda, cuda:N"));
  root.add("cudnn_benchmark", Schema::boolean(true, "CUDA: cuDNN times its convolution algorithms per input shape and keeps the fastest (not bitwise reproducible); no effect on the CPU"));
  root.add("log_level", Schema::string("info", "Logging verbosity")
                            .choices({"trace", "debug", "info", "warn", "error", "off"}));

  // Only the arguments whose defaults are the same for every architecture are declared; the section
  // is open and create_model() checks the rest against the chosen architecture (docs/models.md).
  Schema model = Schema::section("The network: SMP's constructor arguments (docs/models.md)");
  model.add("arch", Schema::string("unet", "Architecture (classifier: an image classifier, no masks)")
                        .choices({"unet", "unetplusplus", "fpn", "pspnet", "linknet", "deeplabv3", "deeplabv3plus", "manet", "pan", "upernet", "segformer", "dynamic_unet", "classifier"}));
  model.add("encoder_name", Schema::string("resnet34", "Encoder (`segkit models` lists them)"));
  model.add("encoder_weights",
            Schema::string(std::nullopt, "ImageNet weights for the encoder: a .safetensors path (never downloaded)"));
  model.add("weights", Schema::string(std::nullopt, "Whole-model start point: an SMP hub folder (model.safetensors) or a .safetensors state_dict, loaded strictly; null = initialised from the seed"));
  model.add("in_channels", Schema::integer(3, "Input image channels").range(1, {}));
  model.add("classes", Schema::integer(1, "Output mask channels").range(1, {}));
  model.add("mode", Schema::string("auto", "What the channels mean: binary, multilabel (independent sigmoid channels), multiclass (softmax, one class per pixel, void ignored); auto = multiclass when the loss is, else multilabel (docs/training.md)")
                        .choices({"auto", "binary", "multilabel", "multiclass"}));
  model.open();
  root.add("model", std::move(model));

  // The reader's own keys depend on the format; data::build_dataset checks them (docs/data.md).
  Schema data = Schema::section("The labelled images (docs/data.md); relative paths are relative to the config file");
  data.add("format", Schema::string(std::nullopt, "Reader").choices({"rle_csv", "mask_folder", "labelme", "image_folder", "prepared", "geotiff", "concat"}));
  data.open();
  root.add("data", std::move(data));

  Schema pseudo = Schema::section("Pseudo-labelled images mixed into every fold's training set (`segkit pseudo-label`)");
  pseudo.add("data", Schema::any(nullptr, "Their data section, e.g. {format: prepared, dir: pseudo}; null = none"));
  pseudo.add("share", Schema::number(0.25, "Share of each epoch's training draws taken from them").range(0, 1));
  root.add("pseudo_labels", std::move(pseudo));

  Schema folds = Schema::section("Cross-validation split shared by every model (`segkit folds`)");
  folds.add("k", Schema::integer(5, "Number of folds").range(2, {}));
  folds.add("method", Schema::string("stratified", "kfold, or stratified by the number of non-empty classes per image")
                          .choices({"kfold", "stratified"}));
  folds.add("file", Schema::string("folds.csv", "Folds CSV (ImageId,fold), relative to the config file"));
  root.add("folds", std::move(folds));

  Schema augment = Schema::section("Augmentation lists, albumentations names (docs/transforms.md)");
  augment.add("train", Schema::any(json::array(), "Transforms applied to training samples"));
  augment.add("val", Schema::any(json::array(), "Transforms applied to validation samples (resize, normalise)"));
  root.add("augment", std::move(augment));

  // Loss, optimiser and schedule are checked by their own builders, which know each variant's
  // arguments (docs/training.md).
  root.add("loss", Schema::any(json{{"name", "bce_dice"}}, "Training loss: {name: ..., arguments} (docs/training.md)"));
  root.add("optimizer", Schema::any(json{{"name", "adam"}}, "Optimiser and learning rates (docs/training.md)"));
  root.add("scheduler", Schema::any(nullptr, "Learning-rate schedule; null keeps the rate constant (docs/training.md)"));

  Schema train = Schema::section("The training loop (docs/training.md)");
  train.add("epochs", Schema::integer(10, "Epochs to train").range(1, {}));
  train.add("batch_size", Schema::integer(8, "Images per optimiser step (before accumulation)").range(1, {}));
  train.add("val_batch_size", Schema::integer(0, "Images per validation batch; 0 = batch_size").range(0, {}));
  train.add("workers", Schema::integer(2, "Loader threads; 0 loads in the training thread").range(0, {}));
  train.add("steps_per_epoch", Schema::integer(0, "Batches per training epoch; 0 = the whole training set").range(0, {}));
  train.add("accumulate", Schema::integer(1, "Batches whose gradients are summed before each optimiser step").range(1, {}));
  train.add("clip_grad_norm", Schema::number(0.0, "Clip the gradients' total L2 norm to this; 0 = off").range(0, {}));
  train.add("monitor", Schema::string("val.dice", "Epoch value that picks the best checkpoint (a log.jsonl key)"));
  train.add("monitor_mode", Schema::string("max", "Whether a larger or smaller monitored value is better").choices({"max", "min"}));
  train.add("early_stopping", Schema::integer(0, "Stop after this many epochs without improvement; 0 = never").range(0, {}));
  train.add("checkpoint_every", Schema::integer(0, "Also write the last checkpoint every N optimiser steps; 0 = per epoch only").range(0, {}));
  train.add("freeze_encoder_epochs", Schema::integer(0, "Epochs with the encoder (and its BatchNorm statistics) frozen").range(0, {}));
  train.add("train_bn", Schema::boolean(false, "While the encoder is frozen, its BatchNorm layers keep training (weights and running statistics), as fastai's train_bn"));
  train.add("unfreeze_encoder_lr", Schema::number(std::nullopt, "Encoder learning rate after unfreezing; null = the optimiser's"));
  train.add("bn_momentum", Schema::number(std::nullopt, "BatchNorm momentum for every layer; null = the model's (0.1)").range(0, 1));
  train.add("channels_last", Schema::any("auto", "Weights and activations in channels-last memory: true, false, or auto = where it is faster (CUDA, and CPUs whose oneDNN runs AVX-512; NCHW on AVX2-only CPUs, where channels-last steps are up to 25 % slower)"));
  train.add("precision", Schema::string("fp32", "Mixed precision: convolutions in bf16 (CPUs with avx512_bf16/amx_bf16, refused on others; CUDA) or fp16 (CUDA, with loss scaling) under autocast, losses in fp32; auto = bf16 where the CPU has it natively, else fp32, fp16 on CUDA (results then depend on the machine)")
                             .choices({"fp32", "bf16", "fp16", "auto"}));
  train.add("sync_batchnorm", Schema::boolean(false, "Distributed runs: BatchNorm statistics over every rank's batch (SyncBatchNorm)"));
  train.add("ema_decay", Schema::number(0.0, "Exponential moving average of the weights (e.g. 0.999); 0 = off").range(0, 1));
  train.add("on_nan", Schema::string("stop", "A NaN/Inf loss stops training (the last good checkpoint stays) or skips the batch")
                          .choices({"stop", "skip"}));
  train.add("cls_loss_weight", Schema::number(0.2, "Weight of the classification head's BCE (mask not empty), if the model has one").range(0, {}));
  train.add("threshold", Schema::number(0.5, "Probability above which a pixel counts as positive in the metrics").range(0, 1));
  train.add("positive_fraction", Schema::number(std::nullopt, "Sample images with a mask at this rate (e.g. 0.5); null = uniform").range(0, 1));
  train.add("fold", Schema::integer(0, "Validation fold of the folds file (CLI: --fold, --folds all)").range(0, {}));
  train.add("report_examples", Schema::integer(8, "Validation images shown in report.html").range(0, {}));
  root.add("train", std::move(train));
  return root;
}

}  // namespace

const Schema& segkit_schema() {
  static const Schema schema = build_schema();
  return schema;
}

}  // namespace segkit::config
