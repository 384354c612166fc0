"""Where the project, its data root and its warehouse live.

Everything resolves against the project folder (the one holding
`dbt_project.yml`), never the current directory, so the CLI, dbt and a BI tool
agree on the same files wherever they are started from.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
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
    """The published warehouse: the file readers and BI tools open (read-only)."""
    return _resolve(os.environ.get(DATABASE_ENV) or "imagenet_errors.duckdb")


def working_database_path(published: Path | None = None) -> Path:
    """The file dbt builds in, beside the published one: `x.duckdb` -> `x_work.duckdb`.

    It persists between builds (it holds the incremental state) and only dbt
    opens it. profiles.yml derives the same name from IMAGENET_ERRORS_DB. Not
    `x.work.duckdb`: DuckDB would name its catalog `x`, dbt-duckdb `x.work`.
    """
    published = published or database_path()
    stem, _, extension = published.name.rpartition(".")
    return published.with_name(f"{stem}_work.{extension}" if stem else f"{published.name}_work")


def predictions_dir(root: Path | None = None) -> Path:
    return (root or data_root()) / "predictions"


def labels_dir(root: Path | None = None) -> Path:
    return (root or data_root()) / "labels"


def oov_dir(root: Path | None = None) -> Path:
    return (root or data_root()) / "oov"


def clip_dir(root: Path | None = None) -> Path:
    """CLIP embeddings and nearest neighbours, for the fine-grained OOV rule."""
    return (root or data_root()) / "clip"


def clip_image_embeddings_dir(root: Path | None = None) -> Path:
    return clip_dir(root) / "image_embeddings"


def clip_reference_embeddings_dir(root: Path | None = None) -> Path:
    return clip_dir(root) / "reference_embeddings"


def clip_image_neighbours_dir(root: Path | None = None) -> Path:
    return clip_dir(root) / "image_neighbours"


def clip_text_embeddings_dir(root: Path | None = None) -> Path:
    return clip_dir(root) / "text_embeddings"


def experts_dir(root: Path | None = None) -> Path:
    return (root or data_root()) / "experts"


def reference_dir(root: Path | None = None) -> Path:
    return (root or data_root()) / "reference"


def superclasses_dir(root: Path | None = None) -> Path:
    """Imported superclass definitions, read by dbt instead of the seed."""
    return (root or data_root()) / "superclasses"
