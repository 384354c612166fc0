"""An incremental build gives exactly what a full rebuild gives."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from ingest.dbt_runner import run_dbt
from ingest.synth import synthesise
from ingest.warehouse_build import build_warehouse

# The synthetic workload has no CLIP embeddings: ask for the open-world
# proposals of every pair, so both runs produce some.
ALL_PAIRS = {"oov_proposals_for_all_pairs": True}
# Seeds and models, not tests: the point here is what the models produce.
BUILD = ["build", "--resource-type", "seed", "--resource-type", "model"]
BUILD += ["--vars", json.dumps(ALL_PAIRS)]
COLUMNS = """model_id, image_id, label_class_id, predicted_class_id, is_top1_correct,
    is_multi_label_correct, error_category, error_severity, shared_superclass,
    similar_label_class_id, cooccurring_label_class_id, cooccurrence_image_count"""


def test_incremental_build_equals_full_rebuild(tmp_path: Path) -> None:
    root = tmp_path / "data"
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    synthesise(3, 3000, root, progress=False)
    # The incremental side builds as `imagenet-errors build` does, data tests included.
    build_warehouse(
        root=root, database=incremental, quiet=True, work_dir=tmp_path, dbt_vars=ALL_PAIRS
    )
    synthesise(2, 3000, root, first_model=3, progress=False)
    build_warehouse(
        root=root, database=incremental, quiet=True, work_dir=tmp_path, dbt_vars=ALL_PAIRS
    )
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    executed = {result["unique_id"].split(".")[0] for result in results}
    # The database holds the seeds, unchanged since the first build: not reloaded.
    assert "seed" not in executed
    assert "model" in executed
    run_dbt([*BUILD, "--full-refresh"], root=root, database=full, quiet=True, work_dir=tmp_path)
    with duckdb.connect(str(incremental), read_only=True) as connection:
        connection.execute(f"attach '{full}' as full_build (read_only)")
        counts = connection.execute("""
            select (select count(*) from fct_prediction_errors),
                   (select count(distinct model_id) from fct_prediction_errors)""").fetchone()
        missing = connection.execute(f"""
            select count(*) from (
                select {COLUMNS} from fct_prediction_errors
                except all
                select {COLUMNS} from full_build.fct_prediction_errors)""").fetchone()[0]
        extra = connection.execute(f"""
            select count(*) from (
                select {COLUMNS} from full_build.fct_prediction_errors
                except all
                select {COLUMNS} from fct_prediction_errors)""").fetchone()[0]
        # Averages may differ in the last bits with summation order.
        summary = """select model_id, class_group, num_samples, num_top1_errors, num_fine_grained,
            num_spurious_correlation, num_model_failure, round(mla, 9), round(top1_accuracy, 9),
            round(mla_minor_explainable_errors_correct, 9) from {}"""
        summaries = connection.execute(f"""
            select count(*) from (
                {summary.format("agg_model_error_summary")}
                except all
                {summary.format("full_build.agg_model_error_summary")})""").fetchone()[0]
        # Open-world proposals: the second run adds only pairs it had not seen.
        proposals = """select predicted_class_id, label_class_id, proposal_wnid, lemma,
            proposal_source from {}"""
        proposal_differences = connection.execute(f"""
            select count(*) from (
                ({proposals.format("int_oov_pair_proposals")}
                 except all
                 {proposals.format("full_build.int_oov_pair_proposals")})
                union all
                ({proposals.format("full_build.int_oov_pair_proposals")}
                 except all
                 {proposals.format("int_oov_pair_proposals")}))""").fetchone()[0]
        proposal_runs = connection.execute(
            "select count(distinct added_at) from int_oov_pair_proposals"
        ).fetchone()[0]
    assert counts == (15_000, 5)
    assert (missing, extra, summaries) == (0, 0, 0)
    assert proposal_differences == 0 and proposal_runs == 2
