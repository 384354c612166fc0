"""Run dbt on this project with paths resolved against the project folder.

dbt runs in a child process: dbt-duckdb keeps its database open for the life of
the process that ran it, which would lock the file against our own readers.
It builds in the working database beside `database` and, when the run
succeeded, publishes it as `database` (profiles.yml, ingest/warehousing/publish.py).
On another target (`spark`) dbt writes that engine's tables, and none of this
file handling applies: no working copy, no hand-over, no lock on the file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.core.paths import (
    DATA_ROOT_ENV,
    DATABASE_ENV,
    PROJECT_DIR,
    data_root,
    database_path,
    working_database_path,
)
from ingest.warehousing import publish
from ingest.warehousing.dbt_process import RUN_RESULTS_ENV
from ingest.warehousing.lock import build_lock, child_environment

# profiles.yml's default target, the one whose file this module publishes.
DUCKDB_TARGET = "duckdb"


class DbtError(RuntimeError):
    """dbt reported a failure."""


@dataclass(frozen=True)
class DbtRun:
    wall_seconds: float
    peak_memory_bytes: int
    # False when there was nothing to build and dbt was not started.
    started: bool = True


def target_dir(work_dir: Path | None = None) -> Path:
    """Where dbt writes its artifacts (manifest, run_results.json) for a run in `work_dir`."""
    return (work_dir / "target") if work_dir else PROJECT_DIR / "target"


def run_dbt(
    arguments: Sequence[str],
    root: Path | None = None,
    database: Path | None = None,
    quiet: bool = False,
    work_dir: Path | None = None,
    hand_over: bool = False,
    write_manifest: bool = True,
    target: str = DUCKDB_TARGET,
) -> DbtRun:
    """Invoke dbt (`build`, `run --select ...`) on `root` and `database`.

    Both default to the configured data root and (published) warehouse; dbt
    writes `working_database_path(database)` and publishes it as `database`
    after a successful `build`, `run` or `seed`: by a copy, or with
    `hand_over` by renaming the working file once dbt has exited (the next run
    copies it back while dbt starts up). `work_dir` gives the run a private
    target and log folder, so runs on other databases may go on at the same time.
    Without `write_manifest`, dbt writes no manifest, only run_results.json
    (ingest/warehousing/dbt_process.py). Another `target` of profiles.yml
    builds in its own engine: `database` is then not touched at all.
    """
    root = root or data_root()
    database = database or database_path()
    environment = {
        **os.environ,
        DATA_ROOT_ENV: str(root),
        DATABASE_ENV: str(database),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    if hand_over:
        environment[publish.HAND_OVER_ENV] = "1"
    else:
        environment.pop(publish.HAND_OVER_ENV, None)
    target_name, target = target, target_dir(work_dir)
    command = [sys.executable, "-m", "ingest.warehousing.dbt_process"]
    if quiet:
        command.append("--quiet")
    command += [*arguments, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    if work_dir is not None:
        command += ["--target-path", str(target), "--log-path", str(work_dir / "logs")]
    if target_name != DUCKDB_TARGET:
        return _run_elsewhere([*command, "--target", target_name], environment)
    database.parent.mkdir(parents=True, exist_ok=True)
    environment.pop(RUN_RESULTS_ENV, None)
    if not write_manifest:
        command.append("--no-write-json")
        target.mkdir(parents=True, exist_ok=True)
        environment[RUN_RESULTS_ENV] = str(target / "run_results.json")
    working = working_database_path(database)
    marker = publish.publishable_marker(working)
    # One build at a time (ingest/warehousing/lock.py): the dbt process inherits the lock.
    with build_lock(database) as lock:
        environment.update(child_environment(lock))
        marker.unlink(missing_ok=True)
        started = time.perf_counter()
        process = subprocess.Popen(command, env=environment, cwd=PROJECT_DIR, pass_fds=(lock,))
        # wait4 reports the peak memory of this child alone.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise DbtError(
                f"dbt {' '.join(arguments)} failed (exit {process.returncode}); "
                "see its output above"
            )
        if marker.exists():
            publish.hand_over(working, database)
            marker.unlink()
        return DbtRun(time.perf_counter() - started, usage.ru_maxrss * 1024)


def _run_elsewhere(command: list[str], environment: dict[str, str]) -> DbtRun:
    """dbt on a target that is not the DuckDB file: nothing to copy, lock or publish."""
    for name in (DATABASE_ENV, publish.HAND_OVER_ENV):
        environment.pop(name, None)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=environment, cwd=PROJECT_DIR)
    _, status, usage = os.wait4(process.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise DbtError(f"dbt {' '.join(command[3:])} failed (exit {code}); see its output above")
    return DbtRun(time.perf_counter() - started, usage.ru_maxrss * 1024)
