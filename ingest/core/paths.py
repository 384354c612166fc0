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
REFERENCE_DIR_ENV = "IMAGENET_ERRORS_REFERENCE_DIR"
# Where the spark target keeps its warehouse and metastore (profiles.yml).
SPARK_DIR_ENV = "IMAGENET_ERRORS_SPARK_DIR"
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


def reference_tables_dir(root: Path | None = None) -> Path:
    """The reference study's per-model results as Parquet, for dbt's sources."""
    return (root or data_root()) / "reference"


def reference_dir() -> Path:
    """The reference folder: the public files the reference study and the experts
    published, as `imagenet-errors reference fetch` installs them (env
    IMAGENET_ERRORS_REFERENCE_DIR, else `reference_data/` under the data root).

    Its layout, which every reader looks up through the functions below:

        automated_error_analysis/   eth-sri/automated-error-analysis
            models_summary.csv, stats_imagenet_{all,organism,artifact,other}.csv
            common_error_samples/most_common_<category>.txt
            error_samples_dev.csv   (a development sample in CSV form, where present)
        imagenet_mistakes/          google-research/imagenet-mistakes metadata/
            vit3b_mistakes.json, greedy_soups_mistakes.json
        human_accuracy_v3.0.0.json  Shankar et al.'s multi-labels (optional, 200 MB)
    """
    return _resolve(os.environ.get(REFERENCE_DIR_ENV) or data_root() / "reference_data")


def reference_study_dir(folder: Path | None = None) -> Path:
    """The reference study's published results (automated-error-analysis)."""
    return (folder or reference_dir()) / "automated_error_analysis"


def reference_samples_dir(folder: Path | None = None) -> Path:
    """The reference's classified errors as it published them (`most_common_*.txt`)."""
    return reference_study_dir(folder) / "common_error_samples"


def reference_samples_csv(folder: Path | None = None) -> Path:
    """The development sample of the reference's classified errors, in CSV form."""
    return reference_study_dir(folder) / "error_samples_dev.csv"


def expert_mistakes_dir(folder: Path | None = None) -> Path:
    """Vasudevan et al.'s expert-reviewed mistakes (imagenet-mistakes metadata/)."""
    return (folder or reference_dir()) / "imagenet_mistakes"


def shankar_labels_file(folder: Path | None = None) -> Path:
    """Shankar et al.'s multi-label file, where the reference folder has it."""
    return (folder or reference_dir()) / "human_accuracy_v3.0.0.json"


def superclasses_dir(root: Path | None = None) -> Path:
    """Imported superclass definitions, read by dbt instead of the seed."""
    return (root or data_root()) / "superclasses"
