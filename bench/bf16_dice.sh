#!/usr/bin/env bash
# The Dice cost of bfloat16 inference on real data: a Unet trained on the ISBI 2012 membrane slices of
# ../shared predicts them in float32 and in bfloat16 (`segkit predict --precision`), and `segkit
# evaluate` scores both against the labels. bench_model measures the speed; this measures the price.
#
#   bash bench/bf16_dice.sh                      # trains a short run first (about 2 minutes on 2 cores)
#   SEGKIT_BENCH_RUN=runs/isbi bash bench/bf16_dice.sh   # or uses a trained run
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

run=${SEGKIT_BENCH_RUN:-}
if [ -z "$run" ]; then
  run="$work/run"
  "$SEGKIT" --log-level warn train configs/isbi_unet.yaml "${data[@]}" train.epochs=40 train.report_examples=0 \
    --out "$run" > /dev/null 2> "$work/train.err" || { cat "$work/train.err"; exit 1; }
fi

printf '%-10s %10s %10s %10s %10s\n' precision "predict s" membrane cell mean
for precision in fp32 bf16; do
  start=$EPOCHREALTIME
  "$SEGKIT" --log-level warn predict --run "$run" --input "$ISBI/images" --out "$work/$precision" \
    --precision "$precision" > /dev/null 2> "$work/predict.err" || { cat "$work/predict.err"; exit 1; }
  seconds=$(/usr/bin/python3 -c "print($EPOCHREALTIME - $start)")
  "$SEGKIT" --log-level warn evaluate configs/isbi_unet.yaml "${data[@]}" --pred "$work/$precision" \
    --json "$work/$precision.json" > /dev/null
  /usr/bin/python3 - "$work/$precision.json" "$precision" "$seconds" <<'PY'
import json, sys
scores = json.load(open(sys.argv[1]))
dice = {entry["name"]: entry["dice"] for entry in scores["classes"]}
print(f"{sys.argv[2]:<10} {float(sys.argv[3]):10.2f} {dice['membrane']:10.4f} {dice['cell']:10.4f} {scores['dice']:10.4f}")
PY
done
