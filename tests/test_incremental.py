"""An incremental build gives exactly what a full rebuild gives."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.synth.clip import synthesise_clip
from ingest.synth.predictions import synthesise
from ingest.warehousing.build import build_warehouse
from ingest.warehousing.dbt_runner import run_dbt

# Open-world proposals for every pair, not only those on images with CLIP
# embeddings (which the synthetic workload has): more pairs to compare.
ALL_PAIRS = {"oov_proposals_for_all_pairs": True}
# Seeds and models, not tests: the point here is what the models produce.
BUILD = ["build", "--resource-type", "seed", "--resource-type", "model"]
BUILD += ["--vars", json.dumps(ALL_PAIRS)]
# Per table, the columns both builds must agree on (timestamps differ). Averages
# may differ in the last bits with summation order, hence the rounding.
COMPARED = {
    "fct_prediction_errors": """model_id, image_id, label_class_id, predicted_class_id,
        is_top1_correct, is_multi_label_correct, error_category, error_severity,
        shared_superclass, similar_label_class_id, cooccurring_label_class_id,
        cooccurrence_image_count, oov_check, oov_best_lemma, oov_num_proposals,
        round(oov_best_similarity, 6)""",
    "agg_model_error_summary": """model_id, class_group, num_samples, num_top1_errors,
        num_fine_grained, num_spurious_correlation, num_model_failure, round(mla, 9),
        round(top1_accuracy, 9), round(mla_minor_explainable_errors_correct, 9)""",
    # Open-world proposals: a later run adds only pairs it had not seen.
    "int_oov_pair_proposals": """predicted_class_id, label_class_id, proposal_wnid, lemma,
        proposal_source""",
    "agg_common_errors": """image_id, predicted_class_id, label_class_id,
        multi_label_class_ids, error_category, error_severity, is_problematic, num_models""",
    "agg_class_error_profile": """label_class_id, error_category, error_severity,
        predicted_class_id, predicted_class_rank, num_errors, num_images,
        max_models_per_image, num_category_errors, num_class_errors,
        round(percent_of_category_errors, 6), round(category_percent_of_class_errors, 6)""",
}


def differences(incremental: Path, full: Path) -> dict[str, tuple[int, int]]:
    """Per compared table: rows only the incremental build has, rows only the full one has."""
    found = {}
    with duckdb.connect(str(incremental), read_only=True) as connection:
        connection.execute(f"attach '{full}' as full_build (read_only)")
        for table, columns in COMPARED.items():
            ours = f"select {columns} from {table}"
            theirs = f"select {columns} from full_build.{table}"
            found[table] = connection.execute(f"""
                select
                    (select count(*) from ({ours} except all {theirs})),
                    (select count(*) from ({theirs} except all {ours}))""").fetchone()
    return found


def executed(work_dir: Path) -> set[str]:
    path = work_dir / "target" / "run_results.json"
    if not path.exists():
        return set()
    results = json.loads(path.read_text())["results"]
    return {result["unique_id"] for result in results}


def test_incremental_build_equals_full_rebuild(tmp_path: Path) -> None:
    root = tmp_path / "data"
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    synthesise(3, 3000, root, progress=False)
    synthesise_clip(3000, root, dimension=64, progress=False)

    def build_both() -> set[str]:
        # The incremental side builds as `imagenet-errors build` does, data tests included.
        build_warehouse(
            root=root, database=incremental, quiet=True, work_dir=tmp_path, dbt_vars=ALL_PAIRS
        )
        nodes = executed(tmp_path)
        run_dbt([*BUILD, "--full-refresh"], root=root, database=full, quiet=True, work_dir=tmp_path)
        return nodes

    build_both()
    # Two more models.
    synthesise(2, 3000, root, first_model=3, progress=False)
    nodes = build_both()
    # Only what reads the predictions ran: no seed, no label view, no seed-only model.
    assert not {node for node in nodes if node.startswith("seed.")}
    assert "model.imagenet_errors.fct_prediction_errors" in nodes
    assert "model.imagenet_errors.agg_common_errors" in nodes
    assert "model.imagenet_errors.stg_ingest__image_labels" not in nodes
    assert "model.imagenet_errors.int_oov_class_proposals" not in nodes
    assert differences(incremental, full) == dict.fromkeys(COMPARED, (0, 0))
    with duckdb.connect(str(incremental), read_only=True) as connection:
        counts = connection.execute("""
            select count(*), count(distinct model_id) from fct_prediction_errors""").fetchone()
        proposal_runs = connection.execute(
            "select count(distinct added_at) from int_oov_pair_proposals"
        ).fetchone()[0]
    assert counts == (15_000, 5) and proposal_runs == 2
    with duckdb.connect(str(incremental), read_only=True) as connection:
        checks = dict(
            connection.execute(
                "select oov_check, count(*) from int_oov_checks group by 1"
            ).fetchall()
        )
    # The open-world check ran: gates opened and proposals were scored.
    assert checks.get("in_vocabulary", 0) + checks.get("out_of_vocabulary", 0) > 0

    # A model's predictions rewritten: its old mistakes leave the shared counts.
    synthesise(1, 3000, root, seed=1, first_model=1, progress=False)
    build_both()
    found = differences(incremental, full)
    # Proposals are a cache by (prediction, label): it keeps the pairs of the old predictions.
    assert found.pop("int_oov_pair_proposals")[1] == 0
    assert found == dict.fromkeys(found, (0, 0))

    # Nothing new: dbt does not even start.
    (tmp_path / "target" / "run_results.json").unlink()
    run = build_warehouse(
        root=root, database=incremental, quiet=True, work_dir=tmp_path, dbt_vars=ALL_PAIRS
    )
    assert not run.started and not executed(tmp_path)

    # Predictions written with an older clock than those the warehouse holds (a
    # file copied in from elsewhere): what a build classifies follows the
    # files' content (predictions_fingerprint), not their timestamps.
    synthesise(1, 3000, root, seed=2, first_model=5, progress=False)
    backdate(root / "predictions" / "model=synthetic_0005" / "predictions.parquet")
    build_both()
    found = differences(incremental, full)
    assert found.pop("int_oov_pair_proposals")[1] == 0
    assert found == dict.fromkeys(found, (0, 0))
    assert query_one(incremental, "select count(distinct model_id) from fct_prediction_errors") == 6


def backdate(path: Path) -> None:
    table = pq.read_table(path)
    written_at = table.schema.field("written_at").type
    old = pa.array([datetime(2000, 1, 1, tzinfo=UTC)] * table.num_rows, written_at)
    table = table.set_column(table.schema.get_field_index("written_at"), "written_at", old)
    pq.write_table(table, path)


def query_one(database: Path, sql: str) -> object:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchone()[0]
