"""The reference study's per-model results as Parquet sources.

Peychev et al. published, for each of their 962 models, the figures of
`stats_imagenet_{all,organism,artifact,other}.csv` and the model list
`models_summary.csv` (github.com/eth-sri/automated-error-analysis). This module
reads them from the reference folder (`imagenet-errors reference fetch`) or
another local copy, checks each against its published sha256, and writes
`reference/model_stats.parquet` (one row per model and class group) and
`reference/models_summary.parquet` under the data root.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa

from ingest.core import schemas
from ingest.core.checksums import sha256_of
from ingest.core.errors import BadInput
from ingest.core.parquet_io import write_parquet_atomically
from ingest.core.paths import reference_study_dir, reference_tables_dir

CANONICAL_SOURCE = "https://github.com/eth-sri/automated-error-analysis"
CLASS_GROUPS = ("all", "organism", "artifact", "other")
SHA256 = {
    "stats_imagenet_all.csv": "b13681452563ae7f39de434bee060ef28905b74bbc388b42438db43408b6cd57",
    "stats_imagenet_organism.csv": (
        "29313121e05fe03a8a86b88e268900c22ea0a2921da98f09ba102236beb48a70"
    ),
    "stats_imagenet_artifact.csv": (
        "2a5b5f4d7bb284ccf2cc743a565ee4ca778c14d5775f7e4de17bc06ea4139c16"
    ),
    "stats_imagenet_other.csv": "cbcc95980a9b8b43faa46b8e32ccbd18c0ae4c68672ff46ef96b349e282906ca",
    "models_summary.csv": "63007945762726367efd237a7e61442d723b4ad562873d2a469c852cf571eb52",
}


class ReferenceDataError(BadInput):
    """A reference file is missing, altered or malformed; the message names it."""


def _checked(directory: Path, name: str, verify: bool) -> Path:
    path = directory / name
    if not path.is_file():
        raise ReferenceDataError(
            f"{path} not found: run `imagenet-errors reference fetch`, or pass --from "
            f"with a folder holding {', '.join(SHA256)} (from {CANONICAL_SOURCE})"
        )
    if verify and sha256_of(path) != SHA256[name]:
        raise ReferenceDataError(
            f"{path}: sha256 {sha256_of(path)} is not the published {SHA256[name]}; "
            "pass --no-verify to read a file you changed on purpose"
        )
    return path


def _column_name(csv_name: str) -> str:
    return csv_name.replace("-", "_").lower()


def _typed(value: str, field: pa.Field, where: str) -> object:
    if pa.types.is_string(field.type):
        return value
    try:
        return float(value) if pa.types.is_floating(field.type) else int(value)
    except ValueError:
        raise ReferenceDataError(f"{where}: column {field.name} has {value!r}") from None


def _read_rows(path: Path, schema: pa.Schema, fixed: dict[str, str]) -> list[dict[str, object]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ReferenceDataError(f"{path}: not UTF-8 text (offset {error.start})") from None
    rows = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2):
        named = {_column_name(key): value for key, value in row.items()} | fixed
        missing = [field.name for field in schema if field.name not in named]
        if missing:
            raise ReferenceDataError(f"{path}:{line}: no column(s) {', '.join(missing)}")
        rows.append(
            {field.name: _typed(named[field.name], field, f"{path}:{line}") for field in schema}
        )
    return rows


def import_reference_models(
    directory: Path | None = None, verify: bool = True, root: Path | None = None
) -> list[Path]:
    """Write the reference's per-model stats and model list under `root`/reference.

    `directory` defaults to the reference folder's automated_error_analysis/."""
    source = directory or reference_study_dir()
    # Every file is checked before any is read: all of them, or nothing written.
    paths = {name: _checked(source, name, verify) for name in SHA256}
    stats: list[dict[str, object]] = []
    for group in CLASS_GROUPS:
        path = paths[f"stats_imagenet_{group}.csv"]
        stats += _read_rows(path, schemas.REFERENCE_MODEL_STATS, {"class_group": group})
    models = _read_rows(paths["models_summary.csv"], schemas.REFERENCE_MODELS, {})
    target = reference_tables_dir(root)
    return [
        write_parquet_atomically(
            pa.Table.from_pylist(stats, schema=schemas.REFERENCE_MODEL_STATS),
            target / "model_stats.parquet",
        ),
        write_parquet_atomically(
            pa.Table.from_pylist(models, schema=schemas.REFERENCE_MODELS),
            target / "models_summary.parquet",
        ),
    ]
