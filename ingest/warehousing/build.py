"""`imagenet-errors build`: dbt build of what changed since the last build.

A plain `dbt build` rebuilds every view and table and reruns every test, about
240 nodes, although adding a model changes only the nodes downstream of the
predictions. After each successful build we keep dbt's manifest beside the
working database (the file dbt builds in, see `ingest/warehousing/publish.py`) with the
inputs dbt cannot compare (`ingest/warehousing/build_inputs.py`): the source files, the
data root, the variables. The next build selects the nodes whose code or seeds
changed (dbt's `state:modified+`) and the nodes downstream of sources whose
files changed; the others already hold what a rebuild would give. Without that
state, or when the data root, the variables or the project settings changed,
everything is built, except seeds the database already holds unchanged. When
no file dbt parses changed, no node can be `state:modified`: the build skips
the comparison, dbt writes no manifest (the last one still describes the
project), and with no source changed either dbt is not started at all.

A successful build is published by handing the working file over (renamed to
the published name once dbt has exited, ingest/warehousing/publish.py); the next dbt run
starts from a copy of it (ingest/warehousing/working_copy.py).

On another target of profiles.yml (`spark`) none of that applies: every model
is a table rebuilt by each build (macros/incremental_materialization.sql), so
there is no state to compare, no file to lock, copy or publish; dbt builds the
whole project (or `select`) in that engine.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from ingest.core.paths import data_root, database_path, working_database_path
from ingest.warehousing.build_inputs import BuildInputs, current_inputs
from ingest.warehousing.dbt_runner import DUCKDB_TARGET, DbtRun, run_dbt, target_dir
from ingest.warehousing.lock import build_lock
from ingest.warehousing.publish import hand_over

# What production builds run; dbt's advice is to leave unit tests to
# development and CI (bin/test runs them).
BUILD_COMMAND = ("build", "--exclude-resource-type", "unit_test")
INPUTS_FILE = "build_inputs.json"
UNCHANGED_SEEDS = ("--exclude", "resource_type:seed,state:unmodified")


def state_dir(database: Path) -> Path:
    """Where the manifest of the last successful build of `database` is kept."""
    working = working_database_path(database)
    return working.with_name(working.name + ".dbt-state")


def artifacts_dir(database: Path) -> Path:
    """Where `imagenet-errors build` has dbt write its target and logs for `database`
    when the caller names no folder: beside the working database, not the project's
    target/, which a plain `dbt build` writes before it waits for the build lock
    (its manifest must not become this build's state)."""
    working = working_database_path(database)
    return working.with_name(working.name + ".dbt")


def build_warehouse(
    root: Path | None = None,
    database: Path | None = None,
    full_refresh: bool = False,
    select: str | None = None,
    quiet: bool = False,
    work_dir: Path | None = None,
    dbt_vars: dict[str, Any] | None = None,
    wait: bool = True,
    target: str = DUCKDB_TARGET,
) -> DbtRun:
    """Build what changed; while another build of `database` runs, wait (or, without
    `wait`, raise ingest.warehousing.lock.BuildLocked before touching anything).
    On another `target`, build everything there (or `select`)."""
    root = root or data_root()
    if target != DUCKDB_TARGET:
        command = list(BUILD_COMMAND) + (["--select", select] if select else [])
        if dbt_vars:
            command += ["--vars", json.dumps(dbt_vars)]
        return run_dbt(command, root=root, quiet=quiet, work_dir=work_dir, target=target)
    database = database or database_path()
    with build_lock(database, wait=wait):
        return _build(root, database, full_refresh, select, quiet, work_dir, dbt_vars)


def _build(
    root: Path,
    database: Path,
    full_refresh: bool,
    select: str | None,
    quiet: bool,
    work_dir: Path | None,
    dbt_vars: dict[str, Any] | None,
) -> DbtRun:
    started = time.perf_counter()
    working = working_database_path(database)
    state = state_dir(database)
    work_dir = work_dir or artifacts_dir(database)
    # Moved aside first, so a failed build leaves no state and the next one
    # builds everything.
    previous = state.with_name(state.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if state.exists():
        state.rename(previous)
    inputs = current_inputs(root, dbt_vars)
    last = BuildInputs.load(previous / INPUTS_FILE)
    # dbt's manifest goes into the state, unless the last one still describes the project.
    write_manifest = True
    # None: whatever the command selects runs; a list: the changed sources, maybe none.
    changed_sources = None
    command = list(BUILD_COMMAND)
    # A published database without a working one was handed over by the last
    # build: dbt works on a copy of it (ingest/warehousing/working_copy.py).
    built = working.exists() or database.exists()
    if full_refresh:
        command.append("--full-refresh")
    elif built and last is not None and (previous / "manifest.json").exists():
        if select:
            command += ["--state", str(previous), *UNCHANGED_SEEDS, "--select", select]
        elif inputs.same_setting(last) and inputs.same_project_code(last):
            changed_sources = inputs.changed_sources(last)
            command += ["--select", *(f"source:{name}+" for name in changed_sources)]
            write_manifest = False
        else:
            command += ["--state", str(previous), *_changed_nodes(inputs, last)]
    elif select:
        command += ["--select", select]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    if changed_sources == []:
        # Everything holds what a build would give it: dbt is not started.
        run = DbtRun(time.perf_counter() - started, 0, started=False)
    else:
        run = run_dbt(
            command,
            root=root,
            database=database,
            quiet=quiet,
            work_dir=work_dir,
            hand_over=True,
            write_manifest=write_manifest,
        )
    # A partial build may have skipped the seeds: it leaves no state.
    if select is None:
        manifest_dir = target_dir(work_dir) if write_manifest else previous
        _save_state(manifest_dir / "manifest.json", inputs, state)
        if not database.exists():
            # A build with nothing to do runs no hook; the published file may be gone.
            hand_over(working, database)
    shutil.rmtree(previous, ignore_errors=True)
    return run


def _changed_nodes(inputs: BuildInputs, previous: BuildInputs) -> list[str]:
    """dbt selection arguments: what changed since the build that left `previous`."""
    if not inputs.same_setting(previous):
        return list(UNCHANGED_SEEDS)
    downstream = [f"source:{name}+" for name in inputs.changed_sources(previous)]
    return ["--select", "state:modified+", *downstream]


def _save_state(manifest: Path, inputs: BuildInputs, state: Path) -> None:
    incoming = state.with_name(state.name + ".tmp")
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    shutil.copy2(manifest, incoming / "manifest.json")
    inputs.save(incoming / INPUTS_FILE)
    incoming.rename(state)
