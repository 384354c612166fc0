"""Vasudevan et al.'s expert-reviewed mistakes as two models and their categories.

The mistakes files of github.com/google-research/imagenet-mistakes
(`metadata/vit3b_mistakes.json`, `greedy_soups_mistakes.json`) give, per
validation image the experts reviewed, the model's `top_prediction` and the
expert `failure category`. Importing them writes the predictions through the
normal writer (one model each, only the reviewed images) and the expert
categories to `experts/model=<id>/expert_categories.parquet`, so that dbt
classifies the same mistakes and `agg_expert_agreement` compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ingest.core import schemas
from ingest.core.parquet_io import write_parquet_atomically
from ingest.core.paths import experts_dir, labels_dir
from ingest.sources import labels
from ingest.sources.expert_mistakes import AnnotationError, locate_mistakes_files, read_mistakes
from ingest.sources.predictions import model_partition, write_predictions

MODEL_IDS = {"vit3b_mistakes.json": "vit3b", "greedy_soups_mistakes.json": "greedy_soups"}


@dataclass(frozen=True)
class ExpertImport:
    written: list[Path]
    labels_note: str


def _expert_rows(path: Path) -> tuple[list[str], list[int], list[str], list[str]]:
    images, predictions, categories, severities = [], [], [], []
    for image, entry in sorted(read_mistakes(path).items()):
        where = f"{path}: {image}"
        missing = [key for key in ("top_prediction", "failure category") if key not in entry]
        if not isinstance(entry, dict) or missing:
            raise AnnotationError(f"{where} has no {' or '.join(map(repr, missing))}")
        images.append(image)
        predictions.append(labels.parse_class_id(entry["top_prediction"], where))
        categories.append(str(entry["failure category"]))
        severities.append(str(entry.get("failure severity") or ""))
    return images, predictions, categories, severities


def write_expert_categories(
    model_id: str,
    images: list[str],
    predictions: list[int],
    categories: list[str],
    severities: list[str],
    root: Path | None = None,
) -> Path:
    table = pa.table(
        {
            "model_id": [model_id] * len(images),
            "image_id": images,
            "predicted_class_id": predictions,
            "expert_category": categories,
            "expert_severity": severities,
        },
        schema=schemas.EXPERT_CATEGORIES,
    )
    path = experts_dir(root) / model_partition(model_id) / "expert_categories.parquet"
    return write_parquet_atomically(table, path)


def _ensure_labels(reviewed: set[str], shankar: Path | None, root: Path | None) -> str:
    """Multi-labels from Shankar et al. when given, else ReaL's for the reviewed
    images only (the rest of the validation set stays free for counting label
    co-occurrence); existing label files are kept."""
    directory = labels_dir(root)
    notes = []
    if not (directory / "image_labels.parquet").is_file():
        labels.write_image_labels(labels.original_validation_labels(), root)
        notes.append("original labels written")
    if not (directory / "cooccurrence_labels.parquet").is_file():
        labels.write_cooccurrence_labels(labels.real_labels(), root)
        notes.append("ReaL co-occurrence labels written")
    if shankar is not None:
        annotations, problematic, imagenet_m = labels.read_shankar_v3(shankar)
        labels.write_multi_labels(annotations, "shankar_v3", problematic, imagenet_m, root)
        notes.append(f"multi-labels from {shankar}")
    elif (directory / "multi_label_images.parquet").is_file():
        notes.append(f"multi-labels kept from {directory}")
    else:
        real = {
            image: classes for image, classes in labels.real_labels().items() if image in reviewed
        }
        annotations, problematic = labels.real_as_annotations(real)
        labels.write_multi_labels(annotations, "real", problematic, root=root)
        notes.append(
            f"multi-labels from ImageNet-ReaL for the {len(real)} reviewed images "
            "(no Shankar file given)"
        )
    return "; ".join(notes)


def import_experts(
    mistakes_dir: Path | None = None, shankar: Path | None = None, root: Path | None = None
) -> ExpertImport:
    # Both files read and checked before either is written.
    rows = {
        MODEL_IDS[path.name]: _expert_rows(path) for path in locate_mistakes_files(mistakes_dir)
    }
    written: list[Path] = []
    reviewed: set[str] = set()
    for model_id, (images, predictions, categories, severities) in rows.items():
        written.append(write_predictions(model_id, images, [[p] for p in predictions], root=root))
        written.append(
            write_expert_categories(model_id, images, predictions, categories, severities, root)
        )
        reviewed |= set(images)
    return ExpertImport(written, _ensure_labels(reviewed, shankar, root))
