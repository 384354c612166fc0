"""The Parquet contracts between ingest and dbt's sources.

`models/staging/_staging__sources.yml` declares the same columns; a test keeps
the two in step.
"""

from __future__ import annotations

import pyarrow as pa

PREDICTIONS = pa.schema(
    [
        ("model_id", pa.string()),
        ("image_id", pa.string()),
        ("top5_class_ids", pa.list_(pa.int16())),
        ("top5_probabilities", pa.list_(pa.float32())),
        # Rank (1-based) of the true label among all classes; null when unknown.
        ("label_rank", pa.int16()),
        # When ingest wrote the file: a newer one makes dbt reclassify this model.
        ("written_at", pa.timestamp("us", tz="UTC")),
    ]
)

IMAGE_LABELS = pa.schema([("image_id", pa.string()), ("label_class_id", pa.int16())])

MULTI_LABEL_IMAGES = pa.schema(
    [
        ("image_id", pa.string()),
        ("is_problematic", pa.bool_()),
        ("is_imagenet_m", pa.bool_()),
        ("annotation_source", pa.string()),
    ]
)

MULTI_LABELS = pa.schema(
    [
        ("image_id", pa.string()),
        ("class_id", pa.int16()),
        # correct | unclear | wrong, as in Shankar et al.'s `initial_annots`.
        ("verdict", pa.string()),
    ]
)

COOCCURRENCE_LABELS = pa.schema([("image_id", pa.string()), ("class_id", pa.int16())])

OOV_VERDICTS = pa.schema(
    [
        ("image_id", pa.string()),
        ("predicted_class_id", pa.int16()),
        ("is_fine_grained_oov", pa.bool_()),
    ]
)

MODELS = pa.schema(
    [
        ("model_id", pa.string()),
        ("source", pa.string()),
        ("architecture", pa.string()),
        ("architecture_family", pa.string()),
        ("parameter_count", pa.int64()),
        ("pretraining_data", pa.string()),
        ("input_size", pa.int32()),
        ("crop_pct", pa.float32()),
        ("interpolation", pa.string()),
        ("image_set", pa.string()),
        ("image_set_fingerprint", pa.string()),
        ("num_images", pa.int64()),
        ("num_skipped_images", pa.int64()),
        ("device", pa.string()),
        ("wall_seconds", pa.float64()),
        # Top-1 on the images with a known label; null when none has one.
        ("top1_accuracy", pa.float64()),
        ("written_at", pa.timestamp("us", tz="UTC")),
    ]
)

SKIPPED_IMAGES = pa.schema(
    [
        ("image_set", pa.string()),
        ("image_id", pa.string()),
        ("path", pa.string()),
        ("error", pa.string()),
    ]
)

VERDICTS = ("correct", "unclear", "wrong")
