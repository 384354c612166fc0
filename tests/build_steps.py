"""The steps the build-sequence tests take: a build by either entry point, a bad
predictions file, a build killed part-way, and the check that nothing was published.

Shared by tests/test_build_sequences.py (one regression sequence per bug) and
tests/test_build_state_machine.py (random sequences), so that both take each step
the same way a user does.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.core import schemas
from ingest.core.paths import DATA_ROOT_ENV, DATABASE_ENV, PROJECT_DIR
from ingest.sources.predictions import predictions_path
from ingest.warehousing.build import build_warehouse
from ingest.warehousing.dbt_runner import run_dbt

CLI = [sys.executable, "-m", "ingest.cli"]
DBT = Path(sys.executable).with_name("dbt")
# A plain `dbt build` as a user types it, less the unit tests (they read no data
# and write no mart; they only cost time here).
PLAIN_DBT_BUILD = ["build", "--exclude-resource-type", "unit_test"]
ENTRY_POINTS = ("imagenet-errors build", "dbt build")
BAD_MODEL = "bad_model"


def run_build(
    entry: str, root: Path, database: Path, work_dir: Path, full_refresh: bool = False
) -> None:
    """One whole build by `entry`, one of ENTRY_POINTS; raises DbtError when it fails."""
    if entry == "imagenet-errors build":
        build_warehouse(
            root=root, database=database, quiet=True, work_dir=work_dir, full_refresh=full_refresh
        )
    else:
        run_dbt(
            [*PLAIN_DBT_BUILD, *(["--full-refresh"] if full_refresh else [])],
            root=root,
            database=database,
            quiet=True,
            work_dir=work_dir,
        )


def write_bad_predictions(root: Path, copied_model: str, fixed: bool = False) -> Path:
    """A predictions file written straight into the data root, bypassing the importer:
    a copy of `copied_model`'s predictions under BAD_MODEL with class 1000, class -1
    and a repeated image (or, `fixed`, the clean copy). Returns its path."""
    source = pq.read_table(predictions_path(copied_model, root)).to_pylist()
    rows = [{**row, "model_id": BAD_MODEL} for row in source]
    if not fixed:
        rows[0]["top5_class_ids"] = [1000, *rows[0]["top5_class_ids"][1:]]
        rows[1]["top5_class_ids"] = [-1, *rows[1]["top5_class_ids"][1:]]
        rows.append(dict(rows[2]))
    path = predictions_path(BAD_MODEL, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schemas.PREDICTIONS), path)
    return path


@contextlib.contextmanager
def publishes_nothing(database: Path, where: str) -> Iterator[None]:
    """The published file is the same file, unwritten, after the block (or still
    absent, when there was none)."""
    before = database.stat() if database.exists() else None
    yield
    if before is None:
        assert not database.exists(), f"a failed build published at {where}"
        return
    after = database.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), (
        f"a failed build published at {where}"
    )


def killed_build(entry: str, root: Path, database: Path, log: Path, after: int) -> bool:
    """Start a build in a process group of its own and SIGKILL the whole group once
    dbt has written `after` models; False when the build ended before that."""
    command = [*CLI, "build"] if entry == "imagenet-errors build" else [str(DBT), *PLAIN_DBT_BUILD]
    environment = {
        **os.environ,
        DATA_ROOT_ENV: str(root),
        DATABASE_ENV: str(database),
        # Unbuffered, so that the log shows how far the build got while it runs.
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as output:
        # A session of its own, so that the kill reaches dbt's process too.
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 300
        while log.read_text(errors="replace").count(" OK created ") < after:
            if process.poll() is not None:
                return False
            assert time.monotonic() < deadline, f"timed out waiting for {entry} to write"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
