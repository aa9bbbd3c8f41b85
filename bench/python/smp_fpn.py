"""segmentation_models_pytorch's FPN rebuilt from torchvision parts, for the Python references.

Same idea as smp_unet.py: SMP's exact state_dict names and forward (SMP 0.5's
decoders/fpn), so an SMP hub checkpoint loads strictly and `--parity DIR` proves the output
matches SMP's reference.

    python3 smp_fpn.py --parity /work/shared/parity
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

from smp_unet import encoder_channels, fill_segkit_v1, parity_case, resnet_encoder, resnet_features


class Conv3x3GNReLU(nn.Module):
    def __init__(self, in_channels, out_channels, upsample):
        super().__init__()
        self.upsample = upsample
        self.block = nn.Sequential(nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
                                   nn.GroupNorm(32, out_channels), nn.ReLU(inplace=True))

    def forward(self, x):
        x = self.block(x)
        if self.upsample:
            x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=True)
        return x


class FPNBlock(nn.Module):
    def __init__(self, pyramid_channels, skip_channels, interpolation_mode):
        super().__init__()
        self.skip_conv = nn.Conv2d(skip_channels, pyramid_channels, kernel_size=1)
        self.interpolation_mode = interpolation_mode

    def forward(self, x, skip):
        # scale_factor, not the skip's size: SMP rejects inputs not divisible by the output stride.
        return F.interpolate(x, scale_factor=2.0, mode=self.interpolation_mode) + self.skip_conv(skip)


class SegmentationBlock(nn.Module):
    def __init__(self, in_channels, out_channels, n_upsamples):
        super().__init__()
        # n_upsamples 0 still owns one (non-upsampling) conv block, as in SMP.
        blocks = [Conv3x3GNReLU(in_channels, out_channels, upsample=n_upsamples > 0)]
        blocks += [Conv3x3GNReLU(out_channels, out_channels, upsample=True) for _ in range(1, n_upsamples)]
        self.block = nn.Sequential(*blocks)

    def forward(self, x):
        return self.block(x)


class FPNDecoder(nn.Module):
    def __init__(self, encoder_channels, pyramid_channels, segmentation_channels, dropout, merge_policy,
                 interpolation_mode):
        super().__init__()
        if merge_policy not in ("add", "cat"):
            raise ValueError(f"decoder_merge_policy must be 'add' or 'cat', got {merge_policy}")
        self.merge_policy = merge_policy
        self.out_channels = segmentation_channels * (1 if merge_policy == "add" else 4)
        channels = encoder_channels[::-1]
        self.p5 = nn.Conv2d(channels[0], pyramid_channels, kernel_size=1)
        self.p4 = FPNBlock(pyramid_channels, channels[1], interpolation_mode)
        self.p3 = FPNBlock(pyramid_channels, channels[2], interpolation_mode)
        self.p2 = FPNBlock(pyramid_channels, channels[3], interpolation_mode)
        self.seg_blocks = nn.ModuleList(SegmentationBlock(pyramid_channels, segmentation_channels, n)
                                        for n in (3, 2, 1, 0))
        self.dropout = nn.Dropout2d(p=dropout, inplace=True)

    def forward(self, features):
        # Always the last four features: at encoder depth 3 SMP's "c2" is the input image itself.
        c2, c3, c4, c5 = features[-4:]
        p5 = self.p5(c5)
        p4 = self.p4(p5, c4)
        p3 = self.p3(p4, c3)
        p2 = self.p2(p3, c2)
        pyramid = [block(p) for block, p in zip(self.seg_blocks, (p5, p4, p3, p2))]
        # stack + sum (not a chain of adds) is SMP's op sequence, so float32 rounding matches too.
        x = torch.stack(pyramid).sum(dim=0) if self.merge_policy == "add" else torch.cat(pyramid, dim=1)
        return self.dropout(x)


class FPN(nn.Module):
    def __init__(self, encoder_name="resnet34", classes=1, in_channels=3, encoder_depth=5,
                 decoder_pyramid_channels=256, decoder_segmentation_channels=128, decoder_merge_policy="add",
                 decoder_dropout=0.2, upsampling=4, decoder_interpolation="nearest"):
        super().__init__()
        if not 3 <= encoder_depth <= 5:
            raise ValueError(f"encoder_depth must be 3..5, got {encoder_depth}")
        self.encoder_depth = encoder_depth
        self.encoder = resnet_encoder(encoder_name, in_channels)
        self.decoder = FPNDecoder(encoder_channels(encoder_name, in_channels, encoder_depth),
                                  decoder_pyramid_channels, decoder_segmentation_channels, decoder_dropout,
                                  decoder_merge_policy, decoder_interpolation)
        # SMP's SegmentationHead: conv, upsampling, activation (Identity here) at indices 0/1/2.
        self.segmentation_head = nn.Sequential(
            nn.Conv2d(self.decoder.out_channels, classes, kernel_size=1),
            nn.Upsample(scale_factor=upsampling, mode="bilinear", align_corners=True) if upsampling > 1
            else nn.Identity(),
            nn.Identity())

    def forward(self, x):
        # SMP's check_input_shape: other sizes would fail later with an opaque shape mismatch.
        stride = 2 ** self.encoder_depth
        if x.shape[-2] % stride or x.shape[-1] % stride:
            raise RuntimeError(f"FPN input height and width must be divisible by {stride}, got {tuple(x.shape[-2:])}")
        return self.segmentation_head(self.decoder(resnet_features(self.encoder, x, self.encoder_depth)))


def fpn_from_config(config):
    """The FPN of an SMP hub config (keys are SMP's constructor argument names)."""
    keys = ("encoder_name", "classes", "in_channels", "encoder_depth", "decoder_pyramid_channels",
            "decoder_segmentation_channels", "decoder_merge_policy", "decoder_dropout", "upsampling",
            "decoder_interpolation")
    return FPN(**{key: config[key] for key in keys if key in config})


def parity_check(directory):
    """Compares against SMP's own output for fpn_resnet34; returns True on pass."""
    return parity_case(fill_segkit_v1(FPN("resnet34", classes=4)).eval(), directory, "fpn_resnet34")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parity", required=True, help="directory with fpn_resnet34.{json,params.txt,out.bin}")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    sys.exit(0 if parity_check(args.parity) else 1)
