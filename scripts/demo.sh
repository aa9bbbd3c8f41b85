#!/usr/bin/env bash
# `make demo`: the steel recipe end to end on synthetic Severstal data, scaled down to minutes on a
# CPU: data -> 2-fold training -> post-processing tuned on the out-of-fold predictions -> prediction
# of unseen test images with TTA -> submission.csv -> score against the synthetic truth.
#
#   scripts/demo.sh [OUT_DIR]        (default: demo/; SEGKIT names the binary, default build/bin/segkit)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
segkit="${SEGKIT:-$repo/build/bin/segkit}"
out="${1:-$repo/demo}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/train" "$out/test" "$out/run" "$out/pred" "$out/overlays"  # a fresh run every time
start=$SECONDS

step() { printf '\n==> [%s/7] %s\n' "$1" "$2"; }
run() {
  echo "+ segkit $*"
  "$segkit" "$@"
}

step 1 "Synthetic Severstal data: 96 training and 16 test images (64x400, 4 defect classes, Kaggle's CSV layout)"
run synth --kind steel --count 96 --size 64x400 --seed 1 --force "$out/train"
run synth --kind steel --count 16 --size 64x400 --seed 2 --force "$out/test"

step 2 "The run config: configs/steel_unet_resnet18.yaml (Unet + ResNet18, Adam, plateau) scaled down"
cat >"$out/train/run.yaml" <<YAML
# The steel recipe (docs/recipes/steel.md) on the synthetic data, for a few minutes on a CPU.
include: [$repo/configs/steel_unet_resnet18.yaml, data.yaml]
folds: {k: 2, file: folds.csv}     # 2 folds, both trained: out-of-fold predictions for every image
# From scratch (no ImageNet weights) on 96 images, BCE alone learns "no defect" first and needs far
# more epochs than a demo has; the Dice term makes the small defects count from the first epoch.
loss: {name: bce_dice}
optimizer: {lr: 1.0e-3}
train: {epochs: 20, batch_size: 8, accumulate: 1}   # the recipe's plateau and best epoch follow val.loss
YAML
cat "$out/train/run.yaml"

step 3 "Training both folds (progress bars, logs and a report per fold)"
run train "$out/train/run.yaml" --out "$out/run" --folds all

step 4 "Tuning threshold and minimum component size per class on the out-of-fold predictions"
run tune --run "$out/run"

step 5 "Predicting the 16 unseen test images (both fold models, horizontal-flip TTA, tuned post-processing)"
run predict --run "$out/run" --input "$out/test/data.yaml" --out "$out/pred" --tta hflip \
    --postprocess "$out/run/postprocess.yaml" --overlays "$out/overlays"

step 6 "Writing the Kaggle submission (ImageId_ClassId,EncodedPixels), self-checked by decoding it back"
run submit --pred "$out/pred" --format severstal -o "$out/submission.csv"

step 7 "Scoring the submission against the synthetic truth (Kaggle mean Dice)"
run evaluate "$out/test/data.yaml" --submission "$out/submission.csv" --format severstal

cat <<DONE

Done in $((SECONDS - start)) s. Look at:
  $out/run/fold0/report.html     training curves, learning rates and validation examples
  $out/overlays/                 the test images with their predicted (right) and true (left) masks
  $out/submission.csv            the submission
  $out/run/postprocess.yaml      the tuned post-processing
DONE
