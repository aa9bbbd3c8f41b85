"""Python reference for the segkit model benches: an SMP Unet run the way Kaggle users run it.

  model_reference.py infer --model DIR --height H --width W --batch B [--reps R] [--warmup K]
                           [--tuned] [--threads N] [--input X.bin] [--output Y.bin]
  model_reference.py train --model DIR --height H --width W --batch B [--reps R] [--warmup K]
                           [--tuned] [--bf16] [--threads N] [--input X.bin] [--target T.bin]

DIR is an SMP hub directory (config.json + model.safetensors). Raw .bin files are float32
little-endian, contiguous NCHW. The last stdout line is one JSON object:
  infer: median_s, images_per_s, flops_per_image, peak_rss_mb, threads
  train: median_s, images_per_s, first_loss, peak_rss_mb, threads
"""
import argparse

import numpy as np
import torch
import torch.nn.functional as F

import benchutil
from smp_models import build_from_dir
from smp_unet import flops_per_image


def read_raw(path, shape):
    array = np.fromfile(path, dtype="<f4")
    if array.size != int(np.prod(shape)):
        raise SystemExit(f"{path}: {array.size} floats, expected {shape}")
    return torch.from_numpy(array.reshape(shape))


def default_targets(batch, classes, height, width):
    """Deterministic blob masks: coarse uniform noise upsampled bilinearly and thresholded
    gives smooth, connected regions like real defect/cloud masks (and some empty ones)."""
    generator = torch.Generator().manual_seed(1)
    coarse = torch.rand(batch, classes, height // 32 + 2, width // 32 + 2, generator=generator)
    smooth = F.interpolate(coarse, size=(height, width), mode="bilinear", align_corners=False)
    return (smooth > 0.65).float()


def bce_dice_loss(logits, targets):
    """BCE-with-logits (mean) + symmetric Dice over foreground and background, mean over
    (image, class, fg/bg): the usual Severstal/Clouds notebook loss."""
    bce = F.binary_cross_entropy_with_logits(logits, targets)
    p = torch.sigmoid(logits)
    probs = torch.stack([p, 1 - p])          # (2, N, C, H, W)
    truth = torch.stack([targets, 1 - targets])
    inter = (probs * truth).sum(dim=(-2, -1))
    denom = (probs + truth).sum(dim=(-2, -1))
    dice = 2 * inter / (denom + 1e-7)
    return bce + (1 - dice.mean())


def make_input(args):
    shape = (args.batch, args.in_channels, args.height, args.width)
    if args.input:
        return read_raw(args.input, shape)
    return torch.randn(shape, generator=torch.Generator().manual_seed(0))


def run_infer(args, model):
    model.eval()
    # Counted before channels_last so the hooks see the plain model; FLOPs do not depend on layout.
    flops = flops_per_image(model, args.height, args.width)
    x = make_input(args)
    if args.tuned:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    # What notebooks write is no_grad; inference_mode also skips version-counter bookkeeping.
    grad_context = torch.inference_mode if args.tuned else torch.no_grad
    calls, first_timed = [0], [None]

    def step():
        with grad_context():
            y = model(x)
        if calls[0] == args.warmup and args.output:
            first_timed[0] = y
        calls[0] += 1

    median = benchutil.timed_median(step, args.warmup, args.reps)
    if args.output:
        first_timed[0].contiguous().numpy().astype("<f4").tofile(args.output)
    return {"median_s": median, "images_per_s": args.batch / median, "flops_per_image": flops}


def run_train(args, model):
    model.train()
    x = make_input(args)
    classes = model.segmentation_head[0].out_channels
    if args.target:
        y = read_raw(args.target, (args.batch, classes, args.height, args.width))
    else:
        y = default_targets(args.batch, classes, args.height, args.width)
    if args.tuned:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
        y = y.contiguous(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    losses = []

    def step():
        optimizer.zero_grad(set_to_none=True)
        # torch.autocast as the AMP recipe has it: the forward in bfloat16, the loss in float32.
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            logits = model(x)
        loss = bce_dice_loss(logits.float(), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    median = benchutil.timed_median(step, args.warmup, args.reps)
    # losses[0] was computed before the first optimizer update: both implementations start from
    # the same weights, so it is the one loss value the C++ side can compare exactly.
    return {"median_s": median, "images_per_s": args.batch / median, "first_loss": losses[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["infer", "train"])
    parser.add_argument("--model", required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--batch", type=int, default=None, help="default 1 (infer), 4 (train)")
    parser.add_argument("--reps", type=int, default=None, help="timed repetitions (default 10 infer, 5 train)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--input")
    parser.add_argument("--output", help="infer: logits of the first timed call")
    parser.add_argument("--target", help="train: float32 0/1 masks, (B, classes, H, W)")
    parser.add_argument("--bf16", action="store_true", help="train: forward under torch.autocast('cpu', bfloat16)")
    benchutil.add_common_args(parser)
    args = parser.parse_args()
    if args.batch is None:
        args.batch = 1 if args.mode == "infer" else 4
    if args.reps is None:
        args.reps = 10 if args.mode == "infer" else 5
    if args.reps < 1:
        parser.error("--reps must be >= 1")
    benchutil.set_threads(args.threads)
    model = build_from_dir(args.model)
    args.in_channels = next(model.parameters()).shape[1]  # the first conv of every encoder comes first
    result = run_infer(args, model) if args.mode == "infer" else run_train(args, model)
    result.update(peak_rss_mb=benchutil.peak_rss_mb(), threads=args.threads)
    benchutil.emit(result)


if __name__ == "__main__":
    main()
