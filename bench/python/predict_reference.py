"""Python reference for end-to-end prediction: a Clouds Kaggle notebook's inference cell.

  predict_reference.py --model DIR --images FOLDER --out submission.csv [--height 320 --width 480]
      [--output-height 350 --output-width 525] [--threshold 0.5] [--min-area 10000] [--batch 1]
      [--workers 2] [--classes Fish Flower Gravel Sugar] [--tuned] [--threads N]

Per image (sorted *.jpg/*.jpeg/*.png of FOLDER): cv2.imread, BGR->RGB, cv2.resize to width x height
(bilinear), ImageNet normalisation, CHW, in a torch Dataset behind a DataLoader. Per batch: forward
under no_grad (tuned: inference_mode + channels_last), sigmoid; per class cv2.resize of the
probability to the output size (bilinear), p > threshold, drop 8-connected components with area <
min_area, Kaggle RLE (column-major, 1-based starts). Writes `Image_Label,EncodedPixels` rows
`<file>_<class>`, image by image in class order.
Last stdout line, JSON: {"seconds", "images", "images_per_s", "load_seconds", "csv_sha1",
  "peak_rss_mb", "threads"}; seconds covers DataLoader start to CSV closed (not the model load).
"""
import argparse
import csv
import hashlib
import os
import time

import cv2
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

import benchutil
from rle_reference import kaggle_mask2rle
from smp_models import build_from_dir

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


class ImageFolder(Dataset):
    def __init__(self, folder, height, width):
        self.folder, self.height, self.width = folder, height, width
        self.files = sorted(f for f in os.listdir(folder) if f.lower().endswith((".jpg", ".jpeg", ".png")))

    def __len__(self):
        return len(self.files)

    def __getitem__(self, index):
        image = cv2.imread(os.path.join(self.folder, self.files[index]))
        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        image = cv2.resize(image, (self.width, self.height))
        image = (image.astype(np.float32) / 255 - MEAN) / STD
        return torch.from_numpy(image.transpose(2, 0, 1).copy()), self.files[index]


def post_process(probability, threshold, min_area):
    mask = (probability > threshold).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area
    keep[0] = False  # label 0 is the background
    return keep[labels].astype(np.uint8)


def predict(args, model):
    dataset = ImageFolder(args.images, args.height, args.width)
    loader = DataLoader(dataset, batch_size=args.batch, shuffle=False, num_workers=args.workers)
    grad_context = torch.inference_mode if args.tuned else torch.no_grad
    threshold = np.float32(args.threshold)  # float32 comparison, as segkit does
    output_size = (args.output_width, args.output_height)
    with open(args.out, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")  # pandas.to_csv style, not csv's \r\n
        writer.writerow(["Image_Label", "EncodedPixels"])
        for images, names in loader:
            if args.tuned:
                images = images.contiguous(memory_format=torch.channels_last)
            with grad_context():
                probabilities = torch.sigmoid(model(images)).numpy()
            for probability, name in zip(probabilities, names):
                for c, class_name in enumerate(args.classes):
                    p = cv2.resize(probability[c], output_size, interpolation=cv2.INTER_LINEAR)
                    writer.writerow([f"{name}_{class_name}", kaggle_mask2rle(post_process(p, threshold, args.min_area))])
    return len(dataset)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--images", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--height", type=int, default=320)
    parser.add_argument("--width", type=int, default=480)
    parser.add_argument("--output-height", type=int, default=350)
    parser.add_argument("--output-width", type=int, default=525)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--min-area", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--classes", nargs="+", default=["Fish", "Flower", "Gravel", "Sugar"])
    benchutil.add_common_args(parser)
    args = parser.parse_args()
    benchutil.set_threads(args.threads)
    start = time.perf_counter()
    model = build_from_dir(args.model).eval()
    if model.segmentation_head[0].out_channels != len(args.classes):
        parser.error(f"the model has {model.segmentation_head[0].out_channels} classes, --classes names {len(args.classes)}")
    if args.tuned:
        model = model.to(memory_format=torch.channels_last)
    load_seconds = time.perf_counter() - start
    start = time.perf_counter()
    images = predict(args, model)
    seconds = time.perf_counter() - start
    with open(args.out, "rb") as f:
        csv_sha1 = hashlib.sha1(f.read()).hexdigest()
    benchutil.emit({"seconds": seconds, "images": images, "images_per_s": images / seconds,
                    "load_seconds": load_seconds, "csv_sha1": csv_sha1,
                    "peak_rss_mb": benchutil.peak_rss_mb(), "threads": args.threads})


if __name__ == "__main__":
    main()
