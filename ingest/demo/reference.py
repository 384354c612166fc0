"""The demo's reference set: crops and a mirror image of each labelled demo photo.

The OOV gate looks at the classes of an image's nearest ImageNet training
images; the demo has no ImageNet, so its reference set is four deterministic
views of every labelled demo photo, filed under the photo's (first) class as
`<wnid>/<photo>-<view>.jpg`. `sources.csv` ties each view to its photo, so a
photo's own views are never its neighbours.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageOps

from ingest.clip.reference_set import SOURCES_FILE
from ingest.imagenet.metadata import class_wnids
from ingest.predict.image_sets import ImageSet

SHORT_SIDE = 256  # CLIP models look at 224-336 px: larger files only cost decoding
CROP = 0.7


def _crop(left: float, top: float) -> Callable[[Image.Image], Image.Image]:
    def crop(image: Image.Image) -> Image.Image:
        width, height = image.size
        x, y = round(left * width * (1 - CROP)), round(top * height * (1 - CROP))
        return image.crop((x, y, x + round(CROP * width), y + round(CROP * height)))

    return crop


VIEWS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "mirror": ImageOps.mirror,
    "centre": _crop(0.5, 0.5),
    "top-left": _crop(0.0, 0.0),
    "bottom-right": _crop(1.0, 1.0),
}


def _shrunk(image: Image.Image) -> Image.Image:
    scale = SHORT_SIDE / min(image.size)
    if scale >= 1:
        return image
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.BICUBIC)


def build_demo_reference_set(image_set: ImageSet, folder: Path) -> Path:
    """Write the views of every labelled photo of `image_set` under `folder`."""
    wnids = class_wnids()
    sources = []
    for record in image_set.records:
        if record.label_class_id is None:
            continue
        class_folder = folder / wnids[record.label_class_id]
        class_folder.mkdir(parents=True, exist_ok=True)
        image = None
        for view, transform in VIEWS.items():
            target = class_folder / f"{record.path.stem}-{view}.jpg"
            sources.append((f"{class_folder.name}/{target.name}", record.image_id))
            if target.exists():
                continue
            if image is None:
                with Image.open(record.path) as opened:
                    image = _shrunk(opened.convert("RGB"))
            temporary = target.with_name(f".{target.name}.tmp")
            transform(image).save(temporary, format="JPEG", quality=90)
            temporary.replace(target)
    with (folder / SOURCES_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image_id", "source_image_id"])
        writer.writerows(sources)
    return folder
