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

# Superclass definitions imported from a file (`imagenet-errors superclasses
# import`): the seed's columns plus what they were read from.
SUPERCLASS_DEFINITIONS = pa.schema(
    [
        ("superclass", pa.string()),
        ("predicate_id", pa.int32()),
        ("lemma", pa.string()),
        ("definitions_source", pa.string()),
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

# CLIP embeddings (`clip/` under the data root). The embedding width depends on the
# CLIP model, hence functions. Parquet has no fixed-size list type: pyarrow
# readers get fixed_size_list<float32>[d] back (from the stored Arrow schema),
# DuckDB reads FLOAT[] (`list_inner_product`, or cast to FLOAT[d] for
# `array_inner_product`).


def embedding_type(dimension: int) -> pa.DataType:
    return pa.list_(pa.float32(), dimension)


def clip_image_embeddings(dimension: int) -> pa.Schema:
    return pa.schema(
        [
            ("image_id", pa.string()),
            # Architecture and weights, e.g. ViT-L-14-336/openai.
            ("clip_model", pa.string()),
            ("embedding", embedding_type(dimension)),  # L2-normalised
        ]
    )


def clip_reference_embeddings(dimension: int) -> pa.Schema:
    return pa.schema(
        [
            ("image_id", pa.string()),
            ("class_id", pa.int16()),
            ("clip_model", pa.string()),
            ("embedding", embedding_type(dimension)),
            # The evaluated image this one was derived from (the demo's crops), which
            # it is never a neighbour of; null for a real reference set.
            ("source_image_id", pa.string()),
        ]
    )


# Neighbours per evaluated image, and the prompt of a lemma's text embedding: what
# the rule reads, whether `embed` or the synthetic workload wrote the files.
CLIP_NEIGHBOURS = 10
CLIP_PROMPT = "A photo of a {lemma}"

CLIP_IMAGE_NEIGHBOURS = pa.schema(
    [
        ("image_id", pa.string()),
        ("clip_model", pa.string()),
        ("neighbour_rank", pa.int8()),  # 1 = most similar
        ("neighbour_image_id", pa.string()),
        ("neighbour_class_id", pa.int16()),
        ("similarity", pa.float32()),  # inner product of the normalised embeddings
    ]
)


def clip_text_embeddings(dimension: int) -> pa.Schema:
    return pa.schema(
        [
            ("lemma", pa.string()),  # lowercase, words separated by single spaces
            ("prompt", pa.string()),
            ("clip_model", pa.string()),
            ("embedding", embedding_type(dimension)),
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
