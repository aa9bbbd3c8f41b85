"""Builds the SMP architecture a hub directory describes, from the rebuilds here (no SMP or timm needed)."""
from smp_convnext import convnext_unet_from_config, is_convnext
from smp_fpn import fpn_from_config
from smp_segformer import segformer_from_config
from smp_unet import load_hub_weights, read_hub_config, unet_from_config


def _any_unet_from_config(config):
    # One SMP class, two encoder families: torchvision's ResNets and timm's ConvNeXt (tu-convnext_*).
    if is_convnext(config.get("encoder_name", "")):
        return convnext_unet_from_config(config)
    return unet_from_config(config)


_FROM_CONFIG = {"Unet": _any_unet_from_config, "FPN": fpn_from_config, "Segformer": segformer_from_config}


def build_from_dir(model_dir):
    """Builds the model of an SMP hub directory (config.json + model.safetensors), weights loaded strictly."""
    config = read_hub_config(model_dir)
    model_class = config.get("_model_class", "Unet")
    if model_class not in _FROM_CONFIG:
        raise ValueError(f"unsupported _model_class {model_class}, expected one of {sorted(_FROM_CONFIG)}")
    return load_hub_weights(_FROM_CONFIG[model_class](config), model_dir)
