"""Synthetic CLIP data for the open-world (fine-grained OOV) rule of a synthetic workload.

Writes under `<data root>/clip/` what `imagenet-errors embed` writes, in the same
part-file layout, so the staging models read it unchanged: image embeddings,
each image's 10 nearest reference images, and text embeddings of every WordNet
lemma (`A photo of a {lemma}`). No reference embeddings: the rule reads only
the neighbours computed from them. A generative model, deterministic given the
seed:

- every class has a random unit centroid;
- an image's embedding is its label's centroid plus a share of its first
  confuser's (`synth.confusers`, where its unstructured errors go) plus noise;
- its neighbours are of its label's class, mostly, else of its confusers or of
  a WordNet neighbour of its label;
- a lemma of a class's synset lies near the class centroid, a lemma of another
  synset near the mean centroid of the classes below it (random without any).

So an error to the first confuser finds its prediction's lemma closest (in
vocabulary), an error to a class the embedding does not show finds any
proposal closest, often a synset outside the 1,000 classes (out of vocabulary).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from ingest.clip.embedding_parts import (
    ClipModelMismatch,
    PartFolder,
    clip_folders,
    embedding_column,
)
from ingest.clip.proposal_lemmas import normalise_lemma
from ingest.core import schemas
from ingest.core.parquet_io import write_parquet_atomically
from ingest.imagenet.metadata import NUM_CLASSES, validation_image_name
from ingest.synth.predictions import (
    confusers,
    image_labels,
    padded,
    pick_confusers,
    read_seed,
    stream,
    wordnet_neighbours,
)

CLIP_MODEL = "synthetic"
DIMENSION = 768
# Share of the first confuser's centroid in an image embedding, and the norms of
# the noise added to image and text vectors (centroids have norm 1).
CONFUSER_WEIGHT = 0.4
IMAGE_NOISE = 0.6
TEXT_NOISE = 0.3
# The own direction of a synset that is not a class, beside the mean of the classes
# below it: "saw" is not quite "chain saw" even when no other class lies below it.
SYNSET_NOISE = 0.5
# A neighbour's class: the label, else a confuser, else a WordNet neighbour of the label.
NEIGHBOUR_MIX = (0.7, 0.2, 0.1)
TRAIN_IMAGES_PER_CLASS = 1300
# Stamped on every part: what it was generated from, to skip or replace it on a re-run.
PARAMETERS_KEY = b"synthetic_parameters"


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def noise(rng: np.random.Generator, rows: int, dimension: int, norm: float) -> np.ndarray:
    """Gaussian vectors of expected length `norm`, whatever the dimension."""
    scale = np.float32(norm / np.sqrt(dimension))
    return rng.standard_normal((rows, dimension), dtype=np.float32) * scale


def class_centroids(seed: int, dimension: int) -> np.ndarray:
    rng = stream(seed, "centroids")
    return unit_rows(rng.standard_normal((NUM_CLASSES, dimension), dtype=np.float32))


def image_embeddings(
    label: np.ndarray, confuser: np.ndarray, centroids: np.ndarray, seed: int
) -> np.ndarray:
    rng = stream(seed, "image embeddings")
    mixed = centroids[label] + CONFUSER_WEIGHT * centroids[confuser[:, 0]]
    return unit_rows(mixed + noise(rng, len(label), centroids.shape[1], IMAGE_NOISE))


def neighbour_classes(label: np.ndarray, confuser: np.ndarray, seed: int) -> np.ndarray:
    """(images, 10) classes of each image's nearest reference images."""
    rng = stream(seed, "neighbours")
    shape = (len(label), schemas.CLIP_NEIGHBOURS)
    near, near_count = padded(wordnet_neighbours())
    kind = rng.random(shape)
    pick = rng.integers(0, 1 << 30, shape)
    confused = pick_confusers(confuser, rng.random(shape))
    own = np.broadcast_to(label[:, None], shape)
    # A label without WordNet neighbours keeps its own class.
    wordnet = near[own, pick % np.maximum(near_count[own], 1)]
    wordnet = np.where(wordnet < 0, own, wordnet)
    classes = np.where(kind < NEIGHBOUR_MIX[0], own,
              np.where(kind < NEIGHBOUR_MIX[0] + NEIGHBOUR_MIX[1],
                       confused, wordnet))  # fmt: skip
    return classes.astype(np.int16)


def neighbour_table(names: list[str], classes: np.ndarray, seed: int) -> pa.Table:
    """CLIP_IMAGE_NEIGHBOURS rows: ranks 1..10, train-style ids, decreasing similarity."""
    rng = stream(seed, "neighbour images")
    images, count = classes.shape
    # Distinct ids within an image: a random start, then steps of a prime coprime
    # to the class size, so the same class twice never gives the same image.
    start = rng.integers(0, TRAIN_IMAGES_PER_CLASS, (images, 1))
    number = (start + 131 * np.arange(count)) % TRAIN_IMAGES_PER_CLASS
    ids = [
        f"synthetic_train_{c:04d}_{n}"
        for c, n in zip(classes.ravel().tolist(), number.ravel().tolist(), strict=True)
    ]
    top = rng.uniform(0.7, 0.9, (images, 1))
    steps = rng.uniform(0.001, 0.02, (images, count))
    similarity = top - np.cumsum(steps, axis=1) + steps[:, :1]
    return pa.table(
        {
            "image_id": pa.array(np.repeat(np.array(names, dtype=object), count), pa.string()),
            "clip_model": pa.array([CLIP_MODEL] * (images * count), pa.string()),
            "neighbour_rank": pa.array(np.tile(np.arange(1, count + 1), images), pa.int8()),
            "neighbour_image_id": pa.array(ids, pa.string()),
            "neighbour_class_id": pa.array(classes.ravel(), pa.int16()),
            "similarity": pa.array(similarity.ravel(), pa.float32()),
        },
        schema=schemas.CLIP_IMAGE_NEIGHBOURS,
    )


def lemma_synsets() -> dict[str, str]:
    """Every normalised lemma of the WordNet seed, with its first synset in file order."""
    synsets: dict[str, str] = {}
    for row in read_seed("wordnet_synset_lemmas.csv"):
        synsets.setdefault(normalise_lemma(row["lemma"]), row["wnid"])
    return synsets


def synset_vectors(wnids: list[str], centroids: np.ndarray, seed: int) -> np.ndarray:
    """A class's centroid, else the mean centroid of the classes below, else random."""
    index = {wnid: n for n, wnid in enumerate(wnids)}
    sums = np.zeros((len(wnids), centroids.shape[1]), np.float32)
    counts = np.zeros(len(wnids), np.int32)
    classes = {row["wnid"]: int(row["class_id"]) for row in read_seed("imagenet_classes.csv")}
    for wnid, class_id in classes.items():
        if wnid in index:  # a class synset is itself, not the mean of what lies below
            sums[index[wnid]] = centroids[class_id]
            counts[index[wnid]] = 1
    below = [
        (index[row["ancestor_wnid"]], int(row["class_id"]))
        for row in read_seed("wordnet_class_ancestors.csv")
        if row["ancestor_wnid"] in index and row["ancestor_wnid"] not in classes
    ]
    if below:
        rows, class_ids = np.array(below).T
        np.add.at(sums, rows, centroids[class_ids])
        np.add.at(counts, rows, 1)
    rng = stream(seed, "synset vectors")
    means = sums / np.maximum(counts, 1)[:, None]
    empty = counts == 0
    means[empty] = rng.standard_normal((int(empty.sum()), centroids.shape[1]), dtype=np.float32)
    means = unit_rows(means)
    generic = np.array([wnid not in classes for wnid in wnids])
    means[generic] += noise(rng, int(generic.sum()), centroids.shape[1], SYNSET_NOISE)
    return unit_rows(means)


def text_table(centroids: np.ndarray, seed: int) -> pa.Table:
    synsets = lemma_synsets()
    lemmas = list(synsets)
    wnids = list(dict.fromkeys(synsets.values()))
    vectors = synset_vectors(wnids, centroids, seed)
    position = {wnid: n for n, wnid in enumerate(wnids)}
    rows = np.array([position[synsets[lemma]] for lemma in lemmas])
    rng = stream(seed, "text embeddings")
    embeddings = unit_rows(vectors[rows] + noise(rng, len(lemmas), centroids.shape[1], TEXT_NOISE))
    return pa.table(
        {
            "lemma": lemmas,
            "prompt": [schemas.CLIP_PROMPT.format(lemma=lemma) for lemma in lemmas],
            "clip_model": [CLIP_MODEL] * len(lemmas),
            "embedding": embedding_column(embeddings),
        },
        schema=schemas.clip_text_embeddings(centroids.shape[1]),
    )


def parameters_of(part: Path) -> dict[str, int] | None:
    stamp = (pq.read_schema(part).metadata or {}).get(PARAMETERS_KEY)
    return json.loads(stamp) if stamp else None


def check_clip_model(root: Path) -> None:
    """Refuse a data root whose CLIP folders hold embeddings of a real CLIP model."""
    for folder in clip_folders(root, CLIP_MODEL).values():
        others = folder.models_on_disk() - {CLIP_MODEL}
        if others:
            raise ClipModelMismatch(
                f"{folder.folder} holds embeddings of {', '.join(sorted(others))}, not synthetic "
                "ones: synth never replaces real CLIP data; use another --data-root, or pass "
                "--no-embeddings"
            )


def current_part(
    folder: PartFolder, parameters: dict[str, int], name: str | None = None
) -> Path | None:
    """The part generated from `parameters` (named `name`, if given); others are deleted.

    Others are leftovers of other parameters, or of a run killed between writing a
    new part and deleting the old one: kept, they would double the rows.
    """
    found = next(
        (
            part
            for part in folder.parts()
            if (name is None or part.stem == name) and parameters_of(part) == parameters
        ),
        None,
    )
    if found is not None:
        for part in folder.parts():
            if part != found:
                part.unlink()
    return found


def write_part(
    folder: PartFolder, table: pa.Table, parameters: dict[str, int], name: str | None = None
) -> Path:
    """Write one stamped part (named `name`, as neighbours follow their images' part),
    then delete every other part of the folder."""
    stamped = table.replace_schema_metadata(
        {PARAMETERS_KEY: json.dumps(parameters, sort_keys=True).encode()}
    )
    path = folder.folder / f"{name}.parquet" if name else folder.new_part_path()
    write_parquet_atomically(stamped, path)
    for part in folder.parts():
        if part != path:
            part.unlink()
    return path


def synthesise_clip(
    images: int,
    root: Path,
    seed: int = 0,
    dimension: int = DIMENSION,
    progress: bool = True,
    keep_existing: bool = False,
) -> list[Path]:
    """Write the synthetic CLIP data of the first `images` images; the parts written.

    A part already generated from the same images, seed and dimension is kept, so
    a re-run writes only what is missing. With `keep_existing`, synthetic image
    embeddings already there keep their own parameters (models added to a workload
    leave its CLIP data alone). Raises ClipModelMismatch when a real CLIP model
    wrote under `root/clip`.
    """
    if images < 1 or dimension < 1:
        raise ValueError(
            f"synthetic CLIP data needs images and a dimension, not {images}, {dimension}"
        )
    check_clip_model(root)
    folders = clip_folders(root, CLIP_MODEL)
    existing = [parameters_of(part) for part in folders["images"].parts()]
    if keep_existing and existing and existing[0] is not None:
        images, seed, dimension = (existing[0][k] for k in ("images", "seed", "dimension"))
    image_parameters = {"images": images, "seed": seed, "dimension": dimension}
    text_parameters = {"seed": seed, "dimension": dimension}
    centroids = class_centroids(seed, dimension)
    names = [validation_image_name(i) for i in range(images)]
    label = image_labels(images)
    confuser = confusers(label, seed)
    written = []
    with tqdm(total=3, desc="synthetic CLIP", unit="folder", disable=not progress) as bar:
        image_part = current_part(folders["images"], image_parameters)
        if image_part is None:
            table = pa.table(
                {
                    "image_id": names,
                    "clip_model": [CLIP_MODEL] * images,
                    "embedding": embedding_column(
                        image_embeddings(label, confuser, centroids, seed)
                    ),
                },
                schema=schemas.clip_image_embeddings(dimension),
            )
            image_part = write_part(folders["images"], table, image_parameters)
            written.append(image_part)
        bar.update()
        if current_part(folders["neighbours"], image_parameters, image_part.stem) is None:
            table = neighbour_table(names, neighbour_classes(label, confuser, seed), seed)
            written.append(
                write_part(folders["neighbours"], table, image_parameters, image_part.stem)
            )
        bar.update()
        if current_part(folders["texts"], text_parameters) is None:
            written.append(
                write_part(folders["texts"], text_table(centroids, seed), text_parameters)
            )
        bar.update()
    return written
