"""Where the project, its data root and its warehouse live.

Everything resolves against the project folder (the one holding
`dbt_project.yml`), never the current directory, so the CLI, dbt and a BI tool
agree on the same files wherever they are started from.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_ROOT_ENV = "IMAGENET_ERRORS_DATA_ROOT"
DATABASE_ENV = "IMAGENET_ERRORS_DB"
SEEDS_DIR = PROJECT_DIR / "seeds"


def _resolve(value: str | os.PathLike[str]) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (PROJECT_DIR / path).resolve()


def data_root() -> Path:
    """The folder ingest writes Parquet to and dbt's sources read from."""
    return _resolve(os.environ.get(DATA_ROOT_ENV) or "data")


def database_path() -> Path:
    return _resolve(os.environ.get(DATABASE_ENV) or "imagenet_errors.duckdb")


def predictions_dir(root: Path | None = None) -> Path:
    return (root or data_root()) / "predictions"


def labels_dir(root: Path | None = None) -> Path:
    return (root or data_root()) / "labels"


def oov_dir(root: Path | None = None) -> Path:
    return (root or data_root()) / "oov"


def experts_dir(root: Path | None = None) -> Path:
    return (root or data_root()) / "experts"


def reference_dir(root: Path | None = None) -> Path:
    return (root or data_root()) / "reference"
