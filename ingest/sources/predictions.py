"""Import published predictions: a CSV/Parquet of (image, class[, probability])."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from ingest.core import schemas
from ingest.core.parquet_io import write_parquet_atomically
from ingest.core.paths import predictions_dir
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
    path: Path, model_id: str | None, root: Path | None = None
) -> list[Path]:
    """Rows of image, class[, probability][, model]; a `model` column splits it by model."""
    by_model: dict[str, tuple[list[str], list[list[int]], list[list[float | None]]]] = {}
    for line, row in enumerate(read_table_rows(path), start=2):
        where = f"{path}:{line}"
        model = row.get("model") or model_id
        if not model:
            raise ValueError(f"{where}: no `model` column and no --model given")
        if not row.get("image") or row.get("class") in (None, ""):
            raise ValueError(f"{where}: needs the columns image and class")
        probability = row.get("probability")
        images, classes, probabilities = by_model.setdefault(model, ([], [], []))
        images.append(row["image"])
        classes.append([parse_class_id(row["class"], where)])
        probabilities.append([float(probability) if probability not in (None, "") else None])
    for model, (images, _, _) in by_model.items():
        duplicates = len(images) - len(set(images))
        if duplicates:
            raise ValueError(f"{path}: model {model} has {duplicates} repeated images")
    return [
        write_predictions(model, images, classes, probabilities, root=root)
        for model, (images, classes, probabilities) in by_model.items()
    ]
