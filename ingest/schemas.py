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

EXPERT_CATEGORIES = pa.schema(
    [
        ("model_id", pa.string()),
        ("image_id", pa.string()),
        ("predicted_class_id", pa.int16()),
        ("expert_category", pa.string()),
        ("expert_severity", pa.string()),
    ]
)

# The reference's stats_imagenet_<group>.csv columns, in its order and names
# (`imagenet-m` written `imagenet_m`, `num_OOV_clip` lower-cased), after the group.
REFERENCE_MODEL_STATS = pa.schema(
    [("class_group", pa.string()), ("model_dir_id", pa.string()), ("num_params", pa.int64())]
    + [(name, pa.string()) for name in ("training_data", "arch", "arch_family", "arch_group")]
    + [("extra_annotations", pa.string())]
    + [
        (name, pa.float64())
        for name in ("top1_val_acc", "imagenet_top1_val_acc", "imagenet_mla_val_acc")
    ]
    + [
        (name, pa.int64())
        for name in (
            "num_all_samples",
            "num_group_samples",
            "num_group_correct",
            "num_all_top1_errors",
            "num_group_top1_errors",
        )
    ]
    + [
        (name, pa.float64())
        for name in (
            "mla_all",
            "mla_all_minor_error",
            "mla_all_explainable_error",
            "mla_group",
            "mla_group_minor_error",
            "mla_group_explainable_error",
        )
    ]
    + [
        (name, pa.int64())
        for name in (
            "num_collapsed_mappings",
            "num_ambiguous",
            "num_same_superclass",
            "num_common_co_occ",
            "num_non_prototypical",
            "num_oov_clip",
            "num_not_classified",
            "num_all_imagenet_m_samples",
            "num_group_imagenet_m_samples",
            "num_imagenet_m_errors",
        )
    ]
)

REFERENCE_MODELS = pa.schema(
    [("idx", pa.int32())]
    + [
        (name, pa.string())
        for name in (
            "model_id",
            "source",
            "arch",
            "arch_group",
            "arch_family",
            "dataset",
            "extra_annotations",
        )
    ]
)

VERDICTS = ("correct", "unclear", "wrong")
