"""A synthetic workload at the reference study's size, in the layout of real ingest.

`imagenet-errors synth --models N --images 50000` writes predictions of N fake
models on the first `images` validation images, with the real labels of those
images as the evaluation set: their ImageNet-ReaL multi-labels, and as
problematic the images whose ReaL labels leave out the original label (or that
ReaL leaves empty). As real ingest does (`labels original`, `labels real`), the
original labels and ReaL labels of all 50,000 images are written, so label
co-occurrence counts the images outside the evaluation set. Each model's top-1 accuracy
is drawn from 55-90 %, the spread of the reference's `stats_imagenet_all.csv`,
and its errors follow real structure: mostly a class close in WordNet to the
label, or another label of the same image, or a class that co-occurs with the
label elsewhere, and the rest to one of a few confuser classes fixed per image
(`confusers`), as real models make the same mistakes on the same image.
Deterministic given `seed`. `ingest/synth/clip.py` writes matching CLIP data.
"""

from __future__ import annotations

import csv
import zlib
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
from tqdm import tqdm

from ingest.core import schemas
from ingest.core.parquet_io import write_parquet_atomically
from ingest.core.paths import SEEDS_DIR, labels_dir
from ingest.imagenet.metadata import NUM_CLASSES, validation_image_name
from ingest.sources import labels
from ingest.sources.predictions import predictions_path

# Shares of the error kinds; the rest go to the image's confusers.
ERROR_MIX = {"wordnet_neighbour": 0.45, "same_image_label": 0.2, "cooccurring": 0.15}
TOP1_RANGE = (0.55, 0.90)
# Per image, the weights of its confusers: the first is the one its synthetic CLIP
# embedding shows (synth_clip), so errors and neighbours go there most.
CONFUSER_WEIGHTS = (0.6, 0.25, 0.15)
CONFUSERS = len(CONFUSER_WEIGHTS)


def stream(seed: int, name: str) -> np.random.Generator:
    """A generator for one named part of the workload, independent of every model's.

    The spawn key makes its entropy differ from the models' `[seed, model]`.
    """
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode()),))
    )


def image_labels(images: int) -> np.ndarray:
    """Original labels of the first `images` validation images, the synthetic labels."""
    original = labels.original_validation_labels()
    return np.array([original[validation_image_name(i)] for i in range(images)], np.int32)


def confusers(label: np.ndarray, seed: int) -> np.ndarray:
    """(images, CONFUSERS): distinct classes other than each image's label, for every model.

    The same for every model (their own generator), so N models' unstructured errors
    fall on a few (image, class) pairs, as real models' do, not on N random ones.
    Drawn column by column without replacement: each draw skips the offsets taken.
    """
    rng = stream(seed, "confusers")
    offsets = np.zeros((len(label), CONFUSERS), np.int32)
    for k in range(CONFUSERS):
        draw = rng.integers(0, NUM_CLASSES - 1 - k, len(label)).astype(np.int32)
        for taken in np.sort(offsets[:, :k], axis=1).T:
            draw += draw >= taken
        offsets[:, k] = draw
    return (label[:, None] + 1 + offsets) % NUM_CLASSES


def pick_confusers(confuser: np.ndarray, draw: np.ndarray) -> np.ndarray:
    """For uniform draws in [0, 1), one per image (row) or (image, k), confusers by weight."""
    bounds = np.cumsum(CONFUSER_WEIGHTS)
    which = np.minimum(np.searchsorted(bounds, draw, side="right"), CONFUSERS - 1)
    rows = np.arange(len(confuser)).reshape((-1,) + (1,) * (draw.ndim - 1))
    return confuser[rows, which]


def read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def padded(candidates: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    width = max(1, max(len(c) for c in candidates))
    table = np.full((len(candidates), width), -1, dtype=np.int32)
    for row, values in enumerate(candidates):
        table[row, : len(values)] = values
    return table, np.array([len(c) for c in candidates], dtype=np.int32)


def wordnet_neighbours(max_distance: int = 2) -> list[list[int]]:
    """Classes whose closures meet within `max_distance` steps of both."""
    near: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in read_seed("wordnet_class_ancestors.csv"):
        if 1 <= int(row["distance"]) <= max_distance:
            near[row["ancestor_wnid"]].append((int(row["class_id"]), int(row["distance"])))
    neighbours: list[set[int]] = [set() for _ in range(NUM_CLASSES)]
    for members in near.values():
        for class_id, _ in members:
            neighbours[class_id].update(other for other, _ in members if other != class_id)
    return [sorted(n) for n in neighbours]


def cooccurring_classes(real: dict[str, list[int]]) -> list[list[int]]:
    together: list[set[int]] = [set() for _ in range(NUM_CLASSES)]
    for classes in real.values():
        for a in classes:
            together[a].update(c for c in classes if c != a)
    return [sorted(t) for t in together]


def write_labels(
    images: list[str], real: dict[str, list[int]], root: Path, rewrite: bool = True
) -> dict[str, int]:
    """The images' labels; written unless `rewrite` is false and they already are.

    Models added to a workload keep its label files untouched: a rewritten
    file would make the next build redo everything downstream of the labels.
    """
    original = labels.original_validation_labels()
    chosen = {image: original[image] for image in images}
    if not rewrite and (labels_dir(root) / "image_labels.parquet").exists():
        return chosen
    # Every validation image's original label: outside the evaluation set they
    # count towards label co-occurrence, as after `imagenet-errors labels original`.
    labels.write_image_labels(original, root)
    annotations = {image: {"correct": sorted(real[image])} for image in images}
    # ReaL's raters did not accept the original label (or found no label at all).
    problematic = {image for image in images if chosen[image] not in real[image]}
    labels.write_multi_labels(annotations, "synthetic", problematic, root=root)
    labels.write_cooccurrence_labels(real, root)
    return chosen


def synthesise(
    models: int,
    images: int,
    root: Path,
    seed: int = 0,
    first_model: int = 0,
    progress: bool = True,
) -> list[Path]:
    """Write labels and `models` models' predictions; model ids start at `first_model`."""
    real = labels.real_labels()
    names = [validation_image_name(i) for i in range(images)]
    truth = write_labels(names, real, root, rewrite=first_model == 0)
    label = np.array([truth[name] for name in names], dtype=np.int32)
    near, near_count = padded(wordnet_neighbours())
    cooc, cooc_count = padded(cooccurring_classes(real))
    same_image = np.array(
        [next((c for c in real[n] if c != truth[n]), -1) for n in names], dtype=np.int32
    )
    confuser = confusers(label, seed)
    written = datetime.now(UTC)
    paths = []
    for model in tqdm(
        range(first_model, first_model + models),
        desc="synthetic models",
        unit="model",
        disable=not progress,
    ):
        rng = np.random.default_rng([seed, model])
        accuracy = rng.uniform(*TOP1_RANGE)
        predicted = label.copy()
        wrong = rng.random(images) >= accuracy
        kind = rng.random(images)
        pick = rng.integers(0, 1 << 30, images)
        bounds = np.cumsum(list(ERROR_MIX.values()))
        neighbour = near[label, pick % np.maximum(near_count[label], 1)]
        cooccurring = cooc[label, pick % np.maximum(cooc_count[label], 1)]
        candidate = np.where(kind < bounds[0], neighbour,
                    np.where(kind < bounds[1], same_image,
                    np.where(kind < bounds[2], cooccurring, -1)))  # fmt: skip
        # Also where a kind has no candidate (no neighbour, no other label).
        candidate = np.where(candidate < 0, pick_confusers(confuser, rng.random(images)), candidate)
        predicted[wrong] = candidate[wrong]
        runners_up = rng.integers(0, NUM_CLASSES, (images, 4))
        top5 = np.concatenate([predicted[:, None], runners_up], axis=1).astype(np.int16)
        probabilities = np.tile(np.array([0.6, 0.2, 0.1, 0.06, 0.04], np.float32), (images, 1))
        table = pa.table(
            {
                "model_id": pa.array([f"synthetic_{model:04d}"] * images),
                "image_id": pa.array(names),
                "top5_class_ids": pa.FixedSizeListArray.from_arrays(top5.ravel(), 5).cast(
                    pa.list_(pa.int16())
                ),
                "top5_probabilities": pa.FixedSizeListArray.from_arrays(
                    probabilities.ravel(), 5
                ).cast(pa.list_(pa.float32())),
                "label_rank": pa.array(np.where(wrong, 2, 1).astype(np.int16)),
                "written_at": pa.array([written] * images, pa.timestamp("us", tz="UTC")),
            },
            schema=schemas.PREDICTIONS,
        )
        paths.append(
            write_parquet_atomically(table, predictions_path(f"synthetic_{model:04d}", root))
        )
    return paths
