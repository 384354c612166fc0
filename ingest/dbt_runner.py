"""Run dbt on this project with paths resolved against the project folder."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ingest.paths import DATA_ROOT_ENV, DATABASE_ENV, PROJECT_DIR, data_root, database_path


class DbtError(RuntimeError):
    """dbt reported a failure."""


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_dbt(
    arguments: Sequence[str],
    root: Path | None = None,
    database: Path | None = None,
    quiet: bool = False,
    work_dir: Path | None = None,
) -> None:
    """Invoke dbt in-process (`dbt build`, `dbt run --select ...`).

    `root` and `database` default to the configured data root and warehouse.
    """
    from dbt.cli.main import dbtRunner

    root = root or data_root()
    database = database or database_path()
    database.parent.mkdir(parents=True, exist_ok=True)
    environment = {
        DATA_ROOT_ENV: str(root),
        DATABASE_ENV: str(database),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        *arguments,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
    ]
    if work_dir is not None:
        # A private target and log folder: runs on other databases may go on meanwhile.
        command += ["--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs")]
    if quiet:
        command = ["--quiet", *command]
    with _environment(environment):
        result = dbtRunner().invoke(command)
    if not result.success:
        detail = f": {result.exception}" if result.exception else ""
        raise DbtError(f"dbt {' '.join(arguments)} failed{detail}")
