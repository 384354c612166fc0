"""The same project on Spark and on DuckDB gives the same marts.

Two workloads, each built on both targets: the embedded demo (three real models
on the demo photos, with CLIP embeddings) and a synthetic one (`synth --models 5
--images 2000`, with synthetic CLIP data). Every mart is compared column by
column: rows matched on their exact columns, doubles within 1e-9 relative.
Left out, as in tests/mart_equality.py: the columns saying when a build ran
(timestamps); and the bookkeeping of DuckDB's incremental builds, which
Spark, rebuilding every table, computes otherwise (`FINGERPRINT_COLUMNS`).

Spark starts slowly (half a minute), so dbt runs in this process
(dbt-spark's session method), where both builds share one Spark session.
Skipped, saying so, when the Spark packages are not installed:
`bin/setup --spark` installs them, and .ci/run does.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from mart_equality import full_build, mart_names

from ingest.core.paths import DATA_ROOT_ENV, PROJECT_DIR

MISSING = [
    name for name in ("pyspark", "dbt.adapters.spark") if importlib.util.find_spec(name) is None
]
if MISSING:
    reason = (
        f"Spark equality not checked: {', '.join(MISSING)} not installed; run bin/setup --spark"
    )
    # .ci/run sets it: there the Spark packages are installed, and a skip would hide their loss.
    if os.environ.get("IMAGENET_ERRORS_REQUIRE_SPARK") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

SCHEMA = "imagenet_errors"
RELATIVE_TOLERANCE = 1e-9
# Digests DuckDB's builds keep to decide what to rebuild (inputs_fingerprint,
# predictions_fingerprint): Spark computes them from the rows, DuckDB from the
# Parquet footers (macros/source_parquet_row_groups.sql), so they differ by design.
FINGERPRINT_COLUMNS = frozenset({"inputs_fingerprint", "predictions_fingerprint"})
# Similarities of FLOAT embeddings: DuckDB's list_inner_product sums float32
# products in its own (vectorised) order, which Spark cannot reproduce bit for bit;
# Spark sums in double. Over 768 products of unit vectors the two differ by float32
# rounding, measured up to 5e-7 and bounded by 768 x 2^-24 = 4.6e-5: compared within
# an absolute 1e-5. Everything decided from them (oov_check, the best lemma, the
# category) is compared exactly.
FLOAT32_ABSOLUTE_TOLERANCE = {"oov_best_similarity": 1e-5}
SYNTH_MODELS, SYNTH_IMAGES = 5, 2000
# Whether this module's Spark session has built the seeds already.
SEEDED: list[bool] = []


@pytest.fixture(scope="module")
def spark_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the module's Spark session keeps its warehouse and metastore."""
    folder = tmp_path_factory.mktemp("spark")
    saved = {name: os.environ.get(name) for name in ("IMAGENET_ERRORS_SPARK_DIR", DATA_ROOT_ENV)}
    os.environ["IMAGENET_ERRORS_SPARK_DIR"] = str(folder)
    yield folder
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def spark_dbt(root: Path, work_dir: Path, arguments: Sequence[str]) -> None:
    """`dbt <arguments> --target spark` of `root` in this process's Spark session."""
    from dbt.cli.main import dbtRunner

    os.environ[DATA_ROOT_ENV] = str(root)
    arguments = [*arguments, "--target", "spark", "--project-dir", str(PROJECT_DIR)]
    arguments += ["--profiles-dir", str(PROJECT_DIR), "--target-path", str(work_dir / "target")]
    arguments += ["--log-path", str(work_dir / "logs"), "--quiet"]
    if SEEDED:
        # The session's warehouse holds them from the first build: about three
        # minutes less (dbt-spark loads seeds by inserts of literal rows).
        arguments += ["--exclude", "resource_type:seed"]
    result = dbtRunner().invoke(arguments)
    assert result.success, f"dbt on spark failed: {result.exception or result.result}"
    SEEDED.append(True)


def spark_build(root: Path, work_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """`dbt build --target spark` of `root` in this process; each mart's rows."""
    from pyspark.sql import SparkSession

    spark_dbt(
        root,
        work_dir,
        ["build", "--exclude-resource-type", "unit_test", "--exclude-resource-type", "test"],
    )
    spark = SparkSession.builder.getOrCreate()
    return {
        mart: [row.asDict(recursive=True) for row in spark.table(f"{SCHEMA}.{mart}").collect()]
        for mart in mart_names()
    }


def duckdb_marts(database: Path) -> dict[str, tuple[dict[str, str], list[dict[str, Any]]]]:
    """Each mart's column types and rows, from a published DuckDB warehouse."""
    marts = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        for mart in mart_names():
            relation = connection.table(mart)
            types = {
                name: str(kind) for name, kind in zip(relation.columns, relation.types, strict=True)
            }
            rows = [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
            marts[mart] = (types, rows)
    return marts


def _normal(value: Any) -> Any:
    """One spelling for both engines: decimals and floats as floats, structs as dicts."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(item) for item in value]
    return value


def _exact_key(row: dict[str, Any], exact: Sequence[str], inexact: Sequence[str]) -> str:
    rounded = [None if row[name] is None else float(f"{float(row[name]):.6g}") for name in inexact]
    return repr([row[name] for name in exact] + rounded)


def _close(left: Any, right: Any, absolute: float = 1e-12) -> bool:
    if left is None or right is None:
        return left is right
    return math.isclose(float(left), float(right), rel_tol=RELATIVE_TOLERANCE, abs_tol=absolute)


def mart_problems(
    mart: str, types: dict[str, str], ours: list[dict[str, Any]], theirs: list[dict[str, Any]]
) -> list[str]:
    """How the Spark rows (`theirs`) differ from DuckDB's (`ours`); none when equal."""
    compared = [
        name
        for name, kind in types.items()
        if not kind.upper().startswith("TIMESTAMP") and name not in FINGERPRINT_COLUMNS
    ]
    spark_columns = set(theirs[0]) if theirs else set(compared)
    if missing := [name for name in compared if name not in spark_columns]:
        return [f"{mart}: Spark lacks columns {missing}"]
    if len(ours) != len(theirs):
        return [f"{mart}: {len(ours)} rows on DuckDB, {len(theirs)} on Spark"]
    inexact = [name for name in compared if types[name].upper() in ("DOUBLE", "FLOAT", "REAL")]
    exact = [name for name in compared if name not in inexact]
    sides = [
        sorted(
            ({name: _normal(row[name]) for name in compared} for row in rows),
            key=lambda row: _exact_key(row, exact, inexact),
        )
        for rows in (ours, theirs)
    ]
    problems = []
    for left, right in zip(*sides, strict=True):
        for name in exact:
            if left[name] != right[name]:
                problems.append(
                    f"{mart}.{name}: {left[name]!r} on DuckDB, {right[name]!r} on Spark"
                )
        for name in inexact:
            if not _close(left[name], right[name], FLOAT32_ABSOLUTE_TOLERANCE.get(name, 1e-12)):
                problems.append(
                    f"{mart}.{name}: {left[name]!r} on DuckDB, {right[name]!r} on Spark"
                )
        if len(problems) >= 5:
            break
    return problems


def assert_same_marts(database: Path, spark_marts: dict[str, list[dict[str, Any]]]) -> None:
    problems = []
    for mart, (types, rows) in duckdb_marts(database).items():
        problems += mart_problems(mart, types, rows, spark_marts[mart])
    assert not problems, "Spark's marts differ from DuckDB's:\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def synthetic(spark_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The synthetic workload built on both targets: the DuckDB warehouse, the Spark
    build's folder (its marts are in the module's Spark session)."""
    from ingest.synth.clip import synthesise_clip
    from ingest.synth.predictions import synthesise

    work = tmp_path_factory.mktemp("synth")
    root = work / "data"
    synthesise(SYNTH_MODELS, SYNTH_IMAGES, root, progress=False)
    synthesise_clip(SYNTH_IMAGES, root, progress=False)
    database = full_build(root, work, cache=False)
    spark_work = work / "spark"
    SYNTH_MARTS.update(spark_build(root, spark_work))
    return database, spark_work


SYNTH_MARTS: dict[str, list[dict[str, Any]]] = {}


def test_the_synthetic_workload_is_the_same_on_spark(synthetic: tuple[Path, Path]) -> None:
    database, _ = synthetic
    assert sum(len(rows) for rows in SYNTH_MARTS.values()) > 0
    assert_same_marts(database, SYNTH_MARTS)


def test_the_demo_is_the_same_on_spark(
    spark_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from ingest.demo.run import DEMO_MODELS, run_demo

    work = tmp_path_factory.mktemp("demo")
    database = work / "demo.duckdb"
    run_demo(work / "data", database, list(DEMO_MODELS), workers=0, progress=False)
    assert_same_marts(database, spark_build(work / "data", work / "spark"))


def test_compare_reference_gives_the_same_figures_on_spark(
    reference_dir: Path, spark_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The reference's dev samples classified on both targets: the same category for
    every sample and the same open-world proposals for every pair, so
    `compare-reference --target spark` prints DuckDB's figures."""
    from ingest.reference.compare import (
        SAMPLE_BUILD,
        SAMPLE_RESULTS,
        classify_samples,
        report,
        sample_comparison,
        write_sample_inputs,
    )
    from ingest.reference.samples import load_samples
    from ingest.warehousing.spark_warehouse import spark_tables_connection

    samples = load_samples()
    work = tmp_path_factory.mktemp("samples")
    on_duckdb = classify_samples(samples, work / "duckdb")
    write_sample_inputs(samples, work / "spark" / "data")
    spark_dbt(work / "spark" / "data", work / "spark", SAMPLE_BUILD)
    with spark_tables_connection(spark_dir, SAMPLE_RESULTS) as connection:
        on_spark = sample_comparison(samples, connection)
    differing = [
        f"{sample.image} predicted {sample.pred}: duckdb {ours}, spark {theirs}"
        for sample, ours, theirs in zip(samples, on_duckdb.ours, on_spark.ours, strict=True)
        if ours != theirs
    ]
    assert not differing, "categories differ:\n" + "\n".join(differing[:20])
    assert on_spark.proposals == on_duckdb.proposals
    assert report(on_spark) == report(on_duckdb)


# DuckDB's own functions, which must not reach Spark: they live in dispatched
# macros' duckdb__ implementations (a name is matched as a call, `name(`).
DUCKDB_ONLY = re.compile(
    r"\b(read_parquet|parquet_metadata|parquet_kv_metadata|parquet_schema|glob|list_[a-z_]+"
    r"|array_inner_product|string_agg|struct_pack|list|error|decode)\s*\("
    r"|::|\btimestamp with time zone\b",
    re.IGNORECASE,
)
# Comments say what they like ("the model list (models_summary.csv)").
SQL_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


def compiled_models(target_path: Path) -> dict[str, str]:
    folder = target_path / "compiled" / "imagenet_errors" / "models"
    found = {path.stem: path.read_text() for path in sorted(folder.rglob("*.sql"))}
    assert found, f"no compiled models under {folder}"
    return found


def test_compiled_sql_parses_in_each_dialect_and_spark_gets_no_duckdb_function(
    synthetic: tuple[Path, Path],
) -> None:
    """sqlglot parses every compiled model as its target's dialect, and the Spark
    SQL names no DuckDB-only function (sqlglot would pass those through)."""
    import sqlglot

    database, spark_work = synthetic
    failures = []
    for dialect, target_path in (
        ("duckdb", database.parent / "target"),
        ("spark", spark_work / "target"),
    ):
        models = compiled_models(target_path)
        for name, sql in models.items():
            try:
                sqlglot.parse(sql, read=dialect)
            except sqlglot.errors.ParseError as error:
                failures.append(f"{dialect} {name}: {str(error).splitlines()[0]}")
            if dialect == "spark" and (found := DUCKDB_ONLY.search(SQL_COMMENT.sub("", sql))):
                failures.append(f"spark {name}: DuckDB-only {found.group(0)!r}")
    assert not failures, "\n".join(failures)
