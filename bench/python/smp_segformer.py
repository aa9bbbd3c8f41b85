"""segmentation_models_pytorch's Segformer on its MiT encoders (mit_b0..b5), for the Python references.

SMP's encoders/mix_transformer.py imports timm (for DropPath and initialisers only), which is
not in Debian, so the modules are transcribed here with SMP's names and op order: an SMP
checkpoint loads strictly, and `--parity DIR` proves the forward pass matches SMP's.

    python3 smp_segformer.py --parity /work/shared/parity
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

from smp_unet import fill_segkit_v1, parity_case

# name: (embed_dims, depths); all share heads (1, 2, 5, 8), sr ratios (8, 4, 2, 1), MLP ratio 4, qkv bias.
_MIT = {
    "mit_b0": ((32, 64, 160, 256), (2, 2, 2, 2)),
    "mit_b1": ((64, 128, 320, 512), (2, 2, 2, 2)),
    "mit_b2": ((64, 128, 320, 512), (3, 4, 6, 3)),
    "mit_b3": ((64, 128, 320, 512), (3, 4, 18, 3)),
    "mit_b4": ((64, 128, 320, 512), (3, 8, 27, 3)),
    "mit_b5": ((64, 128, 320, 512), (3, 6, 40, 3)),
}
_NUM_HEADS = (1, 2, 5, 8)
_SR_RATIOS = (8, 4, 2, 1)


class LayerNorm(nn.LayerNorm):
    """SMP's MiT LayerNorm: also takes NCHW maps, normalised over channels through a token view."""

    def forward(self, x):
        if x.ndim == 4:
            b, c, h, w = x.shape
            x = F.layer_norm(x.view(b, c, -1).transpose(1, 2), self.normalized_shape, self.weight, self.bias,
                             self.eps)
            return x.transpose(1, 2).view(b, c, h, w)
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


class DWConv(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.dwconv = nn.Conv2d(channels, channels, 3, 1, 1, groups=channels)

    def forward(self, x, height, width):
        b, _, c = x.shape
        return self.dwconv(x.transpose(1, 2).view(b, c, height, width)).flatten(2).transpose(1, 2)


class Mlp(nn.Module):
    def __init__(self, channels, hidden):
        super().__init__()
        self.fc1 = nn.Linear(channels, hidden)
        self.dwconv = DWConv(hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, channels)

    def forward(self, x, height, width):
        return self.fc2(self.act(self.dwconv(self.fc1(x), height, width)))


class Attention(nn.Module):
    """Efficient self-attention: keys and values from a map shrunk sr_ratio times by a strided conv."""

    def __init__(self, dim, num_heads, sr_ratio):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(dim, dim * 2)
        self.proj = nn.Linear(dim, dim)
        self.sr_ratio = sr_ratio
        if sr_ratio > 1:
            self.sr = nn.Conv2d(dim, dim, kernel_size=sr_ratio, stride=sr_ratio)
            self.norm = LayerNorm(dim)  # default eps 1e-5, unlike the blocks' 1e-6 (as in SMP)

    def forward(self, x, height, width):
        b, n, c = x.shape
        q = self.q(x).reshape(b, n, self.num_heads, c // self.num_heads).permute(0, 2, 1, 3)
        if self.sr_ratio > 1:
            x = x.permute(0, 2, 1).reshape(b, c, height, width)
            x = self.norm(self.sr(x).reshape(b, c, -1).permute(0, 2, 1))
        k, v = self.kv(x).reshape(b, -1, 2, self.num_heads, c // self.num_heads).permute(2, 0, 3, 1, 4)
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Block(nn.Module):
    def __init__(self, dim, num_heads, sr_ratio):
        super().__init__()
        self.norm1 = LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads, sr_ratio)
        self.norm2 = LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, 4 * dim)

    def forward(self, x):
        b, _, h, w = x.shape
        x = x.flatten(2).transpose(1, 2)
        x = x + self.attn(self.norm1(x), h, w)
        x = x + self.mlp(self.norm2(x), h, w)
        return x.transpose(1, 2).view(b, -1, h, w)


class OverlapPatchEmbed(nn.Module):
    def __init__(self, patch_size, stride, in_channels, embed_dim):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, embed_dim, patch_size, stride=stride, padding=patch_size // 2)
        self.norm = LayerNorm(embed_dim)  # default eps 1e-5 here too

    def forward(self, x):
        return self.norm(self.proj(x))


class MixVisionTransformerEncoder(nn.Module):
    """SMP's MiT encoder: [x, empty stride-2 placeholder, stride 4, 8, 16, 32] up to its depth."""

    def __init__(self, encoder_name, in_channels=3, depth=5):
        super().__init__()
        if encoder_name not in _MIT:
            raise ValueError(f"unsupported encoder {encoder_name}, expected one of {', '.join(_MIT)}")
        if not 1 <= depth <= 5:
            raise ValueError(f"encoder depth must be 1..5, got {depth}")
        dims, depths = _MIT[encoder_name]
        self.depth = depth
        # Every stage exists whatever the depth (SMP's state_dict); the forward stops early.
        for i, (patch, stride, source) in enumerate(zip((7, 3, 3, 3), (4, 2, 2, 2), (in_channels,) + dims[:3])):
            self.add_module(f"patch_embed{i + 1}", OverlapPatchEmbed(patch, stride, source, dims[i]))
        for i in range(4):
            self.add_module(f"block{i + 1}", nn.Sequential(*(Block(dims[i], _NUM_HEADS[i], _SR_RATIOS[i])
                                                            for _ in range(depths[i]))))
            self.add_module(f"norm{i + 1}", LayerNorm(dims[i], eps=1e-6))
        self.out_channels = [in_channels, 0, *dims][:depth + 1]

    def forward(self, x):
        b, _, h, w = x.shape
        features = [x, torch.empty([b, 0, h // 2, w // 2], dtype=x.dtype, device=x.device)]
        for i in range(1, self.depth):
            x = getattr(self, f"patch_embed{i}")(x)
            x = getattr(self, f"block{i}")(x)
            x = getattr(self, f"norm{i}")(x).contiguous()
            features.append(x)
        return features


class MLP(nn.Module):
    def __init__(self, skip_channels, segmentation_channels):
        super().__init__()
        self.linear = nn.Linear(skip_channels, segmentation_channels)

    def forward(self, x):
        b, _, h, w = x.shape
        return self.linear(x.flatten(2).transpose(1, 2)).transpose(1, 2).reshape(b, -1, h, w)


class SegformerDecoder(nn.Module):
    def __init__(self, encoder_channels, segmentation_channels=256):
        super().__init__()
        # The placeholder's 0 channels are dropped; the input image (last after reversal) is never used.
        channels = [c for i, c in enumerate(encoder_channels) if i != 1 or c != 0][::-1]
        self.mlp_stage = nn.ModuleList(MLP(c, segmentation_channels) for c in channels[:-1])
        # SMP's Conv2dReLU with BatchNorm: conv without bias, indices 0/1/2.
        self.fuse_stage = nn.Sequential(
            nn.Conv2d((len(channels) - 1) * segmentation_channels, segmentation_channels, 1, bias=False),
            nn.BatchNorm2d(segmentation_channels), nn.ReLU(inplace=True))

    def forward(self, features):
        size = [dim // 4 for dim in features[0].shape[2:]]
        features = (features[2:] if features[1].size(1) == 0 else features[1:])[::-1]
        resized = [F.interpolate(mlp(f), size=size, mode="bilinear", align_corners=False)
                   for mlp, f in zip(self.mlp_stage, features)]
        return self.fuse_stage(torch.cat(resized, dim=1))


class Segformer(nn.Module):
    def __init__(self, encoder_name="mit_b0", classes=1, in_channels=3, encoder_depth=5,
                 decoder_segmentation_channels=256, upsampling=4):
        super().__init__()
        if not 3 <= encoder_depth <= 5:
            raise ValueError(f"Segformer needs encoder_depth 3..5, got {encoder_depth}")
        self.encoder = MixVisionTransformerEncoder(encoder_name, in_channels, encoder_depth)
        self.decoder = SegformerDecoder(self.encoder.out_channels, decoder_segmentation_channels)
        # SMP's SegmentationHead: 1x1 conv, upsampling, activation (Identity here) at indices 0/1/2.
        self.segmentation_head = nn.Sequential(
            nn.Conv2d(decoder_segmentation_channels, classes, kernel_size=1),
            nn.Upsample(scale_factor=upsampling, mode="bilinear", align_corners=True) if upsampling > 1
            else nn.Identity(),
            nn.Identity())
        self.output_stride = 2 ** encoder_depth

    def forward(self, x):
        # SMP's check_input_shape (Segformer requires divisible inputs).
        if x.shape[-2] % self.output_stride or x.shape[-1] % self.output_stride:
            raise RuntimeError(f"Segformer input height and width must be divisible by {self.output_stride}, "
                               f"got {tuple(x.shape[-2:])}")
        return self.segmentation_head(self.decoder(self.encoder(x)))


def segformer_from_config(config):
    """The Segformer of an SMP hub config (keys are SMP's constructor argument names)."""
    keys = ("encoder_name", "classes", "in_channels", "encoder_depth", "decoder_segmentation_channels", "upsampling")
    return Segformer(**{key: config[key] for key in keys if key in config})


def parity_check(directory):
    """Compares against SMP's own output for segformer_mit_b0; returns True on pass."""
    return parity_case(fill_segkit_v1(Segformer("mit_b0", classes=4)).eval(), directory, "segformer_mit_b0")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parity", required=True, help="directory with segformer_mit_b0.{json,params.txt,out.bin}")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    sys.exit(0 if parity_check(args.parity) else 1)
