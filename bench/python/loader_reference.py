"""Python reference for bench_loader: what a Severstal Kaggle notebook's Dataset.__getitem__ does with
numpy + OpenCV (cv2.imread, the notebooks' rle2mask, flips, ShiftScaleRotate via warpAffine,
brightness/contrast, Normalize), then batches of NCHW float32.

Usage: python3 loader_reference.py DATASET_DIR BATCH [--workers N] [--epochs E] [--threads N]
                                   [--persistent-workers] [--json]

--workers 0 (default): one process, the samples of each batch np.stack-ed (DataLoader(num_workers=0)).
--workers N > 0: the same per-sample work in a torch Dataset behind
  DataLoader(batch_size=BATCH, shuffle=True, num_workers=N), default collate -> float32 tensors.
The first epoch is a warm-up (page cache, worker start-up); the median of the others is reported.
Output: the median images/s as a bare number on one line (what bench_loader's fscanf reads), or
with --json one JSON object: images_per_s, median_epoch_s, images, batch, workers, threads,
peak_rss_mb (this process), peak_rss_children_mb (largest worker, 0 without workers).
"""
import argparse
import csv
import json
import os
import resource
import statistics
import time

import cv2
import numpy as np

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32) * 255
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32) * 255


def rle2mask(rle, height, width):
    """The notebooks' decoder: Kaggle RLE, 1-based starts, column-major."""
    mask = np.zeros(height * width, dtype=np.uint8)
    numbers = np.asarray(rle.split(), dtype=int)
    starts, lengths = numbers[0::2] - 1, numbers[1::2]
    for start, length in zip(starts, lengths):
        mask[start:start + length] = 1
    return mask.reshape(width, height).T


def load_labels(directory):
    labels = {}
    with open(os.path.join(directory, "train.csv")) as f:
        for row in csv.DictReader(f):
            labels.setdefault(row["ImageId"], {})[int(row["ClassId"])] = row["EncodedPixels"]
    return labels


def augment(image, mask, rng):
    if rng.random() < 0.5:
        image, mask = image[:, ::-1], mask[:, ::-1]
    if rng.random() < 0.5:
        image, mask = image[::-1], mask[::-1]
    if rng.random() < 0.5:
        h, w = image.shape[:2]
        angle = rng.uniform(-10, 10)
        scale = 1 + rng.uniform(-0.1, 0.1)
        matrix = cv2.getRotationMatrix2D((w / 2 - 0.5, h / 2 - 0.5), angle, scale)
        matrix[0, 2] += rng.uniform(-0.05, 0.05) * w
        matrix[1, 2] += rng.uniform(-0.05, 0.05) * h
        image = cv2.warpAffine(np.ascontiguousarray(image), matrix, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REFLECT_101)
        mask = cv2.warpAffine(np.ascontiguousarray(mask), matrix, (w, h), flags=cv2.INTER_NEAREST,
                              borderMode=cv2.BORDER_REFLECT_101)
    if rng.random() < 0.5:
        alpha = 1 + rng.uniform(-0.2, 0.2)
        beta = rng.uniform(-0.2, 0.2) * 255
        image = np.clip(image.astype(np.float32) * alpha + beta, 0, 255).astype(np.uint8)
    image = (image.astype(np.float32) - MEAN) / STD
    return image, mask


def load_sample(directory, name, labels, rng):
    """One training sample as (3, H, W) float32 image and (4, H, W) float32 mask (CHW views)."""
    image = cv2.cvtColor(cv2.imread(os.path.join(directory, "train_images", name)), cv2.COLOR_BGR2RGB)
    h, w = image.shape[:2]
    mask = np.zeros((h, w, 4), dtype=np.uint8)
    for class_id, rle in labels.get(name, {}).items():
        mask[:, :, class_id - 1] = rle2mask(rle, h, w)
    image, mask = augment(image, mask, rng)
    return image.transpose(2, 0, 1), mask.transpose(2, 0, 1).astype(np.float32)


def epochs_in_process(directory, files, labels, batch, epochs):
    rng = np.random.default_rng(0)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = rng.permutation(len(files))
        for begin in range(0, len(files), batch):
            samples = [load_sample(directory, files[i], labels, rng) for i in order[begin:begin + batch]]
            np.stack([s[0] for s in samples])
            np.stack([s[1] for s in samples])
        times.append(time.perf_counter() - start)
    return times


def epochs_with_workers(directory, files, labels, batch, epochs, workers, threads, persistent):
    # torch is imported only here: the single-process path must not pay its import time or RSS.
    import torch
    from torch.utils.data import DataLoader, Dataset, get_worker_info

    class SteelDataset(Dataset):
        rng = None

        def __len__(self):
            return len(files)

        def __getitem__(self, index):
            image, mask = load_sample(directory, files[index], labels, self.rng)
            # Flips leave negative strides, which torch.as_tensor in the default collate rejects.
            return np.ascontiguousarray(image), mask

    def worker_init(_):
        # Each worker gets its own stream: a copied numpy generator would give every worker the
        # same augmentations (the classic notebook bug), which is not the work being measured.
        info = get_worker_info()
        info.dataset.rng = np.random.default_rng(info.seed % 2**32)
        cv2.setNumThreads(threads)

    loader = DataLoader(SteelDataset(), batch_size=batch, shuffle=True, num_workers=workers,
                        worker_init_fn=worker_init, persistent_workers=persistent,
                        generator=torch.Generator().manual_seed(0))
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        for images, masks in loader:
            assert images.dtype == torch.float32 and masks.dtype == torch.float32
        times.append(time.perf_counter() - start)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory")
    parser.add_argument("batch", type=int)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=6, help="including the warm-up epoch")
    # Default 1, unlike the other references: bench_loader compares against one OpenCV thread
    # per process, and worker processes would otherwise oversubscribe the cores.
    parser.add_argument("--threads", type=int, default=1, help="OpenCV (and torch) threads per process")
    parser.add_argument("--persistent-workers", action="store_true",
                        help="keep workers between epochs (notebooks usually do not)")
    parser.add_argument("--tuned", action="store_true", help="accepted for a uniform caller; no effect")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.epochs < 2:
        parser.error("--epochs must be >= 2 (the first one is a warm-up)")
    labels = load_labels(args.directory)
    files = sorted(os.listdir(os.path.join(args.directory, "train_images")))
    cv2.setNumThreads(args.threads)
    if args.workers > 0:
        import torch
        torch.set_num_threads(args.threads)
        times = epochs_with_workers(args.directory, files, labels, args.batch, args.epochs, args.workers,
                                    args.threads, args.persistent_workers)
    else:
        times = epochs_in_process(args.directory, files, labels, args.batch, args.epochs)
    median = statistics.median(times[1:])
    if not args.json:
        print(len(files) / median)
        return
    print(json.dumps({
        "images_per_s": len(files) / median, "median_epoch_s": median, "images": len(files),
        "batch": args.batch, "workers": args.workers, "threads": args.threads,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
