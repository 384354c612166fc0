"""`embed`: CLIP embeddings and nearest neighbours into Parquet, resumable.

No CLIP weights exist offline, so these use random-weight ViT-S-32-alt: the
embeddings mean nothing, but their shapes, norms, bookkeeping and neighbours
can all be checked.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest
import torch

from ingest.clip import embed as clip_embed
from ingest.clip.embedding_parts import ClipModelMismatch, embedding_matrix
from ingest.clip.model import ClipEncoder, ClipModelError, ClipSpec, load_clip
from ingest.clip.neighbours import NO_GROUP, block_top_k
from ingest.clip.proposal_lemmas import (
    normalise_lemma,
    predicted_class_ids,
    read_lemma_file,
    select_proposal_lemmas,
)
from ingest.clip.reference_set import load_reference_set
from ingest.core import paths
from ingest.demo.reference import VIEWS, build_demo_reference_set
from ingest.imagenet.metadata import class_wnids
from ingest.predict import image_sets
from ingest.sources.predictions import write_predictions

CPU = torch.device("cpu")


def test_block_top_k_equals_brute_force_top_k() -> None:
    generator = torch.Generator().manual_seed(7)
    queries = torch.randn(37, 16, generator=generator)
    reference = torch.randn(301, 16, generator=generator)
    query_groups = torch.arange(37) % 5
    reference_groups = torch.randint(-1, 5, (301,), generator=generator)
    blocks = [
        (reference[start : start + 64], reference_groups[start : start + 64])
        for start in range(0, 301, 64)
    ]
    top = block_top_k(queries, blocks, k=10, query_groups=query_groups, query_block_size=8)

    similarities = queries @ reference.T
    same = (query_groups[:, None] == reference_groups[None, :]) & (reference_groups != NO_GROUP)
    similarities[same] = float("-inf")
    expected_values, expected_indices = similarities.topk(10, dim=1)
    assert torch.equal(top.indices, expected_indices)
    assert torch.allclose(top.values, expected_values, atol=1e-5)
    assert not same.gather(1, top.indices).any()


def test_block_top_k_pads_when_the_reference_is_small() -> None:
    queries, reference = torch.eye(3), torch.eye(3)[:2]
    top = block_top_k(queries, [(reference, None)], k=4)
    assert top.indices[0].tolist() == [0, 1, -1, -1]
    assert top.values[0, :2].tolist() == [1.0, 0.0]


@pytest.fixture(scope="module")
def encoder() -> ClipEncoder:
    return load_clip(ClipSpec("ViT-S-32-alt"), CPU)


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> image_sets.ImageSet:
    return image_sets.demo(tmp_path_factory.mktemp("demo"))


def subset(image_set: image_sets.ImageSet, *names: str) -> image_sets.ImageSet:
    records = [r for r in image_set.records if r.path.stem in names]
    return image_sets.ImageSet(image_set.name, records)


class Counting:
    """Counts the encoder's calls, to see what a re-run recomputes."""

    def __init__(self, encoder: ClipEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
        self.images = self.texts = 0
        encode_images, encode_texts = encoder.encode_images, encoder.encode_texts

        def images(batch):
            self.images += len(batch)
            return encode_images(batch)

        def texts(prompts):
            self.texts += len(prompts)
            return encode_texts(prompts)

        monkeypatch.setattr(encoder, "encode_images", images)
        monkeypatch.setattr(encoder, "encode_texts", texts)


def options(**overrides) -> clip_embed.EmbedOptions:
    return clip_embed.EmbedOptions(**{"workers": 0, "progress": False, **overrides})


def test_embeddings_are_normalised_and_duckdb_computes_their_inner_products(
    encoder: ClipEncoder, photos: image_sets.ImageSet, tmp_path: Path
) -> None:
    three = subset(photos, "chelsea", "coffee", "orange")
    clip_embed.run_embed(encoder, tmp_path, three, None, ["tabby cat", "orange"], options())
    images = pq.read_table(next(paths.clip_image_embeddings_dir(tmp_path).glob("*.parquet")))
    assert images.schema.field("embedding").type.list_size == encoder.dimension == 256
    matrix = embedding_matrix(images)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    texts = embedding_matrix(pq.read_table(paths.clip_text_embeddings_dir(tmp_path)))
    assert np.allclose(np.linalg.norm(texts, axis=1), 1.0, atol=1e-5)

    expected = matrix @ texts.T
    glob = f"{paths.clip_dir(tmp_path)}/%s/*.parquet"
    with duckdb.connect() as connection:
        # Parquet has no fixed-size list: DuckDB reads FLOAT[]; list_inner_product works on
        # that, array_inner_product after a cast to FLOAT[d].
        rows = connection.execute(
            f"""
            select
                typeof(i.embedding),
                list_inner_product(i.embedding, t.embedding),
                array_inner_product(i.embedding::float[256], t.embedding::float[256])
            from read_parquet('{glob % "image_embeddings"}') as i
            cross join read_parquet('{glob % "text_embeddings"}') as t
            order by i.image_id, t.lemma
            """
        ).fetchall()
    order = np.argsort(images.column("image_id").to_pylist())
    want = expected[order][:, [1, 0]].ravel()  # lemmas sorted: orange, tabby cat
    assert {row[0] for row in rows} == {"FLOAT[]"}
    assert np.allclose([row[1] for row in rows], want, atol=1e-5)
    assert np.allclose([row[2] for row in rows], want, atol=1e-5)


def test_rerun_embeds_only_what_is_missing_and_another_model_is_an_error(
    encoder: ClipEncoder,
    photos: image_sets.ImageSet,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reference_dir = build_demo_reference_set(subset(photos, "orange", "squirrel"), tmp_path / "ref")
    reference = load_reference_set(reference_dir)
    counting = Counting(encoder, monkeypatch)
    root = tmp_path / "data"

    def run(image_names, lemmas, reference=reference) -> clip_embed.EmbedReport:
        image_set = subset(photos, *image_names)
        return clip_embed.run_embed(
            encoder, root, image_set, reference, lemmas, options(part_size=2, batch_size=2)
        )

    run(["chelsea", "coffee", "orange"], ["orange", "tabby cat"])
    assert (counting.images, counting.texts) == (3 + 2 * len(VIEWS), 2)
    report = run(["chelsea", "coffee", "orange"], ["orange", "tabby cat", "espresso"])
    assert (counting.images, counting.texts) == (3 + 2 * len(VIEWS), 3)
    assert "neighbours: computed for 0 images" in str(report)
    # Parts of at most two images: three images make two parts, each with its neighbours.
    assert len(list(paths.clip_image_embeddings_dir(root).glob("*.parquet"))) == 2
    assert len(list(paths.clip_image_neighbours_dir(root).glob("*.parquet"))) == 2

    # A new image gets its own part; a changed reference set redoes every neighbour.
    shutil.copy(
        next(reference_dir.glob("*/orange-mirror.jpg")),
        reference_dir / class_wnids()[335] / "extra.jpg",
    )
    report = run(["chelsea", "coffee", "orange", "messi"], [], load_reference_set(reference_dir))
    assert counting.images == 3 + 2 * len(VIEWS) + 2
    assert "neighbours: computed for 4 images" in str(report)
    neighbours = pq.read_table(paths.clip_image_neighbours_dir(root)).to_pylist()
    # Nine reference images: fewer than 10 neighbours each, and the orange's own views
    # never count, though they would rank first.
    assert len(neighbours) == 3 * 9 + (9 - len(VIEWS))
    of_orange = {n["neighbour_image_id"] for n in neighbours if n["image_id"] == "demo/orange.jpg"}
    assert of_orange == {f"{class_wnids()[335]}/{name}" for name in _squirrel_views()}

    other = load_clip(ClipSpec("ViT-S-32"), CPU)
    with pytest.raises(ClipModelMismatch, match=r"clip/image_embeddings holds .*ViT-S-32-alt"):
        clip_embed.run_embed(other, root, subset(photos, "chelsea"), None, None, options())
    clip_embed.run_embed(other, root, subset(photos, "chelsea"), None, None, options(replace=True))
    models = pq.read_table(paths.clip_image_embeddings_dir(root)).column("clip_model")
    assert set(models.to_pylist()) == {"ViT-S-32/random-seed0"}
    # Neighbours of the old model's images went with them; the old reference is gone too.
    assert list(paths.clip_image_neighbours_dir(root).glob("*.parquet")) == []


def _squirrel_views() -> list[str]:
    return [f"squirrel-{view}.jpg" for view in VIEWS] + ["extra.jpg"]


def test_random_weights_are_reproducible_and_a_checkpoint_loads(
    encoder: ClipEncoder, tmp_path: Path
) -> None:
    torch.save(encoder.model.state_dict(), tmp_path / "weights.pt")
    loaded = load_clip(ClipSpec("ViT-S-32-alt", str(tmp_path / "weights.pt")), CPU)
    assert loaded.clip_model.startswith("ViT-S-32-alt/file-weights.pt-")
    assert encoder.clip_model == "ViT-S-32-alt/random-seed0"
    prompts = ["A photo of a dog"]
    assert torch.allclose(loaded.encode_texts(prompts), encoder.encode_texts(prompts))
    again = load_clip(ClipSpec("ViT-S-32-alt"), CPU)
    assert torch.equal(again.encode_texts(prompts), encoder.encode_texts(prompts))
    with pytest.raises(ClipModelError, match=r"did you mean: .*ViT-S-32-alt"):
        load_clip(ClipSpec("ViT-S-32-alr"), CPU)
    with pytest.raises(ClipModelError, match=r"--pretrained /path/to/weights.pt"):
        load_clip(ClipSpec("ViT-S-32-alt", "openai"), CPU)
    with pytest.raises(ClipModelError, match=r"missing.pt does not exist"):
        load_clip(ClipSpec("ViT-S-32-alt", "missing.pt"), CPU)


def test_proposal_lemmas_of_the_predicted_classes(tmp_path: Path) -> None:
    write_predictions("m1", ["a", "b"], [[281, 1, 2, 3, 4], [967, 1, 2, 3, 4]], root=tmp_path)
    write_predictions("m2", ["a"], [[281, 0, 2, 3, 4]], root=tmp_path)
    assert predicted_class_ids(tmp_path) == [281, 967]
    # The two dbt models belong to the proposals work; these tables stand in for them.
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            """
            create table int_oov_class_proposals as
            select * from (values (281, 'n02123045', 'self'), (281, 'n02124075', 'superclass'),
                                  (967, 'n07920052', 'self'), (1, 'n01443537', 'self'))
                as t(predicted_class_id, proposal_wnid, proposal_source);
            create table int_oov_proposal_lemmas as
            select * from (values ('n02123045', 'tabby cat', true, 2123045),
                                  ('n02123045', 'tabby', true, 2123045),
                                  ('n02124075', 'egyptian cat', true, 2124075),
                                  ('n07920052', 'espresso', true, 7920052),
                                  ('n01443537', 'goldfish', true, 1443537))
                as t(proposal_wnid, lemma, is_imagenet_class, wordnet_offset);
            """
        )
    lemmas = select_proposal_lemmas(database, predicted_class_ids(tmp_path))
    assert lemmas == ["egyptian cat", "espresso", "tabby", "tabby cat"]
    with duckdb.connect(str(tmp_path / "empty.duckdb")):
        pass
    with pytest.raises(RuntimeError, match="has no int_oov_class_proposals"):
        select_proposal_lemmas(tmp_path / "empty.duckdb", [281])


def test_lemma_file_is_normalised(tmp_path: Path) -> None:
    (tmp_path / "lemmas.txt").write_text("Tabby_Cat\n\n  see-saw \ntabby  cat\n")
    assert read_lemma_file(tmp_path / "lemmas.txt") == ["tabby cat", "see-saw"]
    assert normalise_lemma("Egyptian_cat") == "egyptian cat"


def test_reference_set_per_class_and_strays(tmp_path: Path) -> None:
    for wnid, count in ((class_wnids()[1], 3), (class_wnids()[2], 1)):
        (tmp_path / "train" / wnid).mkdir(parents=True)
        for n in range(count):
            (tmp_path / "train" / wnid / f"{n}.jpg").write_bytes(b"")
    reference = load_reference_set(tmp_path / "train", per_class=2)
    assert [r.image_id.split("/")[1] for r in reference.images.records] == [
        "0.jpg",
        "1.jpg",
        "0.jpg",
    ]
    assert {r.label_class_id for r in reference.images.records} == {1, 2}
    (tmp_path / "train" / "misc").mkdir()
    (tmp_path / "train" / "misc" / "x.jpg").write_bytes(b"")
    with pytest.raises(ValueError, match="misc are not ImageNet wnids"):
        load_reference_set(tmp_path / "train")


@pytest.mark.slow
def test_embed_command_on_the_demo_photos_writes_the_four_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest.cli import main

    root = tmp_path / "data"
    monkeypatch.setenv(paths.DATA_ROOT_ENV, str(root))  # main() sets it; restored after
    demo = image_sets.demo(root)
    reference_dir = build_demo_reference_set(demo, tmp_path / "reference")
    (tmp_path / "lemmas.txt").write_text("tabby cat\nEgyptian_cat\nespresso\n")
    broken = reference_dir / class_wnids()[950] / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not really a jpeg")
    arguments = [
        "--data-root", str(root), "embed", "--clip-model", "ViT-S-32-alt", "--random-weights",
        "--reference-set", str(reference_dir), "--lemmas", str(tmp_path / "lemmas.txt"),
        "--workers", "0", "--no-progress",
    ]  # fmt: skip
    assert main(arguments) == 0
    assert f"skipped {broken}" in capsys.readouterr().err
    skipped = pq.read_table(root / "skipped_images" / "embed-reference-reference.parquet")
    assert skipped.column("path").to_pylist() == [str(broken)]
    labelled = sum(1 for r in demo.records if r.label_class_id is not None)
    with duckdb.connect() as connection:

        def count(folder: str, where: str = "true") -> int:
            return connection.execute(
                f"select count(*) from read_parquet('{root}/clip/{folder}/*.parquet') where {where}"
            ).fetchone()[0]

        assert count("image_embeddings") == len(demo.records) == 16
        assert count("reference_embeddings") == labelled * len(VIEWS)
        assert count("reference_embeddings", "source_image_id is null") == 0
        assert count("text_embeddings") == 3
        assert count("text_embeddings", "lemma = 'egyptian cat'") == 1
        assert count("image_neighbours") == 16 * 10
        assert count("image_neighbours", "neighbour_rank not between 1 and 10") == 0
        # Neighbours come sorted, and their classes are the reference images' classes.
        assert (
            connection.execute(
                f"""
                select count(*)
                from read_parquet('{root}/clip/image_neighbours/*.parquet') as n
                inner join read_parquet('{root}/clip/image_neighbours/*.parquet') as m
                    on n.image_id = m.image_id and m.neighbour_rank = n.neighbour_rank + 1
                where m.similarity > n.similarity
                """
            ).fetchone()[0]
            == 0
        )
        mismatched = connection.execute(
            f"""
            select count(*)
            from read_parquet('{root}/clip/image_neighbours/*.parquet') as n
            inner join read_parquet('{root}/clip/reference_embeddings/*.parquet') as r
                on n.neighbour_image_id = r.image_id
            where n.neighbour_class_id <> r.class_id or n.image_id = r.source_image_id
            """
        ).fetchone()[0]
        assert mismatched == 0
