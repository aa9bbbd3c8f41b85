"""segmentation_models_pytorch's Unet rebuilt from torchvision parts, for the Python references.

SMP itself is not installed here, so the bench references rebuild its Unet with the exact
state_dict names SMP uses: a checkpoint saved by SMP (hub format, model.safetensors) loads
strictly, and `--parity DIR` proves the forward pass matches SMP's reference output.

    python3 smp_unet.py --parity /work/shared/parity
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from torch import nn

import safetensors_np


def load_safetensors(path):
    """Reads a .safetensors file into {name: torch.Tensor} (own reader, see safetensors_np)."""
    arrays, _ = safetensors_np.read(path)
    tensors = {}
    for name, (tag, array) in arrays.items():
        # copy(): the arrays are read-only views on the file's memory map.
        tensor = torch.from_numpy(array.copy())
        tensors[name] = tensor.view(torch.bfloat16) if tag == "BF16" else tensor
    return tensors


def save_safetensors(tensors, path, metadata=None):
    """Writes {name: torch.Tensor} as .safetensors (test model directories)."""
    arrays = {}
    for name, tensor in tensors.items():
        tensor = tensor.detach().cpu().contiguous()
        arrays[name] = ("BF16", tensor.view(torch.int16).numpy()) if tensor.dtype == torch.bfloat16 else tensor.numpy()
    safetensors_np.write(arrays, path, metadata)


def _conv_bn_relu(in_channels, out_channels):
    # SMP's Conv2dReLU: indices 0/1/2 give the state_dict names "convN.0" and "convN.1".
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))


class DecoderBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.conv1 = _conv_bn_relu(in_channels + skip_channels, out_channels)
        self.conv2 = _conv_bn_relu(out_channels, out_channels)

    def forward(self, x, size, skip=None):
        # SMP 0.5 upsamples to the next feature's exact size (not scale_factor=2), which only
        # differs when the input is not divisible by 32; matching it keeps odd sizes identical.
        x = F.interpolate(x, size=size, mode="nearest")
        if skip is not None:
            x = torch.cat([x, skip], dim=1)
        return self.conv2(self.conv1(x))


class Decoder(nn.Module):
    def __init__(self, encoder_channels, decoder_channels):
        super().__init__()
        # encoder_channels = (3, 64, 64|256, ...): the input's own channels are never a skip.
        reversed_channels = list(encoder_channels[1:])[::-1]
        in_channels = [reversed_channels[0]] + list(decoder_channels[:-1])
        skip_channels = reversed_channels[1:] + [0]
        self.blocks = nn.ModuleList(DecoderBlock(i, s, o)
                                    for i, s, o in zip(in_channels, skip_channels, decoder_channels))

    def forward(self, features):
        sizes = [f.shape[2:] for f in features][::-1]  # target sizes, deepest first
        features = features[1:][::-1]
        x, skips = features[0], features[1:]
        for i, block in enumerate(self.blocks):
            x = block(x, sizes[i + 1], skips[i] if i < len(skips) else None)
        return x


_ENCODER_CHANNELS = {
    "resnet18": (3, 64, 64, 128, 256, 512), "resnet34": (3, 64, 64, 128, 256, 512),
    "resnet50": (3, 64, 256, 512, 1024, 2048), "resnet101": (3, 64, 256, 512, 1024, 2048),
    "resnet152": (3, 64, 256, 512, 1024, 2048),
}


def resnet_encoder(encoder_name, in_channels=3):
    """SMP's ResNetEncoder: torchvision's ResNet without the classifier, same state_dict names."""
    if encoder_name not in _ENCODER_CHANNELS:
        raise ValueError(f"unsupported encoder {encoder_name}")
    encoder = getattr(torchvision.models, encoder_name)(weights=None)
    del encoder.fc, encoder.avgpool
    if in_channels != 3:
        encoder.conv1 = nn.Conv2d(in_channels, 64, 7, stride=2, padding=3, bias=False)
    return encoder


def encoder_channels(encoder_name, in_channels, depth):
    """SMP's encoder.out_channels: the input itself first (FPN at depth 3 uses it as a skip)."""
    return (in_channels,) + _ENCODER_CHANNELS[encoder_name][1:depth + 1]


def resnet_features(encoder, x, depth):
    """SMP's ResNetEncoder.forward: [x, stride 2, stride 4, ..., stride 2**depth]."""
    # Shallower SMP encoders still own layer4 (state_dict names), the forward just stops early.
    features = [x, encoder.relu(encoder.bn1(encoder.conv1(x)))]
    stages = [lambda t: encoder.layer1(encoder.maxpool(t)), encoder.layer2, encoder.layer3, encoder.layer4]
    for stage in stages[:depth - 1]:
        features.append(stage(features[-1]))
    return features


class Unet(nn.Module):
    def __init__(self, encoder_name="resnet34", classes=4, in_channels=3,
                 decoder_channels=(256, 128, 64, 32, 16), encoder_depth=5):
        super().__init__()
        if not 3 <= encoder_depth <= 5 or len(decoder_channels) != encoder_depth:
            raise ValueError("encoder_depth must be 3..5 with one decoder channel count per level")
        self.encoder_depth = encoder_depth
        self.encoder = resnet_encoder(encoder_name, in_channels)
        self.decoder = Decoder(encoder_channels(encoder_name, in_channels, encoder_depth), decoder_channels)
        self.segmentation_head = nn.Sequential(nn.Conv2d(decoder_channels[-1], classes, 3, padding=1))

    def forward(self, x):
        return self.segmentation_head(self.decoder(resnet_features(self.encoder, x, self.encoder_depth)))


def read_hub_config(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        return json.load(f)


def load_hub_weights(model, model_dir):
    """Loads model.safetensors strictly: a name or shape that differs from SMP's is an error."""
    model.load_state_dict(load_safetensors(os.path.join(model_dir, "model.safetensors")), strict=True)
    return model


def unet_from_config(config):
    """The Unet of an SMP hub config (keys are SMP's constructor argument names)."""
    return Unet(config.get("encoder_name", "resnet34"), config.get("classes", 1), config.get("in_channels", 3),
                tuple(config.get("decoder_channels", (256, 128, 64, 32, 16))), config.get("encoder_depth", 5))


def build_from_dir(model_dir):
    """Builds the Unet described by an SMP hub directory (config.json + model.safetensors).

    Unet only; smp_models.build_from_dir also builds the other architectures."""
    config = read_hub_config(model_dir)
    if config.get("_model_class", "Unet") != "Unet":
        raise ValueError(f"only Unet is supported, got {config['_model_class']} (see smp_models.build_from_dir)")
    return load_hub_weights(unet_from_config(config), model_dir)


def fill_segkit_v1(model):
    """Deterministic weights, recipe segkit-fill-v1 (/work/shared/parity/README.md)."""
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            h = sum(name.encode("utf-8")) % 997
            i = np.arange(tensor.numel(), dtype=np.int64)
            if tensor.dim() >= 2:
                q = (i * i) % 1009
                fan_in = tensor.numel() // tensor.shape[0]
                v = np.sin(0.7 * i + 0.0062 * q + h) * (2.0 * math.sqrt(1.0 / fan_in))
            else:
                s = np.sin(0.3 * i + h)
                if name.endswith("running_var"):
                    v = 1.0 + 0.5 * s * s
                elif name.endswith("running_mean"):
                    v = 0.02 * s
                elif name.endswith("weight"):
                    v = 1.0 + 0.1 * s
                else:
                    v = 0.01 * s
            tensor.copy_(torch.from_numpy(v.astype(np.float32).reshape(tensor.shape)))
    return model


def flops_per_image(model, h, w):
    """2 x multiply-adds of every Conv2d/Linear at batch 1 (the usual 'FLOPs' of papers)."""
    total = [0]

    def conv_hook(module, inputs, output):
        kernel_macs = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
        total[0] += 2 * output.numel() * kernel_macs

    def linear_hook(module, inputs, output):
        total[0] += 2 * output.numel() * module.in_features

    handles = [m.register_forward_hook(conv_hook if isinstance(m, nn.Conv2d) else linear_hook)
               for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(1, next(model.parameters()).shape[1], h, w))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return total[0]


def parity_case(model, directory, case):
    """Compares an eval-mode model with SMP's reference for one case of the parity directory.

    Prints one JSON line and returns True on pass (criteria: the directory's README.md)."""
    with open(os.path.join(directory, f"{case}.json")) as f:
        spec = json.load(f)
    expected_names = []
    with open(os.path.join(directory, f"{case}.params.txt")) as f:
        for line in f:
            name, shape, _ = line.rstrip("\n").split("\t")
            expected_names.append((name, json.loads(shape)))
    ours = [(name, list(t.shape)) for name, t in model.state_dict().items()]
    names_ok = ours == expected_names
    if not names_ok:
        for a, b in zip(ours + [None] * len(expected_names), expected_names):
            if a != b:
                print(f"first state_dict mismatch: ours {a} vs SMP {b}", file=sys.stderr)
                break
    in_shape = spec["input"]["shape"]
    x = np.sin(0.05 * np.arange(int(np.prod(in_shape)))).astype(np.float32).reshape(in_shape)
    with torch.no_grad():
        out = model(torch.from_numpy(x)).numpy()
    ref = np.fromfile(os.path.join(directory, f"{case}.out.bin"), dtype="<f4").reshape(spec["output"]["shape"])
    diff = np.abs(out - ref)
    scale = max(1.0, float(ref.std()))
    max_ok = diff.max() <= 1e-4 * scale
    mean_ok = diff.mean() <= 1e-5 * scale
    print(json.dumps({"case": case, "state_dict_names_match": names_ok,
                      "state_dict_entries": len(ours), "max_abs_diff": float(diff.max()),
                      "mean_abs_diff": float(diff.mean()), "ref_std": float(ref.std()),
                      "pass": bool(names_ok and max_ok and mean_ok)}))
    return bool(names_ok and max_ok and mean_ok)


def parity_check(directory):
    """Compares against SMP's own output for unet_resnet34; returns True on pass."""
    return parity_case(fill_segkit_v1(Unet("resnet34", classes=4)).eval(), directory, "unet_resnet34")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parity", required=True, help="directory with unet_resnet34.{params.txt,out.bin}")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    sys.exit(0 if parity_check(args.parity) else 1)
