"""Do two warehouses hold the same marts? And a fresh full build to compare with.

A helper for the build-sequence tests (test_build_sequences.py,
test_build_state_machine.py), not a test file. The marts are every model under
`models/marts/`, found from the files there, so a new mart is compared without
anyone adding it to a list. Every column is compared but the run-time ones,
which say when a build ran, not what it computed:

- every column of a `timestamp*` type (`classified_at`, `source_classified_at`,
  `predictions_written_at`, `written_at`, `built_at`, ...): two builds of the same
  inputs run at different times;
- `RUN_TIME_COLUMNS` below, columns of other types that still hold a run time
  (none today; each entry must say why).

Doubles and floats are compared rounded to `SIGNIFICANT_DIGITS` significant
digits: averages and sums may differ in their last bits with the order in which
the threads of a build summed them. Every other value is compared exactly,
NULLs included, with EXCEPT ALL both ways, so a duplicated row is a difference.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ingest.core.paths import PROJECT_DIR, working_database_path
from ingest.warehousing.dbt_runner import run_dbt

MARTS_DIR = PROJECT_DIR / "models" / "marts"
SIGNIFICANT_DIGITS = 9
# Mart -> columns that hold a run time although their type is no timestamp. Empty
# today: every run-time column of the marts is a timestamp.
RUN_TIME_COLUMNS: Mapping[str, frozenset[str]] = {}
# How many rows of each side a difference shows.
EXAMPLES = 3
# The reference build runs seeds and models only: data tests add nothing to what
# the marts hold, and a failing one must not hide the comparison.
FULL_BUILD = ["build", "--full-refresh", "--exclude-resource-type", "test"]
FULL_BUILD += ["--exclude-resource-type", "unit_test"]


def mart_names() -> list[str]:
    """Every model of the marts folder, by its file name (dbt's model name)."""
    names = sorted(path.stem for path in MARTS_DIR.rglob("*.sql"))
    assert names, f"no mart models under {MARTS_DIR}"
    return names


@dataclass
class MartDifference:
    """How one mart differs between the two sides (`left`, then `right`)."""

    mart: str
    # Why the rows could not be compared (the mart or a column is missing on a side).
    problem: str | None = None
    only_left: int = 0
    only_right: int = 0
    left_rows: int = 0
    right_rows: int = 0
    columns: list[str] = field(default_factory=list)
    examples_left: list[tuple[Any, ...]] = field(default_factory=list)
    examples_right: list[tuple[Any, ...]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.problem is not None or self.only_left > 0 or self.only_right > 0

    def describe(self, left: str = "left", right: str = "right") -> str:
        if self.problem is not None:
            return f"{self.mart}: {self.problem}"
        lines = [
            f"{self.mart}: {self.left_rows} rows in {left}, {self.right_rows} in {right}; "
            f"{self.only_left} only in {left}, {self.only_right} only in {right}"
        ]
        if self.examples_left or self.examples_right:
            lines.append(f"    columns: {', '.join(self.columns)}")
        for side, rows in ((left, self.examples_left), (right, self.examples_right)):
            lines.extend(f"    only in {side}: {row!r}" for row in rows)
        return "\n".join(lines)


def _columns(connection: duckdb.DuckDBPyConnection, alias: str, mart: str) -> dict[str, str]:
    rows = connection.execute(
        """
        select column_name, data_type from duckdb_columns()
        where database_name = ? and table_name = ? and schema_name = 'main'
        order by column_index""",
        [alias, mart],
    ).fetchall()
    return dict(rows)


def _compared(mart: str, columns: Mapping[str, str]) -> list[str]:
    skipped = RUN_TIME_COLUMNS.get(mart, frozenset())
    return [
        name
        for name, data_type in columns.items()
        if not data_type.upper().startswith("TIMESTAMP") and name not in skipped
    ]


def _expression(name: str, data_type: str) -> str:
    quoted = '"' + name.replace('"', '""') + '"'
    if data_type.upper() in ("DOUBLE", "FLOAT", "REAL"):
        # Significant digits, not decimals: counts in the millions and shares of
        # 1e-6 alike. Zero is written once, so -0.0 equals 0.0.
        return (
            f"case when {quoted} = 0 then '0' "
            f"else printf('%.{SIGNIFICANT_DIGITS}g', {quoted}::double) end"
        )
    return quoted


def mart_differences(left: Path, right: Path) -> dict[str, MartDifference]:
    """Per mart, how `left` differs from `right` (empty differences included)."""
    found: dict[str, MartDifference] = {}
    with duckdb.connect() as connection:
        connection.execute(f"attach '{left}' as left_side (read_only)")
        connection.execute(f"attach '{right}' as right_side (read_only)")
        for mart in mart_names():
            difference = MartDifference(mart)
            found[mart] = difference
            ours = _columns(connection, "left_side", mart)
            theirs = _columns(connection, "right_side", mart)
            if not ours or not theirs:
                where = " and ".join(
                    side for side, cols in (("left", ours), ("right", theirs)) if not cols
                )
                difference.problem = f"no such table in {where}"
                continue
            if ours != theirs:
                difference.problem = (
                    f"columns differ: left has {sorted(ours.items())}, "
                    f"right has {sorted(theirs.items())}"
                )
                continue
            difference.columns = _compared(mart, ours)
            select = ", ".join(_expression(name, ours[name]) for name in difference.columns)
            left_rows = f"select {select} from left_side.main.{mart}"
            right_rows = f"select {select} from right_side.main.{mart}"
            only_left = f"({left_rows} except all {right_rows})"
            only_right = f"({right_rows} except all {left_rows})"
            difference.left_rows, difference.right_rows = connection.execute(
                f"select (select count(*) from left_side.main.{mart}), "
                f"(select count(*) from right_side.main.{mart})"
            ).fetchone()
            difference.only_left, difference.only_right = connection.execute(
                f"select (select count(*) from {only_left}), (select count(*) from {only_right})"
            ).fetchone()
            # Sorted, so that two runs of a failing test show the same examples.
            if difference.only_left:
                difference.examples_left = connection.execute(
                    f"select * from {only_left} order by all limit {EXAMPLES}"
                ).fetchall()
            if difference.only_right:
                difference.examples_right = connection.execute(
                    f"select * from {only_right} order by all limit {EXAMPLES}"
                ).fetchall()
    return found


def describe_differences(
    differences: Mapping[str, MartDifference], left: str = "left", right: str = "right"
) -> str:
    """One paragraph per mart that differs; empty when none does."""
    return "\n".join(d.describe(left, right) for d in differences.values() if d)


def assert_same_marts(published: Path, reference: Path, step: str = "") -> None:
    """Fail with what differs when the marts of `published` and `reference` differ."""
    differences = mart_differences(published, reference)
    text = describe_differences(differences, "the published warehouse", "a full build")
    where = f" after {step}" if step else ""
    assert not text, f"the marts differ from a fresh full build{where}:\n{text}"


def data_root_digest(root: Path) -> str:
    """The data root's content (file names and bytes): what a full build depends on."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# Full builds already made, by data root content: a sequence that comes back to
# inputs it had (a bad file added, then removed) needs no second one, and tests
# that start from the same files share theirs. The marts do not depend on where
# the data root is, only on what it holds.
_FULL_BUILDS: dict[tuple[str, str], Path] = {}


def full_build(
    root: Path, work_dir: Path, dbt_vars: Mapping[str, Any] | None = None, cache: bool = True
) -> Path:
    """A fresh full build of what `root` holds now, in a database of its own; its path.

    `run_dbt(["build", "--full-refresh", ...])` on a new file under `work_dir`
    (which must outlive every use of the result), with a private dbt target
    folder, as test_incremental.py builds its reference.
    """
    variables = ["--vars", json.dumps(dict(dbt_vars))] if dbt_vars else []
    key = (data_root_digest(root), json.dumps(dict(dbt_vars or {}), sort_keys=True))
    cached = _FULL_BUILDS.get(key)
    if cache and cached is not None and cached.exists():
        return cached
    folder = work_dir / f"full-build-{len(_FULL_BUILDS)}-{key[0][:12]}"
    # Fresh: nothing of an earlier build (working file, state) may be there.
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    database = folder / "full.duckdb"
    run_dbt([*FULL_BUILD, *variables], root=root, database=database, quiet=True, work_dir=folder)
    assert database.exists(), f"the full build published no {database}"
    working_database_path(database).unlink(missing_ok=True)
    _FULL_BUILDS[key] = database
    return database


def assert_equals_full_build(
    published: Path,
    root: Path,
    work_dir: Path,
    step: str = "",
    dbt_vars: Mapping[str, Any] | None = None,
) -> None:
    """The marts of `published` equal those of a fresh full build of `root`."""
    assert published.exists(), f"no published warehouse {published}" + (
        f" after {step}" if step else ""
    )
    assert_same_marts(published, full_build(root, work_dir, dbt_vars), step)
