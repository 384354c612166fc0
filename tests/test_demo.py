"""The README's first command: the embedded demo, end to end, with real weights."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest.core.paths import reference_study_dir
from ingest.demo.run import DEMO_MODELS, run_demo
from ingest.report import write_report
from ingest.sources import reference_models


def test_demo_classifies_real_photos_with_three_real_models(tmp_path: Path) -> None:
    database = tmp_path / "demo.duckdb"
    printed = run_demo(tmp_path / "data", database, list(DEMO_MODELS), workers=0, progress=False)
    with duckdb.connect(str(database), read_only=True) as connection:
        per_model = dict(
            connection.execute(
                "select model_id, count(*) from fct_prediction_errors group by model_id"
            ).fetchall()
        )
        accuracy = connection.execute(
            "select min(top1_accuracy) from agg_model_error_summary where class_group = 'all'"
        ).fetchone()[0]
        models = connection.execute(
            "select count(*) from dim_models where architecture_family = 'efficientnet'"
        ).fetchone()[0]
    assert per_model == dict.fromkeys(DEMO_MODELS, 16)
    assert accuracy >= 50  # real weights recognise most of these photos
    assert models == 3
    for model in DEMO_MODELS:
        assert model in printed
    # The dahlia has no ImageNet class: every model's prediction for it is an error.
    assert printed.count("flower.jpg") == 3
    assert "fine_grained" in printed or "multi_label" in printed
    # The embed step ran between predict and dbt build (random-weight CLIP).
    clip = tmp_path / "data" / "clip"
    with duckdb.connect() as connection:
        neighbours = connection.execute(
            f"select count(distinct image_id), max(neighbour_rank), min(neighbour_class_id) "
            f"from read_parquet('{clip}/image_neighbours/*.parquet')"
        ).fetchone()
    assert neighbours[:2] == (16, 10)

    # The acceptance of the report: the demo models among the reference's 962.
    report = write_report(database, tmp_path / "report")
    assert report.html.is_file() and len(report.plots) == 10
    if all((reference_study_dir() / name).is_file() for name in reference_models.SHA256):
        assert report.notes == []
        with duckdb.connect(str(database), read_only=True) as connection:
            assert connection.execute(
                "select count(*) from agg_reference_model_errors where class_group = 'all'"
            ).fetchone() == (962,)
    else:
        assert any("`imagenet-errors reference fetch`" in note for note in report.notes)
