"""The imported superclass definitions under the data root.

dbt reads `superclasses/superclass_definitions.parquet` (source
`ingest.superclass_definitions`) instead of `seeds/superclass_definitions.csv`
whenever the file exists (`int_superclass_definitions`); removing it goes back
to the seed. The file is data, never committed.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from ingest.core.parquet_io import write_parquet_atomically
from ingest.core.paths import superclasses_dir
from ingest.core.schemas import SUPERCLASS_DEFINITIONS
from ingest.superclasses.definitions import Definitions, seed_rows

FILE_NAME = "superclass_definitions.parquet"


def imported_path(root: Path | None = None) -> Path:
    return superclasses_dir(root) / FILE_NAME


def write_imported(definitions: Definitions, source: str, root: Path | None = None) -> Path:
    rows = list(seed_rows(definitions))
    table = pa.table(
        {
            "superclass": [name for name, _, _ in rows],
            "predicate_id": [predicate_id for _, predicate_id, _ in rows],
            "lemma": [lemma for _, _, lemma in rows],
            "definitions_source": [source] * len(rows),
        },
        schema=SUPERCLASS_DEFINITIONS,
    )
    return write_parquet_atomically(table, imported_path(root))


def remove_imported(root: Path | None = None) -> bool:
    """Go back to the project's seed; False when nothing was imported."""
    path = imported_path(root)
    if not path.exists():
        return False
    path.unlink()
    return True
