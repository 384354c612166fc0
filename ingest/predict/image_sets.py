"""Image sets a run can classify: ImageNet validation (both layouts), ImageNet-A,
any `<wnid>/<image>` folder, and the embedded demo photos."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.imagenet.metadata import class_wnids, timm_info_file, validation_labels

IMAGE_SUFFIXES = {".jpeg", ".jpg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
_VALIDATION_NAME = re.compile(r"ILSVRC2012_val_\d{8}\.JPEG")
_WNID = re.compile(r"n\d{8}")


@dataclass(frozen=True)
class ImageRecord:
    image_id: str
    path: Path
    label_class_id: int | None = None
    multi_label_class_ids: tuple[int, ...] = ()


@dataclass
class ImageSet:
    name: str
    records: list[ImageRecord]
    # ImageNet-A and -R cover a subset of classes: logits outside it are ignored.
    class_subset: list[int] | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        import hashlib

        digest = hashlib.sha256()
        for record in self.records:
            digest.update(f"{record.image_id}\0{record.path}\n".encode())
        return digest.hexdigest()[:16]


def _images_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def wnid_folders(directory: Path, name: str | None = None) -> ImageSet:
    """Any folder of `<wnid>/<image>`; the wnid gives the label when it is an ImageNet class."""
    if not directory.is_dir():
        raise FileNotFoundError(f"image folder {directory} does not exist")
    index = {wnid: i for i, wnid in enumerate(class_wnids())}
    records = []
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        label = index.get(folder.name) if _WNID.fullmatch(folder.name) else None
        for path in _images_in(folder):
            multi = (label,) if label is not None else ()
            records.append(ImageRecord(f"{folder.name}/{path.name}", path, label, multi))
    if not records:
        raise FileNotFoundError(f"{directory} holds no <wnid>/<image> files")
    return ImageSet(name or directory.name, records)


def imagenet_validation(directory: Path, labels: dict[str, int] | None = None) -> ImageSet:
    """ILSVRC-2012 validation, flat (`ILSVRC2012_val_*.JPEG`) or in `val/<wnid>/` folders.

    Image ids are the file names in both layouts, so either joins to the same labels.
    """
    if not directory.is_dir():
        raise FileNotFoundError(f"ImageNet validation folder {directory} does not exist")
    flat = [p for p in _images_in(directory) if _VALIDATION_NAME.fullmatch(p.name)]
    if flat:
        known = labels or validation_labels()
        records = [ImageRecord(p.name, p, known.get(p.name), ()) for p in flat]
        return ImageSet("imagenet-val", records)
    by_folder = wnid_folders(directory, "imagenet-val")
    by_folder.records = [
        ImageRecord(r.path.name, r.path, r.label_class_id, r.multi_label_class_ids)
        for r in by_folder.records
    ]
    return by_folder


def imagenet_a(directory: Path) -> ImageSet:
    """ImageNet-A: 200 classes; predictions are restricted to them, as timm does."""
    image_set = wnid_folders(directory, "imagenet-a")
    indices = timm_info_file("imagenet_a_indices.txt").read_text().split()
    image_set.class_subset = sorted(int(i) for i in indices)
    return image_set


def demo(root: Path) -> ImageSet:
    """The embedded demo photos, materialised under `root/images/demo`."""
    from ingest.predict.demo_photos import demo_photos, materialise

    records, missing = [], []
    for photo in demo_photos():
        path = materialise(photo, root / "images" / "demo")
        if path is None:
            missing.append(f"{photo.name} ({photo.source} not installed)")
            continue
        label = photo.label_class_ids[0] if photo.label_class_ids else None
        records.append(ImageRecord(f"demo/{path.name}", path, label, photo.label_class_ids))
    return ImageSet("demo", records, missing=missing)
