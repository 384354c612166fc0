"""The fine-grained OOV rule end to end: real labels, real WordNet proposals, the
dbt project, and CLIP embeddings made by hand so the outcome is known.

The reference's own example: a see-saw (ILSVRC2012_val_00001409, labelled
tripod, 872) predicted as swing (843). The image embedding equals the text
embedding of one out-of-vocabulary proposal lemma and is orthogonal to every
other, and all ten nearest reference images are of a class sharing a
superclass with swing: the rule must pick that lemma and call it OOV.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from ingest.clip.embedding_parts import embedding_column
from ingest.core import paths, schemas
from ingest.core.parquet_io import write_parquet_atomically
from ingest.sources import labels
from ingest.sources.predictions import write_predictions
from ingest.warehousing.dbt_runner import run_dbt

IMAGE, LABEL, PREDICTION = "ILSVRC2012_val_00001409.JPEG", 872, 843
CLIP_MODEL = "hand-made/test"


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def write_image_embedding(root: Path, neighbour_class: int) -> None:
    image = np.array([[1.0, 0.0]], dtype=np.float32)
    write_parquet_atomically(
        pa.table(
            {
                "image_id": [IMAGE],
                "clip_model": [CLIP_MODEL],
                "embedding": embedding_column(image),
            },
            schema=schemas.clip_image_embeddings(2),
        ),
        paths.clip_image_embeddings_dir(root) / "part-test.parquet",
    )
    write_parquet_atomically(
        pa.table(
            {
                "image_id": [IMAGE] * 10,
                "clip_model": [CLIP_MODEL] * 10,
                "neighbour_rank": list(range(1, 11)),
                "neighbour_image_id": [f"train/{rank}.JPEG" for rank in range(1, 11)],
                "neighbour_class_id": [neighbour_class] * 10,
                "similarity": [0.9] * 10,
            },
            schema=schemas.CLIP_IMAGE_NEIGHBOURS,
        ),
        paths.clip_image_neighbours_dir(root) / "part-test.parquet",
    )


def write_text_embeddings(root: Path, lemmas: list[str], chosen: str) -> None:
    texts = np.array([[1.0, 0.0] if lemma == chosen else [0.0, 1.0] for lemma in lemmas])
    write_parquet_atomically(
        pa.table(
            {
                "lemma": lemmas,
                "prompt": [f"A photo of a {lemma}" for lemma in lemmas],
                "clip_model": [CLIP_MODEL] * len(lemmas),
                "embedding": embedding_column(texts.astype(np.float32)),
            },
            schema=schemas.clip_text_embeddings(2),
        ),
        paths.clip_text_embeddings_dir(root) / "part-test.parquet",
    )


def test_the_clip_check_decides_fine_grained_oov(tmp_path: Path) -> None:
    root, database = tmp_path / "data", tmp_path / "errors.duckdb"
    labels.write_image_labels(labels.original_validation_labels(), root)
    labels.write_cooccurrence_labels(labels.real_labels(), root)
    labels.write_multi_labels({IMAGE: {"correct": [LABEL]}}, "test", root=root)
    write_predictions("swing_model", [IMAGE], [[PREDICTION]], root=root)
    # Swing's superclass, from the seeds alone, for the neighbours' class.
    selection = ["--select", "+int_superclass_members", "--indirect-selection", "cautious"]
    run_dbt(["build", *selection], root, database, True, tmp_path)
    neighbour_class = query(
        database,
        f"""select min(others.class_id) from int_superclass_members as predicted
            inner join int_superclass_members as others using (superclass)
            where predicted.class_id = {PREDICTION}""",
    )[0][0]
    # A class in no superclass is a superclass of its own (as in the reference):
    # neighbours of the predicted class itself open the gate then.
    if neighbour_class is None:
        neighbour_class = PREDICTION
    write_image_embedding(root, neighbour_class)

    # Without the prompts' embeddings the rule says so instead of counting nothing.
    run_dbt(["build", "--exclude-resource-type", "unit_test"], root, database, True, tmp_path)
    assert query(database, "select error_category, oov_check from fct_prediction_errors") == [
        ("model_failure", "not_evaluated")
    ]
    assert query(
        database,
        "select oov_check_status from agg_model_error_summary where class_group = 'all'",
    ) == [("not evaluated",)]

    proposals = query(
        database,
        f"""select lemma, is_imagenet_class, count(*) over (partition by lemma)
            from int_oov_pair_proposals
            where predicted_class_id = {PREDICTION} and label_class_id = {LABEL}""",
    )
    lemmas = sorted({lemma for lemma, _, _ in proposals})
    # An out-of-vocabulary lemma of one synset only, so the best proposal is unique.
    chosen = min(lemma for lemma, is_class, uses in proposals if not is_class and uses == 1)
    write_text_embeddings(root, lemmas, chosen)

    run_dbt(
        ["build", "--exclude-resource-type", "unit_test", "--full-refresh"],
        root,
        database,
        True,
        tmp_path,
    )
    assert query(
        database,
        """select error_category, oov_decided_by, oov_check, oov_best_lemma,
                  oov_num_proposals, oov_num_gate_neighbours, round(oov_best_similarity, 6)
           from fct_prediction_errors""",
    ) == [("fine_grained_oov", "clip_check", "out_of_vocabulary", chosen, len(proposals), 10, 1.0)]
    assert query(
        database,
        """select num_fine_grained_oov, oov_check_status from agg_model_error_summary
           where class_group = 'all'""",
    ) == [(1, "checked")]
