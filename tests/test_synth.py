from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from ingest.clip.embedding_parts import (
    ClipModelMismatch,
    PartFolder,
    embedding_column,
    embedding_matrix,
)
from ingest.clip.proposal_lemmas import normalise_lemma
from ingest.core import paths, schemas
from ingest.core.paths import SEEDS_DIR
from ingest.imagenet.metadata import validation_image_name
from ingest.sources import labels
from ingest.synth.clip import CLIP_MODEL, synthesise_clip
from ingest.synth.predictions import (
    CONFUSERS,
    TOP1_RANGE,
    confusers,
    cooccurring_classes,
    image_labels,
    synthesise,
    wordnet_neighbours,
)


def read(paths: list[Path]) -> list[list[dict]]:
    return [pq.read_table(p).drop(["written_at"]).to_pylist() for p in paths]


def test_synthetic_models_are_deterministic_and_realistic(tmp_path: Path) -> None:
    first = synthesise(3, 2000, tmp_path / "a", seed=7, progress=False)
    again = synthesise(3, 2000, tmp_path / "b", seed=7, progress=False)
    other = synthesise(3, 2000, tmp_path / "c", seed=8, progress=False)
    assert read(first) == read(again)
    assert read(first) != read(other)
    for rows in read(first):
        assert len(rows) == 2000
        accuracy = sum(r["label_rank"] == 1 for r in rows) / len(rows)
        assert TOP1_RANGE[0] - 0.05 <= accuracy <= TOP1_RANGE[1] + 0.05
        assert all(len(r["top5_class_ids"]) == 5 for r in rows)
    written = pq.read_table(tmp_path / "a" / "labels" / "multi_label_images.parquet")
    assert written.num_rows == 2000


def test_unstructured_errors_repeat_on_the_images_confusers(tmp_path: Path) -> None:
    # Many models on few images, so that errors meet on the same image.
    models, images, seed = 20, 500, 3
    paths = synthesise(models, images, tmp_path, seed=seed, progress=False)
    real = labels.real_labels()
    near, cooccurring = wordnet_neighbours(), cooccurring_classes(real)
    label = image_labels(images)
    confuser = confusers(label, seed)
    assert confuser.shape == (images, CONFUSERS)
    assert all(len(set(row)) == CONFUSERS and label[i] not in row for i, row in enumerate(confuser))
    assert (confusers(label, seed) == confuser).all()
    unstructured = []
    for path in paths:
        table = pq.read_table(path, columns=["top5_class_ids", "label_rank"])
        predicted = pc.list_element(table.column("top5_class_ids"), 0).to_pylist()
        for image, (prediction, rank) in enumerate(
            zip(predicted, table.column("label_rank").to_pylist(), strict=True)
        ):
            name = validation_image_name(image)
            structured = near[label[image]] + cooccurring[label[image]] + real[name]
            if rank != 1 and prediction not in structured:
                unstructured.append((image, prediction))
    assert len(unstructured) > 500
    # Uniformly random classes would land on a new (image, class) pair almost every
    # time: 1,107 distinct pairs of 1,109 such errors with the former generator.
    assert all(prediction in confuser[image] for image, prediction in unstructured)
    assert len(set(unstructured)) < 0.8 * len(unstructured)


def parts(root: Path) -> dict[str, list[Path]]:
    folders = {
        "images": paths.clip_image_embeddings_dir(root),
        "neighbours": paths.clip_image_neighbours_dir(root),
        "texts": paths.clip_text_embeddings_dir(root),
    }
    return {name: sorted(folder.glob("*.parquet")) for name, folder in folders.items()}


def tables(root: Path) -> dict[str, pa.Table]:
    found = parts(root)
    assert all(len(files) == 1 for files in found.values()), found
    return {name: pq.read_table(files[0]) for name, files in found.items()}


def test_synthetic_clip_data_follows_the_contracts_and_the_confusers(tmp_path: Path) -> None:
    images, dimension = 2000, 32
    written = synthesise_clip(images, tmp_path / "a", seed=7, dimension=dimension, progress=False)
    assert len(written) == 3
    synthesise_clip(images, tmp_path / "b", seed=7, dimension=dimension, progress=False)
    synthesise_clip(images, tmp_path / "c", seed=8, dimension=dimension, progress=False)
    first, again, other = (tables(tmp_path / name) for name in "abc")
    for name in first:
        assert first[name].equals(again[name])
        assert not first[name].equals(other[name])
    expected = {
        "images": schemas.clip_image_embeddings(dimension),
        "neighbours": schemas.CLIP_IMAGE_NEIGHBOURS,
        "texts": schemas.clip_text_embeddings(dimension),
    }
    for name, schema in expected.items():
        assert first[name].schema.remove_metadata() == schema
        assert set(first[name].column("clip_model").to_pylist()) == {CLIP_MODEL}

    embeddings = embedding_matrix(first["images"])
    texts = embedding_matrix(first["texts"])
    assert embeddings.shape == (images, dimension)
    assert np.allclose(np.linalg.norm(embeddings, axis=1), 1, atol=1e-5)
    assert np.allclose(np.linalg.norm(texts, axis=1), 1, atol=1e-5)
    assert first["images"].column("image_id").to_pylist() == [
        validation_image_name(i) for i in range(images)
    ]

    neighbours = first["neighbours"].to_pydict()
    ranks = np.array(neighbours["neighbour_rank"]).reshape(images, 10)
    assert (ranks == np.arange(1, 11)).all()
    similarity = np.array(neighbours["similarity"]).reshape(images, 10)
    assert (np.diff(similarity, axis=1) <= 0).all()
    assert ((similarity > 0) & (similarity < 1)).all()
    classes = np.array(neighbours["neighbour_class_id"]).reshape(images, 10)
    label = image_labels(images)
    confuser = confusers(label, 7)
    own = (classes == label[:, None]).mean()
    confused = (classes[:, :, None] == confuser[:, None, :]).any(axis=2).mean()
    assert 0.65 < own < 0.75
    assert 0.17 < confused < 0.23
    ids = np.array(neighbours["neighbour_image_id"]).reshape(images, 10)
    assert all(len(set(row)) == 10 for row in ids)

    # Every WordNet lemma once, so every proposal lemma the rule can score.
    lemmas = first["texts"].column("lemma").to_pylist()
    assert len(lemmas) == len(set(lemmas))
    with (SEEDS_DIR / "wordnet_synset_lemmas.csv").open(newline="") as handle:
        seed_lemmas = {normalise_lemma(row["lemma"]) for row in csv.DictReader(handle)}
    assert set(lemmas) == seed_lemmas
    prompts = first["texts"].column("prompt").to_pylist()
    assert prompts[lemmas.index("tench")] == "A photo of a tench"

    # An image lies closest to its label's lemma, then to its first confuser's.
    class_lemma = {}
    with (SEEDS_DIR / "imagenet_classes.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            class_lemma[int(row["class_id"])] = normalise_lemma(row["wordnet_lemma"])
    row_of = {lemma: n for n, lemma in enumerate(lemmas)}

    def mean_similarity(class_ids: np.ndarray) -> float:
        rows = [row_of[class_lemma[int(c)]] for c in class_ids]
        return float(np.einsum("ij,ij->i", embeddings, texts[rows]).mean())

    assert mean_similarity(label) > mean_similarity(confuser[:, 0]) + 0.1
    assert mean_similarity(confuser[:, 0]) > mean_similarity(confuser[:, 2]) + 0.1


def test_synthetic_clip_data_is_kept_replaced_or_refused(tmp_path: Path) -> None:
    synthesise_clip(300, tmp_path, seed=1, dimension=16, progress=False)
    before = parts(tmp_path)
    assert synthesise_clip(300, tmp_path, seed=1, dimension=16, progress=False) == []
    assert parts(tmp_path) == before
    # Adding models to a workload leaves its CLIP data as it is.
    kept = synthesise_clip(500, tmp_path, seed=2, dimension=8, progress=False, keep_existing=True)
    assert kept == []
    assert parts(tmp_path) == before
    # An interrupted run (no neighbours yet) is completed.
    before["neighbours"][0].unlink()
    assert len(synthesise_clip(300, tmp_path, seed=1, dimension=16, progress=False)) == 1
    # Other parameters replace every part.
    assert len(synthesise_clip(500, tmp_path, seed=1, dimension=16, progress=False)) == 2
    assert tables(tmp_path)["images"].num_rows == 500
    assert len(synthesise_clip(500, tmp_path, seed=1, dimension=8, progress=False)) == 3
    assert tables(tmp_path)["texts"].schema.field("embedding").type.list_size == 8

    real = tmp_path / "real"
    folder = PartFolder(paths.clip_text_embeddings_dir(real), "ViT-B-32/openai", "lemma")
    folder.write_part(
        pa.table(
            {
                "lemma": ["tench"],
                "prompt": ["A photo of a tench"],
                "clip_model": ["ViT-B-32/openai"],
                "embedding": embedding_column(np.ones((1, 4), np.float32) / 2),
            },
            schema=schemas.clip_text_embeddings(4),
        )
    )
    with pytest.raises(ClipModelMismatch, match=str(folder.folder)):
        synthesise_clip(300, real, progress=False)
    assert not paths.clip_image_embeddings_dir(real).exists()


def test_synth_command_writes_clip_data_unless_told_not_to(tmp_path: Path, monkeypatch) -> None:
    from ingest.cli import main

    # main() points the environment at --data-root; monkeypatch restores it.
    monkeypatch.setenv(paths.DATA_ROOT_ENV, str(tmp_path))
    bare, full = tmp_path / "bare", tmp_path / "full"
    command = ["synth", "--models", "1", "--images", "200"]
    assert main(["--data-root", str(bare), *command, "--no-embeddings"]) == 0
    assert not paths.clip_dir(bare).exists()
    assert main(["--data-root", str(full), *command, "--clip-dimension", "8"]) == 0
    before = parts(full)
    assert tables(full)["images"].num_rows == 200
    assert main(["--data-root", str(full), *command, "--first-model", "1"]) == 0
    assert parts(full) == before
    assert len(list(paths.predictions_dir(full).glob("**/*.parquet"))) == 2
