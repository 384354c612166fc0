"""The warehouse agrees with an independent implementation of the rules, on every row.

A synthetic workload with CLIP data (5 models x 20,000 images: 30,000 images
outside the evaluation set for label co-occurrence) is built as
`imagenet-errors build` builds it, and every row of `fct_prediction_errors`
and `agg_model_error_summary` is compared with what `tests/oracle` (plain
Python from the README's rules, not the SQL) makes of the same files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle.compare import compare_warehouse, paths_exercised
from oracle.inputs import read_seeds, read_workload
from oracle.rules import Oracle

from ingest.core.paths import SEEDS_DIR
from ingest.synth.clip import synthesise_clip
from ingest.synth.predictions import synthesise
from ingest.warehousing.build import build_warehouse

MODELS, IMAGES = 5, 20_000
# Narrow embeddings keep the build quick; the rules do not depend on the width.
CLIP_DIMENSION = 64


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("oracle")
    root, database = base / "data", base / "warehouse.duckdb"
    synthesise(MODELS, IMAGES, root, progress=False)
    synthesise_clip(IMAGES, root, dimension=CLIP_DIMENSION, progress=False)
    build_warehouse(root=root, database=database, quiet=True, work_dir=base)
    return root, database


@pytest.fixture(scope="module")
def oracle(built: tuple[Path, Path]) -> Oracle:
    return Oracle(read_seeds(SEEDS_DIR), read_workload(built[0]))


def test_every_row_and_summary_agrees_with_the_oracle(
    built: tuple[Path, Path], oracle: Oracle
) -> None:
    rows, summaries = compare_warehouse(oracle, oracle.workload, built[1])
    assert rows.rows == MODELS * IMAGES
    assert not rows.any, rows.report()
    assert summaries.rows == MODELS * 4
    assert not summaries.any, summaries.report()


def test_the_workload_takes_every_path_of_the_rules(oracle: Oracle) -> None:
    """A comparison proves nothing about a rule the workload never reaches."""
    paths = paths_exercised(oracle, oracle.workload)
    for category in (
        "overlapping_classes",
        "multi_label",
        "fine_grained",
        "problematic_similar_to_label",
        "problematic_cooccurs_with_label",
        "fine_grained_oov",
        "spurious_correlation",
        "non_prototypical",
        "model_failure",
    ):
        assert paths[f"category {category}"] > 0, category
    for status in (
        "label_not_accepted",
        "label_not_accepted_prediction_is_label",
        "no_accepted_label_wrong",
        "no_accepted_label_overlapping_classes",
        "no_accepted_label_prediction_is_label",
    ):
        assert paths[f"label status {status}"] > 0, status
    for check in ("gate_closed", "in_vocabulary", "out_of_vocabulary"):
        assert paths[f"oov check {check}"] > 0, check
    assert paths["oov check on a problematic image"] > 0
    assert paths["gate opened by a prediction in no superclass"] > 0
    assert paths["such a tie that wnid order would break otherwise"] > 0
    assert paths["co-occurrence that needs outside images' original labels"] > 0
