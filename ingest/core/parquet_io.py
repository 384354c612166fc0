"""Write Parquet so that a killed run never leaves a file later steps would read."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def write_parquet_atomically(table: pa.Table, path: Path) -> Path:
    """Write to a hidden temporary name beside `path`, then rename over it.

    The temporary name starts with a dot so that the `**/*.parquet` globs of
    dbt's sources skip it while it is being written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, temporary, compression="zstd")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
