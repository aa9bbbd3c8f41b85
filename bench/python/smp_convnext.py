"""segmentation_models_pytorch's Unet on encoder tu-convnext_*, without timm, for the Python references.

SMP wraps timm's ConvNeXt in its TimmUniversalEncoder (timm.create_model(features_only=True)).
timm is not in Debian, so this file carries the few modules needed with the names the
features_only wrapper gives them (top-level Sequentials flattened: stem_0, stages_1, ...):
an SMP checkpoint loads strictly, and `--parity DIR` proves the forward pass matches SMP's.

    python3 smp_convnext.py --parity /work/shared/parity
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

from smp_unet import Decoder, fill_segkit_v1, parity_case

# timm's variants with the Linear MLP (conv_mlp=False); atto..nano use 1x1-conv MLPs, not covered.
_CONVNEXT = {
    "convnext_tiny": ((3, 3, 9, 3), (96, 192, 384, 768)),
    "convnext_small": ((3, 3, 27, 3), (96, 192, 384, 768)),
    "convnext_base": ((3, 3, 27, 3), (128, 256, 512, 1024)),
    "convnext_large": ((3, 3, 27, 3), (192, 384, 768, 1536)),
}


class LayerNorm2d(nn.LayerNorm):
    """timm's LayerNorm2d: normalises the channels of an NCHW tensor through a channels-last view."""

    def __init__(self, channels):
        super().__init__(channels, eps=1e-6)

    def forward(self, x):
        x = F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class Mlp(nn.Module):
    def __init__(self, channels, hidden):
        super().__init__()
        self.fc1 = nn.Linear(channels, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, channels)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class ConvNeXtBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        # Registered first so "gamma" leads the block's state_dict, as in timm (parameters before children).
        self.gamma = nn.Parameter(torch.full((channels,), 1e-6))
        self.conv_dw = nn.Conv2d(channels, channels, 7, padding=3, groups=channels)
        self.norm = nn.LayerNorm(channels, eps=1e-6)
        self.mlp = Mlp(channels, 4 * channels)

    def forward(self, x):
        y = self.mlp(self.norm(self.conv_dw(x).permute(0, 2, 3, 1))).permute(0, 3, 1, 2)
        return y.mul(self.gamma.reshape(1, -1, 1, 1)) + x


class ConvNeXtStage(nn.Module):
    def __init__(self, in_channels, out_channels, depth):
        super().__init__()
        # Stage 0 follows the stride-4 stem and keeps its width: no downsample (and no state_dict entry).
        self.downsample = (nn.Sequential(LayerNorm2d(in_channels), nn.Conv2d(in_channels, out_channels, 2, stride=2))
                           if in_channels != out_channels else nn.Identity())
        self.blocks = nn.Sequential(*(ConvNeXtBlock(out_channels) for _ in range(depth)))

    def forward(self, x):
        return self.blocks(self.downsample(x))


class ConvNeXtFeatures(nn.Module):
    """timm's features_only ConvNeXt: stem_0/stem_1 and stages_0.. up to the last requested stage."""

    def __init__(self, name, in_channels, num_stages):
        super().__init__()
        depths, dims = _CONVNEXT[name]
        self.stem_0 = nn.Conv2d(in_channels, dims[0], 4, stride=4)
        self.stem_1 = LayerNorm2d(dims[0])
        # timm's wrapper drops every module after the last returned one, so a shallow encoder has fewer stages.
        self.stage_names = [f"stages_{i}" for i in range(num_stages)]
        for i, stage in enumerate(self.stage_names):
            self.add_module(stage, ConvNeXtStage(dims[max(i - 1, 0)], dims[i], depths[i]))

    def forward(self, x):
        x = self.stem_1(self.stem_0(x))
        features = []
        for stage in self.stage_names:
            x = getattr(self, stage)(x)
            features.append(x)
        return features


class TimmUniversalEncoder(nn.Module):
    """SMP's TimmUniversalEncoder for ConvNeXt ("transformer style": the first feature is at stride 4)."""

    def __init__(self, encoder_name, in_channels=3, depth=5):
        super().__init__()
        name = encoder_name[3:] if encoder_name.startswith("tu-") else encoder_name
        if name not in _CONVNEXT:
            raise ValueError(f"unsupported encoder {encoder_name}, expected one of tu-{', tu-'.join(_CONVNEXT)}")
        if not 2 <= depth <= 5:
            raise ValueError(f"encoder depth must be 2..5, got {depth}")
        self.model = ConvNeXtFeatures(name, in_channels, depth - 1)
        # The 0 is SMP's placeholder for the missing stride-2 feature.
        self.out_channels = [in_channels, 0] + list(_CONVNEXT[name][1][:depth - 1])

    def forward(self, x):
        b, _, h, w = x.shape
        return [x, torch.empty([b, 0, h // 2, w // 2], dtype=x.dtype, device=x.device)] + self.model(x)


class ConvNeXtUnet(nn.Module):
    """SMP's Unet(encoder_name='tu-convnext_*'): the zero-channel stride-2 skip is concatenated as is."""

    def __init__(self, encoder_name="tu-convnext_tiny", classes=1, in_channels=3,
                 decoder_channels=(256, 128, 64, 32, 16), encoder_depth=5):
        super().__init__()
        if not 3 <= encoder_depth <= 5 or len(decoder_channels) != encoder_depth:
            raise ValueError("encoder_depth must be 3..5 with one decoder channel count per level")
        self.encoder = TimmUniversalEncoder(encoder_name, in_channels, encoder_depth)
        self.decoder = Decoder(self.encoder.out_channels, decoder_channels)
        self.segmentation_head = nn.Sequential(nn.Conv2d(decoder_channels[-1], classes, 3, padding=1))

    def forward(self, x):
        return self.segmentation_head(self.decoder(self.encoder(x)))


def is_convnext(encoder_name):
    return encoder_name.startswith("tu-") and encoder_name[3:] in _CONVNEXT


def convnext_unet_from_config(config):
    """The Unet of an SMP hub config whose encoder_name is tu-convnext_*."""
    return ConvNeXtUnet(config["encoder_name"], config.get("classes", 1), config.get("in_channels", 3),
                        tuple(config.get("decoder_channels", (256, 128, 64, 32, 16))), config.get("encoder_depth", 5))


def parity_check(directory):
    """Compares against SMP's own output for unet_tu-convnext_tiny; returns True on pass."""
    model = fill_segkit_v1(ConvNeXtUnet("tu-convnext_tiny", classes=4)).eval()
    return parity_case(model, directory, "unet_tu-convnext_tiny")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parity", required=True,
                        help="directory with unet_tu-convnext_tiny.{json,params.txt,out.bin}")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    sys.exit(0 if parity_check(args.parity) else 1)
