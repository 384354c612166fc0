"""End-to-end: real labels, real reference errors, the dbt project, incremental builds."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingest.core.paths import DATA_ROOT_ENV, DATABASE_ENV
from ingest.sources import labels
from ingest.sources.predictions import write_predictions
from ingest.warehousing.dbt_runner import run_dbt, target_dir

# Real errors of real models, one per category, as the reference classified
# them (error_samples_dev.csv): image, original label, multi-labels, prediction.
CASES = {
    "overlapping_classes": ("ILSVRC2012_val_00002598.JPEG", 782, [664, 782], 664),
    "multi_label": ("ILSVRC2012_val_00033633.JPEG", 167, [167, 162], 162),
    "fine_grained": ("ILSVRC2012_val_00010883.JPEG", 271, [271], 272),
    "fine_grained_oov": ("ILSVRC2012_val_00001409.JPEG", 872, [872], 843),
    "spurious_correlation": ("ILSVRC2012_val_00039343.JPEG", 581, [581], 734),
    "non_prototypical": ("ILSVRC2012_val_00049972.JPEG", 709, [709, 748], 721),
    "model_failure": ("ILSVRC2012_val_00015286.JPEG", 689, [689], 411),
}


def write_model(root: Path, model_id: str, correct: bool) -> None:
    images = [image for image, _, _, _ in CASES.values()]
    predicted = [[label if correct else pred] for _, label, _, pred in CASES.values()]
    write_predictions(model_id, images, predicted, root=root)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    base = tmp_path_factory.mktemp("dbt")
    root, database = base / "data", base / "errors.duckdb"
    labels.write_image_labels(labels.original_validation_labels(), root)
    labels.write_cooccurrence_labels(labels.real_labels(), root)
    labels.write_multi_labels(
        {image: {"correct": multi} for image, _, multi, _ in CASES.values()}, "test", root=root
    )
    image, _, _, pred = CASES["fine_grained_oov"]
    oov = root / "oov.csv"
    oov.write_text(f"image,class,is_oov\n{image},{pred},true\n")
    saved = {key: os.environ.get(key) for key in (DATA_ROOT_ENV, DATABASE_ENV)}
    os.environ[DATA_ROOT_ENV], os.environ[DATABASE_ENV] = str(root), str(database)
    from ingest.cli import main

    assert main(["oov", "import", str(oov)]) == 0
    write_model(root, "wrong_model", correct=False)
    write_model(root, "right_model", correct=True)
    run_dbt(["build"], root=root, database=database, work_dir=base)
    yield root, database
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_each_real_error_gets_the_reference_category(project: tuple[Path, Path]) -> None:
    _, database = project
    got = dict(
        query(
            database,
            "select image_id, error_category from fct_prediction_errors "
            "where model_id = 'wrong_model'",
        )
    )
    assert got == {image: category for category, (image, _, _, _) in CASES.items()}


def test_evidence_is_kept(project: tuple[Path, Path]) -> None:
    _, database = project
    rows = query(
        database,
        "select error_category, shared_superclass, similar_label_class_id, "
        "cooccurring_label_class_id, cooccurrence_image_count "
        "from fct_prediction_errors where model_id = 'wrong_model'",
    )
    evidence = {row[0]: row[1:] for row in rows}
    assert evidence["fine_grained"][0] is not None and evidence["fine_grained"][1] == 271
    assert evidence["spurious_correlation"][2] == 581
    assert evidence["spurious_correlation"][3] >= 2
    assert evidence["model_failure"] == (None, None, None, None)


def test_summary_counts_every_category(project: tuple[Path, Path]) -> None:
    _, database = project
    (row,) = query(
        database,
        """
        select num_samples, num_top1_errors, num_overlapping_classes, num_multi_label,
               num_fine_grained, num_fine_grained_oov, num_spurious_correlation,
               num_non_prototypical, num_model_failure, top1_accuracy
        from agg_model_error_summary where model_id = 'wrong_model' and class_group = 'all'""",
    )
    assert row == (7, 7, 1, 1, 1, 1, 1, 1, 1, 0.0)
    (perfect,) = query(
        database,
        "select mla, top1_accuracy from agg_model_error_summary "
        "where model_id = 'right_model' and class_group = 'all'",
    )
    assert perfect == (100.0, 100.0)


def test_every_table_and_column_of_the_warehouse_is_documented(
    project: tuple[Path, Path],
) -> None:
    # What users read, against what the build's manifest documents: a column a
    # model selects but its yml forgets would be missing from the manifest.
    _, database = project
    manifest = json.loads((target_dir(database.parent) / "manifest.json").read_text())
    documented = {
        node["alias"]: {name for name, column in node["columns"].items() if column["description"]}
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed") and node["package_name"] == "imagenet_errors"
    }
    columns = query(
        database,
        "select table_name, column_name from duckdb_columns() "
        "where not internal and schema_name = 'main'",
    )
    assert {table for table, _ in columns} >= {"fct_prediction_errors", "imagenet_classes"}
    undocumented = [
        f"{table}.{column}" for table, column in columns if column not in documented.get(table, ())
    ]
    assert undocumented == []


def test_adding_a_model_classifies_only_that_model(
    project: tuple[Path, Path], tmp_path: Path
) -> None:
    root, database = project

    def classified_at() -> dict[str, object]:
        return dict(
            query(
                database,
                "select model_id, max(classified_at) from fct_prediction_errors group by 1",
            )
        )

    def build_after_predictions() -> None:
        run_dbt(
            ["run", "--select", "int_prediction_batches+"],
            root=root,
            database=database,
            work_dir=tmp_path,
        )

    # A model classified again would carry this run's classified_at.
    before = classified_at()
    write_model(root, "new_model", correct=False)
    build_after_predictions()
    counts = dict(
        query(database, "select model_id, count(*) from fct_prediction_errors group by model_id")
    )
    assert counts == {"wrong_model": 7, "right_model": 7, "new_model": 7}
    after = classified_at()
    assert {model: after[model] for model in before} == before

    # Rewritten predictions: that model, and only it, is classified again.
    write_model(root, "right_model", correct=False)
    build_after_predictions()
    again = classified_at()
    assert again["right_model"] != after["right_model"]
    assert {model: again[model] for model in ("wrong_model", "new_model")} == {
        model: after[model] for model in ("wrong_model", "new_model")
    }
    assert query(
        database,
        "select count(*) from fct_prediction_errors where "
        "model_id = 'right_model' and not is_top1_correct",
    ) == [(7,)]


def test_a_fresh_project_builds_with_empty_marts(tmp_path: Path) -> None:
    database = tmp_path / "empty.duckdb"
    run_dbt(["build"], root=tmp_path / "nothing", database=database, work_dir=tmp_path)
    assert query(database, "select count(*) from fct_prediction_errors") == [(0,)]
    assert query(database, "select count(*) from agg_model_error_summary") == [(0,)]
    assert query(database, "select count(*) from dim_classes") == [(1000,)]
