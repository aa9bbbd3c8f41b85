#!/usr/bin/env bash
# The Dice cost of bfloat16 on real data, the ISBI 2012 membrane slices of ../shared:
#  1. inference: a trained Unet predicts them in float32 and in bfloat16 (`segkit predict
#     --precision`), and `segkit evaluate` scores both against the labels;
#  2. training: the same config trained in float32 and with `train.precision=bf16` (autocast), each
#     run's best validation Dice and the Dice of its float32 predictions.
# bench_model and bench_train measure the speed; this measures the price.
#
#   bash bench/bf16_dice.sh                      # about 5 minutes on 2 cores
#   SEGKIT_BENCH_RUN=runs/isbi bash bench/bf16_dice.sh   # part 1 on a trained run
set -euo pipefail
cd "$(dirname "$0")/.."
SEGKIT=${SEGKIT:-build/bin/segkit}
SHARED=${SEGKIT_SHARED_DIR:-../shared}
ISBI="$SHARED/data/isbi2012_em_membranes"
if [ ! -d "$ISBI/images" ]; then
  echo "bf16_dice: no $ISBI (set SEGKIT_SHARED_DIR): skipped"
  exit 0
fi
ISBI=$(cd "$ISBI" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=("data.image_dir=$ISBI/images" "data.mask_dir=$ISBI/labels")

seconds_since() { /usr/bin/python3 -c "print($EPOCHREALTIME - $1)"; }

# train NAME PRECISION: a 40-epoch run in $work/NAME; prints its seconds.
train() {
  local start=$EPOCHREALTIME
  "$SEGKIT" --log-level warn train configs/isbi_unet.yaml "${data[@]}" train.epochs=40 train.report_examples=0 \
    "train.precision=$2" --out "$work/$1" > /dev/null 2> "$work/train.err" || { cat "$work/train.err" >&2; exit 1; }
  seconds_since "$start"
}

# predict RUN PRECISION OUT: prints "seconds membrane cell mean" of RUN's predictions, scored.
predict() {
  local start=$EPOCHREALTIME
  "$SEGKIT" --log-level warn predict --run "$1" --input "$ISBI/images" --out "$3" \
    --precision "$2" > /dev/null 2> "$work/predict.err" || { cat "$work/predict.err" >&2; exit 1; }
  local seconds
  seconds=$(seconds_since "$start")
  "$SEGKIT" --log-level warn evaluate configs/isbi_unet.yaml "${data[@]}" --pred "$3" --json "$3.json" > /dev/null
  /usr/bin/python3 - "$3.json" "$seconds" <<'PY'
import json, sys
scores = json.load(open(sys.argv[1]))
dice = {entry["name"]: entry["dice"] for entry in scores["classes"]}
print(f"{float(sys.argv[2]):10.2f} {dice['membrane']:10.4f} {dice['cell']:10.4f} {scores['dice']:10.4f}")
PY
}

best_val_dice() {
  /usr/bin/python3 -c "import json,sys; print(max(json.loads(l)['val']['dice'] for l in open(sys.argv[1])))" \
    "$1/fold0/log.jsonl"
}

fp32_train_s=""
run=${SEGKIT_BENCH_RUN:-}
if [ -z "$run" ]; then
  fp32_train_s=$(train fp32 fp32)
  run="$work/fp32"
fi

echo "inference"
printf '%-10s %10s %10s %10s %10s\n' precision "predict s" membrane cell mean
for precision in fp32 bf16; do
  printf '%-10s %s\n' "$precision" "$(predict "$run" "$precision" "$work/pred_$precision")"
done

echo
echo "training (40 epochs; Dice of the best model's fp32 predictions, and its best validation Dice)"
[ -n "$fp32_train_s" ] || fp32_train_s=$(train fp32 fp32)
bf16_train_s=$(train bf16 bf16)
printf '%-10s %10s %10s %10s %10s %10s\n' precision "train s" membrane cell mean "val dice"
for precision in fp32 bf16; do
  seconds=fp32_train_s
  [ "$precision" = bf16 ] && seconds=bf16_train_s
  read -r _ membrane cell mean <<< "$(predict "$work/$precision" fp32 "$work/trained_$precision")"
  printf '%-10s %10.1f %10s %10s %10s %10.4f\n' "$precision" "${!seconds}" "$membrane" "$cell" "$mean" \
    "$(best_val_dice "$work/$precision")"
done
