"""PyTorch reference trainer for the learning-parity bench (docs/benchmarks.md, "Learning parity").

Trains one of two recipes the way a PyTorch notebook does, from the initial weights segkit wrote
(`segkit models init`, an SMP hub folder), and logs every epoch as segkit's log.jsonl does, so that
run.py reads both with the same code:

  train_reference.py --recipe isbi|camvid --model INIT_DIR --data SHARED_DATA --folds FOLDS.csv
                     --epochs N --seed S --out log.jsonl [--workers 2] [--threads 2]

Each recipe below mirrors its segkit config key by key (the config is named in its docstring);
augmentations follow albumentations 1.3 semantics, implemented with numpy/OpenCV (albumentations is
not packaged in Debian). What cannot be shared is the random stream: the epoch order and every
augmentation draw come from this process's own seeded generators, so the runs differ by seed noise.
"""
import argparse
import csv
import json
import math
import os
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from smp_models import build_from_dir  # noqa: E402

VOID = -100  # segkit's label for a pixel in no class (CrossEntropy's default ignore_index)


# ----------------------------------------------------------------------------------------------
# Augmentations (albumentations 1.3 semantics; `rng` is a numpy Generator)

def random_crop(image, mask, height, width, rng):
    top = int(rng.integers(0, image.shape[0] - height + 1))
    left = int(rng.integers(0, image.shape[1] - width + 1))
    return image[top:top + height, left:left + width], mask[top:top + height, left:left + width]


def flips_and_rot90(image, mask, rng):
    if rng.random() < 0.5:
        image, mask = image[:, ::-1], mask[:, ::-1]
    if rng.random() < 0.5:
        image, mask = image[::-1], mask[::-1]
    if rng.random() < 0.5:
        k = int(rng.integers(0, 4))  # RandomRotate90 draws the factor from 0..3
        image, mask = np.rot90(image, k), np.rot90(mask, k)
    return image, mask


def brightness_contrast(image, limit, rng):
    """RandomBrightnessContrast(limit, limit, p=1) on a uint8 image, brightness_by_max."""
    alpha = 1.0 + rng.uniform(-limit, limit)
    beta = rng.uniform(-limit, limit) * 255.0
    return np.clip(image.astype(np.float32) * alpha + beta, 0, 255)


def shift_scale(image, label, scale_limit, shift_limit, rng):
    """ShiftScaleRotate(rotate_limit=0, border_mode=constant 0): the label pads with void."""
    scale = rng.uniform(1 - scale_limit, 1 + scale_limit)
    dx, dy = rng.uniform(-shift_limit, shift_limit), rng.uniform(-shift_limit, shift_limit)
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2 - 0.5, height / 2 - 0.5), 0.0, scale)
    matrix[0, 2] += dx * width
    matrix[1, 2] += dy * height
    image = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    label = cv2.warpAffine(label, matrix, (width, height), flags=cv2.INTER_NEAREST,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    return image, label


def pad_if_needed(image, label, min_height, min_width):
    """PadIfNeeded(border_mode=reflect_101), centred; the label is reflected too (albumentations)."""
    pad_h, pad_w = max(0, min_height - image.shape[0]), max(0, min_width - image.shape[1])
    if pad_h == 0 and pad_w == 0:
        return image, label
    top, left = pad_h // 2, pad_w // 2
    borders = (top, pad_h - top, left, pad_w - left)
    return (cv2.copyMakeBorder(image, *borders, cv2.BORDER_REFLECT_101),
            cv2.copyMakeBorder(label, *borders, cv2.BORDER_REFLECT_101))


def normalize(image, mean, std):
    return ((np.asarray(image, np.float32) / 255.0 - mean) / std).astype(np.float32)


# ----------------------------------------------------------------------------------------------
# Recipes

class Isbi:
    """configs/isbi_unet.yaml: Unet-ResNet18 (depth 4, 1 channel), two channels membrane (label 0) and
    cell (label 255), RandomCrop 256, flips, RandomRotate90, brightness/contrast 0.1, Normalize
    0.5/0.25; BCE + symmetric Dice; Adam 3e-3, cosine per step to 1e-5; batch 6; monitor the
    membrane's Kaggle Dice on the full validation slices."""
    batch_size, lr, eta_min = 6, 3e-3, 1e-5
    monitor = "val.dice_per_class.membrane"

    def __init__(self, data_root):
        self.directory = os.path.join(data_root, "isbi2012_em_membranes")

    def files(self):
        names = os.listdir(os.path.join(self.directory, "images"))
        return [(n, os.path.join(self.directory, "images", n), os.path.join(self.directory, "labels", n)) for n in names]

    @staticmethod
    def read(image_path, label_path):
        image = cv2.imread(image_path, cv2.IMREAD_GRAYSCALE)
        label = cv2.imread(label_path, cv2.IMREAD_GRAYSCALE)
        if image is None or label is None:
            raise SystemExit(f"cannot read {image_path} / {label_path}")
        return image, np.stack([label == 0, label == 255], axis=-1).astype(np.uint8)

    @staticmethod
    def train_sample(image, mask, rng):
        image, mask = random_crop(image, mask, 256, 256, rng)
        image, mask = flips_and_rot90(image, mask, rng)
        image = brightness_contrast(image, 0.1, rng) if rng.random() < 0.5 else image
        return Isbi.tensors(image, mask)

    @staticmethod
    def val_sample(image, mask):
        return Isbi.tensors(image, mask)

    @staticmethod
    def tensors(image, mask):
        image = normalize(image, 0.5, 0.25)[None]
        return torch.from_numpy(np.ascontiguousarray(image)), \
            torch.from_numpy(np.ascontiguousarray(mask.transpose(2, 0, 1))).float()

    @staticmethod
    def loss(logits, target):
        # segkit's bce_dice: BCE-with-logits + symmetric_dice (foreground and background per image and class).
        bce = F.binary_cross_entropy_with_logits(logits, target)
        p = torch.sigmoid(logits)
        probs, truth = torch.stack([p, 1 - p]), torch.stack([target, 1 - target])
        dice = 2 * (probs * truth).sum(dim=(-2, -1)) / ((probs + truth).sum(dim=(-2, -1)) + 1e-7)
        return bce + (1 - dice.mean())

    class Metrics:
        """Kaggle Dice per (image, class) at p > 0.5, 1 when both are empty; the mean per class."""

        def __init__(self):
            self.scores, self.loss, self.images = [], 0.0, 0

        def add(self, logits, target, loss):
            predicted = torch.sigmoid(logits) > 0.5
            truth = target > 0.5
            inter = (predicted & truth).sum(dim=(2, 3)).double()
            total = predicted.sum(dim=(2, 3)).double() + truth.sum(dim=(2, 3)).double()
            self.scores.append(torch.where(total > 0, 2 * inter / total.clamp(min=1), torch.ones_like(total)))
            self.loss += loss * logits.shape[0]
            self.images += logits.shape[0]

        def summary(self):
            per_class = torch.cat(self.scores).mean(0)
            return {"loss": self.loss / self.images, "dice": float(per_class.mean()),
                    "dice_per_class": {"membrane": float(per_class[0]), "cell": float(per_class[1])}}


CAMVID_CLASSES = 11
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)


class Camvid:
    """configs/camvid_fpn.yaml with the augmentation run.py gives both systems (flip, ShiftScaleRotate,
    PadIfNeeded, RandomCrop 320): FPN-ResNet18, 11 classes, label 11 void; SMP's multiclass DiceLoss
    ignoring void; Adam 1e-3, cosine per step to 1e-5; batch 8; monitor mIoU on the frames padded to
    384x480."""
    batch_size, lr, eta_min = 8, 1e-3, 1e-5
    monitor = "val.iou"

    def __init__(self, data_root):
        self.directory = os.path.join(data_root, "camvid_sample")

    def files(self):
        out = []
        for part in ("train", "val"):
            for name in os.listdir(os.path.join(self.directory, part, "images")):
                out.append((name, os.path.join(self.directory, part, "images", name),
                            os.path.join(self.directory, part, "labels", os.path.splitext(name)[0] + ".png")))
        return out

    @staticmethod
    def read(image_path, label_path):
        image = cv2.imread(image_path, cv2.IMREAD_COLOR)
        label = cv2.imread(label_path, cv2.IMREAD_GRAYSCALE)
        if image is None or label is None:
            raise SystemExit(f"cannot read {image_path} / {label_path}")
        return cv2.cvtColor(image, cv2.COLOR_BGR2RGB), label

    @staticmethod
    def train_sample(image, label, rng):
        if rng.random() < 0.5:
            image, label = image[:, ::-1], label[:, ::-1]
        image, label = shift_scale(np.ascontiguousarray(image), np.ascontiguousarray(label), 0.5, 0.1, rng)
        image, label = pad_if_needed(image, label, 320, 320)
        image, label = random_crop(image, label, 320, 320, rng)
        return Camvid.tensors(image, label)

    @staticmethod
    def val_sample(image, label):
        return Camvid.tensors(*pad_if_needed(image, label, 384, 480))

    @staticmethod
    def tensors(image, label):
        classes = np.where(label < CAMVID_CLASSES, label.astype(np.int64), VOID)
        image = normalize(image, IMAGENET_MEAN, IMAGENET_STD).transpose(2, 0, 1)
        return torch.from_numpy(np.ascontiguousarray(image)), torch.from_numpy(np.ascontiguousarray(classes))

    @staticmethod
    def loss(logits, target):
        # SMP DiceLoss(mode="multiclass", from_logits=True, ignore_index=-100): sums over batch and
        # pixels per class, classes absent from the batch's truth contribute 0 but count in the mean.
        probs = logits.log_softmax(dim=1).exp()
        valid = (target != VOID).unsqueeze(1).float()
        one_hot = F.one_hot(target.clamp(min=0), logits.shape[1]).permute(0, 3, 1, 2).float() * valid
        probs = probs * valid
        inter = (probs * one_hot).sum(dim=(0, 2, 3))
        card = (probs + one_hot).sum(dim=(0, 2, 3))
        loss = 1 - 2 * inter / card.clamp_min(1e-7)
        return (loss * (one_hot.sum(dim=(0, 2, 3)) > 0).float()).mean()

    class Metrics:
        """The epoch's confusion matrix over labelled pixels; IoU per class, mean over the classes seen."""

        def __init__(self):
            self.confusion = torch.zeros(CAMVID_CLASSES, CAMVID_CLASSES, dtype=torch.int64)
            self.loss, self.images = 0.0, 0

        def add(self, logits, target, loss):
            valid = target != VOID
            pairs = target[valid] * CAMVID_CLASSES + logits.argmax(1)[valid]
            self.confusion += torch.bincount(pairs, minlength=CAMVID_CLASSES ** 2).view(CAMVID_CLASSES, CAMVID_CLASSES)
            self.loss += loss * logits.shape[0]
            self.images += logits.shape[0]

        def summary(self):
            c = self.confusion.double()
            tp = c.diag()
            union = c.sum(0) + c.sum(1) - tp
            seen = union > 0
            iou = tp[seen] / union[seen]
            return {"loss": self.loss / self.images, "iou": float(iou.mean()),
                    "pixel_accuracy": float(tp.sum() / c.sum())}


RECIPES = {"isbi": Isbi, "camvid": Camvid}


# ----------------------------------------------------------------------------------------------

class Samples(torch.utils.data.Dataset):
    def __init__(self, recipe, files, train, seed):
        self.recipe, self.files, self.train, self.seed = recipe, files, train, seed

    def __len__(self):
        return len(self.files)

    def __getitem__(self, key):
        # Training keys are (epoch, index) pairs from EpochSampler: loader processes that persist
        # between epochs never see the main process's epoch otherwise.
        epoch, index = key if isinstance(key, tuple) else (0, key)
        _, image_path, label_path = self.files[index]
        image, target = self.recipe.read(image_path, label_path)
        if not self.train:
            return self.recipe.val_sample(image, target)
        # A generator per (seed, epoch, image): reproducible whatever the worker count.
        rng = np.random.default_rng([self.seed, epoch, index])
        return self.recipe.train_sample(image, target, rng)


class EpochSampler(torch.utils.data.Sampler):
    """A seeded shuffle per epoch, yielding (epoch, index)."""

    def __init__(self, size, seed):
        self.size, self.seed, self.epoch = size, seed, 0

    def __len__(self):
        return self.size

    def __iter__(self):
        order = torch.randperm(self.size, generator=torch.Generator().manual_seed(self.seed * 1000 + self.epoch))
        return iter([(self.epoch, int(i)) for i in order])


def read_folds(path):
    with open(path) as f:
        return {row["ImageId"]: int(row["fold"]) for row in csv.DictReader(f)}


def lookup(entry, dotted):
    for key in dotted.split("."):
        entry = entry[key]
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipe", choices=sorted(RECIPES), required=True)
    parser.add_argument("--model", required=True, help="SMP hub folder with the initial weights")
    parser.add_argument("--data", required=True, help="../shared/data")
    parser.add_argument("--folds", required=True, help="the config's folds CSV; fold 0 validates")
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", required=True, help="log.jsonl to write")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--persistent-workers", action="store_true",
                        help="keep the loader processes between epochs (DataLoader's default is to restart them)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    recipe = RECIPES[args.recipe](args.data)
    folds = read_folds(args.folds)
    files = sorted(recipe.files())
    missing = [name for name, _, _ in files if name not in folds]
    if missing:
        raise SystemExit(f"{args.folds}: no fold for {missing[:3]}")
    train_set = Samples(recipe, [f for f in files if folds[f[0]] != 0], True, args.seed)
    val_set = Samples(recipe, [f for f in files if folds[f[0]] == 0], False, args.seed)
    sampler = EpochSampler(len(train_set), args.seed)
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=recipe.batch_size, sampler=sampler, drop_last=True,
                                               num_workers=args.workers, persistent_workers=args.persistent_workers)
    val_loader = torch.utils.data.DataLoader(val_set, batch_size=recipe.batch_size, num_workers=args.workers,
                                             persistent_workers=args.persistent_workers)

    model = build_from_dir(args.model)
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs * len(train_loader),
                                                          eta_min=recipe.eta_min)
    with open(args.out + ".tmp", "w") as log:
        for epoch in range(args.epochs):
            started = time.perf_counter()
            sampler.epoch = epoch
            model.train()
            train_metrics = recipe.Metrics()
            for images, targets in train_loader:
                logits = model(images)
                loss = recipe.loss(logits, targets)
                if not math.isfinite(loss.item()):
                    raise SystemExit(f"epoch {epoch + 1}: loss is {loss.item()}")
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                schedule.step()
                train_metrics.add(logits.detach(), targets, loss.item())
            model.eval()
            val_metrics = recipe.Metrics()
            with torch.no_grad():
                for images, targets in val_loader:
                    logits = model(images)
                    val_metrics.add(logits, targets, recipe.loss(logits, targets).item())
            entry = {"epoch": epoch + 1, "time_s": time.perf_counter() - started,
                     "train": train_metrics.summary(), "val": val_metrics.summary()}
            log.write(json.dumps(entry) + "\n")
            log.flush()
            print(f"epoch {epoch + 1}/{args.epochs} {recipe.monitor} {lookup(entry, recipe.monitor):.4f} "
                  f"({entry['time_s']:.1f} s)", flush=True)
    os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
