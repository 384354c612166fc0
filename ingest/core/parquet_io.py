"""Write Parquet so that a killed run never leaves a file later steps would read,
and so that the warehouse can tell, from the footer alone, whether a file's
content changed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# The footer key holding the digest of a file's rows (`content_digest`). dbt
# reads it (macros/source_fingerprint.sql) to decide what to rebuild: a file
# rewritten with the same rows changes nothing, whatever its clock says.
CONTENT_DIGEST_KEY = "imagenet_errors.content_sha256"
# When a row was written is not what it says: re-importing the same
# predictions must not look like new ones.
_NOT_CONTENT = frozenset({"written_at"})


def content_digest(table: pa.Table) -> str:
    """sha256 of the table's rows and column types, `written_at` left out.

    Each column is hashed as one contiguous Arrow IPC buffer, so how the rows
    happen to be chunked does not change the digest.
    """
    digest = hashlib.sha256()
    for name in table.column_names:
        if name in _NOT_CONTENT:
            continue
        column = table.select([name]).combine_chunks()
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, column.schema.remove_metadata()) as stream:
            stream.write_table(column)
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(sink.getvalue()).digest())
    return digest.hexdigest()


def write_parquet_atomically(table: pa.Table, path: Path) -> Path:
    """Write to a hidden temporary name beside `path`, then rename over it.

    The temporary name starts with a dot so that the `**/*.parquet` globs of
    dbt's sources skip it while it is being written. The footer carries the
    digest of the rows (CONTENT_DIGEST_KEY).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = dict(table.schema.metadata or {})
    metadata[CONTENT_DIGEST_KEY.encode()] = content_digest(table).encode()
    table = table.replace_schema_metadata(metadata)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, temporary, compression="zstd")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
