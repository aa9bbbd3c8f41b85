"""Python reference for the RLE benches: the run-length codecs Kaggle notebooks copy around.

  rle_reference.py --masks m1.png [m2.png ...] [--reps R] [--out-dir DIR]

Each PNG is a single-channel binary mask (0/255 or 0/1; any non-zero pixel is foreground).
Two formats, both over the column-major (Fortran-order) pixel sequence of the mask:
  kaggle: "start length ..." with 1-based absolute starts (Severstal, Clouds, ...), numpy codec.
  siim:   "gap length ..." where gap = zero pixels since the previous run (SIIM pneumothorax's
          mask_functions.py), pure-Python per-pixel encoder as shipped by the competition.

Last stdout line, JSON: {"masks": [{"file", "height", "width", "foreground_pixels", "runs",
  "kaggle_encode_ms", "kaggle_decode_ms", "siim_encode_ms", "siim_decode_ms", "kaggle_sha1",
  "siim_sha1", "roundtrip_ok", "siim_trailing_run_dropped"}], "reps", "peak_rss_mb"}.
sha1 is over the ASCII string without a newline; --out-dir also writes <stem>.kaggle.txt and
<stem>.siim.txt (same bytes) so the caller can diff its own encoder's output.
"""
import argparse
import hashlib
import os

import cv2
import numpy as np

import benchutil


def kaggle_mask2rle(img):
    pixels = img.T.flatten()
    pixels = np.concatenate([[0], pixels, [0]])
    runs = np.where(pixels[1:] != pixels[:-1])[0] + 1
    runs[1::2] -= runs[::2]
    return " ".join(str(x) for x in runs)


def kaggle_rle2mask(rle, height, width):
    s = rle.split()
    starts, lengths = [np.asarray(x, dtype=int) for x in (s[0::2], s[1::2])]
    starts -= 1
    ends = starts + lengths
    img = np.zeros(height * width, dtype=np.uint8)
    for lo, hi in zip(starts, ends):
        img[lo:hi] = 1
    return img.reshape(width, height).T


def siim_mask2rle(img, width, height):
    """SIIM's mask_functions.mask2rle, kept as written (called as siim_mask2rle(mask.T * 255, W, H)).
    Faithful quirk: a run still open at the last pixel is never emitted."""
    rle = []
    last_color = 0
    current_pixel = 0
    run_start = -1
    run_length = 0
    for x in range(width):
        for y in range(height):
            current_color = img[x][y]
            if current_color != last_color:
                if current_color == 255:
                    run_start = current_pixel
                    run_length = 1
                else:
                    rle.append(str(run_start))
                    rle.append(str(run_length))
                    run_start = -1
                    run_length = 0
                    current_pixel = 0
            elif run_start > -1:
                run_length += 1
            last_color = current_color
            current_pixel += 1
    return " ".join(rle)


def siim_rle2mask(rle, width, height):
    """SIIM's mask_functions.rle2mask (float64 mask of 0/255, transposed back by the caller)."""
    mask = np.zeros(width * height)
    array = np.asarray([int(x) for x in rle.split()])
    starts = array[0::2]
    lengths = array[1::2]
    current_position = 0
    for index, start in enumerate(starts):
        current_position += start
        mask[current_position:current_position + lengths[index]] = 255
        current_position += lengths[index]
    return mask.reshape(width, height)


def time_ms(fn, reps):
    # One warm-up call: the first call pays for page faults on freshly allocated buffers.
    return benchutil.timed_median(fn, 1, reps) * 1e3


def bench_mask(path, reps, out_dir):
    image = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise SystemExit(f"cannot read {path}")
    mask = (image > 0).astype(np.uint8)     # notebooks' predictions: 0/1 uint8
    mask255 = mask * 255                    # SIIM's encoder tests for the value 255
    height, width = mask.shape
    # SIIM's code indexes img[x][y] with x over width, so it is handed the transposed mask; the
    # transpose is a view, done outside the timed region like in the notebooks' callers.
    siim_input = mask255.T

    kaggle = kaggle_mask2rle(mask)
    siim = siim_mask2rle(siim_input, width, height)
    roundtrip = (np.array_equal(kaggle_rle2mask(kaggle, height, width), mask)
                 and np.array_equal(siim_rle2mask(siim, width, height).T > 0, mask > 0))
    result = {
        "file": path, "height": height, "width": width, "foreground_pixels": int(mask.sum()),
        "runs": len(kaggle.split()) // 2,
        "kaggle_encode_ms": time_ms(lambda: kaggle_mask2rle(mask), reps),
        "kaggle_decode_ms": time_ms(lambda: kaggle_rle2mask(kaggle, height, width), reps),
        "siim_encode_ms": time_ms(lambda: siim_mask2rle(siim_input, width, height), reps),
        "siim_decode_ms": time_ms(lambda: siim_rle2mask(siim, width, height).T, reps),
        "kaggle_sha1": hashlib.sha1(kaggle.encode()).hexdigest(),
        "siim_sha1": hashlib.sha1(siim.encode()).hexdigest(),
        # False only when SIIM's dropped trailing run is the difference, see siim_mask2rle.
        "roundtrip_ok": bool(roundtrip),
        "siim_trailing_run_dropped": bool(mask[-1, -1]),
    }
    if out_dir:
        stem = os.path.splitext(os.path.basename(path))[0]
        for kind, text in (("kaggle", kaggle), ("siim", siim)):
            with open(os.path.join(out_dir, f"{stem}.{kind}.txt"), "w") as f:
                f.write(text)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--masks", nargs="+", required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--out-dir")
    benchutil.add_common_args(parser)  # accepted for a uniform caller; the codecs are single-threaded
    args = parser.parse_args()
    benchutil.set_threads(args.threads)
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
    results = [bench_mask(path, args.reps, args.out_dir) for path in args.masks]
    benchutil.emit({"masks": results, "reps": args.reps, "peak_rss_mb": benchutil.peak_rss_mb()})


if __name__ == "__main__":
    main()
