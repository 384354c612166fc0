"""`imagenet-errors build`: dbt build of the warehouse, without reloading unchanged seeds.

Every build reloads dbt seeds and reruns their tests, although they change only
when `imagenet-errors seeds` rewrites them. After each successful build we keep
dbt's manifest beside the working database (the file dbt builds in, see
`ingest/publish.py`); the next build compares against it (dbt's `state:`
selection) and skips the seeds that database already holds unchanged.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from ingest.dbt_runner import DbtRun, run_dbt
from ingest.paths import PROJECT_DIR, data_root, database_path, working_database_path

# What production builds run; dbt's advice is to leave unit tests to
# development and CI (bin/test runs them).
BUILD_COMMAND = ("build", "--exclude-resource-type", "unit_test")


def state_dir(database: Path) -> Path:
    """Where the manifest of the last successful build of `database` is kept."""
    working = working_database_path(database)
    return working.with_name(working.name + ".dbt-state")


def build_warehouse(
    root: Path | None = None,
    database: Path | None = None,
    full_refresh: bool = False,
    select: str | None = None,
    quiet: bool = False,
    work_dir: Path | None = None,
    dbt_vars: dict[str, Any] | None = None,
) -> DbtRun:
    root = root or data_root()
    database = database or database_path()
    state = state_dir(database)
    # Moved aside first, so a failed build leaves no state and the next one
    # reloads every seed.
    previous = state.with_name(state.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if state.exists():
        state.rename(previous)
    command = list(BUILD_COMMAND)
    if full_refresh:
        command.append("--full-refresh")
    elif working_database_path(database).exists() and (previous / "manifest.json").exists():
        command += ["--exclude", "resource_type:seed,state:unmodified", "--state", str(previous)]
    if select:
        command += ["--select", select]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    run = run_dbt(command, root=root, database=database, quiet=quiet, work_dir=work_dir)
    # A partial build may have skipped the seeds: it leaves no state.
    if select is None:
        target = (work_dir / "target") if work_dir else PROJECT_DIR / "target"
        _save_state(target / "manifest.json", state)
    shutil.rmtree(previous, ignore_errors=True)
    return run


def _save_state(manifest: Path, state: Path) -> None:
    incoming = state.with_name(state.name + ".tmp")
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    shutil.copy2(manifest, incoming / "manifest.json")
    incoming.rename(state)
