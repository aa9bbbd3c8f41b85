"""Python reference for bench_loader: what a Severstal Kaggle notebook's Dataset.__getitem__ does with
numpy + OpenCV (cv2.imread, the notebooks' rle2mask, flips, ShiftScaleRotate via warpAffine,
brightness/contrast, Normalize), then np.stack into NCHW float32 batches, in one process
(DataLoader(num_workers=0)). Prints the median images/s over 5 epochs.

Usage: python3 loader_reference.py DATASET_DIR BATCH
"""
import csv
import math
import os
import statistics
import sys
import time

import cv2
import numpy as np


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
    mean = np.array([0.485, 0.456, 0.406], dtype=np.float32) * 255
    std = np.array([0.229, 0.224, 0.225], dtype=np.float32) * 255
    image = (image.astype(np.float32) - mean) / std
    return image, mask


def main():
    directory, batch = sys.argv[1], int(sys.argv[2])
    labels = load_labels(directory)
    files = sorted(os.listdir(os.path.join(directory, "train_images")))
    rng = np.random.default_rng(0)
    cv2.setNumThreads(1)
    times = []
    for _ in range(6):
        start = time.perf_counter()
        order = rng.permutation(len(files))
        for begin in range(0, len(files), batch):
            images, masks = [], []
            for index in order[begin:begin + batch]:
                name = files[index]
                image = cv2.cvtColor(cv2.imread(os.path.join(directory, "train_images", name)), cv2.COLOR_BGR2RGB)
                h, w = image.shape[:2]
                mask = np.zeros((h, w, 4), dtype=np.uint8)
                for class_id, rle in labels.get(name, {}).items():
                    mask[:, :, class_id - 1] = rle2mask(rle, h, w)
                image, mask = augment(image, mask, rng)
                images.append(image.transpose(2, 0, 1))
                masks.append(mask.transpose(2, 0, 1).astype(np.float32))
            np.stack(images)
            np.stack(masks)
        times.append(time.perf_counter() - start)
    print(len(files) / statistics.median(times[1:]))


if __name__ == "__main__":
    main()
