"""Python reference for `segkit tune`: the threshold / min_area grid search of Kaggle notebooks.

  tune_reference.py --oof FILE.safetensors [--min-areas A ...] [--threads N] [--tuned]
  tune_reference.py --make-test FILE.safetensors [--images 20 --classes 4 --height 64 --width 400]

FILE is segkit-oof-v1: probabilities/<id> uint8 (K, H, W) = round(p * 255), masks/<id> uint8 0/1.
Per class: thresholds 0.05..0.95 step 0.05 x min_area grid, then thresholds best +-0.05 in 0.01
steps (within 0.01..0.99) x the grid again. Every (threshold, min_area) re-runs, image by image:
threshold, cv2.connectedComponentsWithStats (8-connectivity), drop components with area <
min_area, Kaggle Dice (2|P&T| / (|P|+|T|), 1 when both empty), mean over images.
Last stdout line, JSON: {"seconds", "load_seconds", "images", "min_areas",
  "classes": [{"threshold", "min_area", "dice", "default_dice"}], "peak_rss_mb", "threads"}.
"""
import argparse
import time

import cv2
import numpy as np

import benchutil
import safetensors_np

REFERENCE_AREA = 350 * 525  # the clouds pipelines' working size, where the published grid comes from
BASE_GRID = (0, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 20000)


def default_min_areas(image_area):
    # Half-away-from-zero rounding like C++ std::lround (Python's round() is half-to-even).
    return sorted({int(np.floor(a * image_area / REFERENCE_AREA + 0.5)) for a in BASE_GRID})


def load_oof(path):
    """(probabilities, masks): per image a (K, H, W) float32 in [0, 1] and a (K, H, W) uint8 0/1.
    Notebooks keep float probabilities; v / 255 in float32 is exactly what segkit compares."""
    tensors, metadata = safetensors_np.read(path)
    if metadata.get("format") != "segkit-oof-v1":
        raise SystemExit(f"{path}: metadata format is not segkit-oof-v1")
    probabilities, masks = [], []
    for name, (_, array) in tensors.items():
        if name.startswith("probabilities/"):
            probabilities.append(array.astype(np.float32) / np.float32(255))
            masks.append(np.array(tensors["masks/" + name[len("probabilities/"):]][1]))
    return probabilities, masks


def post_process(probability, threshold, min_area):
    mask = (probability > threshold).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area
    keep[0] = False  # label 0 is the background
    return keep[labels]


def dice(predicted, truth):
    total = predicted.sum() + truth.sum()
    return 1.0 if total == 0 else 2.0 * np.logical_and(predicted, truth).sum() / total


def mean_dice(probabilities, masks, c, threshold, min_area):
    scores = [dice(post_process(p[c], threshold, min_area), m[c] > 0) for p, m in zip(probabilities, masks)]
    return float(np.mean(scores))


def search_class(probabilities, masks, c, min_areas):
    # Thresholds as integer percents compared in float32, like segkit's LUT (float(v)/255.f > t),
    # so ties at v/255 == t resolve the same way and the two searches can be compared exactly.
    def score(pct, area):
        return mean_dice(probabilities, masks, c, np.float32(pct / 100), area)

    # Ties (plateaus are common) keep the threshold nearest 0.5, then the smaller min_area: the
    # same rule as segkit, so both report the same parameters and not just the same Dice.
    best = (score(50, 0), 50, 0)
    default_dice = best[0]

    def consider(pct):
        nonlocal best
        for area in min_areas:
            d = score(pct, area)
            if d > best[0] + 1e-12 or (abs(d - best[0]) <= 1e-12 and abs(pct - 50) < abs(best[1] - 50)):
                best = (d, pct, area)

    for pct in range(5, 96, 5):
        consider(pct)
    centre = best[1]
    for pct in range(max(1, centre - 5), min(99, centre + 5) + 1):
        if pct % 5:
            consider(pct)
    return {"threshold": best[1] / 100, "min_area": best[2], "dice": best[0], "default_dice": default_dice}


def make_test_file(path, images, classes, height, width, seed=0):
    """Synthetic OOF: blob truth masks, probabilities that are a blurred, noisy, low-contrast copy
    plus small spurious blobs, and ~30% empty classes, so that the threshold, the min_area filter
    and the 'both empty' Dice rule all change the score."""
    rng = np.random.default_rng(seed)
    arrays = {}

    def blobs(plane, count, max_w, max_h):
        for _ in range(count):
            centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
            axes = (int(rng.integers(2, max_w)), int(rng.integers(2, max_h)))
            cv2.ellipse(plane, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)

    for i in range(images):
        truth = np.zeros((classes, height, width), np.uint8)
        prob = np.zeros((classes, height, width), np.float32)
        for c in range(classes):
            if rng.random() < 0.7:
                blobs(truth[c], int(rng.integers(1, 4)), max(3, width // 4), max(3, height // 3))
            spurious = np.zeros((height, width), np.uint8)
            blobs(spurious, int(rng.integers(0, 6)), max(3, width // 30), max(3, height // 10))
            signal = truth[c] * 0.45 + spurious * 0.35 + 0.25 + rng.normal(0, 0.4, (height, width))
            prob[c] = cv2.GaussianBlur(signal.astype(np.float32), (7, 7), 2)
        arrays[f"probabilities/img{i:04d}"] = np.round(np.clip(prob, 0, 1) * 255).astype(np.uint8)
        arrays[f"masks/img{i:04d}"] = truth
    safetensors_np.write(arrays, path, {"format": "segkit-oof-v1"})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--oof")
    parser.add_argument("--min-areas", type=int, nargs="+")
    parser.add_argument("--make-test", metavar="FILE", help="write a synthetic OOF file and exit")
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--height", type=int, default=64)
    parser.add_argument("--width", type=int, default=400)
    benchutil.add_common_args(parser)
    args = parser.parse_args()
    if args.make_test:
        make_test_file(args.make_test, args.images, args.classes, args.height, args.width)
        benchutil.emit({"written": args.make_test})
        return
    if not args.oof:
        parser.error("--oof is required")
    benchutil.set_threads(args.threads)
    start = time.perf_counter()
    probabilities, masks = load_oof(args.oof)
    load_seconds = time.perf_counter() - start
    if not probabilities:
        raise SystemExit(f"{args.oof}: no probabilities/<id> tensors")
    areas = sorted(set(args.min_areas)) if args.min_areas else default_min_areas(
        float(np.mean([p.shape[1] * p.shape[2] for p in probabilities])))
    start = time.perf_counter()
    classes = [search_class(probabilities, masks, c, areas) for c in range(probabilities[0].shape[0])]
    seconds = time.perf_counter() - start
    benchutil.emit({"seconds": seconds, "load_seconds": load_seconds, "images": len(probabilities),
                    "min_areas": areas, "classes": classes, "peak_rss_mb": benchutil.peak_rss_mb(),
                    "threads": args.threads})


if __name__ == "__main__":
    main()
