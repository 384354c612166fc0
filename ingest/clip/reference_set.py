"""The reference images whose classes the nearest-neighbour gate looks at.

The reference study used the ImageNet training set: a folder of
`<wnid>/<image>`, here optionally cut to the first N images (in file-name
order) of each class. An optional `sources.csv` (columns image_id,
source_image_id) beside the class folders names the evaluated image a
reference image was derived from; such an image is never its source's
neighbour (the demo builds its reference set from crops of its own photos).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ingest.predict.image_sets import ImageSet, wnid_folders

SOURCES_FILE = "sources.csv"


@dataclass
class ReferenceSet:
    images: ImageSet  # every record has a label_class_id
    sources: dict[str, str] = field(default_factory=dict)  # image_id -> source image_id


def _read_sources(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not {"image_id", "source_image_id"} <= set(reader.fieldnames or ()):
            raise ValueError(f"{path}: needs the columns image_id,source_image_id")
        return {row["image_id"]: row["source_image_id"] for row in reader}


def load_reference_set(directory: Path, per_class: int | None = None) -> ReferenceSet:
    images = wnid_folders(directory, f"reference-{directory.name}")
    strays = sorted({r.path.parent.name for r in images.records if r.label_class_id is None})
    if strays:
        raise ValueError(
            f"reference set {directory}: folders {', '.join(strays[:5])} are not ImageNet wnids"
        )
    if per_class is not None:
        if per_class < 1:
            raise ValueError(f"--per-class must be at least 1, got {per_class}")
        taken: dict[int | None, int] = defaultdict(int)
        kept = []
        for record in images.records:  # sorted by folder, then file name
            if taken[record.label_class_id] < per_class:
                taken[record.label_class_id] += 1
                kept.append(record)
        images.records = kept
    sources_file = directory / SOURCES_FILE
    sources = _read_sources(sources_file) if sources_file.is_file() else {}
    return ReferenceSet(images, sources)
