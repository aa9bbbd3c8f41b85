"""Python reference for bench_train's epoch: training epochs over the ISBI 2012 membrane slices the way
a Kaggle notebook writes them: a torch Dataset that reads with OpenCV and augments with numpy/OpenCV
(RandomCrop 256, flips, RandomRotate90, brightness/contrast, Normalize), DataLoader(num_workers=2,
shuffle=True), then the training step of model_reference.py (BCE + symmetric Dice, Adam).

  epoch_reference.py --model DIR --data ISBI_DIR [--epochs 3] [--batch 4] [--workers 2] [--tuned] [--threads N]

Masks: two channels, membrane (label 0) and cell (label 255), as configs/isbi_unet.yaml reads them.
Last stdout line, JSON: {"median_epoch_s", "images_per_s", "images", "peak_rss_mb", "threads"}.
"""
import argparse
import os
import time

import cv2
import numpy as np
import torch

import benchutil
from model_reference import bce_dice_loss
from smp_models import build_from_dir


class IsbiSlices(torch.utils.data.Dataset):
    def __init__(self, directory, crop=256):
        self.images = sorted(os.listdir(os.path.join(directory, "images")))
        self.directory = directory
        self.crop = crop

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        name = self.images[index]
        image = cv2.imread(os.path.join(self.directory, "images", name), cv2.IMREAD_GRAYSCALE)
        label = cv2.imread(os.path.join(self.directory, "labels", name), cv2.IMREAD_GRAYSCALE)
        mask = np.stack([label == 0, label == 255], axis=-1).astype(np.uint8)
        rng = np.random.default_rng()
        top = rng.integers(0, image.shape[0] - self.crop + 1)
        left = rng.integers(0, image.shape[1] - self.crop + 1)
        image = image[top:top + self.crop, left:left + self.crop]
        mask = mask[top:top + self.crop, left:left + self.crop]
        if rng.random() < 0.5:
            image, mask = image[:, ::-1], mask[:, ::-1]
        if rng.random() < 0.5:
            image, mask = image[::-1], mask[::-1]
        if rng.random() < 0.5:
            k = int(rng.integers(1, 4))
            image, mask = np.rot90(image, k), np.rot90(mask, k)
        image = image.astype(np.float32) / 255
        if rng.random() < 0.5:
            alpha = 1 + rng.uniform(-0.1, 0.1)
            beta = rng.uniform(-0.1, 0.1)
            image = np.clip(image * alpha + beta, 0, 1)
        image = (image - 0.5) / 0.25
        return (torch.from_numpy(np.ascontiguousarray(image)[None]),
                torch.from_numpy(np.ascontiguousarray(mask.transpose(2, 0, 1))).float())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    benchutil.add_common_args(parser)
    args = parser.parse_args()
    benchutil.set_threads(args.threads)
    model = build_from_dir(args.model)
    model.train()
    if args.tuned:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    dataset = IsbiSlices(args.data)
    loader = torch.utils.data.DataLoader(dataset, batch_size=args.batch, shuffle=True, num_workers=args.workers)
    times = []
    for _ in range(args.epochs + 1):  # the first epoch warms up allocator and oneDNN caches
        start = time.perf_counter()
        for images, masks in loader:
            if args.tuned:
                images = images.contiguous(memory_format=torch.channels_last)
            optimizer.zero_grad(set_to_none=True)
            loss = bce_dice_loss(model(images), masks)
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
    median = sorted(times[1:])[len(times[1:]) // 2]
    benchutil.emit({"median_epoch_s": median, "images_per_s": len(dataset) / median, "images": len(dataset),
                    "peak_rss_mb": benchutil.peak_rss_mb(), "threads": args.threads})


if __name__ == "__main__":
    main()
