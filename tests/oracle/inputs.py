"""The oracle's inputs, read from the files dbt reads, never from the warehouse.

Seeds from their CSV files; labels, predictions, OOV verdicts and CLIP data from
the Parquet layout of the README (`labels/`, `predictions/`, `oov/`, `clip/`).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

ACCEPTED_VERDICTS = {"correct", "unclear"}


@dataclass
class Seeds:
    class_wnids: list[str]
    class_groups: list[str]
    # wnid -> its lemmas as WordNet writes them, in WordNet's order.
    lemmas: dict[str, list[str]]
    # wnid -> [(hypernym_rank, hypernym wnid, is_instance)], and the reverse.
    hypernyms: dict[str, list[tuple[int, str, bool]]]
    hyponyms: dict[str, list[tuple[int, str, bool]]]
    # superclass -> its predicates, each a set of lemmas that must all match.
    superclass_predicates: dict[str, list[frozenset[str]]]
    overlapping_pairs: set[tuple[int, int]]  # (label, prediction)
    meta_labels: set[str]
    non_prototypical_images: set[str]
    multilabel_set_images: set[str]


@dataclass
class EvaluationImage:
    label: int | None
    is_problematic: bool
    is_imagenet_m: bool
    accepted: frozenset[int]


@dataclass
class ModelPredictions:
    images: list[str]
    predicted: list[int]
    probability: list[float]


@dataclass
class Clip:
    # image -> (clip_model, row of `image_matrix`)
    image_rows: dict[str, tuple[str, int]] = field(default_factory=dict)
    image_matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    # (image, clip_model) -> {neighbour_rank: neighbour class}
    neighbours: dict[tuple[str, str], dict[int, int]] = field(default_factory=dict)
    # (clip_model, lemma) -> row of `text_matrix`
    text_rows: dict[tuple[str, str], int] = field(default_factory=dict)
    text_matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))


@dataclass
class Workload:
    original_labels: dict[str, int]
    evaluation: dict[str, EvaluationImage]
    cooccurrence_labels: dict[str, set[int]]
    predictions: dict[str, ModelPredictions]
    oov_verdicts: dict[tuple[str, int], bool]
    clip: Clip


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_seeds(seeds_dir: Path) -> Seeds:
    classes = _rows(seeds_dir / "imagenet_classes.csv")
    classes.sort(key=lambda row: int(row["class_id"]))
    lemmas: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in _rows(seeds_dir / "wordnet_synset_lemmas.csv"):
        lemmas[row["wnid"]].append((int(row["lemma_rank"]), row["lemma"]))
    hypernyms: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
    hyponyms: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
    for row in _rows(seeds_dir / "wordnet_hypernym_edges.csv"):
        instance = row["is_instance"] == "true"
        hypernyms[row["wnid"]].append((int(row["hypernym_rank"]), row["hypernym_wnid"], instance))
        hyponyms[row["hypernym_wnid"]].append((int(row["hyponym_rank"]), row["wnid"], instance))
    predicates: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _rows(seeds_dir / "superclass_definitions.csv"):
        predicates[row["superclass"]][row["predicate_id"]].add(row["lemma"])
    return Seeds(
        class_wnids=[row["wnid"] for row in classes],
        class_groups=[row["class_group"] for row in classes],
        lemmas={wnid: [lemma for _, lemma in sorted(rows)] for wnid, rows in lemmas.items()},
        hypernyms={wnid: sorted(rows) for wnid, rows in hypernyms.items()},
        hyponyms={wnid: sorted(rows) for wnid, rows in hyponyms.items()},
        superclass_predicates={
            name: [frozenset(lemmas) for lemmas in by_id.values()]
            for name, by_id in predicates.items()
        },
        overlapping_pairs={
            (int(row["label_class_id"]), int(row["predicted_class_id"]))
            for row in _rows(seeds_dir / "overlapping_class_pairs.csv")
        },
        meta_labels={row["lemma"] for row in _rows(seeds_dir / "oov_meta_labels.csv")},
        non_prototypical_images={
            row["image_id"] for row in _rows(seeds_dir / "non_prototypical_images.csv")
        },
        multilabel_set_images={
            row["image_id"] for row in _rows(seeds_dir / "multilabel_set_images.csv")
        },
    )


def _parquet_files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


def _read_clip(root: Path) -> Clip:
    clip = Clip()
    vectors = []
    for path in _parquet_files(root / "clip" / "image_embeddings", "*.parquet"):
        table = pq.read_table(path)
        for image, model in zip(
            table.column("image_id").to_pylist(),
            table.column("clip_model").to_pylist(),
            strict=True,
        ):
            clip.image_rows[image] = (model, len(clip.image_rows))
        vectors.append(_matrix(table.column("embedding")))
    if vectors:
        clip.image_matrix = np.concatenate(vectors)
    for path in _parquet_files(root / "clip" / "image_neighbours", "*.parquet"):
        table = pq.read_table(
            path, columns=["image_id", "clip_model", "neighbour_rank", "neighbour_class_id"]
        )
        for image, model, rank, neighbour in zip(
            *(table.column(name).to_pylist() for name in table.column_names), strict=True
        ):
            clip.neighbours.setdefault((image, model), {})[rank] = neighbour
    vectors = []
    for path in _parquet_files(root / "clip" / "text_embeddings", "*.parquet"):
        table = pq.read_table(path, columns=["lemma", "clip_model", "embedding"])
        for lemma, model in zip(
            table.column("lemma").to_pylist(), table.column("clip_model").to_pylist(), strict=True
        ):
            clip.text_rows[(model, lemma)] = len(clip.text_rows)
        vectors.append(_matrix(table.column("embedding")))
    if vectors:
        clip.text_matrix = np.concatenate(vectors)
    return clip


def _matrix(column) -> np.ndarray:
    flat = pc.list_flatten(column).to_numpy(zero_copy_only=False).astype(np.float32)
    return flat.reshape(len(column), -1)


def read_workload(root: Path) -> Workload:
    labels = root / "labels"
    image_labels = pq.read_table(labels / "image_labels.parquet").to_pydict()
    original = dict(zip(image_labels["image_id"], image_labels["label_class_id"], strict=True))
    accepted: dict[str, set[int]] = defaultdict(set)
    multi = pq.read_table(labels / "multi_labels.parquet").to_pydict()
    for image, class_id, verdict in zip(
        multi["image_id"], multi["class_id"], multi["verdict"], strict=True
    ):
        if verdict.lower() in ACCEPTED_VERDICTS:
            accepted[image].add(class_id)
    images = pq.read_table(labels / "multi_label_images.parquet").to_pydict()
    evaluation = {
        image: EvaluationImage(
            label=original.get(image),
            is_problematic=bool(problematic),
            is_imagenet_m=bool(imagenet_m),
            accepted=frozenset(accepted.get(image, ())),
        )
        for image, problematic, imagenet_m in zip(
            images["image_id"], images["is_problematic"], images["is_imagenet_m"], strict=True
        )
    }
    cooccurrence: dict[str, set[int]] = defaultdict(set)
    path = labels / "cooccurrence_labels.parquet"
    if path.exists():
        table = pq.read_table(path).to_pydict()
        for image, class_id in zip(table["image_id"], table["class_id"], strict=True):
            cooccurrence[image].add(class_id)
    predictions: dict[str, ModelPredictions] = {}
    for path in _parquet_files(root / "predictions", "**/*.parquet"):
        table = pq.read_table(
            path, columns=["model_id", "image_id", "top5_class_ids", "top5_probabilities"]
        )
        columns = (
            table.column("model_id").to_pylist(),
            table.column("image_id").to_pylist(),
            pc.list_element(table.column("top5_class_ids"), 0).to_pylist(),
            pc.list_element(table.column("top5_probabilities"), 0).to_pylist(),
        )
        for model, image, predicted, probability in zip(*columns, strict=True):
            target = predictions.setdefault(model, ModelPredictions([], [], []))
            target.images.append(image)
            target.predicted.append(predicted)
            target.probability.append(probability)
    verdicts: dict[tuple[str, int], bool] = {}
    for path in _parquet_files(root / "oov", "**/*.parquet"):
        table = pq.read_table(path).to_pydict()
        for image, class_id, is_oov in zip(
            table["image_id"],
            table["predicted_class_id"],
            table["is_fine_grained_oov"],
            strict=True,
        ):
            verdicts[(image, class_id)] = is_oov
    return Workload(original, evaluation, cooccurrence, predictions, verdicts, _read_clip(root))
