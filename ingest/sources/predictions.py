"""Import published predictions: a CSV/Parquet of (image, class[, probability])."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.core import schemas
from ingest.core.errors import BadInput
from ingest.core.parquet_io import write_parquet_atomically
from ingest.core.paths import labels_dir, predictions_dir
from ingest.sources.labels import parse_class_id, read_table_rows

_SAFE_MODEL_ID = re.compile(r"[^A-Za-z0-9._+-]")


def model_partition(model_id: str) -> str:
    """Folder name of a model's partition; ids may hold `/` (hub names) or `:`."""
    return "model=" + _SAFE_MODEL_ID.sub("_", model_id)


def predictions_path(model_id: str, root: Path | None = None) -> Path:
    return predictions_dir(root) / model_partition(model_id) / "predictions.parquet"


def write_predictions(
    model_id: str,
    image_ids: list[str],
    top5_class_ids: list[list[int]],
    top5_probabilities: list[list[float]] | None = None,
    label_ranks: list[int | None] | None = None,
    root: Path | None = None,
) -> Path:
    count = len(image_ids)
    if len(top5_class_ids) != count:
        raise ValueError(f"model {model_id}: {count} images but {len(top5_class_ids)} predictions")
    written_at = datetime.now(UTC)
    table = pa.table(
        {
            "model_id": [model_id] * count,
            "image_id": image_ids,
            "top5_class_ids": top5_class_ids,
            "top5_probabilities": top5_probabilities or [[None] * len(c) for c in top5_class_ids],
            "label_rank": label_ranks or [None] * count,
            "written_at": [written_at] * count,
        },
        schema=schemas.PREDICTIONS,
    )
    return write_parquet_atomically(table, predictions_path(model_id, root))


def import_prediction_table(
    path: Path, model_id: str | None, root: Path | None = None, allow_unlabelled: bool = False
) -> list[Path]:
    """Rows of image, class[, probability][, model]; a `model` column splits it by model.

    The whole file is checked before anything is written. Images without a label
    under the data root are refused (they would never be classified), unless
    `allow_unlabelled`.
    """
    by_model: dict[str, tuple[list[str], list[list[int]], list[list[float | None]]]] = {}
    first_line: dict[tuple[str, str], int] = {}
    for line, row in enumerate(read_table_rows(path, ("image", "class")), start=2):
        where = f"{path}:{line}"
        model = row.get("model") or model_id
        if not model:
            raise BadInput(f"{where}: no `model` column and no --model given")
        if not row.get("image") or row.get("class") in (None, ""):
            raise BadInput(f"{where}: needs the columns image and class")
        image = row["image"]
        seen = first_line.setdefault((model, image), line)
        if seen != line:
            raise BadInput(f"{where}: image {image} of model {model} repeats line {seen}")
        images, classes, probabilities = by_model.setdefault(model, ([], [], []))
        images.append(image)
        classes.append([parse_class_id(row["class"], where)])
        probabilities.append([parse_probability(row.get("probability"), where)])
    if not allow_unlabelled:
        refuse_unlabelled(
            path, (image for images, _, _ in by_model.values() for image in images), root
        )
    return [
        write_predictions(model, images, classes, probabilities, root=root)
        for model, (images, classes, probabilities) in by_model.items()
    ]


def parse_probability(value: str | None, where: str) -> float | None:
    """A probability in [0, 1], or None when the cell is empty."""
    if value in (None, "", "None"):
        return None
    try:
        probability = float(value)
    except ValueError:
        raise BadInput(f"{where}: probability {value!r} is not a number") from None
    if math.isnan(probability) or not 0 <= probability <= 1:
        raise BadInput(f"{where}: probability {value} is outside [0, 1]")
    return probability


def refuse_unlabelled(source: Path, images: Iterable[str], root: Path | None = None) -> None:
    """Refuse predictions on images that have no label under the data root."""
    labels = labels_dir(root) / "image_labels.parquet"
    if not labels.exists():
        raise BadInput(
            f"{source}: no labels under {labels.parent} to check its images against; "
            "run `imagenet-errors labels original` first (or pass --allow-unlabelled)"
        )
    known = set(pq.read_table(labels, columns=["image_id"]).column("image_id").to_pylist())
    unknown = sorted({image for image in images if image not in known})
    if unknown:
        shown = ", ".join(unknown[:3]) + (", ..." if len(unknown) > 3 else "")
        raise BadInput(
            f"{source}: {len(unknown)} image id(s) match no labelled image ({shown}); "
            "they would never be classified (--allow-unlabelled keeps them)"
        )
