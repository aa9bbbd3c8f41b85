#!/usr/bin/env bash
# Runs one recipe of configs/ end to end, scaled down, on synthetic data of its competition's format:
# the commands of its docs/recipes/ page with the configs/smoke/ overrides. A ctest runs every recipe.
#
#   scripts/smoke_recipe.sh steel|clouds|pneumothorax|clouds_two_stage|buildings [OUT_DIR]
#
# SEGKIT names the binary (default: build/bin/segkit). Without OUT_DIR a temporary folder is used and
# removed afterwards.
set -euo pipefail

recipe="${1:?usage: scripts/smoke_recipe.sh RECIPE [OUT_DIR]}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
segkit="${SEGKIT:-$repo/build/bin/segkit}"
smoke="$repo/configs/smoke"
if [[ $# -ge 2 ]]; then
  out="$2"
  mkdir -p "$out"
else
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
out="$(cd "$out" && pwd)"

run() {
  echo "+ segkit $*"
  "$segkit" --threads 1 "$@"
}

# A training set and a labelled "test" set (another seed) of the competition's format; the run
# config includes the smoke overrides, then the synthetic data's paths.
synth() {  # KIND SIZE COUNT [SMOKE_CONFIG]
  run synth --kind "$1" --size "$2" --count "$3" --seed 1 --force "$out/train"
  run synth --kind "$1" --size "$2" --count 6 --seed 2 --force "$out/test"
  if [[ $# -ge 4 ]]; then
    printf 'include: [%s, data.yaml]\n' "$smoke/$4" >"$out/train/run.yaml"
  fi
}

case "$recipe" in
  steel)
    synth steel 64x256 16 steel.yaml
    run train "$out/train/run.yaml" --out "$out/run"
    run predict --run "$out/run" --input "$out/test/data.yaml" --out "$out/pred" \
        --postprocess "$repo/configs/steel_postprocess.yaml" --overlays "$out/overlays"
    run submit --pred "$out/pred" --format severstal -o "$out/submission.csv"
    run evaluate "$out/test/data.yaml" --pred "$out/pred"
    ;;
  clouds)
    synth clouds 64x96 16 clouds.yaml
    run train "$out/train/run.yaml" --out "$out/run" --folds all
    run tune --run "$out/run"
    run predict --run "$out/run" --input "$out/test/data.yaml" --out "$out/pred" \
        --output-size 32x48 --postprocess "$out/run/postprocess.yaml"
    run submit --pred "$out/pred" --format clouds -o "$out/submission.csv"
    ;;
  pneumothorax)
    synth pneumo 128x128 16 pneumothorax.yaml
    run train "$out/train/run.yaml" --out "$out/run" --folds all
    run tune --run "$out/run" --min-prob-sum 20 --per-fold
    run predict --run "$out/run" --input "$out/test/data.yaml" --out "$out/pred" --tta hflip \
        --output-size 64x64 --postprocess "$out/run/postprocess.yaml"
    run submit --pred "$out/pred" --format siim --size 128x128 -o "$out/submission.csv"
    run evaluate "$out/test/data.yaml" --submission "$out/submission.csv" --format siim
    ;;
  clouds_two_stage)
    synth clouds 64x96 16
    run prepare "$out/train/data.yaml" --size 64x96 -o "$out/prepared"
    for model in seg1 seg2 cls; do
      printf 'include: %s\n' "$smoke/clouds_two_stage_$model.yaml" >"$out/$model.yaml"
      run train "$out/$model.yaml" --out "$out/$model" --folds all
    done
    # The classifier's thresholds are tuned on what it gates: seg2's out-of-fold masks, emptied where
    # seg1's are empty.
    run tune --run "$out/seg2" --classifier "$out/cls" --empty-from "$out/seg1" -o "$out/two_stage_postprocess.yaml"
    # seg2's members vote: here its two fold models (the recipe: several architectures).
    for model in seg1 cls seg2/fold0 seg2/fold1; do
      run predict --run "$out/$model" --input "$out/test/data.yaml" --out "$out/pred_${model//\//_}" --tta flips \
          --save both
    done
    run ensemble --pred "$out/pred_seg2_fold0" --pred "$out/pred_seg2_fold1" --method vote --out "$out/pred" \
        --empty-from "$out/pred_seg1" --classifier "$out/pred_cls" --postprocess "$out/two_stage_postprocess.yaml"
    # Pseudo-labels from the final pipeline's masks predicted at a quarter of the image area, as the
    # recipe's 350x525 for 1400x2100 images, written at the images' size. The recipe keeps the images
    # whose masks agree with confident classifier probabilities (--agree --lo 0.3 --hi 0.7); a
    # two-epoch classifier is neither sure nor right, so the smoke run takes every image.
    for model in seg1 seg2/fold0 seg2/fold1; do
      run predict --run "$out/$model" --input "$out/test/data.yaml" --out "$out/small_${model//\//_}" --tta flips \
          --output-size 32x48
    done
    run ensemble --pred "$out/small_seg2_fold0" --pred "$out/small_seg2_fold1" --method vote --out "$out/final_small" \
        --empty-from "$out/small_seg1" --classifier "$out/pred_cls" --postprocess "$out/two_stage_postprocess.yaml"
    run pseudo-label --pred "$out/final_small" --classifier "$out/pred_cls" --input "$out/test/data.yaml" \
        --out "$out/pseudo" --lo 0.5 --hi 0.5
    run submit --pred "$out/pred" --format clouds -o "$out/submission.csv"
    run evaluate "$out/test/data.yaml" --pred "$out/pred"
    ;;
  buildings)
    synth buildings 64x64 12 buildings_fpn_effb1.yaml
    run train "$out/train/run.yaml" --out "$out/b1" --fold 0
    # Stage 2: soft labels from stage 1 (with TTA) on the unlabelled tiles, retrained with effnet-b2.
    run predict --run "$out/b1" --input "$out/test/RGB-PanSharpen" --out "$out/unlabelled" --tta d4 \
        --scales 0.5 1 2 --save probs
    run pseudo-label --pred "$out/unlabelled" --input "$out/test/RGB-PanSharpen" --out "$out/pseudo" --soft \
        --lo 0.5 --hi 0.5
    printf 'include: [%s, data.yaml]\n' "$smoke/buildings_soft_effb2.yaml" >"$out/train/stage2.yaml"
    run train "$out/train/stage2.yaml" --out "$out/b2" --fold 0
    run predict --run "$out/b1" --run "$out/b2" --input "$out/test/data.yaml" --out "$out/pred" \
        --tta d4 --scales 0.5 1 2 --postprocess "$repo/configs/buildings_postprocess.yaml"
    ls "$out/pred/geotiff" >/dev/null
    run submit --pred "$out/pred" --format generic -o "$out/submission.csv"
    run evaluate "$out/test/data.yaml" --pred "$out/pred"
    ;;
  *)
    echo "unknown recipe '$recipe': steel, clouds, pneumothorax, clouds_two_stage or buildings" >&2
    exit 2
    ;;
esac
echo "recipe $recipe: done in $out"
