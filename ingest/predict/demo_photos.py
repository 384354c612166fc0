"""Materialise the demo photos as files under the data root.

Each photo comes from a package that a registry ships (scikit-image,
scikit-learn, matplotlib, Debian's opencv-doc); our labels for them live in
`demo_images.csv`, the first class being the photo's single label and all of
them its multi-labels. Photos of things ImageNet has no class for carry no
label and are evaluated as problematic images.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

LABELS_FILE = Path(__file__).with_name("demo_images.csv")
OPENCV_DOC_DIR = Path("/usr/share/doc/opencv-doc/examples/data")


@dataclass(frozen=True)
class DemoPhoto:
    name: str
    source: str
    locator: str
    label_class_ids: tuple[int, ...]
    note: str


def demo_photos() -> list[DemoPhoto]:
    with LABELS_FILE.open(newline="", encoding="utf-8") as handle:
        return [
            DemoPhoto(
                row["name"],
                row["source"],
                row["locator"],
                tuple(int(c) for c in row["label_class_ids"].split()),
                row["note"],
            )
            for row in csv.DictReader(handle)
        ]


def _source_file(photo: DemoPhoto) -> Path | None:
    if photo.source == "sklearn":
        import sklearn.datasets

        return Path(sklearn.datasets.__file__).parent / "images" / photo.locator
    if photo.source == "matplotlib":
        import matplotlib.cbook

        return Path(matplotlib.cbook.get_sample_data(photo.locator, asfileobj=False))
    if photo.source == "opencv-doc":
        return OPENCV_DOC_DIR / photo.locator
    return None


def _skimage_array(locator: str) -> np.ndarray:
    import skimage.data

    image = getattr(skimage.data, locator)()
    return image[0] if isinstance(image, tuple) else image  # stereo pairs: the left view


def materialise(photo: DemoPhoto, folder: Path) -> Path | None:
    """Write or copy the photo into `folder`; None when its package is missing."""
    folder.mkdir(parents=True, exist_ok=True)
    if photo.source == "skimage":
        target = folder / f"{photo.name}.png"
        if not target.exists():
            temporary = folder / f".{photo.name}.png.tmp"
            Image.fromarray(_skimage_array(photo.locator)).save(temporary, format="PNG")
            temporary.replace(target)
        return target
    source = _source_file(photo)
    if source is None or not source.is_file():
        return None
    target = folder / f"{photo.name}{source.suffix}"
    if not target.exists():
        shutil.copyfile(source, target)
    return target
