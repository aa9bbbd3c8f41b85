"""Where the time of Unet-ResNet34 goes, by operator (LibTorch's profiler; the same kernels segkit calls).
docs/benchmarks.md uses it to explain the gaps to the targets: the share of convolutions bounds what
any change outside the convolution kernels can gain.

  profile_reference.py --model DIR --height H --width W [--batch B] [--train] [--tuned] [--threads N]

Prints the profiler's table to stderr; last stdout line, JSON: {"total_ms", "convolution_share", "top": [...]}.
"""
import argparse

import torch

import benchutil
from model_reference import bce_dice_loss, default_targets
from smp_models import build_from_dir

CONVOLUTION_OPS = ("aten::mkldnn_convolution", "aten::convolution_backward", "aten::_convolution",
                   "aten::thnn_conv2d", "aten::_slow_conv2d_forward", "aten::_slow_conv2d_backward")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--train", action="store_true", help="a training step instead of inference")
    benchutil.add_common_args(parser)
    args = parser.parse_args()
    benchutil.set_threads(args.threads)
    model = build_from_dir(args.model)
    x = torch.randn(args.batch, next(model.parameters()).shape[1], args.height, args.width)
    if args.tuned:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    if args.train:
        model.train()
        y = default_targets(args.batch, model.segmentation_head[0].out_channels, args.height, args.width)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)

        def work():
            optimizer.zero_grad(set_to_none=True)
            bce_dice_loss(model(x), y).backward()
            optimizer.step()
    else:
        model.eval()

        def work():
            with torch.inference_mode():
                model(x)
    for _ in range(2):
        work()
    with torch.autograd.profiler.profile() as profile:
        work()
    averages = profile.key_averages()
    benchutil.log(averages.table(sort_by="self_cpu_time_total", row_limit=12))
    total = sum(event.self_cpu_time_total for event in averages)
    convolution = sum(event.self_cpu_time_total for event in averages if event.key in CONVOLUTION_OPS)
    top = sorted(averages, key=lambda event: -event.self_cpu_time_total)[:8]
    benchutil.emit({"total_ms": total / 1e3, "convolution_share": convolution / total,
                    "top": [{"op": event.key, "share": event.self_cpu_time_total / total} for event in top]})


if __name__ == "__main__":
    main()
