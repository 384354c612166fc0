"""The mart comparison of the build-sequence tests can fail, and fails only on what matters."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from mart_equality import assert_same_marts, mart_differences, mart_names

ROWS = """
    (1, 'a', 0.1 + 0.2, timestamp '2026-01-01 00:00:00'),
    (2, 'b', -0.0, timestamp '2026-01-01 00:00:00'),
    (2, 'b', 1e-7 / 3, null)"""


def warehouse(path: Path, rows: str = ROWS, skip: str | None = None) -> Path:
    """A file holding every mart as a small table (id, name, share, built_at)."""
    with duckdb.connect(str(path)) as connection:
        for mart in mart_names():
            if mart == skip:
                continue
            connection.execute(
                f"create table {mart} (id integer, name varchar, share double, built_at timestamp)"
            )
            connection.execute(f"insert into {mart} values {rows}")
    return path


def test_the_marts_are_the_models_of_the_marts_folder() -> None:
    names = mart_names()
    assert {"fct_prediction_errors", "agg_class_error_profile", "dim_models"} <= set(names)


def test_run_times_and_last_bits_are_not_differences(tmp_path: Path) -> None:
    # Another build time, the same sums in another order, +0.0 for -0.0.
    other = """
        (2, 'b', 1e-7 / 3, timestamp '2027-05-05 00:00:00'),
        (1, 'a', 0.3, timestamp '2027-05-05 00:00:00'),
        (2, 'b', 0.0, timestamp '2027-05-05 00:00:00')"""
    assert_same_marts(warehouse(tmp_path / "a.duckdb"), warehouse(tmp_path / "b.duckdb", other))


def test_a_repeated_row_a_changed_value_and_a_missing_mart_are(tmp_path: Path) -> None:
    left = warehouse(tmp_path / "a.duckdb")
    repeated = ROWS + ",\n    (1, 'a', 0.3, null)"
    found = mart_differences(left, warehouse(tmp_path / "b.duckdb", repeated))
    assert all((d.only_left, d.only_right) == (0, 1) for d in found.values())
    assert found["dim_models"].examples_right == [(1, "a", "0.3")]
    changed = ROWS.replace("0.1 + 0.2", "0.3000001")
    found = mart_differences(left, warehouse(tmp_path / "c.duckdb", changed))
    assert all((d.only_left, d.only_right) == (1, 1) for d in found.values())
    missing = warehouse(tmp_path / "d.duckdb", skip="agg_common_errors")
    with pytest.raises(AssertionError, match="agg_common_errors: no such table in right"):
        assert_same_marts(left, missing, "a test")
